//! Configuration from the environment, with the defaults the README lists.
use std::net::{IpAddr, SocketAddr};
use url::Url;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// Where people reach the panel; links and the CSRF origin check use it, never `Host`.
    pub base_url: Url,
    /// The reverse proxy whose `X-Forwarded-For` we believe; nobody else's.
    pub trusted_proxy: Option<IpAddr>,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct ConfigError {
    name: &'static str,
    reason: String,
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        Some(v) => v.trim().parse().map_err(|e: T::Err| ConfigError {
            name,
            reason: e.to_string(),
        }),
        None => Ok(default),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let bind: SocketAddr = match var("POSTMASTER_BIND").or_else(|| var("LEPTOS_SITE_ADDR")) {
            Some(v) => v
                .parse()
                .map_err(|e: std::net::AddrParseError| ConfigError {
                    name: "POSTMASTER_BIND",
                    reason: e.to_string(),
                })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let base = var("POSTMASTER_BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        let base_url = Url::parse(&base).map_err(|e| ConfigError {
            name: "POSTMASTER_BASE_URL",
            reason: e.to_string(),
        })?;
        let trusted_proxy = match var("POSTMASTER_TRUSTED_PROXY") {
            Some(v) => Some(
                v.parse()
                    .map_err(|e: std::net::AddrParseError| ConfigError {
                        name: "POSTMASTER_TRUSTED_PROXY",
                        reason: e.to_string(),
                    })?,
            ),
            None => None,
        };
        Ok(Self {
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/postmaster.db?mode=rwc".to_owned()),
            bind,
            base_url,
            trusted_proxy,
            session_idle_minutes: parse("POSTMASTER_SESSION_IDLE_MINUTES", 60)?,
            session_absolute_hours: parse("POSTMASTER_SESSION_ABSOLUTE_HOURS", 12)?,
        })
    }

    /// Browsers keep `Secure` cookies only over TLS, or on a loopback host.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
            || match self.base_url.host() {
                Some(url::Host::Domain(d)) => d == "localhost",
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            }
    }

    /// `scheme://host[:port]`, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// The database URL with any password replaced, for logs.
    pub fn database_url_redacted(&self) -> String {
        match Url::parse(&self.database_url) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("redacted"));
                u.to_string()
            }
            _ => self.database_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> Config {
        Config {
            database_url: "postgres://pm:secret@db/pm".into(),
            bind: "127.0.0.1:3000".parse().unwrap(),
            base_url: Url::parse(base).unwrap(),
            trusted_proxy: None,
            session_idle_minutes: 60,
            session_absolute_hours: 12,
        }
    }

    #[test]
    fn secure_cookies_on_tls_or_loopback_only() {
        assert!(config("https://mail.example.org").secure_cookies());
        assert!(config("http://127.0.0.1:3000").secure_cookies());
        assert!(config("http://localhost:3000").secure_cookies());
        assert!(!config("http://panel.example.org").secure_cookies());
    }

    #[test]
    fn secrets_are_redacted() {
        let c = config("http://127.0.0.1:3000");
        assert!(!c.database_url_redacted().contains("secret"));
        assert_eq!(c.origin(), "http://127.0.0.1:3000");
    }
}
