//! Counters of attempts in fixed windows, shared by every instance on one database.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `AttemptStore` for a back end.
macro_rules! attempts {
    ($store:ty) => {
        const _: () = {
            use app::store::{AttemptWindow, StoreError};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::backend;

            #[async_trait::async_trait]
            impl app::store::AttemptStore for $store {
                async fn count_attempt(
                    &self,
                    scope: &str,
                    subject: &str,
                    window: i64,
                    now: i64,
                ) -> Result<(), StoreError> {
                    // One statement, so two instances counting at once both count.
                    sqlx::query(
                        "INSERT INTO attempt_windows (scope, subject, window_start, attempts) \
                         VALUES ($1, $2, $3, 1) \
                         ON CONFLICT (scope, subject) DO UPDATE SET \
                         attempts = CASE WHEN attempt_windows.window_start + $4 <= $3 THEN 1 \
                                         ELSE attempt_windows.attempts + 1 END, \
                         window_start = CASE WHEN attempt_windows.window_start + $4 <= $3 THEN $3 \
                                             ELSE attempt_windows.window_start END",
                    )
                    .bind(scope)
                    .bind(subject)
                    .bind(now)
                    .bind(window)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn attempt_window(
                    &self,
                    scope: &str,
                    subject: &str,
                ) -> Result<Option<AttemptWindow>, StoreError> {
                    let row: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT window_start, attempts FROM attempt_windows \
                         WHERE scope = $1 AND subject = $2",
                    )
                    .bind(scope)
                    .bind(subject)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(row.map(|(start, attempts)| AttemptWindow { start, attempts }))
                }

                async fn forget_attempts(&self, before: i64) -> Result<u64, StoreError> {
                    sqlx::query("DELETE FROM attempt_windows WHERE window_start < $1")
                        .bind(before)
                        .execute(self.pool())
                        .await
                        .map(|done| done.rows_affected())
                        .map_err(backend)
                }
            }
        };
    };
}
pub(crate) use attempts;
