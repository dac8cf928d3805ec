//! Roles and scopes: what each administrator may read and change.
use crate::support::panel::{panel, Panel, Reply, PASSWORD};
use axum::http::{header, StatusCode};

/// Every call an administrator makes about one user, `id`, as (function, form).
fn calls_about_user(id: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let id = id.to_owned();
    let s = |v: &str| v.to_owned();
    vec![
        ("users/get", vec![("id", id.clone())]),
        (
            "users/update",
            vec![
                ("form[id]", id.clone()),
                ("form[name]", s("Renamed")),
                ("form[account_type]", s("basic")),
                ("form[quota_gb]", s("1")),
            ],
        ),
        ("users/unlock", vec![("form[id]", id.clone())]),
        (
            "users/sign_out",
            vec![("form[user]", id.clone()), ("form[all]", s("1"))],
        ),
        ("users/convert_shared", vec![("form[id]", id.clone())]),
        ("users/selection", vec![("ids", id.clone())]),
        (
            "users/bulk",
            vec![("form[action]", s("disable")), ("form[ids]", id.clone())],
        ),
        ("aliases/list", vec![("user", id.clone())]),
        (
            "aliases/add",
            vec![
                ("form[user]", id.clone()),
                ("form[username]", s("nick")),
                ("form[domain]", s("1")),
            ],
        ),
        (
            "aliases/remove",
            vec![("form[user]", id.clone()), ("form[id]", s("1"))],
        ),
        (
            "passwords/generate",
            vec![
                ("form[user]", id.clone()),
                ("form[words]", s("4")),
                ("form[separator]", s("hyphen")),
                ("form[digits]", s("2")),
            ],
        ),
        ("passwords/devices", vec![("user", id.clone())]),
        ("passwords/mail", vec![("user", id.clone())]),
        (
            "passwords/reset",
            vec![
                ("form[user]", id.clone()),
                ("form[password]", s("quartz meadow tumble 7")),
                ("form[password_confirm]", s("quartz meadow tumble 7")),
                ("form[sign_out]", s("all")),
            ],
        ),
        (
            "users/delete",
            vec![("form[id]", id), ("form[confirm]", s("x"))],
        ),
    ]
}

/// Calls every function about user `id` as `cookie` and expects `status` from each, and that
/// the user is still there, unchanged. A refusal by rank (403) still lets the caller read the
/// record, as the users list does; a refusal by domain (404) hides it altogether.
async fn expect_refused_about(panel: &Panel, cookie: &str, id: i64, status: StatusCode, who: &str) {
    let org = panel.organisation().await;
    let before = panel.store.get_user(org, id).await.unwrap();
    for (path, form) in calls_about_user(&id.to_string()) {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = panel.call(path, &form, Some(cookie)).await;
        let expected = if path == "users/get" && status == StatusCode::FORBIDDEN {
            StatusCode::OK
        } else {
            status
        };
        assert_eq!(reply.status, expected, "{who}: {path}: {}", reply.body);
    }
    let uri = format!("/api/users/export?id={id}");
    let expected = if status == StatusCode::FORBIDDEN {
        StatusCode::OK
    } else {
        status
    };
    assert_eq!(
        panel.get(&uri, Some(cookie)).await.status,
        expected,
        "{who}: export"
    );
    let after = panel.store.get_user(org, id).await.unwrap();
    assert_eq!(before, after, "{who} changed nothing");
}

