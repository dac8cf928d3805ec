//! The organisation's licences and storage pool, and the help it offers a user who can't get
//! in.
use crate::error::AppError;
use crate::model::{AccountHelp, OrganisationUsage, Overview};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::redirect_with,
    super::{
        finish, record_admin_action, require_account_admin, require_admin, require_org_admin,
        services,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::model::Notice,
    crate::model::{
        parse_gb_as_mb, CharacterClasses, PasswordPolicy, PolicyPreset, ONE_TIME_PASSWORD_MINUTES,
        STALE_AFTER_DAYS,
    },
    crate::store::StoreError,
    serde_json::json,
};

/// The most licences one organisation may hold.
pub const MAX_LICENCES: i64 = 10_000_000;

#[server(endpoint = "organisation/usage")]
pub async fn usage() -> Result<OrganisationUsage, AppError> {
    finish(
        async {
            let admin = require_admin()?;
            Ok(services()?
                .store
                .organisation_usage(admin.organisation_id)
                .await?)
        }
        .await,
    )
}

/// Accounts to review and the latest admin actions, for the overview page.
#[server(endpoint = "organisation/overview")]
pub async fn load_overview() -> Result<Overview, AppError> {
    finish(
        async {
            let admin = require_org_admin()?;
            let services = services()?;
            let org = admin.organisation_id;
            let stale_before = services.clock.now() - STALE_AFTER_DAYS * 86_400;
            Ok(Overview {
                usage: services.store.organisation_usage(org).await?,
                review: services
                    .store
                    .accounts_to_review(org, stale_before, 20, crate::model::REVIEW_COUNTED_UP_TO)
                    .await?,
                recent_actions: services.store.list_audit(org, 10).await?,
            })
        }
        .await,
    )
}

/// The licences and storage the organisation may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsForm {
    pub licences: String,
    pub storage_gb: String,
}

