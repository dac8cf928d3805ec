//! What the server crate hands to server functions through Leptos context.
use crate::mail_server::MailServer;
use crate::model::Viewer;
use crate::security::lockout::{LockoutRules, Throttle};
use crate::security::{clock::Clock, seal::Sealer, setup::SetupGate};
use crate::store::{SessionLimits, Store};
use std::sync::Arc;

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub setup: Arc<SetupGate>,
    pub settings: Settings,
    /// Seals queued mail that holds a link or a password.
    pub sealer: Arc<Sealer>,
    /// Wakes the outbox worker when a server function has queued mail.
    pub mail_queued: Arc<tokio::sync::Notify>,
    /// Failed sign-ins per client address.
    pub sign_in_throttle: Arc<Throttle>,
    /// "Forgot password" requests per address typed and per client address.
    pub recovery_limits: Arc<RecoveryLimits>,
    /// Closes connections and flushes caches on the mail server; `None` when not configured.
    pub mail_server: Option<Arc<dyn MailServer>>,
}

/// The pause before the next try after `attempts` failed ones, for mail and mail-server
/// commands alike: 30 s, doubling, at most 4 h.
pub fn retry_delay(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 10) - 1;
    (30_i64 << doublings).min(4 * 3600)
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether cookies carry `Secure` (and the `__Host-` name): on TLS or a loopback host.
    pub secure_cookies: bool,
    pub session_limits: SessionLimits,
    /// Where people reach the panel (`https://panel.example.org`, no trailing slash): mailed
    /// links start with it, never with a request's `Host`.
    pub public_url: String,
    /// How long a mailed set-password link works, in seconds.
    pub link_lifetime: i64,
    /// How long a temporary password from a reset works unused, in seconds.
    pub temporary_password_lifetime: i64,
    pub lockout: LockoutRules,
    /// How long a session's proof of its password covers sensitive actions, in seconds.
    pub reauth_after: i64,
    /// When "Forgot password" answers, counted from the request's start: the same for every
    /// address, so the time taken says nothing of what was found.
    pub recovery_answer_after: std::time::Duration,
}

/// How often "Forgot password" may be asked: a few times an hour for one address (each time
/// mails its recovery address), more from one client address (a shared office connection).
pub struct RecoveryLimits {
    pub per_address: Throttle,
    pub per_client: Throttle,
}

impl RecoveryLimits {
    pub const PER_ADDRESS: u32 = 3;
    pub const PER_CLIENT: u32 = 10;
    pub const WINDOW: i64 = 3600;

    pub fn new() -> Self {
        Self {
            per_address: Throttle::new(Self::PER_ADDRESS, Self::WINDOW),
            per_client: Throttle::new(Self::PER_CLIENT, Self::WINDOW),
        }
    }

    /// Counts one request, or says how many seconds to wait when a limit is reached.
    pub fn take(&self, address: &str, client: &str, now: i64) -> Result<(), i64> {
        let wait = [
            self.per_address.retry_after(address, now),
            self.per_client.retry_after(client, now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        self.per_address.record(address, now);
        self.per_client.record(client, now);
        Ok(())
    }
}

impl Default for RecoveryLimits {
    fn default() -> Self {
        Self::new()
    }
}

/// Put in each request's extensions by the server's session layer when its cookie is live.
#[derive(Debug, Clone)]
pub struct RequestSession {
    pub viewer: Viewer,
    pub token_hash: Vec<u8>,
}

/// The caller's address as the server decided it (the socket peer, or the trusted proxy's word).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_four_hours() {
        assert_eq!(retry_delay(1), 30);
        assert_eq!(retry_delay(2), 60);
        assert_eq!(retry_delay(5), 480);
        assert_eq!(retry_delay(10), 4 * 3600);
        assert_eq!(retry_delay(50), 4 * 3600);
    }
}
