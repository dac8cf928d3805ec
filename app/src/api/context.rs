//! Server-side helpers every server function starts with: who asks, from where, with what.
use super::mail_server::Reached;
use crate::error::{AppError, ErrorCode, FieldErrors};
use crate::model::{AddressHolder, AdminScope, Domain, Notice, PasswordPolicy, UserDetail, Viewer};
use crate::services::{ClientIp, RequestSession, Services};
use crate::store::{AuditEntry, StoreError};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::sync::Arc;

pub fn services() -> Result<Arc<Services>, AppError> {
    use_context::<Arc<Services>>().ok_or_else(|| {
        tracing::error!("services missing from the server function context");
        AppError::Internal
    })
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the server function context");
        AppError::Internal
    })
}

/// The caller's live session, if any.
pub fn current_session() -> Option<RequestSession> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<RequestSession>().cloned())
}

/// The signed-in caller, or `Unauthenticated`. A caller who must first choose a new password
/// gets `PasswordChangeRequired`, and then one who must set up two-factor authentication
/// `TwoFactorSetupRequired`: only those steps (`require_confined_viewer`) and signing out
/// are open to them.
pub fn require_viewer() -> Result<Viewer, AppError> {
    let viewer = require_confined_viewer()?;
    if viewer.must_set_up_two_factor {
        return Err(AppError::TwoFactorSetupRequired);
    }
    Ok(viewer)
}

/// The signed-in caller in their own session: an administrator who signed in as the user
/// doesn't see or change the user's password, two-factor set-up or recovery codes, and makes
/// no app password for them.
pub fn require_own_viewer() -> Result<Viewer, AppError> {
    let viewer = require_viewer()?;
    refuse_acting(&viewer)?;
    Ok(viewer)
}

/// `NotWhileActing` for a session an administrator opened as the user.
pub fn refuse_acting(viewer: &Viewer) -> Result<(), AppError> {
    match viewer.acting_admin {
        Some(_) => Err(AppError::NotWhileActing),
        None => Ok(()),
    }
}

/// The signed-in caller who may have yet to set up two-factor authentication, for that set-up
/// itself. A password change still comes first.
pub fn require_confined_viewer() -> Result<Viewer, AppError> {
    let viewer = current_session()
        .map(|s| s.viewer)
        .ok_or(AppError::Unauthenticated)?;
    if viewer.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(viewer)
}

/// Refuses a sensitive action (deleting users, resetting an administrator's password) when the
/// caller's session last proved its password longer ago than the panel allows.
pub fn require_recent_password(viewer: &Viewer) -> Result<(), AppError> {
    let services = services()?;
    if services.clock.now() - viewer.password_confirmed_at > services.settings.reauth_after {
        Err(AppError::ReauthRequired)
    } else {
        Ok(())
    }
}

