//! Two-factor sign-in: TOTP keys (sealed by the caller) and recovery codes.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `TwoFactorStore` for a back end.
macro_rules! two_factor {
    ($store:ty) => {
        const _: () = {
            use app::store::{StoreError, TwoFactorRecord, UnusedRecoveryCode};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, touched};

            impl $store {
                async fn insert_recovery_codes(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    user_id: i64,
                    code_hashes: &[String],
                ) -> Result<(), StoreError> {
                    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                    for hash in code_hashes {
                        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                            .bind(user_id)
                            .bind(hash)
                            .execute(&mut **tx)
                            .await
                            .map_err(backend)?;
                    }
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl app::store::TwoFactorStore for $store {
                async fn begin_two_factor(&self, user_id: i64, sealed_key: &[u8]) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(&format!(
                        "SELECT id FROM users WHERE id = $1{}",
                        <$store as Dialect>::LOCK_ROWS
                    ))
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let confirmed: Option<Option<i64>> =
                        sqlx::query_scalar("SELECT confirmed_at FROM two_factor WHERE user_id = $1")
                            .bind(user_id)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(backend)?;
                    if matches!(confirmed, Some(Some(_))) {
                        return Err(StoreError::Conflict { field: "code" });
                    }
                    sqlx::query(
                        "INSERT INTO two_factor (user_id, sealed_key) VALUES ($1, $2) \
                         ON CONFLICT (user_id) DO UPDATE \
                         SET sealed_key = excluded.sealed_key, confirmed_at = NULL, last_step = NULL",
                    )
                    .bind(user_id)
                    .bind(sealed_key)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn two_factor(&self, user_id: i64) -> Result<Option<TwoFactorRecord>, StoreError> {
                    let row: Option<(Vec<u8>, Option<i64>, Option<i64>)> = sqlx::query_as(
                        "SELECT sealed_key, confirmed_at, last_step FROM two_factor WHERE user_id = $1",
                    )
                    .bind(user_id)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(row.map(|(sealed_key, confirmed_at, last_step)| TwoFactorRecord {
                        sealed_key,
                        confirmed_at,
                        last_step,
                    }))
                }

                async fn confirm_two_factor(
                    &self,
                    user_id: i64,
                    step: i64,
                    code_hashes: &[String],
                    now: i64,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = sqlx::query(
                        "UPDATE two_factor SET confirmed_at = $2, last_step = $3 \
                         WHERE user_id = $1 AND confirmed_at IS NULL",
                    )
                    .bind(user_id)
                    .bind(now)
                    .bind(step)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())?;
                    Self::insert_recovery_codes(&mut tx, user_id, code_hashes).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn spend_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
                    let done = sqlx::query(
                        "UPDATE two_factor SET last_step = $2 \
                         WHERE user_id = $1 AND confirmed_at IS NOT NULL \
                         AND (last_step IS NULL OR last_step < $2)",
                    )
                    .bind(user_id)
                    .bind(step)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn unused_recovery_codes(
                    &self,
                    user_id: i64,
                ) -> Result<Vec<UnusedRecoveryCode>, StoreError> {
                    let rows: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT id, code_hash FROM recovery_codes \
                         WHERE user_id = $1 AND used_at IS NULL ORDER BY id",
                    )
                    .bind(user_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, code_hash)| UnusedRecoveryCode { id, code_hash })
                        .collect())
                }

                async fn spend_recovery_code(
                    &self,
                    user_id: i64,
                    code: &UnusedRecoveryCode,
                    now: i64,
                ) -> Result<bool, StoreError> {
                    // The hash too: SQLite may give a replaced code's id to a new one.
                    let done = sqlx::query(
                        "UPDATE recovery_codes SET used_at = $3 \
                         WHERE id = $2 AND user_id = $1 AND code_hash = $4 AND used_at IS NULL",
                    )
                    .bind(user_id)
                    .bind(code.id)
                    .bind(now)
                    .bind(&code.code_hash)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn replace_recovery_codes(
                    &self,
                    user_id: i64,
                    code_hashes: &[String],
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let on: Option<i64> = sqlx::query_scalar(
                        "SELECT user_id FROM two_factor WHERE user_id = $1 AND confirmed_at IS NOT NULL",
                    )
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    on.ok_or(StoreError::NotFound)?;
                    Self::insert_recovery_codes(&mut tx, user_id, code_hashes).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn remove_two_factor(&self, user_id: i64) -> Result<bool, StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let done = sqlx::query("DELETE FROM two_factor WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn reset_two_factor(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    mail: &[app::store::NewMail],
                    now: i64,
                ) -> Result<u64, StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let done = sqlx::query(
                        "DELETE FROM two_factor WHERE user_id = $1 \
                         AND user_id IN (SELECT id FROM users WHERE organisation_id = $2)",
                    )
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())?;
                    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?
                        .rows_affected();
                    Self::queue_mail_in(&mut tx, organisation_id, user_id, mail, now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(ended)
                }
            }
        };
    };
}
pub(crate) use two_factor;
