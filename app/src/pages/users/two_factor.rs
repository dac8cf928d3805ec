use crate::api::two_factor::ResetTwoFactor;
use crate::components::{use_form_error, utc_minutes, FormAlert};
use crate::i18n::*;
use crate::model::{TwoFactorStatus, UserDetail};
use leptos::prelude::*;

/// The user's two-factor authentication as their administrator sees it: on since when, and
/// the reset for a user who lost their phone and their recovery codes. Never the key or a code.
#[component]
pub fn TwoFactorSection(user: UserDetail, status: TwoFactorStatus) -> impl IntoView {
    let i18n = use_i18n();
    let reset = ServerAction::<ResetTwoFactor>::new();
    let error = use_form_error(reset);
    let admin = user.role.is_admin();
    let state = match status.on_since {
        Some(since) => {
            let since = utc_minutes(since);
            let left = status.recovery_codes_left;
            t!(
                i18n,
                user_two_factor_on,
                since = move || since.clone(),
                n = left
            )
            .into_any()
        }
        None if status.required => t!(i18n, user_two_factor_off_required).into_any(),
        None => t!(i18n, user_two_factor_off).into_any(),
    };
    view! {
        <section aria-labelledby="user-two-factor-heading">
            <h2 id="user-two-factor-heading">{t!(i18n, two_factor_title)}</h2>
            <p>{state}</p>
            {match (status.on_since.is_some(), admin) {
                (true, false) => view! {
                    <p class="field-hint">{t!(i18n, reset_two_factor_hint)}</p>
                    <FormAlert error />
                    <ActionForm action=reset>
                        <input type="hidden" name="form[id]" value=user.id />
                        <button type="submit" class="button-danger">{t!(i18n, reset_two_factor)}</button>
                    </ActionForm>
                }
                    .into_any(),
                (true, true) => view! { <p class="field-hint">{t!(i18n, err_reset_admin_two_factor)}</p> }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}
