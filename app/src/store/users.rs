//! Mailboxes: the list, creating, editing, roles, passwords set by an administrator, disabling,
//! converting and deleting.
use super::{AuditEntry, NewMail, NewPasswordLink, StoreError};
use crate::model::{
    AccountType, AdminScope, LocalPart, Preferences, Quota, Role, SignOut, UserDetail, UserPage,
    UserQuery, UserRow,
};
use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub organisation_id: i64,
    pub domain_id: i64,
    pub local_part: LocalPart,
    pub name: String,
    pub password_hash: String,
    pub account_type: AccountType,
    pub role: Role,
    pub quota: Quota,
    pub preferences: Preferences,
    pub now: i64,
}

/// The editable fields of a mailbox, all set at once.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub name: String,
    pub account_type: AccountType,
    pub quota: Quota,
    pub disabled: bool,
    pub only_local_smtp: bool,
    pub recovery_email: Option<crate::model::EmailAddress>,
    pub preferences: Preferences,
    pub now: i64,
}

/// A new password set by an administrator, and what goes with it.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub password_hash: String,
    /// The user must choose their own password at their next sign-in.
    pub must_change: bool,
    /// When a temporary password stops working (with `must_change`).
    pub expires_at: Option<i64>,
    pub sign_out: SignOut,
    /// Revokes every app password too, so mail apps must be set up again.
    pub revoke_app_passwords: bool,
    /// A set-password link to store with the reset, when one is mailed.
    pub link: Option<NewPasswordLink>,
    /// Queued in the same transaction, so a reset never commits without its mail or the reverse.
    pub mail: Vec<NewMail>,
    pub now: i64,
}

pub use crate::model::AccountsToReview;

#[async_trait]
pub trait UserStore: Send + Sync {
    async fn list_users(
        &self,
        organisation_id: i64,
        query: &UserQuery,
        page_size: usize,
    ) -> Result<UserPage, StoreError>;
    /// Adds the mailboxes, all or none, with their audit `events`, in one transaction: licences
    /// and storage for all of them must be free, and an address already taken fails the batch
    /// with `RowConflict`.
    async fn create_users(
        &self,
        users: &[NewUser],
        events: &[AuditEntry],
    ) -> Result<Vec<UserRow>, StoreError>;
    /// Adds one mailbox, with its audit `event`, if a licence and enough of the storage pool are
    /// free.
    async fn create_user(&self, user: NewUser, event: &AuditEntry) -> Result<UserRow, StoreError> {
        let mut rows = self
            .create_users(std::slice::from_ref(&user), std::slice::from_ref(event))
            .await
            .map_err(|e| match e {
                StoreError::RowConflict { holder, .. } => StoreError::AddressHeld {
                    field: "username",
                    holder,
                },
                e => e,
            })?;
        rows.pop().ok_or(StoreError::NotFound)
    }
    async fn get_user(&self, organisation_id: i64, user_id: i64) -> Result<UserDetail, StoreError>;
    /// Accounts never signed in, signed in but not since `stale_before`, and disabled: up to
    /// `limit` of each, each group counted up to `count_up_to`.
    async fn accounts_to_review(
        &self,
        organisation_id: i64,
        stale_before: i64,
        limit: i64,
        count_up_to: i64,
    ) -> Result<AccountsToReview, StoreError>;
    /// Saves the changes in one transaction; the quota must fit the storage pool and hold what
    /// the mailbox already holds, and disabling ends every session of the user.
    async fn update_user(
        &self,
        organisation_id: i64,
        user_id: i64,
        update: UserUpdate,
    ) -> Result<(), StoreError>;
    /// The user's own choice of language, time zone and date format (My account).
    async fn set_preferences(
        &self,
        user_id: i64,
        preferences: &Preferences,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Gives the user `role` over `scope` in one transaction: the domains of a domain admin
    /// replace any listed before.
    async fn set_role(
        &self,
        organisation_id: i64,
        user_id: i64,
        role: Role,
        scope: &AdminScope,
    ) -> Result<(), StoreError>;
    /// Sets an administrator's new password for a user, with the force-change flag, and ends the
    /// chosen sessions, all in one transaction. Returns how many sessions ended.
    async fn reset_password(
        &self,
        organisation_id: i64,
        user_id: i64,
        reset: PasswordReset,
    ) -> Result<u64, StoreError>;
    /// Disables (ending their sessions) or enables the mailboxes in one transaction, all or
    /// none: `NotFound` if any id is not the organisation's. Returns their addresses.
    async fn set_users_disabled(
        &self,
        organisation_id: i64,
        user_ids: &[i64],
        disabled: bool,
        now: i64,
    ) -> Result<Vec<String>, StoreError>;
    /// Makes the mailbox a shared one, in one transaction: it keeps its mail and quota, frees its
    /// licence, loses any admin role, its sessions end, and the colleagues granted open it.
    async fn convert_to_shared(
        &self,
        organisation_id: i64,
        user_id: i64,
        grants: &[super::SharedGrant],
        now: i64,
    ) -> Result<(), StoreError>;
    /// Deletes the mailboxes and their sessions in one transaction, all or none (`NotFound` if
    /// any id is not the organisation's). Returns their addresses.
    async fn delete_users(
        &self,
        organisation_id: i64,
        user_ids: &[i64],
    ) -> Result<Vec<String>, StoreError>;
}
