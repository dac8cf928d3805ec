//! Addresses besides a mailbox's own: aliases that deliver to a mailbox, and distribution lists
//! that deliver to several. One address is held by one mailbox, alias or list at a time.
use serde::{Deserialize, Serialize};

/// What already holds an address: the answer "User already exists" names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum AddressHolder {
    Mailbox,
    /// An alias of the mailbox with this address.
    Alias(String),
    /// The distribution list with this name.
    List(String),
}

/// Another address that delivers to a mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub id: i64,
    pub email: String,
}

/// A distribution list as the lists page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub members: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// A distribution list with everyone it delivers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDetail {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub members: Vec<ListMember>,
}
