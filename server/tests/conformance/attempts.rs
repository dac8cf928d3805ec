//! Counters of attempts, which every instance on one database shares.
use crate::support::fixtures::NOW;
use app::store::{AttemptWindow, Store};

async fn attempts_count_in_windows_per_scope_and_subject(store: &dyn Store) {
    assert_eq!(
        store.attempt_window("sign_in", "192.0.2.1").await.unwrap(),
        None
    );
    for at in [NOW, NOW + 10, NOW + 99] {
        store
            .count_attempt("sign_in", "192.0.2.1", 100, at)
            .await
            .unwrap();
    }
    store
        .count_attempt("recovery", "192.0.2.1", 100, NOW)
        .await
        .unwrap();
    let window = |start, attempts| Some(AttemptWindow { start, attempts });
    assert_eq!(
        store.attempt_window("sign_in", "192.0.2.1").await.unwrap(),
        window(NOW, 3)
    );
    assert_eq!(
        store.attempt_window("recovery", "192.0.2.1").await.unwrap(),
        window(NOW, 1),
        "each scope counts alone"
    );
    // The window's end starts a new one at the next attempt.
    store
        .count_attempt("sign_in", "192.0.2.1", 100, NOW + 100)
        .await
        .unwrap();
    assert_eq!(
        store.attempt_window("sign_in", "192.0.2.1").await.unwrap(),
        window(NOW + 100, 1)
    );
    assert_eq!(store.forget_attempts(NOW + 100).await.unwrap(), 1);
    assert_eq!(
        store.attempt_window("recovery", "192.0.2.1").await.unwrap(),
        None
    );
    assert!(store
        .attempt_window("sign_in", "192.0.2.1")
        .await
        .unwrap()
        .is_some());
}

async fn attempts_counted_at_once_all_count(store: &dyn Store) {
    let counts = (0..20).map(|_| store.count_attempt("sign_in", "198.51.100.7", 900, NOW));
    for counted in futures::future::join_all(counts).await {
        counted.unwrap();
    }
    let window = store
        .attempt_window("sign_in", "198.51.100.7")
        .await
        .unwrap();
    assert_eq!(window.map(|w| w.attempts), Some(20));
}

conformance!(
    attempts_count_in_windows_per_scope_and_subject,
    attempts_counted_at_once_all_count,
);
