//! Pure security rules and primitives: no I/O here, time comes from a `Clock`.
pub mod clock;
pub mod password;
pub mod session;
pub mod setup;
