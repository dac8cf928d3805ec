//! Shared mailboxes made as such, and their members.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `SharedMailboxStore` for a back end.
macro_rules! shared_mailboxes {
    ($store:ty) => {
        const _: () = {
            use app::model::{SharedAccess, SharedMember, UserRow};
            use app::store::{NewSharedMailbox, SharedGrant, StoreError};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, touched};
            use $crate::db::rows::UserRecord;

            impl $store {
                /// Lets the members in (or changes their access) in the caller's transaction:
                /// `NotFound` unless `mailbox_id` is a shared mailbox of the organisation and
                /// each member one of its mailboxes that is not shared.
                async fn grant_members(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    organisation_id: i64,
                    mailbox_id: i64,
                    grants: &[SharedGrant],
                    now: i64,
                ) -> Result<(), StoreError> {
                    let shared: bool =
                        sqlx::query_scalar("SELECT shared FROM users WHERE id = $1 AND organisation_id = $2")
                            .bind(mailbox_id)
                            .bind(organisation_id)
                            .fetch_optional(&mut **tx)
                            .await
                            .map_err(backend)?
                            .ok_or(StoreError::NotFound)?;
                    if !shared {
                        return Err(StoreError::NotFound);
                    }
                    for grant in grants {
                        let member: Option<bool> = sqlx::query_scalar(
                            "SELECT shared FROM users WHERE id = $1 AND organisation_id = $2",
                        )
                        .bind(grant.member_id)
                        .bind(organisation_id)
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(backend)?;
                        if member != Some(false) {
                            return Err(StoreError::NotFound);
                        }
                        sqlx::query(
                            "INSERT INTO shared_members (mailbox_id, member_id, send_as, created_at) \
                             VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (mailbox_id, member_id) DO UPDATE SET send_as = excluded.send_as",
                        )
                        .bind(mailbox_id)
                        .bind(grant.member_id)
                        .bind(grant.access.send_as())
                        .bind(now)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                    }
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl app::store::SharedMailboxStore for $store {
                async fn create_shared_mailbox(&self, new: NewSharedMailbox) -> Result<UserRow, StoreError> {
                    let mut tx = self.begin_write().await?;
                    Self::lock_organisation(&mut tx, new.organisation_id).await?;
                    let usage = Self::usage(&mut *tx, new.organisation_id).await?;
                    if new.quota.mb() > usage.storage_left_mb() {
                        return Err(StoreError::StoragePoolExceeded {
                            available_mb: usage.storage_left_mb(),
                        });
                    }
                    let email =
                        Self::free_address(&mut tx, new.organisation_id, new.domain_id, &new.local_part).await?;
                    let row: UserRecord = sqlx::query_as(
                        "INSERT INTO users (organisation_id, domain_id, local_part, email, name, name_lower, \
                         password_hash, role, account_type, quota_mb, shared, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'user', 'basic', $8, TRUE, $9, $10) \
                         RETURNING id, name, email, account_type, quota_mb, status, shared, last_login_at, role",
                    )
                    .bind(new.organisation_id)
                    .bind(new.domain_id)
                    .bind(new.local_part.as_str())
                    .bind(&email)
                    .bind(&new.name)
                    .bind(new.name.to_lowercase())
                    .bind(&new.password_hash)
                    .bind(new.quota.mb())
                    .bind(new.now)
                    .bind(new.now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    row.try_into()
                }

                async fn shared_members(
                    &self,
                    organisation_id: i64,
                    mailbox_id: i64,
                ) -> Result<Vec<SharedMember>, StoreError> {
                    let rows: Vec<(i64, String, String, bool)> = sqlx::query_as(
                        "SELECT m.id, m.email, m.name, sm.send_as FROM shared_members sm \
                         JOIN users m ON m.id = sm.member_id \
                         JOIN users s ON s.id = sm.mailbox_id \
                         WHERE sm.mailbox_id = $1 AND s.organisation_id = $2 ORDER BY m.email",
                    )
                    .bind(mailbox_id)
                    .bind(organisation_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(user_id, email, name, send_as)| SharedMember {
                            user_id,
                            email,
                            name,
                            access: SharedAccess::of(send_as),
                        })
                        .collect())
                }

                async fn grant_shared_access(
                    &self,
                    organisation_id: i64,
                    mailbox_id: i64,
                    grants: &[SharedGrant],
                    now: i64,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    Self::grant_members(&mut tx, organisation_id, mailbox_id, grants, now).await?;
                    tx.commit().await.map_err(backend)
                }

                async fn remove_shared_member(
                    &self,
                    organisation_id: i64,
                    mailbox_id: i64,
                    member_id: i64,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "DELETE FROM shared_members WHERE mailbox_id = $1 AND member_id = $2 AND mailbox_id IN \
                         (SELECT id FROM users WHERE organisation_id = $3)",
                    )
                    .bind(mailbox_id)
                    .bind(member_id)
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
pub(crate) use shared_mailboxes;
