//! CSV uploads kept between their preview and the admin's confirmation.
use super::StoreError;
use async_trait::async_trait;

/// A checked CSV upload: its rows as JSON, opaque to the store.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub organisation_id: i64,
    pub created_by: i64,
    pub rows_json: String,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct StoredImport {
    pub created_by: i64,
    pub created_at: i64,
    pub rows_json: String,
}

#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Keeps a checked CSV upload until the admin confirms it; uploads older than
    /// `expire_before` go at the same time. Returns its id.
    async fn save_import(&self, import: NewImport, expire_before: i64) -> Result<i64, StoreError>;
    /// The organisation's upload `import_id` if it is newer than `expire_before`.
    async fn load_import(
        &self,
        organisation_id: i64,
        import_id: i64,
        expire_before: i64,
    ) -> Result<StoredImport, StoreError>;
    async fn delete_import(&self, organisation_id: i64, import_id: i64) -> Result<(), StoreError>;
}
