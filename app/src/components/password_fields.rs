use super::Field;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::PasswordPolicy;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// A new password and its confirmation (`password`, `password_confirm`), with a hint that states
/// `policy`: the pair of every form that sets a password. The children are the first label's
/// text. `optional` leaves them to the server to require, for a form where empty can mean
/// something.
#[component]
pub fn NewPasswordFields(
    policy: PasswordPolicy,
    error: Signal<Option<AppError>>,
    #[prop(optional)] optional: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint = Signal::derive(move || policy_hint(i18n, &policy));
    view! {
        <Field name="password" kind="password" autocomplete="new-password" required=!optional hint error>
            {children()}
        </Field>
        <Field name="password_confirm" kind="password" autocomplete="new-password" required=!optional error>
            {t!(i18n, password_confirm)}
        </Field>
    }
}

/// The policy in one sentence: its minimum length and the character classes it requires (with
/// none, the advice that makes long passwords easy to remember).
pub fn policy_hint(i18n: I18nContext<Locale>, policy: &PasswordPolicy) -> String {
    let n = policy.min_chars;
    let r = policy.require;
    let classes: Vec<String> = [
        (r.upper, t_string!(i18n, class_upper).to_string()),
        (r.lower, t_string!(i18n, class_lower).to_string()),
        (r.digit, t_string!(i18n, class_digit).to_string()),
        (r.symbol, t_string!(i18n, class_symbol).to_string()),
    ]
    .into_iter()
    .filter_map(|(required, name)| required.then_some(name))
    .collect();
    match classes.as_slice() {
        [] => t_string!(i18n, password_hint, n).to_string(),
        [only] => t_string!(i18n, password_hint_classes, n, classes = only.as_str()).to_string(),
        [rest @ .., last] => {
            let classes = format!("{} {} {last}", rest.join(", "), t_string!(i18n, list_and));
            t_string!(i18n, password_hint_classes, n, classes).to_string()
        }
    }
}
