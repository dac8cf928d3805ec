use super::{AdminScope, Preferences, Role};
use serde::{Deserialize, Serialize};

/// Rows per page of the users list.
pub const PAGE_SIZE: usize = 50;

/// The signed-in person, as every server function sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// For a user admin, the mailboxes they look after: all, or those of some domains.
    pub scope: AdminScope,
    /// Set by an administrator's reset: only the password change is open until it is done.
    pub must_change_password: bool,
    /// The organisation requires two-factor authentication of them and they have none yet:
    /// only its set-up is open until it is done.
    pub must_set_up_two_factor: bool,
    /// When this session last proved the password (sign-in or a confirmation), Unix seconds.
    pub password_confirmed_at: i64,
    /// Set when an administrator signed in as this user: who, and where they go back to.
    #[serde(default)]
    pub acting_admin: Option<ActingAdmin>,
}

/// The administrator behind a session opened with "Sign in as this user".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActingAdmin {
    pub user_id: i64,
    pub email: String,
    /// The page "Return to my account" goes back to.
    pub return_to: String,
}

/// How long a session opened with "Sign in as this user" lasts at most, in seconds.
pub const ACTING_SESSION_SECONDS: i64 = 30 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    Basic,
    Enhanced,
}

impl AccountType {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Basic => "basic",
            AccountType::Enhanced => "enhanced",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "basic" => Some(AccountType::Basic),
            "enhanced" => Some(AccountType::Enhanced),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Disabled,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "active" => Some(AccountStatus::Active),
            "disabled" => Some(AccountStatus::Disabled),
            _ => None,
        }
    }
}

/// What one action on several ticked accounts does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    Disable,
    Enable,
    Delete,
}

impl BulkAction {
    pub const ALL: [BulkAction; 3] = [BulkAction::Disable, BulkAction::Enable, BulkAction::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            BulkAction::Disable => "disable",
            BulkAction::Enable => "enable",
            BulkAction::Delete => "delete",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// The audit log's name for what happened to each account.
    pub fn audit_action(self) -> &'static str {
        match self {
            BulkAction::Disable => "user.disable",
            BulkAction::Enable => "user.enable",
            BulkAction::Delete => "user.delete",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub id: i64,
    pub name: String,
}

impl Domain {
    /// The organisation's main domain among `domains` (listed by name): the one it was set up
    /// with, which holds its first administrator, so the first made (ids only grow).
    pub fn main(domains: &[Domain]) -> Option<&Domain> {
        domains.iter().min_by_key(|d| d.id)
    }
}

/// One line of the users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub account_type: AccountType,
    pub quota_mb: i64,
    pub status: AccountStatus,
    /// A shared mailbox: no sign-in, no licence.
    pub shared: bool,
    /// Unix seconds, UTC.
    pub last_login_at: Option<i64>,
    pub role: Role,
}

/// Where a page of the list starts: after or before an address (the list's unique sort key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserCursor {
    After(String),
    Before(String),
}

/// The column the list is ordered by; the address breaks ties, so every order is total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    #[default]
    Address,
    Name,
    LastSignIn,
    Quota,
}

/// A sort column's value in a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Text(String),
    Number(i64),
}

impl UserSort {
    pub const ALL: [UserSort; 4] = [
        UserSort::Address,
        UserSort::Name,
        UserSort::LastSignIn,
        UserSort::Quota,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Address => "address",
            UserSort::Name => "name",
            UserSort::LastSignIn => "last_sign_in",
            UserSort::Quota => "quota",
        }
    }

    pub fn parse(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .unwrap_or_default()
    }

    /// Where a page starts or ends: `key~address`, or just the address when sorting by it.
    pub fn cursor(self, row: &UserRow) -> String {
        match self {
            UserSort::Address => row.email.clone(),
            UserSort::Name => format!("{}~{}", row.name.to_lowercase(), row.email),
            UserSort::LastSignIn => format!("{}~{}", row.last_login_at.unwrap_or(0), row.email),
            UserSort::Quota => format!("{}~{}", row.quota_mb, row.email),
        }
    }

    /// The sort key and address of a cursor; `None` for one made for another order.
    pub fn parse_cursor(self, cursor: &str) -> Option<(Option<SortKey>, String)> {
        if self == UserSort::Address {
            return Some((None, cursor.to_owned()));
        }
        // Addresses never hold `~`, so the last one splits key from address.
        let (key, email) = cursor.rsplit_once('~')?;
        let key = match self {
            UserSort::Name => SortKey::Text(key.to_owned()),
            _ => SortKey::Number(key.parse().ok()?),
        };
        Some((Some(key), email.to_owned()))
    }
}

/// The list's state: read once from the page's URL query, it crosses the wire as the list's
/// argument. What is missing takes its default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserQuery {
    pub search: String,
    pub domain_id: Option<i64>,
    /// The domains a domain admin may see: the list never leaves them. Set by the server from
    /// the caller's scope, never read from the URL.
    #[serde(skip)]
    pub within: Option<Vec<i64>>,
    pub sort: UserSort,
    pub descending: bool,
    pub cursor: Option<UserCursor>,
}

