//! Sign-in, sessions and devices, and the set-password links that end them.
use super::{AuditEntry, NewMail, NewPasswordLink, StoreError};
use crate::model::{Device, EmailAddress, Role, SignOut, Viewer};
use crate::security::lockout::LockoutRules;
use async_trait::async_trait;

/// What sign-in needs to decide, looked up by address.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user_id: i64,
    pub organisation_id: i64,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    /// A temporary password's end; `None` for a password the user chose.
    pub password_expires_at: Option<i64>,
    /// The end of a lock earned by failed sign-ins.
    pub locked_until: Option<i64>,
    /// A confirmed second factor: the sign-in asks for its code next.
    pub two_factor_on: bool,
    /// The organisation requires a second factor of this account and it has none yet.
    pub must_set_up_two_factor: bool,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: i64,
    /// SHA-256 of the cookie's token; the token itself is never stored.
    pub token_hash: Vec<u8>,
    pub device: String,
    pub ip: String,
    pub now: i64,
}

/// How long a session lives, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle: i64,
    pub absolute: i64,
}

/// Who a live set-password link belongs to.
#[derive(Debug, Clone)]
pub struct LinkOwner {
    pub organisation_id: i64,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    /// Asked for on "Forgot password" (the others come with an administrator's reset).
    pub requested: bool,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Whether the database answers at all: every request's session is checked in it, so a
    /// load balancer sends requests only where this holds (`/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;
    async fn find_login(&self, email: &EmailAddress) -> Result<Option<LoginRecord>, StoreError>;
    /// Replaces a user's password hash (a rehash at sign-in, or a new password).
    async fn update_password_hash(
        &self,
        user_id: i64,
        password_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The signed-in user's own new password: clears the force-change flag, moves the current
    /// session (`session.0`) to a fresh token hash (`session.1`) and, when asked, ends every
    /// other session of theirs, in one transaction. Returns how many sessions ended.
    async fn change_own_password(
        &self,
        user_id: i64,
        password_hash: &str,
        session: (&[u8], &[u8]),
        sign_out_others: bool,
        now: i64,
    ) -> Result<u64, StoreError>;
    /// Stores a new session, stamps the user's last sign-in and clears their failed sign-ins,
    /// with the sign-in's audit `event`, in one transaction.
    async fn create_session(
        &self,
        session: NewSession,
        event: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// Stores the session an administrator opens as the user ("Sign in as this user") with
    /// the mail that tells the user, in one transaction; the user's own sign-in record stays.
    async fn create_acting_session(
        &self,
        session: NewSession,
        acting: &crate::model::ActingAdmin,
        organisation_id: i64,
        notice: &[NewMail],
    ) -> Result<(), StoreError>;
    /// Counts a failed sign-in against the account and, once `rules` say so, locks it (a
    /// lock's end only ever moves later). Returns the end of the lock now in force, if any.
    async fn record_failed_sign_in(
        &self,
        user_id: i64,
        now: i64,
        rules: LockoutRules,
    ) -> Result<Option<i64>, StoreError>;
    /// Clears the user's failed sign-ins and lock. `NotFound` outside the organisation.
    async fn unlock_user(&self, organisation_id: i64, user_id: i64) -> Result<(), StoreError>;
    /// The session's owner if it is live, sliding its last-seen time; expired sessions are removed.
    async fn session_viewer(
        &self,
        token_hash: &[u8],
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<Viewer>, StoreError>;
    async fn delete_session(&self, token_hash: &[u8]) -> Result<(), StoreError>;
    /// Records that the session's owner has just typed their password again.
    async fn confirm_password(&self, token_hash: &[u8], now: i64) -> Result<(), StoreError>;
    /// The user's live sessions in the organisation, most recently seen first; the one whose
    /// token hash is `asking` is marked current.
    async fn list_devices(
        &self,
        organisation_id: i64,
        user_id: i64,
        asking: &[u8],
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<Device>, StoreError>;
    /// Ends the user's sessions (all, or those listed), never the one whose token hash is
    /// `keep` (the caller's). Returns how many ended.
    async fn end_sessions(
        &self,
        user_id: i64,
        which: &SignOut,
        keep: &[u8],
    ) -> Result<u64, StoreError>;
    /// The owner of an unused, unexpired link; `NotFound` otherwise.
    async fn password_link_owner(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> Result<LinkOwner, StoreError>;
    /// Uses the link: sets the password, clears the force-change flag, ends every session of
    /// the owner, marks the link used and queues `notice`, in one transaction. `NotFound` if
    /// the link is unknown, used or expired (a second use loses the race).
    async fn set_password_by_link(
        &self,
        token_hash: &[u8],
        password_hash: &str,
        notice: &[NewMail],
        now: i64,
    ) -> Result<LinkOwner, StoreError>;
    /// A link the user asked for on "Forgot password", stored with the mail that carries it,
    /// in one transaction.
    async fn add_requested_link(
        &self,
        organisation_id: i64,
        user_id: i64,
        link: NewPasswordLink,
        mail: &[NewMail],
        now: i64,
    ) -> Result<(), StoreError>;
}
