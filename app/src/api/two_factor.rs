//! Two-factor authentication: the user's own set-up on My account, the second step of
//! sign-in, the organisation's rule, and the administrator's reset. The key leaves the server
//! only while a set-up waits for its first code; recovery codes only once, right after they
//! were made.
use crate::error::AppError;
use crate::model::{PendingTwoFactor, TwoFactorRequirement, TwoFactorStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::redirect_with,
    super::refuse_acting,
    super::shown_once::{show_once, take_shown, Shown},
    super::{
        audit, finish,
        password_check::{check_password, PasswordCheck},
        record_admin_action, require_account_admin, require_admin, require_confined_viewer,
        require_recent_password, services, target_for, visible_user,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::messages,
    crate::model::{Notice, Viewer},
    crate::security::password,
    crate::security::totp::{self, TotpKey},
    crate::services::Services,
    crate::store::NewMail,
    serde_json::json,
};

/// A code typed to confirm a set-up or to finish a sign-in: six digits from the app, or (at
/// sign-in) a recovery code.
#[derive(Clone, Serialize, Deserialize)]
pub struct CodeForm {
    pub code: String,
}
super::form::debug_without_values!(CodeForm);

/// "Turn off": the password, as for any change of how one signs in.
#[derive(Clone, Serialize, Deserialize)]
pub struct TurnOffForm {
    pub password: String,
}
super::form::debug_without_values!(TurnOffForm);

/// Settings > Two-factor authentication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementForm {
    pub required: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub app_passwords_only: bool,
}

/// The organisation's two-factor rules: who must have it, and whether it keeps a user's own
/// password for the panel (mail apps then take app passwords only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorRules {
    pub required: TwoFactorRequirement,
    pub app_passwords_only: bool,
}

/// How a sign-in's second step was passed, for the audit log.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Code,
    /// A recovery code, and how many are left after it.
    RecoveryCode(usize),
}

#[cfg(feature = "ssr")]
impl SecondFactor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "authentication_code",
            Self::RecoveryCode(_) => "recovery_code",
        }
    }
}

/// The caller's own two-factor authentication.
#[server(endpoint = "two_factor/status")]
pub async fn own_two_factor() -> Result<TwoFactorStatus, AppError> {
    finish(
        async move {
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            status_of(&*services()?, &viewer.role_holder()).await
        }
        .await,
    )
}

/// The set-up waiting for its first code: its key as a QR code and as text. `None` when no
/// set-up waits; a confirmed key is never shown again.
#[server(endpoint = "two_factor/pending")]
pub async fn waiting_set_up() -> Result<Option<PendingTwoFactor>, AppError> {
    finish(
        async move {
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            let services = services()?;
            let Some(record) = services.store.two_factor(viewer.user_id).await? else {
                return Ok(None);
            };
            if record.confirmed_at.is_some() {
                return Ok(None);
            }
            let key = open_key(&services, &record.sealed_key)?;
            let uri = key.otpauth_uri("Postmaster", &viewer.email);
            let qr_image = totp::qr_image(&uri).ok_or_else(|| {
                tracing::error!("the set-up's QR code could not be drawn");
                AppError::Internal
            })?;
            Ok(Some(PendingTwoFactor {
                qr_image,
                key_text: key.typed(),
                account: viewer.email,
            }))
        }
        .await,
    )
}

/// "Set up": a new key from the operating system's generator, sealed with the server key,
/// waiting for its first code.
#[server(endpoint = "two_factor/start")]
pub async fn start_two_factor() -> Result<(), AppError> {
    finish(
        async move {
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            require_recent_password(&viewer)?;
            let services = services()?;
            let key = TotpKey::generate();
            let sealed = services.sealer.seal_for(KEY_PURPOSE, key.as_bytes());
            services
                .store
                .begin_two_factor(viewer.user_id, &sealed)
                .await
                .map_err(|e| match e {
                    crate::store::StoreError::Conflict { .. } => {
                        AppError::Conflict(FieldErrors::one("form", ErrorCode::TwoFactorAlreadyOn))
                    }
                    other => other.into(),
                })?;
            leptos_axum::redirect("/account/two-factor");
            Ok(())
        }
        .await,
    )
}

