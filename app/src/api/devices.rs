//! A user's signed-in devices, as their administrator sees and ends them.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::{tell_mail_server, Reached},
    super::redirect_with,
    super::{current_session, finish, record_admin_action, require_admin, services, target_for},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::MailServerAction,
    crate::model::Notice,
    crate::model::SignOut,
    serde_json::json,
};

/// Which devices of mailbox `user` to sign out: every one (`all`) or those ticked (`end`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOutForm {
    pub user: i64,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub all: bool,
    #[serde(default)]
    pub end: Vec<i64>,
}

/// Signs user `user` out of the devices ticked in `end`, or of every device when `all` is
/// sent. Each ended device gets 401 on its next request. The admin's own session is never
/// ended here (they sign out on My account).
#[server(endpoint = "users/sign_out")]
pub async fn sign_out_devices(form: SignOutForm) -> Result<(), AppError> {
    finish(
        async move {
            let SignOutForm { user, all, end } = form;
            let admin = require_admin()?;
            let services = services()?;
            let target = target_for(&admin, user).await?;
            let asking = current_session().map(|s| s.token_hash).unwrap_or_default();
            let choice = match (all, end) {
                (true, _) => SignOut::All,
                (false, ids) if !ids.is_empty() => SignOut::Devices(ids),
                _ => {
                    return Err(AppError::Invalid(FieldErrors::one(
                        "form",
                        ErrorCode::NoDeviceChosen,
                    )))
                }
            };
            let ended = services
                .store
                .end_sessions(target.id, &choice, &asking)
                .await?;
            let everything = choice == SignOut::All;
            // Mail apps too: their IMAP connections close with the web sessions.
            let mail_server = if everything {
                let address = std::slice::from_ref(&target.email);
                tell_mail_server(&services, address, MailServerAction::EndConnections).await
            } else {
                Reached::Yes
            };
            let detail = json!({ "all": everything, "sessions_ended": ended });
            record_admin_action(&services, &admin, "user.sign_out", &target.email, detail).await;
            redirect_with(
                &format!("/users/{user}/security"),
                Notice::DevicesSignedOut(ended),
                mail_server,
            );
            Ok(())
        }
        .await,
    )
}
