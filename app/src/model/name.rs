use super::NAME_MAX_CHARS;
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};

/// A person's or organisation's name as shown: trimmed, 1 to 100 characters, one line of text
/// (a CSV cell may hold a tab or a quoted line break; a name never does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, ErrorCode> {
        let value = input.trim();
        if value.is_empty() {
            Err(ErrorCode::Required)
        } else if value.chars().any(char::is_control) {
            Err(ErrorCode::ControlCharacter)
        } else if value.chars().count() > NAME_MAX_CHARS {
            Err(ErrorCode::NameTooLong)
        } else {
            Ok(Self(value.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Jane Doe ").unwrap().as_str(),
            "Jane Doe"
        );
        assert_eq!(DisplayName::parse("   "), Err(ErrorCode::Required));
        assert_eq!(
            DisplayName::parse(&"é".repeat(100))
                .unwrap()
                .as_str()
                .chars()
                .count(),
            100
        );
        assert_eq!(
            DisplayName::parse(&"é".repeat(101)),
            Err(ErrorCode::NameTooLong)
        );
    }
}
