//! Forgetting what the panel no longer needs: counters of attempts whose windows have ended.
use crate::background::Background;
use app::security::lockout::Throttle;
use app::services::Services;
use std::sync::Arc;
use std::time::Duration;

/// How often the counters are swept.
const EVERY: Duration = Duration::from_secs(3600);

/// Forgets the counters of attempts no throttle reads any more; returns how many.
pub async fn forget_old_attempts(services: &Services) -> u64 {
    let throttles = [
        services.sign_in_throttle,
        services.recovery_limits.per_address,
        services.recovery_limits.per_client,
    ];
    let before = services.clock.now() - Throttle::longest_window(&throttles);
    match services.store.forget_attempts(before).await {
        Ok(forgotten) => forgotten,
        Err(e) => {
            tracing::error!(error = %e, "housekeeping: cannot forget old attempts");
            0
        }
    }
}

/// Runs until the server stops, once an hour (several instances doing it is harmless).
pub fn spawn(background: &mut Background, services: Arc<Services>) {
    background.spawn(|mut stop| async move {
        loop {
            forget_old_attempts(&services).await;
            if !stop.wait(std::future::pending(), EVERY).await {
                break;
            }
        }
    });
}
