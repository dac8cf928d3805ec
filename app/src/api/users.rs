//! The organisation's mailbox users.
use super::form::IdForm;
use crate::error::AppError;
use crate::model::{UserDetail, UserPage, UserQuery};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::{tell_mail_server, Reached},
    super::redirect_with,
    super::{
        admin_event, check_new_password, chosen_domain, finish, policy_of, record_admin_action,
        require_admin, require_recent_password, services, target_for, visible_user,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::model::MailServerAction,
    crate::model::Notice,
    crate::model::{
        AccountStatus, AccountType, DateFormat, DisplayName, EmailAddress, Language, LocalPart,
        Preferences, Quota, Role, TimeZone, PAGE_SIZE,
    },
    crate::security::password,
    crate::store::{NewUser, UserUpdate},
    serde_json::json,
};

/// Longest search text we pass to the database.
pub const SEARCH_MAX_CHARS: usize = 100;

/// One page of the list, in the query's order, from its cursor (keyset pagination). A domain
/// admin's list never leaves their domains, whatever the query asks.
#[server(endpoint = "users/list")]
pub async fn list_users(#[server(default)] query: UserQuery) -> Result<UserPage, AppError> {
    finish(
        async {
            let admin = require_admin()?;
            let services = services()?;
            let query = UserQuery {
                search: query.search.trim().chars().take(SEARCH_MAX_CHARS).collect(),
                within: admin.scope.domain_ids(),
                ..query
            };
            Ok(services
                .store
                .list_users(admin.organisation_id, &query, PAGE_SIZE)
                .await?)
        }
        .await,
    )
}

/// Users > New user: the mailbox to add, its first password and its "More options".
#[derive(Clone, Serialize, Deserialize)]
pub struct NewUserForm {
    pub domain: String,
    pub username: String,
    pub name: String,
    pub password: String,
    pub password_confirm: String,
    pub quota_gb: String,
    pub account_type: String,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub date_format: Option<String>,
}
super::form::debug_without_values!(NewUserForm);

