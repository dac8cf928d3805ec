use crate::api::auth::{pending_sign_in, setup_open, Login, SignInCode};
use crate::components::NoticeAlert;
use crate::components::{error_text, use_form_error, Field, FormAlert, LanguageSwitch, PageTitle};
use crate::error::ErrorCode;
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
            <p><a href="/forgot-password">{t!(i18n, forgot_link)}</a></p>
            <Suspense>
                {move || Suspend::new(async move {
                    matches!(setup.await, Ok(true))
                        .then(|| view! { <p><a href="/setup">{t!(i18n, setup_link)}</a></p> })
                })}
            </Suspense>
        </main>
    }
}

/// The sign-in's second page, after the right password of an account with two-factor
/// authentication: the code from the app, or a recovery code in the same field.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let i18n = use_i18n();
    let code = ServerAction::<SignInCode>::new();
    let error = use_form_error(code);
    let pending = Resource::new(|| (), |_| pending_sign_in());
    let hint = Signal::derive(move || t_string!(i18n, code_hint).to_string());
    view! {
        <PageTitle text=|i| t_string!(i, code_title).to_string() />
        <main id="main" class="narrow">
            <div class="page-tools"><LanguageSwitch /></div>
            <h1>{t!(i18n, code_title)}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(email) => view! {
                            <p>{t!(i18n, code_intro, email = move || email.clone())}</p>
                            <FormAlert error />
                            <ActionForm action=code>
                                <Field
                                    name="code"
                                    autocomplete="one-time-code"
                                    inputmode="numeric"
                                    required=true
                                    hint
                                    error
                                >
                                    {t!(i18n, authentication_code)}
                                </Field>
                                <button type="submit" class="button-primary">{t!(i18n, verify_code)}</button>
                            </ActionForm>
                            <p><a href="/login">{t!(i18n, sign_in_again)}</a></p>
                        }
                            .into_any(),
                        Err(_) => view! {
                            <p class="alert alert-error" role="alert">
                                {move || error_text(i18n, ErrorCode::SignInExpired)}
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
