//! Settings > Mail rules: who gives mailboxes other addresses, and whether forwarding may leave
//! the organisation's domains. The account administrator's alone.
use crate::error::AppError;
use crate::model::MailRules;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::{finish, record_admin_action, redirect_with, require_account_admin, services},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::{AliasManagers, Notice},
    serde_json::json,
};

#[server(endpoint = "organisation/mail_rules")]
pub async fn current_mail_rules() -> Result<MailRules, AppError> {
    finish(
        async move {
            let owner = require_account_admin()?;
            Ok(services()?.store.mail_rules(owner.organisation_id).await?)
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRulesForm {
    pub alias_managers: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub external_forwarding: bool,
}

#[server(endpoint = "organisation/set_mail_rules")]
pub async fn set_mail_rules(form: MailRulesForm) -> Result<(), AppError> {
    finish(
        async move {
            let owner = require_account_admin()?;
            let services = services()?;
            let alias_managers =
                AliasManagers::parse(form.alias_managers.trim()).ok_or_else(|| {
                    AppError::Invalid(FieldErrors::one("alias_managers", ErrorCode::ChoiceInvalid))
                })?;
            let rules = MailRules {
                alias_managers,
                external_forwarding: form.external_forwarding,
            };
            services
                .store
                .set_mail_rules(owner.organisation_id, rules)
                .await?;
            record_admin_action(
                &services,
                &owner,
                "organisation.mail_rules",
                "",
                json!({
                    "alias_managers": rules.alias_managers.as_str(),
                    "external_forwarding": rules.external_forwarding,
                }),
            )
            .await;
            redirect_with("/settings", Notice::MailRulesSaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}
