//! App passwords for mail apps: made and revoked by the user on My account, or by their
//! administrator on the user's Security tab. Each is shown once, to whoever made it, and kept
//! only as an argon2id hash with its four-character lookup (see `security::app_password`).
use crate::error::AppError;
use crate::model::{AppPassword, NewAppPasswordShown};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::{tell_mail_server, Reached},
    super::redirect_with,
    super::require_own_viewer,
    super::shown_once::{show_once, take_shown, Shown},
    super::{audit, finish, record_admin_action, require_admin, require_viewer, services},
    super::{target_for, visible_user},
    crate::error::FieldErrors,
    crate::model::{DisplayName, MailServerAction, Notice, Viewer},
    crate::security::{app_password, password},
    crate::services::Services,
    crate::store::{NewAppPassword, StoreError},
    serde_json::json,
};

/// "Create app password": what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPasswordForm {
    pub name: String,
}

/// The administrator's "Create app password" for `user`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAppPasswordForm {
    pub user: i64,
    pub name: String,
}

/// The administrator's "Revoke" of the app password `id` of `user`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeUserAppPasswordForm {
    pub user: i64,
    pub id: i64,
}

/// The caller's own app passwords, newest first.
#[server(endpoint = "app_passwords/own")]
pub async fn own_app_passwords() -> Result<Vec<AppPassword>, AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            Ok(services()?.store.app_passwords(viewer.user_id).await?)
        }
        .await,
    )
}

/// The app password the caller just made, if this browser has yet to see it.
#[server(endpoint = "app_passwords/fresh")]
pub async fn fresh_app_password() -> Result<Option<NewAppPasswordShown>, AppError> {
    finish(
        async move {
            let viewer = require_own_viewer()?;
            take_shown(viewer.user_id, |shown| match shown {
                Shown::AppPassword(made) => Some(made),
                _ => None,
            })
        }
        .await,
    )
}

/// Makes an app password for the caller's own mailbox; it is shown once.
#[server(endpoint = "app_passwords/create")]
pub async fn create_own_app_password(
    form: AppPasswordForm,
) -> Result<NewAppPasswordShown, AppError> {
    finish(
        async move {
            let viewer = require_own_viewer()?;
            let services = services()?;
            let made = make(
                &services,
                &viewer,
                viewer.user_id,
                &viewer.email,
                &form.name,
                None,
            )
            .await?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "app_password.create",
                &viewer.email,
                true,
                json!({ "name": made.name }),
            )
            .await;
            redirect_with(
                "/account/app-passwords",
                Notice::AppPasswordCreated,
                Reached::Yes,
            );
            Ok(made)
        }
        .await,
    )
}

/// Revokes one of the caller's app passwords: it fails at the next login, and the mail apps'
/// open connections are closed as on a sign-out.
#[server(endpoint = "app_passwords/revoke")]
pub async fn revoke_own_app_password(form: super::form::IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let viewer = require_viewer()?;
            let services = services()?;
            let reached = revoke(&services, viewer.user_id, &viewer.email, form.id).await?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "app_password.revoke",
                &viewer.email,
                true,
                json!({ "id": form.id }),
            )
            .await;
            redirect_with(
                "/account/app-passwords",
                Notice::AppPasswordRevoked,
                reached,
            );
            Ok(())
        }
        .await,
    )
}

/// A user's app passwords, for their Security tab.
#[server(endpoint = "app_passwords/of_user")]
pub async fn user_app_passwords(user: i64) -> Result<Vec<AppPassword>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = visible_user(&admin, user).await?;
            Ok(services()?.store.app_passwords(target.id).await?)
        }
        .await,
    )
}

/// The app password an administrator just made for `user`, if this browser has yet to see it.
#[server(endpoint = "app_passwords/fresh_for_user")]
pub async fn fresh_user_app_password(user: i64) -> Result<Option<NewAppPasswordShown>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = visible_user(&admin, user).await?;
            take_shown(admin.user_id, |shown| match shown {
                Shown::AppPassword(made) if made.email == target.email => Some(made),
                _ => None,
            })
        }
        .await,
    )
}

