//! Resets, own changes, mailed links and temporary passwords.
use crate::support::fixtures::{created, new_user, open_session, organisation, LIMITS, NOW};
use app::model::{EmailAddress, MailKind, MailStatus, SignOut};
use app::store::{Delivery, NewMail, NewPasswordLink, PasswordReset, Store, StoreError};

async fn a_reset_sets_the_password_and_ends_the_chosen_sessions(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let laptop = open_session(store, ann.id, 1u8, NOW).await;
    let phone = open_session(store, ann.id, 2u8, NOW + 60).await;
    let tablet = open_session(store, ann.id, 3u8, NOW + 120).await;
    let clerk = open_session(store, admin.user_id, 4u8, NOW).await;
    // An idle session is no longer a device, even before anything removes its row.
    let _stale = open_session(store, ann.id, 5u8, NOW - LIMITS.idle - 1).await;

    let devices = store
        .list_devices(org, ann.id, &[], NOW + 200, LIMITS)
        .await
        .unwrap();
    assert_eq!(devices.len(), 3, "{devices:?}");
    assert_eq!(devices[0].last_seen, NOW + 120, "most recently seen first");
    assert_eq!(devices[0].label, "Firefox on Linux");
    assert_eq!(devices[0].ip, "127.0.0.1");
    assert_eq!(devices[2].first_seen, NOW);
    let other = store
        .list_devices(org + 1, ann.id, &[], NOW + 200, LIMITS)
        .await
        .unwrap();
    assert!(other.is_empty(), "another organisation sees no device");

    // Sign out the laptop and the tablet, keep the phone; a foreign id ends nothing.
    let (laptop_id, tablet_id) = (devices[2].id, devices[0].id);
    let clerk_device = store
        .list_devices(org, admin.user_id, &[], NOW + 200, LIMITS)
        .await
        .unwrap()[0]
        .id;
    let ended = store
        .reset_password(
            org,
            ann.id,
            PasswordReset {
                revoke_app_passwords: false,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3aGFzaA".into(),
                must_change: true,
                expires_at: None,
                sign_out: SignOut::Devices(vec![laptop_id, tablet_id, clerk_device]),
                link: None,
                mail: Vec::new(),
                now: NOW + 300,
            },
        )
        .await
        .unwrap();
    assert_eq!(ended, 2);
    let live = |token: Vec<u8>| async move {
        store
            .session_viewer(&token, NOW + 400, LIMITS)
            .await
            .unwrap()
            .is_some()
    };
    assert!(!live(laptop).await && !live(tablet).await);
    assert!(live(phone.clone()).await, "the kept device stays signed in");
    assert!(
        live(clerk.clone()).await,
        "only the user's own sessions end"
    );
    let detail = store.get_user(org, ann.id).await.unwrap();
    assert!(detail.must_change_password);
    let login = store
        .find_login(&EmailAddress::parse("ann@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        login.password_hash,
        "$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3aGFzaA"
    );

    // All devices, without the force-change flag.
    let ended = store
        .reset_password(
            org,
            ann.id,
            PasswordReset {
                revoke_app_passwords: false,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$YWdhaW4$YWdhaW4".into(),
                must_change: false,
                expires_at: None,
                sign_out: SignOut::All,
                link: None,
                mail: Vec::new(),
                now: NOW + 500,
            },
        )
        .await
        .unwrap();
    assert_eq!(ended, 2, "the phone and the stale row");
    assert!(!live(phone).await);
    assert!(
        !store
            .get_user(org, ann.id)
            .await
            .unwrap()
            .must_change_password
    );

    // Another organisation's admin can't reach the user: nothing changes.
    let refused = store
        .reset_password(
            org + 1,
            ann.id,
            PasswordReset {
                revoke_app_passwords: false,
                password_hash: "x".into(),
                must_change: false,
                expires_at: None,
                sign_out: SignOut::All,
                link: None,
                mail: Vec::new(),
                now: NOW + 600,
            },
        )
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    let login = store
        .find_login(&EmailAddress::parse("ann@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        login.password_hash,
        "$argon2id$v=19$m=19456,t=2,p=1$YWdhaW4$YWdhaW4"
    );
}

async fn a_users_own_change_clears_the_flag_and_may_end_their_other_sessions(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let here = open_session(store, ann.id, 1u8, NOW).await;
    let there = open_session(store, ann.id, 2u8, NOW).await;
    let clerk = open_session(store, admin.user_id, 3u8, NOW).await;
    let reset = PasswordReset {
        revoke_app_passwords: false,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVtcA$dGVtcA".into(),
        must_change: true,
        expires_at: None,
        sign_out: SignOut::Devices(Vec::new()),
        link: None,
        mail: Vec::new(),
        now: NOW + 1,
    };
    assert_eq!(store.reset_password(org, ann.id, reset).await.unwrap(), 0);
    let viewer = |token: Vec<u8>| async move {
        store.session_viewer(&token, NOW + 2, LIMITS).await.unwrap()
    };
    assert!(viewer(here.clone()).await.unwrap().must_change_password);
    let address = EmailAddress::parse("ann@council.test").unwrap();
    assert!(
        store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );

    // Kept as it is: no other session ends.
    let ended = store
        .change_own_password(
            ann.id,
            "$argon2id$v=19$m=19456,t=2,p=1$b3du$b3du",
            (&here, &[7u8; 32]),
            false,
            NOW + 3,
        )
        .await
        .unwrap();
    assert_eq!(ended, 0);
    // The session goes on under its new token only.
    assert!(viewer(here).await.is_none());
    let here = vec![7u8; 32];
    assert!(!viewer(here.clone()).await.unwrap().must_change_password);
    assert!(viewer(there.clone()).await.is_some());
    let login = store.find_login(&address).await.unwrap().unwrap();
    assert!(!login.must_change_password);
    assert_eq!(
        login.password_hash,
        "$argon2id$v=19$m=19456,t=2,p=1$b3du$b3du"
    );

    // "Sign out my other devices" keeps this one, and touches nobody else's.
    let ended = store
        .change_own_password(
            ann.id,
            "$argon2id$v=19$m=19456,t=2,p=1$YWdhaW4$YWdhaW4",
            (&here, &[8u8; 32]),
            true,
            NOW + 4,
        )
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert!(viewer(vec![8u8; 32]).await.is_some());
    assert!(viewer(there).await.is_none());
    assert!(viewer(clerk).await.is_some());
}

async fn a_reset_queues_its_mail_and_link_in_the_same_transaction(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let mail = |kind: MailKind, to: &str| NewMail {
        kind,
        recipient: to.into(),
        subject: format!("{kind:?}"),
        sealed_body: vec![7u8; 40],
    };
    let reset = |now: i64| PasswordReset {
        revoke_app_passwords: false,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3aGFzaA".into(),
        must_change: true,
        expires_at: None,
        sign_out: SignOut::All,
        link: Some(NewPasswordLink {
            token_hash: vec![now as u8; 32],
            expires_at: now + 86_400,
        }),
        mail: vec![
            mail(MailKind::SetPasswordLink, "ann@home.example"),
            mail(MailKind::ResetNotice, "ann@council.test"),
        ],
        now,
    };
    // A refused reset (another organisation) queues nothing.
    assert!(store
        .reset_password(org + 1, ann.id, reset(NOW))
        .await
        .is_err());
    assert!(store
        .claim_mail(NOW + 10, NOW + 10)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .password_link_owner(&[NOW as u8; 32], NOW)
        .await
        .is_err());

    store
        .reset_password(org, ann.id, reset(NOW + 1))
        .await
        .unwrap();
    assert!(
        store.claim_mail(NOW, NOW + 300).await.unwrap().is_none(),
        "not due before it was queued"
    );
    // Each claim takes the oldest message due and holds it until its lease ends.
    let first = store.claim_mail(NOW + 1, NOW + 301).await.unwrap().unwrap();
    assert_eq!(first.recipient, "ann@home.example");
    assert_eq!(first.sealed_body, vec![7u8; 40]);
    assert_eq!(first.attempts, 0);
    let second = store.claim_mail(NOW + 1, NOW + 301).await.unwrap().unwrap();
    assert_eq!(second.recipient, "ann@council.test");
    assert!(store
        .claim_mail(NOW + 300, NOW + 600)
        .await
        .unwrap()
        .is_none());
    // A claim whose instance died is taken up when its lease ends, as it was.
    let again = store
        .claim_mail(NOW + 301, NOW + 601)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (first.id, 0));

    // The first goes; the second waits for a retry, then is given up on.
    store
        .record_delivery(first.id, Delivery::Sent, NOW + 2)
        .await
        .unwrap();
    store
        .record_delivery(
            second.id,
            Delivery::Retry {
                at: NOW + 360,
                error: "connection refused".into(),
            },
            NOW + 2,
        )
        .await
        .unwrap();
    assert!(store
        .claim_mail(NOW + 359, NOW + 659)
        .await
        .unwrap()
        .is_none());
    let retry = store
        .claim_mail(NOW + 360, NOW + 660)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((retry.id, retry.attempts), (second.id, 1));
    let history = store.user_mail(org, ann.id, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].kind, MailKind::ResetNotice, "newest first");
    assert_eq!(history[0].status, MailStatus::Queued);
    assert_eq!(history[0].last_error.as_deref(), Some("connection refused"));
    assert_eq!(history[1].status, MailStatus::Sent);
    assert_eq!(history[1].sent_at, Some(NOW + 2));
    store
        .record_delivery(
            retry.id,
            Delivery::GaveUp {
                error: "550 no such user".into(),
            },
            NOW + 61,
        )
        .await
        .unwrap();
    assert!(store
        .claim_mail(NOW + 10_000, NOW + 10_300)
        .await
        .unwrap()
        .is_none());
    let history = store.user_mail(org, ann.id, 10).await.unwrap();
    assert_eq!(
        (history[0].status, history[0].attempts),
        (MailStatus::Failed, 2)
    );
    assert!(store
        .user_mail(org + 1, ann.id, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.record_delivery(9_999_999, Delivery::Sent, NOW).await,
        Err(StoreError::NotFound)
    ));
}

