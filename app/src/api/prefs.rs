//! Per-browser preferences.
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{finish, set_cookie};

/// Remembers the reader's language in the cookie the i18n layer reads at every render.
/// Without JavaScript the browser then comes back to the page it was on.
#[server(endpoint = "prefs/language")]
pub async fn set_language(locale: String) -> Result<(), AppError> {
    finish((|| {
        let locale = match locale.as_str() {
            "en" | "fr" => locale,
            _ => return Err(AppError::NotFound),
        };
        set_cookie(&format!(
            "i18n_pref_locale={locale}; Path=/; SameSite=Lax; Max-Age=31536000"
        ))
    })())
}
