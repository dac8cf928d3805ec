//! The mail server, as a port. Dovecot reads passwords straight from the panel's database, so a
//! new password or a disabled account holds at the next login by itself; what the database
//! can't do is close the connections a user already has open, or make Dovecot forget a login it
//! cached. Those go to the mail server as commands (`api::mail_server` sends them).
use crate::model::MailServerAction;
use async_trait::async_trait;

/// The mail server, as the server crate reaches it (Dovecot's doveadm HTTP API).
#[async_trait]
pub trait MailServer: Send + Sync {
    /// Runs `action` for `address`; `Err` says why the mail server did not do it.
    async fn run(&self, address: &str, action: MailServerAction) -> Result<(), String>;
}
