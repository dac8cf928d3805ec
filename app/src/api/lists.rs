//! Distribution lists: one address that delivers to several mailboxes of the organisation.
use crate::error::AppError;
use crate::model::{ListDetail, ListSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::redirect_with,
    super::{chosen_domain, finish, record_admin_action, require_admin, services},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::Notice,
    crate::model::{DisplayName, EmailAddress, LocalPart, Viewer},
    crate::services::Services,
    serde_json::json,
};

/// List `id` if the caller looks after its domain; another domain's reads as not found.
#[cfg(feature = "ssr")]
async fn list_in_scope(
    services: &Services,
    admin: &Viewer,
    id: i64,
) -> Result<ListDetail, AppError> {
    let list = services.store.get_list(admin.organisation_id, id).await?;
    if admin.scope.covers_address(&list.email) {
        Ok(list)
    } else {
        Err(AppError::NotFound)
    }
}

#[server(endpoint = "lists/list")]
pub async fn list_lists() -> Result<Vec<ListSummary>, AppError> {
    finish(
        async {
            let admin = require_admin()?;
            let all = services()?.store.list_lists(admin.organisation_id).await?;
            Ok(all
                .into_iter()
                .filter(|l| admin.scope.covers_address(&l.email))
                .collect())
        }
        .await,
    )
}

#[server(endpoint = "lists/get")]
pub async fn get_list(id: i64) -> Result<ListDetail, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            list_in_scope(&*services()?, &admin, id).await
        }
        .await,
    )
}

/// A new list: its name and address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewListForm {
    pub name: String,
    pub username: String,
    pub domain: String,
}

/// A new list `username@domain` called `name`. Refused, naming the holder, when a mailbox,
/// alias or list has the address.
#[server(endpoint = "lists/create")]
pub async fn create_list(form: NewListForm) -> Result<(), AppError> {
    finish(
        async move {
            let NewListForm {
                name,
                username,
                domain,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            let mut errors = FieldErrors::default();
            let name = errors.check("name", DisplayName::parse(&name));
            let local = errors.check("username", LocalPart::parse(&username));
            let domain = chosen_domain(&services, &admin, &domain).await?;
            let domain = errors.check("domain", domain);
            let (Some(name), Some(local), Some(domain)) =
                errors.into_result((name, local, domain))?
            else {
                return Err(AppError::Internal);
            };
            let list = services
                .store
                .create_list(
                    admin.organisation_id,
                    domain.id,
                    &local,
                    name.as_str(),
                    services.clock.now(),
                )
                .await?;
            record_admin_action(
                &services,
                &admin,
                "list.create",
                &list.email,
                json!({ "name": list.name }),
            )
            .await;
            leptos_axum::redirect(&format!("/lists/{}", list.id));
            Ok(())
        }
        .await,
    )
}

/// The address of a mailbox to add to list `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddMemberForm {
    pub id: i64,
    pub email: String,
}

/// Adds the organisation's mailbox with address `email` to list `id`.
#[server(endpoint = "lists/add_member")]
pub async fn add_list_member(form: AddMemberForm) -> Result<(), AppError> {
    finish(
        async move {
            let AddMemberForm { id, email } = form;
            let admin = require_admin()?;
            let services = services()?;
            let address = EmailAddress::parse(&email)
                .map_err(|code| AppError::Invalid(FieldErrors::one("email", code)))?;
            let list = list_in_scope(&services, &admin, id).await?;
            let ours = services
                .store
                .find_login(&address)
                .await?
                .is_some_and(|m| m.organisation_id == admin.organisation_id)
                && admin.scope.covers_address(&address.to_string());
            if !ours {
                return Err(AppError::Invalid(FieldErrors::one(
                    "email",
                    ErrorCode::MailboxUnknown,
                )));
            }
            services
                .store
                .add_list_member(admin.organisation_id, id, &address)
                .await?;
            record_admin_action(
                &services,
                &admin,
                "list.add_member",
                &list.email,
                json!({ "member": address.to_string() }),
            )
            .await;
            leptos_axum::redirect(&format!("/lists/{id}"));
            Ok(())
        }
        .await,
    )
}

/// Mailbox `user`, to leave list `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveMemberForm {
    pub id: i64,
    pub user: i64,
}

#[server(endpoint = "lists/remove_member")]
pub async fn remove_list_member(form: RemoveMemberForm) -> Result<(), AppError> {
    finish(
        async move {
            let RemoveMemberForm { id, user } = form;
            let admin = require_admin()?;
            let services = services()?;
            let list = list_in_scope(&services, &admin, id).await?;
            let member = list
                .members
                .iter()
                .find(|m| m.user_id == user)
                .ok_or(AppError::NotFound)?;
            services
                .store
                .remove_list_member(admin.organisation_id, id, user)
                .await?;
            record_admin_action(
                &services,
                &admin,
                "list.remove_member",
                &list.email,
                json!({ "member": member.email }),
            )
            .await;
            leptos_axum::redirect(&format!("/lists/{id}"));
            Ok(())
        }
        .await,
    )
}

/// List `id`, and the address typed to confirm its deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteListForm {
    pub id: i64,
    pub confirm: String,
}

/// Deletes a list once its address is typed back. Its members' mailboxes stay.
#[server(endpoint = "lists/delete")]
pub async fn delete_list(form: DeleteListForm) -> Result<(), AppError> {
    finish(
        async move {
            let DeleteListForm { id, confirm } = form;
            let admin = require_admin()?;
            let services = services()?;
            let list = list_in_scope(&services, &admin, id).await?;
            if !confirm.trim().eq_ignore_ascii_case(&list.email) {
                return Err(AppError::Invalid(FieldErrors::one(
                    "confirm",
                    ErrorCode::ConfirmMismatch,
                )));
            }
            services
                .store
                .delete_list(admin.organisation_id, id)
                .await?;
            record_admin_action(
                &services,
                &admin,
                "list.delete",
                &list.email,
                json!({ "members": list.members.len() }),
            )
            .await;
            redirect_with("/lists", Notice::ListDeleted, Reached::Yes);
            Ok(())
        }
        .await,
    )
}
