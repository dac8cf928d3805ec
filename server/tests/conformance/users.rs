//! Mailboxes: unique addresses, edits, review lists, batches, shared mailboxes, quotas, roles.
use crate::support::execute_as_mail_server;
use crate::support::fixtures::{
    created, event, new_user, open_session, organisation, user_update, LIMITS, NOW,
};
use app::model::{
    AccountStatus, AccountType, AddressHolder, AdminScope, DateFormat, Domain, DomainName,
    EmailAddress, Language, Preferences, Quota, Role, Tally, TimeZone, UserQuery, UserSort,
};
use app::store::{Store, StoreError, UserUpdate};

async fn addresses_are_unique_per_domain(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let other = store
        .add_domain(org, &DomainName::parse("school.test").unwrap(), NOW)
        .await
        .unwrap();
    let row = store
        .create_user(new_user(org, main, "jane", "Jane Doe"), &created())
        .await
        .unwrap();
    assert_eq!(row.email, "jane@council.test");
    assert_eq!(row.status, AccountStatus::Active);
    assert_eq!(row.quota_mb, 500);
    let twice = store
        .create_user(new_user(org, main, "jane", "Another Jane"), &created())
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
        .create_user(
            new_user(org, other.id, "jane", "Jane at school"),
            &created(),
        )
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
        .create_user(new_user(org, main, "clerk", "Clerk again"), &created())
        .await;
    assert!(matches!(
        clerk,
        Err(StoreError::AddressHeld {
            holder: AddressHolder::Mailbox,
            ..
        })
    ));
}

async fn users_are_edited_disabled_and_deleted_in_one_go(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
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

async fn accounts_to_review_fall_in_one_group_each(store: &dyn Store) {
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
        ("kept", None),
    ] {
        let row = store
            .create_user(new_user(org, main, local, local), &created())
            .await
            .unwrap();
        if let Some(at) = last_seen {
            open_session(store, row.id, ids.len() as u8 + 1, at).await;
        }
        ids.push(row.id);
    }
    // Nobody signs in to a shared mailbox: it is in no group.
    store
        .convert_to_shared(org, ids[4], &[], NOW)
        .await
        .unwrap();
    // The clerk never signed in either, and was created a moment ago (NOW): an account new
    // and unused is "never signed in", not "not signed in for 90 days".
    let review = store
        .accounts_to_review(org, NOW - 90 * day, 20, 1_000)
        .await
        .unwrap();
    let emails = |rows: &[app::model::UserRow]| -> Vec<String> {
        rows.iter().map(|u| u.email.clone()).collect()
    };
    assert_eq!(review.never_count, Tally::Exactly(2));
    assert_eq!(
        emails(&review.never),
        ["clerk@council.test", "never@council.test"]
    );
    assert_eq!(review.stale_count, Tally::Exactly(2));
    assert_eq!(
        emails(&review.stale),
        ["older@council.test", "old@council.test"],
        "the longest unseen first"
    );
    assert_eq!(review.disabled_count, Tally::Exactly(0));
    let capped = store
        .accounts_to_review(org, NOW - 90 * day, 1, 1_000)
        .await
        .unwrap();
    assert_eq!(
        (
            capped.never.len(),
            capped.never_count,
            capped.stale.len(),
            capped.stale_count
        ),
        (1, Tally::Exactly(2), 1, Tally::Exactly(2)),
        "each list capped, each count whole"
    );
    let bounded = store
        .accounts_to_review(org, NOW - 90 * day, 20, 1)
        .await
        .unwrap();
    assert_eq!(
        (
            bounded.never_count,
            bounded.stale_count,
            bounded.disabled_count
        ),
        (Tally::MoreThan(1), Tally::MoreThan(1), Tally::Exactly(0)),
        "counts stop past their bound"
    );
    let exact = store
        .accounts_to_review(org, NOW - 90 * day, 20, 2)
        .await
        .unwrap();
    assert_eq!(
        exact.never_count,
        Tally::Exactly(2),
        "a count at its bound is exact"
    );

    for id in [ids[0], ids[2]] {
        store
            .update_user(
                org,
                id,
                UserUpdate {
                    disabled: true,
                    ..user_update("someone", 500)
                },
            )
            .await
            .unwrap();
    }
    let review = store
        .accounts_to_review(org, NOW - 90 * day, 20, 1_000)
        .await
        .unwrap();
    assert_eq!(review.disabled_count, Tally::Exactly(2));
    assert_eq!(
        emails(&review.disabled),
        ["older@council.test", "recent@council.test"]
    );
    assert_eq!(
        emails(&review.stale),
        ["old@council.test"],
        "a disabled account is under disabled only"
    );
    let elsewhere = store
        .accounts_to_review(org + 1000, NOW, 20, 1_000)
        .await
        .unwrap();
    assert_eq!(elsewhere, app::model::AccountsToReview::default());
}