/// An administrator makes an app password for a user (for a mail app they set up for them);
/// it is shown once, to the administrator.
#[server(endpoint = "app_passwords/create_for_user")]
pub async fn create_user_app_password(
    form: UserAppPasswordForm,
) -> Result<NewAppPasswordShown, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = target_for(&admin, form.user).await?;
            let services = services()?;
            let made = make(
                &services,
                &admin,
                target.id,
                &target.email,
                &form.name,
                Some(admin.email.clone()),
            )
            .await?;
            record_admin_action(
                &services,
                &admin,
                "app_password.create",
                &target.email,
                json!({ "name": made.name }),
            )
            .await;
            redirect_with(
                &format!("/users/{}/security", target.id),
                Notice::AppPasswordCreated,
                Reached::Yes,
            );
            Ok(made)
        }
        .await,
    )
}

/// An administrator revokes one of a user's app passwords.
#[server(endpoint = "app_passwords/revoke_for_user")]
pub async fn revoke_user_app_password(form: RevokeUserAppPasswordForm) -> Result<(), AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = target_for(&admin, form.user).await?;
            let services = services()?;
            let reached = revoke(&services, target.id, &target.email, form.id).await?;
            record_admin_action(
                &services,
                &admin,
                "app_password.revoke",
                &target.email,
                json!({ "id": form.id }),
            )
            .await;
            redirect_with(
                &format!("/users/{}/security", target.id),
                Notice::AppPasswordRevoked,
                reached,
            );
            Ok(())
        }
        .await,
    )
}

/// Draws, hashes and stores an app password for `user_id`, and seals it for `maker`'s next
/// page.
#[cfg(feature = "ssr")]
async fn make(
    services: &Services,
    maker: &Viewer,
    user_id: i64,
    email: &str,
    name: &str,
    created_by: Option<String>,
) -> Result<NewAppPasswordShown, AppError> {
    let name = DisplayName::parse(name)
        .map_err(|code| AppError::Invalid(FieldErrors::one("name", code)))?
        .into_inner();
    let password = store_secret(
        services,
        NewAppPassword {
            user_id,
            name: name.clone(),
            lookup: String::new(),
            password_hash: String::new(),
            created_by,
            expires_at: None,
            now: services.clock.now(),
        },
    )
    .await?;
    let made = NewAppPasswordShown {
        name,
        password,
        email: email.to_owned(),
    };
    show_once(services, maker.user_id, Shown::AppPassword(made.clone()))?;
    Ok(made)
}

/// Draws a secret for the mail server, stores its hash and lookup as `new` says (an app
/// password, or with `expires_at` the user's one-time password) and returns it. A lookup the
/// user holds already is drawn again.
#[cfg(feature = "ssr")]
pub(super) async fn store_secret(
    services: &Services,
    new: NewAppPassword,
) -> Result<String, AppError> {
    for _ in 0..5 {
        let secret = app_password::generate();
        let new = NewAppPassword {
            lookup: app_password::lookup(&secret).to_owned(),
            password_hash: password::hash_password(secret.clone()).await?,
            ..new.clone()
        };
        let stored = if new.expires_at.is_some() {
            services.store.replace_one_time_password(new).await
        } else {
            services.store.create_app_password(new).await.map(|_| ())
        };
        match stored {
            Ok(()) => return Ok(secret),
            Err(StoreError::Conflict { .. }) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    tracing::error!("five secrets drawn, each with a lookup the user holds");
    Err(AppError::Internal)
}

#[cfg(feature = "ssr")]
async fn revoke(
    services: &Services,
    user_id: i64,
    email: &str,
    id: i64,
) -> Result<Reached, AppError> {
    services
        .store
        .revoke_app_password(user_id, id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound,
            other => other.into(),
        })?;
    Ok(tell_mail_server(
        services,
        &[email.to_owned()],
        MailServerAction::EndConnections,
    )
    .await)
}
