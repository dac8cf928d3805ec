use app::store::StoreError;

/// Maps a driver error; a unique violation becomes a conflict on `field`.
pub fn store_error(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { field },
        _ => backend(e),
    }
}

pub fn backend(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        e if unreachable(&e) => StoreError::Unavailable(Box::new(e)),
        e => StoreError::Backend(Box::new(e)),
    }
}

/// Whether `e` says the database can't be reached rather than that the query was wrong: no
/// connection to be had in time, a connection lost, or a server shutting down or starting.
fn unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception), 57P01-57P03 (admin or crash shutdown,
        // cannot connect now); SQLite's SQLITE_BUSY when its lock outlasts the busy timeout.
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "5")
        }),
        _ => false,
    }
}

/// `NotFound` when a change touched no row (the id was wrong, or another organisation's).
pub fn touched(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// `%text%` for LIKE, with the pattern characters of the search escaped by `\`.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Turns a page fetched with one extra row into rows plus next/previous cursors.
pub fn paginate<T>(
    mut rows: Vec<T>,
    page_size: usize,
    backwards: bool,
    had_cursor: bool,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>, Option<String>) {
    let more = rows.len() > page_size;
    rows.truncate(page_size);
    if backwards {
        rows.reverse();
        let prev = if more { rows.first().map(&key) } else { None };
        let next = rows.last().map(&key);
        (rows, next, prev)
    } else {
        let next = if more { rows.last().map(&key) } else { None };
        let prev = if had_cursor {
            rows.first().map(&key)
        } else {
            None
        };
        (rows, next, prev)
    }
}
