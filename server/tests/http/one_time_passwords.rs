//! The administrator's one-time password on both databases: its minutes on the test clock, shown
//! once to whoever made it, nothing else of the account touched, who may make one, and the
//! audit trail the user sees on My account. What Dovecot does with it is in
//! `tests/mail_server.rs`.
use crate::support::panel::{both, pair, Panel, PASSWORD, SHOWN_ONCE};
use app::model::{AuditLine, NewOneTimePasswordShown, OneTimePassword};
use axum::http::StatusCode;

/// The user's one-time password as their Security tab reads it.
async fn live(panel: &Panel, user: &str, admin: &str) -> Option<OneTimePassword> {
    let reply = panel
        .call("one_time_passwords/of_user", &[("user", user)], Some(admin))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

#[tokio::test]
async fn a_one_time_password_works_for_its_minutes_and_changes_nothing_else() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ann = panel.add_users(&owner, &["ann"]).await[0].to_string();
        let ann_session = panel.sign_in("ann@council.test", PASSWORD).await;
        let app = panel
            .api(
                "app_passwords/create",
                &[("name", "Phone")],
                Some(&ann_session),
            )
            .await;
        assert_eq!(app.status, StatusCode::OK, "{}", app.body);
        let start = panel.state.services.clock.now();
        assert_eq!(live(&panel, &ann, &owner).await, None);

        let made = panel
            .api(
                "one_time_passwords/create",
                &[("id", ann.as_str())],
                Some(&owner),
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let shown: NewOneTimePasswordShown = serde_json::from_str(&made.body).unwrap();
        assert_eq!(shown.email, "ann@council.test");
        assert_eq!(shown.password.len(), 20);
        assert_eq!(shown.expires_at, start + 300, "five minutes by default");
        // Shown once to a plain form post's next page, then gone.
        let once = format!("{owner}; {}", pair(&made.cookie_named(SHOWN_ONCE).unwrap()));
        let fresh = |cookie: String| {
            let ann = ann.clone();
            let panel = &panel;
            async move {
                let reply = panel
                    .call(
                        "one_time_passwords/fresh",
                        &[("user", ann.as_str())],
                        Some(&cookie),
                    )
                    .await;
                serde_json::from_str::<Option<NewOneTimePasswordShown>>(&reply.body).unwrap()
            }
        };
        assert_eq!(fresh(once.clone()).await.unwrap().password, shown.password);
        assert_eq!(fresh(owner.clone()).await, None);
        // Only its hash is kept, where the mail server reads it.
        let stored = panel
            .store
            .app_passwords(ann.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            stored.len(),
            1,
            "the app password stays, the one-time one isn't listed"
        );
        let passdb = crate::support::query_as_mail_server(
            &panel.database_url,
            "SELECT lookup, password FROM mail_app_passdb WHERE username = 'ann@council.test'",
        )
        .await;
        let row = passdb
            .iter()
            .find(|r| r.starts_with(&shown.password[..4]))
            .expect("its lookup");
        assert!(row.contains("$argon2id$") && !row.contains(&shown.password));

        let current = live(&panel, &ann, &owner).await.unwrap();
        assert_eq!(current.created_by, "clerk@council.test");
        panel.clock.advance(299);
        assert!(live(&panel, &ann, &owner).await.is_some());
        panel.clock.advance(1);
        assert_eq!(
            live(&panel, &ann, &owner).await,
            None,
            "over after five minutes"
        );

        // Nothing else changed: Ann is still signed in, and signs in with her own password.
        let whoami = panel.api("auth/whoami", &[], Some(&ann_session)).await;
        assert_eq!(whoami.status, StatusCode::OK);
        panel.sign_in("ann@council.test", PASSWORD).await;

        // The organisation's minutes; "End it now".
        let minutes = [
            ("self_service_recovery", "on"),
            ("one_time_password_minutes", "1"),
        ];
        let saved = panel
            .api("organisation/set_account_help", &minutes, Some(&owner))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let made = panel
            .api(
                "one_time_passwords/create",
                &[("id", ann.as_str())],
                Some(&owner),
            )
            .await;
        let shown: NewOneTimePasswordShown = serde_json::from_str(&made.body).unwrap();
        assert_eq!(shown.expires_at, panel.state.services.clock.now() + 60);
        let ended = panel
            .api(
                "one_time_passwords/end",
                &[("id", ann.as_str())],
                Some(&owner),
            )
            .await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        assert_eq!(live(&panel, &ann, &owner).await, None);

        // Audited with who made it, and Ann sees it in her account's activity.
        let activity = panel.api("account/activity", &[], Some(&ann_session)).await;
        let activity: Vec<AuditLine> = serde_json::from_str(&activity.body).unwrap();
        let actions: Vec<(&str, &str)> = activity
            .iter()
            .map(|l| (l.action.as_str(), l.actor.as_str()))
            .collect();
        assert_eq!(
            &actions[..3],
            [
                ("one_time_password.end", "clerk@council.test"),
                ("one_time_password.create", "clerk@council.test"),
                ("sign_in", "ann@council.test"),
            ],
            "{actions:?}"
        );
        assert!(activity.iter().all(|l| l.target == "ann@council.test"));
        assert!(
            !activity.iter().any(|l| l.detail.contains(&shown.password)),
            "never the password"
        );
    }
}

#[tokio::test]
async fn only_an_administrator_who_manages_the_user_makes_one() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ann = panel.add_users(&owner, &["ann"]).await[0].to_string();
        let clerk = panel.user_id_of("clerk").await.to_string();
        panel.add_user_admin().await;
        let helper = panel.sign_in("helper@council.test", PASSWORD).await;
        let ann_session = panel.sign_in("ann@council.test", PASSWORD).await;
        let create = |who: &str, id: &str| {
            let (who, id) = (who.to_owned(), id.to_owned());
            let panel = &panel;
            async move {
                panel
                    .api(
                        "one_time_passwords/create",
                        &[("id", id.as_str())],
                        Some(&who),
                    )
                    .await
                    .status
            }
        };
        assert_eq!(create(&helper, &ann).await, StatusCode::OK);
        assert_eq!(
            create(&helper, &clerk).await,
            StatusCode::FORBIDDEN,
            "never on a higher administrator"
        );
        assert_eq!(create(&ann_session, &ann).await, StatusCode::FORBIDDEN);
        assert_eq!(
            panel
                .api("one_time_passwords/create", &[("id", &ann)], None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            panel
                .api("one_time_passwords/end", &[("id", &clerk)], Some(&helper))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}
