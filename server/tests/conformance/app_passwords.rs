//! App passwords in the store and in the views the mail server reads: each found by its
//! lookup, gone when revoked or with its user, and the own password kept from mail apps while
//! two-factor authentication is on (unless the organisation says otherwise).
use crate::support::fixtures::{created, new_user, organisation, NOW};
use crate::support::query_as_mail_server;
use app::store::{NewAppPassword, Store, StoreError};

fn app_password(user_id: i64, name: &str, lookup: &str) -> NewAppPassword {
    NewAppPassword {
        user_id,
        name: name.into(),
        lookup: lookup.into(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${lookup}"),
        created_by: None,
        expires_at: None,
        now: NOW,
    }
}

async fn app_passwords_are_found_by_their_lookup_and_gone_when_revoked(
    store: &dyn Store,
    url: &str,
) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, domain, "ann", "Ann"), &created())
        .await
        .unwrap()
        .id;
    assert!(matches!(
        store
            .create_app_password(app_password(ann + 1000, "x", "abcd"))
            .await,
        Err(StoreError::NotFound)
    ));
    let first = store
        .create_app_password(app_password(ann, "Thunderbird", "abcd"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_app_password(app_password(ann, "Again", "abcd"))
            .await,
        Err(StoreError::Conflict { field: "lookup" })
    ));
    let by_admin = NewAppPassword {
        created_by: Some("clerk@council.test".into()),
        now: NOW + 60,
        ..app_password(ann, "Outlook", "efgh")
    };
    let second = store.create_app_password(by_admin).await.unwrap();
    // Another user may hold the same lookup: it is matched with the username.
    store
        .create_app_password(app_password(admin.user_id, "Clerk's phone", "abcd"))
        .await
        .unwrap();
    let listed = store.app_passwords(ann).await.unwrap();
    assert_eq!(
        listed.iter().map(|a| a.id).collect::<Vec<_>>(),
        [second, first],
        "newest first"
    );
    assert_eq!(listed[0].created_by.as_deref(), Some("clerk@council.test"));
    assert_eq!(listed[1].created_by, None);

    let found = |lookup: &'static str| {
        let sql = format!(
            "SELECT username, password FROM mail_app_passdb \
             WHERE username = 'ann@council.test' AND lookup = '{lookup}'"
        );
        async move { query_as_mail_server(url, &sql).await }
    };
    assert_eq!(found("abcd").await.len(), 1);
    assert!(found("abcd").await[0].ends_with("$c2FsdA$abcd"));
    assert!(found("zzzz").await.is_empty());

    assert!(matches!(
        store.revoke_app_password(admin.user_id, first).await,
        Err(StoreError::NotFound)
    ));
    store.revoke_app_password(ann, first).await.unwrap();
    assert!(
        found("abcd").await.is_empty(),
        "revoked: gone at the next login"
    );
    assert_eq!(found("efgh").await.len(), 1);

    store
        .set_users_disabled(org, &[ann], true, NOW)
        .await
        .unwrap();
    assert!(
        found("efgh").await.is_empty(),
        "a disabled mailbox opens nothing"
    );
    store.delete_users(org, &[ann]).await.unwrap();
    assert!(store.app_passwords(ann).await.unwrap().is_empty());
}

async fn two_factor_keeps_the_own_password_from_mail_apps(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let me = admin.user_id;
    let own = || async {
        query_as_mail_server(
            url,
            "SELECT username FROM mail_passdb WHERE username = 'clerk@council.test'",
        )
        .await
        .len()
    };
    assert!(
        store.app_passwords_only(org).await.unwrap(),
        "on by default"
    );
    assert_eq!(own().await, 1);
    store.begin_two_factor(me, b"sealed").await.unwrap();
    assert_eq!(
        own().await,
        1,
        "a set-up waiting for its code changes nothing"
    );
    store
        .confirm_two_factor(me, 1, &["$argon2id$x".into()], NOW)
        .await
        .unwrap();
    assert_eq!(own().await, 0);
    store.set_app_passwords_only(org, false).await.unwrap();
    assert!(!store.app_passwords_only(org).await.unwrap());
    assert_eq!(own().await, 1);
    store.set_app_passwords_only(org, true).await.unwrap();
    store.remove_two_factor(me).await.unwrap();
    assert_eq!(own().await, 1);
}

/// The mail server compares a one-time password's end with its own clock (the database's), so
/// these times are the real ones, not the fixtures' fixed `NOW`.
async fn one_time_passwords_end_by_the_database_clock(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, domain, "ann", "Ann"), &created())
        .await
        .unwrap()
        .id;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let one_time = |lookup: &str, expires_at: i64| NewAppPassword {
        created_by: Some("clerk@council.test".into()),
        expires_at: Some(expires_at),
        now,
        ..app_password(ann, "", lookup)
    };
    let found = |lookup: &'static str| {
        let sql = format!(
            "SELECT username FROM mail_app_passdb \
             WHERE username = 'ann@council.test' AND lookup = '{lookup}'"
        );
        async move { query_as_mail_server(url, &sql).await.len() }
    };
    store
        .create_app_password(app_password(ann, "Thunderbird", "apps"))
        .await
        .unwrap();
    store
        .replace_one_time_password(one_time("once", now + 300))
        .await
        .unwrap();
    assert_eq!(found("once").await, 1, "works until its end");
    let live = store.one_time_password(ann, now).await.unwrap().unwrap();
    assert_eq!(
        (live.created_by.as_str(), live.expires_at),
        ("clerk@council.test", now + 300)
    );
    assert_eq!(
        store.app_passwords(ann).await.unwrap().len(),
        1,
        "not listed among the app passwords"
    );
    assert!(store
        .one_time_password(ann, now + 300)
        .await
        .unwrap()
        .is_none());

    // A new one replaces it; one already past its end is refused by the mail server at once.
    store
        .replace_one_time_password(one_time("past", now - 1))
        .await
        .unwrap();
    assert_eq!(found("once").await, 0, "replaced");
    assert_eq!(
        found("past").await,
        0,
        "past its end by the database's clock"
    );
    assert!(store.one_time_password(ann, now).await.unwrap().is_none());
    assert!(!store.end_one_time_password(ann, now).await.unwrap());

    store
        .replace_one_time_password(one_time("next", now + 60))
        .await
        .unwrap();
    assert!(store.end_one_time_password(ann, now).await.unwrap());
    assert_eq!(found("next").await, 0, "ended early");
    assert_eq!(found("apps").await, 1, "the app password stays");
}

conformance!(
    ;
    with_url:
    app_passwords_are_found_by_their_lookup_and_gone_when_revoked,
    two_factor_keeps_the_own_password_from_mail_apps,
    one_time_passwords_end_by_the_database_clock,
);
