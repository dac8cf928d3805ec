//! The mail server's half of a change, sent after the panel's own change has committed: when
//! the mail server can't be reached, the command waits in the store and is retried, and the
//! admin is told.
use crate::model::MailServerAction;
use crate::services::{retry_delay, Services};
use crate::store::NewMailServerTask;

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
