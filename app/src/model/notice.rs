//! What a form's redirect tells the page it lands on: written into the query by the server
//! function, read back by the page, so the outcome shows with or without JavaScript.
use super::BulkAction;

/// The outcome of a change, as the page after the redirect says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    SetupDone,
    PasswordSetByLink,
    UserCreated,
    UserDeleted,
    UsersImported(u64),
    Bulk(BulkAction, u64),
    ChangesSaved,
    ConvertedToShared,
    RoleChanged,
    AliasAdded,
    AliasRemoved,
    /// An administrator's reset: the devices it signed out, and what went with it.
    PasswordReset {
        devices_ended: u64,
        must_change: bool,
        emailed: bool,
    },
    AccountUnlocked,
    /// An administrator signed the user out of this many devices.
    DevicesSignedOut(u64),
    /// The person's own new password, and how many of their other devices it signed out.
    OwnPasswordChanged(u64),
    OwnDevicesSignedOut(u64),
    ListDeleted,
    LimitsSaved,
    PolicySaved,
    TwoFactorOn,
    TwoFactorOff,
    RecoveryCodesReplaced,
    /// Signed in with a recovery code; this many are left.
    RecoveryCodeUsed(u64),
    /// An administrator's reset of a user's two-factor authentication, and the devices it
    /// signed out.
    TwoFactorReset(u64),
    TwoFactorRuleSaved,
    AppPasswordCreated,
    AppPasswordRevoked,
    OneTimePasswordCreated,
    OneTimePasswordEnded,
    AccountHelpSaved,
    MailRulesSaved,
    ForwardingSaved,
    AutoReplySaved,
    SharedCreated,
    MemberAdded,
    MemberRemoved,
    /// "If that address has a recovery address, a link is on its way": the same for every
    /// address typed.
    RecoveryRequested,
}

