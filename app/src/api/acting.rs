//! "Sign in as this user": an administrator opens the user's own area in a session of its own,
//! beside theirs, for at most 30 minutes. Every page says so; the user's secrets stay theirs
//! (`require_own_viewer`); every action is audited with both people; the user's devices list
//! shows it and the user may be told by mail. "Return to my account" ends it.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::account::local_path,
    super::{
        audit, client_ip, current_session, finish, record_admin_action, require_admin,
        require_recent_password, services, set_cookie, target_for, user_agent,
    },
    crate::messages,
    crate::model::{AccountStatus, ActingAdmin},
    crate::security::session::{self, SessionCookie},
    crate::store::NewSession,
    serde_json::json,
};

/// "Sign in as this user" for `user`; `next` is the page to come back to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActAsForm {
    pub user: i64,
    #[serde(default)]
    pub next: Option<String>,
}

/// Opens the user's own area for an administrator who may manage them; never on another
/// administrator (whose area opens the panel itself), a shared or a disabled mailbox. Asks
/// "Confirm it's you" when the administrator's proof of their password is old.
#[server(endpoint = "acting/start")]
pub async fn act_as_user(form: ActAsForm) -> Result<(), AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = target_for(&admin, form.user).await?;
            if target.role.is_admin() || target.shared || target.status != AccountStatus::Active {
                return Err(AppError::Forbidden);
            }
            require_recent_password(&admin)?;
            let services = services()?;
            let now = services.clock.now();
            let return_to = local_path(
                form.next
                    .as_deref()
                    .unwrap_or(&format!("/users/{}", target.id)),
            );
            let acting = ActingAdmin {
                user_id: admin.user_id,
                email: admin.email.clone(),
                return_to,
            };
            let notify = services
                .store
                .account_help(admin.organisation_id)
                .await?
                .notify_when_acted_for;
            let notice = if notify {
                vec![messages::acted_for_notice(&target, &admin.email).seal(&services.sealer)]
            } else {
                Vec::new()
            };
            let token = session::new_token();
            let device = session::device_label(&user_agent());
            services
                .store
                .create_acting_session(
                    NewSession {
                        user_id: target.id,
                        token_hash: session::token_hash(&token),
                        device: device.clone(),
                        ip: client_ip(),
                        now,
                    },
                    &acting,
                    admin.organisation_id,
                    &notice,
                )
                .await?;
            services.mail_queued.notify_one();
            set_cookie(&SessionCookie::Acting.set(Some(&token), services.settings.secure_cookies))?;
            record_admin_action(
                &services,
                &admin,
                "user.act_as",
                &target.email,
                json!({ "device": device, "user_told": notify }),
            )
            .await;
            leptos_axum::redirect("/account/password");
            Ok(())
        }
        .await,
    )
}

/// "Return to my account": ends the session as the user and goes back to the page the
/// administrator came from, in their own session.
#[server(endpoint = "acting/stop")]
pub async fn stop_acting() -> Result<(), AppError> {
    finish(stop_acting_inner().await)
}

/// Ends the caller's session as a user, if that is what it is, and says where to go back to;
/// `None` for any other session.
#[cfg(feature = "ssr")]
pub(super) async fn end_acting_session() -> Result<Option<String>, AppError> {
    let Some(session) = current_session() else {
        return Ok(None);
    };
    let Some(acting) = session.viewer.acting_admin.clone() else {
        return Ok(None);
    };
    let services = services()?;
    services.store.delete_session(&session.token_hash).await?;
    set_cookie(&SessionCookie::Acting.set(None, services.settings.secure_cookies))?;
    audit(
        &services,
        session.viewer.organisation_id,
        Some(&session.viewer),
        "user.act_as_end",
        &session.viewer.email,
        true,
        json!({}),
    )
    .await;
    Ok(Some(acting.return_to))
}

#[cfg(feature = "ssr")]
async fn stop_acting_inner() -> Result<(), AppError> {
    match end_acting_session().await? {
        Some(back) => {
            leptos_axum::redirect(&back);
            Ok(())
        }
        None => Err(AppError::Forbidden),
    }
}
