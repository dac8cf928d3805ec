//! App passwords for mail apps: argon2id hashes and their lookup, which the mail server reads
//! through `mail_app_passdb`.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `AppPasswordStore` for a back end.
macro_rules! app_passwords {
    ($store:ty) => {
        const _: () = {
            use app::model::AppPassword;
            use app::store::{NewAppPassword, StoreError};
            use $crate::db::error::{backend, store_error, touched};

            #[async_trait::async_trait]
            impl app::store::AppPasswordStore for $store {
                async fn create_app_password(&self, new: NewAppPassword) -> Result<i64, StoreError> {
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO app_passwords (user_id, name, lookup, password_hash, created_by, created_at) \
                         SELECT id, $2, $3, $4, $5, $6 FROM users WHERE id = $1 RETURNING id",
                    )
                    .bind(new.user_id)
                    .bind(&new.name)
                    .bind(&new.lookup)
                    .bind(&new.password_hash)
                    .bind(new.created_by.as_deref().unwrap_or_default())
                    .bind(new.now)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(store_error("lookup"))?;
                    id.ok_or(StoreError::NotFound)
                }

                async fn app_passwords(&self, user_id: i64) -> Result<Vec<AppPassword>, StoreError> {
                    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
                        "SELECT id, name, created_by, created_at FROM app_passwords \
                         WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
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
                    let done = sqlx::query("DELETE FROM app_passwords WHERE id = $1 AND user_id = $2")
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
