//! A mailbox user's own settings: the language, time zone and date format their mail and
//! messages from the panel use.
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/time_zones.rs"));

/// The languages the panel speaks, and so the ones its messages to a user can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Fr,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Fr];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }

    /// The language's own name, as a picker shows it to someone who may not read the others.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Fr => "Français",
        }
    }

    pub fn parse(value: &str) -> Result<Self, ErrorCode> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == value.trim())
            .ok_or(ErrorCode::ChoiceInvalid)
    }
}

/// An IANA time zone name from `TIME_ZONES`, such as `Europe/Paris`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeZone(String);

impl TimeZone {
    pub fn utc() -> Self {
        Self("UTC".into())
    }

    pub fn parse(value: &str) -> Result<Self, ErrorCode> {
        let value = value.trim();
        TIME_ZONES
            .binary_search(&value)
            .map(|_| Self(value.to_owned()))
            .map_err(|_| ErrorCode::ChoiceInvalid)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How dates are written, shown by example in the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// 2026-11-24
    Iso,
    /// 24/11/2026
    DayMonthYear,
    /// 11/24/2026
    MonthDayYear,
    /// 24 Nov 2026
    DayMonthNameYear,
}

impl DateFormat {
    pub const ALL: [DateFormat; 4] = [
        DateFormat::Iso,
        DateFormat::DayMonthYear,
        DateFormat::MonthDayYear,
        DateFormat::DayMonthNameYear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DateFormat::Iso => "iso",
            DateFormat::DayMonthYear => "dmy",
            DateFormat::MonthDayYear => "mdy",
            DateFormat::DayMonthNameYear => "d_mon_y",
        }
    }

    /// The pattern as people read it: "2026-11-24", "24/11/2026".
    pub fn example(self) -> &'static str {
        match self {
            DateFormat::Iso => "2026-11-24",
            DateFormat::DayMonthYear => "24/11/2026",
            DateFormat::MonthDayYear => "11/24/2026",
            DateFormat::DayMonthNameYear => "24 Nov 2026",
        }
    }

    pub fn parse(value: &str) -> Result<Self, ErrorCode> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == value.trim())
            .ok_or(ErrorCode::ChoiceInvalid)
    }
}

/// The three together, as forms and the store carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub language: Language,
    pub time_zone: TimeZone,
    pub date_format: DateFormat,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            language: Language::En,
            time_zone: TimeZone::utc(),
            date_format: DateFormat::Iso,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_the_geographic_ones() {
        assert!(
            TIME_ZONES.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
        assert!(TimeZone::parse("Europe/Paris").is_ok());
        assert!(TimeZone::parse("America/Argentina/Buenos_Aires").is_ok());
        assert!(TimeZone::parse("UTC").is_ok());
        assert_eq!(TimeZone::parse("US/Eastern"), Err(ErrorCode::ChoiceInvalid));
        assert_eq!(
            TimeZone::parse("Mars/Olympus"),
            Err(ErrorCode::ChoiceInvalid)
        );
    }

    #[test]
    fn choices_read_back() {
        for f in DateFormat::ALL {
            assert_eq!(DateFormat::parse(f.as_str()), Ok(f));
        }
        assert_eq!(Language::parse("fr"), Ok(Language::Fr));
        assert_eq!(Language::parse("de"), Err(ErrorCode::ChoiceInvalid));
    }
}
