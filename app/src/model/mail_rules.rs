//! What the organisation lets its administrators and users do with addresses and forwarding,
//! and a mailbox's forwarding as the mail server applies it.
use super::{EmailAddress, Role};
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};

/// Who gives mailboxes other addresses (aliases).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasManagers {
    /// The account administrator alone: a small organisation's rule against muddle and abuse.
    AccountAdmin,
    /// User administrators as well, within the domains they manage.
    #[default]
    UserAdmins,
}

impl AliasManagers {
    pub const ALL: [Self; 2] = [Self::AccountAdmin, Self::UserAdmins];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountAdmin => "account_admin",
            Self::UserAdmins => "user_admins",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }

    /// Whether an administrator of `role` adds and removes aliases.
    pub fn include(self, role: Role) -> bool {
        match self {
            Self::AccountAdmin => role == Role::AccountAdmin,
            Self::UserAdmins => role.is_admin(),
        }
    }
}

/// Settings > Mail rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRules {
    pub alias_managers: AliasManagers,
    /// Forwarding may leave the organisation's domains (off unless the owner turns it on).
    pub external_forwarding: bool,
}

/// The most addresses one mailbox forwards to.
pub const FORWARD_ADDRESSES_AT_MOST: usize = 10;

/// Where a mailbox's mail goes besides the mailbox. No address: no forwarding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    pub addresses: Vec<String>,
    /// The mailbox keeps its own copy of what it forwards.
    pub keep_copy: bool,
}

impl Default for Forwarding {
    fn default() -> Self {
        Self {
            addresses: Vec::new(),
            keep_copy: true,
        }
    }
}

impl Forwarding {
    /// The addresses typed (see `EmailAddress::parse_list`), normalised to lower case. The
    /// mailbox's own address is refused: it keeps its mail with "keep a copy".
    pub fn parse(text: &str, keep_copy: bool, own: &str) -> Result<Self, ErrorCode> {
        let addresses: Vec<String> = EmailAddress::parse_list(text)?
            .iter()
            .map(EmailAddress::to_string)
            .collect();
        if addresses.iter().any(|a| a.eq_ignore_ascii_case(own)) {
            return Err(ErrorCode::ForwardToSelf);
        }
        if addresses.len() > FORWARD_ADDRESSES_AT_MOST {
            return Err(ErrorCode::TooManyForwards(FORWARD_ADDRESSES_AT_MOST as i64));
        }
        Ok(Self {
            addresses,
            keep_copy,
        })
    }

    pub fn is_on(&self) -> bool {
        !self.addresses.is_empty()
    }

    /// The addresses outside `domains` (the organisation's), which only an organisation that
    /// allows external forwarding accepts.
    pub fn outside<'a>(&'a self, domains: &'a [String]) -> impl Iterator<Item = &'a str> + 'a {
        self.addresses.iter().map(String::as_str).filter(|a| {
            let domain = a.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
            !domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_managers_name_who_may() {
        for m in AliasManagers::ALL {
            assert_eq!(AliasManagers::parse(m.as_str()), Some(m));
        }
        assert_eq!(AliasManagers::parse("everyone"), None);
        assert!(AliasManagers::AccountAdmin.include(Role::AccountAdmin));
        assert!(!AliasManagers::AccountAdmin.include(Role::UserAdmin));
        assert!(AliasManagers::UserAdmins.include(Role::UserAdmin));
        assert!(!AliasManagers::UserAdmins.include(Role::User));
    }

    #[test]
    fn forwarding_reads_a_list_of_addresses() {
        let f = Forwarding::parse(
            " Bob@Example.org\nclerk@parish.example, bob@example.org;\n\n",
            false,
            "ann@parish.example",
        )
        .unwrap();
        assert_eq!(f.addresses, ["bob@example.org", "clerk@parish.example"]);
        assert!(!f.keep_copy && f.is_on());
        let domains = ["parish.example".to_owned()];
        assert_eq!(f.outside(&domains).collect::<Vec<_>>(), ["bob@example.org"]);
        assert!(!Forwarding::parse("  \n", true, "ann@x.example")
            .unwrap()
            .is_on());
        assert_eq!(
            Forwarding::parse("not an address", true, "ann@x.example"),
            Err(ErrorCode::EmailInvalid)
        );
        assert_eq!(
            Forwarding::parse("ANN@x.example", true, "ann@x.example"),
            Err(ErrorCode::ForwardToSelf)
        );
        let many = (0..=FORWARD_ADDRESSES_AT_MOST)
            .map(|i| format!("p{i}@x.example"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            Forwarding::parse(&many, true, "ann@x.example"),
            Err(ErrorCode::TooManyForwards(10))
        );
    }
}
