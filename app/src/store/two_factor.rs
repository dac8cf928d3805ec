//! Two-factor sign-in: each user's TOTP key (sealed by the caller; the store never sees it in
//! clear) and recovery codes (argon2id hashes). Spending a code is one conditional update, so
//! two sign-ins racing with the same code, on one instance or several, let one through.
use super::{NewMail, StoreError};
use async_trait::async_trait;

/// A user's two-factor set-up as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct TwoFactorRecord {
    pub sealed_key: Vec<u8>,
    /// `None` while the set-up waits for its first code.
    pub confirmed_at: Option<i64>,
    /// The step of the last code accepted.
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for TwoFactorRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorRecord")
            .field("confirmed_at", &self.confirmed_at)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// A recovery code not used yet: its id, to spend it, and its hash, to check a typed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedRecoveryCode {
    pub id: i64,
    pub code_hash: String,
}

#[async_trait]
pub trait TwoFactorStore: Send + Sync {
    /// Starts a set-up with a new sealed key, replacing one that waits for its first code.
    /// Refused (`Conflict` on `code`) while a confirmed set-up is on: it must be turned off or
    /// reset first.
    async fn begin_two_factor(&self, user_id: i64, sealed_key: &[u8]) -> Result<(), StoreError>;
    /// The user's set-up, confirmed or waiting.
    async fn two_factor(&self, user_id: i64) -> Result<Option<TwoFactorRecord>, StoreError>;
    /// Confirms the waiting set-up with the first code's `step` and gives the user the
    /// recovery codes `code_hashes`, in one transaction. `NotFound` if nothing waits.
    async fn confirm_two_factor(
        &self,
        user_id: i64,
        step: i64,
        code_hashes: &[String],
        now: i64,
    ) -> Result<(), StoreError>;
    /// Spends the code of `step`: `true` if it is later than every code accepted before,
    /// `false` (and nothing changes) if it, or a later one, was used already.
    async fn spend_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError>;
    async fn unused_recovery_codes(
        &self,
        user_id: i64,
    ) -> Result<Vec<UnusedRecoveryCode>, StoreError>;
    /// Spends a recovery code of the user, as read by `unused_recovery_codes`: `true` the
    /// first time only, and never once the codes were replaced meanwhile.
    async fn spend_recovery_code(
        &self,
        user_id: i64,
        code: &UnusedRecoveryCode,
        now: i64,
    ) -> Result<bool, StoreError>;
    /// Replaces every recovery code of the user ("New recovery codes").
    async fn replace_recovery_codes(
        &self,
        user_id: i64,
        code_hashes: &[String],
    ) -> Result<(), StoreError>;
    /// Removes the key and the recovery codes (the user turning it off). Returns whether there
    /// was a set-up.
    async fn remove_two_factor(&self, user_id: i64) -> Result<bool, StoreError>;
    /// An administrator's reset, in one transaction: removes the set-up and the recovery codes
    /// of the organisation's user, ends every session of theirs and queues `mail` (the
    /// notices). Returns how many sessions ended; `NotFound` if the user has no set-up.
    async fn reset_two_factor(
        &self,
        organisation_id: i64,
        user_id: i64,
        mail: &[NewMail],
        now: i64,
    ) -> Result<u64, StoreError>;
}
