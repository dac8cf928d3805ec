//! Shared mailboxes on both databases: made as such without a licence, members chosen by
//! address among the organisation's people, a leaver's mailbox converted with its colleagues
//! let in at once, and every refusal next to its field.
use crate::support::panel::{config, panel, panel_on_postgres, Panel, PASSWORD};
use app::model::{AuditQuery, SharedAccess, SharedMember};
use axum::http::StatusCode;

async fn both() -> [Panel; 2] {
    [panel().await, panel_on_postgres(config()).await]
}

async fn members(panel: &Panel, owner: &str, mailbox: &str) -> Vec<(String, SharedAccess)> {
    let reply = panel
        .call("shared/members", &[("mailbox", mailbox)], Some(owner))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let members: Vec<SharedMember> = serde_json::from_str(&reply.body).unwrap();
    members.into_iter().map(|m| (m.email, m.access)).collect()
}

#[tokio::test]
async fn a_shared_mailbox_is_made_and_its_members_chosen() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["ann", "bob"]).await;
        let org = panel.organisation().await;
        let domain = panel.store.list_domains(org).await.unwrap()[0]
            .id
            .to_string();
        let before = panel.store.organisation_usage(org).await.unwrap();
        // No licence left: a shared mailbox is made all the same.
        let limits = [
            ("licences", before.mailboxes_used.to_string()),
            ("storage_gb", "100".to_owned()),
        ];
        let limits: Vec<(&str, &str)> = limits.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let saved = panel
            .api("organisation/limits", &limits, Some(&owner))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let create = |username: &'static str, quota: &'static str| {
            let (domain, owner, panel) = (domain.clone(), owner.clone(), &panel);
            async move {
                panel
                    .api(
                        "shared/create",
                        &[
                            ("domain", domain.as_str()),
                            ("username", username),
                            ("name", "Allotments"),
                            ("quota_gb", quota),
                        ],
                        Some(&owner),
                    )
                    .await
            }
        };
        let bad = create("Not Valid!", "x").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert_eq!(
            bad.error_code("username").as_deref(),
            Some("local_part_invalid")
        );
        assert_eq!(bad.error_code("quota_gb").as_deref(), Some("quota_invalid"));
        let taken = create("ann", "1").await;
        assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
        let made = create("allotments", "1").await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let location = made.location().unwrap().to_owned();
        assert!(location.ends_with("?notice=shared_created"), "{location}");
        let mailbox = location
            .trim_start_matches("/users/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let after = panel.store.organisation_usage(org).await.unwrap();
        assert_eq!(after.mailboxes_used, before.mailboxes_used, "no licence");
        assert_eq!(
            after.storage_allocated_mb,
            before.storage_allocated_mb + 1000
        );
        let detail = panel
            .store
            .get_user(org, mailbox.parse().unwrap())
            .await
            .unwrap();
        assert!(detail.shared);
        let stored = panel
            .store
            .find_login(&app::model::EmailAddress::parse("allotments@council.test").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(
            stored.password_hash.starts_with("$argon2id$"),
            "an argon2id hash like every other"
        );
        let refused = panel.try_sign_in("allotments@council.test", PASSWORD).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "nobody signs in to it"
        );
        assert!(refused.body.contains("sign_in_failed"), "{}", refused.body);

        let add = |email: &'static str, access: &'static str| {
            let (mailbox, owner, panel) = (mailbox.clone(), owner.clone(), &panel);
            async move {
                panel
                    .api(
                        "shared/add_member",
                        &[
                            ("mailbox", mailbox.as_str()),
                            ("email", email),
                            ("access", access),
                        ],
                        Some(&owner),
                    )
                    .await
            }
        };
        for (email, access, field, code) in [
            ("nobody@council.test", "read", "email", "mailbox_unknown"),
            (
                "someone@elsewhere.example",
                "read",
                "email",
                "mailbox_unknown",
            ),
            (
                "allotments@council.test",
                "read",
                "email",
                "member_is_shared",
            ),
            ("not an address", "read", "email", "email_invalid"),
            ("ann@council.test", "write", "access", "choice_invalid"),
        ] {
            let refused = add(email, access).await;
            assert_eq!(
                refused.status,
                StatusCode::BAD_REQUEST,
                "{email}: {}",
                refused.body
            );
            assert_eq!(refused.error_code(field).as_deref(), Some(code), "{email}");
        }
        assert!(members(&panel, &owner, &mailbox).await.is_empty());
        assert_eq!(
            add("ann@council.test", "read_and_send_as").await.status,
            StatusCode::OK
        );
        assert_eq!(add("bob@council.test", "read").await.status, StatusCode::OK);
        assert_eq!(
            add("bob@council.test", "read_and_send_as").await.status,
            StatusCode::OK
        );
        assert_eq!(
            members(&panel, &owner, &mailbox).await,
            [
                ("ann@council.test".to_owned(), SharedAccess::ReadAndSendAs),
                ("bob@council.test".to_owned(), SharedAccess::ReadAndSendAs),
            ]
        );
        // A mailbox that is not shared has no members to list or add.
        let ann = ids[0].to_string();
        let not_shared = panel
            .call("shared/members", &[("mailbox", ann.as_str())], Some(&owner))
            .await;
        assert_eq!(not_shared.status, StatusCode::NOT_FOUND);

        let removed = panel
            .api(
                "shared/remove_member",
                &[("mailbox", mailbox.as_str()), ("member", ann.as_str())],
                Some(&owner),
            )
            .await;
        assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
        let again = panel
            .api(
                "shared/remove_member",
                &[("mailbox", mailbox.as_str()), ("member", ann.as_str())],
                Some(&owner),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);

        // The page shows the members and how to open the mailbox; audited all along.
        let page = panel.page(&format!("/users/{mailbox}"), Some(&owner)).await;
        assert!(page
            .body
            .contains("<h2 id=\"members-heading\">Members</h2>"));
        // The way to open it: the shared address and "*" before the member's own.
        assert!(page
            .body
            .contains("allotments@council.test*<!> followed by their own address"));
        assert!(page.body.contains("Remove <!>bob@council.test</button>"));
        let query = AuditQuery::default();
        let actions: Vec<_> = panel
            .store
            .search_audit(org, &query, 50)
            .await
            .unwrap()
            .into_iter()
            .filter(|l| l.action.starts_with("shared."))
            .map(|l| l.action)
            .collect();
        assert_eq!(
            actions,
            [
                "shared.remove_member",
                "shared.add_member",
                "shared.add_member",
                "shared.add_member",
                "shared.create"
            ]
        );
    }
}