/// Sets the number of mailbox licences and the storage pool (in GB), never below what is in use.
#[server(endpoint = "organisation/limits")]
pub async fn set_limits(form: LimitsForm) -> Result<(), AppError> {
    finish(
        async move {
            let LimitsForm {
                licences,
                storage_gb,
            } = form;
            let owner = require_account_admin()?;
            let services = services()?;
            let mut errors = FieldErrors::default();
            let licences = errors.check(
                "licences",
                licences
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (0..=MAX_LICENCES).contains(n))
                    .ok_or(ErrorCode::NumberInvalid),
            );
            let pool_mb = errors.check("storage_gb", parse_gb_as_mb(&storage_gb));
            let (Some(licences), Some(pool_mb)) = errors.into_result((licences, pool_mb))? else {
                return Err(AppError::Internal);
            };
            let org = owner.organisation_id;
            match services
                .store
                .set_organisation_limits(org, licences, pool_mb)
                .await
            {
                Ok(()) => {}
                Err(StoreError::InUse { mailboxes }) => {
                    let code = ErrorCode::LicencesBelowUse(mailboxes);
                    return Err(AppError::Invalid(FieldErrors::one("licences", code)));
                }
                Err(StoreError::StoragePoolExceeded { available_mb }) => {
                    let code = ErrorCode::PoolBelowAllocated(available_mb);
                    return Err(AppError::Invalid(FieldErrors::one("storage_gb", code)));
                }
                Err(e) => return Err(e.into()),
            }
            let detail = json!({ "mailbox_licences": licences, "storage_pool_mb": pool_mb });
            record_admin_action(&services, &owner, "organisation.limits", "", detail).await;
            // Back to the page with a notice; the usage strip reloads with it.
            redirect_with("/settings", Notice::LimitsSaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// Settings > Password policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyForm {
    pub preset: String,
    pub min_chars: String,
    pub min_score: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub require_upper: bool,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub require_lower: bool,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub require_digit: bool,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub require_symbol: bool,
}

/// Sets the organisation's password policy: a preset, or `custom` with the values given. Every
/// new password is checked against it from then on (and the meter shows it); existing
/// passwords stay until they are next changed.
#[server(endpoint = "organisation/password_policy")]
pub async fn set_password_policy(form: PolicyForm) -> Result<(), AppError> {
    finish(
        async move {
            let PolicyForm {
                preset,
                min_chars,
                min_score,
                require_upper,
                require_lower,
                require_digit,
                require_symbol,
            } = form;
            let owner = require_account_admin()?;
            let services = services()?;
            let policy = match PolicyPreset::parse(&preset) {
                Some(preset) => preset.policy(),
                None if preset == "custom" => {
                    let mut errors = FieldErrors::default();
                    let min_chars = errors.check(
                        "min_chars",
                        min_chars
                            .trim()
                            .parse::<u32>()
                            .ok()
                            .filter(|n| PasswordPolicy::MIN_CHARS_RANGE.contains(n))
                            .ok_or(ErrorCode::NumberInvalid),
                    );
                    let min_score = errors.check(
                        "min_score",
                        min_score
                            .trim()
                            .parse::<u8>()
                            .ok()
                            .filter(|n| *n <= 4)
                            .ok_or(ErrorCode::ChoiceInvalid),
                    );
                    let (Some(min_chars), Some(min_score)) =
                        errors.into_result((min_chars, min_score))?
                    else {
                        return Err(AppError::Internal);
                    };
                    PasswordPolicy {
                        min_chars,
                        max_chars: PasswordPolicy::MAX_CHARS,
                        min_score,
                        require: CharacterClasses {
                            upper: require_upper,
                            lower: require_lower,
                            digit: require_digit,
                            symbol: require_symbol,
                        },
                    }
                }
                None => {
                    let code = ErrorCode::ChoiceInvalid;
                    return Err(AppError::Invalid(FieldErrors::one("preset", code)));
                }
            };
            services
                .store
                .set_password_policy(owner.organisation_id, &policy)
                .await?;
            let detail = json!({
                "preset": policy.preset().map_or("custom", PolicyPreset::as_str),
                "min_chars": policy.min_chars,
                "min_score": policy.min_score,
                "require_upper": policy.require.upper,
                "require_lower": policy.require.lower,
                "require_digit": policy.require.digit,
                "require_symbol": policy.require.symbol,
            });
            record_admin_action(
                &services,
                &owner,
                "organisation.password_policy",
                "",
                detail,
            )
            .await;
            redirect_with("/settings", Notice::PolicySaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// Settings > Help for users who can't sign in.
#[server(endpoint = "organisation/account_help")]
pub async fn account_help_settings() -> Result<AccountHelp, AppError> {
    finish(
        async move {
            let owner = require_account_admin()?;
            Ok(services()?
                .store
                .account_help(owner.organisation_id)
                .await?)
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHelpForm {
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub self_service_recovery: bool,
    pub one_time_password_minutes: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub notify_when_acted_for: bool,
}

/// Turns "Forgot password" on or off for the organisation's users, and sets how long a
/// one-time password works (1 to 60 minutes).
#[server(endpoint = "organisation/set_account_help")]
pub async fn set_account_help(form: AccountHelpForm) -> Result<(), AppError> {
    finish(
        async move {
            let owner = require_account_admin()?;
            let services = services()?;
            let minutes = form
                .one_time_password_minutes
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|m| ONE_TIME_PASSWORD_MINUTES.contains(m))
                .ok_or_else(|| {
                    AppError::Invalid(FieldErrors::one(
                        "one_time_password_minutes",
                        ErrorCode::MinutesOutOfRange,
                    ))
                })?;
            let help = AccountHelp {
                self_service_recovery: form.self_service_recovery,
                one_time_password_minutes: minutes,
                notify_when_acted_for: form.notify_when_acted_for,
            };
            services
                .store
                .set_account_help(owner.organisation_id, help)
                .await?;
            record_admin_action(
                &services,
                &owner,
                "organisation.account_help",
                "",
                json!({
                    "self_service_recovery": help.self_service_recovery,
                    "one_time_password_minutes": help.one_time_password_minutes,
                    "notify_when_acted_for": help.notify_when_acted_for,
                }),
            )
            .await;
            redirect_with("/settings", Notice::AccountHelpSaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}
