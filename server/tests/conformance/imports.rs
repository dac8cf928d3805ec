//! CSV uploads waiting for confirmation.
use crate::support::fixtures::{organisation, NOW};
use app::store::{ImportCheck, NewImport, Store, StoreError};

async fn imports_wait_for_confirmation_and_expire(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let new_import = |now: i64| NewImport {
        organisation_id: org,
        created_by: admin.user_id,
        rows_json: "[{\"line\":2}]".into(),
        passwords: 0,
        now,
    };
    let first = store
        .save_import(new_import(NOW), NOW - 3600)
        .await
        .unwrap();
    let kept = store.load_import(org, first, NOW - 3600).await.unwrap();
    assert_eq!(kept.rows_json, "[{\"line\":2}]");
    assert_eq!(kept.created_by, admin.user_id);
    assert!(kept.check.done() && !kept.check.failed);
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

async fn an_import_records_how_far_its_check_is(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let save = |passwords: i64| NewImport {
        organisation_id: org,
        created_by: admin.user_id,
        rows_json: "[]".into(),
        passwords,
        now: NOW,
    };
    let id = store.save_import(save(3), NOW - 3600).await.unwrap();
    let check = |id| async move { store.load_import(org, id, NOW - 3600).await.unwrap().check };
    let expected = |hashed, checked_at, failed| ImportCheck {
        passwords_total: 3,
        passwords_hashed: hashed,
        checked_at,
        failed,
    };
    assert_eq!(check(id).await, expected(0, NOW, false));
    assert!(!check(id).await.done());
    store.record_import_progress(id, 2, NOW + 5).await.unwrap();
    assert_eq!(check(id).await, expected(2, NOW + 5, false));
    store
        .complete_import(id, "[{\"line\":9}]", NOW + 6)
        .await
        .unwrap();
    let done = store.load_import(org, id, NOW - 3600).await.unwrap();
    assert_eq!(done.check, expected(3, NOW + 6, false));
    assert!(done.check.done());
    assert_eq!(done.rows_json, "[{\"line\":9}]");

    let other = store.save_import(save(3), NOW - 3600).await.unwrap();
    store.fail_import(other, NOW + 7).await.unwrap();
    assert_eq!(check(other).await, expected(0, NOW + 7, true));
    store.delete_import(org, other).await.unwrap();
    assert!(matches!(
        store.record_import_progress(other, 1, NOW + 8).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.complete_import(other, "[]", NOW + 8).await,
        Err(StoreError::NotFound)
    ));
}

conformance!(
    imports_wait_for_confirmation_and_expire,
    an_import_records_how_far_its_check_is,
);
