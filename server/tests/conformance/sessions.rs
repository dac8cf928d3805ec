//! Sign-in lookups, sessions and their lifetimes, devices, locks.
use crate::support::fixtures::{created, new_user, open_session, organisation, LIMITS, NOW};
use app::model::{EmailAddress, SignOut, UserQuery};
use app::security::lockout::LockoutRules;
use app::store::{PasswordReset, Store, StoreError};

async fn sign_in_lookup_by_address(store: &dyn Store) {
    let admin = organisation(store).await;
    let found = store
        .find_login(&EmailAddress::parse("CLERK@council.test").unwrap())
        .await
        .unwrap()
        .expect("admin found by normalised address");
    assert_eq!(found.user_id, admin.user_id);
    assert_eq!(found.organisation_id, admin.organisation_id);
    assert!(found.password_hash.starts_with("$argon2id$"));
    assert!(!found.disabled);
    store
        .update_password_hash(
            admin.user_id,
            "$argon2id$v=19$m=65536,t=3,p=1$bmV3$bmV3",
            NOW + 1,
        )
        .await
        .unwrap();
    let rehashed = store
        .find_login(&EmailAddress::parse("clerk@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rehashed.password_hash,
        "$argon2id$v=19$m=65536,t=3,p=1$bmV3$bmV3"
    );
    assert!(matches!(
        store
            .update_password_hash(admin.user_id + 999, "x", NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    let missing = store
        .find_login(&EmailAddress::parse("nobody@council.test").unwrap())
        .await
        .unwrap();
    assert!(missing.is_none());
}

async fn sessions_live_slide_and_expire(store: &dyn Store) {
    let admin = organisation(store).await;
    let token = open_session(store, admin.user_id, 7u8, NOW).await;
    let viewer = store
        .session_viewer(&token, NOW + 10, LIMITS)
        .await
        .unwrap();
    assert_eq!(viewer.map(|v| v.user_id), Some(admin.user_id));
    assert!(store
        .session_viewer(&[1u8; 32], NOW, LIMITS)
        .await
        .unwrap()
        .is_none());

    // Activity slides the idle window...
    for step in 1..=3 {
        let at = NOW + step * (LIMITS.idle - 60);
        assert!(
            store
                .session_viewer(&token, at, LIMITS)
                .await
                .unwrap()
                .is_some(),
            "step {step}"
        );
    }
    // ...but an idle gap ends the session, and the row goes with it.
    let late = NOW + 3 * (LIMITS.idle - 60) + LIMITS.idle;
    assert!(store
        .session_viewer(&token, late, LIMITS)
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .session_viewer(&token, NOW + 20, LIMITS)
            .await
            .unwrap()
            .is_none(),
        "the row was removed"
    );

    // The last sign-in is stamped on the user.
    let page = store
        .list_users(admin.organisation_id, &UserQuery::default(), 50)
        .await
        .unwrap();
    assert_eq!(page.users[0].last_login_at, Some(NOW));
}

async fn sessions_have_an_absolute_lifetime_and_can_be_deleted(store: &dyn Store) {
    let admin = organisation(store).await;
    let a = open_session(store, admin.user_id, 1, NOW).await;
    let b = open_session(store, admin.user_id, 2, NOW).await;
    let mut at = NOW;
    while at + 1800 < NOW + LIMITS.absolute {
        at += 1800;
        assert!(store
            .session_viewer(&a, at, LIMITS)
            .await
            .unwrap()
            .is_some());
    }
    assert!(store
        .session_viewer(&a, NOW + LIMITS.absolute, LIMITS)
        .await
        .unwrap()
        .is_none());

    store.delete_session(&b).await.unwrap();
    assert!(store
        .session_viewer(&b, NOW + 1, LIMITS)
        .await
        .unwrap()
        .is_none());
}

async fn users_end_their_own_other_sessions_and_never_the_current_one(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let laptop = open_session(store, ann.id, 1u8, NOW).await;
    let phone = open_session(store, ann.id, 2u8, NOW + 1).await;
    let clerk = open_session(store, admin.user_id, 3u8, NOW).await;
    let devices = store
        .list_devices(org, ann.id, &laptop, NOW + 2, LIMITS)
        .await
        .unwrap();
    assert_eq!(devices.len(), 2);
    let current: Vec<bool> = devices.iter().map(|d| d.current).collect();
    assert_eq!(
        current,
        vec![false, true],
        "newest first; the laptop is asking"
    );
    let clerk_id = store
        .list_devices(org, admin.user_id, &[], NOW + 2, LIMITS)
        .await
        .unwrap()[0]
        .id;
    let ids: Vec<i64> = devices.iter().map(|d| d.id).chain([clerk_id]).collect();
    // Everything asked for, but only the user's own other session ends.
    assert_eq!(
        store
            .end_sessions(ann.id, &SignOut::Devices(ids), &laptop)
            .await
            .unwrap(),
        1
    );
    let live = |token: Vec<u8>| async move {
        store
            .session_viewer(&token, NOW + 3, LIMITS)
            .await
            .unwrap()
            .is_some()
    };
    assert!(live(laptop).await);
    assert!(!live(phone).await);
    assert!(live(clerk).await);
}

async fn failed_sign_ins_lock_for_a_growing_time_until_a_success_or_an_admin(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let rules = LockoutRules::default();
    let address = EmailAddress::parse("ann@council.test").unwrap();
    let lock = || async {
        store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .locked_until
    };
    for i in 0..4 {
        let end = store
            .record_failed_sign_in(ann.id, NOW + i, rules)
            .await
            .unwrap();
        assert_eq!(end, None);
    }
    assert_eq!(
        store
            .record_failed_sign_in(ann.id, NOW + 4, rules)
            .await
            .unwrap(),
        Some(NOW + 4 + 60)
    );
    assert_eq!(lock().await, Some(NOW + 64));
    // The next failure doubles the lock from its own time.
    assert_eq!(
        store
            .record_failed_sign_in(ann.id, NOW + 100, rules)
            .await
            .unwrap(),
        Some(NOW + 100 + 120)
    );
    let detail = store.get_user(org, ann.id).await.unwrap();
    assert_eq!(
        (detail.failed_sign_ins, detail.locked_until),
        (6, Some(NOW + 220))
    );

    // A successful sign-in clears the count and the lock.
    open_session(store, ann.id, 1u8, NOW + 300).await;
    let detail = store.get_user(org, ann.id).await.unwrap();
    assert_eq!((detail.failed_sign_ins, detail.locked_until), (0, None));

    // So does an administrator, within the organisation only.
    for i in 0..5 {
        store
            .record_failed_sign_in(ann.id, NOW + 400 + i, rules)
            .await
            .unwrap();
    }
    assert!(lock().await.is_some());
    assert!(matches!(
        store.unlock_user(org + 1, ann.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(lock().await.is_some());
    store.unlock_user(org, ann.id).await.unwrap();
    let detail = store.get_user(org, ann.id).await.unwrap();
    assert_eq!((detail.failed_sign_ins, detail.locked_until), (0, None));

    // And a reset, which hands over a new password.
    for i in 0..5 {
        store
            .record_failed_sign_in(ann.id, NOW + 500 + i, rules)
            .await
            .unwrap();
    }
    store
        .reset_password(
            org,
            ann.id,
            PasswordReset {
                revoke_app_passwords: false,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$bmV3".into(),
                must_change: true,
                expires_at: None,
                sign_out: SignOut::All,
                link: None,
                mail: vec![],
                now: NOW + 600,
            },
        )
        .await
        .unwrap();
    assert_eq!(lock().await, None);
    assert_eq!(
        store.get_user(org, ann.id).await.unwrap().failed_sign_ins,
        0
    );
}

async fn a_session_remembers_when_its_password_was_last_confirmed(store: &dyn Store) {
    let admin = organisation(store).await;
    let token = open_session(store, admin.user_id, 7u8, NOW).await;
    let confirmed_at = |at: i64| {
        let token = token.clone();
        async move {
            store
                .session_viewer(&token, at, LIMITS)
                .await
                .unwrap()
                .unwrap()
                .password_confirmed_at
        }
    };
    assert_eq!(
        confirmed_at(NOW + 1).await,
        NOW,
        "signing in proves the password"
    );
    store.confirm_password(&token, NOW + 600).await.unwrap();
    assert_eq!(confirmed_at(NOW + 601).await, NOW + 600);
    assert!(matches!(
        store.confirm_password(&[9u8; 32], NOW).await,
        Err(StoreError::NotFound)
    ));
}

async fn an_admin_ends_all_of_a_users_sessions_or_chosen_ones(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let laptop = open_session(store, ann.id, 1u8, NOW).await;
    let phone = open_session(store, ann.id, 2u8, NOW).await;
    let tablet = open_session(store, ann.id, 3u8, NOW).await;
    let clerk = open_session(store, admin.user_id, 4u8, NOW).await;
    let live = |token: Vec<u8>| async move {
        store
            .session_viewer(&token, NOW + 1, LIMITS)
            .await
            .unwrap()
            .is_some()
    };
    let devices = store
        .list_devices(org, ann.id, &clerk, NOW, LIMITS)
        .await
        .unwrap();
    let phone_id = devices.iter().map(|d| d.id).min().unwrap() + 1;
    assert_eq!(
        store
            .end_sessions(ann.id, &SignOut::Devices(vec![phone_id]), &clerk)
            .await
            .unwrap(),
        1
    );
    assert!(live(laptop.clone()).await && !live(phone).await && live(tablet.clone()).await);
    assert_eq!(
        store
            .end_sessions(ann.id, &SignOut::All, &clerk)
            .await
            .unwrap(),
        2
    );
    assert!(!live(laptop).await && !live(tablet).await);
    assert!(live(clerk).await, "another user's session is untouched");
}

conformance!(
    sign_in_lookup_by_address,
    sessions_live_slide_and_expire,
    sessions_have_an_absolute_lifetime_and_can_be_deleted,
    users_end_their_own_other_sessions_and_never_the_current_one,
    failed_sign_ins_lock_for_a_growing_time_until_a_success_or_an_admin,
    a_session_remembers_when_its_password_was_last_confirmed,
    an_admin_ends_all_of_a_users_sessions_or_chosen_ones,
);
