//! The addresses beside mailboxes: aliases and distribution lists (one address belongs to one
//! mailbox, alias or list); and what the mail server does with a mailbox's incoming mail
//! besides keeping it: forwarding and the automatic reply.
use super::StoreError;
use crate::model::{
    AddressHolder, Alias, AutoReply, EmailAddress, Forwarding, ListDetail, ListSummary, LocalPart,
};
use async_trait::async_trait;

#[async_trait]
pub trait AddressStore: Send + Sync {
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
    /// Where the mailbox's mail goes besides the mailbox (no address: nowhere else).
    async fn forwarding(
        &self,
        organisation_id: i64,
        user_id: i64,
    ) -> Result<Forwarding, StoreError>;
    /// Replaces the mailbox's forwarding, addresses and copy together.
    async fn set_forwarding(
        &self,
        organisation_id: i64,
        user_id: i64,
        forwarding: &Forwarding,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The mailbox's automatic reply (off, empty, when it never had one).
    async fn auto_reply(&self, organisation_id: i64, user_id: i64)
        -> Result<AutoReply, StoreError>;
    /// Replaces the mailbox's automatic reply; `starts_at` and `ends_at` are the instants its
    /// days begin and end (Unix seconds), which the mail server compares with its clock.
    async fn set_auto_reply(
        &self,
        organisation_id: i64,
        user_id: i64,
        reply: &AutoReply,
        window: (Option<i64>, Option<i64>),
        now: i64,
    ) -> Result<(), StoreError>;
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
}
