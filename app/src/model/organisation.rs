use super::AuditLine;
use super::UserRow;
use serde::{Deserialize, Serialize};

/// What the organisation has bought and what it uses: shown on every page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationUsage {
    pub name: String,
    pub mailbox_licences: i64,
    pub mailboxes_used: i64,
    pub storage_pool_mb: i64,
    pub storage_allocated_mb: i64,
}

impl OrganisationUsage {
    pub fn licences_left(&self) -> i64 {
        (self.mailbox_licences - self.mailboxes_used).max(0)
    }

    pub fn storage_left_mb(&self) -> i64 {
        (self.storage_pool_mb - self.storage_allocated_mb).max(0)
    }
}

/// What the organisation offers a user who can't get in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHelp {
    /// "Forgot password" mails a link to the recovery address.
    pub self_service_recovery: bool,
    /// How long an administrator's one-time password opens the mailbox.
    pub one_time_password_minutes: i64,
    /// The user gets a mail when an administrator signs in as them.
    pub notify_when_acted_for: bool,
}

/// The one-time password's life an organisation may choose, in minutes.
pub const ONE_TIME_PASSWORD_MINUTES: std::ops::RangeInclusive<i64> = 1..=60;

impl Default for AccountHelp {
    fn default() -> Self {
        Self {
            self_service_recovery: true,
            one_time_password_minutes: 5,
            notify_when_acted_for: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainSummary {
    pub id: i64,
    pub name: String,
    pub mailboxes: i64,
}

/// Days without a sign-in after which an account counts as stale.
pub const STALE_AFTER_DAYS: i64 = 90;

/// What the overview page shows: accounts to look at, and recent admin actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub usage: OrganisationUsage,
    pub review: AccountsToReview,
    pub recent_actions: Vec<AuditLine>,
}

/// How far the overview counts each group: past it, "more than 1,000" says enough and the count
/// stays a bounded scan at any size.
pub const REVIEW_COUNTED_UP_TO: i64 = 1_000;

/// A count that stops at a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tally {
    Exactly(i64),
    MoreThan(i64),
}

impl Default for Tally {
    fn default() -> Self {
        Tally::Exactly(0)
    }
}

impl Tally {
    /// `found` rows counted with a limit of `bound + 1`.
    pub fn of(found: i64, bound: i64) -> Self {
        if found > bound {
            Tally::MoreThan(bound)
        } else {
            Tally::Exactly(found)
        }
    }
}

/// Accounts an administrator should look at, in three groups that share no account: each list
/// at most a page, with the group's count up to a bound. Shared mailboxes (nobody signs in to them) are
/// in none; disabled accounts only under `disabled`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsToReview {
    /// Never signed in, however new: by address.
    pub never: Vec<UserRow>,
    pub never_count: Tally,
    /// Signed in once, but not for `STALE_AFTER_DAYS`: the longest unseen first.
    pub stale: Vec<UserRow>,
    pub stale_count: Tally,
    pub disabled: Vec<UserRow>,
    pub disabled_count: Tally,
}