/// The signed-in caller if they own the organisation (settings, domains, other admins).
pub fn require_account_admin() -> Result<Viewer, AppError> {
    let viewer = require_viewer()?;
    if viewer.role == crate::model::Role::AccountAdmin {
        Ok(viewer)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The signed-in caller if they administer the organisation, else `Forbidden`.
pub fn require_admin() -> Result<Viewer, AppError> {
    let viewer = require_viewer()?;
    if viewer.role.is_admin() {
        Ok(viewer)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The signed-in caller if they administer the whole organisation (not a domain admin): the
/// overview and the audit log speak of every domain.
pub fn require_org_admin() -> Result<Viewer, AppError> {
    let viewer = require_admin()?;
    if viewer.scope == AdminScope::Organisation {
        Ok(viewer)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A user the caller may see. Outside a domain admin's domains, as in another organisation,
/// the user reads as not found: an id or an address tells nothing of what lies beyond.
pub async fn visible_user(admin: &Viewer, id: i64) -> Result<UserDetail, AppError> {
    let user = services()?
        .store
        .get_user(admin.organisation_id, id)
        .await?;
    if admin.may_see(&user) {
        Ok(user)
    } else {
        Err(AppError::NotFound)
    }
}

/// The target if the caller may change it (`Viewer::may_manage`): a lower admin reads a higher
/// one's record but changes, resets, signs out or deletes nothing of it.
pub async fn target_for(admin: &Viewer, id: i64) -> Result<UserDetail, AppError> {
    let target = visible_user(admin, id).await?;
    if admin.may_manage(&target) {
        Ok(target)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The organisation's domains the caller administers: all of them, or a domain admin's.
pub async fn domains_in_scope(
    services: &Services,
    admin: &Viewer,
) -> Result<Vec<Domain>, AppError> {
    let all = services.store.list_domains(admin.organisation_id).await?;
    Ok(all
        .into_iter()
        .filter(|d| admin.scope.covers_domain(d.id))
        .collect())
}

/// The domain a form chose by its id, among those the caller looks after: any other id, or
/// none, reads as `DomainUnknown` for the form to show next to its field.
pub async fn chosen_domain(
    services: &Services,
    admin: &Viewer,
    chosen: &str,
) -> Result<Result<Domain, ErrorCode>, AppError> {
    let domains = domains_in_scope(services, admin).await?;
    Ok(chosen
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| domains.into_iter().find(|d| d.id == id))
        .ok_or(ErrorCode::DomainUnknown))
}

/// The request's `Cookie` headers, for the sealed cookies that carry a half-way sign-in or a
/// secret shown once.
pub fn request_cookies() -> Vec<String> {
    use_context::<Parts>()
        .map(|p| {
            p.headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub fn client_ip() -> String {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
        .unwrap_or_default()
}

pub fn user_agent() -> String {
    parts()
        .ok()
        .and_then(|p| {
            p.headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

pub fn set_cookie(value: &str) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    let value = HeaderValue::from_str(value).map_err(|e| {
        tracing::error!(error = %e, "cookie header");
        AppError::Internal
    })?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

/// Sends the form's browser back to `path`, which then says `notice` (and warns when the mail
/// server has yet to hear of the change).
pub fn redirect_with(path: &str, notice: Notice, mail_server: Reached) {
    leptos_axum::redirect(&format!("{}{}", notice.after(path), mail_server.query()));
}

/// Gives an API caller the HTTP status that matches the error. A plain HTML form post keeps
/// the redirect that carries the error back to the page.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let form_post = use_context::<Parts>()
            .and_then(|p| p.headers.get(header::ACCEPT).cloned())
            .and_then(|v| v.to_str().ok().map(|s| s.contains("text/html")))
            .unwrap_or(false);
        if let (false, Some(response)) = (form_post, use_context::<ResponseOptions>()) {
            let status = StatusCode::from_u16(error.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
        }
    }
    result
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { field } => AppError::Conflict(match field {
                "domain" => FieldErrors::one(field, ErrorCode::DomainTaken),
                "member" => FieldErrors::one("email", ErrorCode::AlreadyMember),
                _ => FieldErrors::one(field, ErrorCode::AddressTaken),
            }),
            StoreError::RowConflict { holder, .. } => held("form", holder),
            StoreError::AddressHeld { field, holder } => held(field, holder),
            StoreError::LicencesExhausted { licences } => AppError::Conflict(FieldErrors::one(
                "form",
                ErrorCode::LicencesExhausted(licences),
            )),
            StoreError::StoragePoolExceeded { available_mb } => AppError::Invalid(
                FieldErrors::one("quota_gb", ErrorCode::QuotaOverPool(available_mb)),
            ),
            StoreError::QuotaBelowUsed { used_mb } => AppError::Invalid(FieldErrors::one(
                "quota_gb",
                ErrorCode::QuotaBelowUsed(used_mb),
            )),
            StoreError::InUse { mailboxes } => {
                AppError::Conflict(FieldErrors::one("form", ErrorCode::DomainInUse(mailboxes)))
            }
            StoreError::Unavailable(cause) => {
                tracing::error!(error = %cause, "database unavailable");
                AppError::Unavailable
            }
            StoreError::Backend(cause) => {
                tracing::error!(error = %cause, "store failure");
                AppError::Internal
            }
        }
    }
}

/// "User already exists", saying what holds the address.
fn held(field: &str, holder: AddressHolder) -> AppError {
    AppError::Conflict(match holder {
        AddressHolder::Mailbox => FieldErrors::one(field, ErrorCode::AddressTaken),
        AddressHolder::Alias(of) => FieldErrors::one_with(field, ErrorCode::AddressIsAlias, of),
        AddressHolder::List(name) => FieldErrors::one_with(field, ErrorCode::AddressIsList, name),
    })
}

/// Writes one audit event of an action that has already happened on its own, so a failure to
/// record it is logged loudly rather than undone. A change the store makes in one call takes
/// its event (`event`, `admin_event`) and writes it in the change's transaction instead.
pub async fn audit(
    services: &Services,
    organisation_id: i64,
    actor: Option<&Viewer>,
    action: &'static str,
    target: &str,
    success: bool,
    detail: serde_json::Value,
) {
    let entry = event(
        services,
        organisation_id,
        actor,
        action,
        target,
        success,
        detail,
    );
    write_event(services, entry).await;
}

async fn write_event(services: &Services, entry: AuditEntry) {
    let action = entry.action;
    if let Err(e) = services.store.record_audit(entry).await {
        tracing::error!(error = %e, action, "audit event not recorded");
    }
}

/// One audit event, stamped now with the client's address.
pub fn event(
    services: &Services,
    organisation_id: i64,
    actor: Option<&Viewer>,
    action: &'static str,
    target: &str,
    success: bool,
    detail: serde_json::Value,
) -> AuditEntry {
    // In a session an administrator opened as the user, both are named.
    let mut detail = detail;
    let actor_text = match actor {
        Some(Viewer {
            email,
            acting_admin: Some(admin),
            ..
        }) => {
            if let Some(object) = detail.as_object_mut() {
                object.insert("acting_admin".into(), admin.email.clone().into());
            }
            format!("{email} (by {})", admin.email)
        }
        Some(a) => a.email.clone(),
        None => String::new(),
    };
    AuditEntry {
        organisation_id: Some(organisation_id),
        actor_id: actor.map(|a| a.user_id),
        actor: actor_text,
        action,
        target: target.to_owned(),
        success,
        detail: detail.to_string(),
        ip: client_ip(),
        now: services.clock.now(),
    }
}

/// What an administrator did, succeeded: the event `record_admin_action` writes.
pub fn admin_event(
    services: &Services,
    admin: &Viewer,
    action: &'static str,
    target: &str,
    detail: serde_json::Value,
) -> AuditEntry {
    event(
        services,
        admin.organisation_id,
        Some(admin),
        action,
        target,
        true,
        detail,
    )
}

/// Records what an administrator did, and that it succeeded.
pub async fn record_admin_action(
    services: &Services,
    admin: &Viewer,
    action: &'static str,
    target: &str,
    detail: serde_json::Value,
) {
    write_event(
        services,
        admin_event(services, admin, action, target, detail),
    )
    .await;
}

/// The password policy of the caller's organisation, which every new password must pass.
pub async fn policy_of(
    services: &Services,
    organisation_id: i64,
) -> Result<PasswordPolicy, AppError> {
    Ok(services.store.password_policy(organisation_id).await?)
}

/// Checks a new password and its confirmation, recording refusals under `password` and
/// `password_confirm`. `personal` holds the words the password must not contain.
pub fn check_new_password(
    errors: &mut FieldErrors,
    policy: &PasswordPolicy,
    password: &str,
    confirm: &str,
    personal: &[&str],
) {
    if let Err(code) = policy.check(password, personal) {
        errors.add("password", code);
    } else if password != confirm {
        errors.add("password_confirm", ErrorCode::PasswordMismatch);
    }
}
