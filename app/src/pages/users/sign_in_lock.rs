use crate::api::users::UnlockUser;
use crate::components::{use_form_error, utc_minutes, FormAlert};
use crate::i18n::*;
use crate::model::UserDetail;
use leptos::prelude::*;

/// Failed sign-ins since the user's last success, the lock they earned if one is in force, and
/// the button that lifts it. Nothing when there is nothing to say.
#[component]
pub fn SignInLock(user: UserDetail) -> impl IntoView {
    let i18n = use_i18n();
    let unlock = ServerAction::<UnlockUser>::new();
    let error = use_form_error(unlock);
    let failures = user.failed_sign_ins;
    let until = user.locked_until.map(utc_minutes);
    if failures == 0 && until.is_none() {
        return ().into_any();
    }
    let locked = until.is_some();
    view! {
        <section aria-labelledby="lock-heading" class="sign-in-lock">
            <h2 id="lock-heading">{t!(i18n, lock_heading)}</h2>
            <p class=if locked { "alert alert-error" } else { "field-hint" } role="status">
                {match until {
                    Some(until) => t!(i18n, locked_until, n = failures, until = move || until.clone()).into_any(),
                    None => t!(i18n, failed_sign_ins_count, n = failures).into_any(),
                }}
            </p>
            <FormAlert error />
            <ActionForm action=unlock>
                <input type="hidden" name="form[id]" value=user.id />
                <button type="submit">
                    {if locked { t!(i18n, unlock_account).into_any() } else { t!(i18n, clear_failed_sign_ins).into_any() }}
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}
