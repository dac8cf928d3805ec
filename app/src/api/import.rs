//! Users from a CSV file, in two steps: the upload is checked line by line and kept as a
//! preview; only the admin's confirmation creates the mailboxes, all in one transaction.
//! Hashing the passwords is the slow part (a second or two per hundred lines), so it goes on
//! after the upload has answered and the preview shows how far it has come.
use super::form::IdForm;
use crate::error::AppError;
use crate::model::ImportPreview;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::mail_server::Reached,
    super::redirect_with,
    super::{admin_event, domains_in_scope, finish, policy_of, require_admin, services},
    crate::error::{ErrorCode, FieldError, FieldErrors},
    crate::model::Notice,
    crate::model::{
        AccountType, AddressHolder, DateFormat, DisplayName, Domain, EmailAddress, ImportRow,
        Language, LocalPart, Preferences, Quota, Role, TimeZone, Viewer, IMPORT_MAX_ROWS,
    },
    crate::model::{ImportState, PasswordPolicy},
    crate::security::password,
    crate::services::Services,
    crate::store::{ImportCheck, NewImport, NewUser, StoreError},
    serde_json::json,
    std::collections::{HashMap, HashSet},
    std::sync::Arc,
};

/// How long an unconfirmed upload is kept, in seconds.
#[cfg(feature = "ssr")]
const IMPORT_LIFETIME: i64 = 3600;
/// A check that has not moved for this long was cut short (its server stopped), in seconds.
#[cfg(feature = "ssr")]
const CHECK_STALLED: i64 = 120;
/// How often the hashing records how far it has come.
#[cfg(feature = "ssr")]
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// A checked line as kept between preview and confirmation. The password is already hashed.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StagedRow {
    line: u64,
    email: String,
    name: String,
    local_part: String,
    domain_id: i64,
    account_type: AccountType,
    quota_mb: i64,
    preferences: Preferences,
    /// The line gave a password (hashed into `password_hash` once the check is done).
    #[serde(default)]
    has_password: bool,
    password_hash: Option<String>,
    errors: Vec<FieldError>,
}

#[cfg(feature = "ssr")]
impl StagedRow {
    fn preview(&self) -> ImportRow {
        ImportRow {
            line: self.line,
            email: self.email.clone(),
            name: self.name.clone(),
            account_type: self.account_type,
            quota_mb: self.quota_mb,
            has_password: self.has_password || self.password_hash.is_some(),
            errors: self.errors.clone(),
        }
    }
}

/// A line as read from the file, before any check.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CsvLine {
    line: u64,
    email: String,
    name: String,
    account_type: String,
    quota_gb: String,
    password: String,
    language: String,
    time_zone: String,
    date_format: String,
}

/// Reads the file: a header line naming the columns (any order, any case; `email`, `name` and
/// `quota_gb` required; `account_type`, `password`, `language`, `time_zone` and `date_format`
/// optional; others ignored, so an export reads back), then one mailbox per line. Commas or, as spreadsheets in many locales write
/// them, semicolons.
#[cfg(feature = "ssr")]
fn read_csv(text: &str) -> Result<Vec<CsvLine>, ErrorCode> {
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let columns: HashMap<String, usize> = reader
        .headers()
        .map_err(|_| ErrorCode::CsvInvalid)?
        .iter()
        .enumerate()
        .map(|(i, name)| (name.to_ascii_lowercase(), i))
        .collect();
    let column = |name: &str| columns.get(name).copied();
    let (Some(email), Some(name), Some(quota)) =
        (column("email"), column("name"), column("quota_gb"))
    else {
        return Err(ErrorCode::CsvInvalid);
    };
    let (kind, password) = (column("account_type"), column("password"));
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| ErrorCode::CsvInvalid)?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if lines.len() == IMPORT_MAX_ROWS {
            return Err(ErrorCode::CsvTooManyRows(IMPORT_MAX_ROWS as i64));
        }
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        lines.push(CsvLine {
            line: record.position().map_or(0, |p| p.line()),
            email: cell(Some(email)),
            name: cell(Some(name)),
            account_type: cell(kind),
            quota_gb: cell(Some(quota)),
            password: cell(password),
            language: cell(column("language")),
            time_zone: cell(column("time_zone")),
            date_format: cell(column("date_format")),
        });
    }
    if lines.is_empty() {
        return Err(ErrorCode::CsvEmpty);
    }
    Ok(lines)
}

/// Everything a line needs to become a mailbox, or the refusal of each of its cells.
#[cfg(feature = "ssr")]
struct Checked {
    row: StagedRow,
    /// The password to hash, when the line has one and nothing was refused.
    password: Option<String>,
}

