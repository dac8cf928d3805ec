use serde::{Deserialize, Serialize};

/// What a person may do in the panel. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The organisation's owner: everything, settings and other admins included.
    AccountAdmin,
    /// Users, passwords and devices; not settings, not other admins.
    UserAdmin,
    /// Only their own mailbox.
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::AccountAdmin => "account_admin",
            Role::UserAdmin => "user_admin",
            Role::User => "user",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "account_admin" => Some(Role::AccountAdmin),
            "user_admin" => Some(Role::UserAdmin),
            "user" => Some(Role::User),
            _ => None,
        }
    }

    pub fn is_admin(self) -> bool {
        !matches!(self, Role::User)
    }
}
