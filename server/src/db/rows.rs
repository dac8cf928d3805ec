//! Row shapes shared by both back ends, and their conversion to the app's types.
use app::model::Device;
use app::model::MailServerAction;
use app::model::{
    mb_rounded_up, AccountStatus, AccountType, ActingAdmin, AdminScope, AuditLine,
    CharacterClasses, DateFormat, Language, MailKind, MailRecord, MailStatus, PasswordPolicy,
    Preferences, Role, TimeZone, TwoFactorRequirement, UserDetail, UserRow, Viewer,
    ACTING_SESSION_SECONDS,
};
use app::store::{LinkOwner, LoginRecord, MailServerTask, SessionLimits, StoreError};

#[derive(sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub account_type: String,
    pub quota_mb: i64,
    pub status: String,
    pub shared: bool,
    pub last_login_at: Option<i64>,
    pub role: String,
}

impl TryFrom<UserRecord> for UserRow {
    type Error = StoreError;

    fn try_from(r: UserRecord) -> Result<Self, StoreError> {
        Ok(UserRow {
            id: r.id,
            name: r.name,
            email: r.email,
            account_type: AccountType::parse(&r.account_type)
                .ok_or_else(|| corrupt("account_type"))?,
            quota_mb: r.quota_mb,
            status: AccountStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            shared: r.shared,
            last_login_at: r.last_login_at,
            role: Role::parse(&r.role).ok_or_else(|| corrupt("role"))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct SessionRecord {
    pub session_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub status: String,
    pub must_change_password: bool,
    pub password_confirmed_at: i64,
    pub admin_scope: String,
    pub two_factor_required: String,
    pub two_factor_since: Option<i64>,
    pub acting_admin_id: Option<i64>,
    pub acting_admin_email: Option<String>,
    pub return_to: Option<String>,
}

impl SessionRecord {
    pub fn viewer(&self) -> Result<Viewer, StoreError> {
        let role = Role::parse(&self.role).ok_or_else(|| corrupt("role"))?;
        let required = TwoFactorRequirement::parse(&self.two_factor_required)
            .ok_or_else(|| corrupt("two_factor_required"))?;
        Ok(Viewer {
            user_id: self.user_id,
            organisation_id: self.organisation_id,
            email: self.email.clone(),
            name: self.name.clone(),
            role,
            scope: stored_scope(&self.admin_scope)?,
            must_change_password: self.must_change_password,
            must_set_up_two_factor: required.applies_to(role) && self.two_factor_since.is_none(),
            password_confirmed_at: self.password_confirmed_at,
            acting_admin: match (self.acting_admin_id, &self.acting_admin_email) {
                (Some(user_id), Some(email)) => Some(ActingAdmin {
                    user_id,
                    email: email.clone(),
                    return_to: self.return_to.clone().unwrap_or_else(|| "/users".into()),
                }),
                _ => None,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct LoginRow {
    pub id: i64,
    pub organisation_id: i64,
    pub password_hash: String,
    pub role: String,
    pub status: String,
    pub shared: bool,
    pub must_change_password: bool,
    pub password_expires_at: Option<i64>,
    pub locked_until: Option<i64>,
    pub two_factor_since: Option<i64>,
    pub two_factor_required: String,
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub success: bool,
    pub detail: String,
    pub ip: String,
    pub at: i64,
}

impl From<AuditRow> for AuditLine {
    fn from(r: AuditRow) -> Self {
        AuditLine {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            success: r.success,
            detail: r.detail,
            ip: r.ip,
        }
    }
}

fn corrupt(column: &str) -> StoreError {
    StoreError::Backend(format!("unexpected value in column {column}").into())
}

#[derive(sqlx::FromRow)]
pub struct UserDetailRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub account_type: String,
    pub quota_mb: i64,
    pub status: String,
    pub only_local_smtp: bool,
    pub shared: bool,
    pub must_change_password: bool,
    pub recovery_email: Option<String>,
    pub language: String,
    pub time_zone: String,
    pub date_format: String,
    pub used_bytes: i64,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
    pub failed_sign_ins: i64,
    pub locked_until: Option<i64>,
    pub admin_scope: String,
}

/// A user's scope as its column holds it. A domain admin's domains live in `admin_domains` and
/// are read after: until then the scope holds none, so a forgotten read grants nothing.
pub fn stored_scope(value: &str) -> Result<AdminScope, StoreError> {
    match value {
        "organisation" => Ok(AdminScope::Organisation),
        "domains" => Ok(AdminScope::Domains(Vec::new())),
        _ => Err(corrupt("admin_scope")),
    }
}

/// The `admin_scope` column's value for `scope`.
pub fn scope_column(scope: &AdminScope) -> &'static str {
    match scope {
        AdminScope::Organisation => "organisation",
        AdminScope::Domains(_) => "domains",
    }
}

impl TryFrom<UserDetailRecord> for UserDetail {
    type Error = StoreError;

    fn try_from(r: UserDetailRecord) -> Result<Self, StoreError> {
        Ok(UserDetail {
            id: r.id,
            name: r.name,
            email: r.email,
            role: Role::parse(&r.role).ok_or_else(|| corrupt("role"))?,
            scope: stored_scope(&r.admin_scope)?,
            account_type: AccountType::parse(&r.account_type)
                .ok_or_else(|| corrupt("account_type"))?,
            quota_mb: r.quota_mb,
            status: AccountStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            only_local_smtp: r.only_local_smtp,
            shared: r.shared,
            must_change_password: r.must_change_password,
            recovery_email: r.recovery_email,
            preferences: Preferences {
                language: Language::parse(&r.language).map_err(|_| corrupt("language"))?,
                time_zone: TimeZone::parse(&r.time_zone).map_err(|_| corrupt("time_zone"))?,
                date_format: DateFormat::parse(&r.date_format)
                    .map_err(|_| corrupt("date_format"))?,
            },
            used_mb: mb_rounded_up(r.used_bytes),
            last_login_at: r.last_login_at,
            created_at: r.created_at,
            failed_sign_ins: r.failed_sign_ins,
            locked_until: r.locked_until,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct PolicyRow {
    pub password_min_chars: i64,
    pub password_min_score: i64,
    pub password_require_upper: bool,
    pub password_require_lower: bool,
    pub password_require_digit: bool,
    pub password_require_symbol: bool,
}

impl TryFrom<PolicyRow> for PasswordPolicy {
    type Error = StoreError;

    fn try_from(r: PolicyRow) -> Result<Self, StoreError> {
        Ok(PasswordPolicy {
            min_chars: u32::try_from(r.password_min_chars)
                .map_err(|_| corrupt("password_min_chars"))?,
            max_chars: PasswordPolicy::MAX_CHARS,
            min_score: u8::try_from(r.password_min_score)
                .map_err(|_| corrupt("password_min_score"))?,
            require: CharacterClasses {
                upper: r.password_require_upper,
                lower: r.password_require_lower,
                digit: r.password_require_digit,
                symbol: r.password_require_symbol,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct MailRecordRow {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

impl TryFrom<MailRecordRow> for MailRecord {
    type Error = StoreError;

    fn try_from(r: MailRecordRow) -> Result<Self, StoreError> {
        Ok(MailRecord {
            id: r.id,
            kind: MailKind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?,
            recipient: r.recipient,
            status: MailStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            attempts: r.attempts,
            last_error: r.last_error,
            created_at: r.created_at,
            sent_at: r.sent_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct LinkOwnerRow {
    pub organisation_id: i64,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub requested: bool,
}

impl From<LinkOwnerRow> for LinkOwner {
    fn from(r: LinkOwnerRow) -> Self {
        LinkOwner {
            organisation_id: r.organisation_id,
            user_id: r.user_id,
            email: r.email,
            name: r.name,
            requested: r.requested,
        }
    }
}

/// `(id, address, action, attempts)` rows of `mail_server_tasks`.
pub fn mail_server_tasks(
    rows: Vec<(i64, String, String, i64)>,
) -> Result<Vec<MailServerTask>, StoreError> {
    rows.into_iter()
        .map(|(id, address, action, attempts)| {
            Ok(MailServerTask {
                id,
                address,
                action: MailServerAction::parse(&action).ok_or_else(|| corrupt("action"))?,
                attempts,
            })
        })
        .collect()
}

/// Seconds between two writes of a session's last-seen time: enough for idle expiry,
/// without a write on every request.
const TOUCH_EVERY: i64 = 60;

pub fn session_is_live(row: &SessionRecord, now: i64, limits: SessionLimits) -> bool {
    let absolute = match row.acting_admin_id {
        Some(_) => limits.absolute.min(ACTING_SESSION_SECONDS),
        None => limits.absolute,
    };
    row.status == "active"
        && now - row.last_seen_at < limits.idle
        && now - row.created_at < absolute
}

/// A session row as the device list shows it.
/// `(id, device, ip, created, last seen, the asking one, the acting administrator)`.
pub type DeviceRow = (i64, String, String, i64, i64, bool, Option<String>);

pub fn device((id, label, ip, first_seen, last_seen, current, acting_admin): DeviceRow) -> Device {
    Device {
        id,
        label,
        ip,
        first_seen,
        last_seen,
        current,
        acting_admin,
    }
}

pub fn needs_touch(row: &SessionRecord, now: i64) -> bool {
    now - row.last_seen_at >= TOUCH_EVERY
}

pub fn login_record(row: LoginRow) -> Result<LoginRecord, StoreError> {
    let role =
        Role::parse(&row.role).ok_or_else(|| StoreError::Backend("unexpected role".into()))?;
    let required = TwoFactorRequirement::parse(&row.two_factor_required)
        .ok_or_else(|| StoreError::Backend("unexpected two_factor_required".into()))?;
    let two_factor_on = row.two_factor_since.is_some();
    Ok(LoginRecord {
        user_id: row.id,
        organisation_id: row.organisation_id,
        password_hash: row.password_hash,
        role,
        // Nobody signs in to a shared mailbox.
        disabled: row.status != "active" || row.shared,
        must_change_password: row.must_change_password,
        password_expires_at: row.password_expires_at,
        locked_until: row.locked_until,
        two_factor_on,
        must_set_up_two_factor: required.applies_to(role) && !two_factor_on,
    })
}
