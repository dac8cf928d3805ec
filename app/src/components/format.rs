//! Values shown the same on the server and in the browser, so hydration matches.
use crate::i18n::*;
use crate::model::Tally;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use time::OffsetDateTime;

/// `2026-11-23 10:40 UTC`.
pub fn utc_minutes(unix_seconds: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(unix_seconds) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => String::new(),
    }
}

/// When someone last signed in, or "Never".
#[component]
pub fn LastSignIn(at: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    match at {
        Some(seconds) => utc_minutes(seconds).into_any(),
        None => t!(i18n, never).into_any(),
    }
}

/// A whole number with the language's thousands separator: `250,000`, `250 000` in French (a
/// narrow no-break space).
pub fn count_text(locale: Locale, n: i64) -> String {
    let thousands = match locale {
        Locale::en => ",",
        Locale::fr => "\u{202f}",
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(thousands);
        }
        out.push(d);
    }
    out
}

/// A count that may have stopped at its bound: `12`, or `more than 1,000`.
pub fn tally_text(i18n: I18nContext<Locale>, tally: Tally) -> String {
    match tally {
        Tally::Exactly(n) => count_text(i18n.get_locale(), n),
        Tally::MoreThan(n) => {
            let n = count_text(i18n.get_locale(), n);
            t_string!(i18n, more_than, n).to_string()
        }
    }
}

/// A size in MB in gigabytes as the language writes them: `0.5 GB`, `250,000 GB` in English;
/// `0,5 Go`, `250 000 Go` in French. Forms and CSV files keep the plain `0.5`
/// (`Quota::gb_text`), which both languages type.
pub fn size_text(locale: Locale, mb: i64) -> String {
    let (point, unit) = match locale {
        Locale::en => ('.', "GB"),
        Locale::fr => (',', "Go"),
    };
    let sign = if mb < 0 { "-" } else { "" };
    let mb = mb.unsigned_abs();
    let whole = count_text(locale, (mb / 1000) as i64);
    match mb % 1000 {
        0 => format!("{sign}{whole} {unit}"),
        frac => {
            let frac = format!("{frac:03}");
            format!("{sign}{whole}{point}{} {unit}", frac.trim_end_matches('0'))
        }
    }
}

/// A URL query from pairs, leaving out empty values.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            out.append_pair(k, v);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minutes(1_795_000_000), "2026-11-18 11:06 UTC");
    }

    #[test]
    fn sizes_follow_the_language() {
        assert_eq!(size_text(Locale::en, 5500), "5.5 GB");
        assert_eq!(size_text(Locale::fr, 5500), "5,5 Go");
        assert_eq!(size_text(Locale::en, 1250), "1.25 GB");
        assert_eq!(size_text(Locale::en, 0), "0 GB");
        assert_eq!(size_text(Locale::en, 250_000_000), "250,000 GB");
        assert_eq!(size_text(Locale::fr, 250_000_500), "250\u{202f}000,5 Go");
        assert_eq!(size_text(Locale::en, 999_000), "999 GB");
        assert_eq!(size_text(Locale::en, 1_000_000), "1,000 GB");
    }

    #[test]
    fn counts_follow_the_language() {
        assert_eq!(count_text(Locale::en, 0), "0");
        assert_eq!(count_text(Locale::en, 999), "999");
        assert_eq!(count_text(Locale::en, 1_000), "1,000");
        assert_eq!(count_text(Locale::fr, 100_000), "100\u{202f}000");
        assert_eq!(count_text(Locale::en, -1_234_567), "-1,234,567");
    }

    #[test]
    fn encodes_queries() {
        assert_eq!(
            query_string([("search", "a b&c"), ("domain", "")]),
            "search=a+b%26c"
        );
    }
}
