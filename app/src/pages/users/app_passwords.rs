use crate::api::app_passwords::{CreateUserAppPassword, RevokeUserAppPassword};
use crate::components::{use_form_error, FormAlert};
use crate::i18n::*;
use crate::model::{AppPassword, NewAppPasswordShown};
use crate::pages::app_passwords::{
    AppPasswordList, AppPasswordName, RevokeButton, ShownAppPassword,
};
use leptos::prelude::*;

/// The page's app-password forms, made by the page so that their answers reload its lists.
#[derive(Clone, Copy)]
pub struct AppPasswordActions {
    pub create: ServerAction<CreateUserAppPassword>,
    pub revoke: ServerAction<RevokeUserAppPassword>,
}

impl AppPasswordActions {
    pub fn for_page() -> Self {
        Self {
            create: ServerAction::new(),
            revoke: ServerAction::new(),
        }
    }

    pub fn versions(self) -> (usize, usize) {
        (self.create.version().get(), self.revoke.version().get())
    }
}

/// A user's app passwords on their Security tab: the administrator revokes any, or makes one
/// for a mail app they set up for the user, shown once to the administrator.
#[component]
pub fn UserAppPasswords(
    user: i64,
    items: Vec<AppPassword>,
    fresh: Option<NewAppPasswordShown>,
    actions: AppPasswordActions,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(actions.create);
    let revoke_error = use_form_error(actions.revoke);
    let revoke = actions.revoke;
    let shown = move || {
        let answered = actions.create.value().get().and_then(Result::ok);
        answered
            .or(fresh.clone())
            .map(|made| view! { <ShownAppPassword made /> })
    };
    view! {
        <section aria-labelledby="user-app-passwords-heading">
            <h2 id="user-app-passwords-heading">{t!(i18n, app_passwords_title)}</h2>
            {shown}
            <FormAlert error=revoke_error />
            <AppPasswordList items revoke=move |id| view! {
                <ActionForm action=revoke>
                    <input type="hidden" name="form[user]" value=user />
                    <input type="hidden" name="form[id]" value=id />
                    <RevokeButton />
                </ActionForm>
            } />
            <FormAlert error />
            <ActionForm action=actions.create>
                <input type="hidden" name="form[user]" value=user />
                <AppPasswordName error />
                <button type="submit">{t!(i18n, create_app_password)}</button>
            </ActionForm>
        </section>
    }
}
