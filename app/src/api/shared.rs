//! Shared mailboxes: a leaving user's mailbox kept for others instead of deleted.
use super::form::IdForm;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::mail_server::tell_mail_server,
    super::redirect_with,
    super::{finish, record_admin_action, require_admin, services, target_for},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::MailServerAction,
    crate::model::Notice,
    serde_json::json,
};

/// Turns mailbox `id` into a shared mailbox: its mail, contacts and settings stay, its licence
/// is freed, and its sessions end; nobody signs in to it any more.
#[server(endpoint = "users/convert_shared")]
pub async fn convert_to_shared(form: IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let IdForm { id } = form;
            let admin = require_admin()?;
            let services = services()?;
            let target = target_for(&admin, id).await?;
            if target.id == admin.user_id {
                return Err(AppError::Invalid(FieldErrors::one(
                    "form",
                    ErrorCode::SelfAction,
                )));
            }
            services
                .store
                .convert_to_shared(admin.organisation_id, id, services.clock.now())
                .await?;
            let address = std::slice::from_ref(&target.email);
            let mail_server =
                tell_mail_server(&services, address, MailServerAction::EndConnections).await;
            record_admin_action(
                &services,
                &admin,
                "user.convert_shared",
                &target.email,
                json!({ "quota_mb": target.quota_mb }),
            )
            .await;
            redirect_with(
                &format!("/users/{id}"),
                Notice::ConvertedToShared,
                mail_server,
            );
            Ok(())
        }
        .await,
    )
}
