//! Sign-in, sign-out, who am I, and the one-time setup of the first administrator.
use crate::error::AppError;
use crate::model::Viewer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::redirect_with,
    super::two_factor::{check_second_factor, SecondFactor},
    super::{
        audit, check_new_password, client_ip, current_session, event, finish,
        password_check::{check_password, PasswordCheck},
        request_cookies, require_viewer, services, set_cookie, user_agent,
    },
    crate::error::{ErrorCode, FieldErrors},
    crate::model::Notice,
    crate::model::{DisplayName, EmailAddress, PasswordPolicy},
    crate::security::sealed_cookie::{Opened, HALF_WAY_SIGN_IN},
    crate::security::{password, session, setup},
    crate::services::Services,
    crate::store::{LoginRecord, NewOrganisation, NewSession, StoreError},
    serde_json::json,
};

/// The signed-in person.
#[server(endpoint = "auth/whoami")]
pub async fn whoami() -> Result<Viewer, AppError> {
    finish(require_viewer())
}

/// Whether the one-time setup page is open (no administrator exists yet).
#[server(endpoint = "auth/setup_open")]
pub async fn setup_open() -> Result<bool, AppError> {
    finish(
        async {
            let services = services()?;
            Ok(services.store.setup_open().await?)
        }
        .await,
    )
}

/// The sign-in form.
#[derive(Clone, Serialize, Deserialize)]
pub struct SignInForm {
    pub email: String,
    pub password: String,
}
super::form::debug_without_values!(SignInForm);

#[server(endpoint = "auth/login")]
pub async fn login(form: SignInForm) -> Result<(), AppError> {
    finish(login_inner(form).await)
}

#[cfg(feature = "ssr")]
async fn login_inner(form: SignInForm) -> Result<(), AppError> {
    let SignInForm { email, password } = form;
    let services = services()?;
    let refused = || AppError::Invalid(FieldErrors::one("form", ErrorCode::SignInFailed));
    let now = services.clock.now();
    let ip = client_ip();
    throttled(&services, &ip, now).await?;

    let address = EmailAddress::parse(&email).ok();
    let record = match &address {
        Some(a) => services.store.find_login(a).await?,
        None => None,
    };
    let check = check_password(&services, record.as_ref(), &password).await?;
    let reason = match (&check, &record) {
        (PasswordCheck::Refused { reason, .. }, _) => *reason,
        (PasswordCheck::Right, Some(r)) if r.disabled => "disabled",
        (PasswordCheck::Right, Some(r)) if r.password_expires_at.is_some_and(|end| end <= now) => {
            "temporary_password_expired"
        }
        _ => "",
    };
    let shown = address
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    if !reason.is_empty() {
        tracing::info!(target: "signin", result = "failure", reason, account = %shown, ip = %ip);
        services
            .sign_in_throttle
            .record(services.store.as_ref(), &ip, now)
            .await?;
        // Unknown addresses leave no row behind: nothing to fill the database with.
        if let Some(r) = &record {
            let mut detail = check.detail();
            detail["reason"] = json!(reason);
            audit(
                &services,
                r.organisation_id,
                None,
                "sign_in",
                &shown,
                false,
                detail,
            )
            .await;
        }
        // Said only to whoever typed the right password of an unlocked account: it tells a
        // stranger nothing.
        if reason == "temporary_password_expired" {
            return Err(AppError::Invalid(FieldErrors::one(
                "form",
                ErrorCode::TemporaryPasswordExpired,
            )));
        }
        return Err(refused());
    }
    let record = record.expect("verified implies a record");
    if password::needs_rehash(&record.password_hash) {
        // The stored hash predates today's parameters: the password is at hand, so upgrade it.
        let upgraded = password::hash_password(password).await?;
        services
            .store
            .update_password_hash(record.user_id, &upgraded, services.clock.now())
            .await?;
    }
    if record.two_factor_on {
        // No session yet: the code comes first, within five minutes, from this browser.
        set_cookie(&HALF_WAY_SIGN_IN.set(
            &services.sealer,
            &HalfWay {
                user: record.user_id,
                organisation: record.organisation_id,
            },
            now,
            services.settings.secure_cookies,
        ))?;
        tracing::info!(target: "signin", result = "password_ok", account = %shown, ip = %ip);
        leptos_axum::redirect("/login/code");
        return Ok(());
    }
    start_session(&services, &record, &shown, None).await
}

/// Who got past the password and has yet to type their code, sealed in a cookie.
#[cfg(feature = "ssr")]
#[derive(Serialize, Deserialize)]
struct HalfWay {
    user: i64,
    organisation: i64,
}

