//! Domain-free building blocks: form fields with their errors, notices, the language switch.
mod audit_table;
mod copy;
mod debounce;
mod device_choice;
mod errors;
mod field;
mod format;
mod language;
mod notice;
mod page_title;
mod password_fields;
mod strength_meter;

pub use audit_table::{action_text, AuditTable};
pub use copy::{copy_text, CopyButton};
pub use debounce::submit_after_pause;
pub use device_choice::DeviceChoice;
pub use errors::{error_text, field_error_text, use_form_error, FormAlert};
#[cfg(feature = "hydrate")]
pub use field::field_text;
pub use field::{field_message, CheckboxField, Field, SelectField, TextAreaField};
pub use format::{count_text, query_string, size_text, tally_text, utc_minutes, LastSignIn};
pub use language::LanguageSwitch;
pub use notice::{use_notice, NoticeAlert};
pub use page_title::PageTitle;
pub use password_fields::NewPasswordFields;
pub use strength_meter::{score_words, StrengthMeter};
