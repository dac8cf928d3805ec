//! What the server crate hands to server functions through Leptos context.
use crate::model::Viewer;
use crate::security::{clock::Clock, password::PasswordPolicy, setup::SetupGate};
use crate::store::{SessionLimits, Store};
use std::sync::Arc;

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub setup: Arc<SetupGate>,
    pub settings: Settings,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether cookies carry `Secure` (and the `__Host-` name): on TLS or a loopback host.
    pub secure_cookies: bool,
    pub session_limits: SessionLimits,
    pub password_policy: PasswordPolicy,
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
