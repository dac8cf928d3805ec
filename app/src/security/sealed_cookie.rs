//! Short-lived state a browser carries from one request to the next, sealed with the server's
//! key so that it can be neither read nor forged: the half-way sign-in (the password was right,
//! the code is still to come) and secrets shown once, which must outlive the redirect that
//! follows a form post without JavaScript. Nothing of it waits on the server, so any instance
//! of the panel that shares the key reads it, and an abandoned half-way sign-in leaves no row.
use super::seal::Sealer;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// One kind of sealed cookie: its names and how long its content holds.
pub struct SealedCookie {
    /// On HTTPS (or loopback), where the `__Host-` prefix pins it to this origin and path `/`.
    secure_name: &'static str,
    plain_name: &'static str,
    /// Seconds; checked against the panel's clock, not only the browser's `Max-Age`.
    pub lifetime: i64,
}

/// Between the right password and the right code: at most five minutes.
pub const HALF_WAY_SIGN_IN: SealedCookie = SealedCookie {
    secure_name: "__Host-postmaster_sign_in",
    plain_name: "postmaster_sign_in",
    lifetime: 300,
};

/// Secrets shown once (new recovery codes): read by the next page, then cleared.
pub const SHOWN_ONCE: SealedCookie = SealedCookie {
    secure_name: "__Host-postmaster_once",
    plain_name: "postmaster_once",
    lifetime: 600,
};

/// What a cookie held when it was read.
#[derive(Debug, PartialEq, Eq)]
pub enum Opened<T> {
    /// No such cookie, or one that was not sealed by this server for this use.
    Missing,
    /// Sealed by this server, but older than its lifetime.
    Expired,
    Live(T),
}

#[derive(Serialize, Deserialize)]
struct Stamped<T> {
    at: i64,
    value: T,
}

impl SealedCookie {
    fn name(&self, secure: bool) -> &'static str {
        if secure {
            self.secure_name
        } else {
            self.plain_name
        }
    }

    /// The `Set-Cookie` value that carries `value`, sealed at `now`.
    pub fn set<T: Serialize>(&self, sealer: &Sealer, value: &T, now: i64, secure: bool) -> String {
        let plain =
            serde_json::to_vec(&Stamped { at: now, value }).expect("a cookie's content serialises");
        let sealed = URL_SAFE_NO_PAD.encode(sealer.seal_for(self.plain_name.as_bytes(), &plain));
        let name = self.name(secure);
        let secure_attr = if secure { "; Secure" } else { "" };
        format!(
            "{name}={sealed}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure_attr}",
            self.lifetime
        )
    }

    /// The `Set-Cookie` value that removes it.
    pub fn clear(&self, secure: bool) -> String {
        let name = self.name(secure);
        let secure_attr = if secure { "; Secure" } else { "" };
        format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure_attr}")
    }

    /// Reads it from a request's `Cookie` headers.
    pub fn read<'h, T: DeserializeOwned>(
        &self,
        sealer: &Sealer,
        cookie_headers: impl IntoIterator<Item = &'h str>,
        now: i64,
    ) -> Opened<T> {
        let found = cookie_headers
            .into_iter()
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.secure_name || *name == self.plain_name)
            .map(|(_, value)| value);
        let stamped = found
            .and_then(|value| URL_SAFE_NO_PAD.decode(value).ok())
            .and_then(|sealed| sealer.open_for(self.plain_name.as_bytes(), &sealed))
            .and_then(|plain| serde_json::from_slice::<Stamped<T>>(&plain).ok());
        match stamped {
            None => Opened::Missing,
            Some(s) if now < s.at || now - s.at > self.lifetime => Opened::Expired,
            Some(s) => Opened::Live(s.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(set_cookie: &str) -> String {
        set_cookie.split(';').next().unwrap().to_owned()
    }

    #[test]
    fn holds_its_content_for_its_lifetime_only() {
        let sealer = Sealer::new(&Sealer::generate_key());
        let header = HALF_WAY_SIGN_IN.set(&sealer, &(7_i64, "x"), 1000, true);
        assert!(header.starts_with("__Host-postmaster_sign_in="));
        assert!(header.contains("HttpOnly") && header.contains("Secure"));
        let cookie = format!("other=1; {}", value_of(&header));
        let read = |now| HALF_WAY_SIGN_IN.read::<(i64, String)>(&sealer, [cookie.as_str()], now);
        assert_eq!(read(1300), Opened::Live((7, "x".to_owned())));
        assert_eq!(read(1301), Opened::Expired);
        assert_eq!(read(999), Opened::Expired);
    }

    #[test]
    fn opens_nothing_forged_or_meant_for_another_use() {
        let sealer = Sealer::new(&Sealer::generate_key());
        let shown = value_of(&SHOWN_ONCE.set(&sealer, &7_i64, 1000, false));
        let (_, sealed) = shown.split_once('=').unwrap();
        // The same sealed bytes under the other cookie's name: sealed for another purpose.
        let moved = format!("postmaster_sign_in={sealed}");
        assert_eq!(
            HALF_WAY_SIGN_IN.read::<i64>(&sealer, [moved.as_str()], 1000),
            Opened::Missing
        );
        let stranger = Sealer::new(&Sealer::generate_key());
        assert_eq!(
            SHOWN_ONCE.read::<i64>(&stranger, [shown.as_str()], 1000),
            Opened::Missing
        );
        assert_eq!(
            SHOWN_ONCE.read::<i64>(&sealer, ["postmaster_once=AAAA"], 1000),
            Opened::Missing
        );
        assert_eq!(
            SHOWN_ONCE.read::<i64>(&sealer, [shown.as_str()], 1000),
            Opened::Live(7)
        );
    }
}