/// The first code from the app confirms the set-up: two-factor authentication is on, and the
/// ten recovery codes are made, stored as argon2id hashes and shown once: in the answer, for
/// the page that posted with JavaScript, and sealed for the next page, for a plain form post.
#[server(endpoint = "two_factor/confirm")]
pub async fn confirm_two_factor(form: CodeForm) -> Result<Vec<String>, AppError> {
    finish(
        async move {
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            let services = services()?;
            let now = services.clock.now();
            let wrong = || AppError::Invalid(FieldErrors::one("code", ErrorCode::CodeWrong));
            let record = services
                .store
                .two_factor(viewer.user_id)
                .await?
                .filter(|r| r.confirmed_at.is_none())
                .ok_or(AppError::NotFound)?;
            let key = open_key(&services, &record.sealed_key)?;
            let step = key.verify(&form.code, now, None).ok_or_else(wrong)?;
            let codes = totp::recovery_codes();
            let hashes = hash_codes(&codes).await?;
            services
                .store
                .confirm_two_factor(viewer.user_id, step, &hashes, now)
                .await?;
            show_once(
                &services,
                viewer.user_id,
                Shown::RecoveryCodes(codes.clone()),
            )?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "two_factor.enable",
                &viewer.email,
                true,
                json!({}),
            )
            .await;
            redirect_with("/account/two-factor", Notice::TwoFactorOn, Reached::Yes);
            Ok(codes)
        }
        .await,
    )
}

/// The recovery codes just made, if this browser has not been shown them yet: read once, then
/// gone from it as from the server, which keeps only their hashes.
#[server(endpoint = "two_factor/fresh_codes")]
pub async fn fresh_recovery_codes() -> Result<Vec<String>, AppError> {
    finish(
        async move {
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            let codes = take_shown(viewer.user_id, |shown| match shown {
                Shown::RecoveryCodes(codes) => Some(codes),
                _ => None,
            })?;
            Ok(codes.unwrap_or_default())
        }
        .await,
    )
}

/// "New recovery codes": ten new ones replace every old one, used or not; shown once as after
/// the set-up.
#[server(endpoint = "two_factor/new_recovery_codes")]
pub async fn new_recovery_codes() -> Result<Vec<String>, AppError> {
    finish(
        async move {
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            require_recent_password(&viewer)?;
            let services = services()?;
            let codes = totp::recovery_codes();
            let hashes = hash_codes(&codes).await?;
            services
                .store
                .replace_recovery_codes(viewer.user_id, &hashes)
                .await?;
            show_once(
                &services,
                viewer.user_id,
                Shown::RecoveryCodes(codes.clone()),
            )?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "two_factor.recovery_codes",
                &viewer.email,
                true,
                json!({}),
            )
            .await;
            redirect_with(
                "/account/two-factor",
                Notice::RecoveryCodesReplaced,
                Reached::Yes,
            );
            Ok(codes)
        }
        .await,
    )
}

