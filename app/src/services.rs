//! What the server crate hands to server functions through Leptos context.
use crate::mail_server::MailServer;
use crate::model::Viewer;
use crate::security::lockout::{LockoutRules, Throttle};
use crate::security::{clock::Clock, seal::Sealer};
use crate::store::{SessionLimits, Store, StoreError};
use std::sync::Arc;

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    /// Seals queued mail that holds a link or a password.
    pub sealer: Arc<Sealer>,
    /// Wakes the outbox worker when a server function has queued mail.
    pub mail_queued: Arc<tokio::sync::Notify>,
    /// Failed sign-ins per client address.
    pub sign_in_throttle: Throttle,
    /// "Forgot password" requests per address typed and per client address.
    pub recovery_limits: RecoveryLimits,
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
#[derive(Debug, Clone, Copy)]
pub struct RecoveryLimits {
    pub per_address: Throttle,
    pub per_client: Throttle,
}

impl RecoveryLimits {
    pub const PER_ADDRESS: i64 = 3;
    pub const PER_CLIENT: i64 = 10;
    pub const WINDOW: i64 = 3600;

    pub const fn new() -> Self {
        Self {
            per_address: Throttle::new("recovery_address", Self::PER_ADDRESS, Self::WINDOW),
            per_client: Throttle::new("recovery_client", Self::PER_CLIENT, Self::WINDOW),
        }
    }

    /// Counts one request, or says how many seconds to wait when a limit is reached.
    pub async fn take(
        &self,
        store: &dyn Store,
        address: &str,
        client: &str,
        now: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        let waits = [
            self.per_address.retry_after(store, address, now).await?,
            self.per_client.retry_after(store, client, now).await?,
        ];
        if let Some(wait) = waits.into_iter().flatten().max() {
            return Ok(Err(wait));
        }
        self.per_address.record(store, address, now).await?;
        self.per_client.record(store, client, now).await?;
        Ok(Ok(()))
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