/// Adds a mailbox. Every field is checked and every refusal returned at once, next to its input.
#[server(endpoint = "users/create")]
pub async fn create_user(form: NewUserForm) -> Result<(), AppError> {
    finish(
        async move {
            let NewUserForm {
                domain,
                username,
                name,
                password,
                password_confirm,
                quota_gb,
                account_type,
                language,
                time_zone,
                date_format,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            let mut errors = FieldErrors::default();

            // Only the domains the admin looks after: an id from elsewhere reads as unknown.
            let domain = chosen_domain(&services, &admin, &domain).await?;
            let domain = errors.check("domain", domain);
            let local = errors.check("username", LocalPart::parse(&username));
            let name = errors.check("name", DisplayName::parse(&name));
            let quota = errors.check("quota_gb", Quota::parse_gb(&quota_gb));
            let account_type = AccountType::parse(&account_type).unwrap_or(AccountType::Basic);
            let preferences = read_preferences(
                &mut errors,
                Preferences::default(),
                [language, time_zone, date_format],
            );
            let mut personal = vec![name.as_ref().map_or("", |n| n.as_str()), username.trim()];
            if let Some(d) = &domain {
                personal.push(d.name.as_str());
            }
            let policy = policy_of(&services, admin.organisation_id).await?;
            check_new_password(
                &mut errors,
                &policy,
                &password,
                &password_confirm,
                &personal,
            );
            let (Some(domain), Some(local), Some(name), Some(quota)) =
                errors.into_result((domain, local, name, quota))?
            else {
                return Err(AppError::Internal);
            };

            let password_hash = password::hash_password(password).await?;
            let address = format!("{}@{}", local.as_str(), domain.name);
            let detail = json!({ "account_type": account_type.as_str(), "quota_mb": quota.mb() });
            let event = admin_event(&services, &admin, "user.create", &address, detail);
            services
                .store
                .create_user(
                    NewUser {
                        organisation_id: admin.organisation_id,
                        domain_id: domain.id,
                        local_part: local,
                        name: name.into_inner(),
                        password_hash,
                        account_type,
                        role: Role::User,
                        quota,
                        preferences,
                        now: services.clock.now(),
                    },
                    &event,
                )
                .await?;
            redirect_with(
                &format!("/users?search={address}"),
                Notice::UserCreated,
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}

/// The "More options" of the add and edit forms; a field left out keeps `current`'s value.
#[cfg(feature = "ssr")]
pub(super) fn read_preferences(
    errors: &mut FieldErrors,
    current: Preferences,
    [language, time_zone, date_format]: [Option<String>; 3],
) -> Preferences {
    Preferences {
        language: match language {
            Some(v) => errors
                .check("language", Language::parse(&v))
                .unwrap_or(current.language),
            None => current.language,
        },
        time_zone: match time_zone {
            Some(v) => errors
                .check("time_zone", TimeZone::parse(&v))
                .unwrap_or(current.time_zone),
            None => current.time_zone,
        },
        date_format: match date_format {
            Some(v) => errors
                .check("date_format", DateFormat::parse(&v))
                .unwrap_or(current.date_format),
            None => current.date_format,
        },
    }
}

/// One mailbox of the caller's organisation; another organisation's reads as not found.
#[server(endpoint = "users/get")]
pub async fn get_user(id: i64) -> Result<UserDetail, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            let mut user = visible_user(&admin, id).await?;
            // A lock that has run out is no lock: the page shows only one in force.
            let now = services.clock.now();
            user.locked_until = user.locked_until.filter(|end| *end > now);
            Ok(user)
        }
        .await,
    )
}

/// Lifts a lock earned by failed sign-ins and clears their count, so the user can try again
/// at once. Never unlocks a disabled account: that stays a separate choice.
#[server(endpoint = "users/unlock")]
pub async fn unlock_user(form: IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let IdForm { id } = form;
            let admin = require_admin()?;
            let services = services()?;
            let target = target_for(&admin, id).await?;
            services
                .store
                .unlock_user(admin.organisation_id, target.id)
                .await?;
            let was_locked = target
                .locked_until
                .is_some_and(|end| end > services.clock.now());
            let detail = json!({
                "failed_sign_ins": target.failed_sign_ins,
                "was_locked": was_locked,
            });
            record_admin_action(&services, &admin, "user.unlock", &target.email, detail).await;
            redirect_with(
                &format!("/users/{id}/security"),
                Notice::AccountUnlocked,
                Reached::Yes,
            );
            Ok(())
        }
        .await,
    )
}

/// The mailbox's record as a JSON download, to keep before deleting it. A GET, so a plain link
/// works; it changes nothing. Never holds the password hash.
#[server(endpoint = "users/export", input = server_fn::codec::GetUrl)]
pub async fn export_user(id: i64) -> Result<UserDetail, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let user = visible_user(&admin, id).await?;
            let disposition = format!("attachment; filename=\"{}.json\"", user.email);
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(value) = axum::http::HeaderValue::from_str(&disposition) {
                    response.insert_header(axum::http::header::CONTENT_DISPOSITION, value);
                }
            }
            Ok(user)
        }
        .await,
    )
}

/// The user's Profile tab: a checkbox left unticked arrives as `false`, and "More options"
/// left out keep their values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub id: i64,
    pub name: String,
    pub account_type: String,
    pub quota_gb: String,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub disabled: bool,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub only_local_smtp: bool,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub date_format: Option<String>,
    pub recovery_email: Option<String>,
}