/// "Turn off", with the password; refused while the organisation requires it of the caller.
#[server(endpoint = "two_factor/turn_off")]
pub async fn turn_off_two_factor(form: TurnOffForm) -> Result<(), AppError> {
    finish(
        async move {
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            let services = services()?;
            let account = super::account::own_login(&services, &viewer).await?;
            let check = check_password(&services, Some(&account), &form.password).await?;
            if check != PasswordCheck::Right {
                audit(
                    &services,
                    viewer.organisation_id,
                    Some(&viewer),
                    "two_factor.disable",
                    &viewer.email,
                    false,
                    check.detail(),
                )
                .await;
                return Err(AppError::Invalid(FieldErrors::one(
                    "password",
                    ErrorCode::CurrentPasswordWrong,
                )));
            }
            let requirement = services
                .store
                .two_factor_requirement(viewer.organisation_id)
                .await?;
            if requirement.applies_to(viewer.role) {
                return Err(AppError::Invalid(FieldErrors::one(
                    "form",
                    ErrorCode::TwoFactorRequired,
                )));
            }
            if !services.store.remove_two_factor(viewer.user_id).await? {
                return Err(AppError::NotFound);
            }
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "two_factor.disable",
                &viewer.email,
                true,
                json!({}),
            )
            .await;
            redirect_with("/account/two-factor", Notice::TwoFactorOff, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// A user's two-factor authentication as their administrator sees it on the Security tab.
#[server(endpoint = "two_factor/of_user")]
pub async fn user_two_factor(user: i64) -> Result<TwoFactorStatus, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = visible_user(&admin, user).await?;
            let services = services()?;
            status_of(
                &services,
                &RoleHolder {
                    user_id: target.id,
                    organisation_id: admin.organisation_id,
                    role: target.role,
                },
            )
            .await
        }
        .await,
    )
}

