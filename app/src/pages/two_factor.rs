use super::account::AccountTabs;
use crate::api::two_factor::{
    fresh_recovery_codes, own_two_factor, waiting_set_up, ConfirmTwoFactor, NewRecoveryCodes,
    StartTwoFactor, TurnOffTwoFactor,
};
use crate::components::{
    use_form_error, use_notice, utc_minutes, CopyButton, Field, FormAlert, NoticeAlert, PageTitle,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::{PendingTwoFactor, TwoFactorStatus};
use leptos::prelude::*;

/// My account > Two-factor authentication: set it up with an authenticator app, see the
/// recovery codes once, make new ones, or turn it off. When the organisation requires it and
/// it is off, this is the only page the user can reach.
#[component]
pub fn AccountTwoFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let notice = use_notice();
    let actions = Actions {
        start: ServerAction::new(),
        confirm: ServerAction::new(),
        renew: ServerAction::new(),
        off: ServerAction::new(),
    };
    // Each answer redirects here, often to this very address: the actions' versions, too,
    // make the page read again.
    let changed = move || (notice.get(), actions.versions());
    let status = Resource::new(changed, |_| own_two_factor());
    let waiting = Resource::new(changed, |_| waiting_set_up());
    // New codes come in the answer to the form that made them (with JavaScript), or from the
    // sealed cookie that answer set (a plain form post's next page): read that once per notice.
    let from_cookie = Resource::new(move || notice.get(), |_| fresh_recovery_codes());
    let answered = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        if let Some(Ok(codes)) = actions.confirm.value().get() {
            answered.set(codes);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(codes)) = actions.renew.value().get() {
            answered.set(codes);
        }
    });
    view! {
        <PageTitle text=|i| t_string!(i, two_factor_title).to_string() />
        <h1>{t!(i18n, my_account)}</h1>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let (status, waiting) = match (status.await, waiting.await) {
                    (Ok(status), Ok(waiting)) => (status, waiting),
                    // An administrator acting for the user: the set-up stays the user's.
                    (Err(AppError::NotWhileActing), _) => {
                        return view! {
                            <AccountTabs current="two-factor" />
                            <p class="alert">{t!(i18n, err_not_while_acting)}</p>
                        }
                        .into_any();
                    }
                    _ => {
                        return view! { <p class="alert alert-error" role="alert">{t!(i18n, err_internal)}</p> }.into_any();
                    }
                };
                let from_cookie = from_cookie.await.unwrap_or_default();
                let fresh = move || {
                    let codes = answered.get();
                    let codes = if codes.is_empty() { from_cookie.clone() } else { codes };
                    (!codes.is_empty()).then(|| view! { <FreshCodes codes /> })
                };
                let confined = status.required && status.on_since.is_none();
                view! {
                    {(!confined).then(|| view! { <AccountTabs current="two-factor" /> })}
                    <NoticeAlert />
                    <section aria-labelledby="two-factor-heading">
                        <h2 id="two-factor-heading">{t!(i18n, two_factor_title)}</h2>
                        {fresh}
                        {match (status.on_since, waiting) {
                            (Some(_), _) => view! { <TwoFactorOn status actions /> }.into_any(),
                            (None, Some(pending)) => view! { <ConfirmSetUp pending actions /> }.into_any(),
                            (None, None) => view! { <TwoFactorOff required=status.required actions /> }.into_any(),
                        }}
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// The page's forms, made once by the page so that their answers reload it.
#[derive(Clone, Copy)]
struct Actions {
    start: ServerAction<StartTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
    renew: ServerAction<NewRecoveryCodes>,
    off: ServerAction<TurnOffTwoFactor>,
}

impl Actions {
    fn versions(self) -> [usize; 4] {
        [
            self.start.version().get(),
            self.confirm.version().get(),
            self.renew.version().get(),
            self.off.version().get(),
        ]
    }
}

/// Off: what it is, and "Set up".
#[component]
fn TwoFactorOff(required: bool, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let start = actions.start;
    let error = use_form_error(start);
    view! {
        {required.then(|| view! {
            <p class="alert alert-warning" role="alert">{t!(i18n, two_factor_required_notice)}</p>
        })}
        <p>{t!(i18n, two_factor_intro)}</p>
        <FormAlert error />
        <ActionForm action=start>
            <button type="submit" class="button-primary">{t!(i18n, two_factor_set_up)}</button>
        </ActionForm>
    }
}

/// A set-up waiting for its first code: the key as a QR code and as text, and the code field.
#[component]
fn ConfirmSetUp(pending: PendingTwoFactor, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = actions.confirm;
    let error = use_form_error(confirm);
    let restart = actions.start;
    let PendingTwoFactor {
        qr_image,
        key_text,
        account,
    } = pending;
    let alt = move || t_string!(i18n, two_factor_qr_alt).to_string();
    view! {
        <ol class="steps">
            <li>
                <p>{t!(i18n, two_factor_scan)}</p>
                <img class="qr-code" src=qr_image alt=alt width="200" height="200" />
            </li>
            <li>
                <p>{t!(i18n, two_factor_or_type)}</p>
                <p>
                    <code class="secret" aria-label=move || t_string!(i18n, two_factor_key).to_string()>{key_text}</code>
                </p>
                <p class="field-hint">{t!(i18n, two_factor_key_account, account = move || account.clone())}</p>
            </li>
            <li>
                <FormAlert error />
                <ActionForm action=confirm>
                    <Field name="code" autocomplete="one-time-code" inputmode="numeric" required=true error>
                        {t!(i18n, two_factor_first_code)}
                    </Field>
                    <button type="submit" class="button-primary">{t!(i18n, two_factor_turn_on)}</button>
                </ActionForm>
            </li>
        </ol>
        <ActionForm action=restart>
            <button type="submit" class="button-quiet">{t!(i18n, two_factor_new_key)}</button>
        </ActionForm>
    }
}

/// On: since when, how many recovery codes are left, new ones, and "Turn off".
#[component]
fn TwoFactorOn(status: TwoFactorStatus, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let renew = actions.renew;
    let renew_error = use_form_error(renew);
    let off = actions.off;
    let off_error = use_form_error(off);
    let since = utc_minutes(status.on_since.unwrap_or_default());
    let left = status.recovery_codes_left;
    view! {
        <p>{t!(i18n, two_factor_on_since, since = move || since.clone())}</p>
        <h3>{t!(i18n, recovery_codes_heading)}</h3>
        <p>{t!(i18n, recovery_codes_left, n = left)}</p>
        <FormAlert error=renew_error />
        <ActionForm action=renew>
            <button type="submit">{t!(i18n, new_recovery_codes)}</button>
        </ActionForm>
        <h3>{t!(i18n, two_factor_turn_off)}</h3>
        {if status.required {
            view! { <p class="field-hint">{t!(i18n, err_two_factor_required)}</p> }.into_any()
        } else {
            view! {
                <FormAlert error=off_error />
                <ActionForm action=off>
                    <Field name="password" kind="password" autocomplete="current-password" required=true error=off_error>
                        {t!(i18n, current_password)}
                    </Field>
                    <button type="submit" class="button-danger">{t!(i18n, two_factor_turn_off)}</button>
                </ActionForm>
            }
            .into_any()
        }}
    }
}

/// The recovery codes just made, shown this once, with "Download" (a file made in the page,
/// which works without JavaScript) and "Copy".
#[component]
fn FreshCodes(codes: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let text = codes.join("\n");
    let file = format!(
        "{}\n\n{text}\n",
        t_string!(i18n, recovery_codes_file_heading)
    );
    let href = format!("data:text/plain;charset=utf-8,{}", percent_encoded(&file));
    view! {
        <div class="fresh-codes" role="region" aria-labelledby="fresh-codes-heading">
            <h3 id="fresh-codes-heading">{t!(i18n, recovery_codes_heading)}</h3>
            <p class="alert alert-warning">{t!(i18n, recovery_codes_once)}</p>
            <ul class="recovery-codes" aria-label=move || t_string!(i18n, recovery_codes_heading).to_string()>
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
            <p class="actions">
                <a class="button" href=href download="postmaster-recovery-codes.txt">{t!(i18n, download_codes)}</a>
                <CopyButton text>{t!(i18n, copy_codes)}</CopyButton>
            </p>
        </div>
    }
}

/// `text` for a `data:` address: every byte but the unreserved ones as `%XX`.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_address_holds_the_text_as_it_is() {
        assert_eq!(
            super::percent_encoded("Codes:\nab2cd-ef3gh é"),
            "Codes%3A%0Aab2cd-ef3gh%20%C3%A9"
        );
    }
}
