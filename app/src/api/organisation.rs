//! The organisation's licences and storage pool.
use crate::error::AppError;
use crate::model::OrganisationUsage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{audit, finish, require_account_admin, require_admin, services},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::parse_gb_as_mb,
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

/// Sets the number of mailbox licences and the storage pool (in GB), never below what is in use.
#[server(endpoint = "organisation/limits")]
pub async fn set_limits(licences: String, storage_gb: String) -> Result<(), AppError> {
    finish(
        async move {
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
            audit(
                &services,
                org,
                Some(&owner),
                "organisation.limits",
                "",
                true,
                detail,
            )
            .await;
            // Back to the page with a notice; the usage strip reloads with it.
            leptos_axum::redirect("/settings?saved=1");
            Ok(())
        }
        .await,
    )
}
