//! Passwords an administrator hands out: the memorable generator of the reset dialog.
use crate::error::AppError;
use crate::model::{Device, GeneratedPassword, MailRecord, PasswordPolicy};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::tell_mail_server,
    super::redirect_with,
    super::{
        check_new_password, current_session, finish, policy_of, record_admin_action, require_admin,
        require_recent_password, require_viewer, services, target_for,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::messages::{self, Message},
    crate::model::MailServerAction,
    crate::model::Notice,
    crate::model::{CredentialsByEmail, PassphraseOptions, Separator, SignOut, UserDetail},
    crate::security::{passphrase, password, session},
    crate::services::Services,
    crate::store::{NewMail, NewPasswordLink, PasswordReset},
    serde_json::json,
};

/// The generator's options, for mailbox `user`, or for one not yet created (New user) whose
/// name, username and domain so far are `typed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorForm {
    #[serde(default)]
    pub user: Option<i64>,
    #[serde(default)]
    pub typed: Vec<String>,
    pub words: u8,
    pub separator: String,
    pub digits: u8,
}

/// What a New user form can hold of the words a password must avoid: name, username, domain
/// (a domain name has at most 253 characters, longer than a name or a username).
#[cfg(feature = "ssr")]
const MAX_TYPED: (usize, usize) = (3, 253);

/// A memorable password for the user `user` that passes the policy, with its entropy. It goes
/// to the dialog that asked and nowhere else: nothing is stored, logged or audited until the
/// admin saves it, and then only its hash.
#[server(endpoint = "passwords/generate")]
pub async fn generate_password(form: GeneratorForm) -> Result<GeneratedPassword, AppError> {
    finish(
        async move {
            let GeneratorForm {
                user,
                typed,
                words,
                separator,
                digits,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            let personal = match user {
                Some(user) => target_for(&admin, user).await?.personal_words(),
                None if typed.len() > MAX_TYPED.0
                    || typed.iter().any(|w| w.chars().count() > MAX_TYPED.1) =>
                {
                    return Err(AppError::Invalid(FieldErrors::one(
                        "typed",
                        ErrorCode::NameTooLong,
                    )));
                }
                None => typed,
            };
            let mut errors = FieldErrors::default();
            if !PassphraseOptions::WORDS.contains(&words) {
                errors.add("words", ErrorCode::NumberInvalid);
            }
            if !PassphraseOptions::DIGITS.contains(&digits) {
                errors.add("digits", ErrorCode::NumberInvalid);
            }
            let separator = Separator::parse(&separator);
            if separator.is_none() {
                errors.add("separator", ErrorCode::ChoiceInvalid);
            }
            let Some(separator) = errors.into_result(separator)? else {
                return Err(AppError::Internal);
            };
            let options = PassphraseOptions {
                words,
                separator,
                digits,
            };
            let policy = policy_of(&services, admin.organisation_id).await?;
            // Scoring each draw with zxcvbn is CPU work: off the async runtime.
            tokio::task::spawn_blocking(move || {
                let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
                passphrase::generate_for(options, &policy, &personal)
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "password generator task failed");
                AppError::Internal
            })?
            .ok_or_else(|| {
                tracing::error!(?options, "no generated password passes the policy");
                AppError::Internal
            })
        }
        .await,
    )
}

/// The rules a new password must pass, so the meter shows exactly what the server will decide.
#[server(endpoint = "passwords/policy")]
pub async fn current_policy() -> Result<PasswordPolicy, AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            policy_of(&*services()?, viewer.organisation_id).await
        }
        .await,
    )
}

/// The user's signed-in devices, for the reset's choice of which to sign out.
#[server(endpoint = "passwords/devices")]
pub async fn list_devices(user: i64) -> Result<Vec<Device>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            target_for(&admin, user).await?;
            let limits = services.settings.session_limits;
            let asking = current_session().map(|s| s.token_hash).unwrap_or_default();
            Ok(services
                .store
                .list_devices(
                    admin.organisation_id,
                    user,
                    &asking,
                    services.clock.now(),
                    limits,
                )
                .await?)
        }
        .await,
    )
}

/// The Security tab's password reset.
#[derive(Clone, Serialize, Deserialize)]
pub struct ResetForm {
    pub user: i64,
    pub password: String,
    pub password_confirm: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub must_change: bool,
    pub sign_out: String,
    #[serde(default)]
    pub end: Vec<i64>,
    pub send: Option<String>,
    /// "Also revoke app passwords": mail apps must be set up again.
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub revoke_app_passwords: bool,
}
super::form::debug_without_values!(ResetForm);

