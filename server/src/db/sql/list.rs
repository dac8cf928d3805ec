//! The users list query, written once: the SQL is the same on both back ends, only the
//! placeholders differ, and `QueryBuilder` writes those.
use crate::db::error::{contains_pattern, paginate};
use crate::db::rows::UserRecord;
use app::model::{SortKey, UserCursor, UserPage, UserQuery, UserRow, UserSort};
use app::store::StoreError;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// The sort column as SQL; `None` when the address alone orders the list.
fn key_column(sort: UserSort) -> Option<&'static str> {
    match sort {
        UserSort::Address => None,
        UserSort::Name => Some("name_lower"),
        UserSort::LastSignIn => Some("COALESCE(last_login_at, 0)"),
        UserSort::Quota => Some("quota_mb"),
    }
}

/// Where the two back ends differ: how a substring search finds its rows fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchIndex {
    /// The FTS5 trigram table `users_search`, asked first for candidate rows.
    Fts5Trigram,
    /// pg_trgm indexes on the columns themselves: `LIKE` uses them as it is.
    PgTrgm,
}

/// The FTS5 phrase for `text`: quoted, so punctuation in addresses is matched as written.
fn fts5_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// One page (plus one row, to know whether another follows) in keyset order.
pub fn users_query<'a, DB>(
    organisation_id: i64,
    query: &UserQuery,
    page_size: usize,
    index: SearchIndex,
) -> QueryBuilder<'a, DB>
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
{
    let fts5 = index == SearchIndex::Fts5Trigram && query.search.chars().count() >= 3;
    // With the trigram table's rows in hand, SQLite must look them up by id rather than walk an
    // index of the whole organisation (or domain) in page order and test each row against them:
    // the unary `+` keeps these two terms off the indexes.
    let unindexed = if fts5 { "+" } else { "" };
    let mut sql = QueryBuilder::<DB>::new(format!(
        "SELECT id, name, email, account_type, quota_mb, status, shared, last_login_at, role FROM users \
         WHERE {unindexed}organisation_id = "
    ));
    sql.push_bind(organisation_id);
    if let Some(domain_id) = query.domain_id {
        sql.push(format!(" AND {unindexed}domain_id = "))
            .push_bind(domain_id);
    }
    if let Some(domains) = &query.within {
        // A domain admin's list: an empty scope matches nothing rather than everything.
        sql.push(format!(" AND {unindexed}domain_id IN (NULL"));
        for domain_id in domains {
            sql.push(", ").push_bind(*domain_id);
        }
        sql.push(")");
    }
    if !query.search.is_empty() {
        // The trigram table narrows the rows; the LIKE below keeps the answer identical on both
        // back ends. Under three characters there is no trigram, and the scan stays.
        if fts5 {
            sql.push(" AND id IN (SELECT rowid FROM users_search WHERE users_search MATCH ")
                .push_bind(fts5_phrase(&query.search))
                .push(")");
        }
        let pattern = contains_pattern(&query.search);
        sql.push(" AND (name_lower LIKE ")
            .push_bind(pattern.clone());
        sql.push(" ESCAPE '\\' OR email LIKE ").push_bind(pattern);
        sql.push(" ESCAPE '\\')");
    }
    let backwards = matches!(query.cursor, Some(UserCursor::Before(_)));
    // Reading backwards flips the order; the page is turned round again afterwards.
    let descending = query.descending != backwards;
    let cursor = match &query.cursor {
        Some(UserCursor::After(c) | UserCursor::Before(c)) => query.sort.parse_cursor(c),
        None => None,
    };
    let key = key_column(query.sort);
    if let Some((cursor_key, email)) = cursor {
        let op = if descending { " < " } else { " > " };
        match (key, cursor_key) {
            (Some(column), Some(value)) => {
                sql.push(format!(" AND ({column}, email)"))
                    .push(op)
                    .push("(");
                match value {
                    SortKey::Text(text) => sql.push_bind(text),
                    SortKey::Number(n) => sql.push_bind(n),
                };
                sql.push(", ").push_bind(email).push(")");
            }
            _ => {
                sql.push(" AND email").push(op).push_bind(email);
            }
        }
    }
    let direction = if descending { " DESC" } else { "" };
    sql.push(" ORDER BY ");
    if let Some(column) = key {
        sql.push(column).push(direction).push(", ");
    }
    sql.push("email").push(direction).push(" LIMIT ");
    sql.push_bind(page_size as i64 + 1);
    sql
}

/// Rows as fetched by `users_query`, made into a page with its cursors.
pub fn users_page(
    records: Vec<UserRecord>,
    query: &UserQuery,
    page_size: usize,
) -> Result<UserPage, StoreError> {
    let rows = records
        .into_iter()
        .map(UserRow::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let backwards = matches!(query.cursor, Some(UserCursor::Before(_)));
    let (users, next, prev) = paginate(rows, page_size, backwards, query.cursor.is_some(), |r| {
        query.sort.cursor(r)
    });
    Ok(UserPage { users, next, prev })
}
