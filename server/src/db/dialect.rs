//! What truly differs between the back ends, and nothing else. The SQL in `sql/` is written
//! once against this trait (sqlx's SQLite driver binds `$N` placeholders as PostgreSQL does);
//! `sqlite.rs` and `postgres.rs` each implement it in a few lines.
use super::sql::list::SearchIndex;
use app::store::StoreError;
use sqlx::{Database, Pool, Transaction};
use std::future::Future;

pub trait Dialect {
    type Db: Database;
    /// A list of ids as one bind, however many there are.
    type Ids: for<'q> sqlx::Encode<'q, Self::Db> + sqlx::Type<Self::Db> + Send;
    /// How the users list finds a substring fast.
    const SEARCH_INDEX: SearchIndex;
    /// Whether the users list query may be a cached prepared statement.
    const PREPARED_LIST: bool;
    /// Appended to a `SELECT` that must hold its rows until the transaction ends.
    const LOCK_ROWS: &'static str;
    /// Appended to a `SELECT` that claims work for one instance: rows another instance is
    /// claiming are passed over, not waited for.
    const CLAIM_ROWS: &'static str;
    /// Whether a `WITH` may hold `INSERT`s, so that several writes go as one statement.
    const WRITING_CTES: bool;

    fn pool(&self) -> &Pool<Self::Db>;
    /// A transaction that writes, holding from its start whatever lock keeps two writers from
    /// interleaving.
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, StoreError>> + Send;
    fn ids(ids: &[i64]) -> Self::Ids;
    /// `column` is one of the ids bound at `$n`.
    fn in_ids(column: &str, n: u8) -> String;
}
