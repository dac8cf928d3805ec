//! Two-factor sign-in: a set-up waits for its first code, each code and recovery code counts
//! once, and removing it (or the user) leaves nothing behind.
use crate::support::fixtures::{created, new_user, open_session, organisation, LIMITS, NOW};
use app::model::{MailKind, TwoFactorRequirement};
use app::store::{NewMail, Store, StoreError};

fn hashes(n: usize) -> Vec<String> {
    batch("first", n)
}

fn batch(name: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("$argon2id${name}{i}")).collect()
}

async fn a_set_up_waits_for_its_first_code_then_each_step_counts_once(store: &dyn Store) {
    let admin = organisation(store).await;
    let me = admin.user_id;
    assert_eq!(store.two_factor(me).await.unwrap(), None);
    assert!(matches!(
        store.begin_two_factor(me + 1000, b"sealed").await,
        Err(StoreError::NotFound)
    ));

    // A set-up started again replaces the waiting key.
    store.begin_two_factor(me, b"first").await.unwrap();
    store.begin_two_factor(me, b"second").await.unwrap();
    let waiting = store.two_factor(me).await.unwrap().unwrap();
    assert_eq!(waiting.sealed_key, b"second");
    assert_eq!(waiting.confirmed_at, None);
    assert!(
        !store.spend_totp_step(me, 100).await.unwrap(),
        "no code signs in before the set-up is confirmed"
    );

    store
        .confirm_two_factor(me, 100, &hashes(10), NOW)
        .await
        .unwrap();
    let on = store.two_factor(me).await.unwrap().unwrap();
    assert_eq!((on.confirmed_at, on.last_step), (Some(NOW), Some(100)));
    assert!(matches!(
        store.confirm_two_factor(me, 101, &hashes(10), NOW).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.begin_two_factor(me, b"third").await,
        Err(StoreError::Conflict { field: "code" })
    ));

    // The confirming code's step is spent; a later one counts once, an earlier one never.
    assert!(!store.spend_totp_step(me, 100).await.unwrap());
    assert!(store.spend_totp_step(me, 101).await.unwrap());
    assert!(!store.spend_totp_step(me, 101).await.unwrap());
    assert!(!store.spend_totp_step(me, 99).await.unwrap());
    assert!(store.spend_totp_step(me, 103).await.unwrap());
    assert_eq!(
        store.two_factor(me).await.unwrap().unwrap().last_step,
        Some(103)
    );
}

async fn recovery_codes_work_once_and_are_replaced_whole(store: &dyn Store) {
    let admin = organisation(store).await;
    let me = admin.user_id;
    store.begin_two_factor(me, b"sealed").await.unwrap();
    assert!(
        matches!(
            store.replace_recovery_codes(me, &hashes(10)).await,
            Err(StoreError::NotFound)
        ),
        "no recovery codes before the set-up is confirmed"
    );
    store
        .confirm_two_factor(me, 7, &hashes(10), NOW)
        .await
        .unwrap();
    let codes = store.unused_recovery_codes(me).await.unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(codes[0].code_hash, "$argon2id$first0");

    assert!(store.spend_recovery_code(me, &codes[3], NOW).await.unwrap());
    assert!(!store.spend_recovery_code(me, &codes[3], NOW).await.unwrap());
    let other = organisation_user(store, admin.organisation_id).await;
    assert!(
        !store
            .spend_recovery_code(other, &codes[4], NOW)
            .await
            .unwrap(),
        "a code is its own user's"
    );
    let left = store.unused_recovery_codes(me).await.unwrap();
    assert_eq!(left.len(), 9);
    assert!(left.iter().all(|c| c.id != codes[3].id));

    store
        .replace_recovery_codes(me, &batch("second", 10))
        .await
        .unwrap();
    let fresh = store.unused_recovery_codes(me).await.unwrap();
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| c.code_hash.contains("second")));
    assert!(
        !store.spend_recovery_code(me, &codes[5], NOW).await.unwrap(),
        "a replaced code is spent nowhere, even where SQLite gave its id again"
    );
}

