//! Helpers the feature modules share: reading scopes, usage and addresses, and the organisation
//! lock. Stamped as associated functions of each back end, like the features themselves.

/// Implements the shared helpers for a back end.
macro_rules! helpers {
    ($store:ty) => {
        const _: () = {
            use app::model::{AddressHolder, AdminScope, Domain, LocalPart, OrganisationUsage};
            use app::store::StoreError;
            use $crate::db::dialect::Dialect;
            use $crate::db::error::backend;

            impl $store {
                /// Fills a domain admin's scope with their domains, by name; any other scope stays.
                async fn read_domains(&self, user_id: i64, scope: &mut AdminScope) -> Result<(), StoreError> {
                    if let AdminScope::Domains(domains) = scope {
                        *domains = sqlx::query_as::<_, (i64, String)>(
                            "SELECT d.id, d.name FROM admin_domains a JOIN domains d ON d.id = a.domain_id \
                             WHERE a.user_id = $1 ORDER BY d.name",
                        )
                        .bind(user_id)
                        .fetch_all(self.pool())
                        .await
                        .map_err(backend)?
                        .into_iter()
                        .map(|(id, name)| Domain { id, name })
                        .collect();
                    }
                    Ok(())
                }

                /// Licences and storage of one organisation, in or out of a transaction.
                async fn usage<'e, E>(executor: E, organisation_id: i64) -> Result<OrganisationUsage, StoreError>
                where
                    E: sqlx::Executor<'e, Database = <$store as Dialect>::Db>,
                {
                    let (name, mailbox_licences, storage_pool_mb, mailboxes_used, storage_allocated_mb): (String, i64, i64, i64, i64) =
                        sqlx::query_as(
                            // Kept by triggers on `users`, not counted: every page shows them.
                            "SELECT name, mailbox_licences, storage_pool_mb, mailboxes_used, storage_allocated_mb \
                             FROM organisations WHERE id = $1",
                        )
                        .bind(organisation_id)
                        .fetch_one(executor)
                        .await
                        .map_err(backend)?;
                    Ok(OrganisationUsage {
                        name,
                        mailbox_licences,
                        mailboxes_used,
                        storage_pool_mb,
                        storage_allocated_mb,
                    })
                }

                /// Holds the organisation for the rest of the transaction, so changes to its licences and
                /// storage go one after the other (a row lock; on SQLite the write transaction holds already).
                async fn lock_organisation(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    organisation_id: i64,
                ) -> Result<(), StoreError> {
                    sqlx::query(&format!(
                        "SELECT id FROM organisations WHERE id = $1{}",
                        <$store as Dialect>::LOCK_ROWS
                    ))
                        .bind(organisation_id)
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(backend)?;
                    Ok(())
                }

                /// The addresses of the listed mailboxes; `NotFound` unless every id is the organisation's.
                async fn owned_addresses(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    organisation_id: i64,
                    user_ids: &[i64],
                ) -> Result<Vec<String>, StoreError> {
                    let emails: Vec<String> = sqlx::query_scalar(&format!(
                        "SELECT email FROM users WHERE organisation_id = $1 AND {} ORDER BY email",
                        <$store as Dialect>::in_ids("id", 2)
                    ))
                    .bind(organisation_id)
                    .bind(<$store as Dialect>::ids(user_ids))
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(backend)?;
                    let mut distinct = user_ids.to_vec();
                    distinct.sort_unstable();
                    distinct.dedup();
                    if emails.len() != distinct.len() {
                        return Err(StoreError::NotFound);
                    }
                    Ok(emails)
                }

                /// What holds `email`: a mailbox, an alias (and of which mailbox) or a list (and its name).
                async fn holder_of<'e, E>(executor: E, email: &str) -> Result<Option<AddressHolder>, StoreError>
                where
                    E: sqlx::Executor<'e, Database = <$store as Dialect>::Db>,
                {
                    let row: Option<(String, String)> = sqlx::query_as(
                        "SELECT 'mailbox', '' FROM users WHERE email = $1 \
                         UNION ALL SELECT 'alias', u.email FROM aliases a JOIN users u ON u.id = a.user_id \
                         WHERE a.email = $2 \
                         UNION ALL SELECT 'list', l.name FROM distribution_lists l WHERE l.email = $3 \
                         LIMIT 1",
                    )
                    .bind(email)
                    .bind(email)
                    .bind(email)
                    .fetch_optional(executor)
                    .await
                    .map_err(backend)?;
                    Ok(row.map(|(kind, of)| match kind.as_str() {
                        "alias" => AddressHolder::Alias(of),
                        "list" => AddressHolder::List(of),
                        _ => AddressHolder::Mailbox,
                    }))
                }

                /// Ends every session of the user, in the caller's transaction; how many ended.
                async fn end_all_sessions(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    user_id: i64,
                ) -> Result<u64, StoreError> {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await
                        .map(|done| done.rows_affected())
                        .map_err(backend)
                }

                /// `local@domain` on one of the organisation's domains if nothing holds it yet;
                /// `AddressHeld` names what does.
                async fn free_address(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    organisation_id: i64,
                    domain_id: i64,
                    local_part: &LocalPart,
                ) -> Result<String, StoreError> {
                    let email = Self::address_on(tx, organisation_id, domain_id, local_part).await?;
                    match Self::holder_of(&mut **tx, &email).await? {
                        Some(holder) => Err(StoreError::AddressHeld {
                            field: "username",
                            holder,
                        }),
                        None => Ok(email),
                    }
                }

                /// `local@domain` for one of the organisation's domains (`NotFound` for another's).
                async fn address_on(
                    tx: &mut sqlx::Transaction<'_, <$store as Dialect>::Db>,
                    organisation_id: i64,
                    domain_id: i64,
                    local_part: &LocalPart,
                ) -> Result<String, StoreError> {
                    let domain: String =
                        sqlx::query_scalar("SELECT name FROM domains WHERE id = $1 AND organisation_id = $2")
                            .bind(domain_id)
                            .bind(organisation_id)
                            .fetch_one(&mut **tx)
                            .await
                            .map_err(backend)?;
                    Ok(format!("{}@{}", local_part.as_str(), domain))
                }
            }
        };
    };
}
pub(crate) use helpers;
