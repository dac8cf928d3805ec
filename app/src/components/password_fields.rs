use super::Field;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// A new password and its confirmation (`password`, `password_confirm`), with the policy's hint:
/// the pair of every form that sets a password. The children are the first label's text.
/// `optional` leaves them to the server to require, for a form where empty can mean something.
#[component]
pub fn NewPasswordFields(
    error: Signal<Option<AppError>>,
    #[prop(optional)] optional: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint = Signal::derive(move || t_string!(i18n, password_hint).to_string());
    view! {
        <Field name="password" kind="password" autocomplete="new-password" required=!optional hint error>
            {children()}
        </Field>
        <Field name="password_confirm" kind="password" autocomplete="new-password" required=!optional error>
            {t!(i18n, password_confirm)}
        </Field>
    }
}