impl Notice {
    fn name(self) -> &'static str {
        match self {
            Self::SetupDone => "setup_done",
            Self::PasswordSetByLink => "password_set",
            Self::UserCreated => "user_created",
            Self::UserDeleted => "user_deleted",
            Self::UsersImported(_) => "users_imported",
            Self::Bulk(BulkAction::Disable, _) => "bulk_disable",
            Self::Bulk(BulkAction::Enable, _) => "bulk_enable",
            Self::Bulk(BulkAction::Delete, _) => "bulk_delete",
            Self::ChangesSaved => "saved",
            Self::ConvertedToShared => "converted",
            Self::RoleChanged => "role_changed",
            Self::AliasAdded => "alias_added",
            Self::AliasRemoved => "alias_removed",
            Self::PasswordReset { .. } => "password_reset",
            Self::AccountUnlocked => "unlocked",
            Self::DevicesSignedOut(_) => "signed_out",
            Self::OwnPasswordChanged(_) => "own_password_changed",
            Self::OwnDevicesSignedOut(_) => "own_signed_out",
            Self::ListDeleted => "list_deleted",
            Self::LimitsSaved => "limits_saved",
            Self::PolicySaved => "policy_saved",
            Self::TwoFactorOn => "two_factor_on",
            Self::TwoFactorOff => "two_factor_off",
            Self::RecoveryCodesReplaced => "recovery_codes_replaced",
            Self::RecoveryCodeUsed(_) => "recovery_code_used",
            Self::TwoFactorReset(_) => "two_factor_reset",
            Self::TwoFactorRuleSaved => "two_factor_rule_saved",
            Self::AppPasswordCreated => "app_password_created",
            Self::AppPasswordRevoked => "app_password_revoked",
            Self::OneTimePasswordCreated => "one_time_password_created",
            Self::OneTimePasswordEnded => "one_time_password_ended",
            Self::AccountHelpSaved => "account_help_saved",
            Self::MailRulesSaved => "mail_rules_saved",
            Self::ForwardingSaved => "forwarding_saved",
            Self::AutoReplySaved => "auto_reply_saved",
            Self::SharedCreated => "shared_created",
            Self::MemberAdded => "member_added",
            Self::MemberRemoved => "member_removed",
            Self::RecoveryRequested => "recovery_requested",
        }
    }

    /// The query parameters that carry it: `notice=…`, with `n=…` for a count and the reset's
    /// flags.
    pub fn query(self) -> String {
        let mut query = format!("notice={}", self.name());
        let count = match self {
            Self::UsersImported(n)
            | Self::Bulk(_, n)
            | Self::DevicesSignedOut(n)
            | Self::OwnPasswordChanged(n)
            | Self::OwnDevicesSignedOut(n)
            | Self::RecoveryCodeUsed(n)
            | Self::TwoFactorReset(n) => Some(n),
            Self::PasswordReset { devices_ended, .. } => Some(devices_ended),
            _ => None,
        };
        if let Some(n) = count {
            query.push_str(&format!("&n={n}"));
        }
        if let Self::PasswordReset {
            must_change,
            emailed,
            ..
        } = self
        {
            if must_change {
                query.push_str("&must_change=1");
            }
            if emailed {
                query.push_str("&emailed=1");
            }
        }
        query
    }

    /// `path` with the notice's parameters appended.
    pub fn after(self, path: &str) -> String {
        let joint = if path.contains('?') { '&' } else { '?' };
        format!("{path}{joint}{}", self.query())
    }

    /// Reads the notice back from a page's query (`get` looks a parameter up).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let name = get("notice")?;
        let n = || get("n").and_then(|n| n.parse::<u64>().ok());
        Some(match name.as_str() {
            "setup_done" => Self::SetupDone,
            "password_set" => Self::PasswordSetByLink,
            "user_created" => Self::UserCreated,
            "user_deleted" => Self::UserDeleted,
            "users_imported" => Self::UsersImported(n()?),
            "bulk_disable" => Self::Bulk(BulkAction::Disable, n()?),
            "bulk_enable" => Self::Bulk(BulkAction::Enable, n()?),
            "bulk_delete" => Self::Bulk(BulkAction::Delete, n()?),
            "saved" => Self::ChangesSaved,
            "converted" => Self::ConvertedToShared,
            "role_changed" => Self::RoleChanged,
            "alias_added" => Self::AliasAdded,
            "alias_removed" => Self::AliasRemoved,
            "password_reset" => Self::PasswordReset {
                devices_ended: n()?,
                must_change: get("must_change").is_some(),
                emailed: get("emailed").is_some(),
            },
            "unlocked" => Self::AccountUnlocked,
            "signed_out" => Self::DevicesSignedOut(n()?),
            "own_password_changed" => Self::OwnPasswordChanged(n()?),
            "own_signed_out" => Self::OwnDevicesSignedOut(n()?),
            "list_deleted" => Self::ListDeleted,
            "limits_saved" => Self::LimitsSaved,
            "policy_saved" => Self::PolicySaved,
            "two_factor_on" => Self::TwoFactorOn,
            "two_factor_off" => Self::TwoFactorOff,
            "recovery_codes_replaced" => Self::RecoveryCodesReplaced,
            "recovery_code_used" => Self::RecoveryCodeUsed(n()?),
            "two_factor_reset" => Self::TwoFactorReset(n()?),
            "two_factor_rule_saved" => Self::TwoFactorRuleSaved,
            "app_password_created" => Self::AppPasswordCreated,
            "app_password_revoked" => Self::AppPasswordRevoked,
            "one_time_password_created" => Self::OneTimePasswordCreated,
            "one_time_password_ended" => Self::OneTimePasswordEnded,
            "account_help_saved" => Self::AccountHelpSaved,
            "mail_rules_saved" => Self::MailRulesSaved,
            "forwarding_saved" => Self::ForwardingSaved,
            "auto_reply_saved" => Self::AutoReplySaved,
            "shared_created" => Self::SharedCreated,
            "member_added" => Self::MemberAdded,
            "member_removed" => Self::MemberRemoved,
            "recovery_requested" => Self::RecoveryRequested,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(notice: Notice) -> Option<Notice> {
        let url = notice.after("/users/7?search=ann");
        let query = url.split_once('?').unwrap().1.to_owned();
        Notice::from_query(|key| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_owned())
        })
    }

    #[test]
    fn every_notice_reads_back_as_written() {
        let all = [
            Notice::SetupDone,
            Notice::PasswordSetByLink,
            Notice::UserCreated,
            Notice::UserDeleted,
            Notice::UsersImported(12),
            Notice::Bulk(BulkAction::Disable, 2),
            Notice::Bulk(BulkAction::Enable, 3),
            Notice::Bulk(BulkAction::Delete, 4),
            Notice::ChangesSaved,
            Notice::ConvertedToShared,
            Notice::RoleChanged,
            Notice::AliasAdded,
            Notice::AliasRemoved,
            Notice::PasswordReset {
                devices_ended: 2,
                must_change: true,
                emailed: false,
            },
            Notice::PasswordReset {
                devices_ended: 0,
                must_change: false,
                emailed: true,
            },
            Notice::AccountUnlocked,
            Notice::DevicesSignedOut(1),
            Notice::OwnPasswordChanged(0),
            Notice::OwnDevicesSignedOut(5),
            Notice::ListDeleted,
            Notice::LimitsSaved,
            Notice::PolicySaved,
            Notice::TwoFactorOn,
            Notice::TwoFactorOff,
            Notice::RecoveryCodesReplaced,
            Notice::RecoveryCodeUsed(9),
            Notice::TwoFactorReset(3),
            Notice::TwoFactorRuleSaved,
            Notice::AppPasswordCreated,
            Notice::AppPasswordRevoked,
            Notice::OneTimePasswordCreated,
            Notice::OneTimePasswordEnded,
            Notice::AccountHelpSaved,
            Notice::MailRulesSaved,
            Notice::ForwardingSaved,
            Notice::AutoReplySaved,
            Notice::SharedCreated,
            Notice::MemberAdded,
            Notice::MemberRemoved,
            Notice::RecoveryRequested,
        ];
        for notice in all {
            assert_eq!(read_back(notice), Some(notice), "{}", notice.query());
        }
    }

    #[test]
    fn an_unknown_or_incomplete_notice_reads_as_none() {
        let none = |pairs: &[(&str, &str)]| {
            Notice::from_query(|key| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            })
        };
        assert_eq!(none(&[("notice", "nonsense")]), None);
        assert_eq!(none(&[("notice", "users_imported")]), None);
        assert_eq!(none(&[("notice", "signed_out"), ("n", "many")]), None);
        assert_eq!(none(&[]), None);
    }
}
