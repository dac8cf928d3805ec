//! The Security tab's mail: what a reset sends to the recovery address, and what became of
//! every message about the user.
use crate::components::{error_text, utc_minutes};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::{MailKind, MailRecord, MailStatus};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Nothing, a single-use link (the default when there is a recovery address) or the temporary
/// password. Without a recovery address only "nothing" can be chosen.
#[component]
pub fn EmailChoice(recovery: Option<String>, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let none = recovery.is_none();
    let refused = move || {
        error
            .get()
            .and_then(|e| e.field("send"))
            .map(|code| error_text(i18n, code))
    };
    let choice = move |value: &'static str, checked: bool, label: String| {
        let id = format!("send-{value}");
        view! {
            <div class="field field-check">
                <input
                    type="radio"
                    id=id.clone()
                    name="form[send]"
                    value=value
                    checked=checked
                    disabled=none && value != "nothing"
                    aria-describedby="send-error"
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="send-by-email">
            <legend>{t!(i18n, send_by_email)}</legend>
            {choice("nothing", none, t_string!(i18n, send_nothing).to_string())}
            {choice("link", !none, t_string!(i18n, send_link).to_string())}
            {choice("password", false, t_string!(i18n, send_password).to_string())}
            <p id="send-error" class="field-error" hidden=move || refused().is_none()>{refused}</p>
            {match recovery {
                Some(address) => view! {
                    <p class="field-hint">
                        {t!(i18n, send_to_recovery, address = move || address.clone())}
                        " " {t!(i18n, link_password_optional)}
                    </p>
                }
                .into_any(),
                None => view! { <p class="field-hint">{t!(i18n, send_no_recovery)}</p> }.into_any(),
            }}
        </fieldset>
    }
}

/// Every message about the user, newest first, with its state: queued (and how many tries),
/// sent, or failed with the mail server's last answer.
#[component]
pub fn MailHistory(mail: Vec<MailRecord>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="mail-heading">
            <h2 id="mail-heading">{t!(i18n, mail_heading)}</h2>
            {if mail.is_empty() {
                view! { <p>{t!(i18n, mail_none)}</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, mail_what)}</th>
                                    <th scope="col">{t!(i18n, mail_to)}</th>
                                    <th scope="col">{t!(i18n, mail_status)}</th>
                                    <th scope="col">{t!(i18n, mail_date)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {mail.into_iter().map(|m| view! { <MailLine mail=m /> }).collect_view()}
                            </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn MailLine(mail: MailRecord) -> impl IntoView {
    let i18n = use_i18n();
    let kind = kind_words(i18n, mail.kind);
    let status = status_words(i18n, mail.status);
    let attempts = mail.attempts;
    let retrying = mail.status != MailStatus::Sent && attempts > 0;
    let queued = utc_minutes(mail.created_at);
    let label = |s: String| s;
    view! {
        <tr>
            <td data-label=label(t_string!(i18n, mail_what).to_string())>{kind}</td>
            <td data-label=label(t_string!(i18n, mail_to).to_string())>{mail.recipient}</td>
            <td data-label=label(t_string!(i18n, mail_status).to_string())>
                <span class=format!("mail-status mail-{}", mail.status.as_str())>{status}</span>
                {retrying.then(|| view! { " " <span class="field-hint">{t!(i18n, mail_attempts, n = move || attempts)}</span> })}
                {mail.last_error.filter(|_| mail.status != MailStatus::Sent).map(|e| view! { <br /> <span class="field-hint">{e}</span> })}
            </td>
            <td data-label=label(t_string!(i18n, mail_date).to_string())>{queued}</td>
        </tr>
    }
}

fn kind_words(i18n: I18nContext<Locale>, kind: MailKind) -> String {
    match kind {
        MailKind::SetPasswordLink => t_string!(i18n, mail_kind_set_password_link),
        MailKind::TemporaryPassword => t_string!(i18n, mail_kind_temporary_password),
        MailKind::ResetNotice => t_string!(i18n, mail_kind_reset_notice),
        MailKind::TwoFactorResetNotice => t_string!(i18n, mail_kind_two_factor_reset_notice),
        MailKind::RecoveryLink => t_string!(i18n, mail_kind_recovery_link),
        MailKind::PasswordSetNotice => t_string!(i18n, mail_kind_password_set_notice),
        MailKind::ActedForNotice => t_string!(i18n, mail_kind_acted_for_notice),
    }
    .to_string()
}

fn status_words(i18n: I18nContext<Locale>, status: MailStatus) -> String {
    match status {
        MailStatus::Queued => t_string!(i18n, mail_status_queued),
        MailStatus::Sent => t_string!(i18n, mail_status_sent),
        MailStatus::Failed => t_string!(i18n, mail_status_failed),
    }
    .to_string()
}
