//! Aliases and distribution lists.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `AddressStore` for a back end.
macro_rules! addresses {
    ($store:ty) => {
        const _: () = {
            use app::model::{AddressHolder, Alias, AutoReply, EmailAddress, Forwarding, ListDetail, ListMember, ListSummary, LocalPart};
            use app::store::StoreError;
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, store_error, touched};

            #[async_trait::async_trait]
            impl app::store::AddressStore for $store {
                async fn address_holder(&self, email: &str) -> Result<Option<AddressHolder>, StoreError> {
                    Self::holder_of(self.pool(), email).await
                }

                async fn list_aliases(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                ) -> Result<Vec<Alias>, StoreError> {
                    let rows: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT id, email FROM aliases WHERE organisation_id = $1 AND user_id = $2 ORDER BY email",
                    )
                    .bind(organisation_id)
                    .bind(user_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, email)| Alias { id, email })
                        .collect())
                }

                async fn add_alias(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    domain_id: i64,
                    local_part: &LocalPart,
                    now: i64,
                ) -> Result<Alias, StoreError> {
                    let mut tx = self.begin_write().await?;
                    Self::lock_organisation(&mut tx, organisation_id).await?;
                    sqlx::query("SELECT id FROM users WHERE id = $1 AND organisation_id = $2")
                        .bind(user_id)
                        .bind(organisation_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let email = Self::free_address(&mut tx, organisation_id, domain_id, local_part).await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO aliases (organisation_id, domain_id, email, user_id, created_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(organisation_id)
                    .bind(domain_id)
                    .bind(&email)
                    .bind(user_id)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error("username"))?;
                    tx.commit().await.map_err(backend)?;
                    Ok(Alias { id, email })
                }

                async fn remove_alias(&self, organisation_id: i64, alias_id: i64) -> Result<(), StoreError> {
                    let done = sqlx::query("DELETE FROM aliases WHERE id = $1 AND organisation_id = $2")
                        .bind(alias_id)
                        .bind(organisation_id)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn forwarding(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                ) -> Result<Forwarding, StoreError> {
                    let keep_copy: bool = sqlx::query_scalar(
                        "SELECT keep_forwarded_copy FROM users WHERE id = $1 AND organisation_id = $2",
                    )
                    .bind(user_id)
                    .bind(organisation_id)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?
                    .ok_or(StoreError::NotFound)?;
                    let addresses: Vec<String> = sqlx::query_scalar(
                        "SELECT address FROM forwards WHERE user_id = $1 ORDER BY position",
                    )
                    .bind(user_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(Forwarding { addresses, keep_copy })
                }

                async fn set_forwarding(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    forwarding: &Forwarding,
                    now: i64,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let done = sqlx::query(
                        "UPDATE users SET keep_forwarded_copy = $1, updated_at = $2 \
                         WHERE id = $3 AND organisation_id = $4",
                    )
                    .bind(forwarding.keep_copy)
                    .bind(now)
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())?;
                    sqlx::query("DELETE FROM forwards WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    for (position, address) in forwarding.addresses.iter().enumerate() {
                        sqlx::query(
                            "INSERT INTO forwards (user_id, address, position, created_at) VALUES ($1, $2, $3, $4)",
                        )
                        .bind(user_id)
                        .bind(address)
                        .bind(position as i64)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)
                }

                async fn auto_reply(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                ) -> Result<AutoReply, StoreError> {
                    type Row = (Option<bool>, Option<String>, Option<String>, Option<String>, Option<String>);
                    let (enabled, subject, message, starts_on, ends_on): Row = sqlx::query_as(
                        "SELECT r.enabled, r.subject, r.message, r.starts_on, r.ends_on \
                         FROM users u LEFT JOIN auto_replies r ON r.user_id = u.id \
                         WHERE u.id = $1 AND u.organisation_id = $2",
                    )
                    .bind(user_id)
                    .bind(organisation_id)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?
                    .ok_or(StoreError::NotFound)?;
                    Ok(AutoReply {
                        enabled: enabled.unwrap_or(false),
                        subject: subject.unwrap_or_default(),
                        message: message.unwrap_or_default(),
                        starts_on,
                        ends_on,
                    })
                }

                async fn set_auto_reply(
                    &self,
                    organisation_id: i64,
                    user_id: i64,
                    reply: &AutoReply,
                    (starts_at, ends_at): (Option<i64>, Option<i64>),
                    now: i64,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE id = $1 AND organisation_id = $2")
                        .bind(user_id)
                        .bind(organisation_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?
                        .ok_or(StoreError::NotFound)?;
                    sqlx::query(
                        "INSERT INTO auto_replies (user_id, enabled, subject, message, starts_on, ends_on, \
                         starts_at, ends_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, \
                         subject = excluded.subject, message = excluded.message, \
                         starts_on = excluded.starts_on, ends_on = excluded.ends_on, \
                         starts_at = excluded.starts_at, ends_at = excluded.ends_at, \
                         updated_at = excluded.updated_at",
                    )
                    .bind(user_id)
                    .bind(reply.enabled)
                    .bind(&reply.subject)
                    .bind(&reply.message)
                    .bind(&reply.starts_on)
                    .bind(&reply.ends_on)
                    .bind(starts_at)
                    .bind(ends_at)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)
                }

                async fn list_lists(&self, organisation_id: i64) -> Result<Vec<ListSummary>, StoreError> {
                    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
                        "SELECT l.id, l.name, l.email, \
                         (SELECT COUNT(*) FROM list_members m WHERE m.list_id = l.id) \
                         FROM distribution_lists l WHERE l.organisation_id = $1 ORDER BY l.email",
                    )
                    .bind(organisation_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, name, email, members)| ListSummary {
                            id,
                            name,
                            email,
                            members,
                        })
                        .collect())
                }

                async fn create_list(
                    &self,
                    organisation_id: i64,
                    domain_id: i64,
                    local_part: &LocalPart,
                    name: &str,
                    now: i64,
                ) -> Result<ListSummary, StoreError> {
                    let mut tx = self.begin_write().await?;
                    Self::lock_organisation(&mut tx, organisation_id).await?;
                    let email = Self::free_address(&mut tx, organisation_id, domain_id, local_part).await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO distribution_lists (organisation_id, domain_id, email, name, created_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(organisation_id)
                    .bind(domain_id)
                    .bind(&email)
                    .bind(name)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error("username"))?;
                    tx.commit().await.map_err(backend)?;
                    Ok(ListSummary {
                        id,
                        name: name.to_owned(),
                        email,
                        members: 0,
                    })
                }

                async fn get_list(&self, organisation_id: i64, list_id: i64) -> Result<ListDetail, StoreError> {
                    let (id, name, email): (i64, String, String) = sqlx::query_as(
                        "SELECT id, name, email FROM distribution_lists WHERE id = $1 AND organisation_id = $2",
                    )
                    .bind(list_id)
                    .bind(organisation_id)
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)?;
                    let members: Vec<(i64, String, String)> = sqlx::query_as(
                        "SELECT u.id, u.name, u.email FROM list_members m JOIN users u ON u.id = m.user_id \
                         WHERE m.list_id = $1 ORDER BY u.email",
                    )
                    .bind(list_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(ListDetail {
                        id,
                        name,
                        email,
                        members: members
                            .into_iter()
                            .map(|(user_id, name, email)| ListMember {
                                user_id,
                                name,
                                email,
                            })
                            .collect(),
                    })
                }

                async fn add_list_member(
                    &self,
                    organisation_id: i64,
                    list_id: i64,
                    email: &EmailAddress,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    sqlx::query("SELECT id FROM distribution_lists WHERE id = $1 AND organisation_id = $2")
                        .bind(list_id)
                        .bind(organisation_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let user_id: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND organisation_id = $2")
                            .bind(email.to_string())
                            .bind(organisation_id)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(backend)?;
                    let user_id = user_id.ok_or(StoreError::NotFound)?;
                    sqlx::query("INSERT INTO list_members (list_id, user_id) VALUES ($1, $2)")
                        .bind(list_id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(store_error("member"))?;
                    tx.commit().await.map_err(backend)
                }

                async fn remove_list_member(
                    &self,
                    organisation_id: i64,
                    list_id: i64,
                    user_id: i64,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "DELETE FROM list_members WHERE list_id = $1 AND user_id = $2 AND list_id IN \
                         (SELECT id FROM distribution_lists WHERE organisation_id = $3)",
                    )
                    .bind(list_id)
                    .bind(user_id)
                    .bind(organisation_id)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn delete_list(&self, organisation_id: i64, list_id: i64) -> Result<(), StoreError> {
                    let done =
                        sqlx::query("DELETE FROM distribution_lists WHERE id = $1 AND organisation_id = $2")
                            .bind(list_id)
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
pub(crate) use addresses;
