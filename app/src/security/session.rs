//! Session tokens: 128 random bits for the cookie, only their SHA-256 in the database.
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_SECURE: &str = "__Host-postmaster_session";
/// Used only when the panel is served over plain HTTP to a non-loopback host, where browsers
/// refuse `__Host-` cookies (they require `Secure`).
pub const COOKIE_PLAIN: &str = "postmaster_session";

/// A fresh token, hex-encoded for the cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// "Firefox on Linux", "Safari on iPhone": what an admin recognises in a device list.
pub fn device_label(user_agent: &str) -> String {
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(ua) if ua.name != "UNKNOWN" => {
            let os = if ua.os == "UNKNOWN" {
                "unknown system"
            } else {
                ua.os
            };
            format!("{} on {}", ua.name, os)
        }
        _ => "Unknown device".to_owned(),
    }
}

/// The session an administrator opened with "Sign in as this user", beside their own: it
/// counts only while the browser also holds that administrator's live session.
pub const ACTING_COOKIE_SECURE: &str = "__Host-postmaster_acting";
pub const ACTING_COOKIE_PLAIN: &str = "postmaster_acting";

/// Which of the two session cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCookie {
    /// The person's own sign-in.
    Own,
    /// An administrator's session as a user.
    Acting,
}

impl SessionCookie {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Own => (COOKIE_SECURE, COOKIE_PLAIN),
            Self::Acting => (ACTING_COOKIE_SECURE, ACTING_COOKIE_PLAIN),
        }
    }

    /// Reads this cookie's token out of a `Cookie` header.
    pub fn token_in(self, header: &str) -> Option<&str> {
        let (secure, plain) = self.names();
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == secure || *name == plain)
            .map(|(_, value)| value)
            .filter(|v| v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()))
    }

    /// The `Set-Cookie` value that installs (`Some(token)`) or clears (`None`) it.
    pub fn set(self, token: Option<&str>, secure: bool) -> String {
        let (secure_name, plain_name) = self.names();
        let name = if secure { secure_name } else { plain_name };
        let secure_attr = if secure { "; Secure" } else { "" };
        match token {
            Some(t) => format!("{name}={t}; Path=/; HttpOnly; SameSite=Lax{secure_attr}"),
            None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure_attr}"),
        }
    }
}

/// Reads our session token out of a `Cookie` header.
pub fn token_from_cookies(header: &str) -> Option<&str> {
    SessionCookie::Own.token_in(header)
}

/// The `Set-Cookie` value that installs (`Some(token)`) or clears (`None`) the session.
pub fn set_cookie(token: Option<&str>, secure: bool) -> String {
    SessionCookie::Own.set(token, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_bit_and_distinct() {
        let a = new_token();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a).len(), 32);
    }

    #[test]
    fn cookie_round_trip() {
        let t = new_token();
        let header = format!("other=1; {COOKIE_SECURE}={t}; x=y");
        assert_eq!(token_from_cookies(&header), Some(t.as_str()));
        assert_eq!(token_from_cookies("__Host-postmaster_session=nothex"), None);
        let c = set_cookie(Some(&t), true);
        assert!(c.starts_with("__Host-postmaster_session="));
        assert!(c.contains("HttpOnly") && c.contains("Secure") && c.contains("Path=/"));
        assert!(!c.contains("Domain"));
    }

    #[test]
    fn device_labels_read_the_user_agent() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(device_label(ua), "Chrome on Linux");
        assert_eq!(device_label(""), "Unknown device");
    }
}