impl UserQuery {
    /// The state in the page's URL (`search`, `domain`, `sort`, `dir`, `after`, `before`); what
    /// can't be read is left at its default, as a hand-edited URL may hold anything.
    pub fn from_url(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| get(name).filter(|v| !v.is_empty());
        let cursor = match (text("after"), text("before")) {
            (Some(after), _) => Some(UserCursor::After(after)),
            (None, Some(before)) => Some(UserCursor::Before(before)),
            (None, None) => None,
        };
        UserQuery {
            search: text("search").unwrap_or_default(),
            domain_id: text("domain").and_then(|d| d.parse().ok()),
            within: None,
            sort: UserSort::parse(&text("sort").unwrap_or_default()),
            descending: text("dir").as_deref() == Some("desc"),
            cursor,
        }
    }

    /// The page's URL query for this state at `cursor`: the inverse of [`UserQuery::from_url`],
    /// leaving defaults out.
    pub fn to_url(&self, cursor: Option<&UserCursor>) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("search", self.search.clone())];
        if let Some(domain) = self.domain_id {
            pairs.push(("domain", domain.to_string()));
        }
        if self.sort != UserSort::default() {
            pairs.push(("sort", self.sort.as_str().to_owned()));
        }
        if self.descending {
            pairs.push(("dir", "desc".to_owned()));
        }
        match cursor {
            Some(UserCursor::After(c)) => pairs.push(("after", c.clone())),
            Some(UserCursor::Before(c)) => pairs.push(("before", c.clone())),
            None => {}
        }
        pairs.retain(|(_, v)| !v.is_empty());
        pairs
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<UserRow>,
    /// Cursor for the next page, when there is one.
    pub next: Option<String>,
    /// Cursor for the previous page, when there is one.
    pub prev: Option<String>,
}

/// Everything the edit page shows of one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// A user admin's domains, when they are a domain admin.
    pub scope: AdminScope,
    pub account_type: AccountType,
    pub quota_mb: i64,
    pub status: AccountStatus,
    pub only_local_smtp: bool,
    /// A shared mailbox: no sign-in, no licence.
    pub shared: bool,
    /// Set by a reset: the user must choose their own password at the next sign-in.
    pub must_change_password: bool,
    /// Where credentials go on a reset: an address outside this mailbox.
    pub recovery_email: Option<String>,
    pub preferences: Preferences,
    /// What the mailbox holds, in MB rounded up, as the mail server last counted it.
    pub used_mb: i64,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
    /// Failed sign-ins since the last success.
    pub failed_sign_ins: i64,
    /// The end of a lock earned by failed sign-ins; it may lie in the past.
    pub locked_until: Option<i64>,
}

impl UserDetail {
    pub fn personal_words(&self) -> Vec<String> {
        personal_words(&self.name, &self.email)
    }
}

/// The words a password of this person must not contain and the meter penalises: the name,
/// the username and the domain.
pub fn personal_words(name: &str, email: &str) -> Vec<String> {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    vec![name.to_owned(), local.to_owned(), domain.to_owned()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, email: &str, last: Option<i64>, quota: i64) -> UserRow {
        UserRow {
            id: 1,
            name: name.into(),
            email: email.into(),
            account_type: AccountType::Basic,
            quota_mb: quota,
            status: AccountStatus::Active,
            shared: false,
            last_login_at: last,
            role: Role::User,
        }
    }

    #[test]
    fn the_list_state_reads_back_from_its_url_and_from_the_wire() {
        let query = UserQuery {
            search: "ann & co".into(),
            domain_id: Some(3),
            within: Some(vec![3]),
            sort: UserSort::LastSignIn,
            descending: true,
            cursor: Some(UserCursor::Before("12~ann@a.test".into())),
        };
        let url = query.to_url(query.cursor.as_ref());
        let get = |name: &str| url.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        let read = UserQuery::from_url(get);
        assert_eq!(
            read,
            UserQuery {
                within: None,
                ..query.clone()
            }
        );

        // `within` never crosses the wire: the server sets it from the caller's scope.
        let sent = serde_qs::to_string(&query).unwrap();
        let received: UserQuery = serde_qs::Config::new(5, false)
            .deserialize_str(&sent)
            .unwrap();
        assert_eq!(
            received,
            UserQuery {
                within: None,
                ..query
            }
        );
        let empty: UserQuery = serde_qs::Config::new(5, false).deserialize_str("").unwrap();
        assert_eq!(empty, UserQuery::default());
    }

    #[test]
    fn a_hand_edited_list_url_reads_as_defaults() {
        let url = [("domain", "x"), ("sort", "shoe size"), ("dir", "up")];
        let get = |name: &str| {
            url.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        assert_eq!(UserQuery::from_url(get), UserQuery::default());
    }

    #[test]
    fn cursors_round_trip_for_every_order() {
        let r = row("Zoë ~ Ångström", "zoe@a.test", None, 500);
        for sort in UserSort::ALL {
            let c = sort.cursor(&r);
            let (_, email) = sort.parse_cursor(&c).unwrap();
            assert_eq!(email, "zoe@a.test", "{sort:?}");
        }
        assert_eq!(
            UserSort::Name
                .parse_cursor(&UserSort::Name.cursor(&r))
                .unwrap()
                .0,
            Some(SortKey::Text("zoë ~ ångström".into()))
        );
        assert_eq!(UserSort::Quota.parse_cursor("abc~x@a.test"), None);
        assert_eq!(UserSort::parse("quota"), UserSort::Quota);
        assert_eq!(UserSort::parse("nonsense"), UserSort::Address);
    }
}
