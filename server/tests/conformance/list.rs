//! The users list: search, filters, every order, keyset pages, the search index.
use crate::support::fixtures::{created, new_user, open_session, organisation, user_update, NOW};
use app::model::{DomainName, Quota, UserCursor, UserQuery, UserSort};
use app::store::{NewUser, Store};

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
            .create_user(
                new_user(
                    org,
                    domain,
                    &format!("user{i:03}"),
                    &format!("Person {i:03}"),
                ),
                &created(),
            )
            .await
            .unwrap();
    }
    store
        .create_user(new_user(org, main, "zoe", "Zoë Ångström"), &created())
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
            .create_user(
                NewUser {
                    quota: Quota::from_mb(*quota).unwrap(),
                    ..new_user(org, main, local, name)
                },
                &created(),
            )
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

async fn the_search_index_follows_every_change(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let quentin = store
        .create_user(new_user(org, main, "qb", "Quentin Blake"), &created())
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
        .update_user(org, quentin.id, user_update("Roald Dahl", 500))
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

conformance!(
    the_list_searches_filters_and_pages,
    every_order_pages_forwards_and_back,
    the_search_index_follows_every_change,
);