/// Checks one line against the organisation's domains, the policy and the lines before it.
#[cfg(feature = "ssr")]
fn check_line(
    line: CsvLine,
    domains: &[Domain],
    policy: &PasswordPolicy,
    seen: &mut HashSet<String>,
) -> Checked {
    let mut errors = FieldErrors::default();
    let address = errors.check("email", EmailAddress::parse(&line.email));
    let domain = address.as_ref().and_then(|a| {
        let found = domains.iter().find(|d| d.name == a.domain().as_str());
        errors.check("email", found.ok_or(ErrorCode::DomainUnknown))
    });
    if let Some(a) = &address {
        if !seen.insert(a.to_string()) {
            errors.add("email", ErrorCode::DuplicateInFile);
        }
    }
    let name = errors.check("name", DisplayName::parse(&line.name));
    let account_type = match line.account_type.to_ascii_lowercase().as_str() {
        "" => AccountType::Basic,
        other => AccountType::parse(other).unwrap_or_else(|| {
            errors.add("account_type", ErrorCode::ChoiceInvalid);
            AccountType::Basic
        }),
    };
    let quota = errors.check("quota_gb", Quota::parse_gb(&line.quota_gb));
    let defaults = Preferences::default();
    let preferences = Preferences {
        language: optional(&line.language)
            .and_then(|v| errors.check("language", Language::parse(v)))
            .unwrap_or(defaults.language),
        time_zone: optional(&line.time_zone)
            .and_then(|v| errors.check("time_zone", TimeZone::parse(v)))
            .unwrap_or(defaults.time_zone),
        date_format: optional(&line.date_format)
            .and_then(|v| errors.check("date_format", DateFormat::parse(v)))
            .unwrap_or(defaults.date_format),
    };
    let local = address.as_ref().map(|a| a.local().as_str().to_owned());
    let has_password = !line.password.is_empty();
    if has_password {
        let domain_name = address.as_ref().map_or("", |a| a.domain().as_str());
        let personal = [
            name.as_ref().map_or("", |n| n.as_str()),
            local.as_deref().unwrap_or(""),
            domain_name,
        ];
        if let Err(code) = policy.check(&line.password, &personal) {
            errors.add("password", code);
        }
    }
    let ok = errors.is_empty();
    Checked {
        row: StagedRow {
            line: line.line,
            email: address.map_or(line.email, |a| a.to_string()),
            name: name.map_or(line.name, DisplayName::into_inner),
            local_part: local.unwrap_or_default(),
            domain_id: domain.map_or(0, |d| d.id),
            account_type,
            quota_mb: quota.map_or(0, Quota::mb),
            preferences,
            has_password: ok && has_password,
            password_hash: None,
            errors: errors.0,
        },
        password: (ok && has_password).then_some(line.password),
    }
}

/// A cell that may be left empty.
#[cfg(feature = "ssr")]
fn optional(value: &str) -> Option<&str> {
    (!value.is_empty()).then_some(value)
}

/// Marks the lines whose address a mailbox, alias or list already has.
#[cfg(feature = "ssr")]
async fn mark_taken(services: &Services, rows: &mut [StagedRow]) -> Result<(), AppError> {
    for row in rows.iter_mut().filter(|r| r.errors.is_empty()) {
        if let Some(holder) = services.store.address_holder(&row.email).await? {
            let (code, detail) = match holder {
                AddressHolder::Mailbox => (ErrorCode::AddressTaken, None),
                AddressHolder::Alias(of) => (ErrorCode::AddressIsAlias, Some(of)),
                AddressHolder::List(name) => (ErrorCode::AddressIsList, Some(name)),
            };
            row.errors.push(FieldError {
                field: "email".into(),
                code,
                detail,
            });
        }
    }
    Ok(())
}

/// The CSV file's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportForm {
    pub csv: String,
}

