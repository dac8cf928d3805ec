//! The API contract: one module per resource. Each `#[server]` function is compiled into the
//! browser as a client stub and into the server with its body.
pub mod account;
pub mod acting;
pub mod aliases;
pub mod app_passwords;
pub mod audit;
pub mod auth;
pub mod auto_reply;
pub mod bulk;
pub mod devices;
pub mod domains;
pub mod export;
pub mod form;
pub mod forwarding;
pub mod import;
pub mod links;
pub mod lists;
pub mod mail_rules;
pub mod one_time_passwords;
pub mod organisation;
pub mod passwords;
pub mod prefs;
pub mod recovery;
pub mod roles;
pub mod shared;
pub mod two_factor;
pub mod users;

#[cfg(feature = "ssr")]
mod context;
#[cfg(feature = "ssr")]
pub mod mail_server;
#[cfg(feature = "ssr")]
pub mod password_check;
#[cfg(feature = "ssr")]
pub mod shown_once;
#[cfg(feature = "ssr")]
pub use context::*;
