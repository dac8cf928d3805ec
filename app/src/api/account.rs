//! My account: the signed-in user's own password. Open also to a user who must change their
//! password after an administrator's reset, which is all such a user can reach.
use crate::error::AppError;
use crate::model::{AuditLine, Device, PasswordPolicy, Preferences};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// My account > Password.
#[derive(Clone, Serialize, Deserialize)]
pub struct ChangePasswordForm {
    pub current: String,
    pub password: String,
    pub password_confirm: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub sign_out_others: bool,
}
super::form::debug_without_values!(ChangePasswordForm);

/// The devices ticked on My account > Devices.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OwnDevicesForm {
    #[serde(default)]
    pub end: Vec<i64>,
}

/// "Confirm it's you": the password, and the page to go back to.
#[derive(Clone, Serialize, Deserialize)]
pub struct ConfirmForm {
    pub password: String,
    pub next: Option<String>,
}
super::form::debug_without_values!(ConfirmForm);

#[cfg(feature = "ssr")]
use {
    super::mail_server::tell_mail_server,
    super::mail_server::Reached,
    super::redirect_with,
    super::refuse_acting,
    super::{
        audit, check_new_password, current_session, finish,
        password_check::{check_password, PasswordCheck},
        policy_of, require_confined_viewer, require_viewer, services, set_cookie,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::model::MailServerAction,
    crate::model::Notice,
    crate::model::{personal_words, EmailAddress, SignOut},
    crate::security::{password, session},
    serde_json::json,
};

/// What the password page needs: the rules, the user's own words the meter penalises, and
/// whether the change is required before anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPasswordRules {
    pub policy: PasswordPolicy,
    pub personal: Vec<String>,
    pub must_change: bool,
}

#[server(endpoint = "account/password_context")]
pub async fn own_password_context() -> Result<OwnPasswordRules, AppError> {
    finish(
        async move {
            let viewer = current_session().ok_or(AppError::Unauthenticated)?.viewer;
            refuse_acting(&viewer)?;
            let services = services()?;
            Ok(OwnPasswordRules {
                policy: policy_of(&services, viewer.organisation_id).await?,
                personal: personal_words(&viewer.name, &viewer.email),
                must_change: viewer.must_change_password,
            })
        }
        .await,
    )
}

/// Changes the caller's own password: the current one (or the temporary one an administrator
/// set) confirms it is them; the new one passes the policy and differs from it. This session
/// goes on under a new token (a new cookie), and optionally every other session of theirs ends.
/// A wrong current password is audited and counts towards the account's lock.
#[server(endpoint = "account/change_password")]
pub async fn change_own_password(form: ChangePasswordForm) -> Result<(), AppError> {
    finish(
        async move {
            let ChangePasswordForm {
                current,
                password,
                password_confirm,
                sign_out_others,
            } = form;
            let session = current_session().ok_or(AppError::Unauthenticated)?;
            let viewer = session.viewer.clone();
            refuse_acting(&viewer)?;
            let services = services()?;
            let policy = policy_of(&services, viewer.organisation_id).await?;
            let account = own_login(&services, &viewer).await?;
            let mut errors = FieldErrors::default();
            let check = check_password(&services, Some(&account), &current).await?;
            if check != PasswordCheck::Right {
                errors.add("current", ErrorCode::CurrentPasswordWrong);
                audit(
                    &services,
                    viewer.organisation_id,
                    Some(&viewer),
                    "password.change",
                    &viewer.email,
                    false,
                    check.detail(),
                )
                .await;
            } else if password == current {
                errors.add("password", ErrorCode::PasswordUnchanged);
            } else {
                let personal = personal_words(&viewer.name, &viewer.email);
                let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
                check_new_password(
                    &mut errors,
                    &policy,
                    &password,
                    &password_confirm,
                    &personal,
                );
            }
            errors.into_result(())?;
            let hash = password::hash_password(password).await?;
            let token = session::new_token();
            let ended = services
                .store
                .change_own_password(
                    viewer.user_id,
                    &hash,
                    (&session.token_hash, &session::token_hash(&token)),
                    sign_out_others,
                    services.clock.now(),
                )
                .await?;
            set_cookie(&session::set_cookie(
                Some(&token),
                services.settings.secure_cookies,
            ))?;
            let action = if sign_out_others {
                MailServerAction::EndConnections
            } else {
                MailServerAction::ForgetLogins
            };
            let _ = tell_mail_server(&services, std::slice::from_ref(&viewer.email), action).await;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "password.change",
                &viewer.email,
                true,
                json!({
                    "was_required": viewer.must_change_password,
                    "other_sessions_ended": ended,
                }),
            )
            .await;
            redirect_with(
                "/account/password",
                Notice::OwnPasswordChanged(ended),
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}

/// The caller's language, time zone and date format, kept with their account (the mail the
/// panel sends them follows the language).
#[server(endpoint = "account/preferences")]
pub async fn own_preferences() -> Result<Preferences, AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            let user = services()?
                .store
                .get_user(viewer.organisation_id, viewer.user_id)
                .await?;
            Ok(user.preferences)
        }
        .await,
    )
}