/// The end of a sign-in that passed: a new session (a new token at every sign-in, so no
/// session fixation), the audit event, and the first page.
#[cfg(feature = "ssr")]
async fn start_session(
    services: &Services,
    record: &LoginRecord,
    shown: &str,
    second_factor: Option<SecondFactor>,
) -> Result<(), AppError> {
    let now = services.clock.now();
    let ip = client_ip();
    let token = session::new_token();
    let device = session::device_label(&user_agent());
    let must_set_up_two_factor = second_factor.is_none() && record.must_set_up_two_factor;
    let actor = crate::model::Viewer {
        user_id: record.user_id,
        organisation_id: record.organisation_id,
        email: shown.to_owned(),
        name: String::new(),
        role: record.role,
        // Only names the actor of the sign-in event; nothing is authorised with it.
        scope: crate::model::AdminScope::Organisation,
        must_change_password: record.must_change_password,
        must_set_up_two_factor,
        password_confirmed_at: now,
        acting_admin: None,
    };
    let mut detail = json!({ "device": device });
    if let Some(factor) = second_factor {
        detail["second_factor"] = json!(factor.as_str());
    }
    let signed_in = event(
        services,
        actor.organisation_id,
        Some(&actor),
        "sign_in",
        shown,
        true,
        detail,
    );
    services
        .store
        .create_session(
            NewSession {
                user_id: record.user_id,
                token_hash: session::token_hash(&token),
                device,
                ip: ip.clone(),
                now,
            },
            &signed_in,
        )
        .await?;
    set_cookie(&session::set_cookie(
        Some(&token),
        services.settings.secure_cookies,
    ))?;
    tracing::info!(target: "signin", result = "success", account = %shown, ip = %ip);
    // After an administrator's reset the first stop is choosing one's own password, then
    // setting up a second factor the organisation requires; a mailbox user's panel is their
    // own account.
    let first_page = if record.must_change_password {
        "/account/password"
    } else if must_set_up_two_factor {
        "/account/two-factor"
    } else if record.role.is_admin() {
        "/users"
    } else {
        "/account/password"
    };
    match second_factor {
        Some(SecondFactor::RecoveryCode(left)) => redirect_with(
            "/account/two-factor",
            Notice::RecoveryCodeUsed(left as u64),
            Reached::Yes,
        ),
        _ => leptos_axum::redirect(first_page),
    }
    Ok(())
}

/// The address whose sign-in waits for its code, for the second page to name it.
#[server(endpoint = "auth/pending")]
pub async fn pending_sign_in() -> Result<String, AppError> {
    finish(
        async move {
            let services = services()?;
            let (_, user) = half_way(&services).await?;
            Ok(user.email)
        }
        .await,
    )
}

/// The half-way sign-in of this browser and whose it is; `SignInExpired` when there is none
/// or it is older than five minutes.
#[cfg(feature = "ssr")]
async fn half_way(services: &Services) -> Result<(HalfWay, crate::model::UserDetail), AppError> {
    let expired = || AppError::Invalid(FieldErrors::one("form", ErrorCode::SignInExpired));
    let cookies = request_cookies();
    let headers = cookies.iter().map(String::as_str);
    let Opened::Live(state) =
        HALF_WAY_SIGN_IN.read::<HalfWay>(&services.sealer, headers, services.clock.now())
    else {
        return Err(expired());
    };
    let user = services
        .store
        .get_user(state.organisation, state.user)
        .await
        .map_err(|_| expired())?;
    Ok((state, user))
}

/// The sign-in's second page: "Authentication code".
#[derive(Clone, Serialize, Deserialize)]
pub struct SignInCodeForm {
    pub code: String,
}
super::form::debug_without_values!(SignInCodeForm);

/// Finishes a sign-in with the code from the app, or a recovery code. A wrong one counts
/// towards the account's lock, which comes sooner than for passwords (`LockoutRules::
/// for_codes`), and towards the client address's throttle.
#[server(endpoint = "auth/code")]
pub async fn sign_in_code(form: SignInCodeForm) -> Result<(), AppError> {
    finish(sign_in_code_inner(form).await)
}

#[cfg(feature = "ssr")]
async fn sign_in_code_inner(form: SignInCodeForm) -> Result<(), AppError> {
    let services = services()?;
    let now = services.clock.now();
    let ip = client_ip();
    throttled(&services, &ip, now).await?;
    let secure = services.settings.secure_cookies;
    let (state, user) = match half_way(&services).await {
        Ok(found) => found,
        Err(e) => {
            set_cookie(&HALF_WAY_SIGN_IN.clear(secure))?;
            return Err(e);
        }
    };
    let address = EmailAddress::parse(&user.email).map_err(|_| AppError::Internal)?;
    let record = services
        .store
        .find_login(&address)
        .await?
        .filter(|r| r.user_id == state.user && !r.disabled)
        .ok_or_else(|| AppError::Invalid(FieldErrors::one("form", ErrorCode::SignInExpired)))?;
    let refuse = |reason: &'static str, detail: serde_json::Value| {
        let services = services.clone();
        let email = user.email.clone();
        let ip = ip.clone();
        async move {
            tracing::info!(target: "signin", result = "failure", reason, account = %email, ip = %ip);
            let counted = services
                .sign_in_throttle
                .record(services.store.as_ref(), &ip, now)
                .await;
            let mut detail = detail;
            detail["reason"] = json!(reason);
            audit(
                &services,
                state.organisation,
                None,
                "sign_in",
                &email,
                false,
                detail,
            )
            .await;
            counted
        }
    };
    if record.locked_until.is_some_and(|end| end > now) {
        refuse("locked", json!({})).await?;
        return Err(AppError::Invalid(FieldErrors::one(
            "code",
            ErrorCode::SignInLocked,
        )));
    }
    let Some(factor) = check_second_factor(&services, record.user_id, &form.code).await? else {
        let locked_until = services
            .store
            .record_failed_sign_in(record.user_id, now, services.settings.lockout.for_codes())
            .await?;
        let mut detail = json!({});
        if let Some(end) = locked_until {
            detail["locked_until"] = json!(end);
        }
        refuse("wrong_code", detail).await?;
        return Err(AppError::Invalid(FieldErrors::one(
            "code",
            ErrorCode::CodeWrong,
        )));
    };
    set_cookie(&HALF_WAY_SIGN_IN.clear(secure))?;
    start_session(&services, &record, &user.email, Some(factor)).await
}

