//! A user's signed-in devices (their live sessions), and what a password reset does to them.
use serde::{Deserialize, Serialize};

/// One live session as an administrator sees it: never its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: i64,
    /// "Firefox on Linux", read from the User-Agent at sign-in.
    pub label: String,
    pub ip: String,
    /// Unix seconds.
    pub first_seen: i64,
    pub last_seen: i64,
    /// The device asking: the viewer's own session.
    pub current: bool,
    /// An administrator who signed in as the user on it.
    #[serde(default)]
    pub acting_admin: Option<String>,
}

/// Which of the user's sessions a reset ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOut {
    /// Every device: the default, for a lost device or a departure.
    All,
    /// Only these sessions (by id); the others keep working, e.g. the phone the user still has.
    Devices(Vec<i64>),
}

impl SignOut {
    pub fn as_str(&self) -> &'static str {
        match self {
            SignOut::All => "all",
            SignOut::Devices(_) => "chosen",
        }
    }
}
