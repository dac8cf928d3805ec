//! A person's own account: their devices, their password and "Confirm it's you".
use crate::support::panel::{panel, PASSWORD};
use axum::http::{header, StatusCode};

#[tokio::test]
async fn mailbox_users_sign_in_to_their_own_account_and_sign_out_their_devices() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    panel.add_users(&owner, &["ann"]).await;
    let laptop = panel.sign_in("ann@council.test", PASSWORD).await;
    let phone = panel.sign_in("ann@council.test", PASSWORD).await;

    // Nothing of the administration is open to them.
    for (path, form) in [
        ("users/list", vec![("query[search]", "")]),
        ("organisation/usage", vec![]),
        ("passwords/devices", vec![("user", "1")]),
        (
            "passwords/reset",
            vec![
                ("form[user]", "1"),
                ("form[password]", "quartz meadow tumble 7"),
                ("form[password_confirm]", "quartz meadow tumble 7"),
                ("form[sign_out]", "all"),
            ],
        ),
        ("users/unlock", vec![("form[id]", "1")]),
        (
            "users/sign_out",
            vec![("form[user]", "1"), ("form[all]", "1")],
        ),
        (
            "users/set_role",
            vec![("form[id]", "1"), ("form[role]", "user_admin")],
        ),
        ("organisation/overview", vec![]),
    ] {
        let reply = panel.call(path, &form, Some(&laptop)).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            reply.body
        );
    }
    let page = panel.page("/users", Some(&laptop)).await;
    assert_eq!(
        page.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap()),
        Some("/account/password"),
        "admin pages send a mailbox user to their account"
    );
    for uri in ["/api/audit/list", "/api/audit/export_csv"] {
        assert_eq!(
            panel.get(uri, Some(&laptop)).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }

    // Their own devices, this one marked.
    let listed = panel.api("account/devices", &[], Some(&laptop)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let devices: Vec<app::model::Device> = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(devices.len(), 2);
    assert_eq!(devices.iter().filter(|d| d.current).count(), 1);
    let this = devices.iter().find(|d| d.current).unwrap().id.to_string();
    let lost = devices.iter().find(|d| !d.current).unwrap().id.to_string();

    // Someone else's session and their own current one are not theirs to end here.
    let clerk_devices: Vec<app::model::Device> =
        serde_json::from_str(&panel.api("account/devices", &[], Some(&owner)).await.body).unwrap();
    let clerks = clerk_devices[0].id.to_string();
    let none = panel
        .api(
            "account/sign_out_devices",
            &[("end[0]", &this), ("end[1]", &clerks)],
            Some(&laptop),
        )
        .await;
    assert_eq!(none.status, StatusCode::OK, "{}", none.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&owner)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&laptop)).await.status,
        StatusCode::OK
    );

    let ended = panel
        .api(
            "account/sign_out_devices",
            &[("end[0]", &lost)],
            Some(&laptop),
        )
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert_eq!(
        panel.api("account/devices", &[], Some(&phone)).await.status,
        StatusCode::UNAUTHORIZED,
        "the lost phone is out on its next request"
    );
    let left: Vec<app::model::Device> =
        serde_json::from_str(&panel.api("account/devices", &[], Some(&laptop)).await.body).unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].current);
    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 50).await.unwrap();
    assert!(events.iter().any(
        |e| e.action == "session.sign_out_devices" && e.detail.contains("\"sessions_ended\":1")
    ));
}