#[tokio::test]
async fn converting_a_leaver_lets_the_colleagues_named_in() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["leaver", "ann", "bob"]).await;
        let leaver = ids[0].to_string();
        let convert = |members: &'static str| {
            let (leaver, owner, panel) = (leaver.clone(), owner.clone(), &panel);
            async move {
                panel
                    .api(
                        "users/convert_shared",
                        &[
                            ("id", leaver.as_str()),
                            ("members", members),
                            ("access", "read_and_send_as"),
                        ],
                        Some(&owner),
                    )
                    .await
            }
        };
        // A name nobody has: refused, naming it, and the mailbox stays as it was.
        let refused = convert("ann@council.test\ncarol@council.test").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(
            refused.error_code("members").as_deref(),
            Some("mailbox_unknown")
        );
        assert!(
            refused.body.contains("carol@council.test"),
            "{}",
            refused.body
        );
        let refused = convert("leaver@council.test").await;
        assert_eq!(
            refused.error_code("members").as_deref(),
            Some("member_is_shared")
        );
        let org = panel.organisation().await;
        assert!(!panel.store.get_user(org, ids[0]).await.unwrap().shared);

        let done = convert("ann@council.test, bob@council.test").await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(panel.store.get_user(org, ids[0]).await.unwrap().shared);
        assert_eq!(
            members(&panel, &owner, &leaver).await,
            [
                ("ann@council.test".to_owned(), SharedAccess::ReadAndSendAs),
                ("bob@council.test".to_owned(), SharedAccess::ReadAndSendAs),
            ]
        );
        let query = AuditQuery {
            action: "user.convert_shared".into(),
            ..AuditQuery::default()
        };
        let line = &panel.store.search_audit(org, &query, 5).await.unwrap()[0];
        assert!(line.detail.contains("bob@council.test"), "{}", line.detail);
        // Without anyone named, as before: a shared mailbox without members.
        let plain = panel.add_users(&owner, &["other"]).await[0].to_string();
        let done = panel
            .api(
                "users/convert_shared",
                &[("id", plain.as_str())],
                Some(&owner),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(members(&panel, &owner, &plain).await.is_empty());
    }
}
