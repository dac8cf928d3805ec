//! The password rules, in one place for both sides: the browser's strength meter assesses with
//! them as the admin types, and the server refuses with them, so the two never disagree. Each
//! organisation sets its own; NIST SP 800-63B by default: length and guessability (zxcvbn), no
//! composition rules.
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
pub use zxcvbn::feedback::{Suggestion, Warning};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_chars: u32,
    pub max_chars: u32,
    /// Lowest acceptable zxcvbn score, 0 to 4.
    pub min_score: u8,
    /// Character classes a password must hold: none unless the organisation requires them.
    pub require: CharacterClasses,
}

/// Composition rules, each on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CharacterClasses {
    pub upper: bool,
    pub lower: bool,
    pub digit: bool,
    /// Anything but a letter, a digit or a space.
    pub symbol: bool,
}

impl CharacterClasses {
    pub const ALL: CharacterClasses = CharacterClasses {
        upper: true,
        lower: true,
        digit: true,
        symbol: true,
    };

    /// The rule of the first class required and missing from `password`.
    fn missing(&self, password: &str) -> Option<ErrorCode> {
        let has = |test: fn(char) -> bool| password.chars().any(test);
        if self.upper && !has(char::is_uppercase) {
            Some(ErrorCode::PasswordNeedsUpper)
        } else if self.lower && !has(char::is_lowercase) {
            Some(ErrorCode::PasswordNeedsLower)
        } else if self.digit && !has(|c| c.is_ascii_digit()) {
            Some(ErrorCode::PasswordNeedsDigit)
        } else if self.symbol && !has(|c| !c.is_alphanumeric() && !c.is_whitespace()) {
            Some(ErrorCode::PasswordNeedsSymbol)
        } else {
            None
        }
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PolicyPreset::Recommended.policy()
    }
}

/// Ready-made policies; an organisation may also set its own values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyPreset {
    /// NIST's advice: 12 characters or more, hard to guess, no composition rules.
    Recommended,
    /// What mail hosts ask: 8 characters or more with all four classes.
    HostStyle,
    /// 10 characters or more, hard to guess.
    BackOffice,
}

impl PolicyPreset {
    pub const ALL: [PolicyPreset; 3] = [
        PolicyPreset::Recommended,
        PolicyPreset::HostStyle,
        PolicyPreset::BackOffice,
    ];

