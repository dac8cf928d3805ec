use super::account::AccountTabs;
use crate::api::app_passwords::{
    fresh_app_password, own_app_passwords, CreateOwnAppPassword, RevokeOwnAppPassword,
};
use crate::components::{
    use_form_error, use_notice, utc_minutes, CopyButton, Field, FormAlert, NoticeAlert, PageTitle,
};
use crate::i18n::*;
use crate::model::{AppPassword, NewAppPasswordShown};
use leptos::prelude::*;

/// My account > App passwords: what mail apps (IMAP, POP3, SMTP) sign in with, one per app,
/// each revoked on its own.
#[component]
pub fn AccountAppPasswordsPage() -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_notice();
    let create = ServerAction::<CreateOwnAppPassword>::new();
    let revoke = ServerAction::<RevokeOwnAppPassword>::new();
    let error = use_form_error(create);
    let revoke_error = use_form_error(revoke);
    let list = Resource::new(
        move || (notice.get(), create.version().get(), revoke.version().get()),
        |_| own_app_passwords(),
    );
    let from_cookie = Resource::new(move || notice.get(), |_| fresh_app_password());
    view! {
        <PageTitle text=|i| t_string!(i, app_passwords_title).to_string() />
        <h1>{t!(i18n, my_account)}</h1>
        <AccountTabs current="app-passwords" />
        <NoticeAlert />
        <section aria-labelledby="app-passwords-heading">
            <h2 id="app-passwords-heading">{t!(i18n, app_passwords_title)}</h2>
            <p>{t!(i18n, app_passwords_intro)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let from_cookie = from_cookie.await.ok().flatten();
                    move || {
                        let answered = create.value().get().and_then(Result::ok);
                        answered.or(from_cookie.clone()).map(|made| view! { <ShownAppPassword made /> })
                    }
                })}
            </Transition>
            <FormAlert error />
            <ActionForm action=create>
                <AppPasswordName error />
                <button type="submit" class="button-primary">{t!(i18n, create_app_password)}</button>
            </ActionForm>
            <FormAlert error=revoke_error />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let items = list.await.unwrap_or_default();
                    view! {
                        <AppPasswordList items revoke=move |id| view! {
                            <ActionForm action=revoke>
                                <input type="hidden" name="form[id]" value=id />
                                <RevokeButton />
                            </ActionForm>
                        } />
                    }
                })}
            </Transition>
        </section>
    }
}

/// The name a new app password is made with.
#[component]
pub fn AppPasswordName(error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let hint = Signal::derive(move || t_string!(i18n, app_password_name_hint).to_string());
    view! {
        <Field name="name" required=true hint error>
            {t!(i18n, app_password_name)}
        </Field>
    }
}

/// "Revoke", named for its row by the list's heading cell.
#[component]
pub fn RevokeButton() -> impl IntoView {
    let i18n = use_i18n();
    view! { <button type="submit" class="button-danger">{t!(i18n, revoke)}</button> }
}

/// The app passwords of a mailbox: name, when and by whom each was made, and its "Revoke".
#[component]
pub fn AppPasswordList<F, V>(items: Vec<AppPassword>, revoke: F) -> impl IntoView
where
    F: Fn(i64) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p class="field-hint">{t!(i18n, no_app_passwords)}</p> }.into_any();
    }
    view! {
        <table class="app-passwords">
            <caption>{t!(i18n, app_passwords_caption)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, app_password_name)}</th>
                    <th scope="col">{t!(i18n, app_password_created_at)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, actions)}</span></th>
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|item| {
                        let when = utc_minutes(item.created_at);
                        let by = item.created_by.clone();
                        view! {
                            <tr>
                                <th scope="row">{item.name.clone()}</th>
                                <td>
                                    {when}
                                    {by.map(|admin| view! { " " {t!(i18n, app_password_made_by, admin = move || admin.clone())} })}
                                </td>
                                <td>{revoke(item.id)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// An app password just made, this once: in groups of four for reading, with "Copy" and what
/// to type into the mail app.
#[component]
pub fn ShownAppPassword(made: NewAppPasswordShown) -> impl IntoView {
    let i18n = use_i18n();
    let NewAppPasswordShown {
        name,
        password,
        email,
    } = made;
    let groups = crate::model::password_groups(&password);
    view! {
        <div class="fresh-codes" role="region" aria-labelledby="new-app-password-heading">
            <h3 id="new-app-password-heading">{t!(i18n, new_app_password_heading, name = move || name.clone())}</h3>
            <p class="alert alert-warning">{t!(i18n, app_password_once)}</p>
            <p>
                <code class="secret app-password" aria-label=move || t_string!(i18n, app_password_label).to_string()>
                    {groups.into_iter().map(|g| view! { <span>{g}</span> }).collect_view()}
                </code>
            </p>
            <p class="actions"><CopyButton text=password>{t!(i18n, copy_app_password)}</CopyButton></p>
            <p>{t!(i18n, app_password_how, email = move || email.clone())}</p>
        </div>
    }
}
