//! The audit log: order, filters, pages.
use crate::support::fixtures::{event, organisation, NOW};
use app::model::AuditQuery;
use app::store::{AuditEntry, NewSession, Store};

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

async fn a_sign_in_is_audited_with_its_session_or_not_at_all(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let session = |token: u8| NewSession {
        user_id: admin.user_id,
        token_hash: vec![token; 32],
        device: "Firefox on Linux".into(),
        ip: "127.0.0.1".into(),
        now: NOW,
    };
    let signed_in = event(Some(org), "sign_in", &admin.email);
    store.create_session(session(1), &signed_in).await.unwrap();
    // The same token twice is refused, and its event goes with it.
    assert!(store.create_session(session(1), &signed_in).await.is_err());
    let events = store.list_audit(org, 10).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (e.action.as_str(), e.target.as_str()))
            .collect::<Vec<_>>(),
        [("sign_in", admin.email.as_str())]
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

conformance!(
    audit_events_are_kept_in_order,
    a_sign_in_is_audited_with_its_session_or_not_at_all,
    the_audit_log_filters_and_pages_by_id,
);