/// "Reset two-factor authentication" for a user who lost their app and their recovery codes:
/// after "Confirm it's you", the key and the codes go, the user is signed out everywhere and
/// sets it up again at the next sign-in, and the mailbox and the recovery address are told.
/// Never another administrator's: theirs is their own to change.
#[server(endpoint = "two_factor/reset")]
pub async fn reset_two_factor(form: super::form::IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = target_for(&admin, form.id).await?;
            if target.role.is_admin() {
                return Err(AppError::Invalid(FieldErrors::one(
                    "form",
                    ErrorCode::ResetAdminTwoFactor,
                )));
            }
            require_recent_password(&admin)?;
            let services = services()?;
            let now = services.clock.now();
            let mut notices = vec![messages::two_factor_reset_notice(&target, &target.email)];
            if let Some(recovery) = target.recovery_email.as_deref() {
                notices.push(messages::two_factor_reset_notice(&target, recovery));
            }
            let mail: Vec<NewMail> = notices
                .into_iter()
                .map(|m| m.seal(&services.sealer))
                .collect();
            let ended = services
                .store
                .reset_two_factor(admin.organisation_id, target.id, &mail, now)
                .await
                .map_err(|e| match e {
                    crate::store::StoreError::NotFound => AppError::NotFound,
                    other => other.into(),
                })?;
            services.mail_queued.notify_one();
            record_admin_action(
                &services,
                &admin,
                "two_factor.reset",
                &target.email,
                json!({ "sessions_ended": ended, "notices": mail.len() }),
            )
            .await;
            redirect_with(
                &format!("/users/{}/security", target.id),
                Notice::TwoFactorReset(ended),
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}

/// The organisation's rules, for Settings.
#[server(endpoint = "two_factor/requirement")]
pub async fn two_factor_rule() -> Result<TwoFactorRules, AppError> {
    finish(
        async move {
            let owner = require_account_admin()?;
            let store = &services()?.store;
            Ok(TwoFactorRules {
                required: store.two_factor_requirement(owner.organisation_id).await?,
                app_passwords_only: store.app_passwords_only(owner.organisation_id).await?,
            })
        }
        .await,
    )
}

/// Saves who must sign in with a second factor. Whoever it now binds and has none is sent to
/// set it up at their next request, the account administrator saving it included.
#[server(endpoint = "two_factor/set_requirement")]
pub async fn set_two_factor_rule(form: RequirementForm) -> Result<(), AppError> {
    finish(
        async move {
            let owner = require_account_admin()?;
            let services = services()?;
            let requirement = TwoFactorRequirement::parse(&form.required).ok_or_else(|| {
                AppError::Invalid(FieldErrors::one("required", ErrorCode::ChoiceInvalid))
            })?;
            services
                .store
                .set_two_factor_requirement(owner.organisation_id, requirement)
                .await?;
            services
                .store
                .set_app_passwords_only(owner.organisation_id, form.app_passwords_only)
                .await?;
            record_admin_action(
                &services,
                &owner,
                "organisation.two_factor",
                "",
                json!({
                    "required": requirement.as_str(),
                    "app_passwords_only": form.app_passwords_only,
                }),
            )
            .await;
            redirect_with("/settings", Notice::TwoFactorRuleSaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// What the key is sealed for: a sealed key opens as nothing else.
#[cfg(feature = "ssr")]
const KEY_PURPOSE: &[u8] = b"totp-key";

/// Whose status is asked: the rule depends on the role.
#[cfg(feature = "ssr")]
pub struct RoleHolder {
    pub user_id: i64,
    pub organisation_id: i64,
    pub role: crate::model::Role,
}

#[cfg(feature = "ssr")]
impl Viewer {
    fn role_holder(&self) -> RoleHolder {
        RoleHolder {
            user_id: self.user_id,
            organisation_id: self.organisation_id,
            role: self.role,
        }
    }
}

#[cfg(feature = "ssr")]
async fn status_of(services: &Services, who: &RoleHolder) -> Result<TwoFactorStatus, AppError> {
    let record = services.store.two_factor(who.user_id).await?;
    let on_since = record.and_then(|r| r.confirmed_at);
    let recovery_codes_left = if on_since.is_some() {
        services
            .store
            .unused_recovery_codes(who.user_id)
            .await?
            .len()
    } else {
        0
    };
    let requirement = services
        .store
        .two_factor_requirement(who.organisation_id)
        .await?;
    Ok(TwoFactorStatus {
        on_since,
        recovery_codes_left,
        required: requirement.applies_to(who.role),
    })
}

#[cfg(feature = "ssr")]
fn open_key(services: &Services, sealed: &[u8]) -> Result<TotpKey, AppError> {
    services
        .sealer
        .open_for(KEY_PURPOSE, sealed)
        .and_then(TotpKey::from_bytes)
        .ok_or_else(|| {
            tracing::error!("a two-factor key does not open with the server key");
            AppError::Internal
        })
}

/// Each recovery code's argon2id hash, as a password's.
#[cfg(feature = "ssr")]
async fn hash_codes(codes: &[String]) -> Result<Vec<String>, AppError> {
    let hashing = codes.iter().cloned().map(password::hash_password);
    futures::future::try_join_all(hashing).await
}

/// The sign-in's second step: whether `typed` is the user's next authentication code (of the
/// steps t-1..t+1, later than the last one used) or one of their unused recovery codes, which
/// it then spends. Each is spent by one conditional update, so a code works once even when
/// two sign-ins race with it.
#[cfg(feature = "ssr")]
pub async fn check_second_factor(
    services: &Services,
    user_id: i64,
    typed: &str,
) -> Result<Option<SecondFactor>, AppError> {
    let Some(record) = services
        .store
        .two_factor(user_id)
        .await?
        .filter(|r| r.confirmed_at.is_some())
    else {
        return Ok(None);
    };
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let key = open_key(services, &record.sealed_key)?;
        let Some(step) = key.verify(&digits, services.clock.now(), record.last_step) else {
            return Ok(None);
        };
        let spent = services.store.spend_totp_step(user_id, step).await?;
        return Ok(spent.then_some(SecondFactor::Code));
    }
    let typed = totp::normalise_recovery_code(typed);
    if typed.len() > 32 {
        return Ok(None);
    }
    let unused = services.store.unused_recovery_codes(user_id).await?;
    for code in &unused {
        if password::verify_password(typed.clone(), Some(code.code_hash.clone())).await? {
            let spent = services
                .store
                .spend_recovery_code(user_id, code, services.clock.now())
                .await?;
            return Ok(spent.then_some(SecondFactor::RecoveryCode(unused.len() - 1)));
        }
    }
    Ok(None)
}
