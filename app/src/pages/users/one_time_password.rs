use crate::api::one_time_passwords::{CreateOneTimePassword, EndOneTimePassword};
use crate::components::{use_form_error, utc_minutes, CopyButton, FormAlert};
use crate::i18n::*;
use crate::model::{password_groups, NewOneTimePasswordShown, OneTimePassword};
use leptos::prelude::*;

/// The page's one-time password forms, made by the page so that their answers reload it.
#[derive(Clone, Copy)]
pub struct OneTimePasswordActions {
    pub create: ServerAction<CreateOneTimePassword>,
    pub end: ServerAction<EndOneTimePassword>,
}

impl OneTimePasswordActions {
    pub fn for_page() -> Self {
        Self {
            create: ServerAction::new(),
            end: ServerAction::new(),
        }
    }

    pub fn versions(self) -> (usize, usize) {
        (self.create.version().get(), self.end.version().get())
    }
}

/// "Create one-time password": opens the user's mailbox in mail apps and webmail for the
/// organisation's few minutes, to see a problem through with them; nothing else of the account
/// changes. Shown once to the administrator; "End it now" stops it early.
#[component]
pub fn OneTimePasswordSection(
    user: i64,
    current: Option<OneTimePassword>,
    fresh: Option<NewOneTimePasswordShown>,
    actions: OneTimePasswordActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(actions.create);
    let end_error = use_form_error(actions.end);
    let shown = move || {
        let answered = actions.create.value().get().and_then(Result::ok);
        answered
            .or(fresh.clone())
            .map(|made| view! { <ShownOneTimePassword made /> })
    };
    let state = match current {
        Some(live) => view! {
            <p>
                {t!(i18n, one_time_password_live,
                    until = move || utc_minutes(live.expires_at),
                    by = move || live.created_by.clone())}
            </p>
            <FormAlert error=end_error />
            <ActionForm action=actions.end>
                <input type="hidden" name="form[id]" value=user />
                <button type="submit" class="button-danger">{t!(i18n, end_one_time_password)}</button>
            </ActionForm>
        }
        .into_any(),
        None => view! { <p>{t!(i18n, one_time_password_none)}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="one-time-password-heading">
            <h2 id="one-time-password-heading">{t!(i18n, one_time_password_title)}</h2>
            <p>{t!(i18n, one_time_password_intro)}</p>
            {shown}
            {state}
            <FormAlert error />
            <ActionForm action=actions.create>
                <input type="hidden" name="form[id]" value=user />
                <button type="submit">{t!(i18n, create_one_time_password)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ShownOneTimePassword(made: NewOneTimePasswordShown) -> impl IntoView {
    let i18n = use_i18n();
    let NewOneTimePasswordShown {
        password,
        email,
        expires_at,
    } = made;
    let groups = password_groups(&password);
    view! {
        <div class="fresh-codes" role="region" aria-labelledby="new-one-time-password-heading">
            <h3 id="new-one-time-password-heading">{t!(i18n, new_one_time_password_heading)}</h3>
            <p class="alert alert-warning">{t!(i18n, one_time_password_once)}</p>
            <p>
                <code class="secret app-password" aria-label=move || t_string!(i18n, one_time_password_label).to_string()>
                    {groups.into_iter().map(|g| view! { <span>{g}</span> }).collect_view()}
                </code>
            </p>
            <p class="actions"><CopyButton text=password>{t!(i18n, copy_one_time_password)}</CopyButton></p>
            <p>
                {t!(i18n, one_time_password_how,
                    email = move || email.clone(),
                    until = move || utc_minutes(expires_at))}
            </p>
        </div>
    }
}
