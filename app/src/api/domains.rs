//! The organisation's mail domains.
use super::form::IdForm;
use crate::error::AppError;
use crate::model::{Domain, DomainSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{
        domains_in_scope, finish, record_admin_action, require_account_admin, require_admin,
        services,
    },
    crate::error::FieldErrors,
    crate::model::DomainName,
    serde_json::json,
};

#[server(endpoint = "domains/list")]
pub async fn list_domains() -> Result<Vec<Domain>, AppError> {
    finish(
        async {
            let admin = require_admin()?;
            domains_in_scope(&*services()?, &admin).await
        }
        .await,
    )
}

/// Domains with their mailbox counts, for the domains page.
#[server(endpoint = "domains/summaries")]
pub async fn domain_summaries() -> Result<Vec<DomainSummary>, AppError> {
    finish(
        async {
            let admin = require_admin()?;
            let all = services()?
                .store
                .domain_summaries(admin.organisation_id)
                .await?;
            Ok(all
                .into_iter()
                .filter(|d| admin.scope.covers_domain(d.id))
                .collect())
        }
        .await,
    )
}

/// A domain to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDomainForm {
    pub name: String,
}

#[server(endpoint = "domains/add")]
pub async fn add_domain(form: NewDomainForm) -> Result<(), AppError> {
    finish(
        async move {
            let NewDomainForm { name } = form;
            let owner = require_account_admin()?;
            let services = services()?;
            let name = DomainName::parse(&name)
                .map_err(|code| AppError::Invalid(FieldErrors::one("name", code)))?;
            let now = services.clock.now();
            services
                .store
                .add_domain(owner.organisation_id, &name, now)
                .await?;
            record_admin_action(&services, &owner, "domain.add", name.as_str(), json!({})).await;
            Ok(())
        }
        .await,
    )
}

/// Removes a domain that no mailbox uses any more.
#[server(endpoint = "domains/remove")]
pub async fn remove_domain(form: IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let IdForm { id } = form;
            let owner = require_account_admin()?;
            let services = services()?;
            let org = owner.organisation_id;
            let domains = services.store.list_domains(org).await?;
            let domain = domains
                .into_iter()
                .find(|d| d.id == id)
                .ok_or(AppError::NotFound)?;
            services.store.remove_domain(org, id).await?;
            record_admin_action(&services, &owner, "domain.remove", &domain.name, json!({})).await;
            Ok(())
        }
        .await,
    )
}
