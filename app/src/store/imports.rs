//! CSV uploads kept between their preview and the admin's confirmation.
use super::StoreError;
use async_trait::async_trait;

/// A checked CSV upload: its rows as JSON, opaque to the store.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub organisation_id: i64,
    pub created_by: i64,
    pub rows_json: String,
    /// Passwords still to hash before the upload can be confirmed (0: ready now).
    pub passwords: i64,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct StoredImport {
    pub created_by: i64,
    pub created_at: i64,
    pub rows_json: String,
    pub check: ImportCheck,
}

/// How far the hashing of an upload's passwords has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportCheck {
    pub passwords_total: i64,
    pub passwords_hashed: i64,
    /// When it last moved.
    pub checked_at: i64,
    pub failed: bool,
}

impl ImportCheck {
    pub fn done(&self) -> bool {
        self.passwords_hashed >= self.passwords_total
    }
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
    /// Records that `hashed` of the upload's passwords are hashed.
    async fn record_import_progress(
        &self,
        import_id: i64,
        hashed: i64,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The upload's rows with every password hashed: it can be confirmed.
    async fn complete_import(
        &self,
        import_id: i64,
        rows_json: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The check could not finish: the upload can only be cancelled.
    async fn fail_import(&self, import_id: i64, now: i64) -> Result<(), StoreError>;
    async fn delete_import(&self, organisation_id: i64, import_id: i64) -> Result<(), StoreError>;
}
