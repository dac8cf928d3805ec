//! My account: the signed-in user's own password. Open also to a user who must change their
//! password after an administrator's reset, which is all such a user can reach.
use crate::error::AppError;
use crate::model::PasswordPolicy;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{audit, check_new_password, current_session, finish, policy_of, services, set_cookie},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::EmailAddress,
    crate::security::{password, session},
    serde_json::json,
};

/// What the password page needs: the rules, the user's own words the meter penalises, and
/// whether the change is required before anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPasswordRules {
    pub policy: PasswordPolicy,
    pub personal: Vec<String>,
    pub must_change: bool,
}

#[server(endpoint = "account/password_context")]
pub async fn own_password_context() -> Result<OwnPasswordRules, AppError> {
    finish(
        async move {
            let viewer = current_session().ok_or(AppError::Unauthenticated)?.viewer;
            let services = services()?;
            let (local, domain) = viewer.email.split_once('@').unwrap_or_default();
            Ok(OwnPasswordRules {
                policy: policy_of(&services, viewer.organisation_id).await?,
                personal: vec![viewer.name.clone(), local.to_owned(), domain.to_owned()],
                must_change: viewer.must_change_password,
            })
        }
        .await,
    )
}

/// Changes the caller's own password: the current one (or the temporary one an administrator
/// set) confirms it is them; the new one passes the policy and differs from it. This session
/// goes on under a new token (a new cookie), and optionally every other session of theirs ends.
/// A wrong current password is audited.
#[server(endpoint = "account/change_password")]
pub async fn change_own_password(
    current: String,
    password: String,
    password_confirm: String,
    sign_out_others: Option<String>,
) -> Result<(), AppError> {
    finish(
        async move {
            let session = current_session().ok_or(AppError::Unauthenticated)?;
            let viewer = session.viewer.clone();
            let services = services()?;
            let policy = policy_of(&services, viewer.organisation_id).await?;
            let address = EmailAddress::parse(&viewer.email).map_err(|_| AppError::Internal)?;
            let stored = services
                .store
                .find_login(&address)
                .await?
                .ok_or(AppError::Unauthenticated)?
                .password_hash;
            let mut errors = FieldErrors::default();
            // Oversize input is refused before hashing, as at sign-in.
            let verified = current.chars().count() <= policy.max_chars as usize
                && password::verify_password(current.clone(), Some(stored)).await?;
            if !verified {
                errors.add("current", ErrorCode::CurrentPasswordWrong);
                audit(
                    &services,
                    viewer.organisation_id,
                    Some(&viewer),
                    "password.change",
                    &viewer.email,
                    false,
                    json!({ "reason": "wrong_current_password" }),
                )
                .await;
            } else if password == current {
                errors.add("password", ErrorCode::PasswordUnchanged);
            } else {
                let (local, domain) = viewer.email.split_once('@').unwrap_or_default();
                let personal = [viewer.name.as_str(), local, domain];
                check_new_password(
                    &mut errors,
                    &policy,
                    &password,
                    &password_confirm,
                    &personal,
                );
            }
            errors.into_result(())?;
            let hash = password::hash_password(password).await?;
            let token = session::new_token();
            let ended = services
                .store
                .change_own_password(
                    viewer.user_id,
                    &hash,
                    (&session.token_hash, &session::token_hash(&token)),
                    sign_out_others.is_some(),
                    services.clock.now(),
                )
                .await?;
            set_cookie(&session::set_cookie(
                Some(&token),
                services.settings.secure_cookies,
            ))?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "password.change",
                &viewer.email,
                true,
                json!({
                    "was_required": viewer.must_change_password,
                    "other_sessions_ended": ended,
                }),
            )
            .await;
            leptos_axum::redirect(&format!("/account/password?changed={ended}"));
            Ok(())
        }
        .await,
    )
}
