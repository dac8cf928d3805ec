//! Shared mailboxes' members: colleagues who open the mailbox in their own mail app, with
//! their own password, and may be let send as its address.
use serde::{Deserialize, Serialize};

/// What a member may do with a shared mailbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharedAccess {
    /// Open it and read (and file) its mail.
    #[default]
    Read,
    /// That, and send as the shared address.
    ReadAndSendAs,
}

impl SharedAccess {
    pub const ALL: [Self; 2] = [Self::Read, Self::ReadAndSendAs];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::ReadAndSendAs => "read_and_send_as",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }

    pub fn send_as(self) -> bool {
        self == Self::ReadAndSendAs
    }

    pub fn of(send_as: bool) -> Self {
        if send_as {
            Self::ReadAndSendAs
        } else {
            Self::Read
        }
    }
}

/// One member of a shared mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedMember {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub access: SharedAccess,
}

/// The most members one conversion names.
pub const MEMBERS_NAMED_AT_MOST: usize = 50;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_reads_back() {
        for a in SharedAccess::ALL {
            assert_eq!(SharedAccess::parse(a.as_str()), Some(a));
            assert_eq!(SharedAccess::of(a.send_as()), a);
        }
        assert_eq!(SharedAccess::parse("write"), None);
    }
}
