//! Storage: one `Store` trait, a SQLite and a PostgreSQL implementation, chosen by the scheme of
//! `DATABASE_URL`.
mod audit;
mod error;
mod list;
pub mod postgres;
mod rows;
pub mod sqlite;

use app::model::{Device, Role};
use app::store::{LoginRecord, SessionLimits, Store, StoreError};
use rows::{LoginRow, SessionRecord};
use std::sync::Arc;

/// Seconds between two writes of a session's last-seen time: enough for idle expiry,
/// without a write on every request.
const TOUCH_EVERY: i64 = 60;

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

fn session_is_live(row: &SessionRecord, now: i64, limits: SessionLimits) -> bool {
    row.status == "active"
        && now - row.last_seen_at < limits.idle
        && now - row.created_at < limits.absolute
}

/// A session row as the device list shows it.
fn device(
    (id, label, ip, first_seen, last_seen, current): (i64, String, String, i64, i64, bool),
) -> Device {
    Device {
        id,
        label,
        ip,
        first_seen,
        last_seen,
        current,
    }
}

fn needs_touch(row: &SessionRecord, now: i64) -> bool {
    now - row.last_seen_at >= TOUCH_EVERY
}

fn login_record(row: LoginRow) -> Result<LoginRecord, StoreError> {
    Ok(LoginRecord {
        user_id: row.id,
        organisation_id: row.organisation_id,
        password_hash: row.password_hash,
        role: Role::parse(&row.role)
            .ok_or_else(|| StoreError::Backend("unexpected role".into()))?,
        // Nobody signs in to a shared mailbox.
        disabled: row.status != "active" || row.shared,
        must_change_password: row.must_change_password,
        password_expires_at: row.password_expires_at,
        locked_until: row.locked_until,
    })
}
