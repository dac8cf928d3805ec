//! Aliases: other addresses that deliver to a mailbox. Administrators set them, or only the
//! account administrator where the organisation says so (Settings > Mail rules).
use crate::error::AppError;
use crate::model::Alias;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::redirect_with,
    super::{chosen_domain, finish, record_admin_action, require_admin, services, target_for},
    crate::error::FieldErrors,
    crate::model::LocalPart,
    crate::model::Notice,
    crate::model::Viewer,
    crate::services::Services,
    serde_json::json,
};

/// A mailbox's aliases, and whether the caller may change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasesView {
    pub aliases: Vec<Alias>,
    pub may_change: bool,
}

/// Whether the organisation lets `admin`'s role add and remove aliases.
#[cfg(feature = "ssr")]
async fn may_change_aliases(services: &Services, admin: &Viewer) -> Result<bool, AppError> {
    let rules = services.store.mail_rules(admin.organisation_id).await?;
    Ok(rules.alias_managers.include(admin.role))
}

/// `Forbidden` unless the organisation lets `admin`'s role change aliases.
#[cfg(feature = "ssr")]
async fn require_alias_manager(services: &Services, admin: &Viewer) -> Result<(), AppError> {
    match may_change_aliases(services, admin).await? {
        true => Ok(()),
        false => Err(AppError::Forbidden),
    }
}

/// The aliases of mailbox `user`.
#[server(endpoint = "aliases/list")]
pub async fn list_aliases(user: i64) -> Result<AliasesView, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            target_for(&admin, user).await?;
            Ok(AliasesView {
                aliases: services
                    .store
                    .list_aliases(admin.organisation_id, user)
                    .await?,
                may_change: may_change_aliases(&services, &admin).await?,
            })
        }
        .await,
    )
}

/// The address `username@domain` for mailbox `user`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddAliasForm {
    pub user: i64,
    pub username: String,
    pub domain: String,
}

/// Gives mailbox `user` the address `username@domain` as well. Refused, naming the holder,
/// when a mailbox, alias or list has it.
#[server(endpoint = "aliases/add")]
pub async fn add_alias(form: AddAliasForm) -> Result<(), AppError> {
    finish(
        async move {
            let AddAliasForm {
                user,
                username,
                domain,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            require_alias_manager(&services, &admin).await?;
            let target = target_for(&admin, user).await?;
            let mut errors = FieldErrors::default();
            let local = errors.check("username", LocalPart::parse(&username));
            let domain = chosen_domain(&services, &admin, &domain).await?;
            let domain = errors.check("domain", domain);
            let (Some(local), Some(domain)) = errors.into_result((local, domain))? else {
                return Err(AppError::Internal);
            };
            let alias = services
                .store
                .add_alias(
                    admin.organisation_id,
                    target.id,
                    domain.id,
                    &local,
                    services.clock.now(),
                )
                .await?;
            record_admin_action(
                &services,
                &admin,
                "alias.add",
                &target.email,
                json!({ "alias": alias.email }),
            )
            .await;
            redirect_with(&format!("/users/{user}"), Notice::AliasAdded, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// Alias `id` of mailbox `user`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveAliasForm {
    pub user: i64,
    pub id: i64,
}

#[server(endpoint = "aliases/remove")]
pub async fn remove_alias(form: RemoveAliasForm) -> Result<(), AppError> {
    finish(
        async move {
            let RemoveAliasForm { user, id } = form;
            let admin = require_admin()?;
            let services = services()?;
            require_alias_manager(&services, &admin).await?;
            let target = target_for(&admin, user).await?;
            let aliases = services
                .store
                .list_aliases(admin.organisation_id, target.id)
                .await?;
            let alias = aliases
                .into_iter()
                .find(|a| a.id == id)
                .ok_or(AppError::NotFound)?;
            services
                .store
                .remove_alias(admin.organisation_id, id)
                .await?;
            record_admin_action(
                &services,
                &admin,
                "alias.remove",
                &target.email,
                json!({ "alias": alias.email }),
            )
            .await;
            redirect_with(
                &format!("/users/{user}"),
                Notice::AliasRemoved,
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}
