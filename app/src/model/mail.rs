//! Mail the panel sends about a user, and what the reset dialog may send.
use serde::{Deserialize, Serialize};

/// What a reset sends to the user's recovery address, besides the notice that always goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialsByEmail {
    Nothing,
    /// A single-use link to set a new password: the default, since no secret travels.
    Link,
    /// The temporary password itself; only when the user must change it at the next sign-in.
    Password,
}

impl CredentialsByEmail {
    pub const ALL: [CredentialsByEmail; 3] = [Self::Nothing, Self::Link, Self::Password];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nothing => "nothing",
            Self::Link => "link",
            Self::Password => "password",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// Which message a queued mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailKind {
    SetPasswordLink,
    TemporaryPassword,
    /// "Your password was reset": no secret, to the mailbox itself.
    ResetNotice,
    /// "Your two-factor authentication was reset", to the mailbox and the recovery address.
    TwoFactorResetNotice,
    /// The link "Forgot password" sends, to the recovery address only.
    RecoveryLink,
    /// "Your password was changed with a recovery link", to the mailbox itself.
    PasswordSetNotice,
    /// "An administrator signed in to your account", to the mailbox.
    ActedForNotice,
}

impl MailKind {
    pub const ALL: [MailKind; 7] = [
        Self::SetPasswordLink,
        Self::TemporaryPassword,
        Self::ResetNotice,
        Self::TwoFactorResetNotice,
        Self::RecoveryLink,
        Self::PasswordSetNotice,
        Self::ActedForNotice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SetPasswordLink => "set_password_link",
            Self::TemporaryPassword => "temporary_password",
            Self::ResetNotice => "reset_notice",
            Self::TwoFactorResetNotice => "two_factor_reset_notice",
            Self::RecoveryLink => "recovery_link",
            Self::PasswordSetNotice => "password_set_notice",
            Self::ActedForNotice => "acted_for_notice",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailStatus {
    /// Waiting for its first try, or for a retry after the mail server refused or was down.
    Queued,
    Sent,
    /// Given up after the last retry.
    Failed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Queued, Self::Sent, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// A message about a user as the admin sees it on the Security tab: never its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRecord {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub status: MailStatus,
    pub attempts: i64,
    /// The mail server's last refusal or the connection error, for the admin to act on.
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// The holder of a set-password link, as the link's page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkHolder {
    pub email: String,
    pub policy: crate::model::PasswordPolicy,
    /// Their name, username and domain, for the meter.
    pub personal: Vec<String>,
}
