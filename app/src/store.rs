//! The persistence port. The server crate implements it for SQLite and PostgreSQL; server
//! functions only ever see `&dyn Store`.
use crate::mail_server::MailServerAction;
use crate::model::{
    AccountType, AddressHolder, AdminScope, Alias, AuditLine, AuditQuery, Device, Domain,
    DomainName, DomainSummary, EmailAddress, ListDetail, ListSummary, LocalPart, MailKind,
    MailRecord, OrganisationUsage, PasswordPolicy, Preferences, Quota, Role, SignOut, UserDetail,
    UserPage, UserQuery, UserRow, Viewer,
};
use crate::security::lockout::LockoutRules;
use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value is taken; `field` names the form input it came from.
    #[error("conflict on {field}")]
    Conflict { field: &'static str },
    /// Every mailbox licence is in use.
    #[error("all {licences} mailbox licences are in use")]
    LicencesExhausted { licences: i64 },
    /// The quota asked for is more than the storage pool has left.
    #[error("only {available_mb} MB left in the storage pool")]
    StoragePoolExceeded { available_mb: i64 },
    /// The quota asked for is less than the mailbox already holds (in MB, rounded up).
    #[error("the mailbox already holds {used_mb} MB")]
    QuotaBelowUsed { used_mb: i64 },
    /// The address of the batch's row `index` (from 0) is held already.
    #[error("row {index}: the address is taken")]
    RowConflict { index: usize, holder: AddressHolder },
    /// The address typed in `field` is held by a mailbox, an alias or a list.
    #[error("the address is held by {holder:?}")]
    AddressHeld {
        field: &'static str,
        holder: AddressHolder,
    },
    /// The item is still used by this many mailboxes, aliases and lists.
    #[error("still used by {mailboxes} mailboxes")]
    InUse { mailboxes: i64 },
    #[error("database: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The first account admin, with the organisation and domain they start.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub organisation_name: String,
    pub admin_name: String,
    pub admin_email: EmailAddress,
    pub password_hash: String,
    /// Unix seconds.
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub organisation_id: i64,
    pub domain_id: i64,
    pub local_part: LocalPart,
    pub name: String,
    pub password_hash: String,
    pub account_type: AccountType,
    pub role: Role,
    pub quota: Quota,
    pub preferences: Preferences,
    pub now: i64,
}

/// What sign-in needs to decide, looked up by address.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user_id: i64,
    pub organisation_id: i64,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    /// A temporary password's end; `None` for a password the user chose.
    pub password_expires_at: Option<i64>,
    /// The end of a lock earned by failed sign-ins.
    pub locked_until: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: i64,
    /// SHA-256 of the cookie's token; the token itself is never stored.
    pub token_hash: Vec<u8>,
    pub device: String,
    pub ip: String,
    pub now: i64,
}

/// How long a session lives, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle: i64,
    pub absolute: i64,
}

/// The editable fields of a mailbox, all set at once.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub name: String,
    pub account_type: AccountType,
    pub quota: Quota,
    pub disabled: bool,
    pub only_local_smtp: bool,
    pub recovery_email: Option<EmailAddress>,
    pub preferences: Preferences,
    pub now: i64,
}

/// A new password set by an administrator, and what goes with it.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub password_hash: String,
    /// The user must choose their own password at their next sign-in.
    pub must_change: bool,
    /// When a temporary password stops working (with `must_change`).
    pub expires_at: Option<i64>,
    pub sign_out: SignOut,
    /// A set-password link to store with the reset, when one is mailed.
    pub link: Option<NewPasswordLink>,
    /// Queued in the same transaction, so a reset never commits without its mail or the reverse.
    pub mail: Vec<NewMail>,
    pub now: i64,
}

/// A single-use set-password link: only the SHA-256 of its token.
#[derive(Debug, Clone)]
pub struct NewPasswordLink {
    pub token_hash: Vec<u8>,
    pub expires_at: i64,
}

/// A message for the outbox. The body is sealed (it may hold a link or a password).
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub sealed_body: Vec<u8>,
}

