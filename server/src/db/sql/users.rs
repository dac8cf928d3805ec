//! Mailboxes: the list, create, edit, roles, resets, disable, convert and delete.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `UserStore` for a back end.
macro_rules! users {
    ($store:ty) => {
        const _: () = {
            use app::model::{mb_rounded_up, AddressHolder, AdminScope, SignOut, UserDetail, UserPage, UserQuery, UserRow, Role, Tally};
            use app::store::{AccountsToReview, NewUser, PasswordReset, StoreError, UserUpdate};
            use std::collections::HashMap;
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, store_error, touched};
            use $crate::db::rows::{self, UserDetailRecord, UserRecord};
            use $crate::db::sql::list;

            #[async_trait::async_trait]
            impl app::store::UserStore for $store {
                async fn list_users(
                    &self,
                    organisation_id: i64,
                    query: &UserQuery,
                    page_size: usize,
                ) -> Result<UserPage, StoreError> {
                    let mut sql =
                        list::users_query::<<Self as Dialect>::Db>(organisation_id, query, page_size, Self::SEARCH_INDEX);
                    let rows: Vec<UserRecord> = sql
                        .build_query_as()
                        .persistent(Self::PREPARED_LIST)
                        .fetch_all(self.pool())
                        .await
                        .map_err(backend)?;
                    list::users_page(rows, query, page_size)
                }

                async fn create_users(
                    &self,
                    users: &[NewUser],
                    events: &[app::store::AuditEntry],
                ) -> Result<Vec<UserRow>, StoreError> {
                    let Some(first) = users.first() else {
                        return Ok(Vec::new());
                    };
                    let organisation_id = first.organisation_id;
                    // The organisation row is the lock that keeps two admins from taking the last licence.
                    let mut tx = self.begin_write().await?;
                    Self::lock_organisation(&mut tx, organisation_id).await?;
                    let now = Self::usage(&mut *tx, organisation_id).await?;
                    if now.licences_left() < users.len() as i64 {
                        return Err(StoreError::LicencesExhausted {
                            licences: now.mailbox_licences,
                        });
                    }
                    let wanted_mb: i64 = users.iter().map(|u| u.quota.mb()).sum();
                    if wanted_mb > now.storage_left_mb() {
                        return Err(StoreError::StoragePoolExceeded {
                            available_mb: now.storage_left_mb(),
                        });
                    }
                    let domains: HashMap<i64, String> =
                        sqlx::query_as("SELECT id, name FROM domains WHERE organisation_id = $1")
                            .bind(organisation_id)
                            .fetch_all(&mut *tx)
                            .await
                            .map_err(backend)?
                            .into_iter()
                            .collect();
                    let mut rows = Vec::with_capacity(users.len());
                    for (index, user) in users.iter().enumerate() {
                        let domain = domains
                            .get(&user.domain_id)
                            .filter(|_| user.organisation_id == organisation_id)
                            .ok_or(StoreError::NotFound)?;
                        let email = format!("{}@{}", user.local_part.as_str(), domain);
                        if let Some(holder) = Self::holder_of(&mut *tx, &email).await? {
                            return Err(StoreError::RowConflict { index, holder });
                        }
                        let row: UserRecord = sqlx::query_as(
                            "INSERT INTO users (organisation_id, domain_id, local_part, email, name, \
                             name_lower, password_hash, role, account_type, quota_mb, language, time_zone, \
                             date_format, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                             RETURNING id, name, email, account_type, quota_mb, status, shared, last_login_at, role",
                        )
                        .bind(organisation_id)
                        .bind(user.domain_id)
                        .bind(user.local_part.as_str())
                        .bind(&email)
                        .bind(&user.name)
                        .bind(user.name.to_lowercase())
                        .bind(&user.password_hash)
                        .bind(user.role.as_str())
                        .bind(user.account_type.as_str())
                        .bind(user.quota.mb())
                        .bind(user.preferences.language.as_str())
                        .bind(user.preferences.time_zone.as_str())
                        .bind(user.preferences.date_format.as_str())
                        .bind(user.now)
                        .bind(user.now)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(|e| match store_error("username")(e) {
                            StoreError::Conflict { .. } => StoreError::RowConflict {
                                index,
                                holder: AddressHolder::Mailbox,
                            },
                            e => e,
                        })?;
                        rows.push(row.try_into()?);
                    }
                    Self::record_audit_in(&mut tx, events).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(rows)
                }

                async fn get_user(&self, organisation_id: i64, user_id: i64) -> Result<UserDetail, StoreError> {
                    let row: UserDetailRecord = sqlx::query_as(
            "SELECT id, name, email, role, account_type, quota_mb, status, only_local_smtp, shared, \
                         must_change_password, recovery_email, language, time_zone, date_format, \
                         COALESCE((SELECT m.bytes FROM mailbox_usage m WHERE m.username = users.email), 0) \
                         AS used_bytes, last_login_at, created_at, failed_sign_ins, locked_until, admin_scope FROM users WHERE id = $1 AND organisation_id = $2",
                    )
                    .bind(user_id)
                    .bind(organisation_id)
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)?;
                    let mut user: UserDetail = row.try_into()?;
                    self.read_domains(user.id, &mut user.scope).await?;
                    Ok(user)
                }

                async fn accounts_to_review(
                    &self,
                    organisation_id: i64,
                    stale_before: i64,
                    limit: i64,
                    count_up_to: i64,
                ) -> Result<AccountsToReview, StoreError> {
                    // Each group is a status and a range of COALESCE(last_login_at, 0): a run of
                    // `users_for_review` (organisation, status, shared, that expression, email).
                    // Never signed in is the one value 0, an equality, so its rows are read in
                    // email order from the index with no sort. Counts stop past `count_up_to`:
                    // a bounded index scan however many accounts the group holds.
                    const SHARED: &str = "FROM users WHERE organisation_id = $1 AND status = $2 AND shared = FALSE";
                    let groups = [
                        ("active", "AND COALESCE(last_login_at, 0) = $3", Some(0), "email"),
                        (
                            "active",
                            "AND COALESCE(last_login_at, 0) > 0 AND COALESCE(last_login_at, 0) < $3",
                            Some(stale_before),
                            "COALESCE(last_login_at, 0), email",
                        ),
                        // A range on the index's fourth column keeps the planner on it; with
                        // none, SQLite walked the organisation's address index instead.
                        ("disabled", "AND COALESCE(last_login_at, 0) >= $3", Some(i64::MIN), "email"),
                    ];
                    let mut found = Vec::with_capacity(groups.len());
                    for (status, range, bound, order) in groups {
                        let last = if bound.is_some() { "$4" } else { "$3" };
                        let rows_sql = format!(
                            "SELECT id, name, email, account_type, quota_mb, status, shared, last_login_at, role \
                             {SHARED} {range} ORDER BY {order} LIMIT {last}"
                        );
                        let count_sql =
                            format!("SELECT COUNT(*) FROM (SELECT 1 {SHARED} {range} LIMIT {last}) AS counted");
                        let mut rows = sqlx::query_as::<_, UserRecord>(&rows_sql)
                        .bind(organisation_id)
                        .bind(status);
                        let mut count = sqlx::query_scalar::<_, i64>(&count_sql)
                        .bind(organisation_id)
                        .bind(status);
                        if let Some(bound) = bound {
                            rows = rows.bind(bound);
                            count = count.bind(bound);
                        }
                        let rows = rows.bind(limit).fetch_all(self.pool()).await.map_err(backend)?;
                        let count = count
                            .bind(count_up_to + 1)
                            .fetch_one(self.pool())
                            .await
                            .map_err(backend)?;
                        let rows = rows
                            .into_iter()
                            .map(UserRow::try_from)
                            .collect::<Result<Vec<_>, _>>()?;
                        found.push((rows, Tally::of(count, count_up_to)));
                    }
                    let [(never, never_count), (stale, stale_count), (disabled, disabled_count)]: [_; 3] =
                        found.try_into().map_err(|_| StoreError::Backend("three groups".into()))?;
                    Ok(AccountsToReview {
                        never,
                        never_count,
                        stale,
                        stale_count,
                        disabled,
                        disabled_count,
                    })
                }

                async fn update_user(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    update: UserUpdate,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    Self::lock_organisation(&mut tx, organisation_id).await?;
                    let old_quota: i64 =
                        sqlx::query_scalar("SELECT quota_mb FROM users WHERE id = $1 AND organisation_id = $2")
                            .bind(user_id)
                            .bind(organisation_id)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(backend)?;
                    let now = Self::usage(&mut *tx, organisation_id).await?;
                    let available_mb = now.storage_left_mb() + old_quota;
                    if update.quota.mb() > available_mb {
                        return Err(StoreError::StoragePoolExceeded { available_mb });
                    }
                    let used_bytes: i64 = sqlx::query_scalar(
                        "SELECT COALESCE(MAX(m.bytes), 0) FROM users u \
                         JOIN mailbox_usage m ON m.username = u.email WHERE u.id = $1",
                    )
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if update.quota.mb() * 1_000_000 < used_bytes {
                        return Err(StoreError::QuotaBelowUsed {
                            used_mb: mb_rounded_up(used_bytes),
                        });
                    }
                    let status = if update.disabled {
                        "disabled"
                    } else {
                        "active"
                    };
                    sqlx::query(
                        "UPDATE users SET name = $1, name_lower = $2, account_type = $3, quota_mb = $4, \
                         status = $5, only_local_smtp = $6, \
                         language = $7, time_zone = $8, date_format = $9, updated_at = $10, \
                         recovery_email = $11 WHERE id = $12 AND organisation_id = $13",
                    )
                    .bind(&update.name)
                    .bind(update.name.to_lowercase())
                    .bind(update.account_type.as_str())
                    .bind(update.quota.mb())
                    .bind(status)
                    .bind(update.only_local_smtp)
                    .bind(update.preferences.language.as_str())
                    .bind(update.preferences.time_zone.as_str())
                    .bind(update.preferences.date_format.as_str())
                    .bind(update.now)
                    .bind(update.recovery_email.as_ref().map(ToString::to_string))
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if update.disabled {
                        Self::end_all_sessions(&mut tx, user_id).await?;
                    }
                    tx.commit().await.map_err(backend)
                }

                async fn set_preferences(
                    &self,
                    user_id: i64,
                    preferences: &app::model::Preferences,
                    now: i64,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE users SET language = $1, time_zone = $2, date_format = $3, updated_at = $4 \
                         WHERE id = $5",
                    )
                    .bind(preferences.language.as_str())
                    .bind(preferences.time_zone.as_str())
                    .bind(preferences.date_format.as_str())
                    .bind(now)
                    .bind(user_id)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn set_role(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    role: Role,
                    scope: &AdminScope,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = sqlx::query(
                        "UPDATE users SET role = $1, admin_scope = $2 WHERE id = $3 AND organisation_id = $4",
                    )
                    .bind(role.as_str())
                    .bind(rows::scope_column(scope))
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    sqlx::query("DELETE FROM admin_domains WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    if let AdminScope::Domains(domains) = scope {
                        for domain in domains {
                            // Only the organisation's own domains: another's id inserts nothing.
                            sqlx::query(
                                "INSERT INTO admin_domains (user_id, domain_id) \
                                 SELECT $1, id FROM domains WHERE id = $2 AND organisation_id = $3",
                            )
                            .bind(user_id)
                            .bind(domain.id)
                            .bind(organisation_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }

                async fn reset_password(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    reset: PasswordReset,
                ) -> Result<u64, StoreError> {
                    let mut tx = self.begin_write().await?;
                    let updated = sqlx::query(
                        "UPDATE users SET password_hash = $1, must_change_password = $2, password_expires_at = $3, \
                         failed_sign_ins = 0, locked_until = NULL, \
                         updated_at = $4 \
                         WHERE id = $5 AND organisation_id = $6",
                    )
                    .bind(&reset.password_hash)
                    .bind(reset.must_change)
                    .bind(reset.expires_at)
                    .bind(reset.now)
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    touched(updated.rows_affected())?;
                    let ended = match &reset.sign_out {
                        SignOut::All => Self::end_all_sessions(&mut tx, user_id).await?,
                        SignOut::Devices(ids) => {
                            let mut ended = 0;
                            for id in ids {
                                ended += sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
                                    .bind(id)
                                    .bind(user_id)
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(backend)?
                                    .rows_affected();
                            }
                            ended
                        }
                    };
                    if let Some(link) = &reset.link {
                        sqlx::query(
                            "INSERT INTO password_links (token_hash, user_id, created_at, expires_at) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(&link.token_hash)
                        .bind(user_id)
                        .bind(reset.now)
                        .bind(link.expires_at)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    if reset.revoke_app_passwords {
                        sqlx::query("DELETE FROM app_passwords WHERE user_id = $1")
                            .bind(user_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                    }
                    Self::queue_mail_in(&mut tx, organisation_id, user_id, &reset.mail, reset.now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(ended)
                }

                async fn set_users_disabled(
                    &self,
                    organisation_id: i64,
                    user_ids: &[i64],
                    disabled: bool,
                    now: i64,
                ) -> Result<Vec<String>, StoreError> {
                    let mut tx = self.begin_write().await?;
                    let emails = Self::owned_addresses(&mut tx, organisation_id, user_ids).await?;
                    let status = if disabled { "disabled" } else { "active" };
                    sqlx::query(&format!(
                        "UPDATE users SET status = $1, updated_at = $2 WHERE organisation_id = $3 AND {}",
                        Self::in_ids("id", 4)
                    ))
                    .bind(status)
                    .bind(now)
                    .bind(organisation_id)
                    .bind(Self::ids(user_ids))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if disabled {
                        sqlx::query(&format!("DELETE FROM sessions WHERE {}", Self::in_ids("user_id", 1)))
                            .bind(Self::ids(user_ids))
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(emails)
                }

                async fn convert_to_shared(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    grants: &[app::store::SharedGrant],
                    now: i64,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    // The totals' trigger updates the organisation row: taking it first keeps the
                    // lock order of every writer the same (organisation, then users).
                    Self::lock_organisation(&mut tx, organisation_id).await?;
                    let done = sqlx::query(
                        "UPDATE users SET shared = TRUE, role = 'user', updated_at = $1 \
                         WHERE id = $2 AND organisation_id = $3",
                    )
                    .bind(now)
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())?;
                    Self::end_all_sessions(&mut tx, user_id).await?;
                    Self::grant_members(&mut tx, organisation_id, user_id, grants, now).await?;
                    tx.commit().await.map_err(backend)
                }

                async fn delete_users(
                    &self,
                    organisation_id: i64,
                    user_ids: &[i64],
                ) -> Result<Vec<String>, StoreError> {
                    let mut tx = self.begin_write().await?;
                    // Organisation before users, as every writer that moves the totals.
                    Self::lock_organisation(&mut tx, organisation_id).await?;
                    let emails = Self::owned_addresses(&mut tx, organisation_id, user_ids).await?;
                    sqlx::query(&format!(
                        "DELETE FROM mailbox_usage WHERE username IN (SELECT email FROM users WHERE {})",
                        Self::in_ids("id", 1)
                    ))
                    .bind(Self::ids(user_ids))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    sqlx::query(&format!("DELETE FROM sessions WHERE {}", Self::in_ids("user_id", 1)))
                        .bind(Self::ids(user_ids))
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    sqlx::query(&format!("DELETE FROM users WHERE {}", Self::in_ids("id", 1)))
                        .bind(Self::ids(user_ids))
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(emails)
                }
            }
        };
    };
}
pub(crate) use users;
