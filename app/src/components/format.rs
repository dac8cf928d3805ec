//! Values shown the same on the server and in the browser, so hydration matches.
use crate::i18n::*;
use leptos::prelude::*;
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
    fn encodes_queries() {
        assert_eq!(
            query_string([("search", "a b&c"), ("domain", "")]),
            "search=a+b%26c"
        );
    }
}
