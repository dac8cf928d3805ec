use crate::api::auth::{setup_open, Login};
use crate::components::{use_form_error, Field, FormAlert, LanguageSwitch};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let error = use_form_error(login);
    let query = use_query_map();
    let just_set_up = move || query.read().get("setup").as_deref() == Some("done");
    let password_set = move || query.read().get("password_set").is_some();
    let setup = Resource::new(|| (), |_| setup_open());
    view! {
        <Title text=move || t_string!(i18n, login_title).to_string() />
        <main id="main" class="narrow">
            <div class="page-tools"><LanguageSwitch /></div>
            <h1>{t!(i18n, login_title)}</h1>
            <p>{t!(i18n, login_intro)}</p>
            <Show when=just_set_up>
                <p class="alert alert-success" role="status">{t!(i18n, setup_done)}</p>
            </Show>
            <Show when=password_set>
                <p class="alert alert-success" role="status">{t!(i18n, password_set_by_link)}</p>
            </Show>
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
