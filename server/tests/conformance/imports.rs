//! CSV uploads waiting for confirmation.
use crate::support::fixtures::{organisation, NOW};
use app::store::{NewImport, Store, StoreError};

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

conformance!(imports_wait_for_confirmation_and_expire,);