async fn batches_are_created_whole_or_not_at_all(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    store.set_organisation_limits(org, 5, 10_000).await.unwrap();
    store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();

    let clash = [
        new_user(org, main, "bob", "Bob"),
        new_user(org, main, "cy", "Cy"),
        new_user(org, main, "ann", "Ann again"),
    ];
    let events_of = |users: &[app::store::NewUser]| -> Vec<_> {
        users
            .iter()
            .map(|u| event(Some(org), "user.create", u.local_part.as_str()))
            .collect()
    };
    assert!(matches!(
        store.create_users(&clash, &events_of(&clash)).await,
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
        store.create_users(&too_many, &events_of(&too_many)).await,
        Err(StoreError::LicencesExhausted { licences: 4 })
    ));
    assert_eq!(
        store.organisation_usage(org).await.unwrap().mailboxes_used,
        2,
        "a refused batch leaves nothing behind"
    );
    assert!(
        store.list_audit(org, 10).await.unwrap().is_empty(),
        "nor an event of what it did not do"
    );

    let rows = store
        .create_users(&too_many[..2], &events_of(&too_many[..2]))
        .await
        .unwrap();
    let audited: Vec<String> = store
        .list_audit(org, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.target)
        .collect();
    assert_eq!(audited, ["cy", "bob"], "each create's event, with it");
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
        .create_users(
            &[
                new_user(org, main, "ann", "Ann"),
                new_user(org, main, "bob", "Bob"),
            ],
            &[],
        )
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

async fn a_shared_mailbox_keeps_its_mail_and_frees_its_licence(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    store.set_organisation_limits(org, 2, 10_000).await.unwrap();
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let token = open_session(store, ann.id, 7, NOW).await;
    assert!(matches!(
        store
            .create_user(new_user(org, main, "bob", "Bob"), &created())
            .await,
        Err(StoreError::LicencesExhausted { licences: 2 })
    ));
    assert!(matches!(
        store.convert_to_shared(org + 1000, ann.id, &[], NOW).await,
        Err(StoreError::NotFound)
    ));

    store
        .convert_to_shared(org, ann.id, &[], NOW)
        .await
        .unwrap();
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
        .create_user(new_user(org, main, "bob", "Bob"), &created())
        .await
        .unwrap();
}

async fn a_quota_never_goes_below_what_the_mailbox_holds(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
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
        now: NOW + 5,
        ..user_update("Ann", quota_mb)
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
        .create_user(new_user(org, main, "ann", "Ann again"), &created())
        .await
        .unwrap();
    assert_eq!(
        store.get_user(org, again.id).await.unwrap().used_mb,
        0,
        "a new mailbox at a deleted one's address starts empty"
    );
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
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    store
        .create_user(new_user(org, other, "bea", "Bea"), &created())
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

conformance!(
    addresses_are_unique_per_domain,
    users_are_edited_disabled_and_deleted_in_one_go,
    accounts_to_review_fall_in_one_group_each,
    batches_are_created_whole_or_not_at_all,
    several_users_change_in_one_transaction,
    a_shared_mailbox_keeps_its_mail_and_frees_its_licence,
    roles_carry_their_domains_into_the_session_and_the_list;
    with_url:
    a_quota_never_goes_below_what_the_mailbox_holds,
);
