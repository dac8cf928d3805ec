//! The store contract, written once against `&dyn Store` and run on SQLite and PostgreSQL. One
//! module per feature; each ends with `conformance!`, which runs its tests on both back ends.
#[path = "../support/mod.rs"]
mod support;

/// Runs each test on SQLite and on PostgreSQL; those after `with_url:` also get the database's
/// URL, to act on it as the mail server does.
macro_rules! conformance {
    ($($name:ident),* $(,)? $(; with_url: $($raw:ident),* $(,)?)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::$name(store.as_ref()).await;
                }
            )*
            $($(
                #[tokio::test]
                async fn $raw() {
                    let (store, dir) = crate::support::sqlite_store().await;
                    super::$raw(store.as_ref(), &crate::support::sqlite_url(&dir)).await;
                }
            )*)?
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _url) = crate::support::postgres_store().await;
                    super::$name(store.as_ref()).await;
                }
            )*
            $($(
                #[tokio::test]
                async fn $raw() {
                    let (store, url) = crate::support::postgres_store().await;
                    super::$raw(store.as_ref(), &url).await;
                }
            )*)?
        }
    };
}

mod addresses;
mod app_passwords;
mod attempts;
mod audit;
mod imports;
mod list;
mod mail_server;
mod organisation;
mod passwords;
mod sessions;
mod shared_mailboxes;
mod two_factor;
mod users;