/// A queued message whose time to try has come.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub sealed_body: Vec<u8>,
    /// Tries so far.
    pub attempts: i64,
}

/// What became of one try to send a message.
#[derive(Debug, Clone)]
pub enum Delivery {
    Sent,
    /// Refused or unreachable: try again at `at`.
    Retry {
        at: i64,
        error: String,
    },
    /// No more tries.
    GaveUp {
        error: String,
    },
}

/// A mail-server command that could not be delivered, to retry.
#[derive(Debug, Clone)]
pub struct NewMailServerTask {
    pub address: String,
    pub action: MailServerAction,
    /// Why the first try failed.
    pub error: String,
    pub next_attempt_at: i64,
    pub now: i64,
}

/// A waiting mail-server command whose time to try has come.
#[derive(Debug, Clone)]
pub struct MailServerTask {
    pub id: i64,
    pub address: String,
    pub action: MailServerAction,
    /// Tries so far.
    pub attempts: i64,
}

/// Who a live set-password link belongs to.
#[derive(Debug, Clone)]
pub struct LinkOwner {
    pub organisation_id: i64,
    pub user_id: i64,
    pub email: String,
    pub name: String,
}

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
pub trait Store: Send + Sync {
    /// Whether any account admin exists (if not, the panel offers its one-time setup).
    async fn admin_exists(&self) -> Result<bool, StoreError>;
    /// Creates organisation, domain and account admin in one transaction.
    async fn create_organisation(&self, new: NewOrganisation) -> Result<Viewer, StoreError>;
    async fn find_login(&self, email: &EmailAddress) -> Result<Option<LoginRecord>, StoreError>;
    /// Replaces a user's password hash (a rehash at sign-in, or a new password).
    async fn update_password_hash(
        &self,
        user_id: i64,
        password_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The signed-in user's own new password: clears the force-change flag, moves the current
    /// session (`session.0`) to a fresh token hash (`session.1`) and, when asked, ends every
    /// other session of theirs, in one transaction. Returns how many sessions ended.
    async fn change_own_password(
        &self,
        user_id: i64,
        password_hash: &str,
        session: (&[u8], &[u8]),
        sign_out_others: bool,
        now: i64,
    ) -> Result<u64, StoreError>;
    /// Stores a new session, stamps the user's last sign-in and clears their failed sign-ins.
    async fn create_session(&self, session: NewSession) -> Result<(), StoreError>;
    /// Counts a failed sign-in against the account and, once `rules` say so, locks it (a
    /// lock's end only ever moves later). Returns the end of the lock now in force, if any.
    async fn record_failed_sign_in(
        &self,
        user_id: i64,
        now: i64,
        rules: LockoutRules,
    ) -> Result<Option<i64>, StoreError>;
    /// Clears the user's failed sign-ins and lock. `NotFound` outside the organisation.
    async fn unlock_user(&self, organisation_id: i64, user_id: i64) -> Result<(), StoreError>;
    /// The session's owner if it is live, sliding its last-seen time; expired sessions are removed.
    async fn session_viewer(
        &self,
        token_hash: &[u8],
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<Viewer>, StoreError>;
    async fn delete_session(&self, token_hash: &[u8]) -> Result<(), StoreError>;
    /// Records that the session's owner has just typed their password again.
    async fn confirm_password(&self, token_hash: &[u8], now: i64) -> Result<(), StoreError>;
    /// The user's live sessions in the organisation, most recently seen first; the one whose
    /// token hash is `asking` is marked current.
    async fn list_devices(
        &self,
        organisation_id: i64,
        user_id: i64,
        asking: &[u8],
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<Device>, StoreError>;
    /// Ends the user's sessions (all, or those listed), never the one whose token hash is
    /// `keep` (the caller's). Returns how many ended.
    async fn end_sessions(
        &self,
        user_id: i64,
        which: &SignOut,
        keep: &[u8],
    ) -> Result<u64, StoreError>;
    /// Sets an administrator's new password for a user, with the force-change flag, and ends the
    /// chosen sessions, all in one transaction. Returns how many sessions ended.
    /// Gives the user `role` over `scope` in one transaction: the domains of a domain admin
    /// replace any listed before.
    async fn set_role(
        &self,
        organisation_id: i64,
        user_id: i64,
        role: Role,
        scope: &AdminScope,
    ) -> Result<(), StoreError>;
    async fn reset_password(
        &self,
        organisation_id: i64,
        user_id: i64,
        reset: PasswordReset,
    ) -> Result<u64, StoreError>;
    async fn list_domains(&self, organisation_id: i64) -> Result<Vec<Domain>, StoreError>;
    async fn add_domain(
        &self,
        organisation_id: i64,
        name: &DomainName,
        now: i64,
    ) -> Result<Domain, StoreError>;
    /// Domains with the number of mailboxes on each.
    async fn domain_summaries(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<DomainSummary>, StoreError>;
    /// Removes a domain without mailboxes; `InUse` says how many it still has.
    async fn remove_domain(&self, organisation_id: i64, domain_id: i64) -> Result<(), StoreError>;
    async fn organisation_usage(
        &self,
        organisation_id: i64,
    ) -> Result<OrganisationUsage, StoreError>;
    /// Sets the licence count and storage pool; never below what is in use (`InUse`,
    /// `StoragePoolExceeded`).
    /// The organisation's password policy.
    async fn password_policy(&self, organisation_id: i64) -> Result<PasswordPolicy, StoreError>;
    async fn set_password_policy(
        &self,
        organisation_id: i64,
        policy: &PasswordPolicy,
    ) -> Result<(), StoreError>;
    async fn set_organisation_limits(
        &self,
        organisation_id: i64,
        mailbox_licences: i64,
        storage_pool_mb: i64,
    ) -> Result<(), StoreError>;
    async fn list_users(
        &self,
        organisation_id: i64,
        query: &UserQuery,
        page_size: usize,
    ) -> Result<UserPage, StoreError>;
    /// Adds the mailboxes, all or none, in one transaction: licences and storage for all of them
    /// must be free, and an address already taken fails the batch with `RowConflict`.
    async fn create_users(&self, users: &[NewUser]) -> Result<Vec<UserRow>, StoreError>;
    /// Adds one mailbox if a licence and enough of the storage pool are free.
    async fn create_user(&self, user: NewUser) -> Result<UserRow, StoreError> {
        let mut rows = self
            .create_users(std::slice::from_ref(&user))
            .await
            .map_err(|e| match e {
                StoreError::RowConflict { holder, .. } => StoreError::AddressHeld {
                    field: "username",
                    holder,
                },
                e => e,
            })?;
        rows.pop().ok_or(StoreError::NotFound)
    }
    async fn get_user(&self, organisation_id: i64, user_id: i64) -> Result<UserDetail, StoreError>;
    /// Accounts not seen since `stale_before` (never-signed-in first), and disabled accounts:
    /// up to `limit` of each, with their full counts.
    async fn accounts_to_review(
        &self,
        organisation_id: i64,
        stale_before: i64,
        limit: i64,
    ) -> Result<AccountsToReview, StoreError>;
    /// Saves the changes in one transaction; the quota must fit the storage pool and hold what
    /// the mailbox already holds, and disabling ends every session of the user.
    async fn update_user(
        &self,
        organisation_id: i64,
        user_id: i64,
        update: UserUpdate,
    ) -> Result<(), StoreError>;
    /// Disables (ending their sessions) or enables the mailboxes in one transaction, all or
    /// none: `NotFound` if any id is not the organisation's. Returns their addresses.
    async fn set_users_disabled(
        &self,
        organisation_id: i64,
        user_ids: &[i64],
        disabled: bool,
        now: i64,
    ) -> Result<Vec<String>, StoreError>;
    /// Makes the mailbox a shared one, in one transaction: it keeps its mail and quota, frees its
    /// licence, loses any admin role, and its sessions end.
    async fn convert_to_shared(
        &self,
        organisation_id: i64,
        user_id: i64,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Deletes the mailboxes and their sessions in one transaction, all or none (`NotFound` if
    /// any id is not the organisation's). Returns their addresses.
    async fn delete_users(
        &self,
        organisation_id: i64,
        user_ids: &[i64],
    ) -> Result<Vec<String>, StoreError>;
    /// What holds `email` now, if anything: a mailbox, an alias or a list.
    async fn address_holder(&self, email: &str) -> Result<Option<AddressHolder>, StoreError>;
    async fn list_aliases(
        &self,
        organisation_id: i64,
        user_id: i64,
    ) -> Result<Vec<Alias>, StoreError>;
    /// Gives the mailbox another address; `AddressHeld` names who has it already.
    async fn add_alias(
        &self,
        organisation_id: i64,
        user_id: i64,
        domain_id: i64,
        local_part: &LocalPart,
        now: i64,
    ) -> Result<Alias, StoreError>;
    async fn remove_alias(&self, organisation_id: i64, alias_id: i64) -> Result<(), StoreError>;
    async fn list_lists(&self, organisation_id: i64) -> Result<Vec<ListSummary>, StoreError>;
    /// A new, empty distribution list; `AddressHeld` names who has the address already.
    async fn create_list(
        &self,
        organisation_id: i64,
        domain_id: i64,
        local_part: &LocalPart,
        name: &str,
        now: i64,
    ) -> Result<ListSummary, StoreError>;
    async fn get_list(&self, organisation_id: i64, list_id: i64) -> Result<ListDetail, StoreError>;
    /// Adds the organisation's mailbox with this address (`NotFound` if it has none).
    async fn add_list_member(
        &self,
        organisation_id: i64,
        list_id: i64,
        email: &EmailAddress,
    ) -> Result<(), StoreError>;
    async fn remove_list_member(
        &self,
        organisation_id: i64,
        list_id: i64,
        user_id: i64,
    ) -> Result<(), StoreError>;
    async fn delete_list(&self, organisation_id: i64, list_id: i64) -> Result<(), StoreError>;
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
    /// Queued messages due at `now`, oldest first.
    async fn due_mail(&self, now: i64, limit: i64) -> Result<Vec<DueMail>, StoreError>;
    /// Records one try; a sent or abandoned message loses its body.
    async fn record_delivery(
        &self,
        mail_id: i64,
        delivery: Delivery,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Keeps a mail-server command for the retry worker.
    async fn queue_mail_server_task(&self, task: NewMailServerTask) -> Result<(), StoreError>;
    /// Waiting mail-server commands due at `now`, oldest first.
    async fn due_mail_server_tasks(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<MailServerTask>, StoreError>;
    /// Records one retry: `Sent` and `GaveUp` remove the command, `Retry` puts it off.
    async fn record_mail_server_try(
        &self,
        task_id: i64,
        outcome: Delivery,
    ) -> Result<(), StoreError>;
    /// The newest messages about a user, for the admin.
    async fn user_mail(
        &self,
        organisation_id: i64,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<MailRecord>, StoreError>;
    /// The owner of an unused, unexpired link; `NotFound` otherwise.
    async fn password_link_owner(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> Result<LinkOwner, StoreError>;
    /// Uses the link: sets the password, clears the force-change flag, ends every session of
    /// the owner and marks the link used, in one transaction. `NotFound` if the link is unknown,
    /// used or expired (a second use loses the race).
    async fn set_password_by_link(
        &self,
        token_hash: &[u8],
        password_hash: &str,
        now: i64,
    ) -> Result<LinkOwner, StoreError>;
    async fn record_audit(&self, entry: AuditEntry) -> Result<(), StoreError>;
    /// The organisation's events matching `query`, newest first; at most `limit`.
    async fn search_audit(
        &self,
        organisation_id: i64,
        query: &AuditQuery,
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

#[derive(Debug, Clone, Default)]
pub struct AccountsToReview {
    pub stale: Vec<UserRow>,
    pub stale_count: i64,
    pub disabled: Vec<UserRow>,
    pub disabled_count: i64,
}
