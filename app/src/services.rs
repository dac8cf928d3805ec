//! What the server crate hands to server functions through Leptos context.
use crate::model::Viewer;
use crate::security::lockout::{IpThrottle, LockoutRules};
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
    pub sign_in_throttle: Arc<IpThrottle>,
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