/// An administrator sets a new password for `user`. `must_change` (ticked by default) makes the
/// user choose their own at the next sign-in; `sign_out` is `all`, or `chosen` with the session
/// ids in `end`; `send` is what goes to the recovery address: `nothing`, a single-use `link`
/// (then the password may stay empty, which locks the old one until the link is used) or the
/// temporary `password` (only with `must_change`). A notice without secrets always goes to the
/// mailbox. One transaction with the mail queued; one audit event with the options and how many
/// sessions ended, never the password. Administrators change their own password on My account.
#[server(endpoint = "passwords/reset")]
pub async fn reset_password(form: ResetForm) -> Result<(), AppError> {
    finish(
        async move {
            let ResetForm {
                user,
                password,
                password_confirm,
                must_change,
                sign_out,
                end,
                send,
                revoke_app_passwords,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            let target = target_for(&admin, user).await?;
            // Another administrator's password opens the panel itself.
            if target.role.is_admin() {
                require_recent_password(&admin)?;
            }
            let mut errors = FieldErrors::default();
            let send = match send.as_deref() {
                None | Some("") => CredentialsByEmail::Nothing,
                Some(value) => CredentialsByEmail::parse(value).unwrap_or_else(|| {
                    errors.add("send", ErrorCode::ChoiceInvalid);
                    CredentialsByEmail::Nothing
                }),
            };
            if send != CredentialsByEmail::Nothing && target.recovery_email.is_none() {
                errors.add("send", ErrorCode::NoRecoveryAddress);
            } else if send == CredentialsByEmail::Password && !must_change {
                errors.add("send", ErrorCode::EmailedPasswordNeedsChange);
            }
            // With a link the admin may leave the password empty: the user picks theirs.
            let unknown_password = send == CredentialsByEmail::Link
                && password.is_empty()
                && password_confirm.is_empty();
            if target.id == admin.user_id {
                errors.add("password", ErrorCode::ResetOwnPassword);
            } else if !unknown_password {
                let personal = target.personal_words();
                let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
                let policy = policy_of(&services, admin.organisation_id).await?;
                check_new_password(
                    &mut errors,
                    &policy,
                    &password,
                    &password_confirm,
                    &personal,
                );
            }
            let sign_out = match sign_out.as_str() {
                "all" => Some(SignOut::All),
                "chosen" => Some(SignOut::Devices(end)),
                _ => {
                    errors.add("sign_out", ErrorCode::ChoiceInvalid);
                    None
                }
            };
            let Some(sign_out) = errors.into_result(sign_out)? else {
                return Err(AppError::Internal);
            };
            let now = services.clock.now();
            let (link, mail) = reset_mail(&services, &target, send, &password, now);
            // Nobody knows this one: the old password stops working and the link sets the next.
            let password = if unknown_password {
                session::new_token()
            } else {
                password
            };
            let expires_at = (must_change && !unknown_password)
                .then(|| now + services.settings.temporary_password_lifetime);
            let reset = PasswordReset {
                password_hash: password::hash_password(password).await?,
                must_change,
                expires_at,
                sign_out: sign_out.clone(),
                revoke_app_passwords,
                link,
                mail,
                now,
            };
            let ended = services
                .store
                .reset_password(admin.organisation_id, user, reset)
                .await?;
            services.mail_queued.notify_one();
            // Revoked app passwords close the mail apps' connections as a sign-out does.
            let action = match sign_out {
                _ if revoke_app_passwords => MailServerAction::EndConnections,
                SignOut::All => MailServerAction::EndConnections,
                SignOut::Devices(_) => MailServerAction::ForgetLogins,
            };
            let mail_server =
                tell_mail_server(&services, std::slice::from_ref(&target.email), action).await;
            let detail = json!({
                "must_change": must_change,
                "sign_out": sign_out.as_str(),
                "sessions_ended": ended,
                "email": send.as_str(),
                "app_passwords_revoked": revoke_app_passwords,
            });
            record_admin_action(&services, &admin, "password.reset", &target.email, detail).await;
            let notice = Notice::PasswordReset {
                devices_ended: ended,
                must_change,
                emailed: send != CredentialsByEmail::Nothing,
            };
            redirect_with(&format!("/users/{user}/security"), notice, mail_server);
            Ok(())
        }
        .await,
    )
}

/// The mail a reset queues, sealed: the credentials chosen for the recovery address, and the
/// notice to the mailbox; with a link, the link to store (only its token's hash).
#[cfg(feature = "ssr")]
fn reset_mail(
    services: &Services,
    target: &UserDetail,
    send: CredentialsByEmail,
    password: &str,
    now: i64,
) -> (Option<NewPasswordLink>, Vec<NewMail>) {
    let settings = &services.settings;
    let recovery = target.recovery_email.as_deref().unwrap_or_default();
    let mut link = None;
    let mut messages = Vec::new();
    match send {
        CredentialsByEmail::Nothing => {}
        CredentialsByEmail::Link => {
            let token = session::new_token();
            link = Some(NewPasswordLink {
                token_hash: session::token_hash(&token),
                expires_at: now + settings.link_lifetime,
            });
            let url = format!("{}/set-password/{token}", settings.public_url);
            let hours = settings.link_lifetime / 3600;
            messages.push(messages::set_password_link(target, recovery, &url, hours));
        }
        CredentialsByEmail::Password => {
            let url = format!("{}/login", settings.public_url);
            messages.push(messages::temporary_password(
                target, recovery, password, &url,
            ));
        }
    }
    messages.push(messages::reset_notice(target, send));
    let mail = messages
        .into_iter()
        .map(|m: Message| m.seal(&services.sealer))
        .collect();
    (link, mail)
}

/// The newest mail about `user` and what became of it: queued, sent or failed.
#[server(endpoint = "passwords/mail")]
pub async fn user_mail(user: i64) -> Result<Vec<MailRecord>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            target_for(&admin, user).await?;
            Ok(services
                .store
                .user_mail(admin.organisation_id, user, 20)
                .await?)
        }
        .await,
    )
}
