//! What the store conformance tests start from: an organisation, users and sessions.
use app::model::{AccountType, EmailAddress, LocalPart, Preferences, Quota, Role, Viewer};
use app::store::{
    AuditEntry, NewOrganisation, NewSession, NewUser, SessionLimits, Store, UserUpdate,
};

pub const NOW: i64 = 1_800_000_000;

pub const LIMITS: SessionLimits = SessionLimits {
    idle: 3600,
    absolute: 12 * 3600,
};

pub async fn organisation(store: &dyn Store) -> Viewer {
    store
        .create_organisation(NewOrganisation {
            organisation_name: "Parish Council".into(),
            admin_name: "Clerk".into(),
            admin_email: EmailAddress::parse("clerk@council.test").unwrap(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            setup_token_hash: None,
            now: NOW,
        })
        .await
        .expect("organisation created")
}

pub fn new_user(org: i64, domain: i64, local: &str, name: &str) -> NewUser {
    NewUser {
        organisation_id: org,
        domain_id: domain,
        local_part: LocalPart::parse(local).unwrap(),
        name: name.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        account_type: AccountType::Basic,
        role: Role::User,
        quota: Quota::from_mb(500).unwrap(),
        preferences: Preferences::default(),
        now: NOW,
    }
}

/// An edit that sets the name and quota and leaves the rest as a new user has it.
/// An audit event, for the changes that write theirs in their own transaction.
pub fn event(organisation_id: Option<i64>, action: &'static str, target: &str) -> AuditEntry {
    AuditEntry {
        organisation_id,
        actor_id: None,
        actor: "clerk@council.test".into(),
        action,
        target: target.into(),
        success: true,
        detail: "{}".into(),
        ip: "127.0.0.1".into(),
        now: NOW,
    }
}

/// The event of a mailbox a test adds (not the one under test).
pub fn created() -> AuditEntry {
    event(None, "user.create", "")
}

pub fn user_update(name: &str, quota_mb: i64) -> UserUpdate {
    UserUpdate {
        name: name.into(),
        account_type: AccountType::Basic,
        quota: Quota::from_mb(quota_mb).unwrap(),
        disabled: false,
        only_local_smtp: false,
        recovery_email: None,
        preferences: Preferences::default(),
        now: NOW,
    }
}

/// Signs `user_id` in at `at` with a token of `byte` repeated.
pub async fn open_session(store: &dyn Store, user_id: i64, byte: u8, at: i64) -> Vec<u8> {
    let token_hash = vec![byte; 32];
    store
        .create_session(
            NewSession {
                user_id,
                token_hash: token_hash.clone(),
                device: "Firefox on Linux".into(),
                ip: "127.0.0.1".into(),
                now: at,
            },
            &event(None, "sign_in", ""),
        )
        .await
        .unwrap();
    token_hash
}
