//! The mail server's half of a change. Dovecot reads passwords straight from the panel's
//! database, so a new password or a disabled account holds at the next login by itself; what
//! the database can't do is close the connections a user already has open, or make Dovecot
//! forget a login it cached. Those go to the mail server as commands, after the panel's own
//! change has committed: when the mail server can't be reached, the command waits in the store
//! and is retried, and the admin is told.
use crate::services::{retry_delay, Services};
use crate::store::NewMailServerTask;
use async_trait::async_trait;

/// A command for the mail server about one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailServerAction {
    /// Close every open connection of the user (and forget their cached logins).
    EndConnections,
    /// Forget cached logins only: the next login reads the database again.
    ForgetLogins,
}

impl MailServerAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EndConnections => "end_connections",
            Self::ForgetLogins => "forget_logins",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "end_connections" => Some(Self::EndConnections),
            "forget_logins" => Some(Self::ForgetLogins),
            _ => None,
        }
    }
}

/// The mail server, as the server crate reaches it (Dovecot's doveadm HTTP API).
#[async_trait]
pub trait MailServer: Send + Sync {
    /// Runs `action` for `address`; `Err` says why the mail server did not do it.
    async fn run(&self, address: &str, action: MailServerAction) -> Result<(), String>;
}

/// Whether every command reached the mail server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Reached {
    /// Done, or no mail server is configured (nothing to tell).
    Yes,
    /// At least one command waits for a retry.
    Later,
}

impl Reached {
    /// The query parameter pages read to warn the admin, to append to a redirect.
    pub fn query(self) -> &'static str {
        match self {
            Self::Yes => "",
            Self::Later => "&mail_server=pending",
        }
    }
}

/// Tells the mail server `action` for each address, queueing for a retry what it can't take.
pub async fn tell_mail_server(
    services: &Services,
    addresses: &[String],
    action: MailServerAction,
) -> Reached {
    let Some(server) = &services.mail_server else {
        return Reached::Yes;
    };
    let mut reached = Reached::Yes;
    for address in addresses {
        let Err(error) = server.run(address, action).await else {
            continue;
        };
        reached = Reached::Later;
        tracing::warn!(%address, action = action.as_str(), %error, "mail server not reached: queued for a retry");
        let now = services.clock.now();
        let task = NewMailServerTask {
            address: address.clone(),
            action,
            error,
            next_attempt_at: now + retry_delay(1),
            now,
        };
        if let Err(e) = services.store.queue_mail_server_task(task).await {
            tracing::error!(error = %e, %address, "cannot queue a mail server command");
        }
    }
    reached
}
