//! Brute-force protection: an account locks after failed sign-ins in a row, for a time that
//! doubles with each further failure; an address that fails too often gets 429 for a while.
//!
//! The per-address count lives in the database, so several instances behind one load
//! balancer count together. It counts failures only, so an office behind one NAT address is
//! never slowed by its colleagues' successful sign-ins. Rate-limiting crates count every
//! request in one process's memory against their own clock; this counts what failed, for all
//! instances, against the panel's `Clock`, which tests move.
use crate::store::{AttemptWindow, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutRules {
    /// Failed sign-ins in a row that lock the account.
    pub failures: i64,
    /// The same count, when its last failure is a wrong two-factor code: whoever types codes
    /// already knows the password, so fewer guesses are allowed.
    pub code_failures: i64,
    /// The first lock, in seconds; each failure after it doubles the next one.
    pub first_lock: i64,
    /// The longest lock, in seconds.
    pub longest_lock: i64,
    /// Failed sign-ins one address may make within `ip_window` before it gets 429.
    pub ip_failures: u32,
    /// In seconds.
    pub ip_window: i64,
}

impl Default for LockoutRules {
    fn default() -> Self {
        Self {
            failures: 5,
            code_failures: 3,
            first_lock: 60,
            longest_lock: 3600,
            ip_failures: 30,
            ip_window: 900,
        }
    }
}

impl LockoutRules {
    /// The rules a wrong two-factor code is counted under.
    pub fn for_codes(self) -> Self {
        Self {
            failures: self.code_failures.min(self.failures),
            ..self
        }
    }

    /// How long an account stays locked after its `failures`-th failure in a row, if at all.
    pub fn lock_seconds(&self, failures: i64) -> Option<i64> {
        let beyond = failures.saturating_sub(self.failures.max(1));
        if beyond < 0 {
            return None;
        }
        let doubled = self.first_lock.saturating_mul(1_i64 << beyond.min(62));
        Some(doubled.min(self.longest_lock).max(1))
    }
}

/// Counts failed attempts per subject (a client address, an address typed) in fixed windows,
/// in the database, and refuses a subject that reached its limit until its window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Which limit this is, as the database tells the counters apart.
    scope: &'static str,
    limit: i64,
    /// In seconds.
    window: i64,
}

impl Throttle {
    /// At most `limit` attempts per subject in each `window` seconds.
    pub const fn new(scope: &'static str, limit: i64, window: i64) -> Self {
        Self {
            scope,
            limit,
            window,
        }
    }

    /// Failed sign-ins per client address, as the lockout rules say.
    pub fn for_sign_ins(rules: LockoutRules) -> Self {
        Self::new(
            "sign_in_client",
            i64::from(rules.ip_failures),
            rules.ip_window,
        )
    }

    /// The longest window of these throttles, in seconds: older counters can go.
    pub fn longest_window(throttles: &[Self]) -> i64 {
        throttles.iter().map(|t| t.window).max().unwrap_or(0)
    }

    /// Seconds until `subject` may try again, if it has reached its limit.
    pub async fn retry_after(
        &self,
        store: &dyn Store,
        subject: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let window = store.attempt_window(self.scope, subject).await?;
        Ok(window.and_then(|w| self.wait(w, now)))
    }

    /// Counts one attempt of `subject`.
    pub async fn record(
        &self,
        store: &dyn Store,
        subject: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        store
            .count_attempt(self.scope, subject, self.window, now)
            .await
    }

    /// How long a subject whose last window is `window` waits at `now`.
    fn wait(&self, window: AttemptWindow, now: i64) -> Option<i64> {
        let end = window.start + self.window;
        (window.attempts >= self.limit && now < end).then_some(end - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_start_at_the_threshold_and_double_up_to_the_longest() {
        let rules = LockoutRules::default();
        assert_eq!(rules.lock_seconds(4), None);
        assert_eq!(rules.lock_seconds(5), Some(60));
        assert_eq!(rules.lock_seconds(6), Some(120));
        assert_eq!(rules.lock_seconds(7), Some(240));
        assert_eq!(rules.lock_seconds(11), Some(3600));
        assert_eq!(rules.lock_seconds(10_000), Some(3600));
        assert_eq!(rules.for_codes().lock_seconds(2), None);
        assert_eq!(rules.for_codes().lock_seconds(3), Some(60));
    }

    #[test]
    fn a_subject_waits_out_its_window_after_too_many_failures() {
        let throttle = Throttle::new("test", 3, 100);
        let window = |attempts| AttemptWindow { start: 0, attempts };
        assert_eq!(throttle.wait(window(2), 10), None);
        assert_eq!(throttle.wait(window(3), 10), Some(90));
        assert_eq!(throttle.wait(window(3), 99), Some(1));
        assert_eq!(throttle.wait(window(30), 100), None);
    }
}
