//! The audit log.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.
//! Text filters compare lower-cased, so they match in any case on both.
use crate::db::error::contains_pattern;
use app::model::AuditQuery;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// The table and columns of an audit event's row; nine values follow wherever one is written.
macro_rules! audit_event_columns {
    () => {
        "audit_events (organisation_id, at, actor_id, actor, action, target, success, detail, ip)"
    };
}
pub(crate) use audit_event_columns;

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

/// Implements `AuditStore` for a back end.
macro_rules! audit {
    ($store:ty) => {
        const _: () = {
            use app::model::{AuditLine, AuditQuery};
            use app::store::{AuditEntry, StoreError};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::backend;
            use $crate::db::rows::AuditRow;
            use $crate::db::sql::audit::audit_query;

            impl $store {
                /// Writes `events` with the change they tell of, in its transaction, so there is
                /// never a change without its event nor an event of a change undone.
                pub(crate) async fn record_audit_in(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    events: &[AuditEntry],
                ) -> Result<(), StoreError> {
                    for event in events {
                        Self::insert_audit(&mut **tx, event).await?;
                    }
                    Ok(())
                }

                /// Binds an event's nine values onto `query`, in `audit_event_columns!`'s order.
                pub(crate) fn bind_audit_event<'q>(
                    query: sqlx::query::Query<
                        'q,
                        <$store as Dialect>::Db,
                        <<$store as Dialect>::Db as sqlx::Database>::Arguments<'q>,
                    >,
                    entry: &'q AuditEntry,
                ) -> sqlx::query::Query<
                    'q,
                    <$store as Dialect>::Db,
                    <<$store as Dialect>::Db as sqlx::Database>::Arguments<'q>,
                > {
                    query
                        .bind(entry.organisation_id)
                        .bind(entry.now)
                        .bind(entry.actor_id)
                        .bind(&entry.actor)
                        .bind(entry.action)
                        .bind(&entry.target)
                        .bind(entry.success)
                        .bind(&entry.detail)
                        .bind(&entry.ip)
                }

                async fn insert_audit<'e, E>(executor: E, entry: &AuditEntry) -> Result<(), StoreError>
                where
                    E: sqlx::Executor<'e, Database = <$store as Dialect>::Db>,
                {
                    let query = sqlx::query(concat!(
                        "INSERT INTO ",
                        $crate::db::sql::audit::audit_event_columns!(),
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                    ));
                    Self::bind_audit_event(query, entry)
                        .execute(executor)
                        .await
                        .map_err(backend)?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl app::store::AuditStore for $store {
                async fn record_audit(&self, entry: AuditEntry) -> Result<(), StoreError> {
                    Self::insert_audit(self.pool(), &entry).await
                }

                async fn audit_about(
                    &self,
                    organisation_id: i64,
                    target: &str,
                    limit: i64,
                ) -> Result<Vec<AuditLine>, StoreError> {
                    let rows: Vec<AuditRow> = sqlx::query_as(
                        "SELECT id, actor, action, target, success, detail, ip, at FROM audit_events \
                         WHERE organisation_id = $1 AND target = $2 ORDER BY id DESC LIMIT $3",
                    )
                    .bind(organisation_id)
                    .bind(target)
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                async fn search_audit(
                    &self,
                    organisation_id: i64,
                    query: &AuditQuery,
                    limit: i64,
                ) -> Result<Vec<AuditLine>, StoreError> {
                    let rows: Vec<AuditRow> = audit_query::<<Self as Dialect>::Db>(organisation_id, query, limit)
                        .build_query_as()
                        .fetch_all(self.pool())
                        .await
                        .map_err(backend)?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }
            }
        };
    };
}
pub(crate) use audit;
