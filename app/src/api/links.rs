//! Single-use set-password links, mailed to a user's recovery address by a reset or by
//! "Forgot password". The page that opens them is public: the token, 128 random bits, is the
//! only credential.
use crate::error::AppError;
use crate::model::LinkHolder;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::tell_mail_server,
    super::mail_server::Reached,
    super::redirect_with,
    super::{audit, check_new_password, finish, policy_of, services},
    crate::error::FieldErrors,
    crate::messages,
    crate::model::personal_words,
    crate::model::MailServerAction,
    crate::model::Notice,
    crate::security::{password, session},
    crate::store::StoreError,
    serde_json::json,
};

/// Whose link this is, with the policy and personal words for the meter; `LinkInvalid` if it
/// is unknown, used or expired.
#[server(endpoint = "links/holder")]
pub async fn open_link(token: String) -> Result<LinkHolder, AppError> {
    finish(
        async move {
            let services = services()?;
            let owner = services
                .store
                .password_link_owner(&session::token_hash(&token), services.clock.now())
                .await
                .map_err(link_error)?;
            Ok(LinkHolder {
                policy: policy_of(&services, owner.organisation_id).await?,
                personal: personal_words(&owner.name, &owner.email),
                email: owner.email,
            })
        }
        .await,
    )
}

/// The password a set-password link's holder chooses.
#[derive(Clone, Serialize, Deserialize)]
pub struct LinkPasswordForm {
    pub token: String,
    pub password: String,
    pub password_confirm: String,
}
super::form::debug_without_values!(LinkPasswordForm);

/// Sets the password from the link: the policy of the user's organisation applies, the link
/// works once, and every session of the user ends. Then on to the sign-in page.
#[server(endpoint = "links/set_password")]
pub async fn set_password_by_link(form: LinkPasswordForm) -> Result<(), AppError> {
    finish(
        async move {
            let LinkPasswordForm {
                token,
                password,
                password_confirm,
            } = form;
            let services = services()?;
            let token_hash = session::token_hash(&token);
            let owner = services
                .store
                .password_link_owner(&token_hash, services.clock.now())
                .await
                .map_err(link_error)?;
            let personal = personal_words(&owner.name, &owner.email);
            let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
            let policy = policy_of(&services, owner.organisation_id).await?;
            let mut errors = FieldErrors::default();
            check_new_password(
                &mut errors,
                &policy,
                &password,
                &password_confirm,
                &personal,
            );
            errors.into_result(())?;
            let hash = password::hash_password(password).await?;
            // A link the person asked for themselves: the mailbox hears that it was used.
            let notice = if owner.requested {
                let user = services
                    .store
                    .get_user(owner.organisation_id, owner.user_id)
                    .await?;
                vec![messages::password_set_notice(&user).seal(&services.sealer)]
            } else {
                Vec::new()
            };
            // A second use racing this one finds the link spent.
            let owner = services
                .store
                .set_password_by_link(&token_hash, &hash, &notice, services.clock.now())
                .await
                .map_err(link_error)?;
            services.mail_queued.notify_one();
            // Every session ended, so the mail apps' connections too. The user isn't told
            // when the mail server lags: the retry queue sees to it.
            let address = std::slice::from_ref(&owner.email);
            let _ = tell_mail_server(&services, address, MailServerAction::EndConnections).await;
            audit(
                &services,
                owner.organisation_id,
                None,
                "password.set_by_link",
                &owner.email,
                true,
                json!({ "sessions_ended": "all", "requested": owner.requested }),
            )
            .await;
            redirect_with("/login", Notice::PasswordSetByLink, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn link_error(error: StoreError) -> AppError {
    match error {
        StoreError::NotFound => AppError::Invalid(FieldErrors::one(
            "form",
            crate::error::ErrorCode::LinkInvalid,
        )),
        other => other.into(),
    }
}
