//! App passwords as the pages show them: never the password, except once, right after it was
//! made.
use serde::{Deserialize, Serialize};

/// One of a user's app passwords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPassword {
    pub id: i64,
    /// What the user called it ("Thunderbird on the laptop").
    pub name: String,
    /// The administrator who made it for the user; `None` when the user made it.
    pub created_by: Option<String>,
    pub created_at: i64,
}

/// An app password just made, shown this once: the page groups it in fours for reading, and it
/// is typed without the spaces.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAppPasswordShown {
    pub name: String,
    pub password: String,
    /// The mailbox it opens, which the mail app takes as its user name.
    pub email: String,
}

impl std::fmt::Debug for NewAppPasswordShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAppPasswordShown")
            .field("name", &self.name)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// The one-time password an administrator made for a user's mail apps, while it works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimePassword {
    /// The administrator's address.
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A one-time password just made, shown this once to the administrator who made it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOneTimePasswordShown {
    pub password: String,
    /// The mailbox it opens.
    pub email: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for NewOneTimePasswordShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOneTimePasswordShown")
            .field("email", &self.email)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// An app password in groups of four, as the page shows it for reading; it is typed without
/// the spaces.
pub fn password_groups(password: &str) -> Vec<String> {
    password
        .as_bytes()
        .chunks(4)
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_in_fours() {
        assert_eq!(
            super::password_groups("abcdefghijkmnpqrstu"),
            ["abcd", "efgh", "ijkm", "npqr", "stu"]
        );
    }
}
