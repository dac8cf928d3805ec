//! The audit log query, written once for both back ends (`QueryBuilder` writes the
//! placeholders). Text filters compare lower-cased, so they match in any case on both.
use super::error::contains_pattern;
use app::model::AuditQuery;
use sqlx::{Database, Encode, QueryBuilder, Type};

pub fn audit_query<'a, DB>(
    organisation_id: i64,
    query: &AuditQuery,
    limit: i64,
) -> QueryBuilder<'a, DB>
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
{
    let mut sql = QueryBuilder::<DB>::new(
        "SELECT id, actor, action, target, success, detail, ip, at FROM audit_events \
         WHERE organisation_id = ",
    );
    sql.push_bind(organisation_id);
    for (column, text) in [("target", &query.target), ("actor", &query.actor)] {
        let text = text.trim();
        if !text.is_empty() {
            sql.push(format!(" AND LOWER({column}) LIKE "))
                .push_bind(contains_pattern(text))
                .push(" ESCAPE '\\'");
        }
    }
    if !query.action.is_empty() {
        sql.push(" AND action = ").push_bind(query.action.clone());
    }
    if let Some(success) = query.success {
        sql.push(" AND success = ").push_bind(success);
    }
    if let Some(from) = query.from {
        sql.push(" AND at >= ").push_bind(from);
    }
    if let Some(until) = query.until {
        sql.push(" AND at < ").push_bind(until);
    }
    if let Some(before) = query.before {
        sql.push(" AND id < ").push_bind(before);
    }
    // Ids grow with time; ordering by id alone keeps the keyset exact.
    sql.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    sql
}
