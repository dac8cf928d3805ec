//! Domain values that parse once at the edge, and the data carried between browser and server.
mod address;
mod addresses;
mod app_passwords;
mod audit;
mod auto_reply;
mod devices;
mod import;
mod mail;
mod mail_rules;
mod mail_server;
mod name;
mod notice;
mod organisation;
mod passphrase;
mod password_policy;
mod prefs;
#[cfg(test)]
mod properties;
mod quota;
mod role;
mod scope;
mod shared;
mod two_factor;
mod users;

pub use address::{DomainName, EmailAddress, LocalPart};
pub use addresses::{AddressHolder, Alias, ListDetail, ListMember, ListSummary};
pub use app_passwords::{
    password_groups, AppPassword, NewAppPasswordShown, NewOneTimePasswordShown, OneTimePassword,
};
pub use audit::{day_start, AuditLine, AuditPage, AuditQuery, AUDIT_ACTIONS, AUDIT_PAGE_SIZE};
pub use auto_reply::{
    AutoReply, AutoReplyInput, Day, AUTO_REPLY_DAYS, AUTO_REPLY_MESSAGE_AT_MOST,
    AUTO_REPLY_SUBJECT_AT_MOST,
};
pub use devices::{Device, SignOut};
pub use import::{ImportPreview, ImportRow, ImportState, IMPORT_MAX_ROWS};
pub use mail::{CredentialsByEmail, LinkHolder, MailKind, MailRecord, MailStatus};
pub use mail_rules::{AliasManagers, Forwarding, MailRules, FORWARD_ADDRESSES_AT_MOST};
pub use mail_server::MailServerAction;
pub use name::DisplayName;
pub use notice::Notice;
pub use organisation::{
    AccountHelp, AccountsToReview, DomainSummary, OrganisationUsage, Overview, Tally,
    ONE_TIME_PASSWORD_MINUTES, REVIEW_COUNTED_UP_TO, STALE_AFTER_DAYS,
};
pub use passphrase::{GeneratedPassword, PassphraseOptions, Separator};
pub use password_policy::{
    Assessment, CharacterClasses, PasswordPolicy, PolicyPreset, Suggestion, Warning,
};
pub use prefs::{DateFormat, Language, Preferences, TimeZone, TIME_ZONES};
pub use quota::{format_mb, gb_number, mb_rounded_up, parse_gb_as_mb, Quota};
pub use role::Role;
pub use scope::{AdminScope, Grant};
pub use shared::{SharedAccess, SharedMember, MEMBERS_NAMED_AT_MOST};
pub use two_factor::{PendingTwoFactor, TwoFactorRequirement, TwoFactorStatus};
pub use users::{
    personal_words, AccountStatus, AccountType, ActingAdmin, BulkAction, Domain, SortKey,
    UserCursor, UserDetail, UserPage, UserQuery, UserRow, UserSort, Viewer, ACTING_SESSION_SECONDS,
    PAGE_SIZE,
};

/// Longest display name we keep, in characters.
pub const NAME_MAX_CHARS: usize = 100;
