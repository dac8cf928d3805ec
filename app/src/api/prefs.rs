//! Per-browser preferences.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::{finish, set_cookie};

/// The language chosen in the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageForm {
    pub locale: String,
}

/// Remembers the reader's language in the cookie the i18n layer reads at every render.
/// Without JavaScript the browser then comes back to the page it was on.
#[server(endpoint = "prefs/language")]
pub async fn set_language(form: LanguageForm) -> Result<(), AppError> {
    finish((|| {
        let locale = form.locale;
        let locale = match locale.as_str() {
            "en" | "fr" => locale,
            _ => return Err(AppError::NotFound),
        };
        set_cookie(&format!(
            "i18n_pref_locale={locale}; Path=/; SameSite=Lax; Max-Age=31536000"
        ))
    })())
}
