use crate::api::auth::{setup_open, Login};
use crate::components::NoticeAlert;
use crate::components::{use_form_error, Field, FormAlert, LanguageSwitch, PageTitle};
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let error = use_form_error(login);
    let setup = Resource::new(|| (), |_| setup_open());
    view! {
        <PageTitle text=|i| t_string!(i, login_title).to_string() />
        <main id="main" class="narrow">
            <div class="page-tools"><LanguageSwitch /></div>
            <h1>{t!(i18n, login_title)}</h1>
            <p>{t!(i18n, login_intro)}</p>
            <NoticeAlert />
            <FormAlert error />
            <ActionForm action=login>
                <Field name="email" kind="email" autocomplete="username" required=true error>
                    {t!(i18n, email)}
                </Field>
                <Field name="password" kind="password" autocomplete="current-password" required=true error>
                    {t!(i18n, password)}
                </Field>
                <button type="submit" class="button-primary">{t!(i18n, sign_in)}</button>
            </ActionForm>
            <Suspense>
                {move || Suspend::new(async move {
                    matches!(setup.await, Ok(true))
                        .then(|| view! { <p><a href="/setup">{t!(i18n, setup_link)}</a></p> })
                })}
            </Suspense>
        </main>
    }
}
