//! Sign-in, sessions and devices, and set-password links.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// The table and columns of a session's row, for both ways a sign-in writes one.
macro_rules! session_columns {
    () => {
        "sessions (user_id, token_hash, device, ip, created_at, last_seen_at, password_confirmed_at, \
         acting_admin_id, return_to)"
    };
}
pub(crate) use session_columns;

/// What a sign-in changes on the account: `$1` the time, `$2` the account.
macro_rules! signed_in {
    () => {
        "UPDATE users SET last_login_at = $1, failed_sign_ins = 0, locked_until = NULL WHERE id = $2"
    };
}
pub(crate) use signed_in;

/// Implements `SessionStore` for a back end.
macro_rules! sessions {
    ($store:ty) => {
        const _: () = {
            use app::model::{Device, EmailAddress, SignOut, Viewer};
            use app::security::lockout::LockoutRules;
            use app::store::{LinkOwner, LoginRecord, NewSession, SessionLimits, StoreError};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, touched};
            use $crate::db::rows::{self, LinkOwnerRow, LoginRow, SessionRecord};

            impl $store {
                /// One session row, in the caller's transaction: the person's own, or with
                /// `acting` the one an administrator opened as the user.
                async fn insert_session(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    session: &NewSession,
                    acting: Option<&app::model::ActingAdmin>,
                ) -> Result<(), StoreError> {
                    sqlx::query(concat!(
                        "INSERT INTO ",
                        $crate::db::sql::sessions::session_columns!(),
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                    ))
                    .bind(session.user_id)
                    .bind(&session.token_hash)
                    .bind(&session.device)
                    .bind(&session.ip)
                    .bind(session.now)
                    .bind(session.now)
                    .bind(session.now)
                    .bind(acting.map(|a| a.user_id))
                    .bind(acting.map(|a| a.return_to.as_str()))
                    .execute(&mut **tx)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                /// `create_session` as one statement, which is its own transaction: one round
                /// trip to the server instead of five, on the path every sign-in takes.
                async fn create_session_in_one_statement(
                    &self,
                    session: &NewSession,
                    event: &app::store::AuditEntry,
                ) -> Result<(), StoreError> {
                    let query = sqlx::query(concat!(
                        "WITH session AS (INSERT INTO ",
                        $crate::db::sql::sessions::session_columns!(),
                        " VALUES ($2, $3, $4, $5, $1, $1, $1, NULL, NULL)), audit AS (INSERT INTO ",
                        $crate::db::sql::audit::audit_event_columns!(),
                        " VALUES ($6, $7, $8, $9, $10, $11, $12, $13, $14)) ",
                        $crate::db::sql::sessions::signed_in!()
                    ))
                    .bind(session.now)
                    .bind(session.user_id)
                    .bind(&session.token_hash)
                    .bind(&session.device)
                    .bind(&session.ip);
                    Self::bind_audit_event(query, event)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl app::store::SessionStore for $store {
                async fn ping(&self) -> Result<(), StoreError> {
                    sqlx::query("SELECT 1").execute(self.pool()).await.map_err(backend)?;
                    Ok(())
                }

                async fn find_login(&self, email: &EmailAddress) -> Result<Option<LoginRecord>, StoreError> {
                    let row: Option<LoginRow> = sqlx::query_as(
                        "SELECT u.id, u.organisation_id, u.password_hash, u.role, u.status, u.shared, \
                         u.must_change_password, u.password_expires_at, u.locked_until, \
                         t.confirmed_at AS two_factor_since, o.two_factor_required \
                         FROM users u JOIN organisations o ON o.id = u.organisation_id \
                         LEFT JOIN two_factor t ON t.user_id = u.id WHERE u.email = $1",
                    )
                    .bind(email.to_string())
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?;
                    row.map(rows::login_record).transpose()
                }

                async fn update_password_hash(
                    &self,
                    user_id: i64,
                    password_hash: &str,
                    now: i64,
                ) -> Result<(), StoreError> {
                    let done =
                        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                            .bind(password_hash)
                            .bind(now)
                            .bind(user_id)
                            .execute(self.pool())
                            .await
                            .map_err(backend)?;
                    touched(done.rows_affected())?;
                    Ok(())
                }

                async fn change_own_password(
                    &self,
                    user_id: i64,
                    password_hash: &str,
                    (current, rotated): (&[u8], &[u8]),
                    sign_out_others: bool,
                    now: i64,
                ) -> Result<u64, StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = sqlx::query(
                        "UPDATE users SET password_hash = $1, must_change_password = FALSE, password_expires_at = NULL, updated_at = $2 \
                         WHERE id = $3",
                    )
                    .bind(password_hash)
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())?;
                    let moved = sqlx::query(
                        "UPDATE sessions SET token_hash = $1, last_seen_at = $2, password_confirmed_at = $2 \
                         WHERE token_hash = $3 AND user_id = $4",
                    )
                    .bind(rotated)
                    .bind(now)
                    .bind(current)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    touched(moved.rows_affected())?;
                    let ended = if sign_out_others {
                        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                            .bind(user_id)
                            .bind(rotated)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?
                            .rows_affected()
                    } else {
                        0
                    };
                    tx.commit().await.map_err(backend)?;
                    Ok(ended)
                }

                async fn create_session(
                    &self,
                    session: NewSession,
                    event: &app::store::AuditEntry,
                ) -> Result<(), StoreError> {
                    if <$store as Dialect>::WRITING_CTES {
                        return self.create_session_in_one_statement(&session, event).await;
                    }
                    let mut tx = self.begin_write().await?;
                    Self::insert_session(&mut tx, &session, None).await?;
                    Self::record_audit_in(&mut tx, std::slice::from_ref(event)).await?;
                    sqlx::query($crate::db::sql::sessions::signed_in!())
                        .bind(session.now)
                        .bind(session.user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.commit().await.map_err(backend)
                }

                async fn create_acting_session(
                    &self,
                    session: NewSession,
                    acting: &app::model::ActingAdmin,
                    organisation_id: i64,
                    notice: &[app::store::NewMail],
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    Self::insert_session(&mut tx, &session, Some(acting)).await?;
                    Self::queue_mail_in(&mut tx, organisation_id, session.user_id, notice, session.now)
                        .await?;
                    tx.commit().await.map_err(backend)
                }

                async fn record_failed_sign_in(
                    &self,
                    user_id: i64,
                    now: i64,
                    rules: LockoutRules,
                ) -> Result<Option<i64>, StoreError> {
                    let mut tx = self.begin_write().await?;
                    // The write lock (the row's on PostgreSQL, the database's on SQLite) orders concurrent
                    // failures of one account.
                    let (failures, locked_until): (i64, Option<i64>) = sqlx::query_as(
                        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 \
                         RETURNING failed_sign_ins, locked_until",
                    )
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let locked_until = match rules.lock_seconds(failures) {
                        Some(seconds) => {
                            let end = locked_until.unwrap_or_default().max(now + seconds);
                            sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
                                .bind(end)
                                .bind(user_id)
                                .execute(&mut *tx)
                                .await
                                .map_err(backend)?;
                            Some(end)
                        }
                        None => locked_until.filter(|end| *end > now),
                    };
                    tx.commit().await.map_err(backend)?;
                    Ok(locked_until)
                }

                async fn unlock_user(&self, organisation_id: i64, user_id: i64) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE users SET failed_sign_ins = 0, locked_until = NULL \
                         WHERE id = $1 AND organisation_id = $2",
                    )
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn session_viewer(
                    &self,
                    token_hash: &[u8],
                    now: i64,
                    limits: SessionLimits,
                ) -> Result<Option<Viewer>, StoreError> {
                    let row: Option<SessionRecord> = sqlx::query_as(
                        "SELECT s.id AS session_id, s.created_at, s.last_seen_at, u.id AS user_id, \
                         u.organisation_id, u.email, u.name, u.role, u.status, u.must_change_password, \
                         s.password_confirmed_at, u.admin_scope, o.two_factor_required, \
                         t.confirmed_at AS two_factor_since, s.acting_admin_id, \
                         a.email AS acting_admin_email, s.return_to \
                         FROM sessions s JOIN users u ON u.id = s.user_id \
                         JOIN organisations o ON o.id = u.organisation_id \
                         LEFT JOIN two_factor t ON t.user_id = u.id \
                         LEFT JOIN users a ON a.id = s.acting_admin_id WHERE s.token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?;
                    let Some(row) = row else { return Ok(None) };
                    if !rows::session_is_live(&row, now, limits) {
                        sqlx::query("DELETE FROM sessions WHERE id = $1")
                            .bind(row.session_id)
                            .execute(self.pool())
                            .await
                            .map_err(backend)?;
                        return Ok(None);
                    }
                    if rows::needs_touch(&row, now) {
                        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(row.session_id)
                            .execute(self.pool())
                            .await
                            .map_err(backend)?;
                    }
                    let mut viewer = row.viewer()?;
                    self.read_domains(viewer.user_id, &mut viewer.scope).await?;
                    Ok(Some(viewer))
                }

                async fn delete_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    Ok(())
                }

                async fn confirm_password(&self, token_hash: &[u8], now: i64) -> Result<(), StoreError> {
                    let done =
                        sqlx::query("UPDATE sessions SET password_confirmed_at = $1 WHERE token_hash = $2")
                            .bind(now)
                            .bind(token_hash)
                            .execute(self.pool())
                            .await
                            .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn list_devices(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    asking: &[u8],
                    now: i64,
                    limits: SessionLimits,
                ) -> Result<Vec<Device>, StoreError> {
                    sqlx::query_as::<_, rows::DeviceRow>(
                        "SELECT s.id, s.device, s.ip, s.created_at, s.last_seen_at, s.token_hash = $1, \
                         a.email FROM sessions s JOIN users u ON u.id = s.user_id \
                         LEFT JOIN users a ON a.id = s.acting_admin_id \
                         WHERE s.user_id = $2 AND u.organisation_id = $3 \
                         AND s.last_seen_at > $4 AND s.created_at > $5 \
                         ORDER BY s.last_seen_at DESC, s.id DESC",
                    )
                    .bind(asking)
                    .bind(user_id)
                    .bind(organisation_id)
                    .bind(now - limits.idle)
                    .bind(now - limits.absolute)
                    .fetch_all(self.pool())
                    .await
                    .map(|rows| rows.into_iter().map(rows::device).collect())
                    .map_err(backend)
                }

                async fn end_sessions(
                    &self,
                    user_id: i64,
                    which: &SignOut,
                    keep: &[u8],
                ) -> Result<u64, StoreError> {
                    let ids = match which {
                        SignOut::All => {
                            return sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                                .bind(user_id)
                                .bind(keep)
                                .execute(self.pool())
                                .await
                                .map(|done| done.rows_affected())
                                .map_err(backend);
                        }
                        SignOut::Devices(ids) => ids,
                    };
                    let mut tx = self.begin_write().await?;
                    let mut ended = 0;
                    for id in ids {
                        ended += sqlx::query(
                            "DELETE FROM sessions WHERE id = $1 AND user_id = $2 AND token_hash <> $3",
                        )
                        .bind(id)
                        .bind(user_id)
                        .bind(keep)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?
                        .rows_affected();
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(ended)
                }

                async fn password_link_owner(
                    &self,
                    token_hash: &[u8],
                    now: i64,
                ) -> Result<LinkOwner, StoreError> {
                    let row: LinkOwnerRow = sqlx::query_as(
                        "SELECT u.organisation_id, u.id AS user_id, u.email, u.name, l.requested \
                         FROM password_links l JOIN users u ON u.id = l.user_id \
                         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2",
                    )
                    .bind(token_hash)
                    .bind(now)
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(row.into())
                }

                async fn set_password_by_link(
                    &self,
                    token_hash: &[u8],
                    password_hash: &str,
                    notice: &[app::store::NewMail],
                    now: i64,
                ) -> Result<LinkOwner, StoreError> {
                    let mut tx = self.begin_write().await?;
                    // Spending the link first makes a second, racing use find nothing to spend.
                    let (user_id, requested): (i64, bool) = sqlx::query_as(
                        "UPDATE password_links SET used_at = $1 \
                         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id, requested",
                    )
                    .bind(now)
                    .bind(token_hash)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let (organisation_id, email, name): (i64, String, String) = sqlx::query_as(
                        "UPDATE users SET password_hash = $1, must_change_password = FALSE, password_expires_at = NULL, \
                         failed_sign_ins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3 \
                         RETURNING organisation_id, email, name",
                    )
                    .bind(password_hash)
                    .bind(now)
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let owner = LinkOwner { organisation_id, user_id, email, name, requested };
                    Self::end_all_sessions(&mut tx, user_id).await?;
                    // The user's other links are spent too: the newest password wins.
                    sqlx::query(
                        "UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
                    )
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    Self::queue_mail_in(&mut tx, organisation_id, user_id, notice, now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(owner)
                }

                async fn add_requested_link(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    link: app::store::NewPasswordLink,
                    mail: &[app::store::NewMail],
                    now: i64,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(
                        "INSERT INTO password_links (token_hash, user_id, created_at, expires_at, requested) \
                         VALUES ($1, $2, $3, $4, TRUE)",
                    )
                    .bind(&link.token_hash)
                    .bind(user_id)
                    .bind(now)
                    .bind(link.expires_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    Self::queue_mail_in(&mut tx, organisation_id, user_id, mail, now).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use sessions;