/// Saves the profile form. Checkboxes arrive only when ticked. Passwords change only through
/// the reset on the Security tab (`passwords/reset`), which also decides about sessions.
#[server(endpoint = "users/update")]
pub async fn update_user(form: UserForm) -> Result<(), AppError> {
    finish(
        async move {
            let UserForm {
                id,
                name,
                account_type,
                quota_gb,
                disabled,
                only_local_smtp,
                language,
                time_zone,
                date_format,
                recovery_email,
            } = form;
            let admin = require_admin()?;
            let services = services()?;
            let target = target_for(&admin, id).await?;
            let mut errors = FieldErrors::default();
            let name = errors.check("name", DisplayName::parse(&name));
            let recovery_email = match recovery_email.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(typed) => errors
                    .check("recovery_email", EmailAddress::parse(typed))
                    .filter(|address| {
                        let outside = address.to_string() != target.email;
                        if !outside {
                            errors.add("recovery_email", ErrorCode::RecoveryIsMailbox);
                        }
                        outside
                    }),
            };
            let quota = errors.check("quota_gb", Quota::parse_gb(&quota_gb));
            let account_type = AccountType::parse(&account_type).unwrap_or(target.account_type);
            let preferences = read_preferences(
                &mut errors,
                target.preferences.clone(),
                [language, time_zone, date_format],
            );
            if disabled && target.id == admin.user_id {
                errors.add("disabled", ErrorCode::SelfAction);
            }
            let (Some(name), Some(quota)) = errors.into_result((name, quota))? else {
                return Err(AppError::Internal);
            };
            let update = UserUpdate {
                name: name.into_inner(),
                account_type,
                quota,
                disabled,
                only_local_smtp,
                recovery_email: recovery_email.clone(),
                preferences: preferences.clone(),
                now: services.clock.now(),
            };
            services
                .store
                .update_user(admin.organisation_id, id, update)
                .await?;
            let mail_server = if disabled && target.status == AccountStatus::Active {
                let address = std::slice::from_ref(&target.email);
                tell_mail_server(&services, address, MailServerAction::EndConnections).await
            } else {
                Reached::Yes
            };
            let detail = json!({
                "disabled": disabled,
                "only_local_smtp": only_local_smtp,
                "account_type": account_type.as_str(),
                "quota_mb": quota.mb(),
                "language": preferences.language.as_str(),
                "time_zone": preferences.time_zone.as_str(),
                "date_format": preferences.date_format.as_str(),
                "recovery_email": recovery_email.is_some(),
            });
            record_admin_action(&services, &admin, "user.update", &target.email, detail).await;
            redirect_with(&format!("/users/{id}"), Notice::ChangesSaved, mail_server);
            Ok(())
        }
        .await,
    )
}

/// Mailbox `id`, and the address typed to confirm its deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteUserForm {
    pub id: i64,
    pub confirm: String,
}

/// Deletes a mailbox once its address is typed back. Its sessions end with it.
#[server(endpoint = "users/delete")]
pub async fn delete_user(form: DeleteUserForm) -> Result<(), AppError> {
    finish(
        async move {
            let DeleteUserForm { id, confirm } = form;
            let admin = require_admin()?;
            let services = services()?;
            let target = target_for(&admin, id).await?;
            if target.id == admin.user_id {
                return Err(AppError::Invalid(FieldErrors::one(
                    "confirm",
                    ErrorCode::SelfAction,
                )));
            }
            if !confirm.trim().eq_ignore_ascii_case(&target.email) {
                return Err(AppError::Invalid(FieldErrors::one(
                    "confirm",
                    ErrorCode::ConfirmMismatch,
                )));
            }
            require_recent_password(&admin)?;
            let deleted = services
                .store
                .delete_users(admin.organisation_id, &[id])
                .await?;
            let mail_server =
                tell_mail_server(&services, &deleted, MailServerAction::EndConnections).await;
            let detail = json!({ "quota_mb": target.quota_mb });
            record_admin_action(&services, &admin, "user.delete", &target.email, detail).await;
            redirect_with("/users", Notice::UserDeleted, mail_server);
            Ok(())
        }
        .await,
    )
}
