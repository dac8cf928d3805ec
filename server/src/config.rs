//! Configuration from the environment, with the defaults the README lists.
use app::security::lockout::LockoutRules;
use app::security::seal::Sealer;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
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
    /// How long a temporary password from a reset works unused.
    pub temporary_password_days: i64,
    /// When failed sign-ins lock an account, and when an address gets 429.
    pub lockout: LockoutRules,
    /// Sensitive actions ask for the password again after this long.
    pub reauth_minutes: i64,
    /// "Forgot password" answers this long after the request came, whatever it found.
    pub recovery_answer_ms: i64,
    pub mail: MailConfig,
    /// Dovecot's doveadm HTTP API, to close connections and flush caches; optional.
    pub doveadm: Option<DoveadmConfig>,
}

/// Where Dovecot's doveadm HTTP API listens, and its key (`doveadm_api_key`).
#[derive(Debug, Clone)]
pub struct DoveadmConfig {
    /// `http://127.0.0.1:8080/doveadm/v1`; plain HTTP only to loopback, the key travels with it.
    pub url: Url,
    pub api_key: ApiKey,
}

#[derive(Clone)]
pub struct ApiKey(pub String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(redacted)")
    }
}

impl DoveadmConfig {
    /// `None` without a URL. With one, the key comes from `key`, or else from the file
    /// `key_file` (trailing newline ignored).
    pub fn parse(
        url: Option<String>,
        key: Option<String>,
        key_file: Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(url) = url else {
            return Ok(None);
        };
        let err = |name, reason: String| ConfigError { name, reason };
        let url = Url::parse(&url).map_err(|e| err("POSTMASTER_DOVEADM_URL", e.to_string()))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(err(
                    "POSTMASTER_DOVEADM_URL",
                    "plain HTTP goes only to loopback (the API key travels with it); use https://"
                        .into(),
                ))
            }
            other => {
                return Err(err(
                    "POSTMASTER_DOVEADM_URL",
                    format!("unknown scheme {other}: use https or http"),
                ))
            }
        }
        let api_key = match (key, key_file) {
            (Some(key), _) => key,
            (None, Some(path)) => std::fs::read_to_string(&path)
                .map_err(|e| err("POSTMASTER_DOVEADM_API_KEY_FILE", format!("{path}: {e}")))?
                .trim_end()
                .to_owned(),
            (None, None) => {
                return Err(err(
                    "POSTMASTER_DOVEADM_API_KEY",
                    "set it (or POSTMASTER_DOVEADM_API_KEY_FILE) to Dovecot's doveadm_api_key"
                        .into(),
                ))
            }
        };
        Ok(Some(Self {
            url,
            api_key: ApiKey(api_key),
        }))
    }
}

/// How mail leaves the panel.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The relay; without one, mail waits in the outbox until one is configured.
    pub smtp: Option<SmtpUrl>,
    /// `Postmaster <postmaster@example.org>`.
    pub from: String,
    /// Seals queued mail (links, temporary passwords) at rest.
    pub key: SecretKey,
    /// How often the outbox looks for mail due a retry; new mail goes at once.
    pub poll_seconds: u64,
    /// How long a mailed set-password link works.
    pub link_hours: i64,
}

impl MailConfig {
    /// No relay, and a key that lives only as long as the process: for tests and benchmarks.
    pub fn without_relay() -> Self {
        Self {
            smtp: None,
            from: "Postmaster <postmaster@localhost>".into(),
            key: SecretKey(Sealer::generate_key()),
            poll_seconds: 30,
            link_hours: 24,
        }
    }
}

/// `smtps://user:password@relay:465`, `smtp://relay:587?tls=required`, or plain
/// `smtp://127.0.0.1:2525` to a loopback test sink only.
#[derive(Clone)]
pub struct SmtpUrl(pub String);

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

#[derive(Clone)]
pub struct SecretKey(pub [u8; Sealer::KEY_LEN]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(redacted)")
    }
}

