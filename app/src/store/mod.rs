//! The persistence port, by feature. The server crate implements every feature trait for SQLite
//! and PostgreSQL; server functions only ever see `&dyn Store`, which is all of them.
mod addresses;
mod app_passwords;
mod attempts;
mod audit;
mod imports;
mod mail;
mod organisation;
mod sessions;
mod shared_mailboxes;
mod two_factor;
mod users;

pub use addresses::AddressStore;
pub use app_passwords::{AppPasswordStore, NewAppPassword};
pub use attempts::{AttemptStore, AttemptWindow};
pub use audit::{AuditEntry, AuditStore};
pub use imports::{ImportCheck, ImportStore, NewImport, StoredImport};
pub use mail::{
    Delivery, DueMail, MailServerTask, MailStore, NewMail, NewMailServerTask, NewPasswordLink,
};
pub use organisation::{NewOrganisation, OrganisationStore, TotalsCorrection};
pub use sessions::{LinkOwner, LoginRecord, NewSession, SessionLimits, SessionStore};
pub use shared_mailboxes::{NewSharedMailbox, SharedGrant, SharedMailboxStore};
pub use two_factor::{TwoFactorRecord, TwoFactorStore, UnusedRecoveryCode};
pub use users::{AccountsToReview, NewUser, PasswordReset, UserStore, UserUpdate};

use crate::model::AddressHolder;

/// Everything the panel keeps.
pub trait Store:
    SessionStore
    + OrganisationStore
    + UserStore
    + AddressStore
    + ImportStore
    + MailStore
    + AuditStore
    + TwoFactorStore
    + AppPasswordStore
    + SharedMailboxStore
    + AttemptStore
{
}

impl<T> Store for T where
    T: SessionStore
        + OrganisationStore
        + UserStore
        + AddressStore
        + ImportStore
        + MailStore
        + AuditStore
        + TwoFactorStore
        + AppPasswordStore
        + SharedMailboxStore
        + AttemptStore
{
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value is taken; `field` names the form input it came from.
    #[error("conflict on {field}")]
    Conflict { field: &'static str },
    /// Every mailbox licence is in use.
    #[error("all {licences} mailbox licences are in use")]
    LicencesExhausted { licences: i64 },
    /// The quota asked for is more than the storage pool has left.
    #[error("only {available_mb} MB left in the storage pool")]
    StoragePoolExceeded { available_mb: i64 },
    /// The quota asked for is less than the mailbox already holds (in MB, rounded up).
    #[error("the mailbox already holds {used_mb} MB")]
    QuotaBelowUsed { used_mb: i64 },
    /// The address of the batch's row `index` (from 0) is held already.
    #[error("row {index}: the address is taken")]
    RowConflict { index: usize, holder: AddressHolder },
    /// The address typed in `field` is held by a mailbox, an alias or a list.
    #[error("the address is held by {holder:?}")]
    AddressHeld {
        field: &'static str,
        holder: AddressHolder,
    },
    /// The item is still used by this many mailboxes, aliases and lists.
    #[error("still used by {mailboxes} mailboxes")]
    InUse { mailboxes: i64 },
    /// The database can't be reached (down, restarting, every connection busy): the same
    /// request may work in a moment.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("database: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}
