//! What an administrator may ask of the memorable password generator, and what it gives back.
use serde::{Deserialize, Serialize};

/// The character between words, or one chosen at random from `Separator::RANDOM_SET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Separator {
    #[default]
    Hyphen,
    Period,
    Underscore,
    Space,
    Random,
}

impl Separator {
    pub const ALL: [Separator; 5] = [
        Separator::Hyphen,
        Separator::Period,
        Separator::Underscore,
        Separator::Space,
        Separator::Random,
    ];
    /// What `Random` picks from.
    pub const RANDOM_SET: [char; 8] = ['-', '.', '_', '+', '=', '*', ':', '~'];

    pub fn as_str(self) -> &'static str {
        match self {
            Separator::Hyphen => "hyphen",
            Separator::Period => "period",
            Separator::Underscore => "underscore",
            Separator::Space => "space",
            Separator::Random => "random",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The fixed character, or `None` when it is drawn at random.
    pub fn fixed(self) -> Option<char> {
        match self {
            Separator::Hyphen => Some('-'),
            Separator::Period => Some('.'),
            Separator::Underscore => Some('_'),
            Separator::Space => Some(' '),
            Separator::Random => None,
        }
    }
}

/// Word count, separator and how many digits pad each end (`42-Quartz-meadow-Tumble-07`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassphraseOptions {
    pub words: u8,
    pub separator: Separator,
    pub digits: u8,
}

impl PassphraseOptions {
    pub const WORDS: std::ops::RangeInclusive<u8> = 3..=8;
    pub const DIGITS: std::ops::RangeInclusive<u8> = 0..=4;

    /// The options within their bounds: what the form sends is never trusted as it is.
    pub fn bounded(self) -> Self {
        Self {
            words: self.words.clamp(*Self::WORDS.start(), *Self::WORDS.end()),
            separator: self.separator,
            digits: self
                .digits
                .clamp(*Self::DIGITS.start(), *Self::DIGITS.end()),
        }
    }
}

impl Default for PassphraseOptions {
    fn default() -> Self {
        Self {
            words: 4,
            separator: Separator::Hyphen,
            digits: 2,
        }
    }
}

/// A generated password and how many bits of randomness went into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratedPassword {
    pub password: String,
    pub entropy_bits: f64,
}
