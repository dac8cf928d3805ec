use crate::api::recovery::{recovery_open, RequestRecovery};
use crate::components::{use_form_error, Field, FormAlert, LanguageSwitch, NoticeAlert, PageTitle};
use crate::i18n::*;
use leptos::prelude::*;

/// "Forgot password", from the sign-in page: the address, and a link to the recovery address
/// if the account has one. The page answers the same for every address.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestRecovery>::new();
    let error = use_form_error(request);
    let open = Resource::new(|| (), |_| recovery_open());
    view! {
        <PageTitle text=|i| t_string!(i, forgot_title).to_string() />
        <main id="main" class="narrow">
            <div class="page-tools"><LanguageSwitch /></div>
            <h1>{t!(i18n, forgot_title)}</h1>
            <NoticeAlert />
            <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    if matches!(open.await, Ok(true)) {
                        view! {
                            <p>{t!(i18n, forgot_intro)}</p>
                            <FormAlert error />
                            <ActionForm action=request>
                                <Field name="email" kind="email" autocomplete="username" required=true error>
                                    {t!(i18n, email)}
                                </Field>
                                <button type="submit" class="button-primary">{t!(i18n, send_recovery_link)}</button>
                            </ActionForm>
                        }
                        .into_any()
                    } else {
                        view! { <p>{t!(i18n, forgot_ask_admin)}</p> }.into_any()
                    }
                })}
            </Suspense>
            <p><a href="/login">{t!(i18n, go_to_sign_in)}</a></p>
        </main>
    }
}
