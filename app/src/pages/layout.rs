use crate::api::acting::StopActing;
use crate::api::auth::{whoami, Logout};
use crate::api::organisation::usage;
use crate::components::size_text;
use crate::components::LanguageSwitch;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::{AdminScope, Role};
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::{use_location, use_query_map};

/// The frame of every signed-in page: header, navigation, and the guard that sends anyone
/// without a live session to the sign-in page, anyone who must first choose a new password to
/// My account > Password, and anyone who must set up two-factor authentication to its page. The pages' own server functions refuse such a visitor too, so
/// rendering them next to the guard shows nothing. The guard asks again at every navigation.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let viewer = Resource::new_blocking(move || location.pathname.get(), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    let sign_out = move || {
        view! {
            <ActionForm action=logout>
                <button type="submit" class="button-quiet">{t!(i18n, sign_out)}</button>
            </ActionForm>
        }
    };
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(me) => {
                        let email = me.email.clone();
                        let acting = me.acting_admin.clone().map(|a| {
                            view! { <ActingBanner email=me.email.clone() admin=a.email /> }
                        });
                        let is_acting = acting.is_some();
                        let owner = me.role == Role::AccountAdmin;
                        let admin = me.role.is_admin();
                        // The overview and the audit log speak of every domain.
                        let org_wide = admin && me.scope == AdminScope::Organisation;
                        // A mailbox user's panel is their own account; the rest is for admins.
                        let elsewhere = !admin
                            && !location.pathname.get_untracked().starts_with("/account/");
                        view! {
                            {acting}
                            <header class="topbar">
                                <a class="brand" href=if admin { "/users" } else { "/account/password" }>
                                    {t!(i18n, app_name)}
                                </a>
                                <HeaderMenu admin org_wide owner is_acting email sign_out=sign_out().into_any() />
                            </header>
                            {elsewhere.then(|| view! { <Redirect path="/account/password" /> })}
                        }
                            .into_any()
                    }
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error @ (AppError::PasswordChangeRequired | AppError::TwoFactorSetupRequired)) => {
                        // The one page open until the step is done ("Confirm it's you" too,
                        // which starting a set-up may ask for).
                        let only = if error == AppError::PasswordChangeRequired {
                            "/account/password"
                        } else {
                            "/account/two-factor"
                        };
                        let here = location.pathname.get_untracked();
                        let elsewhere = here != only && here != "/account/confirm";
                        view! {
                            <header class="topbar">
                                <span class="brand">{t!(i18n, app_name)}</span>
                                <div class="topbar-end">
                                    <LanguageSwitch />
                                    {sign_out()}
                                </div>
                            </header>
                            {elsewhere.then(|| view! { <Redirect path=only /> })}
                        }
                            .into_any()
                    }
                    Err(_) => view! {
                        <p class="alert alert-error" role="alert">{t!(i18n, err_internal)}</p>
                    }
                        .into_any(),
                }
            })}
        </Transition>
        // Outside the Transition above: on the server a Suspense renders its children more than once,
        // and resources created in each pass would not line up with the browser's single pass.
        <UsageStrip />
        <main id="main">
            <MailServerNotice />
            <Outlet />
        </main>
    }
}

/// The header's navigation and account links. Folded under "Menu" on a phone, so the page
/// starts on the first screen; always open on a wider screen (style/main.css).
#[component]
fn HeaderMenu(
    admin: bool,
    org_wide: bool,
    owner: bool,
    is_acting: bool,
    email: String,
    sign_out: AnyView,
) -> impl IntoView {
    let i18n = use_i18n();
    let said = email.clone();
    view! {
        <details class="menu">
            <summary class="button">{t!(i18n, menu)}</summary>
            <div class="menu-body">
                {admin.then(|| view! {
                    <nav aria-label=move || t_string!(i18n, nav_main).to_string()>
                        {org_wide.then(|| view! { <A href="/overview">{t!(i18n, nav_overview)}</A> })}
                        <A href="/users" exact=true>{t!(i18n, nav_users)}</A>
                        <A href="/users/new">{t!(i18n, nav_new_user)}</A>
                        <A href="/lists">{t!(i18n, nav_lists)}</A>
                        <A href="/domains">{t!(i18n, nav_domains)}</A>
                        {org_wide.then(|| view! { <A href="/audit">{t!(i18n, nav_audit)}</A> })}
                        {owner.then(|| view! { <A href="/settings">{t!(i18n, nav_settings)}</A> })}
                    </nav>
                })}
                <div class="topbar-end">
                    <LanguageSwitch />
                    // The address alone on screen, so the header holds one line; the whole
                    // sentence for screen readers.
                    <span class="whoami">
                        <span class="visually-hidden">{t!(i18n, signed_in_as, email = { let said = said.clone(); move || said.clone() })}</span>
                        <span aria-hidden="true" title=said.clone()>{email}</span>
                    </span>
                    <A href="/account/password">{t!(i18n, my_account)}</A>
                    {(!is_acting).then_some(sign_out)}
                </div>
            </div>
        </details>
    }
}

/// On every page of a session an administrator opened as a user, in a colour of its own and
/// with no way to hide it: whose account this is, who is acting, and the way back.
#[component]
fn ActingBanner(email: String, admin: String) -> impl IntoView {
    let i18n = use_i18n();
    let stop = ServerAction::<StopActing>::new();
    view! {
        <aside class="acting-banner" aria-label=move || t_string!(i18n, acting_banner_label).to_string()>
            <p>
                {t!(i18n, acting_banner, email = move || email.clone(), admin = move || admin.clone())}
            </p>
            <ActionForm action=stop>
                <button type="submit" class="button">{t!(i18n, return_to_my_account)}</button>
            </ActionForm>
        </aside>
    }
}

/// Mailboxes used of the licences, storage allocated of the pool; fetched again on every
/// navigation, so it follows what the pages change.
#[component]
fn UsageStrip() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let usage = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| usage(),
    );
    view! {
        <Transition>
            {move || Suspend::new(async move {
                usage.await.ok().map(|u| {
                    let (used, total) = (u.mailboxes_used, u.mailbox_licences);
                    let (allocated, pool) = (u.storage_allocated_mb, u.storage_pool_mb);
                    view! {
                        <section class="usage" aria-label=move || t_string!(i18n, usage_label).to_string()>
                            <span>{t!(i18n, usage_mailboxes, used, total)}</span>
                            <span>{t!(i18n, usage_storage, used = move || size_text(i18n.get_locale(), allocated), total = move || size_text(i18n.get_locale(), pool))}</span>
                        </section>
                    }
                })
            })}
        </Transition>
    }
}

/// Shown after a change the mail server has not heard of (it could not be reached): the change
/// holds in the panel, and closing the user's mail connections is retried until it answers.
#[component]
fn MailServerNotice() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let pending = move || query.read().get("mail_server").as_deref() == Some("pending");
    view! {
        <Show when=pending>
            <p class="alert alert-warning" role="alert">{t!(i18n, mail_server_pending)}</p>
        </Show>
    }
}
