//! The one way a typed password proves who someone is: at sign-in, in "Confirm it's you", and
//! as the current password when changing one's own. Each refusal is the same: oversize input
//! costs no hashing, an unknown account costs a dummy verification, a locked account is refused
//! even with the right password, and a wrong password counts towards the account's lock.
use crate::error::AppError;
use crate::model::PasswordPolicy;
use crate::security::password;
use crate::services::Services;
use crate::store::LoginRecord;
use serde_json::{json, Value};

/// What a typed password proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordCheck {
    Right,
    Refused {
        /// `unknown_account`, `locked` or `wrong_password`, for the log and the audit event.
        reason: &'static str,
        /// The end of the lock this failure started or lengthened.
        locked_until: Option<i64>,
    },
}

impl PasswordCheck {
    /// The audit event's detail for a refusal: its reason, and the lock it earned.
    pub fn detail(&self) -> Value {
        match self {
            Self::Right => json!({}),
            Self::Refused {
                reason,
                locked_until,
            } => {
                let mut detail = json!({ "reason": reason });
                if let Some(end) = locked_until {
                    detail["locked_until"] = json!(end);
                }
                detail
            }
        }
    }
}

/// Checks `typed` against the account's password (`None`: no such account).
pub async fn check_password(
    services: &Services,
    account: Option<&LoginRecord>,
    typed: &str,
) -> Result<PasswordCheck, AppError> {
    let now = services.clock.now();
    // Oversize input is refused before hashing; its length is the caller's own knowledge.
    // A locked account's password is still checked, so its answer takes as long as any other.
    let verified = typed.chars().count() <= PasswordPolicy::MAX_CHARS as usize
        && password::verify_password(typed.to_owned(), account.map(|a| a.password_hash.clone()))
            .await?;
    let Some(account) = account else {
        return Ok(PasswordCheck::Refused {
            reason: "unknown_account",
            locked_until: None,
        });
    };
    if account.locked_until.is_some_and(|end| end > now) {
        // Attempts during a lock don't lengthen it: a stranger can't keep the owner out.
        return Ok(PasswordCheck::Refused {
            reason: "locked",
            locked_until: None,
        });
    }
    if verified {
        return Ok(PasswordCheck::Right);
    }
    let locked_until = services
        .store
        .record_failed_sign_in(account.user_id, now, services.settings.lockout)
        .await?;
    Ok(PasswordCheck::Refused {
        reason: "wrong_password",
        locked_until,
    })
}
