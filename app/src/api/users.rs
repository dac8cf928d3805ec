//! The organisation's mailbox users and domains.
use crate::error::AppError;
use crate::model::{Domain, UserPage};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{audit, finish, require_admin, services},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::{
        AccountType, LocalPart, Quota, Role, UserCursor, UserQuery, NAME_MAX_CHARS, PAGE_SIZE,
    },
    crate::security::password,
    crate::store::NewUser,
    serde_json::json,
};

/// Longest search text we pass to the database.
pub const SEARCH_MAX_CHARS: usize = 100;

/// One page of the list. `after` / `before` are the address cursors of keyset pagination.
#[server(endpoint = "users/list")]
pub async fn list_users(
    search: String,
    domain: Option<i64>,
    after: Option<String>,
    before: Option<String>,
) -> Result<UserPage, AppError> {
    finish(
        async {
            let admin = require_admin()?;
            let services = services()?;
            let search: String = search.trim().chars().take(SEARCH_MAX_CHARS).collect();
            let cursor = match (after, before) {
                (Some(a), _) if !a.is_empty() => Some(UserCursor::After(a)),
                (_, Some(b)) if !b.is_empty() => Some(UserCursor::Before(b)),
                _ => None,
            };
            let query = UserQuery {
                search,
                domain_id: domain,
                cursor,
            };
            Ok(services
                .store
                .list_users(admin.organisation_id, &query, PAGE_SIZE)
                .await?)
        }
        .await,
    )
}

#[server(endpoint = "domains/list")]
pub async fn list_domains() -> Result<Vec<Domain>, AppError> {
    finish(
        async {
            let admin = require_admin()?;
            Ok(services()?
                .store
                .list_domains(admin.organisation_id)
                .await?)
        }
        .await,
    )
}

/// Adds a mailbox. Every field is checked and every refusal returned at once, next to its input.
#[server(endpoint = "users/create")]
pub async fn create_user(
    domain: String,
    username: String,
    name: String,
    password: String,
    password_confirm: String,
    quota_gb: String,
    account_type: String,
) -> Result<(), AppError> {
    finish(
        create_user_inner(
            domain,
            username,
            name,
            password,
            password_confirm,
            quota_gb,
            account_type,
        )
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn create_user_inner(
    domain: String,
    username: String,
    name: String,
    password: String,
    password_confirm: String,
    quota_gb: String,
    account_type: String,
) -> Result<(), AppError> {
    let admin = require_admin()?;
    let services = services()?;
    let mut errors = FieldErrors::default();

    let domains = services.store.list_domains(admin.organisation_id).await?;
    // Only the organisation's own domains: an id from elsewhere reads as unknown.
    let domain = domain
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| domains.into_iter().find(|d| d.id == id));
    if domain.is_none() {
        errors.add("domain", ErrorCode::DomainUnknown);
    }
    let local = LocalPart::parse(&username)
        .map_err(|c| errors.add("username", c))
        .ok();
    let name = name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", ErrorCode::Required);
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.add("name", ErrorCode::NameTooLong);
    }
    let quota = Quota::parse_gb(&quota_gb)
        .map_err(|c| errors.add("quota_gb", c))
        .ok();
    let account_type = AccountType::parse(&account_type).unwrap_or(AccountType::Basic);
    let mut personal = vec![name.as_str(), username.trim()];
    if let Some(d) = &domain {
        personal.push(d.name.as_str());
    }
    if let Err(code) = services
        .settings
        .password_policy
        .check(&password, &personal)
    {
        errors.add("password", code);
    } else if password != password_confirm {
        errors.add("password_confirm", ErrorCode::PasswordMismatch);
    }
    let (domain, local, quota) = match errors.into_result((domain, local, quota))? {
        (Some(d), Some(l), Some(q)) => (d, l, q),
        _ => return Err(AppError::Internal),
    };

    let password_hash = password::hash_password(password).await?;
    let address = format!("{}@{}", local.as_str(), domain.name);
    let created = services
        .store
        .create_user(NewUser {
            organisation_id: admin.organisation_id,
            domain_id: domain.id,
            local_part: local,
            name,
            password_hash,
            account_type,
            role: Role::User,
            quota,
            now: services.clock.now(),
        })
        .await;
    match created {
        Ok(_) => {
            audit(
                &services,
                admin.organisation_id,
                Some(&admin),
                "user.create",
                &address,
                true,
                json!({ "account_type": account_type.as_str(), "quota_mb": quota.mb() }),
            )
            .await;
            leptos_axum::redirect(&format!("/users?search={address}&created=1"));
            Ok(())
        }
        Err(crate::store::StoreError::Conflict { .. }) => Err(AppError::Conflict(
            FieldErrors::one("username", ErrorCode::AddressTaken),
        )),
        Err(e) => Err(e.into()),
    }
}