#[tokio::test]
async fn sensitive_actions_ask_for_the_password_again_after_a_while() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann", "bob", "cat"]).await;
    let helper = panel.add_user_admin().await.to_string();
    let (ann, bob, cat) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
    // Sixteen minutes after signing in, the session is live but its proof is too old.
    panel.clock.advance(16 * 60);
    let refused = panel.delete_user(&owner, &bob, "bob@council.test").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("ReauthRequired"), "{}", refused.body);
    let bulk = panel
        .api(
            "users/bulk",
            &[
                ("action", "delete"),
                ("ids", cat.as_str()),
                ("confirm", "on"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::FORBIDDEN, "{}", bulk.body);
    assert_eq!(
        panel.reset(&owner, &helper).await.status,
        StatusCode::FORBIDDEN,
        "an admin's password"
    );
    assert_eq!(
        panel.reset(&owner, &ann).await.status,
        StatusCode::OK,
        "an ordinary user's is not sensitive"
    );
    let org = panel.organisation().await;
    assert_eq!(
        panel.store.get_user(org, ids[1]).await.unwrap().email,
        "bob@council.test",
        "nothing was deleted"
    );

    // A wrong password is refused on its field, audited, and counts towards the lock.
    let wrong = panel
        .api(
            "account/confirm_password",
            &[("password", "not it")],
            Some(&owner),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("current_password_wrong"),
        "{}",
        wrong.body
    );
    assert_eq!(
        panel
            .store
            .get_user(org, panel.user_id_of("clerk").await)
            .await
            .unwrap()
            .failed_sign_ins,
        1
    );
    assert_eq!(
        panel
            .delete_user(&owner, &bob, "bob@council.test")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let confirmed = panel
        .api(
            "account/confirm_password",
            &[("password", PASSWORD), ("next", "https://evil.test/")],
            Some(&owner),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(
        panel
            .delete_user(&owner, &bob, "bob@council.test")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(panel.reset(&owner, &helper).await.status, StatusCode::OK);

    // The confirmation lasts its window, then is asked again.
    panel.clock.advance(16 * 60);
    let again = panel
        .api(
            "users/delete",
            &[("id", ann.as_str()), ("confirm", "ann@council.test")],
            Some(&owner),
        )
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    let events = panel.store.list_audit(org, 100).await.unwrap();
    let confirms: Vec<bool> = events
        .iter()
        .filter(|e| e.action == "password.confirm")
        .map(|e| e.success)
        .collect();
    assert_eq!(confirms, [true, false], "newest first");
    assert!(events.iter().all(|e| !e.detail.contains(PASSWORD)));
}

/// Sign-in, "Confirm it's you" and the current password of a change are one check: a wrong
/// password in any of them counts towards the same lock, and a locked account is refused in
/// all three, even with the right password.
#[tokio::test]
async fn every_typed_password_counts_towards_the_same_lock() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    let change = |current: &'static str| {
        [
            ("current", current),
            ("password", "quartz meadow tumble 7"),
            ("password_confirm", "quartz meadow tumble 7"),
        ]
    };
    for _ in 0..3 {
        let refused = panel
            .api(
                "account/change_password",
                &change("not my password"),
                Some(&cookie),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(
            refused.body.contains("current_password_wrong"),
            "{}",
            refused.body
        );
    }
    for _ in 0..2 {
        let refused = panel
            .api(
                "account/confirm_password",
                &[("password", "not my password")],
                Some(&cookie),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    }
    // Five wrong passwords, wherever typed: the account is locked.
    let org = panel.organisation().await;
    let id = panel.user_id_of("clerk").await;
    let user = panel.store.get_user(org, id).await.unwrap();
    assert!(
        user.locked_until.is_some(),
        "five failures lock the account"
    );
    let wrong = panel
        .try_sign_in("clerk@council.test", "not my password")
        .await;
    let right = panel.try_sign_in("clerk@council.test", PASSWORD).await;
    assert_eq!(
        right.status, wrong.status,
        "locked: the right password fails too"
    );
    assert_eq!(right.body, wrong.body);
    assert!(right.cookie().is_none());
    let confirm = panel
        .api(
            "account/confirm_password",
            &[("password", PASSWORD)],
            Some(&cookie),
        )
        .await;
    assert_eq!(confirm.status, StatusCode::BAD_REQUEST, "{}", confirm.body);
    let changed = panel
        .api("account/change_password", &change(PASSWORD), Some(&cookie))
        .await;
    assert_eq!(changed.status, StatusCode::BAD_REQUEST, "{}", changed.body);

    let events = panel.store.list_audit(org, 50).await.unwrap();
    let refusals = |action: &str, reason: &str| {
        events
            .iter()
            .filter(|e| e.action == action && !e.success && e.detail.contains(reason))
            .count()
    };
    assert_eq!(refusals("password.change", "wrong_password"), 3);
    assert_eq!(refusals("password.confirm", "wrong_password"), 2);
    assert_eq!(refusals("password.change", "\"locked\""), 1);
    assert_eq!(refusals("password.confirm", "\"locked\""), 1);
    assert!(events.iter().all(|e| !e.detail.contains(PASSWORD)));
}
