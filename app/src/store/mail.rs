//! What waits to go out: the mail outbox and the mail server's commands to retry.
use super::StoreError;
use crate::model::{MailKind, MailRecord, MailServerAction};
use async_trait::async_trait;

/// A single-use set-password link: only the SHA-256 of its token.
#[derive(Debug, Clone)]
pub struct NewPasswordLink {
    pub token_hash: Vec<u8>,
    pub expires_at: i64,
}

/// A message for the outbox. The body is sealed (it may hold a link or a password).
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub sealed_body: Vec<u8>,
}

/// A queued message whose time to try has come.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub sealed_body: Vec<u8>,
    /// Tries so far.
    pub attempts: i64,
}

/// What became of one try to send a message.
#[derive(Debug, Clone)]
pub enum Delivery {
    Sent,
    /// Refused or unreachable: try again at `at`.
    Retry {
        at: i64,
        error: String,
    },
    /// No more tries.
    GaveUp {
        error: String,
    },
}

/// A mail-server command that could not be delivered, to retry.
#[derive(Debug, Clone)]
pub struct NewMailServerTask {
    pub address: String,
    pub action: MailServerAction,
    /// Why the first try failed.
    pub error: String,
    pub next_attempt_at: i64,
    pub now: i64,
}

/// A waiting mail-server command whose time to try has come.
#[derive(Debug, Clone)]
pub struct MailServerTask {
    pub id: i64,
    pub address: String,
    pub action: MailServerAction,
    /// Tries so far.
    pub attempts: i64,
}

#[async_trait]
pub trait MailStore: Send + Sync {
    /// Claims the oldest message due at `now` for this instance until `lease_until`: no other
    /// instance takes it before then, and any may after, if this one never recorded a try.
    async fn claim_mail(&self, now: i64, lease_until: i64) -> Result<Option<DueMail>, StoreError>;
    /// Records one try; a sent or abandoned message loses its body.
    async fn record_delivery(
        &self,
        mail_id: i64,
        delivery: Delivery,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The newest messages about a user, for the admin.
    async fn user_mail(
        &self,
        organisation_id: i64,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<MailRecord>, StoreError>;
    /// Keeps a mail-server command for the retry worker.
    async fn queue_mail_server_task(&self, task: NewMailServerTask) -> Result<(), StoreError>;
    /// Claims the oldest mail-server command due at `now` until `lease_until`, as `claim_mail`.
    async fn claim_mail_server_task(
        &self,
        now: i64,
        lease_until: i64,
    ) -> Result<Option<MailServerTask>, StoreError>;
    /// Records one retry: `Sent` and `GaveUp` remove the command, `Retry` puts it off.
    async fn record_mail_server_try(
        &self,
        task_id: i64,
        outcome: Delivery,
    ) -> Result<(), StoreError>;
}
