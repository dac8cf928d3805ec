use crate::api::account::ConfirmOwnPassword;
use crate::components::{use_form_error, Field, FormAlert, PageTitle};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "Confirm it's you": the signed-in person types their password again before a sensitive
/// action, then goes back to the page they came from.
#[component]
pub fn ConfirmPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let confirm = ServerAction::<ConfirmOwnPassword>::new();
    let error = use_form_error(confirm);
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <PageTitle text=|i| t_string!(i, confirm_title).to_string() />
        <h1>{t!(i18n, confirm_title)}</h1>
        <p>{t!(i18n, confirm_intro)}</p>
        <FormAlert error />
        <ActionForm action=confirm>
            <input type="hidden" name="form[next]" value=next />
            <Field name="password" kind="password" autocomplete="current-password" required=true error>
                {t!(i18n, confirm_password_label)}
            </Field>
            <button type="submit" class="button-primary">{t!(i18n, confirm_button)}</button>
        </ActionForm>
    }
}
