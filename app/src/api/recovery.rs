//! "Forgot password": the person types their address and a single-use link goes to the
//! account's recovery address, never to the mailbox itself (which they can't open). The
//! answer is the same, and comes after the same time, whatever the address: it tells a
//! stranger nothing of which addresses exist or have a recovery address.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::{audit, client_ip, finish, redirect_with, services},
    crate::error::FieldErrors,
    crate::messages,
    crate::model::{EmailAddress, Notice},
    crate::security::session,
    crate::services::Services,
    crate::store::NewPasswordLink,
    serde_json::json,
    std::time::Duration,
};

/// How long a recovery link works: shorter than an administrator's, since nobody vouched for
/// the request.
#[cfg(feature = "ssr")]
const LINK_LIFETIME: i64 = 3600;

/// Whether "Forgot password" takes addresses: some organisation lets its users recover their
/// own password. If none does, the page says to ask the administrator.
#[server(endpoint = "recovery/open")]
pub async fn recovery_open() -> Result<bool, AppError> {
    finish(async move { Ok(services()?.store.any_self_service_recovery().await?) }.await)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecoveryForm {
    pub email: String,
}

/// Sends a set-password link to the recovery address of the account `email` names, if there
/// is one and its organisation allows it; answers alike in every case.
#[server(endpoint = "recovery/request")]
pub async fn request_recovery(form: RecoveryForm) -> Result<(), AppError> {
    finish(
        async move {
            let started = tokio::time::Instant::now();
            let services = services()?;
            let email = EmailAddress::parse(&form.email)
                .map_err(|code| AppError::Invalid(FieldErrors::one("email", code)))?;
            let now = services.clock.now();
            let ip = client_ip();
            let limits = services.recovery_limits;
            let taken = limits
                .take(services.store.as_ref(), &email.to_string(), &ip, now)
                .await?;
            if let Err(wait) = taken {
                tracing::warn!(target: "recovery", result = "throttled", ip = %ip, retry_after = wait);
                if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                    response.insert_header(axum::http::header::RETRY_AFTER, wait.into());
                }
                return Err(AppError::RateLimited);
            }
            let outcome = send_link(&services, &email, now).await;
            // The work itself, a lookup and maybe a write, takes a few milliseconds.
            let answer_after = services.settings.recovery_answer_after;
            tokio::time::sleep_until(started + answer_after).await;
            if started.elapsed() > answer_after + Duration::from_millis(50) {
                tracing::warn!(
                    target: "recovery",
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "a recovery request took longer than its fixed answer time"
                );
            }
            outcome?;
            redirect_with("/forgot-password", Notice::RecoveryRequested, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// Queues the link if the account may have one, and audits the request of a known account
/// in its organisation (an unknown address leaves only a log line, as at sign-in).
#[cfg(feature = "ssr")]
async fn send_link(services: &Services, email: &EmailAddress, now: i64) -> Result<(), AppError> {
    let Some(login) = services.store.find_login(email).await? else {
        tracing::info!(target: "recovery", result = "unknown_address", ip = %client_ip());
        return Ok(());
    };
    let user = services
        .store
        .get_user(login.organisation_id, login.user_id)
        .await?;
    let allowed = services
        .store
        .account_help(login.organisation_id)
        .await?
        .self_service_recovery;
    let outcome = match &user.recovery_email {
        _ if !allowed => "recovery_off",
        _ if login.disabled || user.shared => "disabled",
        None => "no_recovery_address",
        Some(recovery) => {
            let token = session::new_token();
            let url = format!("{}/set-password/{token}", services.settings.public_url);
            let mail = messages::recovery_link(&user, recovery, &url, LINK_LIFETIME / 60)
                .seal(&services.sealer);
            let link = NewPasswordLink {
                token_hash: session::token_hash(&token),
                expires_at: now + LINK_LIFETIME,
            };
            services
                .store
                .add_requested_link(login.organisation_id, user.id, link, &[mail], now)
                .await?;
            services.mail_queued.notify_one();
            "sent"
        }
    };
    audit(
        services,
        login.organisation_id,
        None,
        "password.recovery_request",
        &user.email,
        outcome == "sent",
        json!({ "outcome": outcome }),
    )
    .await;
    Ok(())
}
