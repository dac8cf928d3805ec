//! The first administrator, organisations apart, licences, storage, domains, the policy.
use crate::support::fixtures::{created, new_user, organisation, user_update, NOW};
use app::model::{
    AliasManagers, CharacterClasses, DomainName, EmailAddress, MailRules, PasswordPolicy,
    PolicyPreset, Quota, Role, UserQuery,
};
use app::store::{NewOrganisation, NewUser, Store, StoreError};

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
            setup_token_hash: None,
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

async fn any_kept_setup_token_opens_the_setup_once(store: &dyn Store) {
    assert!(!store.setup_open().await.unwrap(), "no token printed yet");
    // Two instances started: each printed its own token.
    store.keep_setup_token(&[1; 32], NOW).await.unwrap();
    store.keep_setup_token(&[2; 32], NOW).await.unwrap();
    assert!(store.setup_open().await.unwrap());
    assert!(store.setup_token_kept(&[2; 32]).await.unwrap());
    assert!(!store.setup_token_kept(&[3; 32]).await.unwrap());
    let setup = |token: [u8; 32]| NewOrganisation {
        organisation_name: "Parish Council".into(),
        admin_name: "Clerk".into(),
        admin_email: EmailAddress::parse("clerk@council.test").unwrap(),
        password_hash: "x".into(),
        setup_token_hash: Some(token.to_vec()),
        now: NOW,
    };
    let unknown = store.create_organisation(setup([3; 32])).await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");
    assert!(!store.admin_exists().await.unwrap(), "nothing written");
    store.create_organisation(setup([2; 32])).await.unwrap();
    assert!(!store.setup_open().await.unwrap());
    assert!(
        !store.setup_token_kept(&[1; 32]).await.unwrap(),
        "the other instance's token went with it"
    );
}

