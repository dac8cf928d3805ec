//! Layers every request passes: security headers, the CSRF origin check, the session lookup;
//! what a server function may be sent; the site's built files; and the health checks, which
//! pass none of those layers.
pub mod assets;
pub mod csrf;
pub mod headers;
pub mod health;
pub mod input;
pub mod session;
