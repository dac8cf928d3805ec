//! Shared by the integration tests: fresh stores on both back ends, a controllable clock and
//! an SMTP sink.
#![allow(dead_code)]
pub mod dovecot;
pub mod fixtures;
pub mod instance;
pub mod panel;
pub mod postgres_cluster;
pub mod smtp_sink;
use app::security::clock::Clock;
use app::store::Store;
use server::db::{postgres::PgStore, sqlite::SqliteStore};
use sqlx::Connection;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A clock the tests move by hand.
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn new(start: i64) -> Arc<Self> {
        Arc::new(Self(AtomicI64::new(start)))
    }
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A migrated SQLite database in its own temporary directory (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::connect(&sqlite_url(&dir))
        .await
        .expect("sqlite store");
    (Arc::new(store), dir)
}

/// The PostgreSQL server the test command started. Every test gets a database of its own.
pub fn postgres_url() -> String {
    std::env::var("POSTMASTER_TEST_PG").unwrap_or_else(|_| {
        panic!(
            "POSTMASTER_TEST_PG is not set: the PostgreSQL half of the suite needs a server. \
             Run `make test`, which starts a throwaway PostgreSQL cluster and sets it."
        )
    })
}

pub async fn postgres_store() -> (Arc<dyn Store>, String) {
    let base = postgres_url();
    let name = format!("pm_test_{}", hex::encode(rand::random::<[u8; 6]>()));
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let url = with_database(&base, &name);
    let store = PgStore::connect(&url).await.expect("postgres store");
    (Arc::new(store), url)
}

/// The same server URL with another database name.
pub fn with_database(base: &str, name: &str) -> String {
    let mut url = url::Url::parse(base).expect("POSTMASTER_TEST_PG is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// Runs one statement on the test database from outside the panel, as the mail server does when
/// it writes its quota accounting. `url` is the store's own database.
pub async fn execute_as_mail_server(url: &str, sql: &str) {
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url)
            .await
            .expect("open the SQLite test database");
        sqlx::query(sql).execute(&mut conn).await.expect(sql);
    } else {
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .expect("open the PostgreSQL test database");
        sqlx::query(sql).execute(&mut conn).await.expect(sql);
    }
}

/// Reads rows as the mail server does, straight from the database: each row's columns joined
/// by `|`, NULL as `-`.
pub async fn query_as_mail_server(url: &str, sql: &str) -> Vec<String> {
    use sqlx::Row;
    fn join<R: Row>(row: &R) -> String
    where
        usize: sqlx::ColumnIndex<R>,
        for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        (0..row.len())
            .map(|i| row.try_get::<Option<String>, _>(i).expect("a text column"))
            .map(|v| v.unwrap_or_else(|| "-".into()))
            .collect::<Vec<_>>()
            .join("|")
    }
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("SQLite");
        let rows = sqlx::query(sql).fetch_all(&mut conn).await.expect(sql);
        rows.iter().map(join).collect()
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("PostgreSQL");
        let rows = sqlx::query(sql).fetch_all(&mut conn).await.expect(sql);
        rows.iter().map(join).collect()
    }
}

/// The messages queued in the outbox, due or not, oldest first: `(id, sealed body)`, read
/// straight from the database, so no claim of the outbox's changes what they are.
pub async fn queued_mail(url: &str) -> Vec<(i64, Vec<u8>)> {
    const SQL: &str = "SELECT id, sealed_body FROM outbox WHERE status = 'queued' ORDER BY id";
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("SQLite");
        sqlx::query_as(SQL).fetch_all(&mut conn).await.expect(SQL)
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("PostgreSQL");
        sqlx::query_as(SQL).fetch_all(&mut conn).await.expect(SQL)
    }
}

/// The URL of the database `sqlite_store` made in `dir`.
pub fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}/test.db?mode=rwc", dir.path().display())
}
