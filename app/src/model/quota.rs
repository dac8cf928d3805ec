use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Mailbox storage in megabytes (decimal: 1 GB = 1000 MB, as mail hosts bill it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quota(i64);

impl Quota {
    /// The largest mailbox we accept: 10 TB.
    pub const MAX_MB: i64 = 10_000_000;

    /// Reads gigabytes with up to three decimals, with `.` or `,` as the decimal mark.
    pub fn parse_gb(input: &str) -> Result<Self, ErrorCode> {
        let mb = parse_gb_as_mb(input)?;
        Self::from_mb(mb)
    }

    pub fn from_mb(mb: i64) -> Result<Self, ErrorCode> {
        if mb <= 0 || mb > Self::MAX_MB {
            return Err(ErrorCode::QuotaInvalid);
        }
        Ok(Self(mb))
    }

    pub fn mb(self) -> i64 {
        self.0
    }

    /// Gigabytes as typed in a form or a CSV cell, without the unit: `0.5`, `2`.
    pub fn gb_text(self) -> String {
        gb_number(self.0)
    }
}

/// Bytes as whole megabytes, rounded up: a mailbox holding any byte of a megabyte needs all of it.
pub fn mb_rounded_up(bytes: i64) -> i64 {
    (bytes.max(0) + 999_999) / 1_000_000
}

/// Megabytes in gigabytes written with up to three decimals (`.` or `,`), e.g. `0.5` is 500.
pub fn parse_gb_as_mb(input: &str) -> Result<i64, ErrorCode> {
    let input = input.trim().replace(',', ".");
    if input.is_empty() {
        return Err(ErrorCode::Required);
    }
    let (whole, frac) = input.split_once('.').unwrap_or((&input, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 3 {
        return Err(ErrorCode::QuotaInvalid);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| ErrorCode::QuotaInvalid)?
    };
    let frac_mb: i64 = format!("{frac:0<3}").parse().unwrap_or(0);
    whole
        .checked_mul(1000)
        .and_then(|m| m.checked_add(frac_mb))
        .ok_or(ErrorCode::QuotaInvalid)
}

/// `0.5 GB`, `2 GB`, `1.25 GB` for a size in MB (zero included).
pub fn format_mb(mb: i64) -> String {
    format!("{} GB", gb_number(mb))
}

/// The number of GB as a form or a CSV file holds it: `0.5`, `2`, `1.25`.
pub fn gb_number(mb: i64) -> String {
    let whole = mb / 1000;
    let frac = mb % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        let frac = format!("{frac:03}");
        format!("{whole}.{}", frac.trim_end_matches('0'))
    }
}

impl fmt::Display for Quota {
    /// Gigabytes without trailing zeros: `0.5 GB`, `2 GB`, `1.25 GB`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_mb(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gigabytes_with_decimals() {
        assert_eq!(Quota::parse_gb("0.5").unwrap().mb(), 500);
        assert_eq!(Quota::parse_gb("1,25").unwrap().mb(), 1250);
        assert_eq!(Quota::parse_gb("2").unwrap().mb(), 2000);
        assert_eq!(Quota::parse_gb(".001").unwrap().mb(), 1);
        assert_eq!(Quota::parse_gb("0").unwrap_err(), ErrorCode::QuotaInvalid);
        assert_eq!(
            Quota::parse_gb("1.2345").unwrap_err(),
            ErrorCode::QuotaInvalid
        );
        assert_eq!(Quota::parse_gb("-1").unwrap_err(), ErrorCode::QuotaInvalid);
        assert_eq!(Quota::parse_gb("").unwrap_err(), ErrorCode::Required);
        assert_eq!(
            Quota::parse_gb("99999999").unwrap_err(),
            ErrorCode::QuotaInvalid
        );
    }

    #[test]
    fn pools_may_exceed_a_mailbox() {
        assert_eq!(parse_gb_as_mb("250000"), Ok(250_000_000));
        assert_eq!(format_mb(0), "0 GB");
    }

    #[test]
    fn shows_gigabytes() {
        assert_eq!(Quota::from_mb(500).unwrap().to_string(), "0.5 GB");
        assert_eq!(Quota::from_mb(1250).unwrap().to_string(), "1.25 GB");
        assert_eq!(Quota::from_mb(3000).unwrap().to_string(), "3 GB");
        assert_eq!(Quota::from_mb(1250).unwrap().gb_text(), "1.25");
    }
}
