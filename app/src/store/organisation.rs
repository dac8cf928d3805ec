//! The organisation: its first administrator, domains, licences, storage and password policy.
use super::StoreError;
use crate::model::{
    AccountHelp, Domain, DomainName, DomainSummary, EmailAddress, MailRules, OrganisationUsage,
    PasswordPolicy, TwoFactorRequirement, Viewer,
};
use async_trait::async_trait;

/// The first account admin, with the organisation and domain they start.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub organisation_name: String,
    pub admin_name: String,
    pub admin_email: EmailAddress,
    pub password_hash: String,
    /// The hash of the setup token that opened the setup, which must still be kept; `None`
    /// from the command line, which the operator runs on the server.
    pub setup_token_hash: Option<Vec<u8>>,
    /// Unix seconds.
    pub now: i64,
}

/// An organisation whose kept totals differed from a count of its mailboxes, as
/// `recount_totals` found them before setting them right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsCorrection {
    pub organisation_id: i64,
    pub name: String,
    /// What the organisation row said: mailboxes that take a licence, storage allocated (MB).
    pub kept: (i64, i64),
    /// What a count of its mailboxes says, and what the row says now.
    pub counted: (i64, i64),
}

#[async_trait]
pub trait OrganisationStore: Send + Sync {
    /// Whether any account admin exists (if not, the panel offers its one-time setup).
    async fn admin_exists(&self) -> Result<bool, StoreError>;
    /// Keeps the hash of a setup token printed at start.
    async fn keep_setup_token(&self, token_hash: &[u8], now: i64) -> Result<(), StoreError>;
    /// Whether the one-time setup is open: a token was printed and no account admin exists.
    async fn setup_open(&self) -> Result<bool, StoreError>;
    /// Whether `token_hash` is a kept setup token's.
    async fn setup_token_kept(&self, token_hash: &[u8]) -> Result<bool, StoreError>;
    /// Creates organisation, domain and account admin in one transaction, which takes the
    /// setup token (`NotFound` if another setup took it first) and forgets every other.
    async fn create_organisation(&self, new: NewOrganisation) -> Result<Viewer, StoreError>;
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
    /// Licences and storage: the totals are kept up to date with every change to a mailbox,
    /// in the change's own transaction, so reading them costs one row.
    async fn organisation_usage(
        &self,
        organisation_id: i64,
    ) -> Result<OrganisationUsage, StoreError>;
    /// Sets every organisation's kept totals to a count of its mailboxes, in one transaction,
    /// and returns those that differed: none unless mailboxes were changed outside the panel
    /// with the database's triggers bypassed.
    async fn recount_totals(&self) -> Result<Vec<TotalsCorrection>, StoreError>;
    /// The organisation's password policy.
    async fn password_policy(&self, organisation_id: i64) -> Result<PasswordPolicy, StoreError>;
    async fn set_password_policy(
        &self,
        organisation_id: i64,
        policy: &PasswordPolicy,
    ) -> Result<(), StoreError>;
    async fn two_factor_requirement(
        &self,
        organisation_id: i64,
    ) -> Result<TwoFactorRequirement, StoreError>;
    async fn set_two_factor_requirement(
        &self,
        organisation_id: i64,
        requirement: TwoFactorRequirement,
    ) -> Result<(), StoreError>;
    async fn account_help(&self, organisation_id: i64) -> Result<AccountHelp, StoreError>;
    async fn set_account_help(
        &self,
        organisation_id: i64,
        help: AccountHelp,
    ) -> Result<(), StoreError>;
    async fn mail_rules(&self, organisation_id: i64) -> Result<MailRules, StoreError>;
    async fn set_mail_rules(
        &self,
        organisation_id: i64,
        rules: MailRules,
    ) -> Result<(), StoreError>;
    /// Whether some organisation lets its users recover their password by mail: the public
    /// "Forgot password" page shows its form only then.
    async fn any_self_service_recovery(&self) -> Result<bool, StoreError>;
    /// Sets the licence count and storage pool; never below what is in use (`InUse`,
    /// `StoragePoolExceeded`).
    async fn set_organisation_limits(
        &self,
        organisation_id: i64,
        mailbox_licences: i64,
        storage_pool_mb: i64,
    ) -> Result<(), StoreError>;
}
