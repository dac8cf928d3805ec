//! Shared mailboxes made as such, and their members.
use super::StoreError;
use crate::model::{LocalPart, Quota, SharedAccess, SharedMember, UserRow};
use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct NewSharedMailbox {
    pub organisation_id: i64,
    pub domain_id: i64,
    pub local_part: LocalPart,
    pub name: String,
    /// The hash of a secret nobody is told: a shared mailbox opens only to its members.
    pub password_hash: String,
    pub quota: Quota,
    pub now: i64,
}

/// A member to let in: a mailbox of the organisation that is not itself shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedGrant {
    pub member_id: i64,
    pub access: SharedAccess,
}

#[async_trait]
pub trait SharedMailboxStore: Send + Sync {
    /// A shared mailbox from the start: no licence, no password anyone signs in with; its quota
    /// counts against the storage pool (`StoragePoolExceeded`). `AddressHeld` names who has the
    /// address already.
    async fn create_shared_mailbox(&self, new: NewSharedMailbox) -> Result<UserRow, StoreError>;
    /// The members of shared mailbox `mailbox_id`, by address.
    async fn shared_members(
        &self,
        organisation_id: i64,
        mailbox_id: i64,
    ) -> Result<Vec<SharedMember>, StoreError>;
    /// Lets members in, or changes what they may do: `NotFound` unless the mailbox is a shared
    /// one of the organisation and every member one of its mailboxes that is not shared.
    async fn grant_shared_access(
        &self,
        organisation_id: i64,
        mailbox_id: i64,
        grants: &[SharedGrant],
        now: i64,
    ) -> Result<(), StoreError>;
    /// Ends a member's access; `NotFound` if they were none.
    async fn remove_shared_member(
        &self,
        organisation_id: i64,
        mailbox_id: i64,
        member_id: i64,
    ) -> Result<(), StoreError>;
}
