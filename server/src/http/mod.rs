//! Layers every request passes: security headers, the CSRF origin check, the session lookup.
pub mod csrf;
pub mod headers;
pub mod session;
