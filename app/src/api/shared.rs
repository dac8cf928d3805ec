//! Shared mailboxes: made as such, or a leaving user's mailbox kept instead of deleted, opened
//! by the colleagues let in (members), some of whom may send as its address.
use crate::error::AppError;
use crate::model::SharedMember;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::{tell_mail_server, Reached},
    super::redirect_with,
    super::{chosen_domain, finish, record_admin_action, require_admin, services, target_for},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::{
        DisplayName, EmailAddress, LocalPart, MailServerAction, Notice, Quota, SharedAccess,
        UserDetail, Viewer, MEMBERS_NAMED_AT_MOST,
    },
    crate::security::password,
    crate::services::Services,
    crate::store::{NewSharedMailbox, SharedGrant},
    serde_json::json,
};

/// The member with this address: a mailbox of the caller's reach that is not shared itself.
#[cfg(feature = "ssr")]
async fn member_of(
    services: &Services,
    admin: &Viewer,
    address: &EmailAddress,
) -> Result<i64, ErrorCode> {
    let login = services
        .store
        .find_login(address)
        .await
        .map_err(|_| ErrorCode::MailboxUnknown)?
        .filter(|l| l.organisation_id == admin.organisation_id)
        .filter(|_| admin.scope.covers_address(&address.to_string()))
        .ok_or(ErrorCode::MailboxUnknown)?;
    let user = services
        .store
        .get_user(admin.organisation_id, login.user_id)
        .await
        .map_err(|_| ErrorCode::MailboxUnknown)?;
    if user.shared {
        return Err(ErrorCode::MemberIsShared);
    }
    Ok(user.id)
}

/// The access chosen in a form; `access` is the field's name.
#[cfg(feature = "ssr")]
fn access_of(errors: &mut FieldErrors, field: &str, value: &str) -> Option<SharedAccess> {
    errors.check(
        field,
        SharedAccess::parse(value.trim()).ok_or(ErrorCode::ChoiceInvalid),
    )
}

/// Shared mailbox `mailbox` as the caller may change it; another mailbox reads as not found.
#[cfg(feature = "ssr")]
async fn shared_mailbox(admin: &Viewer, mailbox: i64) -> Result<UserDetail, AppError> {
    let target = target_for(admin, mailbox).await?;
    if target.shared {
        Ok(target)
    } else {
        Err(AppError::NotFound)
    }
}

/// The address `username@domain`, its name and quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSharedForm {
    pub domain: String,
    pub username: String,
    pub name: String,
    pub quota_gb: String,
}

/// Makes a shared mailbox: it takes no licence and nobody signs in to it; members open it.
#[server(endpoint = "shared/create")]
pub async fn create_shared_mailbox(form: NewSharedForm) -> Result<(), AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            let mut errors = FieldErrors::default();
            let domain = chosen_domain(&services, &admin, &form.domain).await?;
            let domain = errors.check("domain", domain);
            let local = errors.check("username", LocalPart::parse(&form.username));
            let name = errors.check("name", DisplayName::parse(&form.name));
            let quota = errors.check("quota_gb", Quota::parse_gb(&form.quota_gb));
            let (Some(domain), Some(local), Some(name), Some(quota)) =
                errors.into_result((domain, local, name, quota))?
            else {
                return Err(AppError::Internal);
            };
            // A secret nobody is told, so the column holds an argon2id hash like every other.
            let nobodys = crate::security::app_password::generate();
            let password_hash = password::hash_password(nobodys).await?;
            let made = services
                .store
                .create_shared_mailbox(NewSharedMailbox {
                    organisation_id: admin.organisation_id,
                    domain_id: domain.id,
                    local_part: local,
                    name: name.into_inner(),
                    password_hash,
                    quota,
                    now: services.clock.now(),
                })
                .await?;
            record_admin_action(
                &services,
                &admin,
                "shared.create",
                &made.email,
                json!({ "quota_mb": quota.mb() }),
            )
            .await;
            redirect_with(
                &format!("/users/{}", made.id),
                Notice::SharedCreated,
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}

/// Mailbox `id` to convert, and the colleagues who get access to it (addresses one a line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertForm {
    pub id: i64,
    #[serde(default)]
    pub members: String,
    #[serde(default)]
    pub access: String,
}

