//! Forwarding: where a mailbox's mail goes besides the mailbox. A user sets their own on My
//! account, an administrator a user's on the user's page; the organisation decides whether it
//! may leave its domains. Postfix reads it from `mail_virtual_aliases` at the next delivery.
use crate::error::AppError;
use crate::model::Forwarding;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::{audit, finish, redirect_with, require_admin, require_viewer, services, target_for},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::{Notice, UserDetail, Viewer},
    crate::services::Services,
    serde_json::json,
};

/// A mailbox's forwarding with what the form needs to explain its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardingView {
    pub forwarding: Forwarding,
    /// The organisation lets forwarding leave its domains.
    pub external_allowed: bool,
    /// The organisation's domains, named when forwarding must stay within them.
    pub domains: Vec<String>,
}

/// The caller's own mailbox (`user` empty), or mailbox `user` for an administrator who
/// manages it.
#[cfg(feature = "ssr")]
pub(super) async fn mailbox_of(user: Option<i64>) -> Result<(Viewer, UserDetail), AppError> {
    match user {
        None => {
            let viewer = require_viewer()?;
            let own = services()?
                .store
                .get_user(viewer.organisation_id, viewer.user_id)
                .await?;
            Ok((viewer, own))
        }
        Some(id) => {
            let admin = require_admin()?;
            let target = target_for(&admin, id).await?;
            Ok((admin, target))
        }
    }
}

#[cfg(feature = "ssr")]
pub(super) async fn domain_names(
    services: &Services,
    organisation_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(services
        .store
        .list_domains(organisation_id)
        .await?
        .into_iter()
        .map(|d| d.name)
        .collect())
}

/// The Mail tab a save returns to: the user's page's, or My account's for one's own.
#[cfg(feature = "ssr")]
pub(super) fn mail_tab(user: Option<i64>) -> String {
    match user {
        Some(id) => format!("/users/{id}/mail"),
        None => "/account/mail".to_owned(),
    }
}

/// The forwarding of the caller's mailbox, or of mailbox `user` for its administrator.
#[server(endpoint = "forwarding/get")]
pub async fn forwarding_of(user: Option<i64>) -> Result<ForwardingView, AppError> {
    finish(
        async move {
            let (viewer, mailbox) = mailbox_of(user).await?;
            let services = services()?;
            let forwarding = services
                .store
                .forwarding(viewer.organisation_id, mailbox.id)
                .await?;
            let rules = services.store.mail_rules(viewer.organisation_id).await?;
            Ok(ForwardingView {
                forwarding,
                external_allowed: rules.external_forwarding,
                domains: domain_names(&services, viewer.organisation_id).await?,
            })
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardingForm {
    /// The mailbox an administrator sets; none for the caller's own.
    #[serde(default)]
    pub user: Option<i64>,
    /// The addresses, one a line; empty turns forwarding off.
    #[serde(default)]
    pub addresses: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub keep_copy: bool,
}

/// Replaces the mailbox's forwarding. An address outside the organisation's domains is
/// refused, naming it, unless the organisation allows external forwarding.
#[server(endpoint = "forwarding/set")]
pub async fn set_forwarding(form: ForwardingForm) -> Result<(), AppError> {
    finish(
        async move {
            let (viewer, mailbox) = mailbox_of(form.user).await?;
            let services = services()?;
            let forwarding = Forwarding::parse(&form.addresses, form.keep_copy, &mailbox.email)
                .map_err(|code| AppError::Invalid(FieldErrors::one("addresses", code)))?;
            let rules = services.store.mail_rules(viewer.organisation_id).await?;
            if !rules.external_forwarding {
                let domains = domain_names(&services, viewer.organisation_id).await?;
                let outside = forwarding.outside(&domains).next().map(str::to_owned);
                if let Some(outside) = outside {
                    return Err(AppError::Invalid(FieldErrors::one_with(
                        "addresses",
                        ErrorCode::ForwardOutside,
                        outside,
                    )));
                }
            }
            services
                .store
                .set_forwarding(
                    viewer.organisation_id,
                    mailbox.id,
                    &forwarding,
                    services.clock.now(),
                )
                .await?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "forwarding.set",
                &mailbox.email,
                true,
                json!({
                    "addresses": forwarding.addresses,
                    "keep_copy": forwarding.keep_copy,
                }),
            )
            .await;
            redirect_with(&mail_tab(form.user), Notice::ForwardingSaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}
