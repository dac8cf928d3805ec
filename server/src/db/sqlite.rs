//! The embedded default back end: what SQLite does its own way. Every query is in `sql/`.
use super::dialect::Dialect;
use super::error::backend;
use super::sql::{list::SearchIndex, stamp_store};
use app::store::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database file.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A file doesn't go away as a server does; sqlx pings each connection as it goes
            // back to the pool already.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Self::from_pool(pool).await
    }

    pub async fn from_pool(pool: SqlitePool) -> Result<Self, sqlx::Error> {
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl Dialect for SqliteStore {
    type Db = Sqlite;
    /// A JSON array, read back by `json_each`.
    type Ids = String;
    const SEARCH_INDEX: SearchIndex = SearchIndex::Fts5Trigram;
    const PREPARED_LIST: bool = true;
    /// The write transaction holds the whole database already.
    const LOCK_ROWS: &'static str = "";
    /// One writer at a time: a claim's `UPDATE` sees what the one before it claimed.
    const CLAIM_ROWS: &'static str = "";
    /// SQLite's `WITH` only reads; its round trips stay in the process anyway.
    const WRITING_CTES: bool = false;

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// `BEGIN IMMEDIATE` takes the write lock at once: a deferred transaction that reads first
    /// could fail with `SQLITE_BUSY` when it later tries to write beside another writer.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(backend)
    }

    fn ids(ids: &[i64]) -> String {
        serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
    }

    fn in_ids(column: &str, n: u8) -> String {
        format!("{column} IN (SELECT value FROM json_each(${n}))")
    }
}

stamp_store!(SqliteStore);
