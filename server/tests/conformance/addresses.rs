//! One address, one holder: mailbox, alias or list.
use crate::support::fixtures::{created, new_user, organisation, NOW};
use app::model::{AddressHolder, EmailAddress, LocalPart};
use app::store::{Store, StoreError};

async fn an_address_is_held_by_one_mailbox_alias_or_list(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let main = store.list_domains(org).await.unwrap()[0].id;
    let local = |s: &str| LocalPart::parse(s).unwrap();
    let ann = store
        .create_user(new_user(org, main, "ann", "Ann"), &created())
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
                .create_user(new_user(org, main, "a.n", "X"), &created())
                .await
                .map(|_| ())
        ),
        Some(AddressHolder::Alias("ann@council.test".into()))
    );
    assert_eq!(
        held(
            store
                .create_user(new_user(org, main, "team", "X"), &created())
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
            .create_users(
                &[
                    new_user(org, main, "bob", "Bob"),
                    new_user(org, main, "team", "T")
                ],
                &[]
            )
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
        .create_user(new_user(org, main, "team", "Team Player"), &created())
        .await
        .unwrap();
    // A deleted mailbox takes its aliases with it.
    store.delete_users(org, &[ann.id]).await.unwrap();
    assert_eq!(
        store.address_holder("a.n@council.test").await.unwrap(),
        None
    );
}

conformance!(an_address_is_held_by_one_mailbox_alias_or_list,);
