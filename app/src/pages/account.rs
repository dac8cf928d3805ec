use crate::api::account::{own_password_context, ChangeOwnPassword, OwnPasswordRules};
use crate::components::{
    use_form_error, CheckboxField, Field, FormAlert, NewPasswordFields, StrengthMeter,
};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// My account > Password: the signed-in user's own password, with the same meter and policy as
/// an administrator's reset. After such a reset with "ask for a new password", it is the only
/// page the user can reach until the change is done.
#[component]
pub fn AccountPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let changed = move || {
        query
            .read()
            .get("changed")
            .and_then(|n| n.parse::<u64>().ok())
    };
    let context = Resource::new(
        move || query.read().get("changed"),
        |_| own_password_context(),
    );
    view! {
        <Title text=move || t_string!(i18n, my_password_title).to_string() />
        <h1>{t!(i18n, my_account)}</h1>
        {move || changed().map(|n| view! {
            <p class="alert alert-success" role="status">{t!(i18n, own_password_changed, n = move || n)}</p>
        })}
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                context.await.ok().map(|c| view! { <OwnPasswordForm context=c /> })
            })}
        </Transition>
    }
}

#[component]
fn OwnPasswordForm(context: OwnPasswordRules) -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangeOwnPassword>::new();
    let error = use_form_error(change);
    let OwnPasswordRules {
        policy,
        personal,
        must_change,
    } = context;
    view! {
        <section aria-labelledby="own-password-heading">
            <h2 id="own-password-heading">{t!(i18n, password_heading)}</h2>
            <Show when=move || must_change>
                <p class="alert alert-error" role="alert">{t!(i18n, must_change_notice)}</p>
            </Show>
            <FormAlert error />
            <ActionForm action=change>
                <Field name="current" kind="password" autocomplete="current-password" required=true error>
                    {t!(i18n, current_password)}
                </Field>
                <StrengthMeter policy personal>
                    <div class="form-grid">
                        <NewPasswordFields error>{t!(i18n, new_password)}</NewPasswordFields>
                    </div>
                </StrengthMeter>
                <CheckboxField name="sign_out_others" error>
                    {t!(i18n, sign_out_others)}
                </CheckboxField>
                <button type="submit" class="button-primary">{t!(i18n, change_password)}</button>
            </ActionForm>
        </section>
    }
}
