//! One action on many mailboxes: disable, enable or delete the accounts an admin ticked in the
//! list, confirmed once and done in one transaction.
use crate::error::AppError;
use crate::model::UserDetail;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::{tell_mail_server, Reached},
    super::redirect_with,
    super::{
        finish, record_admin_action, require_admin, require_recent_password, services, target_for,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::model::MailServerAction,
    crate::model::Notice,
    crate::model::{BulkAction, Viewer},
    serde_json::json,
};

/// Most accounts one bulk action takes: two pages of the list.
pub const BULK_MAX: usize = 100;

/// `"3,7,12"` as ids, each once, in the order given.
#[cfg(feature = "ssr")]
fn parse_ids(ids: &str) -> Result<Vec<i64>, ErrorCode> {
    let mut parsed: Vec<i64> = Vec::new();
    for part in ids.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part.parse::<i64>().map_err(|_| ErrorCode::NumberInvalid)?;
        if !parsed.contains(&id) {
            parsed.push(id);
        }
    }
    match parsed.len() {
        0 => Err(ErrorCode::NothingSelected),
        n if n > BULK_MAX => Err(ErrorCode::TooManySelected(BULK_MAX as i64)),
        _ => Ok(parsed),
    }
}

/// The chosen accounts, each one the caller may act on.
#[cfg(feature = "ssr")]
async fn targets(admin: &Viewer, ids: &str) -> Result<Vec<UserDetail>, AppError> {
    let ids = parse_ids(ids).map_err(|code| AppError::Invalid(FieldErrors::one("form", code)))?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        found.push(target_for(admin, id).await?);
    }
    Ok(found)
}

/// The accounts a bulk action is about to change, for its confirmation page.
#[server(endpoint = "users/selection")]
pub async fn selected_users(ids: String) -> Result<Vec<UserDetail>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            targets(&admin, &ids).await
        }
        .await,
    )
}

/// A bulk action on the accounts `ids` (comma-separated), as its confirmation page posts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkForm {
    pub action: String,
    pub ids: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub confirm: bool,
}

/// Disables, enables or deletes the accounts in `ids` (comma-separated), all or none. Deleting
/// needs `confirm` ticked. One audit event per account.
#[server(endpoint = "users/bulk")]
pub async fn bulk_update(form: BulkForm) -> Result<(), AppError> {
    finish(
        async move {
            let BulkForm {
                action,
                ids,
                confirm,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            let action = BulkAction::parse(&action)
                .ok_or_else(|| AppError::Invalid(FieldErrors::one("form", ErrorCode::Required)))?;
            let targets = targets(&admin, &ids).await?;
            if action != BulkAction::Enable && targets.iter().any(|t| t.id == admin.user_id) {
                return Err(AppError::Invalid(FieldErrors::one(
                    "form",
                    ErrorCode::SelfAction,
                )));
            }
            if action == BulkAction::Delete && !confirm {
                return Err(AppError::Invalid(FieldErrors::one(
                    "confirm",
                    ErrorCode::ConfirmRequired,
                )));
            }
            if action == BulkAction::Delete {
                require_recent_password(&admin)?;
            }
            let ids: Vec<i64> = targets.iter().map(|t| t.id).collect();
            let org = admin.organisation_id;
            let now = services.clock.now();
            let store = &services.store;
            let done = match action {
                BulkAction::Disable => store.set_users_disabled(org, &ids, true, now).await?,
                BulkAction::Enable => store.set_users_disabled(org, &ids, false, now).await?,
                BulkAction::Delete => store.delete_users(org, &ids).await?,
            };
            let mail_server = match action {
                BulkAction::Enable => Reached::Yes,
                BulkAction::Disable | BulkAction::Delete => {
                    tell_mail_server(&services, &done, MailServerAction::EndConnections).await
                }
            };
            for target in &targets {
                let detail = json!({ "bulk": true, "of": done.len(), "quota_mb": target.quota_mb });
                record_admin_action(
                    &services,
                    &admin,
                    action.audit_action(),
                    &target.email,
                    detail,
                )
                .await;
            }
            redirect_with(
                "/users",
                Notice::Bulk(action, done.len() as u64),
                mail_server,
            );
            Ok(())
        }
        .await,
    )
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_once_each_and_bounded() {
        assert_eq!(parse_ids("3, 7,3,,12"), Ok(vec![3, 7, 12]));
        assert_eq!(parse_ids(" "), Err(ErrorCode::NothingSelected));
        assert_eq!(parse_ids("3,x"), Err(ErrorCode::NumberInvalid));
        let many: Vec<String> = (0..=BULK_MAX).map(|n| n.to_string()).collect();
        assert_eq!(
            parse_ids(&many.join(",")),
            Err(ErrorCode::TooManySelected(BULK_MAX as i64))
        );
    }
}
