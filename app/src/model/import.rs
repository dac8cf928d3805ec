use super::AccountType;
use crate::error::{ErrorCode, FieldError};
use serde::{Deserialize, Serialize};

/// Most rows one CSV import takes.
pub const IMPORT_MAX_ROWS: usize = 1_000;

/// One line of an uploaded CSV file as its preview shows it: never a password, only whether
/// the line had one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub email: String,
    pub name: String,
    pub account_type: AccountType,
    /// 0 when the cell was refused.
    pub quota_mb: i64,
    pub has_password: bool,
    /// Refusals keyed by column name.
    pub errors: Vec<FieldError>,
}

/// Where the check of an upload stands. Every cell is checked before the upload answers; the
/// passwords are hashed after (a second or two per hundred), while the preview shows how far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ImportState {
    /// `hashed` of the `total` passwords are hashed so far.
    Checking { hashed: u64, total: u64 },
    /// The check did not finish (the server stopped during it): upload the file again.
    Stopped,
    /// Checked: the lines without a problem can be created.
    Ready,
}

/// A checked upload waiting for the admin's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: i64,
    pub state: ImportState,
    pub rows: Vec<ImportRow>,
    /// Why none of it can be created now (licences or storage), if so.
    pub blocked: Option<ErrorCode>,
}

impl ImportPreview {
    /// The lines that will become mailboxes.
    pub fn valid(&self) -> usize {
        self.rows.iter().filter(|r| r.errors.is_empty()).count()
    }
}
