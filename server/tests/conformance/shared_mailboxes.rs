//! Shared mailboxes made as such, their members, and what Dovecot and Postfix read of them.
use crate::support::fixtures::{created, new_user, open_session, organisation, NOW};
use crate::support::query_as_mail_server;
use app::model::{LocalPart, Quota, SharedAccess};
use app::store::{NewSharedMailbox, SharedGrant, Store, StoreError};

fn shared(org: i64, domain: i64, local: &str, quota_mb: i64) -> NewSharedMailbox {
    NewSharedMailbox {
        organisation_id: org,
        domain_id: domain,
        local_part: LocalPart::parse(local).unwrap(),
        name: "Allotments".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$bm9ib2R5$bm9ib2R5".into(),
        quota: Quota::from_mb(quota_mb).unwrap(),
        now: NOW,
    }
}

/// Made shared from the start: no licence (even with none left), its quota from the pool, its
/// address free; members are mailboxes of the organisation that are not shared.
async fn a_shared_mailbox_takes_no_licence_and_opens_to_its_members(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, domain, "ann", "Ann"), &created())
        .await
        .unwrap();
    let bob = store
        .create_user(new_user(org, domain, "bob", "Bob"), &created())
        .await
        .unwrap();
    // Every licence in use, 1,000 MB of pool left.
    let before = store.organisation_usage(org).await.unwrap();
    let (used, allocated) = (before.mailboxes_used, before.storage_allocated_mb);
    store
        .set_organisation_limits(org, used, allocated + 1_000)
        .await
        .unwrap();

    assert!(matches!(
        store
            .create_shared_mailbox(shared(org, domain, "big", 1_001))
            .await,
        Err(StoreError::StoragePoolExceeded {
            available_mb: 1_000
        })
    ));
    assert!(matches!(
        store
            .create_shared_mailbox(shared(org, domain, "ann", 100))
            .await,
        Err(StoreError::AddressHeld { .. })
    ));
    let box_row = store
        .create_shared_mailbox(shared(org, domain, "allotments", 1_000))
        .await
        .unwrap();
    assert!(box_row.shared);
    assert_eq!(box_row.email, "allotments@council.test");
    let usage = store.organisation_usage(org).await.unwrap();
    assert_eq!(
        (usage.mailboxes_used, usage.storage_allocated_mb),
        (used, allocated + 1_000)
    );
    assert!(
        store
            .find_login(&app::model::EmailAddress::parse("allotments@council.test").unwrap())
            .await
            .unwrap()
            .unwrap()
            .disabled,
        "nobody signs in to it"
    );

    let grant = |member_id, access| SharedGrant { member_id, access };
    store
        .grant_shared_access(
            org,
            box_row.id,
            &[
                grant(ann.id, SharedAccess::ReadAndSendAs),
                grant(bob.id, SharedAccess::Read),
            ],
            NOW,
        )
        .await
        .unwrap();
    let members = store.shared_members(org, box_row.id).await.unwrap();
    let seen: Vec<_> = members
        .iter()
        .map(|m| (m.email.as_str(), m.access))
        .collect();
    assert_eq!(
        seen,
        [
            ("ann@council.test", SharedAccess::ReadAndSendAs),
            ("bob@council.test", SharedAccess::Read)
        ]
    );
    // Granting again changes the access, never a second row.
    store
        .grant_shared_access(
            org,
            box_row.id,
            &[grant(bob.id, SharedAccess::ReadAndSendAs)],
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        store.shared_members(org, box_row.id).await.unwrap()[1].access,
        SharedAccess::ReadAndSendAs
    );

    // Refused whole: a mailbox that isn't shared, a shared member, another organisation.
    for (mailbox, member) in [(ann.id, bob.id), (box_row.id, box_row.id)] {
        assert!(matches!(
            store
                .grant_shared_access(org, mailbox, &[grant(member, SharedAccess::Read)], NOW)
                .await,
            Err(StoreError::NotFound)
        ));
    }
    assert!(matches!(
        store
            .grant_shared_access(
                org + 1000,
                box_row.id,
                &[grant(ann.id, SharedAccess::Read)],
                NOW
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(store
        .shared_members(org + 1000, box_row.id)
        .await
        .unwrap()
        .is_empty());

    // What the mail server reads: the members' passwords for "mailbox*member", the senders.
    let passdb = query_as_mail_server(
        url,
        "SELECT mailbox, username FROM mail_shared_passdb ORDER BY username",
    )
    .await;
    assert_eq!(
        passdb,
        [
            "allotments@council.test|ann@council.test",
            "allotments@council.test|bob@council.test"
        ]
    );
    let senders = query_as_mail_server(
        url,
        "SELECT login FROM mail_sender_logins WHERE address = 'allotments@council.test' ORDER BY login",
    )
    .await;
    assert_eq!(senders, ["ann@council.test", "bob@council.test"]);

    // Removed: gone from both; removing twice is not found.
    store
        .remove_shared_member(org, box_row.id, bob.id)
        .await
        .unwrap();
    assert!(matches!(
        store.remove_shared_member(org, box_row.id, bob.id).await,
        Err(StoreError::NotFound)
    ));
    let passdb = query_as_mail_server(url, "SELECT username FROM mail_shared_passdb").await;
    assert_eq!(passdb, ["ann@council.test"]);
    // A disabled shared mailbox opens to nobody and lets nobody send as it.
    store
        .set_users_disabled(org, &[box_row.id], true, NOW)
        .await
        .unwrap();
    let closed = query_as_mail_server(
        url,
        "SELECT username FROM mail_shared_passdb UNION ALL \
         SELECT login FROM mail_sender_logins WHERE address = 'allotments@council.test'",
    )
    .await;
    assert!(closed.is_empty(), "{closed:?}");
    // A deleted member leaves every shared mailbox.
    store
        .set_users_disabled(org, &[box_row.id], false, NOW)
        .await
        .unwrap();
    store.delete_users(org, &[ann.id]).await.unwrap();
    assert!(store
        .shared_members(org, box_row.id)
        .await
        .unwrap()
        .is_empty());
}

/// Converting a leaver's mailbox lets the colleagues named in, in the same transaction: a
/// refused member leaves the mailbox as it was.
async fn converting_a_leaver_grants_access_in_one_step(store: &dyn Store) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let leaver = store
        .create_user(new_user(org, domain, "leaver", "Leaver"), &created())
        .await
        .unwrap();
    let ann = store
        .create_user(new_user(org, domain, "ann", "Ann"), &created())
        .await
        .unwrap();
    let token = open_session(store, leaver.id, 9, NOW).await;
    let other = store
        .create_shared_mailbox(shared(org, domain, "other", 100))
        .await
        .unwrap();
    let refused = store
        .convert_to_shared(
            org,
            leaver.id,
            &[SharedGrant {
                member_id: other.id,
                access: SharedAccess::Read,
            }],
            NOW,
        )
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert!(
        !store.get_user(org, leaver.id).await.unwrap().shared,
        "rolled back"
    );
    assert!(store
        .session_viewer(&token, NOW + 1, crate::support::fixtures::LIMITS)
        .await
        .unwrap()
        .is_some());

    store
        .convert_to_shared(
            org,
            leaver.id,
            &[SharedGrant {
                member_id: ann.id,
                access: SharedAccess::ReadAndSendAs,
            }],
            NOW,
        )
        .await
        .unwrap();
    assert!(store.get_user(org, leaver.id).await.unwrap().shared);
    let members = store.shared_members(org, leaver.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(
        (members[0].user_id, members[0].access),
        (ann.id, SharedAccess::ReadAndSendAs)
    );
}

conformance!(
    converting_a_leaver_grants_access_in_one_step;
    with_url: a_shared_mailbox_takes_no_licence_and_opens_to_its_members,
);
