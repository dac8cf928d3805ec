use super::Role;
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
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub id: i64,
    pub name: String,
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
    /// Unix seconds, UTC.
    pub last_login_at: Option<i64>,
}

/// Where a page of the list starts: after or before an address (the list's unique sort key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserCursor {
    After(String),
    Before(String),
}

/// The list's state, as it stands in the URL query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserQuery {
    pub search: String,
    pub domain_id: Option<i64>,
    pub cursor: Option<UserCursor>,
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
    pub account_type: AccountType,
    pub quota_mb: i64,
    pub status: AccountStatus,
    pub only_local_smtp: bool,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
}
