use crate::api::auth::{setup_open, CompleteSetup};
use crate::components::{
    use_form_error, Field, FormAlert, LanguageSwitch, NewPasswordFields, PageTitle,
};
use crate::i18n::*;
use leptos::prelude::*;

/// Creates the organisation and its first administrator, once, with the token from the log.
#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let setup = ServerAction::<CompleteSetup>::new();
    let error = use_form_error(setup);
    let open = Resource::new_blocking(|| (), |_| setup_open());
    view! {
        <PageTitle text=|i| t_string!(i, setup_title).to_string() />
        <main id="main" class="narrow">
            <div class="page-tools"><LanguageSwitch /></div>
            <h1>{t!(i18n, setup_title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    if matches!(open.await, Ok(true)) {
                        view! {
                            <p>{t!(i18n, setup_intro)}</p>
                            <FormAlert error />
                            <ActionForm action=setup>
                                <Field name="token" autocomplete="off" required=true error>
                                    {t!(i18n, setup_token)}
                                </Field>
                                <Field name="organisation" autocomplete="organization" required=true error>
                                    {t!(i18n, organisation)}
                                </Field>
                                <Field name="name" autocomplete="name" required=true error>
                                    {t!(i18n, your_name)}
                                </Field>
                                <Field name="email" kind="email" autocomplete="username" required=true error>
                                    {t!(i18n, admin_email)}
                                </Field>
                                <NewPasswordFields policy=crate::model::PasswordPolicy::default() error>{t!(i18n, password)}</NewPasswordFields>
                                <button type="submit" class="button-primary">{t!(i18n, create_admin)}</button>
                            </ActionForm>
                        }
                            .into_any()
                    } else {
                        view! {
                            <p class="alert" role="status">{t!(i18n, setup_closed)}</p>
                            <p><a href="/login">{t!(i18n, go_to_sign_in)}</a></p>
                        }
                            .into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}
