//! One module per route.
mod account;
mod address_fields;
pub(crate) mod app_passwords;
mod audit;
mod confirm;
mod domains;
mod forgot_password;
mod layout;
mod lists;
mod login;
pub(crate) mod mail;
mod overview;
mod set_password;
mod settings;
mod setup;
mod two_factor;
pub mod users;

pub use account::AccountPasswordPage;
pub use app_passwords::AccountAppPasswordsPage;
pub use audit::AuditLogPage;
pub use confirm::ConfirmPasswordPage;
pub use domains::DomainsPage;
pub use forgot_password::ForgotPasswordPage;
pub use layout::AdminLayout;
pub use lists::{ListPage, ListsPage};
pub use login::{LoginPage, SignInCodePage};
pub use mail::AccountMailPage;
pub use overview::OverviewPage;
pub use set_password::SetPasswordPage;
pub use settings::SettingsPage;
pub use setup::SetupPage;
pub use two_factor::AccountTwoFactorPage;

/// The `:id` of the page's route; 0, which no row has, when it isn't a number.
fn use_route_id() -> leptos::prelude::Signal<i64> {
    use leptos::prelude::*;
    let params = leptos_router::hooks::use_params_map();
    Signal::derive(move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or_default()
    })
}
