//! The mail outbox and the mail server's commands waiting for a retry.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `MailStore` for a back end.
macro_rules! mail {
    ($store:ty) => {
        const _: () = {
            use app::model::MailRecord;
            use app::store::{Delivery, DueMail, MailServerTask, NewMailServerTask, StoreError};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, touched};
            use $crate::db::rows::{mail_server_tasks, MailRecordRow};

            impl $store {
                /// Queues `mail` about `user_id` within the caller's transaction, so a change and
                /// the mail that tells of it land together or not at all.
                pub(crate) async fn queue_mail_in(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    organisation_id: i64,
                    user_id: i64,
                    mail: &[app::store::NewMail],
                    now: i64,
                ) -> Result<(), StoreError> {
                    for mail in mail {
                        sqlx::query(
                            "INSERT INTO outbox (organisation_id, user_id, kind, recipient, subject, \
                             sealed_body, next_attempt_at, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        )
                        .bind(organisation_id)
                        .bind(user_id)
                        .bind(mail.kind.as_str())
                        .bind(&mail.recipient)
                        .bind(&mail.subject)
                        .bind(&mail.sealed_body)
                        .bind(now)
                        .bind(now)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                    }
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl app::store::MailStore for $store {
                async fn claim_mail(&self, now: i64, lease_until: i64) -> Result<Option<DueMail>, StoreError> {
                    // The claim moves the message's next try to the lease's end: another
                    // instance passes it over until then, and takes it up if this one died.
                    let row: Option<(i64, String, String, Option<Vec<u8>>, i64)> = sqlx::query_as(&format!(
                        "UPDATE outbox SET next_attempt_at = $2 WHERE id = (\
                         SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 \
                         ORDER BY next_attempt_at, id LIMIT 1{}) \
                         RETURNING id, recipient, subject, sealed_body, attempts",
                        <$store as Dialect>::CLAIM_ROWS
                    ))
                    .bind(now)
                    .bind(lease_until)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(row.map(|(id, recipient, subject, body, attempts)| DueMail {
                        id,
                        recipient,
                        subject,
                        sealed_body: body.unwrap_or_default(),
                        attempts,
                    }))
                }

                async fn record_delivery(
                    &self,
                    mail_id: i64,
                    delivery: Delivery,
                    now: i64,
                ) -> Result<(), StoreError> {
                    let query = match &delivery {
                        Delivery::Sent => sqlx::query(
                            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = $1, \
                             sealed_body = NULL, last_error = NULL WHERE id = $2",
                        )
                        .bind(now),
                        Delivery::Retry { at, error } => sqlx::query(
                            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, \
                             last_error = $2 WHERE id = $3",
                        )
                        .bind(*at)
                        .bind(error),
                        Delivery::GaveUp { error } => sqlx::query(
                            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, \
                             sealed_body = NULL, last_error = $1 WHERE id = $2",
                        )
                        .bind(error),
                    };
                    let done = query
                        .bind(mail_id)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn user_mail(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    limit: i64,
                ) -> Result<Vec<MailRecord>, StoreError> {
                    let rows: Vec<MailRecordRow> = sqlx::query_as(
                        "SELECT id, kind, recipient, status, attempts, last_error, created_at, sent_at \
                         FROM outbox WHERE user_id = $1 AND organisation_id = $2 ORDER BY id DESC LIMIT $3",
                    )
                    .bind(user_id)
                    .bind(organisation_id)
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    rows.into_iter().map(TryInto::try_into).collect()
                }

                async fn queue_mail_server_task(&self, task: NewMailServerTask) -> Result<(), StoreError> {
                    sqlx::query(
                        "INSERT INTO mail_server_tasks \
                         (address, action, attempts, next_attempt_at, last_error, created_at) \
                         VALUES ($1, $2, 1, $3, $4, $5)",
                    )
                    .bind(&task.address)
                    .bind(task.action.as_str())
                    .bind(task.next_attempt_at)
                    .bind(&task.error)
                    .bind(task.now)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn claim_mail_server_task(
                    &self,
                    now: i64,
                    lease_until: i64,
                ) -> Result<Option<MailServerTask>, StoreError> {
                    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(&format!(
                        "UPDATE mail_server_tasks SET next_attempt_at = $2 WHERE id = (\
                         SELECT id FROM mail_server_tasks WHERE next_attempt_at <= $1 \
                         ORDER BY next_attempt_at, id LIMIT 1{}) \
                         RETURNING id, address, action, attempts",
                        <$store as Dialect>::CLAIM_ROWS
                    ))
                    .bind(now)
                    .bind(lease_until)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(mail_server_tasks(rows)?.pop())
                }

                async fn record_mail_server_try(
                    &self,
                    task_id: i64,
                    outcome: Delivery,
                ) -> Result<(), StoreError> {
                    let query = match &outcome {
                        Delivery::Sent | Delivery::GaveUp { .. } => {
                            sqlx::query("DELETE FROM mail_server_tasks WHERE id = $1")
                        }
                        Delivery::Retry { at, error } => sqlx::query(
                            "UPDATE mail_server_tasks SET attempts = attempts + 1, next_attempt_at = $1, \
                             last_error = $2 WHERE id = $3",
                        )
                        .bind(*at)
                        .bind(error),
                    };
                    let done = query
                        .bind(task_id)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    touched(done.rows_affected())
                }
            }
        };
    };
}
pub(crate) use mail;
