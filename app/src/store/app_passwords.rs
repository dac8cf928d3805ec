//! App passwords: argon2id hashes, each with the four characters in clear that the mail
//! server finds it by. Revoking deletes the row, so the mail server refuses it at the next
//! login.
use super::StoreError;
use crate::model::{AppPassword, OneTimePassword};
use async_trait::async_trait;

#[derive(Clone)]
pub struct NewAppPassword {
    pub user_id: i64,
    pub name: String,
    pub lookup: String,
    pub password_hash: String,
    /// The administrator's address, or `None` when the user made it.
    pub created_by: Option<String>,
    /// A one-time password's end (Unix seconds); `None` for an app password.
    pub expires_at: Option<i64>,
    pub now: i64,
}

impl std::fmt::Debug for NewAppPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAppPassword")
            .field("user_id", &self.user_id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[async_trait]
pub trait AppPasswordStore: Send + Sync {
    /// Stores a new app password. `Conflict` on `lookup` when the user has one that starts the
    /// same way (the caller draws another); `NotFound` if there is no such user.
    async fn create_app_password(&self, new: NewAppPassword) -> Result<i64, StoreError>;
    /// The user's app passwords, newest first (one-time passwords are not among them).
    async fn app_passwords(&self, user_id: i64) -> Result<Vec<AppPassword>, StoreError>;
    /// Stores a one-time password (`expires_at` set) in place of the user's previous one, in
    /// one transaction; `Conflict` on `lookup` as for an app password.
    async fn replace_one_time_password(&self, new: NewAppPassword) -> Result<(), StoreError>;
    /// The user's one-time password if it still works at `now`.
    async fn one_time_password(
        &self,
        user_id: i64,
        now: i64,
    ) -> Result<Option<OneTimePassword>, StoreError>;
    /// Ends the user's one-time password; whether one was still working at `now`.
    async fn end_one_time_password(&self, user_id: i64, now: i64) -> Result<bool, StoreError>;
    /// Revokes one of the user's app passwords; `NotFound` if it is not theirs (or gone).
    async fn revoke_app_password(&self, user_id: i64, id: i64) -> Result<(), StoreError>;
    /// Whether two-factor authentication keeps a user's own password for the panel, so that
    /// mail apps need an app password.
    async fn app_passwords_only(&self, organisation_id: i64) -> Result<bool, StoreError>;
    async fn set_app_passwords_only(
        &self,
        organisation_id: i64,
        only: bool,
    ) -> Result<(), StoreError>;
}
