//! App passwords through the panel, on both databases: made by the user or their administrator,
//! shown once to whoever made it, kept as an argon2id hash with its lookup, revoked one by
//! one or with a reset. What the mail server then does is in `tests/mail_server.rs`.
use crate::support::panel::{config, pair, panel, panel_on_postgres, Panel, PASSWORD, SHOWN_ONCE};
use app::model::{AppPassword, NewAppPasswordShown};
use axum::http::StatusCode;

async fn both() -> [Panel; 2] {
    [panel().await, panel_on_postgres(config()).await]
}

#[tokio::test]
async fn a_user_makes_an_app_password_sees_it_once_and_revokes_it() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["ann"]).await;
        let ann = panel.sign_in("ann@council.test", PASSWORD).await;

        let unnamed = panel
            .api("app_passwords/create", &[("name", "  ")], Some(&ann))
            .await;
        assert_eq!(unnamed.error_code("name").as_deref(), Some("required"));
        let made = panel
            .api(
                "app_passwords/create",
                &[("name", "Thunderbird on the laptop")],
                Some(&ann),
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let shown: NewAppPasswordShown = serde_json::from_str(&made.body).unwrap();
        assert_eq!(shown.email, "ann@council.test");
        assert_eq!(shown.password.len(), 20);
        assert!(shown
            .password
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'9').contains(&b)));
        // A plain form post's next page reads it once from the sealed cookie.
        let once = pair(&made.cookie_named(SHOWN_ONCE).unwrap());
        let with_once = format!("{ann}; {once}");
        let fresh = panel
            .api("app_passwords/fresh", &[], Some(&with_once))
            .await;
        let fresh: Option<NewAppPasswordShown> = serde_json::from_str(&fresh.body).unwrap();
        assert_eq!(fresh.map(|f| f.password), Some(shown.password.clone()));

        let listed = panel.api("app_passwords/own", &[], Some(&ann)).await;
        let listed: Vec<AppPassword> = serde_json::from_str(&listed.body).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "Thunderbird on the laptop");
        assert_eq!(listed[0].created_by, None);
        assert!(!serde_json::to_string(&listed)
            .unwrap()
            .contains(&shown.password));
        let org = panel.organisation().await;
        let events = panel.store.list_audit(org, 50).await.unwrap();
        assert!(events.iter().any(|e| e.action == "app_password.create"));
        assert!(events
            .iter()
            .all(|e| !e.detail.contains(&shown.password[4..])));

        // Another user's id is nobody's to revoke.
        let bob = panel.add_users(&owner, &["bob"]).await[0];
        let bob_session = panel.sign_in("bob@council.test", PASSWORD).await;
        let theirs = panel
            .api(
                "app_passwords/revoke",
                &[("id", &listed[0].id.to_string())],
                Some(&bob_session),
            )
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        assert_eq!(panel.store.app_passwords(ids[0]).await.unwrap().len(), 1);
        assert!(panel.store.app_passwords(bob).await.unwrap().is_empty());

        let revoked = panel
            .api(
                "app_passwords/revoke",
                &[("id", &listed[0].id.to_string())],
                Some(&ann),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
        assert!(panel.store.app_passwords(ids[0]).await.unwrap().is_empty());
        let again = panel
            .api(
                "app_passwords/revoke",
                &[("id", &listed[0].id.to_string())],
                Some(&ann),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn an_administrator_makes_and_revokes_a_users_app_passwords_and_a_reset_may_revoke_all() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["ann"]).await;
        let id = ids[0].to_string();
        let made = panel
            .api(
                "app_passwords/create_for_user",
                &[("user", &id), ("name", "Outlook at the front desk")],
                Some(&owner),
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let shown: NewAppPasswordShown = serde_json::from_str(&made.body).unwrap();
        assert_eq!(shown.email, "ann@council.test");
        let listed = panel
            .call(
                "app_passwords/of_user",
                &[("user", id.as_str())],
                Some(&owner),
            )
            .await;
        let listed: Vec<AppPassword> = serde_json::from_str(&listed.body).unwrap();
        assert_eq!(listed[0].created_by.as_deref(), Some("clerk@council.test"));
        // The user sees it too, and never its password.
        let ann = panel.sign_in("ann@council.test", PASSWORD).await;
        let theirs = panel.api("app_passwords/own", &[], Some(&ann)).await;
        assert!(theirs.body.contains("Outlook at the front desk"));
        assert!(!theirs.body.contains(&shown.password));
        // A mailbox user is no administrator.
        let refused = panel
            .api(
                "app_passwords/create_for_user",
                &[("user", &id), ("name", "Mine")],
                Some(&ann),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        // An administrator's app passwords are theirs to make.
        let helper = panel.add_user_admin().await;
        let helper_session = panel.sign_in("helper@council.test", PASSWORD).await;
        let on_owner = panel
            .api(
                "app_passwords/create_for_user",
                &[
                    ("user", &panel.user_id_of("clerk").await.to_string()),
                    ("name", "x"),
                ],
                Some(&helper_session),
            )
            .await;
        assert_eq!(on_owner.status, StatusCode::FORBIDDEN);
        assert!(panel.store.app_passwords(helper).await.unwrap().is_empty());

        // A reset keeps them unless asked; with "Also revoke app passwords" they go.
        let kept = panel.reset(&owner, &id).await;
        assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
        assert_eq!(panel.store.app_passwords(ids[0]).await.unwrap().len(), 1);
        let revoking = panel
            .api(
                "passwords/reset",
                &[
                    ("user", id.as_str()),
                    ("password", "quartz meadow tumble 7"),
                    ("password_confirm", "quartz meadow tumble 7"),
                    ("sign_out", "all"),
                    ("revoke_app_passwords", "on"),
                ],
                Some(&owner),
            )
            .await;
        assert_eq!(revoking.status, StatusCode::OK, "{}", revoking.body);
        assert!(panel.store.app_passwords(ids[0]).await.unwrap().is_empty());
        let org = panel.organisation().await;
        let events = panel.store.list_audit(org, 50).await.unwrap();
        assert!(events
            .iter()
            .any(|e| e.action == "password.reset"
                && e.detail.contains("\"app_passwords_revoked\":true")));

        let again = panel
            .api(
                "app_passwords/create_for_user",
                &[("user", &id), ("name", "Phone")],
                Some(&owner),
            )
            .await;
        let listed = panel
            .call(
                "app_passwords/of_user",
                &[("user", id.as_str())],
                Some(&owner),
            )
            .await;
        let listed: Vec<AppPassword> = serde_json::from_str(&listed.body).unwrap();
        assert_eq!(again.status, StatusCode::OK);
        let revoked = panel
            .api(
                "app_passwords/revoke_for_user",
                &[("user", &id), ("id", &listed[0].id.to_string())],
                Some(&owner),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
        assert!(panel.store.app_passwords(ids[0]).await.unwrap().is_empty());
    }
}
