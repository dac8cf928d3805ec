//! The organisation: setup, domains, licences and storage, password policy.
//! Written once: `stamp_store!` (in `mod.rs`) expands it for each back end.

/// Implements `OrganisationStore` for a back end.
macro_rules! organisation {
    ($store:ty) => {
        const _: () = {
            use app::model::{AdminScope, Domain, DomainName, DomainSummary, OrganisationUsage, PasswordPolicy, Role, Viewer};
            use app::store::{NewOrganisation, StoreError};
            use $crate::db::dialect::Dialect;
            use $crate::db::error::{backend, store_error, touched};
            use $crate::db::rows::PolicyRow;

            #[async_trait::async_trait]
            impl app::store::OrganisationStore for $store {
                async fn admin_exists(&self) -> Result<bool, StoreError> {
                    sqlx::query_scalar::<_, bool>(
                        "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'account_admin')",
                    )
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)
                }

                async fn keep_setup_token(&self, token_hash: &[u8], now: i64) -> Result<(), StoreError> {
                    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
                        .bind(token_hash)
                        .bind(now)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    Ok(())
                }

                async fn setup_open(&self) -> Result<bool, StoreError> {
                    sqlx::query_scalar(
                        "SELECT EXISTS (SELECT 1 FROM setup_tokens) \
                         AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'account_admin')",
                    )
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)
                }

                async fn setup_token_kept(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = $1)")
                        .bind(token_hash)
                        .fetch_one(self.pool())
                        .await
                        .map_err(backend)
                }

                async fn create_organisation(&self, new: NewOrganisation) -> Result<Viewer, StoreError> {
                    let mut tx = self.begin_write().await?;
                    let exists: bool =
                        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'account_admin')")
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(backend)?;
                    if exists {
                        return Err(StoreError::Conflict { field: "email" });
                    }
                    if let Some(hash) = &new.setup_token_hash {
                        let taken = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
                            .bind(hash)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        touched(taken.rows_affected())?;
                    }
                    sqlx::query("DELETE FROM setup_tokens")
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let organisation_id: i64 = sqlx::query_scalar(
                        "INSERT INTO organisations (name, created_at, two_factor_required) \
                         VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(&new.organisation_name)
                    .bind(new.now)
                    .bind(app::model::TwoFactorRequirement::default().as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let domain_id: i64 = sqlx::query_scalar(
                        "INSERT INTO domains (organisation_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(organisation_id)
                    .bind(new.admin_email.domain().as_str())
                    .bind(new.now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error("email"))?;
                    let email = new.admin_email.to_string();
                    let user_id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (organisation_id, domain_id, local_part, email, name, name_lower, \
                         password_hash, role, account_type, quota_mb, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'account_admin', 'enhanced', 1000, $8, $9) RETURNING id",
                    )
                    .bind(organisation_id)
                    .bind(domain_id)
                    .bind(new.admin_email.local().as_str())
                    .bind(&email)
                    .bind(&new.admin_name)
                    .bind(new.admin_name.to_lowercase())
                    .bind(&new.password_hash)
                    .bind(new.now)
                    .bind(new.now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(store_error("email"))?;
                    tx.commit().await.map_err(backend)?;
                    Ok(Viewer {
                        user_id,
                        organisation_id,
                        email,
                        name: new.admin_name,
                        role: Role::AccountAdmin,
                        scope: AdminScope::Organisation,
                        must_change_password: false,
                        // Until the first sign-in, which asks for it under the new rule.
                        must_set_up_two_factor: false,
                        password_confirmed_at: new.now,
                        acting_admin: None,
                    })
                }

                async fn list_domains(&self, organisation_id: i64) -> Result<Vec<Domain>, StoreError> {
                    sqlx::query_as::<_, (i64, String)>(
                        "SELECT id, name FROM domains WHERE organisation_id = $1 ORDER BY name",
                    )
                    .bind(organisation_id)
                    .fetch_all(self.pool())
                    .await
                    .map(|rows| {
                        rows.into_iter()
                            .map(|(id, name)| Domain { id, name })
                            .collect()
                    })
                    .map_err(backend)
                }

                async fn add_domain(
                    &self,
                    organisation_id: i64,
                    name: &DomainName,
                    now: i64,
                ) -> Result<Domain, StoreError> {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO domains (organisation_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(organisation_id)
                    .bind(name.as_str())
                    .bind(now)
                    .fetch_one(self.pool())
                    .await
                    .map_err(store_error("domain"))?;
                    Ok(Domain {
                        id,
                        name: name.as_str().to_owned(),
                    })
                }

                async fn domain_summaries(
                    &self,
                    organisation_id: i64,
                ) -> Result<Vec<DomainSummary>, StoreError> {
                    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
                        "SELECT d.id, d.name, (SELECT COUNT(*) FROM users u WHERE u.domain_id = d.id) \
                         FROM domains d WHERE d.organisation_id = $1 ORDER BY d.name",
                    )
                    .bind(organisation_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, name, mailboxes)| DomainSummary {
                            id,
                            name,
                            mailboxes,
                        })
                        .collect())
                }

                async fn remove_domain(&self, organisation_id: i64, domain_id: i64) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let mailboxes: i64 = sqlx::query_scalar(
                        "SELECT (SELECT COUNT(*) FROM users WHERE domain_id = $1) \
                         + (SELECT COUNT(*) FROM aliases WHERE domain_id = $1) \
                         + (SELECT COUNT(*) FROM distribution_lists WHERE domain_id = $1)",
                    )
                    .bind(domain_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if mailboxes > 0 {
                        return Err(StoreError::InUse { mailboxes });
                    }
                    let done = sqlx::query("DELETE FROM domains WHERE id = $1 AND organisation_id = $2")
                        .bind(domain_id)
                        .bind(organisation_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    touched(done.rows_affected())?;
                    tx.commit().await.map_err(backend)
                }

                async fn organisation_usage(
                    &self,
                    organisation_id: i64,
                ) -> Result<OrganisationUsage, StoreError> {
                    Self::usage(self.pool(), organisation_id).await
                }

                async fn recount_totals(&self) -> Result<Vec<app::store::TotalsCorrection>, StoreError> {
                    let mut tx = self.begin_write().await?;
                    // Locked before counting: a change to a mailbox moves the totals under this
                    // lock, so none commits between the count and the update.
                    sqlx::query(&format!(
                        "SELECT id FROM organisations ORDER BY id{}",
                        <$store as Dialect>::LOCK_ROWS
                    ))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let rows: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
                        "SELECT o.id, o.name, o.mailboxes_used, o.storage_allocated_mb, \
                         (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id AND NOT u.shared), \
                         (SELECT CAST(COALESCE(SUM(u.quota_mb), 0) AS BIGINT) FROM users u \
                          WHERE u.organisation_id = o.id) \
                         FROM organisations o ORDER BY o.id",
                    )
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let mut corrections = Vec::new();
                    for (organisation_id, name, mailboxes, storage_mb, counted_mailboxes, counted_mb) in rows {
                        if (mailboxes, storage_mb) == (counted_mailboxes, counted_mb) {
                            continue;
                        }
                        sqlx::query(
                            "UPDATE organisations SET mailboxes_used = $1, storage_allocated_mb = $2 WHERE id = $3",
                        )
                        .bind(counted_mailboxes)
                        .bind(counted_mb)
                        .bind(organisation_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        corrections.push(app::store::TotalsCorrection {
                            organisation_id,
                            name,
                            kept: (mailboxes, storage_mb),
                            counted: (counted_mailboxes, counted_mb),
                        });
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(corrections)
                }

                async fn password_policy(&self, organisation_id: i64) -> Result<PasswordPolicy, StoreError> {
                    sqlx::query_as::<_, PolicyRow>(
                        "SELECT password_min_chars, password_min_score, password_require_upper, \
                         password_require_lower, password_require_digit, password_require_symbol \
                         FROM organisations WHERE id = $1",
                    )
                    .bind(organisation_id)
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)?
                    .try_into()
                }

                async fn two_factor_requirement(
                    &self,
                    organisation_id: i64,
                ) -> Result<app::model::TwoFactorRequirement, StoreError> {
                    let stored: String = sqlx::query_scalar(
                        "SELECT two_factor_required FROM organisations WHERE id = $1",
                    )
                    .bind(organisation_id)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?
                    .ok_or(StoreError::NotFound)?;
                    app::model::TwoFactorRequirement::parse(&stored)
                        .ok_or_else(|| StoreError::Backend("unexpected two_factor_required".into()))
                }

                async fn account_help(
                    &self,
                    organisation_id: i64,
                ) -> Result<app::model::AccountHelp, StoreError> {
                    let (self_service_recovery, one_time_password_minutes, notify_when_acted_for): (bool, i64, bool) =
                        sqlx::query_as(
                            "SELECT self_service_recovery, one_time_password_minutes, notify_when_acted_for \
                             FROM organisations WHERE id = $1",
                        )
                    .bind(organisation_id)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?
                    .ok_or(StoreError::NotFound)?;
                    Ok(app::model::AccountHelp {
                        self_service_recovery,
                        one_time_password_minutes,
                        notify_when_acted_for,
                    })
                }

                async fn set_account_help(
                    &self,
                    organisation_id: i64,
                    help: app::model::AccountHelp,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE organisations SET self_service_recovery = $1, one_time_password_minutes = $2, \
                         notify_when_acted_for = $3 WHERE id = $4",
                    )
                    .bind(help.self_service_recovery)
                    .bind(help.one_time_password_minutes)
                    .bind(help.notify_when_acted_for)
                    .bind(organisation_id)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn mail_rules(
                    &self,
                    organisation_id: i64,
                ) -> Result<app::model::MailRules, StoreError> {
                    let (alias_managers, external_forwarding): (String, bool) = sqlx::query_as(
                        "SELECT alias_managers, external_forwarding FROM organisations WHERE id = $1",
                    )
                    .bind(organisation_id)
                    .fetch_optional(self.pool())
                    .await
                    .map_err(backend)?
                    .ok_or(StoreError::NotFound)?;
                    Ok(app::model::MailRules {
                        alias_managers: app::model::AliasManagers::parse(&alias_managers)
                            .ok_or_else(|| StoreError::Backend("unexpected alias_managers".into()))?,
                        external_forwarding,
                    })
                }

                async fn set_mail_rules(
                    &self,
                    organisation_id: i64,
                    rules: app::model::MailRules,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE organisations SET alias_managers = $1, external_forwarding = $2 WHERE id = $3",
                    )
                    .bind(rules.alias_managers.as_str())
                    .bind(rules.external_forwarding)
                    .bind(organisation_id)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn any_self_service_recovery(&self) -> Result<bool, StoreError> {
                    sqlx::query_scalar(
                        "SELECT EXISTS (SELECT 1 FROM organisations WHERE self_service_recovery)",
                    )
                    .fetch_one(self.pool())
                    .await
                    .map_err(backend)
                }

                async fn set_two_factor_requirement(
                    &self,
                    organisation_id: i64,
                    requirement: app::model::TwoFactorRequirement,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query("UPDATE organisations SET two_factor_required = $1 WHERE id = $2")
                        .bind(requirement.as_str())
                        .bind(organisation_id)
                        .execute(self.pool())
                        .await
                        .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn set_password_policy(
                    &self,
                    organisation_id: i64,
                    policy: &PasswordPolicy,
                ) -> Result<(), StoreError> {
                    let done = sqlx::query(
                        "UPDATE organisations SET password_min_chars = $1, password_min_score = $2, \
                         password_require_upper = $3, password_require_lower = $4, \
                         password_require_digit = $5, password_require_symbol = $6 WHERE id = $7",
                    )
                    .bind(i64::from(policy.min_chars))
                    .bind(i64::from(policy.min_score))
                    .bind(policy.require.upper)
                    .bind(policy.require.lower)
                    .bind(policy.require.digit)
                    .bind(policy.require.symbol)
                    .bind(organisation_id)
                    .execute(self.pool())
                    .await
                    .map_err(backend)?;
                    touched(done.rows_affected())
                }

                async fn set_organisation_limits(
                    &self,
                    organisation_id: i64,
                    mailbox_licences: i64,
                    storage_pool_mb: i64,
                ) -> Result<(), StoreError> {
                    let mut tx = self.begin_write().await?;
                    let now = Self::usage(&mut *tx, organisation_id).await?;
                    if mailbox_licences < now.mailboxes_used {
                        return Err(StoreError::InUse {
                            mailboxes: now.mailboxes_used,
                        });
                    }
                    if storage_pool_mb < now.storage_allocated_mb {
                        return Err(StoreError::StoragePoolExceeded {
                            available_mb: now.storage_allocated_mb,
                        });
                    }
                    sqlx::query(
                        "UPDATE organisations SET mailbox_licences = $1, storage_pool_mb = $2 WHERE id = $3",
                    )
                    .bind(mailbox_licences)
                    .bind(storage_pool_mb)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)
                }
            }
        };
    };
}
pub(crate) use organisation;
