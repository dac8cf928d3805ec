//! Pure security rules and primitives: no I/O here, time comes from a `Clock`.
pub mod app_password;
pub mod clock;
pub mod csp;
pub mod lockout;
pub mod passphrase;
pub mod password;
pub mod seal;
pub mod sealed_cookie;
pub mod session;
pub mod setup;
pub mod totp;