/// My account > Language and region.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreferencesForm {
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub date_format: Option<String>,
}

#[server(endpoint = "account/set_preferences")]
pub async fn set_own_preferences(form: PreferencesForm) -> Result<(), AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            let services = services()?;
            let current = services
                .store
                .get_user(viewer.organisation_id, viewer.user_id)
                .await?
                .preferences;
            let mut errors = FieldErrors::default();
            let preferences = super::users::read_preferences(
                &mut errors,
                current,
                [form.language, form.time_zone, form.date_format],
            );
            errors.into_result(())?;
            services
                .store
                .set_preferences(viewer.user_id, &preferences, services.clock.now())
                .await?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "account.preferences",
                &viewer.email,
                true,
                json!({
                    "language": preferences.language.as_str(),
                    "time_zone": preferences.time_zone.as_str(),
                    "date_format": preferences.date_format.as_str(),
                }),
            )
            .await;
            redirect_with("/account/password", Notice::ChangesSaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// How many of the latest events about the caller's account My account shows.
pub const ACTIVITY_SHOWN: i64 = 20;

/// What happened to the caller's account (sign-ins, changes, an administrator's one-time
/// password), newest first.
#[server(endpoint = "account/activity")]
pub async fn own_activity() -> Result<Vec<AuditLine>, AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            let services = services()?;
            Ok(services
                .store
                .audit_about(viewer.organisation_id, &viewer.email, ACTIVITY_SHOWN)
                .await?)
        }
        .await,
    )
}

/// The caller's own signed-in devices, this one marked.
#[server(endpoint = "account/devices")]
pub async fn own_devices() -> Result<Vec<Device>, AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            let session = current_session().ok_or(AppError::Unauthenticated)?;
            let services = services()?;
            Ok(services
                .store
                .list_devices(
                    viewer.organisation_id,
                    viewer.user_id,
                    &session.token_hash,
                    services.clock.now(),
                    services.settings.session_limits,
                )
                .await?)
        }
        .await,
    )
}

/// Signs the caller out of the devices ticked (`end`), never the one asking: a lost phone
/// gets 401 on its next request while this session goes on.
#[server(endpoint = "account/sign_out_devices")]
pub async fn sign_out_own_devices(#[server(default)] form: OwnDevicesForm) -> Result<(), AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            let session = current_session().ok_or(AppError::Unauthenticated)?;
            let services = services()?;
            let ended = services
                .store
                .end_sessions(
                    viewer.user_id,
                    &SignOut::Devices(form.end),
                    &session.token_hash,
                )
                .await?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "session.sign_out_devices",
                &viewer.email,
                true,
                json!({ "sessions_ended": ended }),
            )
            .await;
            redirect_with(
                "/account/password",
                Notice::OwnDevicesSignedOut(ended),
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}

/// Proves again that the signed-in person is at the keyboard, before a sensitive action: their
/// password, checked as at sign-in (a wrong one counts towards the account's lock, and a locked
/// account is refused). Then back to `next`, a page of the panel.
#[server(endpoint = "account/confirm_password")]
pub async fn confirm_own_password(form: ConfirmForm) -> Result<(), AppError> {
    finish(
        async move {
            let ConfirmForm { password, next } = form;
            let session = current_session().ok_or(AppError::Unauthenticated)?;
            // Open while a required set-up waits: starting it may ask for this proof.
            let viewer = require_confined_viewer()?;
            refuse_acting(&viewer)?;
            let services = services()?;
            let now = services.clock.now();
            let account = own_login(&services, &viewer).await?;
            let check = check_password(&services, Some(&account), &password).await?;
            if check != PasswordCheck::Right {
                audit(
                    &services,
                    viewer.organisation_id,
                    Some(&viewer),
                    "password.confirm",
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
            services
                .store
                .confirm_password(&session.token_hash, now)
                .await?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "password.confirm",
                &viewer.email,
                true,
                json!({}),
            )
            .await;
            leptos_axum::redirect(&local_path(next.as_deref().unwrap_or_default()));
            Ok(())
        }
        .await,
    )
}

/// The signed-in person's own sign-in record, to check a password they typed.
#[cfg(feature = "ssr")]
pub(super) async fn own_login(
    services: &crate::services::Services,
    viewer: &crate::model::Viewer,
) -> Result<crate::store::LoginRecord, AppError> {
    let address = EmailAddress::parse(&viewer.email).map_err(|_| AppError::Internal)?;
    services
        .store
        .find_login(&address)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// `next` if it is a path of this panel, else the start page: a link can't send the person
/// elsewhere after they typed their password.
pub fn local_path(next: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(char::is_control);
    if local {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_the_panel_are_followed() {
        assert_eq!(local_path("/users/7?tab=x"), "/users/7?tab=x");
        for elsewhere in [
            "",
            "https://evil.test/",
            "//evil.test",
            "/\\evil.test",
            "users",
            "/\n//evil",
        ] {
            assert_eq!(local_path(elsewhere), "/", "{elsewhere:?}");
        }
    }
}
