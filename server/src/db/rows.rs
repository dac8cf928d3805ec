//! Row shapes shared by both back ends, and their conversion to the app's types.
use app::model::{
    mb_rounded_up, AccountStatus, AccountType, DateFormat, Language, Preferences, Role, TimeZone,
    UserDetail, UserRow, Viewer,
};
use app::store::{AuditRecord, StoreError};

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
}

impl SessionRecord {
    pub fn viewer(&self) -> Result<Viewer, StoreError> {
        Ok(Viewer {
            user_id: self.user_id,
            organisation_id: self.organisation_id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: Role::parse(&self.role).ok_or_else(|| corrupt("role"))?,
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
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub success: bool,
    pub detail: String,
    pub ip: String,
    pub at: i64,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        AuditRecord {
            actor: r.actor,
            action: r.action,
            target: r.target,
            success: r.success,
            detail: r.detail,
            ip: r.ip,
            at: r.at,
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
    pub language: String,
    pub time_zone: String,
    pub date_format: String,
    pub used_bytes: i64,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
}

impl TryFrom<UserDetailRecord> for UserDetail {
    type Error = StoreError;

    fn try_from(r: UserDetailRecord) -> Result<Self, StoreError> {
        Ok(UserDetail {
            id: r.id,
            name: r.name,
            email: r.email,
            role: Role::parse(&r.role).ok_or_else(|| corrupt("role"))?,
            account_type: AccountType::parse(&r.account_type)
                .ok_or_else(|| corrupt("account_type"))?,
            quota_mb: r.quota_mb,
            status: AccountStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
            only_local_smtp: r.only_local_smtp,
            shared: r.shared,
            preferences: Preferences {
                language: Language::parse(&r.language).map_err(|_| corrupt("language"))?,
                time_zone: TimeZone::parse(&r.time_zone).map_err(|_| corrupt("time_zone"))?,
                date_format: DateFormat::parse(&r.date_format)
                    .map_err(|_| corrupt("date_format"))?,
            },
            used_mb: mb_rounded_up(r.used_bytes),
            last_login_at: r.last_login_at,
            created_at: r.created_at,
        })
    }
}
