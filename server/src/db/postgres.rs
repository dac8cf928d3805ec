//! The PostgreSQL back end, for scale: what PostgreSQL does its own way. Every query is in `sql/`.
use super::dialect::Dialect;
use super::error::backend;
use super::sql::{list::SearchIndex, stamp_store};
use app::store::StoreError;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgPool, Postgres, Transaction};
use std::time::Duration;

/// How long a pooled connection may sit unused before it is pinged when handed out.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and migrates.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // While the database is down, a request waits this long for a connection, then
            // gets 503: never a hang.
            .acquire_timeout(Duration::from_secs(3))
            // sqlx already pings each connection as it goes back to the pool, so one handed out
            // soon after is known to work; only one that has sat idle is pinged again (a
            // database restart leaves idle connections dead). Pinging on every acquire too was
            // three more round trips per sign-in.
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_BEFORE_PING {
                        connection.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await?;
        Self::from_pool(pool).await
    }

    pub async fn from_pool(pool: PgPool) -> Result<Self, sqlx::Error> {
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl Dialect for PgStore {
    type Db = Postgres;
    type Ids = Vec<i64>;
    const SEARCH_INDEX: SearchIndex = SearchIndex::PgTrgm;
    /// Unprepared, so PostgreSQL plans with the search text itself: a cached generic plan can't
    /// see that the pattern is selective, and walks the whole organisation instead of the
    /// trigram indexes (about 100 ms instead of 1 ms at 100,000 mailboxes).
    const PREPARED_LIST: bool = false;
    const LOCK_ROWS: &'static str = " FOR UPDATE";
    const CLAIM_ROWS: &'static str = " FOR UPDATE SKIP LOCKED";
    const WRITING_CTES: bool = true;

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Row locks (`LOCK_ROWS`, and those every `UPDATE` takes) order the writers.
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(backend)
    }

    fn ids(ids: &[i64]) -> Vec<i64> {
        ids.to_vec()
    }

    fn in_ids(column: &str, n: u8) -> String {
        format!("{column} = ANY(${n})")
    }
}

stamp_store!(PgStore);