    pub fn policy(self) -> PasswordPolicy {
        let (min_chars, min_score, require) = match self {
            PolicyPreset::Recommended => (12, 3, CharacterClasses::default()),
            PolicyPreset::HostStyle => (8, 2, CharacterClasses::ALL),
            PolicyPreset::BackOffice => (10, 3, CharacterClasses::default()),
        };
        PasswordPolicy {
            min_chars,
            max_chars: PasswordPolicy::MAX_CHARS,
            min_score,
            require,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyPreset::Recommended => "recommended",
            PolicyPreset::HostStyle => "host_style",
            PolicyPreset::BackOffice => "back_office",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// What the meter shows and the server decides on.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// zxcvbn's score, 0 (guessed at once) to 4.
    pub score: u8,
    /// log10 of the guesses an attacker needs.
    pub guesses_log10: f64,
    pub warning: Option<Warning>,
    pub suggestions: Vec<Suggestion>,
    /// The first rule that refuses the password; `None` when the policy accepts it.
    pub refusal: Option<ErrorCode>,
}

/// Guesses a second against a stolen hash made slow on purpose; argon2id is slower still, so
/// the time shown is a floor.
pub const SLOW_HASH_GUESSES_PER_SECOND: f64 = 1e4;

impl Assessment {
    /// Seconds to guess it at `SLOW_HASH_GUESSES_PER_SECOND`.
    pub fn seconds_to_guess(&self) -> f64 {
        10f64.powf(self.guesses_log10) / SLOW_HASH_GUESSES_PER_SECOND
    }
}

impl PasswordPolicy {
    /// The longest password anyone may set: longer input is refused before any hashing.
    pub const MAX_CHARS: u32 = 128;
    /// The bounds an organisation may choose its minimum length within.
    pub const MIN_CHARS_RANGE: std::ops::RangeInclusive<u32> = 8..=64;

    /// The preset these values are, if any.
    pub fn preset(&self) -> Option<PolicyPreset> {
        PolicyPreset::ALL.into_iter().find(|p| p.policy() == *self)
    }

    /// Scores a password and names the rule that refuses it, if any. `personal` holds the
    /// holder's name, username and domain: the meter penalises them, and a password containing
    /// one of them (three letters or more) is refused. Length counts characters (code points);
    /// nothing is trimmed or case-folded.
    pub fn assess(&self, password: &str, personal: &[&str]) -> Assessment {
        let chars = password.chars().count();
        // Oversize input is refused before any expensive work runs on it.
        if chars > self.max_chars as usize {
            return Assessment {
                score: 0,
                guesses_log10: 0.0,
                warning: None,
                suggestions: Vec::new(),
                refusal: Some(ErrorCode::PasswordTooLong(self.max_chars)),
            };
        }
        let words = personal_words(personal);
        let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
        let entropy = zxcvbn::zxcvbn(password, &inputs);
        let score: u8 = entropy.score().into();
        let lowered = password.to_lowercase();
        let refusal = if chars < self.min_chars as usize {
            Some(ErrorCode::PasswordTooShort(self.min_chars))
        } else if let Some(code) = self.require.missing(password) {
            Some(code)
        } else if words.iter().any(|w| lowered.contains(w.as_str())) {
            Some(ErrorCode::PasswordPersonal)
        } else if is_common(&entropy, chars) {
            Some(ErrorCode::PasswordCommon)
        } else if score < self.min_score {
            Some(ErrorCode::PasswordTooWeak)
        } else {
            None
        };
        let feedback = entropy.feedback();
        Assessment {
            score,
            guesses_log10: entropy.guesses_log10(),
            warning: feedback.and_then(|f| f.warning()),
            suggestions: feedback
                .map(|f| f.suggestions().to_vec())
                .unwrap_or_default(),
            refusal,
        }
    }

    /// The server's decision: `Ok` or the first rule that refuses.
    pub fn check(&self, password: &str, personal: &[&str]) -> Result<(), ErrorCode> {
        match self.assess(password, personal).refusal {
            Some(code) => Err(code),
            None => Ok(()),
        }
    }
}

/// Whether the whole password, in any case, is one of the common passwords zxcvbn knows (its
/// list of 30,000 from leaked password sets), possibly spelt backwards or in l33t.
fn is_common(entropy: &zxcvbn::Entropy, chars: usize) -> bool {
    match entropy.sequence() {
        [only] if only.i == 0 && only.j + 1 == chars => match &only.pattern {
            // zxcvbn keeps the dictionary names private; the password list is the default one.
            zxcvbn::matching::patterns::MatchPattern::Dictionary(word) => {
                word.dictionary_name == Default::default()
            }
            _ => false,
        },
        _ => false,
    }
}

/// The personal words split at spaces and `@`, lower-cased, of three characters or more.
fn personal_words(personal: &[&str]) -> Vec<String> {
    personal
        .iter()
        .flat_map(|p| p.split(|c: char| c.is_whitespace() || c == '@'))
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 12 characters, 24 bytes: long enough.
        let twelve = "ééééééééééé9";
        assert_eq!(twelve.chars().count(), 12);
        assert_ne!(
            policy().check(twelve, &[]),
            Err(ErrorCode::PasswordTooShort(12))
        );
        assert_eq!(
            policy().check("short", &[]),
            Err(ErrorCode::PasswordTooShort(12))
        );
        let long = "x".repeat(129);
        assert_eq!(
            policy().check(&long, &[]),
            Err(ErrorCode::PasswordTooLong(128))
        );
    }

    #[test]
    fn refuses_personal_words_and_common_passwords() {
        assert_eq!(
            policy().check(
                "JaneSmith-garden-42",
                &["Jane Smith", "jane", "example.org"]
            ),
            Err(ErrorCode::PasswordPersonal)
        );
        assert_eq!(
            policy().check("password1234", &[]),
            Err(ErrorCode::PasswordCommon)
        );
        assert_eq!(
            policy().check("aaaaaaaaaaaa", &[]),
            Err(ErrorCode::PasswordTooWeak)
        );
        // Common passwords are refused by name, whatever the case, even where the organisation
        // accepts weak scores.
        let lenient = PasswordPolicy {
            min_chars: 8,
            min_score: 0,
            ..policy()
        };
        for common in ["qwertyuiop", "Baseball", "FOOTBALL", "iloveyou"] {
            assert_eq!(
                lenient.check(common, &[]),
                Err(ErrorCode::PasswordCommon),
                "{common}"
            );
        }
        assert_eq!(lenient.check("purple tractor", &[]), Ok(()));
        assert_eq!(policy().check("correct horse battery staple", &[]), Ok(()));
    }

    #[test]
    fn the_assessment_explains_a_weak_password() {
        let weak = policy().assess("password1234", &[]);
        assert!(weak.score < 3, "{weak:?}");
        assert!(weak.warning.is_some() || !weak.suggestions.is_empty());
        assert!(weak.seconds_to_guess() < 3600.0, "{weak:?}");
        let strong = policy().assess("quartz meadow tumble 7 lantern", &[]);
        assert_eq!(strong.score, 4);
        assert_eq!(strong.refusal, None);
        assert!(strong.seconds_to_guess() > 3.0e9, "centuries: {strong:?}");
    }

    #[test]
    fn composition_rules_apply_only_when_chosen_and_name_the_missing_class() {
        let host = PolicyPreset::HostStyle.policy();
        assert_eq!(policy().check("quartz meadow tumble 7", &[]), Ok(()));
        assert_eq!(
            host.check("quartz meadow tumble 7", &[]),
            Err(ErrorCode::PasswordNeedsUpper)
        );
        assert_eq!(
            host.check("QUARTZ MEADOW TUMBLE 7", &[]),
            Err(ErrorCode::PasswordNeedsLower)
        );
        assert_eq!(
            host.check("Quartz meadow tumble", &[]),
            Err(ErrorCode::PasswordNeedsDigit)
        );
        assert_eq!(
            host.check("Quartz meadow tumble 7", &[]),
            Err(ErrorCode::PasswordNeedsSymbol),
            "a space is not a symbol"
        );
        assert_eq!(host.check("Quartz-meadow-7", &[]), Ok(()));
        assert_eq!(host.check("Ab1-", &[]), Err(ErrorCode::PasswordTooShort(8)));
    }

    #[test]
    fn presets_are_recognised_by_their_values() {
        assert_eq!(policy().preset(), Some(PolicyPreset::Recommended));
        for preset in PolicyPreset::ALL {
            assert_eq!(preset.policy().preset(), Some(preset));
            assert_eq!(PolicyPreset::parse(preset.as_str()), Some(preset));
        }
        let custom = PasswordPolicy {
            min_chars: 14,
            ..policy()
        };
        assert_eq!(custom.preset(), None);
    }

    #[test]
    fn the_meter_penalises_the_holders_own_words() {
        let personal = ["Martha Quinceworth", "mquinceworth", "council.test"];
        let plain = policy().assess("Quinceworth garden pond", &[]);
        let own = policy().assess("Quinceworth garden pond", &personal);
        assert!(
            own.guesses_log10 < plain.guesses_log10,
            "{own:?} / {plain:?}"
        );
        assert_eq!(own.refusal, Some(ErrorCode::PasswordPersonal));
    }
}
