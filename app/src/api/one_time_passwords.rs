//! The administrator's one-time password for a user's mail apps: it opens the mailbox for the
//! organisation's few minutes (the end is in the data the mail server reads, which compares it
//! with its own clock) and changes nothing else of the account. Shown once, kept as a hash.
use super::form::IdForm;
use crate::error::AppError;
use crate::model::{NewOneTimePasswordShown, OneTimePassword};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::app_passwords::store_secret,
    super::mail_server::{tell_mail_server, Reached},
    super::redirect_with,
    super::shown_once::{show_once, take_shown, Shown},
    super::{finish, record_admin_action, require_admin, services, target_for, visible_user},
    crate::model::{MailServerAction, Notice},
    crate::store::NewAppPassword,
    serde_json::json,
};

/// The user's one-time password while it works, for their Security tab.
#[server(endpoint = "one_time_passwords/of_user")]
pub async fn user_one_time_password(user: i64) -> Result<Option<OneTimePassword>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = visible_user(&admin, user).await?;
            let services = services()?;
            Ok(services
                .store
                .one_time_password(target.id, services.clock.now())
                .await?)
        }
        .await,
    )
}

/// The one-time password this administrator just made for `user`, if this browser has yet to
/// see it.
#[server(endpoint = "one_time_passwords/fresh")]
pub async fn fresh_one_time_password(
    user: i64,
) -> Result<Option<NewOneTimePasswordShown>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = visible_user(&admin, user).await?;
            take_shown(admin.user_id, |shown| match shown {
                Shown::OneTimePassword(made) if made.email == target.email => Some(made),
                _ => None,
            })
        }
        .await,
    )
}

/// "Create one-time password" for the user `id`: a new one replaces the one before. The
/// user's own password, sessions and app passwords keep working.
#[server(endpoint = "one_time_passwords/create")]
pub async fn create_one_time_password(form: IdForm) -> Result<NewOneTimePasswordShown, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = target_for(&admin, form.id).await?;
            let services = services()?;
            let minutes = services
                .store
                .account_help(admin.organisation_id)
                .await?
                .one_time_password_minutes;
            let now = services.clock.now();
            let expires_at = now + minutes * 60;
            let password = store_secret(
                &services,
                NewAppPassword {
                    user_id: target.id,
                    name: String::new(),
                    lookup: String::new(),
                    password_hash: String::new(),
                    created_by: Some(admin.email.clone()),
                    expires_at: Some(expires_at),
                    now,
                },
            )
            .await?;
            let made = NewOneTimePasswordShown {
                password,
                email: target.email.clone(),
                expires_at,
            };
            show_once(
                &services,
                admin.user_id,
                Shown::OneTimePassword(made.clone()),
            )?;
            record_admin_action(
                &services,
                &admin,
                "one_time_password.create",
                &target.email,
                json!({ "minutes": minutes, "expires_at": expires_at }),
            )
            .await;
            redirect_with(
                &format!("/users/{}/security", target.id),
                Notice::OneTimePasswordCreated,
                Reached::Yes,
            );
            Ok(made)
        }
        .await,
    )
}

/// "End it now": the one-time password stops working, and the mail connections are closed as
/// on a sign-out.
#[server(endpoint = "one_time_passwords/end")]
pub async fn end_one_time_password(form: IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = target_for(&admin, form.id).await?;
            let services = services()?;
            let was_live = services
                .store
                .end_one_time_password(target.id, services.clock.now())
                .await?;
            let reached = tell_mail_server(
                &services,
                std::slice::from_ref(&target.email),
                MailServerAction::EndConnections,
            )
            .await;
            record_admin_action(
                &services,
                &admin,
                "one_time_password.end",
                &target.email,
                json!({ "was_working": was_live }),
            )
            .await;
            redirect_with(
                &format!("/users/{}/security", target.id),
                Notice::OneTimePasswordEnded,
                reached,
            );
            Ok(())
        }
        .await,
    )
}
