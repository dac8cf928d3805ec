//! App passwords for mail apps: argon2id hashes and their lookup, which the mail server reads
//! through `mail_app_passdb`.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `AppPasswordStore` for a back end.
macro_rules! app_passwords {
    ($store:ty) => {
        const _: () = {
            use app::model::{AppPassword, OneTimePassword};
            use app::store::{NewAppPassword, StoreError};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, store_error, touched};

            impl $store {
                /// One row of `app_passwords`, on the caller's connection or transaction;
                /// `NotFound` if there is no such user.
                async fn insert_app_password(
                    conn: &mut <<$store as Dialect>::Db as sqlx::Database>::Connection,
                    new: &NewAppPassword,
                ) -> Result<i64, StoreError> {
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO app_passwords (user_id, name, lookup, password_hash, created_by, created_at, expires_at) \
                         SELECT id, $2, $3, $4, $5, $6, $7 FROM users WHERE id = $1 RETURNING id",
                    )
                    .bind(new.user_id)
                    .bind(&new.name)
                    .bind(&new.lookup)
                    .bind(&new.password_hash)
                    .bind(new.created_by.as_deref().unwrap_or_default())
                    .bind(new.now)
                    .bind(new.expires_at)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(store_error("lookup"))?;
                    id.ok_or(StoreError::NotFound)
                }
            }

            #[async_trait::async_trait]
            impl app::store::AppPasswordStore for $store {
                async fn create_app_password(&self, new: NewAppPassword) -> Result<i64, StoreError> {
                    let mut conn = self.pool().acquire().await.map_err(backend)?;
                    Self::insert_app_password(&mut conn, &new).await
                }

                async fn replace_one_time_password(&self, new: NewAppPassword) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query("DELETE FROM app_passwords WHERE user_id = $1 AND expires_at IS NOT NULL")
                        .bind(new.user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    Self::insert_app_password(&mut tx, &new).await?;
                    tx.commit().await.map_err(backend)
                }

                async fn one_time_password(
                    &self,
                    user_id: i64,
                    now: i64,
                ) -> Result<Option<OneTimePassword>, StoreError> {
                    let row: Option<(String, i64, i64)> = sqlx::query_as(
                        "SELECT created_by, created_at, expires_at FROM app_passwords \
                         WHERE user_id = $1 AND expires_at > $2",
                    )
                    .bind(user_id)
                    .bind(now)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(row.map(|(created_by, created_at, expires_at)| OneTimePassword {
                        created_by,
                        created_at,
                        expires_at,
                    }))
                }

                async fn end_one_time_password(&self, user_id: i64, now: i64) -> Result<bool, StoreError> {
                    let live: Option<i64> = sqlx::query_scalar(
                        "DELETE FROM app_passwords WHERE user_id = $1 AND expires_at IS NOT NULL \
                         RETURNING expires_at",
                    )
                    .bind(user_id)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(live.is_some_and(|end| end > now))
                }

                async fn app_passwords(&self, user_id: i64) -> Result<Vec<AppPassword>, StoreError> {
                    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
                        "SELECT id, name, created_by, created_at FROM app_passwords \
                         WHERE user_id = $1 AND expires_at IS NULL ORDER BY created_at DESC, id DESC",
                    )
                    .bind(user_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, name, created_by, created_at)| AppPassword {
                            id,
                            name,
                            created_by: (!created_by.is_empty()).then_some(created_by),
                            created_at,
                        })
                        .collect())
                }

                async fn revoke_app_password(&self, user_id: i64, id: i64) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "DELETE FROM app_passwords WHERE id = $1 AND user_id = $2 AND expires_at IS NULL",
                    )
                        .bind(id)
                        .bind(user_id)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn app_passwords_only(&self, organisation_id: i64) -> Result<bool, StoreError> {
                    sqlx::query_scalar("SELECT app_passwords_only FROM organisations WHERE id = $1")
                        .bind(organisation_id)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(backend)?
                        .ok_or(StoreError::NotFound)
                }

                async fn set_app_passwords_only(
                    &self,
                    organisation_id: i64,
                    only: bool,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query("UPDATE organisations SET app_passwords_only = $1 WHERE id = $2")
                        .bind(only)
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
pub(crate) use app_passwords;
