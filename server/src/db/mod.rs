//! Storage: one `Store` trait, a SQLite and a PostgreSQL implementation, chosen by the scheme of
//! `DATABASE_URL`.
mod dialect;
mod error;
pub mod postgres;
mod rows;
mod sql;
pub mod sqlite;

use app::store::Store;
use dialect::Dialect;
use std::sync::Arc;

/// The store a `DATABASE_URL` names, and its connections to close when the server stops.
pub struct Database {
    pub store: Arc<dyn Store>,
    pool: Connections,
}

enum Connections {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Database {
    /// Waits for every connection to be given back and closed. On SQLite the last one to close
    /// writes the WAL back into the database and removes its `-wal` and `-shm` files, so a clean
    /// stop leaves the file alone for the mail server's readers.
    pub async fn close(&self) {
        match &self.pool {
            Connections::Sqlite(pool) => pool.close().await,
            Connections::Postgres(pool) => pool.close().await,
        }
    }
}

pub async fn connect(url: &str) -> Result<Database, sqlx::Error> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = postgres::PgStore::connect(url).await?;
        let pool = Connections::Postgres(store.pool().clone());
        Ok(Database {
            store: Arc::new(store),
            pool,
        })
    } else {
        create_sqlite_file(url);
        let store = sqlite::SqliteStore::connect(url).await?;
        let pool = Connections::Sqlite(store.pool().clone());
        Ok(Database {
            store: Arc::new(store),
            pool,
        })
    }
}

/// Makes the database file (and its folder) before SQLite opens it, readable and writable by
/// its owner and group only: it holds password hashes, so never the world-readable file SQLite
/// would make. The group is how the mail server's readers reach it: SQLite gives its -wal and
/// -shm files the database's mode, and those readers write them too.
fn create_sqlite_file(url: &str) {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return;
    }
    let path = std::path::Path::new(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(parent);
    }
    // An empty file is an empty database to SQLite. The mode is set again after the file is
    // made, because the umask may have taken the group's write bit.
    if let Ok(file) = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o660)
        .open(path)
    {
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o660));
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[tokio::test]
    async fn the_sqlite_file_is_for_its_owner_and_group_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/postmaster.db");
        let _open = super::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .unwrap();
        for file in [path.clone(), path.with_extension("db-wal")] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o660, "{}", file.display());
        }
    }
}
