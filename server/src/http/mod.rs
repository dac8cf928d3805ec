//! Layers every request passes: security headers, the CSRF origin check, the session lookup;
//! what a server function may be sent; and the site's built files.
pub mod assets;
pub mod csrf;
pub mod headers;
pub mod input;
pub mod session;
