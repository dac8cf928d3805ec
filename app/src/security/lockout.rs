//! Brute-force protection: an account locks after failed sign-ins in a row, for a time that
//! doubles with each further failure; an address that fails too often gets 429 for a while.
//!
//! The per-address count lives in memory: it guards one process and is rebuilt within one
//! window after a restart, which is all a throttle needs. It counts failures only, so an
//! office behind one NAT address is never slowed by its colleagues' successful sign-ins.
//! Rate-limiting crates count every request against their own clock; this counts what failed,
//! against the panel's `Clock`, which tests move.
use std::collections::HashMap;
use std::sync::Mutex;

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

/// Counts events per key (a client address, an account) in fixed windows, and refuses a key
/// that reached its limit until its window ends.
pub struct Throttle {
    limit: u32,
    window: i64,
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    failures: u32,
}

/// Beyond this many addresses, expired windows are swept before a new one is added, so a
/// flood from many addresses can't grow the map without end.
const SWEEP_ABOVE: usize = 10_000;

impl Throttle {
    /// At most `limit` events per key in each `window` seconds.
    pub fn new(limit: u32, window: i64) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Failed sign-ins per client address, as the lockout rules say.
    pub fn for_sign_ins(rules: LockoutRules) -> Self {
        Self::new(rules.ip_failures, rules.ip_window)
    }

    /// Seconds until `key` may try again, if it has reached its limit.
    pub fn retry_after(&self, key: &str, now: i64) -> Option<i64> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = windows.get(key)?;
        let end = window.start + self.window;
        (window.failures >= self.limit && now < end).then_some(end - now)
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str, now: i64) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let span = self.window;
        if windows.len() >= SWEEP_ABOVE && !windows.contains_key(key) {
            windows.retain(|_, w| now < w.start + span);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
            start: now,
            failures: 0,
        });
        if now >= window.start + span {
            *window = Window {
                start: now,
                failures: 0,
            };
        }
        window.failures = window.failures.saturating_add(1);
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
    fn an_address_waits_out_its_window_after_too_many_failures() {
        let rules = LockoutRules {
            ip_failures: 3,
            ip_window: 100,
            ..LockoutRules::default()
        };
        let throttle = Throttle::for_sign_ins(rules);
        for t in 0..3 {
            assert_eq!(throttle.retry_after("192.0.2.1", t), None);
            throttle.record("192.0.2.1", t);
        }
        assert_eq!(throttle.retry_after("192.0.2.1", 10), Some(90));
        assert_eq!(throttle.retry_after("192.0.2.2", 10), None);
        assert_eq!(throttle.retry_after("192.0.2.1", 100), None);
        throttle.record("192.0.2.1", 100);
        assert_eq!(throttle.retry_after("192.0.2.1", 101), None);
    }
}