async fn a_set_password_link_works_once_and_expires(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let reset = |token: u8, now: i64| PasswordReset {
        revoke_app_passwords: false,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVtcA$dGVtcA".into(),
        must_change: true,
        expires_at: None,
        sign_out: SignOut::All,
        link: Some(NewPasswordLink {
            token_hash: vec![token; 32],
            expires_at: now + 3600,
        }),
        mail: Vec::new(),
        now,
    };
    store
        .reset_password(org, ann.id, reset(1, NOW))
        .await
        .unwrap();
    store
        .reset_password(org, ann.id, reset(2, NOW))
        .await
        .unwrap();
    let owner = store
        .password_link_owner(&[1u8; 32], NOW + 10)
        .await
        .unwrap();
    assert_eq!(
        (owner.user_id, owner.email.as_str(), owner.name.as_str()),
        (ann.id, "ann@council.test", "Ann")
    );
    let phone = open_session(store, ann.id, 9u8, NOW + 20).await;

    let used = store
        .set_password_by_link(
            &[1u8; 32],
            "$argon2id$v=19$m=19456,t=2,p=1$b3du$b3duaGFzaA",
            &[],
            NOW + 30,
        )
        .await
        .unwrap();
    assert_eq!(used.organisation_id, org);
    let login = store
        .find_login(&EmailAddress::parse("ann@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        login.password_hash,
        "$argon2id$v=19$m=19456,t=2,p=1$b3du$b3duaGFzaA"
    );
    assert!(!login.must_change_password);
    assert!(store
        .session_viewer(&phone, NOW + 31, LIMITS)
        .await
        .unwrap()
        .is_none());
    // Once only, and the user's other link is spent with it.
    for token in [1u8, 2u8] {
        assert!(matches!(
            store
                .set_password_by_link(&[token; 32], "x", &[], NOW + 40)
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(store
            .password_link_owner(&[token; 32], NOW + 40)
            .await
            .is_err());
    }
    // A fresh link expires unused.
    store
        .reset_password(org, ann.id, reset(3, NOW + 100))
        .await
        .unwrap();
    assert!(store
        .password_link_owner(&[3u8; 32], NOW + 3699)
        .await
        .is_ok());
    assert!(store
        .password_link_owner(&[3u8; 32], NOW + 3700)
        .await
        .is_err());
    assert!(matches!(
        store
            .set_password_by_link(&[3u8; 32], "x", &[], NOW + 3700)
            .await,
        Err(StoreError::NotFound)
    ));
    // Deleting the user takes their links with them.
    store
        .reset_password(org, ann.id, reset(4, NOW + 200))
        .await
        .unwrap();
    store.delete_users(org, &[ann.id]).await.unwrap();
    assert!(store
        .password_link_owner(&[4u8; 32], NOW + 201)
        .await
        .is_err());
}

async fn a_temporary_password_keeps_its_end_until_the_user_chooses_one(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let address = EmailAddress::parse("ann@council.test").unwrap();
    let expiry = || async {
        store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .password_expires_at
    };
    assert_eq!(expiry().await, None, "a new user's password has no end");
    let reset = PasswordReset {
        revoke_app_passwords: false,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVtcA$dGVtcA".into(),
        must_change: true,
        expires_at: Some(NOW + 7 * 86_400),
        sign_out: SignOut::All,
        link: None,
        mail: Vec::new(),
        now: NOW,
    };
    store.reset_password(org, ann.id, reset).await.unwrap();
    assert_eq!(expiry().await, Some(NOW + 7 * 86_400));
    let session = open_session(store, ann.id, 5u8, NOW + 1).await;
    let rotated = vec![6u8; 32];
    store
        .change_own_password(
            ann.id,
            "$argon2id$v=19$m=19456,t=2,p=1$b3du$b3duaGFzaA",
            (&session, &rotated),
            false,
            NOW + 2,
        )
        .await
        .unwrap();
    assert_eq!(expiry().await, None, "the user's own password has no end");
}

conformance!(
    a_reset_sets_the_password_and_ends_the_chosen_sessions,
    a_users_own_change_clears_the_flag_and_may_end_their_other_sessions,
    a_reset_queues_its_mail_and_link_in_the_same_transaction,
    a_set_password_link_works_once_and_expires,
    a_temporary_password_keeps_its_end_until_the_user_chooses_one,
);

/// On PostgreSQL several instances claim at once: a message another instance is claiming is
/// passed over at once, never waited for nor taken twice. (SQLite has one writer, and one
/// instance.)
#[tokio::test]
async fn a_message_another_instance_is_claiming_is_passed_over() {
    use sqlx::Connection;
    let (store, url) = crate::support::postgres_store().await;
    let org = organisation(store.as_ref()).await.organisation_id;
    let mut other = sqlx::PgConnection::connect(&url).await.unwrap();
    for n in 0..2 {
        sqlx::query(
            "INSERT INTO outbox (organisation_id, kind, recipient, subject, sealed_body, \
             next_attempt_at, created_at) VALUES ($1, 'reset_notice', $2, 'Hello', '\\x00', $3, $3)",
        )
        .bind(org)
        .bind(format!("person{n}@home.example"))
        .bind(NOW)
        .execute(&mut other)
        .await
        .unwrap();
    }
    // Another instance is in the middle of claiming the oldest.
    let mut claiming = other.begin().await.unwrap();
    sqlx::query("SELECT id FROM outbox ORDER BY id LIMIT 1 FOR UPDATE")
        .execute(&mut *claiming)
        .await
        .unwrap();
    let claim = store.claim_mail(NOW, NOW + 300);
    let claimed = tokio::time::timeout(std::time::Duration::from_secs(5), claim)
        .await
        .expect("a claim that waits for none")
        .unwrap()
        .unwrap();
    assert_eq!(claimed.recipient, "person1@home.example");
    claiming.rollback().await.unwrap();
    let next = store.claim_mail(NOW, NOW + 300).await.unwrap().unwrap();
    assert_eq!(next.recipient, "person0@home.example");
    assert!(store.claim_mail(NOW, NOW + 300).await.unwrap().is_none());
}