async fn turning_it_off_or_deleting_the_user_leaves_nothing(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let ann = organisation_user(store, org).await;
    for user in [admin.user_id, ann] {
        store.begin_two_factor(user, b"sealed").await.unwrap();
        store
            .confirm_two_factor(user, 1, &hashes(10), NOW)
            .await
            .unwrap();
    }
    assert!(store.remove_two_factor(admin.user_id).await.unwrap());
    assert!(!store.remove_two_factor(admin.user_id).await.unwrap());
    assert_eq!(store.two_factor(admin.user_id).await.unwrap(), None);
    assert!(store
        .unused_recovery_codes(admin.user_id)
        .await
        .unwrap()
        .is_empty());
    // Off, it starts afresh.
    store
        .begin_two_factor(admin.user_id, b"again")
        .await
        .unwrap();

    store.delete_users(org, &[ann]).await.unwrap();
    assert_eq!(store.two_factor(ann).await.unwrap(), None);
    assert!(store.unused_recovery_codes(ann).await.unwrap().is_empty());
}

async fn an_administrators_reset_ends_sessions_and_queues_its_notices_in_one_go(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    assert_eq!(
        store.two_factor_requirement(org).await.unwrap(),
        TwoFactorRequirement::Admins,
        "a new organisation's rule"
    );
    let ann = organisation_user(store, org).await;
    open_session(store, ann, 1, NOW).await;
    open_session(store, ann, 2, NOW).await;
    let notice = |to: &str| NewMail {
        kind: MailKind::TwoFactorResetNotice,
        recipient: to.into(),
        subject: "Two-factor authentication was reset".into(),
        sealed_body: b"sealed".to_vec(),
    };
    let mail = [notice("ann@council.test"), notice("ann@home.test")];
    assert!(
        matches!(
            store.reset_two_factor(org, ann, &mail, NOW).await,
            Err(StoreError::NotFound)
        ),
        "nothing to reset"
    );
    assert!(
        store.user_mail(org, ann, 10).await.unwrap().is_empty(),
        "and nothing queued"
    );
    store.begin_two_factor(ann, b"sealed").await.unwrap();
    store
        .confirm_two_factor(ann, 1, &hashes(10), NOW)
        .await
        .unwrap();
    assert!(
        matches!(
            store.reset_two_factor(org + 1, ann, &mail, NOW).await,
            Err(StoreError::NotFound)
        ),
        "another organisation's user"
    );
    assert!(store.two_factor(ann).await.unwrap().is_some());

    assert_eq!(
        store.reset_two_factor(org, ann, &mail, NOW).await.unwrap(),
        2
    );
    assert_eq!(store.two_factor(ann).await.unwrap(), None);
    assert!(store.unused_recovery_codes(ann).await.unwrap().is_empty());
    assert!(store
        .session_viewer(&[1; 32], NOW, LIMITS)
        .await
        .unwrap()
        .is_none());
    let queued = store.user_mail(org, ann, 10).await.unwrap();
    assert_eq!(queued.len(), 2);
    assert!(queued
        .iter()
        .all(|m| m.kind == MailKind::TwoFactorResetNotice));

    store
        .set_two_factor_requirement(org, TwoFactorRequirement::Everyone)
        .await
        .unwrap();
    assert_eq!(
        store.two_factor_requirement(org).await.unwrap(),
        TwoFactorRequirement::Everyone
    );
    // The rule binds at the next request: a session reads it.
    let token = open_session(store, ann, 3, NOW).await;
    let viewer = store
        .session_viewer(&token, NOW, LIMITS)
        .await
        .unwrap()
        .unwrap();
    assert!(viewer.must_set_up_two_factor);
}

async fn organisation_user(store: &dyn Store, org: i64) -> i64 {
    let main = store.list_domains(org).await.unwrap()[0].id;
    store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap()
        .id
}

conformance!(
    a_set_up_waits_for_its_first_code_then_each_step_counts_once,
    recovery_codes_work_once_and_are_replaced_whole,
    turning_it_off_or_deleting_the_user_leaves_nothing,
    an_administrators_reset_ends_sessions_and_queues_its_notices_in_one_go,
);
