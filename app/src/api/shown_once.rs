//! Secrets the panel shows once (new recovery codes, a new app password): the answer to the
//! form carries them for a page with JavaScript, and a sealed cookie for the page a plain form
//! post lands on, which reads it once and clears it. The server keeps only hashes.
use super::{request_cookies, services, set_cookie};
use crate::error::AppError;
use crate::model::{NewAppPasswordShown, NewOneTimePasswordShown};
use crate::security::sealed_cookie::{Opened, SHOWN_ONCE};
use crate::services::Services;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub enum Shown {
    RecoveryCodes(Vec<String>),
    AppPassword(NewAppPasswordShown),
    OneTimePassword(NewOneTimePasswordShown),
}

/// The secret, and the signed-in person whose browser may read it.
#[derive(Serialize, Deserialize)]
struct ForViewer {
    viewer: i64,
    shown: Shown,
}

pub fn show_once(services: &Services, viewer: i64, shown: Shown) -> Result<(), AppError> {
    set_cookie(&SHOWN_ONCE.set(
        &services.sealer,
        &ForViewer { viewer, shown },
        services.clock.now(),
        services.settings.secure_cookies,
    ))
}

/// The secret this browser holds for `viewer`, if it is of the kind `wanted` takes; then the
/// cookie is cleared. Another kind stays for its own page.
pub fn take_shown<T>(
    viewer: i64,
    wanted: impl Fn(Shown) -> Option<T>,
) -> Result<Option<T>, AppError> {
    let services = services()?;
    let cookies = request_cookies();
    let headers = cookies.iter().map(String::as_str);
    let clear = || set_cookie(&SHOWN_ONCE.clear(services.settings.secure_cookies));
    match SHOWN_ONCE.read::<ForViewer>(&services.sealer, headers, services.clock.now()) {
        Opened::Missing => Ok(None),
        Opened::Expired => clear().map(|_| None),
        Opened::Live(held) if held.viewer != viewer => Ok(None),
        Opened::Live(held) => match wanted(held.shown) {
            Some(value) => clear().map(|_| Some(value)),
            None => Ok(None),
        },
    }
}
