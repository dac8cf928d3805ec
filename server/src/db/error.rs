use app::store::StoreError;

/// Maps a driver error; a unique violation becomes a conflict on `field`.
pub fn store_error(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { field },
        sqlx::Error::RowNotFound => StoreError::NotFound,
        _ => StoreError::Backend(Box::new(e)),
    }
}

pub fn backend(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        e => StoreError::Backend(Box::new(e)),
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