/// Refuses a client address that failed too often, before any lookup or hashing: a flood from
/// one address costs nothing.
#[cfg(feature = "ssr")]
async fn throttled(services: &Services, ip: &str, now: i64) -> Result<(), AppError> {
    let store = services.store.as_ref();
    if let Some(wait) = services
        .sign_in_throttle
        .retry_after(store, ip, now)
        .await?
    {
        tracing::warn!(target: "signin", result = "throttled", ip = %ip, retry_after = wait);
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(axum::http::header::RETRY_AFTER, wait.into());
        }
        return Err(AppError::RateLimited);
    }
    Ok(())
}

#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    finish(logout_inner().await)
}

#[cfg(feature = "ssr")]
async fn logout_inner() -> Result<(), AppError> {
    // Signing out of a session as a user ends that one: the administrator's own goes on.
    if let Some(back) = super::acting::end_acting_session().await? {
        leptos_axum::redirect(&back);
        return Ok(());
    }
    let services = services()?;
    let session = current_session().ok_or(AppError::Unauthenticated)?;
    services.store.delete_session(&session.token_hash).await?;
    set_cookie(&session::set_cookie(None, services.settings.secure_cookies))?;
    audit(
        &services,
        session.viewer.organisation_id,
        Some(&session.viewer),
        "sign_out",
        &session.viewer.email,
        true,
        json!({}),
    )
    .await;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The first start: the organisation and its first administrator.
#[derive(Clone, Serialize, Deserialize)]
pub struct SetupForm {
    pub token: String,
    pub organisation: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
}
super::form::debug_without_values!(SetupForm);

/// Creates the organisation and its account administrator with the token printed at start.
#[server(endpoint = "auth/setup")]
pub async fn complete_setup(form: SetupForm) -> Result<(), AppError> {
    finish(
        async move {
            let SetupForm {
                token,
                organisation,
                name,
                email,
                password,
                password_confirm,
            } = form;
            let services = services()?;
            if !services.store.setup_open().await? {
                return Err(AppError::Invalid(FieldErrors::one(
                    "token",
                    ErrorCode::SetupDone,
                )));
            }
            let mut errors = FieldErrors::default();
            let organisation = errors.check("organisation", DisplayName::parse(&organisation));
            let name = errors.check("name", DisplayName::parse(&name));
            let address = errors.check("email", EmailAddress::parse(&email));
            let mut personal = vec![name.as_ref().map_or("", |n| n.as_str())];
            if let Some(a) = &address {
                personal.extend([a.local().as_str(), a.domain().as_str()]);
            }
            // The organisation starts with the default policy.
            let policy = PasswordPolicy::default();
            check_new_password(
                &mut errors,
                &policy,
                &password,
                &password_confirm,
                &personal,
            );
            let (Some(organisation), Some(name), Some(address)) =
                errors.into_result((organisation, name, address))?
            else {
                return Err(AppError::Internal);
            };
            let token_invalid =
                || AppError::Invalid(FieldErrors::one("token", ErrorCode::SetupTokenInvalid));
            let token_hash = setup::typed_token_hash(&token);
            if !services.store.setup_token_kept(&token_hash).await? {
                return Err(token_invalid());
            }
            let password_hash = password::hash_password(password).await?;
            let viewer = services
                .store
                .create_organisation(NewOrganisation {
                    organisation_name: organisation.as_str().to_owned(),
                    admin_name: name.into_inner(),
                    admin_email: address,
                    password_hash,
                    setup_token_hash: Some(token_hash),
                    now: services.clock.now(),
                })
                .await
                // Another setup took the token while this one hashed its password.
                .map_err(|e| match e {
                    StoreError::NotFound => token_invalid(),
                    e => e.into(),
                })?;
            let detail = json!({ "via": "setup_token" });
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "setup",
                organisation.as_str(),
                true,
                detail,
            )
            .await;
            redirect_with("/login", Notice::SetupDone, Reached::Yes);
            Ok(())
        }
        .await,
    )
}
