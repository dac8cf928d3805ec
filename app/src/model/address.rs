use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The part of an address before the `@`, lower-cased: letters, digits and `. _ -`, 1 to 64
/// characters, no dot at either end and no two dots in a row (RFC 5321 dot-atom, ASCII subset).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalPart(String);

impl LocalPart {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let value = input.trim().to_ascii_lowercase();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if value.is_empty() {
            return Err(ErrorCode::Required);
        }
        if value.len() > 64
            || !value.chars().all(allowed)
            || value.starts_with('.')
            || value.ends_with('.')
            || value.contains("..")
        {
            return Err(ErrorCode::LocalPartInvalid);
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A fully qualified domain name, lower-cased: at least two labels of letters, digits and
/// inner hyphens, each 1 to 63 characters, 253 in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DomainName(String);

impl DomainName {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let value = input.trim().trim_end_matches('.').to_ascii_lowercase();
        if value.is_empty() {
            return Err(ErrorCode::Required);
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        let labels: Vec<&str> = value.split('.').collect();
        if value.len() > 253 || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) {
            return Err(ErrorCode::DomainInvalid);
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mailbox address `local@domain`, normalised to lower case so that it can be a lookup key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress {
    local: LocalPart,
    domain: DomainName,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ErrorCode::Required);
        }
        let (local, domain) = input.rsplit_once('@').ok_or(ErrorCode::EmailInvalid)?;
        let local = LocalPart::parse(local).map_err(|_| ErrorCode::EmailInvalid)?;
        let domain = DomainName::parse(domain).map_err(|_| ErrorCode::EmailInvalid)?;
        Ok(Self { local, domain })
    }

    /// Addresses typed one a line (commas, semicolons and spaces separate them too), in the
    /// order typed, each once; an empty text is an empty list.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, ErrorCode> {
        let mut addresses: Vec<Self> = Vec::new();
        for word in text
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|w| !w.is_empty())
        {
            let address = Self::parse(word)?;
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
        Ok(addresses)
    }

    pub fn new(local: LocalPart, domain: DomainName) -> Self {
        Self { local, domain }
    }

    pub fn local(&self) -> &LocalPart {
        &self.local
    }

    pub fn domain(&self) -> &DomainName {
        &self.domain
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local.0, self.domain.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_parts_are_lower_cased_and_checked() {
        assert_eq!(LocalPart::parse(" Jane.Doe ").unwrap().as_str(), "jane.doe");
        for bad in [
            ".jane",
            "jane.",
            "ja..ne",
            "jane doe",
            "jäne",
            "a@b",
            &"x".repeat(65),
        ] {
            assert_eq!(
                LocalPart::parse(bad),
                Err(ErrorCode::LocalPartInvalid),
                "{bad}"
            );
        }
        assert_eq!(LocalPart::parse("  "), Err(ErrorCode::Required));
    }

    #[test]
    fn domains_need_two_valid_labels() {
        assert_eq!(
            DomainName::parse("Example.ORG.").unwrap().as_str(),
            "example.org"
        );
        for bad in ["localhost", "-a.org", "a-.org", "a..org", "a_b.org"] {
            assert_eq!(
                DomainName::parse(bad),
                Err(ErrorCode::DomainInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn addresses_normalise() {
        let a = EmailAddress::parse(" Clerk@Example.org ").unwrap();
        assert_eq!(a.to_string(), "clerk@example.org");
        assert_eq!(EmailAddress::parse("nobody"), Err(ErrorCode::EmailInvalid));
        assert_eq!(
            EmailAddress::parse("a@localhost"),
            Err(ErrorCode::EmailInvalid)
        );
    }
}
