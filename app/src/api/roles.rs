//! Roles: what each person may do in the panel, granted by the account admin.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::redirect_with,
    super::{
        finish, record_admin_action, require_account_admin, require_recent_password, services,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::model::Notice,
    crate::model::{AdminScope, Grant, Role},
    serde_json::json,
};

/// The role of mailbox `id`, and a domain admin's domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleForm {
    pub id: i64,
    pub role: String,
    #[serde(default)]
    pub domains: Vec<i64>,
}

/// Makes user `id` a mailbox user, a user admin over the organisation, or a domain admin over
/// the domains ticked in `domains`. Only the account admin grants, never to themselves nor to
/// a shared mailbox (which can't sign in); the account admin's own role is not granted here.
/// Takes effect on the user's very next request: their session reads the role afresh.
#[server(endpoint = "users/set_role")]
pub async fn set_role(form: RoleForm) -> Result<(), AppError> {
    finish(
        async move {
            let RoleForm { id, role, domains } = form;
            let owner = require_account_admin()?;
            let services = services()?;
            let target = services.store.get_user(owner.organisation_id, id).await?;
            let refuse = |code| Err(AppError::Invalid(FieldErrors::one("role", code)));
            if target.id == owner.user_id {
                return refuse(ErrorCode::OwnRole);
            }
            if target.role == Role::AccountAdmin {
                return Err(AppError::Forbidden);
            }
            if target.shared {
                return refuse(ErrorCode::SharedHasNoRole);
            }
            let Some(grant) = Grant::parse(role.trim()) else {
                return refuse(ErrorCode::ChoiceInvalid);
            };
            let scope = match grant {
                Grant::DomainAdmin => {
                    let chosen = domains;
                    let all = services.store.list_domains(owner.organisation_id).await?;
                    // Only the organisation's own domains: an id from elsewhere reads as unknown.
                    if chosen.iter().any(|id| !all.iter().any(|d| d.id == *id)) {
                        return Err(AppError::Invalid(FieldErrors::one(
                            "domains",
                            ErrorCode::DomainUnknown,
                        )));
                    }
                    let picked: Vec<_> =
                        all.into_iter().filter(|d| chosen.contains(&d.id)).collect();
                    if picked.is_empty() {
                        return Err(AppError::Invalid(FieldErrors::one(
                            "domains",
                            ErrorCode::NoDomainChosen,
                        )));
                    }
                    AdminScope::Domains(picked)
                }
                Grant::MailboxUser | Grant::UserAdmin => AdminScope::Organisation,
            };
            require_recent_password(&owner)?;
            services
                .store
                .set_role(owner.organisation_id, id, grant.role(), &scope)
                .await?;
            let from = Grant::of(target.role, &target.scope).map(Grant::as_str);
            let domain_names: Vec<&str> = match &scope {
                AdminScope::Domains(domains) => domains.iter().map(|d| d.name.as_str()).collect(),
                AdminScope::Organisation => Vec::new(),
            };
            let detail = json!({ "from": from, "to": grant.as_str(), "domains": domain_names });
            record_admin_action(&services, &owner, "user.role", &target.email, detail).await;
            redirect_with(&format!("/users/{id}"), Notice::RoleChanged, Reached::Yes);
            Ok(())
        }
        .await,
    )
}
