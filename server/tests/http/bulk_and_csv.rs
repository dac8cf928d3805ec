//! Bulk actions, CSV export and the previewed CSV import.
use crate::support::panel::{nested_query, panel, PASSWORD};
use app::model::ImportState;
use axum::http::{header, StatusCode};

#[tokio::test]
async fn bulk_actions_take_one_confirmation_and_respect_roles() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let ann = panel.add_users(&owner, &["ann"]).await[0];
    let helper_id = panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let both = format!("{ann},{helper_id}");
    let me: serde_json::Value =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&owner)).await.body).unwrap();
    let with_me = format!("{ann},{}", me["user_id"]);

    // The confirmation page lists the accounts; nobody bulk-disables themselves.
    let chosen = panel
        .call("users/selection", &[("ids", both.as_str())], Some(&owner))
        .await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert!(
        chosen.body.contains("ann@council.test") && chosen.body.contains("helper@council.test")
    );
    let own = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", with_me.as_str())],
            Some(&owner),
        )
        .await;
    assert!(own.body.contains("self_action"), "{}", own.body);
    let nothing = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", "")],
            Some(&owner),
        )
        .await;
    assert!(
        nothing.body.contains("nothing_selected"),
        "{}",
        nothing.body
    );

    // A user admin can't reach the account admin, even among others.
    let reach = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", with_me.as_str())],
            Some(&helper),
        )
        .await;
    assert_eq!(reach.status, StatusCode::FORBIDDEN, "{}", reach.body);
    assert_eq!(
        panel.store.get_user(org, ann).await.unwrap().status,
        app::model::AccountStatus::Active,
        "a refused action changes nothing"
    );

    let disabled = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", both.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&helper)).await.status,
        StatusCode::UNAUTHORIZED,
        "disabled accounts are signed out at once"
    );
    let audit = panel.store.list_audit(org, 10).await.unwrap();
    assert_eq!(
        audit.iter().filter(|a| a.action == "user.disable").count(),
        2,
        "one audit event per account"
    );

    // Deleting needs the box ticked.
    let unconfirmed = panel
        .api(
            "users/bulk",
            &[("action", "delete"), ("ids", both.as_str())],
            Some(&owner),
        )
        .await;
    assert!(
        unconfirmed.body.contains("confirm_required"),
        "{}",
        unconfirmed.body
    );
    let deleted = panel
        .api(
            "users/bulk",
            &[
                ("action", "delete"),
                ("ids", both.as_str()),
                ("confirm", "on"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(panel.mailboxes_used(org).await, 1, "only the clerk is left");
}

#[tokio::test]
async fn the_list_exports_as_csv_without_secrets() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    panel.add_users(&owner, &["ann", "bob"]).await;
    let reply = panel
        .get(
            &format!(
                "/api/users/export_csv?{}",
                nested_query("query", "search=ann")
            ),
            Some(&owner),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"users.csv\""
    );
    assert_eq!(
        reply.body,
        "email,name,account_type,quota_gb,status,last_sign_in\n\
         ann@council.test,ann,basic,0.5,active,\n"
    );
    let all = panel.get("/api/users/export_csv", Some(&owner)).await;
    assert_eq!(all.body.lines().count(), 4, "{}", all.body);
    assert!(!all.body.contains("argon2"));
    assert_eq!(
        panel.get("/api/users/export_csv", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_csv_import_is_previewed_and_only_created_on_confirmation() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let csv = "email,name,quota_gb,account_type,password\n\
               new.one@council.test,New One,1.5,enhanced,lantern orchard velvet 42\n\
               new.two@council.test,New Two,0.5,,\n\
               clerk@council.test,Clerk Again,1,,\n\
               x@elsewhere.test,Stranger,1,,\n\
               new.one@council.test,Twice,1,gold,short\n";
    let bad = panel
        .api("users/import/check", &[("csv", "name\nx\n")], Some(&owner))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("csv_invalid"), "{}", bad.body);

    let checked = panel
        .api("users/import/check", &[("csv", csv)], Some(&owner))
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert_eq!(
        panel.mailboxes_used(org).await,
        1,
        "checking creates nothing"
    );
    let location = checked.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let id = location.rsplit('/').next().unwrap().to_owned();

    let (preview, _) = panel.checked_import(&owner, &id).await;
    assert_eq!(preview.state, ImportState::Ready);
    assert!(
        !serde_json::to_string(&preview).unwrap().contains("argon2"),
        "the preview holds no hash"
    );
    assert_eq!(preview.valid(), 2);
    assert_eq!(preview.blocked, None);
    let problems: Vec<(u64, Vec<&str>)> = preview
        .rows
        .iter()
        .map(|r| (r.line, r.errors.iter().map(|e| e.field.as_str()).collect()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (2, vec![]),
            (3, vec![]),
            (4, vec!["email"]),
            (5, vec!["email"]),
            (6, vec!["email", "account_type", "password"]),
        ]
    );
    assert!(preview.rows[0].has_password && !preview.rows[1].has_password);

    // Another admin's upload is not theirs to confirm.
    panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let foreign = panel
        .api(
            "users/import/confirm",
            &[("id", id.as_str())],
            Some(&helper),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);

    let confirmed = panel
        .api("users/import/confirm", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(panel.mailboxes_used(org).await, 4);
    // The given password is the one kept; the line without one gets a hash nothing matches.
    let store = &panel.store;
    let stored = |email: &'static str| async move {
        let address = app::model::EmailAddress::parse(email).unwrap();
        store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .password_hash
    };
    let one = stored("new.one@council.test").await;
    let two = stored("new.two@council.test").await;
    assert!(
        app::security::password::verify_password(PASSWORD.into(), Some(one))
            .await
            .unwrap()
    );
    assert!(two.starts_with("$argon2id$"));
    assert!(
        !app::security::password::verify_password(String::new(), Some(two))
            .await
            .unwrap()
    );
    let again = panel
        .api("users/import/confirm", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "an import is used once"
    );
}

/// A thousand lines take a while to hash: the upload answers at once, the preview shows how
/// many passwords are hashed until all are, and the import can't be confirmed before.
#[tokio::test]
async fn an_import_shows_how_far_its_check_is_and_waits_for_it() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    panel
        .store
        .set_organisation_limits(org, 200, 100_000)
        .await
        .unwrap();
    let lines: String = (0..100)
        .map(|i| format!("user{i}@council.test,User {i},0.1,,lantern orchard velvet {i}\n"))
        .collect();
    let csv = format!("email,name,quota_gb,account_type,password\n{lines}");
    let checked = panel
        .api("users/import/check", &[("csv", csv.as_str())], Some(&owner))
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    let location = checked.headers[header::LOCATION].to_str().unwrap();
    let id = location.rsplit('/').next().unwrap().to_owned();

    let early = panel
        .api("users/import/confirm", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert_eq!(
        early.error_code("form").as_deref(),
        Some("import_not_checked")
    );

    let (preview, seen) = panel.checked_import(&owner, &id).await;
    assert_eq!(preview.state, ImportState::Ready);
    assert_eq!(preview.valid(), 100);
    assert!(preview.rows.iter().all(|r| r.has_password));
    let counts: Vec<u64> = seen
        .iter()
        .filter_map(|s| match s {
            ImportState::Checking { hashed, total } => {
                assert_eq!(*total, 100);
                Some(*hashed)
            }
            _ => None,
        })
        .collect();
    assert!(!counts.is_empty(), "the check was seen under way: {seen:?}");
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(counts.iter().all(|&n| n < 100), "{counts:?}");

    let confirmed = panel
        .api("users/import/confirm", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(panel.mailboxes_used(org).await, 101);
    let user = app::model::EmailAddress::parse("user42@council.test").unwrap();
    let hash = panel
        .store
        .find_login(&user)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(app::security::password::verify_password(
        "lantern orchard velvet 42".into(),
        Some(hash)
    )
    .await
    .unwrap());
}

/// A check that stopped moving (its server stopped) is said to have stopped, and the upload
/// can only be cancelled.
#[tokio::test]
async fn an_import_whose_check_stopped_can_only_be_cancelled() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let me: serde_json::Value =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&owner)).await.body).unwrap();
    let now = app::security::clock::Clock::now(panel.clock.as_ref());
    let id = panel
        .store
        .save_import(
            app::store::NewImport {
                organisation_id: org,
                created_by: me["user_id"].as_i64().unwrap(),
                rows_json: "[]".into(),
                passwords: 3,
                now: now - 600,
            },
            now - 3600,
        )
        .await
        .unwrap()
        .to_string();
    let (preview, _) = panel.checked_import(&owner, &id).await;
    assert_eq!(preview.state, ImportState::Stopped);
    let confirm = panel
        .api("users/import/confirm", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(confirm.status, StatusCode::CONFLICT, "{}", confirm.body);
    let page = panel
        .get(&format!("/users/import/{id}"), Some(&owner))
        .await;
    assert!(
        page.body.contains("The check stopped before it finished"),
        "{}",
        page.body
    );
    let cancel = panel
        .api("users/import/cancel", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.body);
}
