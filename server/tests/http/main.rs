//! The HTTP surface driven in-process, as a browser or an attacker would see it. One module per
//! feature; the panel they drive is in `support/panel.rs`.
#[path = "../support/mod.rs"]
mod support;

mod access;
mod account;
mod acting;
mod addresses;
mod app_passwords;
mod assets;
mod audit;
mod bad_requests;
mod bulk_and_csv;
mod credentials_mail;
mod fuzz;
mod health;
mod mail_rules;
mod one_time_passwords;
mod passwords;
mod recovery;
mod rendering;
mod roles;
mod shared;
mod sign_in;
mod two_factor;
mod users;
