//! The store contract, written once against `&dyn Store` and run on SQLite and PostgreSQL.
mod support;

use support::{execute_as_mail_server, query_as_mail_server};

use app::security::lockout::LockoutRules;

use app::mail_server::MailServerAction;
use app::model::{
    AccountStatus, AccountType, AddressHolder, AdminScope, AuditQuery, CharacterClasses,
    DateFormat, Domain, DomainName, EmailAddress, Language, LocalPart, MailKind, MailStatus,
    PasswordPolicy, PolicyPreset, Preferences, Quota, Role, SignOut, TimeZone, UserCursor,
    UserQuery, UserSort,
};
use app::store::{
    AuditEntry, Delivery, NewImport, NewMail, NewMailServerTask, NewOrganisation, NewPasswordLink,
    NewSession, NewUser, PasswordReset, SessionLimits, Store, StoreError, UserUpdate,
};

const NOW: i64 = 1_800_000_000;
const LIMITS: SessionLimits = SessionLimits {
    idle: 3600,
    absolute: 12 * 3600,
};

async fn organisation(store: &dyn Store) -> app::model::Viewer {
    store
        .create_organisation(NewOrganisation {
            organisation_name: "Parish Council".into(),
            admin_name: "Clerk".into(),
            admin_email: EmailAddress::parse("clerk@council.test").unwrap(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            now: NOW,
        })
        .await
        .expect("organisation created")
}

fn new_user(org: i64, domain: i64, local: &str, name: &str) -> NewUser {
    NewUser {
        organisation_id: org,
        domain_id: domain,
        local_part: LocalPart::parse(local).unwrap(),
        name: name.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        account_type: AccountType::Basic,
        role: Role::User,
        quota: Quota::from_mb(500).unwrap(),
        preferences: Preferences::default(),
        now: NOW,
    }
}

/// Signs `user_id` in at `at` with a token of `byte` repeated.
async fn open_session(store: &dyn Store, user_id: i64, byte: u8, at: i64) -> Vec<u8> {
    let token_hash = vec![byte; 32];
    store
        .create_session(NewSession {
            user_id,
            token_hash: token_hash.clone(),
            device: "Firefox on Linux".into(),
            ip: "127.0.0.1".into(),
            now: at,
        })
        .await
        .unwrap();
    token_hash
}

async fn first_admin_is_created_once(store: &dyn Store) {
    assert!(!store.admin_exists().await.unwrap());
    let admin = organisation(store).await;
    assert_eq!(admin.role, Role::AccountAdmin);
    assert_eq!(admin.email, "clerk@council.test");
    assert!(store.admin_exists().await.unwrap());
    let again = store
        .create_organisation(NewOrganisation {
            organisation_name: "Other".into(),
            admin_name: "Other".into(),
            admin_email: EmailAddress::parse("boss@other.test").unwrap(),
            password_hash: "x".into(),
            now: NOW,
        })
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    let domains = store.list_domains(admin.organisation_id).await.unwrap();
    assert_eq!(domains.len(), 1, "the refused setup left nothing behind");
    assert_eq!(domains[0].name, "council.test");
}

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

async fn addresses_are_unique_per_domain(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let other = store
        .add_domain(org, &DomainName::parse("school.test").unwrap(), NOW)
        .await
        .unwrap();
    let row = store
        .create_user(new_user(org, main, "jane", "Jane Doe"))
        .await
        .unwrap();
    assert_eq!(row.email, "jane@council.test");
    assert_eq!(row.status, AccountStatus::Active);
    assert_eq!(row.quota_mb, 500);
    let twice = store
        .create_user(new_user(org, main, "jane", "Another Jane"))
        .await;
    assert!(
        matches!(
            twice,
            Err(StoreError::AddressHeld {
                field: "username",
                holder: AddressHolder::Mailbox
            })
        ),
        "{twice:?}"
    );
    store
        .create_user(new_user(org, other.id, "jane", "Jane at school"))
        .await
        .unwrap();
    let dup_domain = store
        .add_domain(org, &DomainName::parse("school.test").unwrap(), NOW)
        .await;
    assert!(matches!(
        dup_domain,
        Err(StoreError::Conflict { field: "domain" })
    ));
    // The admin's own address is taken too.
    let clerk = store
        .create_user(new_user(org, main, "clerk", "Clerk again"))
        .await;
    assert!(matches!(
        clerk,
        Err(StoreError::AddressHeld {
            holder: AddressHolder::Mailbox,
            ..
        })
    ));
}

async fn the_list_searches_filters_and_pages(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let school = store
        .add_domain(org, &DomainName::parse("school.test").unwrap(), NOW)
        .await
        .unwrap()
        .id;
    store
        .set_organisation_limits(org, 1000, 1_000_000)
        .await
        .unwrap();
    for i in 0..119 {
        let domain = if i % 2 == 0 { main } else { school };
        store
            .create_user(new_user(
                org,
                domain,
                &format!("user{i:03}"),
                &format!("Person {i:03}"),
            ))
            .await
            .unwrap();
    }
    store
        .create_user(new_user(org, main, "zoe", "Zoë Ångström"))
        .await
        .unwrap();

    // 121 users (the clerk included), 50 a page, in address order.
    let mut seen = Vec::new();
    let mut query = UserQuery::default();
    let mut pages = 0;
    loop {
        let page = store.list_users(org, &query, 50).await.unwrap();
        pages += 1;
        assert!(page.users.len() <= 50);
        seen.extend(page.users.iter().map(|u| u.email.clone()));
        match page.next {
            Some(next) => query.cursor = Some(UserCursor::After(next)),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 121);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "keyset order is the address");

    // Back from the last page to the one before it.
    let last = store.list_users(org, &query, 50).await.unwrap();
    let prev = last.prev.clone().expect("a page before the last");
    let before = store
        .list_users(
            org,
            &UserQuery {
                cursor: Some(UserCursor::Before(prev)),
                ..Default::default()
            },
            50,
        )
        .await
        .unwrap();
    assert_eq!(before.users.len(), 50);
    assert_eq!(
        before
            .users
            .iter()
            .map(|u| u.email.clone())
            .collect::<Vec<_>>(),
        seen[50..100].to_vec()
    );
    assert!(before.prev.is_some() && before.next.is_some());

    let search = |text: &str| UserQuery {
        search: text.into(),
        ..Default::default()
    };
    let by_name = store.list_users(org, &search("zoë ång"), 50).await.unwrap();
    assert_eq!(
        by_name.users.len(),
        1,
        "name search ignores case, beyond ASCII too"
    );
    assert_eq!(by_name.users[0].email, "zoe@council.test");
    let by_username = store.list_users(org, &search("user01"), 50).await.unwrap();
    assert_eq!(by_username.users.len(), 10);
    let by_address = store
        .list_users(org, &search("user007@school"), 50)
        .await
        .unwrap();
    assert_eq!(by_address.users.len(), 1);
    let wildcard = store.list_users(org, &search("%"), 50).await.unwrap();
    assert!(
        wildcard.users.is_empty(),
        "LIKE wildcards in a search are literal"
    );

    let only_school = store
        .list_users(
            org,
            &UserQuery {
                domain_id: Some(school),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
    assert_eq!(only_school.users.len(), 59);
    assert!(only_school
        .users
        .iter()
        .all(|u| u.email.ends_with("@school.test")));
}

async fn organisations_see_only_their_own(store: &dyn Store) {
    let admin = organisation(store).await;
    let main = store.list_domains(admin.organisation_id).await.unwrap()[0].id;
    store
        .create_user(new_user(admin.organisation_id, main, "jane", "Jane"))
        .await
        .unwrap();
    let elsewhere = store
        .list_users(admin.organisation_id + 1000, &UserQuery::default(), 50)
        .await
        .unwrap();
    assert!(elsewhere.users.is_empty());
    assert!(store
        .list_domains(admin.organisation_id + 1000)
        .await
        .unwrap()
        .is_empty());
    let foreign = store
        .create_user(new_user(admin.organisation_id + 1000, main, "eve", "Eve"))
        .await;
    assert!(
        foreign.is_err(),
        "a domain of another organisation can't take users"
    );
}

async fn audit_events_are_kept_in_order(store: &dyn Store) {
    let admin = organisation(store).await;
    for (i, action) in ["sign_in", "user.create"].into_iter().enumerate() {
        store
            .record_audit(AuditEntry {
                organisation_id: Some(admin.organisation_id),
                actor_id: Some(admin.user_id),
                actor: admin.email.clone(),
                action,
                target: "jane@council.test".into(),
                success: true,
                detail: "{}".into(),
                ip: "127.0.0.1".into(),
                now: NOW + i as i64,
            })
            .await
            .unwrap();
    }
    let events = store.list_audit(admin.organisation_id, 10).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["user.create", "sign_in"]
    );
    assert!(events.iter().all(|e| e.success && e.ip == "127.0.0.1"));
}

async fn licences_and_storage_pool_bound_new_mailboxes(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let usage = store.organisation_usage(org).await.unwrap();
    assert_eq!(usage.name, "Parish Council");
    assert_eq!(
        (usage.mailboxes_used, usage.storage_allocated_mb),
        (1, 1000),
        "the admin's own mailbox"
    );

    store.set_organisation_limits(org, 3, 2000).await.unwrap();
    store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    let too_big = NewUser {
        quota: Quota::from_mb(501).unwrap(),
        ..new_user(org, main, "bob", "Bob")
    };
    assert!(matches!(
        store.create_user(too_big).await,
        Err(StoreError::StoragePoolExceeded { available_mb: 500 })
    ));
    store
        .create_user(new_user(org, main, "bob", "Bob"))
        .await
        .unwrap();
    let usage = store.organisation_usage(org).await.unwrap();
    assert_eq!(
        (usage.mailboxes_used, usage.storage_allocated_mb),
        (3, 2000)
    );
    assert!(matches!(
        store.create_user(new_user(org, main, "cy", "Cy")).await,
        Err(StoreError::LicencesExhausted { licences: 3 })
    ));
    assert!(store
        .list_users(
            org,
            &UserQuery {
                search: "cy".into(),
                ..Default::default()
            },
            50
        )
        .await
        .unwrap()
        .users
        .is_empty());

    // Limits never drop below what is in use.
    assert!(matches!(
        store.set_organisation_limits(org, 2, 5000).await,
        Err(StoreError::InUse { mailboxes: 3 })
    ));
    assert!(matches!(
        store.set_organisation_limits(org, 10, 1999).await,
        Err(StoreError::StoragePoolExceeded { .. })
    ));
    let usage = store.organisation_usage(org).await.unwrap();
    assert_eq!(
        (usage.mailbox_licences, usage.storage_pool_mb),
        (3, 2000),
        "a refused change leaves both"
    );
}

async fn domains_with_mailboxes_stay(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let school = store
        .add_domain(org, &DomainName::parse("school.test").unwrap(), NOW)
        .await
        .unwrap();
    let empty = store
        .add_domain(org, &DomainName::parse("empty.test").unwrap(), NOW)
        .await
        .unwrap();
    store
        .create_user(new_user(org, school.id, "ann", "Ann"))
        .await
        .unwrap();
    store
        .create_user(new_user(org, school.id, "bob", "Bob"))
        .await
        .unwrap();
    let summaries = store.domain_summaries(org).await.unwrap();
    let counts: Vec<(&str, i64)> = summaries
        .iter()
        .map(|d| (d.name.as_str(), d.mailboxes))
        .collect();
    assert_eq!(
        counts,
        [("council.test", 1), ("empty.test", 0), ("school.test", 2)]
    );

    assert!(matches!(
        store.remove_domain(org, school.id).await,
        Err(StoreError::InUse { mailboxes: 2 })
    ));
    assert!(matches!(
        store.remove_domain(org + 1000, empty.id).await,
        Err(StoreError::NotFound)
    ));
    store.remove_domain(org, empty.id).await.unwrap();
    let names: Vec<String> = store
        .list_domains(org)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["council.test", "school.test"]);
}

async fn users_are_edited_disabled_and_deleted_in_one_go(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    let token = open_session(store, ann.id, 9u8, NOW).await;
    let update = |disabled: bool, quota_mb: i64| UserUpdate {
        name: "Ann Baker".into(),
        account_type: AccountType::Enhanced,
        quota: Quota::from_mb(quota_mb).unwrap(),
        disabled,
        only_local_smtp: true,
        recovery_email: None,
        preferences: Preferences {
            language: Language::Fr,
            time_zone: TimeZone::parse("Europe/Paris").unwrap(),
            date_format: DateFormat::DayMonthYear,
        },
        now: NOW + 5,
    };
    store
        .update_user(org, ann.id, update(false, 2000))
        .await
        .unwrap();
    let detail = store.get_user(org, ann.id).await.unwrap();
    assert_eq!(detail.name, "Ann Baker");
    assert_eq!(detail.account_type, AccountType::Enhanced);
    assert_eq!(detail.quota_mb, 2000);
    assert!(detail.only_local_smtp);
    assert_eq!(detail.preferences.language, Language::Fr);
    assert_eq!(detail.preferences.time_zone.as_str(), "Europe/Paris");
    assert_eq!(detail.preferences.date_format, DateFormat::DayMonthYear);
    assert_eq!(detail.status, AccountStatus::Active);
    let login = store
        .find_login(&EmailAddress::parse("ann@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        login.password_hash.starts_with("$argon2id$"),
        "no new password keeps the old hash"
    );
    assert!(store
        .session_viewer(&token, NOW + 10, LIMITS)
        .await
        .unwrap()
        .is_some());

    // The pool counts the mailbox's own quota as free when it changes.
    store.set_organisation_limits(org, 25, 4000).await.unwrap();
    assert!(matches!(
        store.update_user(org, ann.id, update(false, 3001)).await,
        Err(StoreError::StoragePoolExceeded { available_mb: 3000 })
    ));
    assert_eq!(
        store.get_user(org, ann.id).await.unwrap().quota_mb,
        2000,
        "a refused change leaves all"
    );

    store
        .update_user(org, ann.id, update(true, 2000))
        .await
        .unwrap();
    assert_eq!(
        store.get_user(org, ann.id).await.unwrap().status,
        AccountStatus::Disabled
    );
    assert!(
        store
            .session_viewer(&token, NOW + 11, LIMITS)
            .await
            .unwrap()
            .is_none(),
        "disabling ends sessions"
    );
    assert!(
        store
            .find_login(&EmailAddress::parse("ann@council.test").unwrap())
            .await
            .unwrap()
            .unwrap()
            .disabled
    );

    assert!(matches!(
        store.get_user(org + 1000, ann.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_users(org + 1000, &[ann.id]).await,
        Err(StoreError::NotFound)
    ));
    store.delete_users(org, &[ann.id]).await.unwrap();
    assert!(matches!(
        store.get_user(org, ann.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .find_login(&EmailAddress::parse("ann@council.test").unwrap())
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store.organisation_usage(org).await.unwrap().mailboxes_used,
        1
    );
}

async fn stale_and_disabled_accounts_are_listed_for_review(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let day = 86_400;
    let mut ids = Vec::new();
    for (local, last_seen) in [
        ("recent", Some(NOW - day)),
        ("old", Some(NOW - 200 * day)),
        ("older", Some(NOW - 400 * day)),
        ("never", None),
    ] {
        let row = store
            .create_user(new_user(org, main, local, local))
            .await
            .unwrap();
        if let Some(at) = last_seen {
            open_session(store, row.id, ids.len() as u8 + 1, at).await;
        }
        ids.push(row.id);
    }
    // The clerk never signed in either.
    let review = store
        .accounts_to_review(org, NOW - 90 * day, 3)
        .await
        .unwrap();
    assert_eq!(review.stale_count, 4);
    let order: Vec<&str> = review.stale.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(
        order,
        [
            "clerk@council.test",
            "never@council.test",
            "older@council.test"
        ],
        "never first, then the longest unseen, capped"
    );
    assert_eq!(review.disabled_count, 0);

    store
        .update_user(
            org,
            ids[0],
            UserUpdate {
                name: "recent".into(),
                account_type: AccountType::Basic,
                quota: Quota::from_mb(500).unwrap(),
                disabled: true,
                only_local_smtp: false,
                recovery_email: None,
                preferences: Preferences::default(),
                now: NOW,
            },
        )
        .await
        .unwrap();
    let review = store
        .accounts_to_review(org, NOW - 90 * day, 20)
        .await
        .unwrap();
    assert_eq!(review.disabled_count, 1);
    assert_eq!(review.disabled[0].email, "recent@council.test");
    assert!(store
        .accounts_to_review(org + 1000, NOW, 20)
        .await
        .unwrap()
        .stale
        .is_empty());
}

async fn every_order_pages_forwards_and_back(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let people = [
        ("ann", "Zed", 700),
        ("bob", "amy", 300),
        ("cy", "Émile", 300),
        ("dee", "bo", 900),
        ("eve", "Amy", 100),
        ("fay", "Ñu", 300),
        ("gus", "cat", 500),
        ("hal", "dan", 200),
        ("ivy", "Eel", 300),
    ];
    for (i, (local, name, quota)) in people.iter().enumerate() {
        let user = store
            .create_user(NewUser {
                quota: Quota::from_mb(*quota).unwrap(),
                ..new_user(org, main, local, name)
            })
            .await
            .unwrap();
        if i % 3 != 0 {
            let at = NOW - (i as i64 % 4) * 1000;
            open_session(store, user.id, i as u8 + 1, at).await;
        }
    }
    let all = store
        .list_users(org, &UserQuery::default(), 100)
        .await
        .unwrap()
        .users;
    for sort in UserSort::ALL {
        for descending in [false, true] {
            let mut expected = all.clone();
            expected.sort_by(|a, b| {
                let key = |u: &app::model::UserRow| match sort {
                    UserSort::Address => (String::new(), 0, u.email.clone()),
                    UserSort::Name => (u.name.to_lowercase(), 0, u.email.clone()),
                    UserSort::LastSignIn => {
                        (String::new(), u.last_login_at.unwrap_or(0), u.email.clone())
                    }
                    UserSort::Quota => (String::new(), u.quota_mb, u.email.clone()),
                };
                key(a).cmp(&key(b))
            });
            if descending {
                expected.reverse();
            }
            let expected: Vec<String> = expected.into_iter().map(|u| u.email).collect();
            let mut query = UserQuery {
                sort,
                descending,
                ..Default::default()
            };
            let mut seen = Vec::new();
            let mut last_prev = None;
            loop {
                let page = store.list_users(org, &query, 4).await.unwrap();
                seen.extend(page.users.iter().map(|u| u.email.clone()));
                last_prev = page.prev.clone().or(last_prev);
                match page.next {
                    Some(n) => query.cursor = Some(UserCursor::After(n)),
                    None => break,
                }
            }
            assert_eq!(seen, expected, "{sort:?} descending={descending}");
            // From the last page, one step back shows the four before it.
            let back = UserQuery {
                sort,
                descending,
                cursor: Some(UserCursor::Before(last_prev.unwrap())),
                ..Default::default()
            };
            let page = store.list_users(org, &back, 4).await.unwrap();
            let got: Vec<String> = page.users.into_iter().map(|u| u.email).collect();
            assert_eq!(
                got,
                expected[4..8].to_vec(),
                "{sort:?} descending={descending} backwards"
            );
        }
    }
}

async fn batches_are_created_whole_or_not_at_all(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    store.set_organisation_limits(org, 5, 10_000).await.unwrap();
    store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();

    let clash = [
        new_user(org, main, "bob", "Bob"),
        new_user(org, main, "cy", "Cy"),
        new_user(org, main, "ann", "Ann again"),
    ];
    assert!(matches!(
        store.create_users(&clash).await,
        Err(StoreError::RowConflict {
            index: 2,
            holder: AddressHolder::Mailbox
        })
    ));
    store.set_organisation_limits(org, 4, 10_000).await.unwrap();
    let too_many = [
        new_user(org, main, "bob", "Bob"),
        new_user(org, main, "cy", "Cy"),
        new_user(org, main, "dee", "Dee"),
    ];
    assert!(matches!(
        store.create_users(&too_many).await,
        Err(StoreError::LicencesExhausted { licences: 4 })
    ));
    assert_eq!(
        store.organisation_usage(org).await.unwrap().mailboxes_used,
        2,
        "a refused batch leaves nothing behind"
    );

    let rows = store.create_users(&too_many[..2]).await.unwrap();
    let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    assert_eq!(emails, ["bob@council.test", "cy@council.test"]);
    assert_eq!(
        store.organisation_usage(org).await.unwrap().mailboxes_used,
        4
    );
}

async fn several_users_change_in_one_transaction(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let rows = store
        .create_users(&[
            new_user(org, main, "ann", "Ann"),
            new_user(org, main, "bob", "Bob"),
        ])
        .await
        .unwrap();
    let (ann, bob) = (rows[0].id, rows[1].id);
    let ann_token = open_session(store, ann, 1, NOW).await;
    let bob_token = open_session(store, bob, 2, NOW).await;

    // An id the organisation doesn't have fails the whole action.
    assert!(matches!(
        store
            .set_users_disabled(org, &[ann, 999_999], true, NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .set_users_disabled(org + 1000, &[ann], true, NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.get_user(org, ann).await.unwrap().status,
        AccountStatus::Active
    );
    assert!(matches!(
        store.delete_users(org, &[bob, 999_999]).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.get_user(org, bob).await.is_ok());

    let disabled = store
        .set_users_disabled(org, &[bob, ann], true, NOW)
        .await
        .unwrap();
    assert_eq!(disabled, ["ann@council.test", "bob@council.test"]);
    for (id, token) in [(ann, &ann_token), (bob, &bob_token)] {
        assert_eq!(
            store.get_user(org, id).await.unwrap().status,
            AccountStatus::Disabled
        );
        assert!(
            store
                .session_viewer(token, NOW + 1, LIMITS)
                .await
                .unwrap()
                .is_none(),
            "disabling ends every session"
        );
    }
    store
        .set_users_disabled(org, &[ann], false, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.get_user(org, ann).await.unwrap().status,
        AccountStatus::Active
    );

    let deleted = store.delete_users(org, &[ann, bob]).await.unwrap();
    assert_eq!(deleted.len(), 2);
    assert_eq!(
        store.organisation_usage(org).await.unwrap().mailboxes_used,
        1
    );
    assert!(matches!(
        store.delete_users(org, &[ann]).await,
        Err(StoreError::NotFound)
    ));
}

async fn the_search_index_follows_every_change(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let quentin = store
        .create_user(new_user(org, main, "qb", "Quentin Blake"))
        .await
        .unwrap();
    let search = |text: &str| UserQuery {
        search: text.into(),
        ..Default::default()
    };
    let found = |page: app::model::UserPage| -> Vec<String> {
        page.users.into_iter().map(|u| u.email).collect()
    };
    assert_eq!(
        found(store.list_users(org, &search("ntin bl"), 50).await.unwrap()),
        ["qb@council.test"]
    );
    store
        .update_user(
            org,
            quentin.id,
            UserUpdate {
                name: "Roald Dahl".into(),
                account_type: AccountType::Basic,
                quota: Quota::from_mb(500).unwrap(),
                disabled: false,
                only_local_smtp: false,
                recovery_email: None,
                preferences: Preferences::default(),
                now: NOW,
            },
        )
        .await
        .unwrap();
    assert!(found(store.list_users(org, &search("quentin"), 50).await.unwrap()).is_empty());
    assert_eq!(
        found(store.list_users(org, &search("OALD"), 50).await.unwrap()),
        ["qb@council.test"]
    );
    // Quotes and short texts are searched as written.
    assert!(found(store.list_users(org, &search("\"dahl"), 50).await.unwrap()).is_empty());
    assert_eq!(
        found(store.list_users(org, &search("qb"), 50).await.unwrap()),
        ["qb@council.test"]
    );
    store.delete_users(org, &[quentin.id]).await.unwrap();
    assert!(found(store.list_users(org, &search("roald"), 50).await.unwrap()).is_empty());
}

async fn imports_wait_for_confirmation_and_expire(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let new_import = |now: i64| NewImport {
        organisation_id: org,
        created_by: admin.user_id,
        rows_json: "[{\"line\":2}]".into(),
        now,
    };
    let first = store
        .save_import(new_import(NOW), NOW - 3600)
        .await
        .unwrap();
    let kept = store.load_import(org, first, NOW - 3600).await.unwrap();
    assert_eq!(kept.rows_json, "[{\"line\":2}]");
    assert_eq!(kept.created_by, admin.user_id);
    assert!(matches!(
        store.load_import(org + 1000, first, NOW - 3600).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        matches!(
            store.load_import(org, first, NOW + 1).await,
            Err(StoreError::NotFound)
        ),
        "an expired upload is gone"
    );
    // Saving a later upload clears the expired ones.
    let second = store
        .save_import(new_import(NOW + 4000), NOW + 400)
        .await
        .unwrap();
    assert!(matches!(
        store.load_import(org, first, 0).await,
        Err(StoreError::NotFound)
    ));
    store.delete_import(org, second).await.unwrap();
    assert!(matches!(
        store.delete_import(org, second).await,
        Err(StoreError::NotFound)
    ));
}

async fn an_address_is_held_by_one_mailbox_alias_or_list(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let local = |s: &str| LocalPart::parse(s).unwrap();
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    let alias = store
        .add_alias(org, ann.id, main, &local("a.n"), NOW)
        .await
        .unwrap();
    assert_eq!(alias.email, "a.n@council.test");
    let team = store
        .create_list(org, main, &local("team"), "Team", NOW)
        .await
        .unwrap();
    assert_eq!(team.email, "team@council.test");

    let held = |r: Result<_, StoreError>| match r {
        Err(StoreError::AddressHeld { holder, .. }) => Some(holder),
        _ => None,
    };
    assert_eq!(
        held(
            store
                .create_user(new_user(org, main, "a.n", "X"))
                .await
                .map(|_| ())
        ),
        Some(AddressHolder::Alias("ann@council.test".into()))
    );
    assert_eq!(
        held(
            store
                .create_user(new_user(org, main, "team", "X"))
                .await
                .map(|_| ())
        ),
        Some(AddressHolder::List("Team".into()))
    );
    assert_eq!(
        held(
            store
                .add_alias(org, ann.id, main, &local("team"), NOW)
                .await
                .map(|_| ())
        ),
        Some(AddressHolder::List("Team".into()))
    );
    assert_eq!(
        held(
            store
                .create_list(org, main, &local("ann"), "Ann's", NOW)
                .await
                .map(|_| ())
        ),
        Some(AddressHolder::Mailbox)
    );
    assert_eq!(
        held(
            store
                .create_list(org, main, &local("a.n"), "A", NOW)
                .await
                .map(|_| ())
        ),
        Some(AddressHolder::Alias("ann@council.test".into()))
    );
    assert!(matches!(
        store
            .create_users(&[
                new_user(org, main, "bob", "Bob"),
                new_user(org, main, "team", "T")
            ])
            .await,
        Err(StoreError::RowConflict {
            index: 1,
            holder: AddressHolder::List(_)
        })
    ));
    assert_eq!(
        store.address_holder("nobody@council.test").await.unwrap(),
        None
    );
    assert!(matches!(
        store
            .add_alias(org + 1000, ann.id, main, &local("x"), NOW)
            .await,
        Err(StoreError::NotFound)
    ));

    // Members come and go; a mailbox is on a list once.
    let ann_address = EmailAddress::parse("ann@council.test").unwrap();
    store
        .add_list_member(org, team.id, &ann_address)
        .await
        .unwrap();
    assert!(matches!(
        store.add_list_member(org, team.id, &ann_address).await,
        Err(StoreError::Conflict { field: "member" })
    ));
    assert!(matches!(
        store
            .add_list_member(
                org,
                team.id,
                &EmailAddress::parse("no@council.test").unwrap()
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let detail = store.get_list(org, team.id).await.unwrap();
    assert_eq!(detail.members.len(), 1);
    assert_eq!(detail.members[0].email, "ann@council.test");
    assert_eq!(store.list_lists(org).await.unwrap()[0].members, 1);
    assert!(matches!(
        store.get_list(org + 1000, team.id).await,
        Err(StoreError::NotFound)
    ));

    // A domain keeps its aliases and lists as it keeps its mailboxes.
    assert!(matches!(
        store.remove_domain(org, main).await,
        Err(StoreError::InUse { mailboxes: 4 })
    ));

    store
        .remove_list_member(org, team.id, ann.id)
        .await
        .unwrap();
    assert!(store
        .get_list(org, team.id)
        .await
        .unwrap()
        .members
        .is_empty());
    store.delete_list(org, team.id).await.unwrap();
    store
        .create_user(new_user(org, main, "team", "Team Player"))
        .await
        .unwrap();
    // A deleted mailbox takes its aliases with it.
    store.delete_users(org, &[ann.id]).await.unwrap();
    assert_eq!(
        store.address_holder("a.n@council.test").await.unwrap(),
        None
    );
}

async fn a_shared_mailbox_keeps_its_mail_and_frees_its_licence(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    store.set_organisation_limits(org, 2, 10_000).await.unwrap();
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    let token = open_session(store, ann.id, 7, NOW).await;
    assert!(matches!(
        store.create_user(new_user(org, main, "bob", "Bob")).await,
        Err(StoreError::LicencesExhausted { licences: 2 })
    ));
    assert!(matches!(
        store.convert_to_shared(org + 1000, ann.id, NOW).await,
        Err(StoreError::NotFound)
    ));

    store.convert_to_shared(org, ann.id, NOW).await.unwrap();
    let detail = store.get_user(org, ann.id).await.unwrap();
    assert!(detail.shared);
    assert_eq!(detail.quota_mb, 500, "the mailbox and its quota stay");
    let usage = store.organisation_usage(org).await.unwrap();
    assert_eq!(usage.mailboxes_used, 1, "a shared mailbox takes no licence");
    assert_eq!(usage.storage_allocated_mb, 1500, "its quota still counts");
    assert!(store
        .session_viewer(&token, NOW + 1, LIMITS)
        .await
        .unwrap()
        .is_none());
    let login = store
        .find_login(&EmailAddress::parse("ann@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(login.disabled, "nobody signs in to a shared mailbox");
    let listed = store
        .list_users(org, &UserQuery::default(), 50)
        .await
        .unwrap();
    assert!(listed
        .users
        .iter()
        .any(|u| u.email == "ann@council.test" && u.shared));
    store
        .create_user(new_user(org, main, "bob", "Bob"))
        .await
        .unwrap();
}

async fn a_quota_never_goes_below_what_the_mailbox_holds(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    assert_eq!(
        store.get_user(org, ann.id).await.unwrap().used_mb,
        0,
        "a mailbox the mail server has not counted holds nothing"
    );
    // 1.2 GB and one byte, as Dovecot's quota dict records it.
    execute_as_mail_server(
        url,
        "INSERT INTO mailbox_usage (username, bytes, messages) \
         VALUES ('ann@council.test', 1200000001, 42)",
    )
    .await;
    assert_eq!(
        store.get_user(org, ann.id).await.unwrap().used_mb,
        1201,
        "usage is shown rounded up, never as less than it is"
    );
    let update = |quota_mb: i64| UserUpdate {
        name: "Ann".into(),
        account_type: AccountType::Basic,
        quota: Quota::from_mb(quota_mb).unwrap(),
        disabled: false,
        only_local_smtp: false,
        recovery_email: None,
        preferences: Preferences::default(),
        now: NOW + 5,
    };
    store.update_user(org, ann.id, update(2000)).await.unwrap();
    assert!(matches!(
        store.update_user(org, ann.id, update(1200)).await,
        Err(StoreError::QuotaBelowUsed { used_mb: 1201 })
    ));
    assert_eq!(
        store.get_user(org, ann.id).await.unwrap().quota_mb,
        2000,
        "a refused change leaves the quota as it was"
    );
    store.update_user(org, ann.id, update(1201)).await.unwrap();
    assert_eq!(store.get_user(org, ann.id).await.unwrap().quota_mb, 1201);

    store.delete_users(org, &[ann.id]).await.unwrap();
    let again = store
        .create_user(new_user(org, main, "ann", "Ann again"))
        .await
        .unwrap();
    assert_eq!(
        store.get_user(org, again.id).await.unwrap().used_mb,
        0,
        "a new mailbox at a deleted one's address starts empty"
    );
}

/// Each test runs on both back ends; those after `with_url:` also get the database's URL, to act
/// on it as the mail server does.
async fn a_reset_sets_the_password_and_ends_the_chosen_sessions(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
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
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    let here = open_session(store, ann.id, 1u8, NOW).await;
    let there = open_session(store, ann.id, 2u8, NOW).await;
    let clerk = open_session(store, admin.user_id, 3u8, NOW).await;
    let reset = PasswordReset {
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

async fn an_organisation_keeps_its_own_password_policy(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    assert_eq!(
        store.password_policy(org).await.unwrap(),
        PasswordPolicy::default(),
        "a new organisation starts with the recommended policy"
    );
    let custom = PasswordPolicy {
        min_chars: 14,
        min_score: 4,
        require: CharacterClasses {
            upper: true,
            lower: false,
            digit: true,
            symbol: false,
        },
        ..PasswordPolicy::default()
    };
    store.set_password_policy(org, &custom).await.unwrap();
    assert_eq!(store.password_policy(org).await.unwrap(), custom);
    let host = PolicyPreset::HostStyle.policy();
    store.set_password_policy(org, &host).await.unwrap();
    assert_eq!(store.password_policy(org).await.unwrap(), host);
    assert!(matches!(
        store.set_password_policy(org + 1000, &custom).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.password_policy(org + 1000).await,
        Err(StoreError::NotFound)
    ));
}

async fn a_reset_queues_its_mail_and_link_in_the_same_transaction(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    let mail = |kind: MailKind, to: &str| NewMail {
        kind,
        recipient: to.into(),
        subject: format!("{kind:?}"),
        sealed_body: vec![7u8; 40],
    };
    let reset = |now: i64| PasswordReset {
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
    assert!(store.due_mail(NOW + 10, 10).await.unwrap().is_empty());
    assert!(store
        .password_link_owner(&[NOW as u8; 32], NOW)
        .await
        .is_err());

    store
        .reset_password(org, ann.id, reset(NOW + 1))
        .await
        .unwrap();
    assert!(
        store.due_mail(NOW, 10).await.unwrap().is_empty(),
        "not due before it was queued"
    );
    let due = store.due_mail(NOW + 1, 10).await.unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(due[0].recipient, "ann@home.example");
    assert_eq!(due[0].sealed_body, vec![7u8; 40]);
    assert_eq!(due[0].attempts, 0);

    // The first goes; the second waits for a retry, then is given up on.
    store
        .record_delivery(due[0].id, Delivery::Sent, NOW + 2)
        .await
        .unwrap();
    store
        .record_delivery(
            due[1].id,
            Delivery::Retry {
                at: NOW + 60,
                error: "connection refused".into(),
            },
            NOW + 2,
        )
        .await
        .unwrap();
    assert!(store.due_mail(NOW + 59, 10).await.unwrap().is_empty());
    let retry = store.due_mail(NOW + 60, 10).await.unwrap();
    assert_eq!((retry.len(), retry[0].attempts), (1, 1));
    let history = store.user_mail(org, ann.id, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].kind, MailKind::ResetNotice, "newest first");
    assert_eq!(history[0].status, MailStatus::Queued);
    assert_eq!(history[0].last_error.as_deref(), Some("connection refused"));
    assert_eq!(history[1].status, MailStatus::Sent);
    assert_eq!(history[1].sent_at, Some(NOW + 2));
    store
        .record_delivery(
            retry[0].id,
            Delivery::GaveUp {
                error: "550 no such user".into(),
            },
            NOW + 61,
        )
        .await
        .unwrap();
    assert!(store.due_mail(NOW + 10_000, 10).await.unwrap().is_empty());
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
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    let reset = |token: u8, now: i64| PasswordReset {
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
                .set_password_by_link(&[token; 32], "x", NOW + 40)
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
            .set_password_by_link(&[3u8; 32], "x", NOW + 3700)
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
        .create_user(new_user(org, main, "ann", "Ann"))
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

async fn users_end_their_own_other_sessions_and_never_the_current_one(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
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
        .create_user(new_user(org, main, "ann", "Ann"))
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

async fn the_audit_log_filters_and_pages_by_id(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let events = [
        ("user.create", "Jane@Council.test", true, 0),
        ("password.reset", "jane@council.test", true, 10),
        ("sign_in", "jane@council.test", false, 86_400),
        ("user.create", "bob@council.test", true, 86_401),
        ("sign_in", "bob_x@council.test", true, 2 * 86_400),
    ];
    for (action, target, success, offset) in events {
        store
            .record_audit(AuditEntry {
                organisation_id: Some(org),
                actor_id: Some(admin.user_id),
                actor: if success {
                    admin.email.clone()
                } else {
                    String::new()
                },
                action,
                target: target.into(),
                success,
                detail: "{}".into(),
                ip: "192.0.2.1".into(),
                now: NOW + offset,
            })
            .await
            .unwrap();
    }
    // Another organisation's events never show.
    store
        .record_audit(AuditEntry {
            organisation_id: None,
            actor_id: None,
            actor: String::new(),
            action: "sign_in",
            target: "jane@council.test".into(),
            success: false,
            detail: "{}".into(),
            ip: "192.0.2.2".into(),
            now: NOW,
        })
        .await
        .unwrap();
    let search = |query: AuditQuery, limit: i64| async move {
        store
            .search_audit(org, &query, limit)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.target))
            .collect::<Vec<_>>()
    };
    let targets =
        |list: Vec<(String, String)>| list.into_iter().map(|(_, t)| t).collect::<Vec<_>>();
    // The setup of `organisation` recorded nothing itself: five events, newest first.
    let all = store
        .search_audit(org, &AuditQuery::default(), 10)
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id));
    assert_eq!(
        targets(
            search(
                AuditQuery {
                    target: "JANE".into(),
                    ..AuditQuery::default()
                },
                10
            )
            .await
        ),
        [
            "jane@council.test",
            "jane@council.test",
            "Jane@Council.test"
        ],
        "any case"
    );
    // `_` is a character to find, not a wildcard.
    assert_eq!(
        targets(
            search(
                AuditQuery {
                    target: "b_x".into(),
                    ..AuditQuery::default()
                },
                10
            )
            .await
        ),
        ["bob_x@council.test"]
    );
    assert_eq!(
        search(
            AuditQuery {
                action: "user.create".into(),
                ..AuditQuery::default()
            },
            10
        )
        .await
        .len(),
        2
    );
    assert_eq!(
        search(
            AuditQuery {
                success: Some(false),
                ..AuditQuery::default()
            },
            10
        )
        .await,
        [("sign_in".to_owned(), "jane@council.test".to_owned())]
    );
    assert_eq!(
        search(
            AuditQuery {
                actor: "CLERK".into(),
                ..AuditQuery::default()
            },
            10
        )
        .await
        .len(),
        4
    );
    assert_eq!(
        search(
            AuditQuery {
                from: Some(NOW + 86_400),
                until: Some(NOW + 2 * 86_400),
                ..AuditQuery::default()
            },
            10
        )
        .await
        .len(),
        2
    );
    // Pages by id: the second page starts right after the first.
    let first = store
        .search_audit(org, &AuditQuery::default(), 2)
        .await
        .unwrap();
    let second = store
        .search_audit(
            org,
            &AuditQuery {
                before: Some(first[1].id),
                ..AuditQuery::default()
            },
            2,
        )
        .await
        .unwrap();
    assert_eq!(second[0].id, all[2].id);
    assert_eq!(second[1].id, all[3].id);
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

async fn roles_carry_their_domains_into_the_session_and_the_list(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let other = store
        .add_domain(org, &DomainName::parse("b.test").unwrap(), NOW)
        .await
        .unwrap()
        .id;
    let spare = store
        .add_domain(org, &DomainName::parse("c.test").unwrap(), NOW)
        .await
        .unwrap()
        .id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
        .await
        .unwrap();
    store
        .create_user(new_user(org, other, "bea", "Bea"))
        .await
        .unwrap();
    let token = open_session(store, ann.id, 9u8, NOW).await;
    let viewer = |token: Vec<u8>| async move {
        store
            .session_viewer(&token, NOW + 1, LIMITS)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(viewer(token.clone()).await.scope, AdminScope::Organisation);

    let both = vec![
        Domain {
            id: other,
            name: "b.test".into(),
        },
        Domain {
            id: spare,
            name: "c.test".into(),
        },
    ];
    store
        .set_role(
            org,
            ann.id,
            Role::UserAdmin,
            &AdminScope::Domains(both.clone()),
        )
        .await
        .unwrap();
    let seen = viewer(token.clone()).await;
    assert_eq!(seen.role, Role::UserAdmin);
    assert_eq!(
        seen.scope,
        AdminScope::Domains(both.clone()),
        "ordered by name"
    );
    assert_eq!(
        store.get_user(org, ann.id).await.unwrap().scope,
        AdminScope::Domains(both)
    );

    // The list stays within the scope's domains, whatever else the query asks.
    let within = |domains: Vec<i64>, domain_id: Option<i64>| UserQuery {
        search: String::new(),
        domain_id,
        within: Some(domains),
        sort: UserSort::Address,
        descending: false,
        cursor: None,
    };
    let emails =
        |page: app::model::UserPage| page.users.into_iter().map(|u| u.email).collect::<Vec<_>>();
    let page = store
        .list_users(org, &within(vec![other, spare], None), 50)
        .await
        .unwrap();
    assert_eq!(emails(page), vec!["bea@b.test"]);
    let page = store
        .list_users(org, &within(vec![other], Some(main)), 50)
        .await
        .unwrap();
    assert!(
        emails(page).is_empty(),
        "a domain outside the scope shows nothing"
    );
    let page = store
        .list_users(org, &within(vec![], None), 50)
        .await
        .unwrap();
    assert!(emails(page).is_empty(), "an empty scope shows nothing");

    // A removed domain leaves the scope; the admin keeps a narrower one, never a wider one.
    store.remove_domain(org, spare).await.unwrap();
    assert_eq!(
        viewer(token.clone()).await.scope,
        AdminScope::Domains(vec![Domain {
            id: other,
            name: "b.test".into()
        }])
    );

    // Back to the whole organisation, and to a mailbox user: the domain rows go with it.
    store
        .set_role(org, ann.id, Role::UserAdmin, &AdminScope::Organisation)
        .await
        .unwrap();
    assert_eq!(viewer(token.clone()).await.scope, AdminScope::Organisation);
    store
        .set_role(org, ann.id, Role::User, &AdminScope::Organisation)
        .await
        .unwrap();
    let seen = viewer(token).await;
    assert_eq!(
        (seen.role, seen.scope),
        (Role::User, AdminScope::Organisation)
    );

    // Another organisation's user is not found.
    assert!(matches!(
        store
            .set_role(
                org + 1000,
                ann.id,
                Role::UserAdmin,
                &AdminScope::Organisation
            )
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn an_admin_ends_all_of_a_users_sessions_or_chosen_ones(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"))
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

async fn mail_server_commands_wait_for_their_time_and_leave_when_done(store: &dyn Store) {
    let queue = |address: &str, action, at| NewMailServerTask {
        address: address.into(),
        action,
        error: "doveadm unreachable".into(),
        next_attempt_at: at,
        now: NOW,
    };
    store
        .queue_mail_server_task(queue(
            "ann@council.test",
            MailServerAction::EndConnections,
            NOW + 30,
        ))
        .await
        .unwrap();
    store
        .queue_mail_server_task(queue(
            "bob@council.test",
            MailServerAction::ForgetLogins,
            NOW + 60,
        ))
        .await
        .unwrap();
    assert!(store
        .due_mail_server_tasks(NOW + 29, 10)
        .await
        .unwrap()
        .is_empty());
    let due = store.due_mail_server_tasks(NOW + 60, 10).await.unwrap();
    let seen: Vec<_> = due
        .iter()
        .map(|t| (t.address.as_str(), t.action, t.attempts))
        .collect();
    assert_eq!(
        seen,
        [
            ("ann@council.test", MailServerAction::EndConnections, 1),
            ("bob@council.test", MailServerAction::ForgetLogins, 1)
        ]
    );
    // Ann's still fails: later, one more try counted. Bob's went through: gone.
    let retry = Delivery::Retry {
        at: NOW + 120,
        error: "still down".into(),
    };
    store
        .record_mail_server_try(due[0].id, retry)
        .await
        .unwrap();
    store
        .record_mail_server_try(due[1].id, Delivery::Sent)
        .await
        .unwrap();
    assert!(store
        .due_mail_server_tasks(NOW + 119, 10)
        .await
        .unwrap()
        .is_empty());
    let due = store.due_mail_server_tasks(NOW + 120, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].attempts, 2);
    let gave_up = Delivery::GaveUp {
        error: "for good".into(),
    };
    store
        .record_mail_server_try(due[0].id, gave_up)
        .await
        .unwrap();
    assert!(store
        .due_mail_server_tasks(i64::MAX, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store
            .record_mail_server_try(due[0].id, Delivery::Sent)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// What Dovecot and Postfix read, through the views, after the changes an admin makes.
async fn the_mail_server_views_follow_the_panel(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let mut ids = Vec::new();
    for local in ["ann", "bob", "cat", "dan"] {
        let user = store
            .create_user(new_user(org, domain, local, local))
            .await
            .unwrap();
        ids.push(user.id);
    }
    let [ann, bob, cat, dan] = ids[..] else {
        unreachable!()
    };
    let reset = PasswordReset {
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVtcA$dGVtcA".into(),
        must_change: true,
        expires_at: Some(NOW + 86_400),
        sign_out: SignOut::All,
        link: None,
        mail: Vec::new(),
        now: NOW,
    };
    store.reset_password(org, bob, reset).await.unwrap();
    store
        .set_users_disabled(org, &[cat], true, NOW)
        .await
        .unwrap();
    store.convert_to_shared(org, dan, NOW).await.unwrap();
    let mut ann_detail = store.get_user(org, ann).await.unwrap();
    let update = UserUpdate {
        name: ann_detail.name.clone(),
        account_type: ann_detail.account_type,
        quota: Quota::from_mb(2048).unwrap(),
        disabled: false,
        only_local_smtp: true,
        recovery_email: None,
        preferences: std::mem::take(&mut ann_detail.preferences),
        now: NOW,
    };
    store.update_user(org, ann, update).await.unwrap();
    store
        .add_alias(org, ann, domain, &LocalPart::parse("office").unwrap(), NOW)
        .await
        .unwrap();

    // Dovecot: Ann and the clerk sign in; Bob only to hear why not; Cat and Dan not at all.
    let passdb = query_as_mail_server(
        url,
        "SELECT username, nologin, reason FROM mail_passdb ORDER BY username",
    )
    .await;
    assert_eq!(
        passdb,
        [
            "ann@council.test|-|-",
            "bob@council.test|Y|Password change required: use the web panel",
            "clerk@council.test|-|-",
        ]
    );
    let hash = query_as_mail_server(
        url,
        "SELECT password FROM mail_passdb WHERE username = 'bob@council.test'",
    )
    .await;
    assert_eq!(hash, ["$argon2id$v=19$m=19456,t=2,p=1$dGVtcA$dGVtcA"]);
    let userdb = query_as_mail_server(
        url,
        "SELECT quota_rule FROM mail_userdb WHERE username = 'ann@council.test'",
    )
    .await;
    assert_eq!(userdb, ["*:storage=2048M"]);
    let mailboxes = query_as_mail_server(url, "SELECT username FROM mail_userdb").await;
    assert_eq!(
        mailboxes.len(),
        5,
        "disabled and shared mailboxes still take mail"
    );

    // Postfix: who sends as what, who is kept local, which domains are local.
    let senders = query_as_mail_server(
        url,
        "SELECT address, login FROM mail_sender_logins \
         WHERE address IN ('ann@council.test', 'office@council.test', 'dan@council.test') \
         ORDER BY address",
    )
    .await;
    assert_eq!(
        senders,
        [
            "ann@council.test|ann@council.test",
            "office@council.test|ann@council.test"
        ]
    );
    let restricted =
        query_as_mail_server(url, "SELECT login, restriction FROM mail_smtp_restrictions").await;
    assert_eq!(restricted, ["ann@council.test|only_local_smtp"]);
    let domains = query_as_mail_server(url, "SELECT domain FROM mail_domains").await;
    assert_eq!(domains, ["council.test"]);

    // Deleted: gone from every view.
    store.delete_users(org, &[ann]).await.unwrap();
    let left = query_as_mail_server(
        url,
        "SELECT username FROM mail_passdb WHERE username = 'ann@council.test' \
         UNION ALL SELECT address FROM mail_sender_logins WHERE login = 'ann@council.test' \
         UNION ALL SELECT login FROM mail_smtp_restrictions",
    )
    .await;
    assert!(left.is_empty(), "{left:?}");
}

macro_rules! conformance {
    ($($name:ident),* $(,)?; with_url: $($raw:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::$name(store.as_ref()).await;
                }
            )*
            $(
                #[tokio::test]
                async fn $raw() {
                    let (store, dir) = crate::support::sqlite_store().await;
                    super::$raw(store.as_ref(), &crate::support::sqlite_url(&dir)).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _url) = crate::support::postgres_store().await;
                    super::$name(store.as_ref()).await;
                }
            )*
            $(
                #[tokio::test]
                async fn $raw() {
                    let (store, url) = crate::support::postgres_store().await;
                    super::$raw(store.as_ref(), &url).await;
                }
            )*
        }
    };
}

conformance!(
    first_admin_is_created_once,
    sign_in_lookup_by_address,
    sessions_live_slide_and_expire,
    sessions_have_an_absolute_lifetime_and_can_be_deleted,
    addresses_are_unique_per_domain,
    the_list_searches_filters_and_pages,
    organisations_see_only_their_own,
    audit_events_are_kept_in_order,
    licences_and_storage_pool_bound_new_mailboxes,
    domains_with_mailboxes_stay,
    users_are_edited_disabled_and_deleted_in_one_go,
    stale_and_disabled_accounts_are_listed_for_review,
    every_order_pages_forwards_and_back,
    batches_are_created_whole_or_not_at_all,
    several_users_change_in_one_transaction,
    the_search_index_follows_every_change,
    imports_wait_for_confirmation_and_expire,
    an_address_is_held_by_one_mailbox_alias_or_list,
    a_shared_mailbox_keeps_its_mail_and_frees_its_licence,
    a_reset_sets_the_password_and_ends_the_chosen_sessions,
    a_users_own_change_clears_the_flag_and_may_end_their_other_sessions,
    an_organisation_keeps_its_own_password_policy,
    a_reset_queues_its_mail_and_link_in_the_same_transaction,
    a_set_password_link_works_once_and_expires,
    a_temporary_password_keeps_its_end_until_the_user_chooses_one,
    users_end_their_own_other_sessions_and_never_the_current_one,
    failed_sign_ins_lock_for_a_growing_time_until_a_success_or_an_admin,
    the_audit_log_filters_and_pages_by_id,
    a_session_remembers_when_its_password_was_last_confirmed,
    roles_carry_their_domains_into_the_session_and_the_list,
    an_admin_ends_all_of_a_users_sessions_or_chosen_ones,
    mail_server_commands_wait_for_their_time_and_leave_when_done;
    with_url:
    a_quota_never_goes_below_what_the_mailbox_holds,
    the_mail_server_views_follow_the_panel,
);