/// Turns mailbox `id` into a shared mailbox: its mail, contacts and settings stay, its licence
/// is freed, its sessions and mail connections end, and the colleagues named open it from
/// then on; all in one transaction ("save before delete" in one step).
#[server(endpoint = "users/convert_shared")]
pub async fn convert_to_shared(form: ConvertForm) -> Result<(), AppError> {
    finish(
        async move {
            let ConvertForm {
                id,
                members,
                access,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            let target = target_for(&admin, id).await?;
            if target.id == admin.user_id {
                return Err(AppError::Invalid(FieldErrors::one(
                    "form",
                    ErrorCode::SelfAction,
                )));
            }
            let mut errors = FieldErrors::default();
            let addresses = errors
                .check("members", EmailAddress::parse_list(&members))
                .unwrap_or_default();
            if addresses.len() > MEMBERS_NAMED_AT_MOST {
                errors.add(
                    "members",
                    ErrorCode::TooManySelected(MEMBERS_NAMED_AT_MOST as i64),
                );
            }
            let access = if addresses.is_empty() {
                Some(SharedAccess::Read)
            } else {
                access_of(&mut errors, "access", &access)
            };
            let mut grants = Vec::new();
            for address in &addresses {
                if address.to_string() == target.email {
                    errors.add("members", ErrorCode::MemberIsShared);
                    break;
                }
                match member_of(&services, &admin, address).await {
                    Ok(member_id) => grants.push(member_id),
                    Err(code) => {
                        errors.0.push(crate::error::FieldError {
                            field: "members".into(),
                            code,
                            detail: Some(address.to_string()),
                        });
                        break;
                    }
                }
            }
            let Some(access) = errors.into_result(access)? else {
                return Err(AppError::Internal);
            };
            let grants: Vec<SharedGrant> = grants
                .into_iter()
                .map(|member_id| SharedGrant { member_id, access })
                .collect();
            services
                .store
                .convert_to_shared(admin.organisation_id, id, &grants, services.clock.now())
                .await?;
            let address = std::slice::from_ref(&target.email);
            let mail_server =
                tell_mail_server(&services, address, MailServerAction::EndConnections).await;
            let members: Vec<String> = addresses.iter().map(EmailAddress::to_string).collect();
            record_admin_action(
                &services,
                &admin,
                "user.convert_shared",
                &target.email,
                json!({
                    "quota_mb": target.quota_mb,
                    "members": members,
                    "access": access.as_str(),
                }),
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

/// The members of shared mailbox `mailbox`.
#[server(endpoint = "shared/members")]
pub async fn shared_members(mailbox: i64) -> Result<Vec<SharedMember>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let target = shared_mailbox(&admin, mailbox).await?;
            Ok(services()?
                .store
                .shared_members(admin.organisation_id, target.id)
                .await?)
        }
        .await,
    )
}

/// A colleague (by address) to let into shared mailbox `mailbox`, or whose access changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberForm {
    pub mailbox: i64,
    pub email: String,
    pub access: String,
}

#[server(endpoint = "shared/add_member")]
pub async fn add_shared_member(form: MemberForm) -> Result<(), AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            let target = shared_mailbox(&admin, form.mailbox).await?;
            let mut errors = FieldErrors::default();
            let address = errors.check("email", EmailAddress::parse(&form.email));
            let access = access_of(&mut errors, "access", &form.access);
            let (Some(address), Some(access)) = errors.into_result((address, access))? else {
                return Err(AppError::Internal);
            };
            let member_id = member_of(&services, &admin, &address)
                .await
                .map_err(|code| AppError::Invalid(FieldErrors::one("email", code)))?;
            let grant = SharedGrant { member_id, access };
            services
                .store
                .grant_shared_access(
                    admin.organisation_id,
                    target.id,
                    &[grant],
                    services.clock.now(),
                )
                .await?;
            record_admin_action(
                &services,
                &admin,
                "shared.add_member",
                &target.email,
                json!({ "member": address.to_string(), "access": access.as_str() }),
            )
            .await;
            redirect_with(
                &format!("/users/{}", target.id),
                Notice::MemberAdded,
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}

/// Member `member` of shared mailbox `mailbox`, to lose access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveMemberForm {
    pub mailbox: i64,
    pub member: i64,
}

/// Ends a member's access: refused from their next login, and the mail connections open on the
/// shared mailbox are closed (the other members' mail apps sign in again by themselves).
#[server(endpoint = "shared/remove_member")]
pub async fn remove_shared_member(form: RemoveMemberForm) -> Result<(), AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            let target = shared_mailbox(&admin, form.mailbox).await?;
            let members = services
                .store
                .shared_members(admin.organisation_id, target.id)
                .await?;
            let member = members
                .into_iter()
                .find(|m| m.user_id == form.member)
                .ok_or(AppError::NotFound)?;
            services
                .store
                .remove_shared_member(admin.organisation_id, target.id, member.user_id)
                .await?;
            let address = std::slice::from_ref(&target.email);
            let mail_server =
                tell_mail_server(&services, address, MailServerAction::EndConnections).await;
            record_admin_action(
                &services,
                &admin,
                "shared.remove_member",
                &target.email,
                json!({ "member": member.email }),
            )
            .await;
            redirect_with(
                &format!("/users/{}", target.id),
                Notice::MemberRemoved,
                mail_server,
            );
            Ok(())
        }
        .await,
    )
}
