//! CSV uploads kept until the admin confirms them.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `ImportStore` for a back end.
macro_rules! imports {
    ($store:ty) => {
        const _: () = {
            use app::store::{ImportCheck, NewImport, StoreError, StoredImport};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, touched};

            #[async_trait::async_trait]
            impl app::store::ImportStore for $store {
                async fn save_import(&self, import: NewImport, expire_before: i64) -> Result<i64, StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query("DELETE FROM import_batches WHERE created_at < $1")
                        .bind(expire_before)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO import_batches \
                         (organisation_id, created_by, created_at, rows, passwords_total, checked_at) \
                         VALUES ($1, $2, $3, $4, $5, $3) RETURNING id",
                    )
                    .bind(import.organisation_id)
                    .bind(import.created_by)
                    .bind(import.now)
                    .bind(&import.rows_json)
                    .bind(import.passwords)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(id)
                }

                async fn load_import(
                    &self,
                    organisation_id: i64,
                    import_id: i64,
                    expire_before: i64,
                ) -> Result<StoredImport, StoreError> {
                    #[allow(clippy::type_complexity)]
                    let (created_by, created_at, rows_json, total, hashed, checked_at, failed): (
                        i64,
                        i64,
                        String,
                        i64,
                        i64,
                        i64,
                        bool,
                    ) = sqlx::query_as(
                        "SELECT created_by, created_at, rows, passwords_total, passwords_hashed, \
                         checked_at, check_failed FROM import_batches \
                         WHERE id = $1 AND organisation_id = $2 AND created_at >= $3",
                    )
                    .bind(import_id)
                    .bind(organisation_id)
                    .bind(expire_before)
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(StoredImport {
                        created_by,
                        created_at,
                        rows_json,
                        check: ImportCheck {
                            passwords_total: total,
                            passwords_hashed: hashed,
                            checked_at,
                            failed,
                        },
                    })
                }

                async fn record_import_progress(&self, import_id: i64, hashed: i64, now: i64) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE import_batches SET passwords_hashed = $2, checked_at = $3 WHERE id = $1",
                    )
                    .bind(import_id)
                    .bind(hashed)
                    .bind(now)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn complete_import(&self, import_id: i64, rows_json: &str, now: i64) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE import_batches SET rows = $2, passwords_hashed = passwords_total, \
                         checked_at = $3 WHERE id = $1",
                    )
                    .bind(import_id)
                    .bind(rows_json)
                    .bind(now)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn fail_import(&self, import_id: i64, now: i64) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE import_batches SET check_failed = TRUE, checked_at = $2 WHERE id = $1",
                    )
                    .bind(import_id)
                    .bind(now)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn delete_import(&self, organisation_id: i64, import_id: i64) -> Result<(), StoreError> {
                    let done = sqlx::query("DELETE FROM import_batches WHERE id = $1 AND organisation_id = $2")
                        .bind(import_id)
                        .bind(organisation_id)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    touched(done.rows_affected())
                }
            }
        };
    };
}
pub(crate) use imports;