/// A URL with its password replaced, for logs.
fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("redacted"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        // Schemes the URL standard doesn't know (smtp) keep an IP address as an opaque name.
        Some(url::Host::Domain(d)) => {
            d == "localhost" || d.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl SmtpUrl {
    /// Refuses plain SMTP to anything but loopback: credentials and links travel over TLS.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let err = |reason: String| ConfigError {
            name: "POSTMASTER_SMTP_URL",
            reason,
        };
        let url = Url::parse(value).map_err(|e| err(e.to_string()))?;
        let tls = match url.scheme() {
            "smtps" => true,
            "smtp" => url
                .query_pairs()
                .any(|(k, v)| k == "tls" && v == "required"),
            other => return Err(err(format!("unknown scheme {other}: use smtps or smtp"))),
        };
        if !tls && !is_loopback(&url) {
            return Err(err(
                "plain SMTP goes only to a loopback test sink; use smtps:// or add ?tls=required"
                    .into(),
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

/// The key in `path`, made (32 random bytes, readable by the owner only) if it isn't there.
pub fn load_or_create_key(path: &Path) -> Result<SecretKey, ConfigError> {
    let err = |reason: String| ConfigError {
        name: "POSTMASTER_SECRET_KEY_FILE",
        reason: format!("{}: {reason}", path.display()),
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let key: [u8; Sealer::KEY_LEN] = bytes
                .try_into()
                .map_err(|_| err(format!("must hold exactly {} bytes", Sealer::KEY_LEN)))?;
            Ok(SecretKey(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
            }
            let key = Sealer::generate_key();
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .and_then(|mut f| f.write_all(&key))
                .map_err(|e| err(e.to_string()))?;
            Ok(SecretKey(key))
        }
        Err(e) => Err(err(e.to_string())),
    }
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

fn lockout_rules() -> Result<LockoutRules, ConfigError> {
    let d = LockoutRules::default();
    let minutes = |name, default: i64| parse::<i64>(name, default / 60).map(|m| m.max(1) * 60);
    Ok(LockoutRules {
        failures: parse("POSTMASTER_LOCKOUT_FAILURES", d.failures)?.max(1),
        code_failures: parse("POSTMASTER_LOCKOUT_CODE_FAILURES", d.code_failures)?.max(1),
        first_lock: minutes("POSTMASTER_LOCKOUT_MINUTES", d.first_lock)?,
        longest_lock: minutes("POSTMASTER_LOCKOUT_MAX_MINUTES", d.longest_lock)?,
        ip_failures: parse("POSTMASTER_IP_FAILURES", d.ip_failures)?.max(1),
        ip_window: minutes("POSTMASTER_IP_WINDOW_MINUTES", d.ip_window)?,
    })
}

impl Config {
    /// The defaults the README lists: serving `http://127.0.0.1:3000` on the default SQLite
    /// file, with no relay (and a key that lives as long as the process) and no mail server.
    /// `from_env` starts from these; tests and benchmarks use them as they are.
    pub fn local() -> Self {
        Self {
            database_url: "sqlite://data/postmaster.db?mode=rwc".to_owned(),
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            base_url: Url::parse("http://127.0.0.1:3000").expect("a valid URL"),
            trusted_proxy: None,
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            temporary_password_days: 7,
            lockout: LockoutRules::default(),
            reauth_minutes: 15,
            recovery_answer_ms: 250,
            mail: MailConfig::without_relay(),
            doveadm: None,
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        let d = Self::local();
        let bind: SocketAddr = match var("POSTMASTER_BIND").or_else(|| var("LEPTOS_SITE_ADDR")) {
            Some(v) => v
                .parse()
                .map_err(|e: std::net::AddrParseError| ConfigError {
                    name: "POSTMASTER_BIND",
                    reason: e.to_string(),
                })?,
            None => d.bind,
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
        let host = base_url.host_str().unwrap_or("localhost").to_owned();
        let mail = MailConfig {
            smtp: var("POSTMASTER_SMTP_URL")
                .map(|v| SmtpUrl::parse(&v))
                .transpose()?,
            from: var("POSTMASTER_MAIL_FROM")
                .unwrap_or_else(|| format!("Postmaster <postmaster@{host}>")),
            key: load_or_create_key(Path::new(
                &var("POSTMASTER_SECRET_KEY_FILE").unwrap_or_else(|| "data/secret.key".into()),
            ))?,
            poll_seconds: parse("POSTMASTER_OUTBOX_POLL_SECONDS", 30)?,
            link_hours: parse("POSTMASTER_LINK_HOURS", 24)?,
        };
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or(d.database_url),
            bind,
            base_url,
            trusted_proxy,
            session_idle_minutes: parse("POSTMASTER_SESSION_IDLE_MINUTES", d.session_idle_minutes)?,
            session_absolute_hours: parse(
                "POSTMASTER_SESSION_ABSOLUTE_HOURS",
                d.session_absolute_hours,
            )?,
            temporary_password_days: parse(
                "POSTMASTER_TEMPORARY_PASSWORD_DAYS",
                d.temporary_password_days,
            )?,
            lockout: lockout_rules()?,
            reauth_minutes: parse("POSTMASTER_REAUTH_MINUTES", d.reauth_minutes)?,
            recovery_answer_ms: parse("POSTMASTER_RECOVERY_ANSWER_MS", d.recovery_answer_ms)?,
            mail,
            doveadm: DoveadmConfig::parse(
                var("POSTMASTER_DOVEADM_URL"),
                var("POSTMASTER_DOVEADM_API_KEY"),
                var("POSTMASTER_DOVEADM_API_KEY_FILE"),
            )?,
        })
    }

    /// Browsers keep `Secure` cookies only over TLS, or on a loopback host.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https" || is_loopback(&self.base_url)
    }

    /// `scheme://host[:port]`, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// The database URL with any password replaced, for logs.
    pub fn database_url_redacted(&self) -> String {
        redact(&self.database_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(base: &str) -> Config {
        Config {
            database_url: "postgres://pm:secret@db/pm".into(),
            base_url: Url::parse(base).unwrap(),
            ..Config::local()
        }
    }

    #[test]
    fn the_doveadm_key_is_required_redacted_and_never_sent_in_clear_off_loopback() {
        let url = |u: &str| Some(u.to_owned());
        let key = Some("s3cret-key".to_owned());
        assert!(DoveadmConfig::parse(None, None, None).unwrap().is_none());
        let local =
            DoveadmConfig::parse(url("http://127.0.0.1:8080/doveadm/v1"), key.clone(), None)
                .unwrap()
                .unwrap();
        assert!(!format!("{local:?}").contains("s3cret"));
        assert!(DoveadmConfig::parse(url("http://127.0.0.1:8080/doveadm/v1"), None, None).is_err());
        assert!(
            DoveadmConfig::parse(url("http://mail.example.org/doveadm/v1"), key.clone(), None)
                .is_err()
        );
        assert!(
            DoveadmConfig::parse(url("https://mail.example.org/doveadm/v1"), key, None).is_ok()
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doveadm.key");
        std::fs::write(&file, "from-a-file\n").unwrap();
        let from_file = DoveadmConfig::parse(
            url("http://[::1]:8080/doveadm/v1"),
            None,
            Some(file.display().to_string()),
        )
        .unwrap()
        .unwrap();
        assert_eq!(from_file.api_key.0, "from-a-file");
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
        let smtp = SmtpUrl::parse("smtps://pm:hunter2@relay.example.org:465").unwrap();
        assert!(!format!("{smtp:?}").contains("hunter2"));
        assert!(!format!("{:?}", c.mail).contains("hunter2"));
    }

    #[test]
    fn plain_smtp_only_to_loopback() {
        assert!(SmtpUrl::parse("smtp://127.0.0.1:2525").is_ok());
        assert!(SmtpUrl::parse("smtp://relay.example.org:587?tls=required").is_ok());
        assert!(SmtpUrl::parse("smtps://relay.example.org").is_ok());
        assert!(SmtpUrl::parse("smtp://relay.example.org:25").is_err());
        assert!(SmtpUrl::parse("http://relay.example.org").is_err());
    }

    #[test]
    fn the_key_file_is_made_once_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/secret.key");
        let made = load_or_create_key(&path).unwrap();
        assert_eq!(load_or_create_key(&path).unwrap().0, made.0);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(&path, b"short").unwrap();
        assert!(load_or_create_key(&path).is_err());
    }
}
