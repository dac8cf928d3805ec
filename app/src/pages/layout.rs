use crate::api::auth::{whoami, Logout};
use crate::components::LanguageSwitch;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

/// The frame of every signed-in page: header, navigation, and the guard that sends anyone
/// without a live session to the sign-in page.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = Resource::new_blocking(|| (), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(me) => {
                        let email = me.email.clone();
                        view! {
                            <header class="topbar">
                                <a class="brand" href="/users">{t!(i18n, app_name)}</a>
                                <nav aria-label=move || t_string!(i18n, nav_main).to_string()>
                                    <A href="/users" exact=true>{t!(i18n, nav_users)}</A>
                                    <A href="/users/new">{t!(i18n, nav_new_user)}</A>
                                </nav>
                                <div class="topbar-end">
                                    <LanguageSwitch />
                                    <span class="whoami">{t!(i18n, signed_in_as, email = move || email.clone())}</span>
                                    <ActionForm action=logout>
                                        <button type="submit" class="button-quiet">{t!(i18n, sign_out)}</button>
                                    </ActionForm>
                                </div>
                            </header>
                            <main id="main">
                                <Outlet />
                            </main>
                        }
                            .into_any()
                    }
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(_) => view! {
                        <main id="main">
                            <p class="alert alert-error" role="alert">{t!(i18n, err_internal)}</p>
                        </main>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}
