//! The document shell, the one route table and the app-wide providers.
use crate::i18n::*;
use crate::pages::users::{
    BulkPage, EditUserPage, ImportPage, ImportPreviewPage, NewSharedMailboxPage, NewUserPage,
    UserMailPage, UserSecurityPage, UsersPage,
};
use crate::pages::{
    AccountAppPasswordsPage, AccountMailPage, AccountPasswordPage, AccountTwoFactorPage,
    AdminLayout, AuditLogPage, ConfirmPasswordPage, DomainsPage, ForgotPasswordPage, ListPage,
    ListsPage, LoginPage, OverviewPage, SetPasswordPage, SettingsPage, SetupPage, SignInCodePage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // Names with the build's content hash, which browsers keep for a year.
                <HashedStylesheet id="leptos" options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Title formatter=|text| format!("{text} · Postmaster") />
            <a class="skip-link" href="#main">{move || t_string!(use_i18n(), skip_to_content).to_string()}</a>
            <Router>
                <Routes fallback=NotFound>
                    // Async rendering sends each page whole, so it reads the same without
                    // JavaScript and redirects can still set the status line.
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/login/code") view=SignInCodePage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/set-password/:token") view=SetPasswordPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=AdminLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=|| view! { <Redirect path="/users" /> } ssr=SsrMode::Async />
                        <Route path=path!("users") view=UsersPage ssr=SsrMode::Async />
                        <Route path=path!("users/new") view=NewUserPage ssr=SsrMode::Async />
                        <Route path=path!("users/new-shared") view=NewSharedMailboxPage ssr=SsrMode::Async />
                        <Route path=path!("users/bulk") view=BulkPage ssr=SsrMode::Async />
                        <Route path=path!("users/import") view=ImportPage ssr=SsrMode::Async />
                        <Route path=path!("users/import/:id") view=ImportPreviewPage ssr=SsrMode::Async />
                        <Route path=path!("users/:id") view=EditUserPage ssr=SsrMode::Async />
                        <Route path=path!("users/:id/security") view=UserSecurityPage ssr=SsrMode::Async />
                        <Route path=path!("users/:id/mail") view=UserMailPage ssr=SsrMode::Async />
                        <Route path=path!("overview") view=OverviewPage ssr=SsrMode::Async />
                        <Route path=path!("audit") view=AuditLogPage ssr=SsrMode::Async />
                        <Route path=path!("domains") view=DomainsPage ssr=SsrMode::Async />
                        <Route path=path!("lists") view=ListsPage ssr=SsrMode::Async />
                        <Route path=path!("lists/:id") view=ListPage ssr=SsrMode::Async />
                        <Route path=path!("settings") view=SettingsPage ssr=SsrMode::Async />
                        <Route path=path!("account/password") view=AccountPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("account/two-factor") view=AccountTwoFactorPage ssr=SsrMode::Async />
                        <Route path=path!("account/app-passwords") view=AccountAppPasswordsPage ssr=SsrMode::Async />
                        <Route path=path!("account/mail") view=AccountMailPage ssr=SsrMode::Async />
                        <Route path=path!("account/confirm") view=ConfirmPasswordPage ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="main" class="narrow">
            <h1>{t!(i18n, not_found)}</h1>
            <p><a href="/users">{t!(i18n, go_to_users)}</a></p>
        </main>
    }
}
