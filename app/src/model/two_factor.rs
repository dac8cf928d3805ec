//! Who must sign in with a second factor, and what a user's set-up looks like from outside.
use super::Role;
use serde::{Deserialize, Serialize};

/// The organisation's rule for two-factor authentication. Stored as its snake_case name.
/// A new organisation starts with `Admins`, as a security review of administrative access
/// expects; organisations older than the rule started with `Nobody`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TwoFactorRequirement {
    Nobody,
    /// Every administrator, whatever their scope.
    #[default]
    Admins,
    Everyone,
}

impl TwoFactorRequirement {
    pub const ALL: [Self; 3] = [Self::Nobody, Self::Admins, Self::Everyone];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nobody => "nobody",
            Self::Admins => "admins",
            Self::Everyone => "everyone",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Whether someone of `role` must have two-factor authentication on.
    pub fn applies_to(self, role: Role) -> bool {
        match self {
            Self::Nobody => false,
            Self::Admins => role.is_admin(),
            Self::Everyone => true,
        }
    }
}

/// A user's two-factor authentication as their account page and their administrator see it:
/// never the key, never a recovery code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// When the set-up was confirmed; `None` while it is off.
    pub on_since: Option<i64>,
    pub recovery_codes_left: usize,
    /// The organisation requires it of this user: it can't be turned off.
    pub required: bool,
}

/// The key of a set-up waiting for its first code, as the set-up page shows it: a QR code
/// (an SVG image in a `data:` address) and the same key as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTwoFactor {
    pub qr_image: String,
    pub key_text: String,
    pub account: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_names_whom_it_binds() {
        use TwoFactorRequirement::*;
        for r in TwoFactorRequirement::ALL {
            assert_eq!(TwoFactorRequirement::parse(r.as_str()), Some(r));
        }
        assert_eq!(TwoFactorRequirement::parse("admin"), None);
        assert!(!Nobody.applies_to(Role::AccountAdmin));
        assert!(Admins.applies_to(Role::UserAdmin) && !Admins.applies_to(Role::User));
        assert!(Everyone.applies_to(Role::User));
    }
}