/// Checks an uploaded CSV file and keeps it for the preview page, where the admin confirms.
/// Nothing is created here.
#[server(endpoint = "users/import/check")]
pub async fn check_import(form: ImportForm) -> Result<(), AppError> {
    finish(
        async move {
            let ImportForm { csv } = form;
            let admin = require_admin()?;
            let services = services()?;
            let lines =
                read_csv(&csv).map_err(|code| AppError::Invalid(FieldErrors::one("csv", code)))?;
            let domains = domains_in_scope(&services, &admin).await?;
            let policy = policy_of(&services, admin.organisation_id).await?;
            let mut seen = HashSet::new();
            let mut rows = Vec::with_capacity(lines.len());
            let mut passwords = Vec::new();
            for line in lines {
                let Checked { row, password } = check_line(line, &domains, &policy, &mut seen);
                if let Some(password) = password {
                    passwords.push((rows.len(), password));
                }
                rows.push(row);
            }
            mark_taken(&services, &mut rows).await?;
            // A line refused for its address needs no hash.
            passwords.retain(|(i, _)| rows[*i].errors.is_empty());
            for row in &mut rows {
                row.has_password &= row.errors.is_empty();
            }
            let now = services.clock.now();
            let id = services
                .store
                .save_import(
                    NewImport {
                        organisation_id: admin.organisation_id,
                        created_by: admin.user_id,
                        rows_json: rows_json(&rows)?,
                        passwords: passwords.len() as i64,
                        now,
                    },
                    now - IMPORT_LIFETIME,
                )
                .await?;
            if !passwords.is_empty() {
                tokio::spawn(hash_passwords(services.clone(), id, rows, passwords));
            }
            leptos_axum::redirect(&format!("/users/import/{id}"));
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn rows_json(rows: &[StagedRow]) -> Result<String, AppError> {
    serde_json::to_string(rows).map_err(|e| {
        tracing::error!(error = %e, "import rows not serialisable");
        AppError::Internal
    })
}

/// Hashes an upload's passwords after the upload has answered and records how far it has
/// come. Half the cores at most, so that sign-ins keep their turn at the hashing permits
/// while a thousand lines are hashed. The passwords live only in this task's memory.
#[cfg(feature = "ssr")]
async fn hash_passwords(
    services: Arc<Services>,
    id: i64,
    mut rows: Vec<StagedRow>,
    passwords: Vec<(usize, String)>,
) {
    use futures::StreamExt;
    let at_once = (std::thread::available_parallelism().map_or(2, |n| n.get()) / 2).max(1);
    let total = passwords.len();
    let mut hashes = futures::stream::iter(passwords)
        .map(|(i, p)| async move { (i, password::hash_password(p).await) })
        .buffer_unordered(at_once);
    let mut hashed = 0;
    let mut reported = std::time::Instant::now();
    while let Some((i, hash)) = hashes.next().await {
        let Ok(hash) = hash else {
            // hash_password logged why.
            let _ = services.store.fail_import(id, services.clock.now()).await;
            return;
        };
        rows[i].password_hash = Some(hash);
        hashed += 1;
        if hashed < total && reported.elapsed() >= PROGRESS_EVERY {
            reported = std::time::Instant::now();
            let now = services.clock.now();
            if let Err(e) = services
                .store
                .record_import_progress(id, hashed as i64, now)
                .await
            {
                tracing::warn!(error = %e, import = id, "import progress not recorded");
            }
        }
    }
    let now = services.clock.now();
    let completed = match rows_json(&rows) {
        Ok(json) => services.store.complete_import(id, &json, now).await,
        Err(_) => services.store.fail_import(id, now).await,
    };
    match completed {
        Ok(()) => {}
        // Cancelled while it was checked.
        Err(StoreError::NotFound) => {}
        Err(e) => tracing::error!(error = %e, import = id, "checked import not saved"),
    }
}

/// What the preview says of a check that was last seen as `check` at `now`.
#[cfg(feature = "ssr")]
fn state_of(check: &ImportCheck, now: i64) -> ImportState {
    if check.done() {
        ImportState::Ready
    } else if check.failed || check.checked_at < now - CHECK_STALLED {
        ImportState::Stopped
    } else {
        ImportState::Checking {
            hashed: check.passwords_hashed.max(0) as u64,
            total: check.passwords_total.max(0) as u64,
        }
    }
}

/// The caller's own unconfirmed upload, and how far its check is.
#[cfg(feature = "ssr")]
async fn staged(
    services: &Services,
    admin: &Viewer,
    id: i64,
) -> Result<(Vec<StagedRow>, ImportState), AppError> {
    let now = services.clock.now();
    let stored = services
        .store
        .load_import(admin.organisation_id, id, now - IMPORT_LIFETIME)
        .await?;
    if stored.created_by != admin.user_id {
        return Err(AppError::NotFound);
    }
    let rows = serde_json::from_str(&stored.rows_json).map_err(|e| {
        tracing::error!(error = %e, "stored import unreadable");
        AppError::Internal
    })?;
    Ok((rows, state_of(&stored.check, now)))
}

/// An upload's preview: each line with its refusals, and whether licences and storage allow
/// the rest to be created now. While its passwords are hashed, only how far that has come
/// (the page asks again until it is done).
#[server(endpoint = "users/import/get")]
pub async fn get_import(id: i64) -> Result<ImportPreview, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let services = services()?;
            let (rows, state) = staged(&services, &admin, id).await?;
            if state != ImportState::Ready {
                return Ok(ImportPreview {
                    id,
                    state,
                    rows: Vec::new(),
                    blocked: None,
                });
            }
            let usage = services
                .store
                .organisation_usage(admin.organisation_id)
                .await?;
            let valid: Vec<&StagedRow> = rows.iter().filter(|r| r.errors.is_empty()).collect();
            let wanted_mb: i64 = valid.iter().map(|r| r.quota_mb).sum();
            let blocked = if (valid.len() as i64) > usage.licences_left() {
                Some(ErrorCode::LicencesExhausted(usage.mailbox_licences))
            } else if wanted_mb > usage.storage_left_mb() {
                Some(ErrorCode::QuotaOverPool(usage.storage_left_mb()))
            } else {
                None
            };
            Ok(ImportPreview {
                id,
                state,
                rows: rows.iter().map(StagedRow::preview).collect(),
                blocked,
            })
        }
        .await,
    )
}

