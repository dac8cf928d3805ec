//! The audit trail as pages read it: lines, the filters of the audit log page, and its pages.
use serde::{Deserialize, Serialize};

/// One event of the audit trail; never a secret (passwords and tokens are never recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: i64,
    /// The address of who acted; empty for a failed sign-in, where nobody is known.
    pub actor: String,
    pub action: String,
    pub target: String,
    pub success: bool,
    /// The options and outcome as a JSON object (for a refusal, its `reason`).
    pub detail: String,
    pub ip: String,
}

/// Every action the panel records, in the order the filter offers them.
pub const AUDIT_ACTIONS: [&str; 48] = [
    "sign_in",
    "sign_out",
    "setup",
    "password.reset",
    "password.change",
    "password.confirm",
    "password.set_by_link",
    "password.recovery_request",
    "session.sign_out_devices",
    "user.create",
    "user.update",
    "user.delete",
    "user.disable",
    "user.enable",
    "user.convert_shared",
    "user.unlock",
    "user.sign_out",
    "user.role",
    "user.act_as",
    "user.act_as_end",
    "account.preferences",
    "alias.add",
    "alias.remove",
    "list.create",
    "list.delete",
    "list.add_member",
    "list.remove_member",
    "domain.add",
    "domain.remove",
    "organisation.limits",
    "organisation.password_policy",
    "audit.export",
    "two_factor.enable",
    "two_factor.disable",
    "two_factor.recovery_codes",
    "two_factor.reset",
    "organisation.two_factor",
    "app_password.create",
    "app_password.revoke",
    "one_time_password.create",
    "one_time_password.end",
    "organisation.account_help",
    "organisation.mail_rules",
    "forwarding.set",
    "auto_reply.set",
    "shared.create",
    "shared.add_member",
    "shared.remove_member",
];

/// Events per page of the audit log.
pub const AUDIT_PAGE_SIZE: usize = 50;

/// What the audit log page asks for. Text filters match a part of the address, in any case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Whom the action was about.
    pub target: String,
    /// Who acted.
    pub actor: String,
    /// One of `AUDIT_ACTIONS`, or empty for all.
    pub action: String,
    /// `Some(true)` for successes only, `Some(false)` for refusals only.
    pub success: Option<bool>,
    /// From the start of this UTC day (Unix seconds).
    pub from: Option<i64>,
    /// Up to the end of this UTC day: events before this Unix second.
    pub until: Option<i64>,
    /// Keyset: only events older than this id (the next page).
    pub before: Option<i64>,
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditLine>,
    /// The `before` of the next (older) page, if there is one.
    pub next: Option<i64>,
}

/// The Unix second a `YYYY-MM-DD` UTC day starts at.
pub fn day_start(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let month = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_as_utc_midnight_and_nonsense_does_not() {
        assert_eq!(day_start("2027-01-15"), Some(1_800_000_000 - 8 * 3600));
        assert_eq!(day_start("1970-01-01"), Some(0));
        for bad in ["", "2027-13-01", "2027-02-30", "15/01/2027", "2027-01"] {
            assert_eq!(day_start(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_action_is_listed_once() {
        let mut sorted = AUDIT_ACTIONS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), AUDIT_ACTIONS.len());
    }
}
