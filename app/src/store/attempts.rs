//! Counters of attempts that every instance of the panel shares: a limit trips at the same
//! count whichever instance is asked.
use super::StoreError;
use async_trait::async_trait;

/// One subject's current fixed window: when it started and how many attempts it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptWindow {
    pub start: i64,
    pub attempts: i64,
}

#[async_trait]
pub trait AttemptStore: Send + Sync {
    /// Counts one attempt of `subject` under `scope` (which limit counts it) in the window of
    /// `window` seconds that its first attempt opened, or in a new one when that has ended.
    async fn count_attempt(
        &self,
        scope: &str,
        subject: &str,
        window: i64,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The last window opened for `subject` under `scope`, ended or not.
    async fn attempt_window(
        &self,
        scope: &str,
        subject: &str,
    ) -> Result<Option<AttemptWindow>, StoreError>;
    /// Forgets the windows opened before `before`; returns how many.
    async fn forget_attempts(&self, before: i64) -> Result<u64, StoreError>;
}