/// Creates a mailbox for every line of the upload without a refusal, in one transaction, then
/// forgets the upload. Lines with refusals are skipped, as the preview said.
#[server(endpoint = "users/import/confirm")]
pub async fn confirm_import(form: IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let IdForm { id } = form;
            let admin = require_admin()?;
            let services = services()?;
            let (rows, state) = staged(&services, &admin, id).await?;
            if state != ImportState::Ready {
                return Err(AppError::Conflict(FieldErrors::one(
                    "form",
                    ErrorCode::ImportNotChecked,
                )));
            }
            let now = services.clock.now();
            // A line without a password gets a hash no password matches: the mailbox exists,
            // and nobody signs in to it until an admin sets a password.
            let unusable = password::hash_password(crate::security::session::new_token()).await?;
            let valid: Vec<&StagedRow> = rows.iter().filter(|r| r.errors.is_empty()).collect();
            // A domain admin whose domains changed since the preview creates nothing beyond them.
            if valid.iter().any(|r| !admin.scope.covers_domain(r.domain_id)) {
                return Err(AppError::Forbidden);
            }
            let mut users = Vec::with_capacity(valid.len());
            for row in &valid {
                users.push(NewUser {
                    organisation_id: admin.organisation_id,
                    domain_id: row.domain_id,
                    local_part: LocalPart::parse(&row.local_part).map_err(|_| AppError::Internal)?,
                    name: row.name.clone(),
                    password_hash: row.password_hash.clone().unwrap_or_else(|| unusable.clone()),
                    account_type: row.account_type,
                    role: Role::User,
                    quota: Quota::from_mb(row.quota_mb).map_err(|_| AppError::Internal)?,
                    preferences: row.preferences.clone(),
                    now,
                });
            }
            let events: Vec<_> = valid
                .iter()
                .map(|row| {
                    let detail = json!({
                        "import": true,
                        "account_type": row.account_type.as_str(),
                        "quota_mb": row.quota_mb,
                        "password_set": row.password_hash.is_some(),
                    });
                    admin_event(&services, &admin, "user.create", &row.email, detail)
                })
                .collect();
            let created = match services.store.create_users(&users, &events).await {
                Ok(created) => created,
                // Taken since the preview: say on which line, and keep the upload for a retry.
                Err(StoreError::RowConflict { index, .. }) => {
                    let line = valid.get(index).map_or(0, |r| r.line);
                    return Err(AppError::Conflict(FieldErrors::one(
                        "form",
                        ErrorCode::AddressTakenOnLine(line as i64),
                    )));
                }
                Err(e) => return Err(e.into()),
            };
            if let Err(e) = services
                .store
                .delete_import(admin.organisation_id, id)
                .await
            {
                tracing::warn!(error = %e, "confirmed import not removed; it expires within the hour");
            }
            redirect_with("/users", Notice::UsersImported(created.len() as u64), Reached::Yes);
            Ok(())
        }
        .await,
    )
}