#[tokio::test]
async fn the_account_admin_grants_roles_which_hold_on_the_next_request() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann", "bob"]).await;
    let (ann, bob) = (ids[0], ids[1]);
    let clerk = panel.user_id_of("clerk").await;
    let ann_cookie = panel.sign_in("ann@council.test", PASSWORD).await;
    let panel = &panel;
    let list = |cookie: String| async move {
        panel
            .call("users/list", &[("query[search]", "")], Some(&cookie))
            .await
            .status
    };
    assert_eq!(list(ann_cookie.clone()).await, StatusCode::FORBIDDEN);

    let granted = panel.set_role(&owner, ann, "user_admin", &[]).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    assert_eq!(
        list(ann_cookie.clone()).await,
        StatusCode::OK,
        "the same session, now an admin"
    );
    let me: app::model::Viewer =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&ann_cookie)).await.body).unwrap();
    assert_eq!(me.role, app::model::Role::UserAdmin);
    assert_eq!(me.scope, app::model::AdminScope::Organisation);

    // A user admin manages mailbox users, but grants nothing and touches no other admin.
    assert_eq!(
        panel.reset(&ann_cookie, &bob.to_string()).await.status,
        StatusCode::OK
    );
    assert_eq!(
        panel
            .set_role(&ann_cookie, bob, "user_admin", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        panel.set_role(&owner, bob, "user_admin", &[]).await.status,
        StatusCode::OK
    );
    let bob_cookie = panel
        .sign_in("bob@council.test", "quartz meadow tumble 7")
        .await;
    expect_refused_about(
        panel,
        &ann_cookie,
        bob,
        StatusCode::FORBIDDEN,
        "user admin on another",
    )
    .await;
    expect_refused_about(
        panel,
        &ann_cookie,
        clerk,
        StatusCode::FORBIDDEN,
        "user admin on the owner",
    )
    .await;
    assert_eq!(
        panel
            .api("auth/whoami", &[], Some(&bob_cookie))
            .await
            .status,
        StatusCode::OK,
        "bob was not signed out by any of it"
    );

    // What the account admin can't grant, each refusal on its field.
    let field_error = |reply: &Reply, field: &str| {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert!(
            reply.body.contains(&format!("\"{field}\"")),
            "{field}: {}",
            reply.body
        );
    };
    field_error(
        &panel.set_role(&owner, ann, "account_admin", &[]).await,
        "role",
    );
    field_error(
        &panel.set_role(&owner, ann, "domain_admin", &[]).await,
        "domains",
    );
    field_error(
        &panel
            .set_role(&owner, ann, "domain_admin", &[987_654])
            .await,
        "domains",
    );
    field_error(&panel.set_role(&owner, clerk, "user", &[]).await, "role");
    let org = panel.organisation().await;
    assert_eq!(
        panel.set_role(&owner, 987_654, "user", &[]).await.status,
        StatusCode::NOT_FOUND
    );

    // Changing a role is sensitive: after a while the owner confirms the password first.
    panel.clock.advance(16 * 60);
    let stale = panel.set_role(&owner, ann, "user", &[]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    assert!(stale.body.contains("ReauthRequired"), "{}", stale.body);
    let owner = panel.sign_in("clerk@council.test", PASSWORD).await;
    let ann_cookie = panel.sign_in("ann@council.test", PASSWORD).await;
    assert_eq!(
        panel.set_role(&owner, ann, "user", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        list(ann_cookie).await,
        StatusCode::FORBIDDEN,
        "demoted at once"
    );

    let events = panel.store.list_audit(org, 50).await.unwrap();
    let roles: Vec<_> = events.iter().filter(|e| e.action == "user.role").collect();
    assert_eq!(
        roles.len(),
        3,
        "one event per change that happened: {roles:?}"
    );
    assert!(roles.iter().any(|e| e.target == "ann@council.test"
        && e.detail.contains("\"from\":\"user_admin\"")
        && e.detail.contains("\"to\":\"user\"")));
}

#[tokio::test]
async fn a_domain_admin_can_neither_read_nor_change_another_domain_by_id_or_address() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let a = panel.store.list_domains(org).await.unwrap()[0].id;
    let ids = panel.add_users(&owner, &["ann", "carl"]).await;
    let b = panel.add_domain(&owner, "b.test").await;
    let (ann, carl) = (ids[0], ids[1]);
    let created = panel.create_in(&owner, b, "bea").await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let bea = panel
        .store
        .find_login(&app::model::EmailAddress::parse("bea@b.test").unwrap())
        .await
        .unwrap()
        .unwrap()
        .user_id;
    let list = panel
        .api(
            "lists/create",
            &[
                ("name", "Staff"),
                ("username", "staff"),
                ("domain", &b.to_string()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let granted = panel.set_role(&owner, ann, "domain_admin", &[a]).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    let admin = panel.sign_in("ann@council.test", PASSWORD).await;
    let me: app::model::Viewer =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&admin)).await.body).unwrap();
    assert!(
        matches!(&me.scope, app::model::AdminScope::Domains(d) if d.len() == 1 && d[0].id == a)
    );

    // By id: b.test's user reads as not found, and stays as she was.
    expect_refused_about(
        &panel,
        &admin,
        bea,
        StatusCode::NOT_FOUND,
        "domain admin of a",
    )
    .await;

    // By address: searches, domain filters and exports never hold her.
    for form in [
        vec![("search", "bea@b.test")],
        vec![("search", "")],
        vec![("search", ""), ("domain", &b.to_string())],
    ] {
        let reply = panel.api("users/list", &form, Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(!reply.body.contains("b.test"), "{form:?}: {}", reply.body);
    }
    let all = panel
        .call("users/list", &[("query[search]", "")], Some(&admin))
        .await;
    assert!(all.body.contains("carl@council.test"), "{}", all.body);
    let csv = panel
        .get("/api/users/export_csv?query%5Bsearch%5D=", Some(&admin))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("carl@council.test") && !csv.body.contains("b.test"),
        "{}",
        csv.body
    );
    for path in ["domains/list", "domains/summaries", "lists/list"] {
        let reply = panel.api(path, &[], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        assert!(!reply.body.contains("b.test"), "{path}: {}", reply.body);
    }
    let lists = panel.store.list_lists(org).await.unwrap();
    let staff = lists[0].id.to_string();
    for (path, form) in [
        ("lists/get", vec![("id", staff.as_str())]),
        (
            "lists/add_member",
            vec![
                ("form[id]", staff.as_str()),
                ("form[email]", "carl@council.test"),
            ],
        ),
        (
            "lists/remove_member",
            vec![("form[id]", staff.as_str()), ("form[user]", "1")],
        ),
        (
            "lists/delete",
            vec![
                ("form[id]", staff.as_str()),
                ("form[confirm]", "staff@b.test"),
            ],
        ),
    ] {
        let reply = panel.call(path, &form, Some(&admin)).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.body
        );
    }
    assert_eq!(panel.store.list_lists(org).await.unwrap().len(), 1);

    // Creating in b.test, or an alias there, is refused next to the domain.
    let refused = panel.create_in(&admin, b, "eve").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("domain_unknown"), "{}", refused.body);
    let alias = panel
        .api(
            "aliases/add",
            &[
                ("user", &carl.to_string()),
                ("username", "c"),
                ("domain", &b.to_string()),
            ],
            Some(&admin),
        )
        .await;
    assert!(alias.body.contains("domain_unknown"), "{}", alias.body);
    let import = panel
        .api(
            "users/import/check",
            &[("csv", "email,name,quota_gb\neve@b.test,Eve,1\n")],
            Some(&admin),
        )
        .await;
    assert_eq!(import.status, StatusCode::OK, "{}", import.body);
    let location = import.headers[header::LOCATION].to_str().unwrap();
    let import_id = location.rsplit('/').next().unwrap().to_owned();
    let preview = panel
        .call("users/import/get", &[("id", &import_id)], Some(&admin))
        .await;
    assert!(preview.body.contains("domain_unknown"), "{}", preview.body);
    let confirmed = panel
        .api("users/import/confirm", &[("id", &import_id)], Some(&admin))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        panel
            .store
            .find_login(&app::model::EmailAddress::parse("eve@b.test").unwrap())
            .await
            .unwrap()
            .is_none(),
        "the refused line created nothing"
    );

    // Organisation-wide pages are for organisation-wide admins.
    for path in ["organisation/overview"] {
        assert_eq!(
            panel.api(path, &[], Some(&admin)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for uri in ["/api/audit/list", "/api/audit/export_csv"] {
        assert_eq!(
            panel.get(uri, Some(&admin)).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }

    // Inside a.test the domain admin works as any user admin.
    assert_eq!(
        panel.reset(&admin, &carl.to_string()).await.status,
        StatusCode::OK
    );
    assert_eq!(
        panel.create_in(&admin, a, "dora").await.status,
        StatusCode::OK
    );
    // With a.test taken away they manage nothing, not everything.
    assert_eq!(
        panel
            .set_role(&owner, ann, "domain_admin", &[b])
            .await
            .status,
        StatusCode::OK
    );
    expect_refused_about(&panel, &admin, carl, StatusCode::NOT_FOUND, "moved to b").await;
    let now_b = panel
        .call("users/list", &[("query[search]", "")], Some(&admin))
        .await;
    assert!(
        now_b.body.contains("bea@b.test") && !now_b.body.contains("carl@"),
        "{}",
        now_b.body
    );
}

#[tokio::test]
async fn an_admin_signs_a_user_out_of_chosen_devices_or_all_and_the_cookies_get_401() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ann = panel.add_users(&owner, &["ann"]).await[0].to_string();
    let laptop = panel.sign_in("ann@council.test", PASSWORD).await;
    let phone = panel.sign_in("ann@council.test", PASSWORD).await;
    let tablet = panel.sign_in("ann@council.test", PASSWORD).await;
    let panel = &panel;
    let status = |cookie: String| async move {
        panel
            .api("account/devices", &[], Some(&cookie))
            .await
            .status
    };
    let listed = panel
        .call("passwords/devices", &[("user", &ann)], Some(&owner))
        .await;
    let devices: Vec<app::model::Device> = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(devices.len(), 3);
    assert!(
        devices.iter().all(|d| !d.current),
        "none of them is the admin's"
    );

    // Nothing ticked: refused, nothing ends.
    let none = panel
        .api("users/sign_out", &[("user", &ann)], Some(&owner))
        .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.body);
    assert!(none.body.contains("no_device_chosen"), "{}", none.body);

    // The phone only (the second signed in): newest first in the list.
    let phone_id = devices[1].id.to_string();
    let one = panel
        .api(
            "users/sign_out",
            &[("user", &ann), ("end[0]", &phone_id)],
            Some(&owner),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(
        status(phone.clone()).await,
        StatusCode::UNAUTHORIZED,
        "the replayed phone cookie"
    );
    assert_eq!(status(laptop.clone()).await, StatusCode::OK);
    assert_eq!(status(tablet.clone()).await, StatusCode::OK);

    // All: every other cookie is out too; the admin's own session stays.
    let all = panel
        .api(
            "users/sign_out",
            &[("user", &ann), ("all", "1")],
            Some(&owner),
        )
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    for cookie in [laptop, tablet, phone] {
        assert_eq!(status(cookie).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&owner)).await.status,
        StatusCode::OK
    );

    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 50).await.unwrap();
    let outs: Vec<_> = events
        .iter()
        .filter(|e| e.action == "user.sign_out")
        .collect();
    assert_eq!(outs.len(), 2, "the refused call left no event: {outs:?}");
    assert!(
        outs[0].detail.contains("\"all\":true") && outs[0].detail.contains("\"sessions_ended\":2")
    );
    assert!(
        outs[1].detail.contains("\"all\":false") && outs[1].detail.contains("\"sessions_ended\":1")
    );
}
