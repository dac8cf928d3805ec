//! Storage: one `Store` trait, a SQLite and a PostgreSQL implementation, chosen by the scheme of
//! `DATABASE_URL`.
mod dialect;
mod error;
pub mod postgres;
mod rows;
mod sql;
pub mod sqlite;

use app::store::Store;
use std::sync::Arc;

pub async fn connect(url: &str) -> Result<Arc<dyn Store>, sqlx::Error> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else {
        ensure_parent_dir(url);
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    }
}

/// `sqlite://data/postmaster.db` needs `data/` to exist before SQLite can create the file.
fn ensure_parent_dir(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
}
