use crate::api::links::{open_link, SetPasswordByLink};
use crate::components::{
    error_text, use_form_error, FormAlert, LanguageSwitch, NewPasswordFields, PageTitle,
    StrengthMeter,
};
use crate::error::ErrorCode;
use crate::i18n::*;
use crate::model::LinkHolder;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Opened from the link a reset mailed to the recovery address: the user chooses a password
/// under their organisation's policy, with the meter, without signing in.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let holder = Resource::new(token, open_link);
    view! {
        <PageTitle text=|i| t_string!(i, set_password_title).to_string() />
        <main id="main" class="narrow">
            <div class="page-tools"><LanguageSwitch /></div>
            <h1>{t!(i18n, set_password_title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match holder.await {
                        Ok(holder) => view! { <LinkForm holder token=token() /> }.into_any(),
                        Err(_) => view! {
                            <p class="alert alert-error" role="alert">
                                {move || error_text(i18n, ErrorCode::LinkInvalid)}
                            </p>
                            <p><a href="/login">{t!(i18n, go_to_sign_in)}</a></p>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn LinkForm(holder: LinkHolder, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetPasswordByLink>::new();
    let error = use_form_error(set);
    let LinkHolder {
        email,
        policy,
        personal,
    } = holder;
    view! {
        <p>{t!(i18n, set_password_for, email = move || email.clone())}</p>
        <FormAlert error />
        <ActionForm action=set>
            <input type="hidden" name="form[token]" value=token />
            <StrengthMeter policy personal>
                <NewPasswordFields policy error>{t!(i18n, new_password)}</NewPasswordFields>
            </StrengthMeter>
            <button type="submit" class="button-primary">{t!(i18n, set_password_button)}</button>
        </ActionForm>
    }
}