/// Forgets an upload without creating anything.
#[server(endpoint = "users/import/cancel")]
pub async fn cancel_import(form: IdForm) -> Result<(), AppError> {
    finish(
        async move {
            let IdForm { id } = form;
            let admin = require_admin()?;
            let services = services()?;
            staged(&services, &admin, id).await?;
            services
                .store
                .delete_import(admin.organisation_id, id)
                .await?;
            leptos_axum::redirect("/users/import");
            Ok(())
        }
        .await,
    )
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn domains() -> Vec<Domain> {
        vec![Domain {
            id: 7,
            name: "council.test".into(),
        }]
    }

    #[test]
    fn reads_columns_by_name_in_any_order_with_either_separator() {
        let comma = "\u{feff}Name,EMAIL,quota_gb,status\nJane Doe,jane@council.test,1.5,active\n\n";
        let lines = read_csv(comma).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].email, "jane@council.test");
        assert_eq!(lines[0].name, "Jane Doe");
        assert_eq!(lines[0].quota_gb, "1.5");
        assert_eq!(lines[0].line, 2);
        let semicolon = "email;name;quota_gb;account_type\nann@council.test;Ann;0,5;enhanced\n";
        let lines = read_csv(semicolon).unwrap();
        assert_eq!(lines[0].quota_gb, "0,5");
        assert_eq!(lines[0].account_type, "enhanced");
    }

    #[test]
    fn a_check_that_stops_moving_was_cut_short() {
        let check = |hashed, failed, checked_at| ImportCheck {
            passwords_total: 10,
            passwords_hashed: hashed,
            checked_at,
            failed,
        };
        assert_eq!(
            state_of(&check(4, false, 1000), 1010),
            ImportState::Checking {
                hashed: 4,
                total: 10
            }
        );
        assert_eq!(
            state_of(&check(4, false, 1000), 1001 + CHECK_STALLED),
            ImportState::Stopped
        );
        assert_eq!(state_of(&check(4, true, 1000), 1000), ImportState::Stopped);
        assert_eq!(
            state_of(&check(10, false, 0), 1_000_000),
            ImportState::Ready
        );
    }

    #[test]
    fn refuses_files_it_cannot_use() {
        assert_eq!(
            read_csv("email,name\nx@y.z,X\n"),
            Err(ErrorCode::CsvInvalid)
        );
        assert_eq!(read_csv("email,name,quota_gb\n"), Err(ErrorCode::CsvEmpty));
        let many: String = (0..=IMPORT_MAX_ROWS)
            .map(|i| format!("u{i}@council.test,U,1\n"))
            .collect();
        assert_eq!(
            read_csv(&format!("email,name,quota_gb\n{many}")),
            Err(ErrorCode::CsvTooManyRows(IMPORT_MAX_ROWS as i64))
        );
    }

    #[test]
    fn each_cell_is_checked_and_named() {
        let policy = PasswordPolicy::default();
        let mut seen = HashSet::new();
        let line = |email: &str, quota: &str, kind: &str, password: &str| CsvLine {
            line: 2,
            email: email.into(),
            name: "Jane Doe".into(),
            account_type: kind.into(),
            quota_gb: quota.into(),
            password: password.into(),
            ..CsvLine::default()
        };
        let good = check_line(
            line("Jane@Council.test", "2", "", "lantern orchard velvet 42"),
            &domains(),
            &policy,
            &mut seen,
        );
        assert!(good.row.errors.is_empty(), "{:?}", good.row.errors);
        assert_eq!(good.row.email, "jane@council.test");
        assert_eq!(good.row.domain_id, 7);
        assert_eq!(good.row.quota_mb, 2000);
        assert!(good.password.is_some() && good.row.has_password);

        let again = check_line(
            line("jane@council.test", "2", "", ""),
            &domains(),
            &policy,
            &mut seen,
        );
        let fields: Vec<(&str, ErrorCode)> = again
            .row
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(fields, vec![("email", ErrorCode::DuplicateInFile)]);

        let bad = check_line(
            line("bob@elsewhere.test", "lots", "gold", "short"),
            &domains(),
            &policy,
            &mut seen,
        );
        let fields: Vec<&str> = bad.row.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["email", "account_type", "quota_gb", "password"]
        );
        assert!(bad.password.is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1_000))]

        /// Whatever a file holds (quotes left open, ragged lines, either separator, byte-order
        /// marks, control characters), it is read or refused with a reason, never a panic, and
        /// never more than the import takes.
        #[test]
        fn any_file_is_read_or_refused(
            header in proptest::sample::select(vec![
                "email,name,quota_gb", "EMAIL;Name;quota_gb;password", "\u{feff}email,name,quota_gb,extra",
                "name,quota_gb", "", "\"email\",name,quota_gb",
            ]),
            cells in proptest::collection::vec(
                proptest::collection::vec("[a-z@.,;\"\\ \t\r\n\u{0}-\u{1f}é李0-9]{0,12}", 0..6),
                0..40,
            ),
        ) {
            let body: Vec<String> = cells.iter().map(|row| row.join(",")).collect();
            let text = format!("{header}\n{}", body.join("\n"));
            if let Ok(lines) = read_csv(&text) {
                proptest::prop_assert!(lines.len() <= IMPORT_MAX_ROWS);
            }
        }
    }
}
