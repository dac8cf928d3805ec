//! The audit log: one event per admin action and per sign-in, never a secret.
use super::StoreError;
use crate::model::{AuditLine, AuditQuery};
use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub organisation_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: &'static str,
    pub target: String,
    pub success: bool,
    /// Options and reasons as JSON; never a secret.
    pub detail: String,
    pub ip: String,
    pub now: i64,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn record_audit(&self, entry: AuditEntry) -> Result<(), StoreError>;
    /// The organisation's events matching `query`, newest first; at most `limit`.
    async fn search_audit(
        &self,
        organisation_id: i64,
        query: &AuditQuery,
        limit: i64,
    ) -> Result<Vec<AuditLine>, StoreError>;
    /// The latest events about one address (its owner's own activity), newest first.
    async fn audit_about(
        &self,
        organisation_id: i64,
        target: &str,
        limit: i64,
    ) -> Result<Vec<AuditLine>, StoreError>;
    /// The organisation's latest events.
    async fn list_audit(
        &self,
        organisation_id: i64,
        limit: i64,
    ) -> Result<Vec<AuditLine>, StoreError> {
        self.search_audit(organisation_id, &AuditQuery::default(), limit)
            .await
    }
}