async fn organisations_see_only_their_own(store: &dyn Store) {
    let admin = organisation(store).await;
    let main = store.list_domains(admin.organisation_id).await.unwrap()[0].id;
    store
        .create_user(
            new_user(admin.organisation_id, main, "jane", "Jane"),
            &created(),
        )
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
        .create_user(
            new_user(admin.organisation_id + 1000, main, "eve", "Eve"),
            &created(),
        )
        .await;
    assert!(
        foreign.is_err(),
        "a domain of another organisation can't take users"
    );
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
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    let too_big = NewUser {
        quota: Quota::from_mb(501).unwrap(),
        ..new_user(org, main, "bob", "Bob")
    };
    assert!(matches!(
        store.create_user(too_big, &created()).await,
        Err(StoreError::StoragePoolExceeded { available_mb: 500 })
    ));
    store
        .create_user(new_user(org, main, "bob", "Bob"), &created())
        .await
        .unwrap();
    let usage = store.organisation_usage(org).await.unwrap();
    assert_eq!(
        (usage.mailboxes_used, usage.storage_allocated_mb),
        (3, 2000)
    );
    assert!(matches!(
        store
            .create_user(new_user(org, main, "cy", "Cy"), &created())
            .await,
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
        .create_user(new_user(org, school.id, "ann", "Ann"), &created())
        .await
        .unwrap();
    store
        .create_user(new_user(org, school.id, "bob", "Bob"), &created())
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

/// The usage the header shows is kept, not counted: after `step` it must say `expected`
/// (mailboxes taking a licence, storage allocated in MB) and equal a count of the mailboxes.
async fn totals_are(store: &dyn Store, org: i64, expected: (i64, i64), step: &str) {
    let usage = store.organisation_usage(org).await.unwrap();
    assert_eq!(
        (usage.mailboxes_used, usage.storage_allocated_mb),
        expected,
        "after {step}"
    );
    assert_eq!(
        store.recount_totals().await.unwrap(),
        vec![],
        "after {step}, the kept totals equal a recount"
    );
}

async fn kept_totals_always_equal_a_recount(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    totals_are(store, org, (1, 1000), "the first administrator").await;

    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
        .await
        .unwrap();
    totals_are(store, org, (2, 1500), "a create").await;

    // An import or a bulk create: several in one transaction.
    let made = store
        .create_users(
            &[
                new_user(org, main, "bob", "Bob"),
                new_user(org, main, "cy", "Cy"),
                new_user(org, main, "dee", "Dee"),
            ],
            &[],
        )
        .await
        .unwrap();
    let (bob, cy, dee) = (made[0].id, made[1].id, made[2].id);
    totals_are(store, org, (5, 3000), "an import").await;

    let clash = store
        .create_users(
            &[
                new_user(org, main, "eve", "Eve"),
                new_user(org, main, "bob", "Bob again"),
            ],
            &[],
        )
        .await;
    assert!(clash.is_err(), "{clash:?}");
    totals_are(store, org, (5, 3000), "a refused import").await;

    let update = |quota_mb: i64| user_update("Bob", quota_mb);
    store.update_user(org, bob, update(800)).await.unwrap();
    totals_are(store, org, (5, 3300), "a larger quota").await;
    store.update_user(org, bob, update(800)).await.unwrap();
    totals_are(store, org, (5, 3300), "an edit that keeps the quota").await;

    store.convert_to_shared(org, cy, &[], NOW).await.unwrap();
    totals_are(store, org, (4, 3300), "a conversion to shared").await;

    store
        .set_users_disabled(org, &[dee], true, NOW)
        .await
        .unwrap();
    totals_are(store, org, (4, 3300), "a bulk disable").await;

    store.delete_users(org, &[ann.id, cy]).await.unwrap();
    totals_are(
        store,
        org,
        (3, 2300),
        "a bulk delete of a user and a shared mailbox",
    )
    .await;

    store.set_organisation_limits(org, 3, 2300).await.unwrap();
    assert!(store
        .create_user(new_user(org, main, "fay", "Fay"), &created())
        .await
        .is_err());
    totals_are(store, org, (3, 2300), "a create refused for licences").await;
}

async fn recount_repairs_totals_changed_outside_the_panel(store: &dyn Store, url: &str) {
    use crate::support::execute_as_mail_server as outside_the_panel;
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    for (local, name) in [("ann", "Ann"), ("bob", "Bob")] {
        store
            .create_user(new_user(org, main, local, name), &created())
            .await
            .unwrap();
    }
    // Any writer moves the totals, not only the panel's code.
    outside_the_panel(url, "DELETE FROM users WHERE email = 'bob@council.test'").await;
    totals_are(store, org, (2, 1500), "a delete by another program").await;

    // A bulk load or a restore with the triggers off leaves them wrong: recount finds it.
    outside_the_panel(
        url,
        "UPDATE organisations SET mailboxes_used = 40, storage_allocated_mb = 7",
    )
    .await;
    let found = store.recount_totals().await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].organisation_id, found[0].kept, found[0].counted),
        (org, (40, 7), (2, 1500))
    );
    totals_are(store, org, (2, 1500), "the recount").await;
}

/// Mail rules start as they were before the setting existed (user admins set aliases) and
/// with forwarding kept within the organisation; each organisation has its own.
async fn mail_rules_start_strict_and_stay_per_organisation(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    assert_eq!(
        store.mail_rules(org).await.unwrap(),
        MailRules {
            alias_managers: AliasManagers::UserAdmins,
            external_forwarding: false,
        }
    );
    let strict = MailRules {
        alias_managers: AliasManagers::AccountAdmin,
        external_forwarding: true,
    };
    store.set_mail_rules(org, strict).await.unwrap();
    assert_eq!(store.mail_rules(org).await.unwrap(), strict);
    assert!(matches!(
        store.mail_rules(org + 1000).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.set_mail_rules(org + 1000, strict).await,
        Err(StoreError::NotFound)
    ));
}

conformance!(
    mail_rules_start_strict_and_stay_per_organisation,
    kept_totals_always_equal_a_recount,
    first_admin_is_created_once,
    any_kept_setup_token_opens_the_setup_once,
    organisations_see_only_their_own,
    licences_and_storage_pool_bound_new_mailboxes,
    domains_with_mailboxes_stay,
    an_organisation_keeps_its_own_password_policy;
    with_url: recount_repairs_totals_changed_outside_the_panel,
);
