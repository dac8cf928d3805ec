//! What every request may need, built once at start from the configuration.
use crate::config::Config;
use crate::mailserver;
use app::mail_server::MailServer;
use app::security::lockout::Throttle;
use app::security::{clock::Clock, seal::Sealer};
use app::services::RecoveryLimits;
use app::services::{Services, Settings};
use app::store::{SessionLimits, Store};
use std::sync::Arc;

/// Everything a request may need, built once at start.
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Config,
    pub origin: String,
}

impl AppState {
    /// Fails only when the mail server's client can't be built (bad TLS setup).
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        let mail_server = match &config.doveadm {
            Some(doveadm) => {
                Some(Arc::new(mailserver::Doveadm::new(doveadm)?) as Arc<dyn MailServer>)
            }
            None => None,
        };
        let settings = Settings {
            secure_cookies: config.secure_cookies(),
            session_limits: SessionLimits {
                idle: config.session_idle_minutes * 60,
                absolute: config.session_absolute_hours * 3600,
            },
            public_url: config.base_url.as_str().trim_end_matches('/').to_owned(),
            link_lifetime: config.mail.link_hours * 3600,
            temporary_password_lifetime: config.temporary_password_days * 86_400,
            lockout: config.lockout,
            reauth_after: config.reauth_minutes * 60,
            recovery_answer_after: std::time::Duration::from_millis(
                config.recovery_answer_ms.max(0) as u64,
            ),
        };
        let services = Arc::new(Services {
            store,
            clock,
            settings,
            sealer: Arc::new(Sealer::new(&config.mail.key.0)),
            mail_queued: Arc::new(tokio::sync::Notify::new()),
            sign_in_throttle: Throttle::for_sign_ins(config.lockout),
            recovery_limits: RecoveryLimits::new(),
            mail_server,
        });
        let origin = config.origin();
        Ok(Self {
            services,
            config,
            origin,
        })
    }
}
