mod aliases;
mod app_passwords;
mod bulk;
mod credentials_mail;
mod devices;
mod edit;
mod generator;
mod import;
mod list;
mod mail;
mod members;
mod new;
mod new_shared;
mod one_time_password;
mod role;
mod security;
mod sign_in_lock;
mod two_factor;

pub use bulk::BulkPage;
pub use edit::EditUserPage;
pub use import::{ImportPage, ImportPreviewPage};
pub use list::UsersPage;
pub use mail::UserMailPage;
pub use new::NewUserPage;
pub use new_shared::NewSharedMailboxPage;
pub use security::UserSecurityPage;

use crate::components::SelectField;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::{DateFormat, Language, Preferences, TIME_ZONES};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The account types as (value, label) pairs for a drop-down, in the reader's language.
fn account_type_options(i18n: I18nContext<Locale>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        vec![
            ("basic".to_owned(), t_string!(i18n, type_basic).to_string()),
            (
                "enhanced".to_owned(),
                t_string!(i18n, type_enhanced).to_string(),
            ),
        ]
    })
}

/// The tabs of a user's page: the profile (with aliases and deletion), security and mail.
#[component]
fn UserTabs(id: i64, current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let current_if = move |tab: &str| (current == tab).then_some("page");
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, user_sections).to_string()>
            <a href=format!("/users/{id}") aria-current=current_if("profile")>{t!(i18n, tab_profile)}</a>
            <a href=format!("/users/{id}/security") aria-current=current_if("security")>{t!(i18n, tab_security)}</a>
            <a href=format!("/users/{id}/mail") aria-current=current_if("mail")>{t!(i18n, tab_mail)}</a>
        </nav>
    }
}

/// "More options" of the add and edit forms: the user's language, time zone and date format.
/// Folded away unless one of them was refused (or `open`, as on My account).
#[component]
pub(crate) fn PreferenceFields(
    current: Preferences,
    error: Signal<Option<AppError>>,
    #[prop(optional)] open: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let languages = Signal::derive(|| {
        Language::ALL
            .into_iter()
            .map(|l| (l.as_str().to_owned(), l.native_name().to_owned()))
            .collect::<Vec<_>>()
    });
    let zones = Signal::derive(|| {
        TIME_ZONES
            .iter()
            .map(|z| ((*z).to_owned(), z.replace('_', " ")))
            .collect::<Vec<_>>()
    });
    let formats = Signal::derive(|| {
        DateFormat::ALL
            .into_iter()
            .map(|f| (f.as_str().to_owned(), f.example().to_owned()))
            .collect::<Vec<_>>()
    });
    let refused = move || {
        error.get().is_some_and(|e| {
            ["language", "time_zone", "date_format"]
                .iter()
                .any(|f| e.field(f).is_some())
        })
    };
    view! {
        <details class="more-options" open=move || open || refused()>
            <summary>{t!(i18n, more_options)}</summary>
            <div class="form-grid">
                <SelectField name="language" options=languages selected=current.language.as_str().to_owned() error>
                    {t!(i18n, user_language)}
                </SelectField>
                <SelectField name="time_zone" options=zones selected=current.time_zone.as_str().to_owned() error>
                    {t!(i18n, time_zone)}
                </SelectField>
                <SelectField name="date_format" options=formats selected=current.date_format.as_str().to_owned() error>
                    {t!(i18n, date_format)}
                </SelectField>
            </div>
        </details>
    }
}
