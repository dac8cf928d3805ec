//! "Sign in as this user" on both databases: who may act for whom, the confirmation it asks
//! for, the session of its own beside the administrator's (30 minutes at most), what stays the
//! user's own, the audit trail with both people, the user's devices list and mail.
use crate::support::panel::{both, pair, Panel, PASSWORD};
use app::model::{AuditQuery, Device, MailKind, Viewer};
use axum::http::StatusCode;

const ACTING: &str = "__Host-postmaster_acting";

/// Acts for `user` as `admin`; the reply.
async fn act(panel: &Panel, admin: &str, user: &str) -> crate::support::panel::Reply {
    panel
        .api(
            "acting/start",
            &[("user", user), ("next", "/users")],
            Some(admin),
        )
        .await
}

async fn whoami(panel: &Panel, cookie: &str) -> Option<Viewer> {
    let reply = panel.api("auth/whoami", &[], Some(cookie)).await;
    (reply.status == StatusCode::OK).then(|| serde_json::from_str(&reply.body).unwrap())
}

#[tokio::test]
async fn only_an_administrator_who_manages_a_mailbox_user_acts_for_them_after_confirming() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["ann", "bob"]).await;
        let (ann, bob) = (ids[0].to_string(), ids[1].to_string());
        let helper_id = panel.add_user_admin().await.to_string();
        let clerk = panel.user_id_of("clerk").await.to_string();
        let helper = panel.sign_in("helper@council.test", PASSWORD).await;
        let ann_session = panel.sign_in("ann@council.test", PASSWORD).await;

        let started = act(&panel, &helper, &ann).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.body);
        assert_eq!(started.location(), Some("/account/password"));
        assert!(started.cookie_named(ACTING).is_some());
        for (who, whom) in [
            (&helper, &clerk),
            (&owner, &helper_id),
            (&ann_session, &bob),
        ] {
            let refused = act(&panel, who, whom).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
            assert!(refused.cookie_named(ACTING).is_none());
        }
        let anonymous = panel
            .api("acting/start", &[("user", ann.as_str())], None)
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

        // An old proof of the password: "Confirm it's you" first.
        panel.clock.advance(16 * 60);
        let stale = act(&panel, &owner, &ann).await;
        assert_eq!(stale.status, StatusCode::FORBIDDEN);
        assert!(stale.body.contains("ReauthRequired"), "{}", stale.body);
        let confirmed = panel
            .api(
                "account/confirm_password",
                &[("password", PASSWORD)],
                Some(&owner),
            )
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        assert_eq!(act(&panel, &owner, &ann).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_session_as_the_user_keeps_their_secrets_names_both_people_and_ends_in_30_minutes() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ann = panel.add_users(&owner, &["ann"]).await[0];
        let org = panel.organisation().await;
        let started = act(&panel, &owner, &ann.to_string()).await;
        let acting = pair(&started.cookie_named(ACTING).unwrap());
        let both_cookies = format!("{owner}; {acting}");

        let me = whoami(&panel, &both_cookies).await.unwrap();
        assert_eq!(me.email, "ann@council.test");
        let behind = me.acting_admin.unwrap();
        assert_eq!(behind.email, "clerk@council.test");
        // The acting cookie alone opens nothing, in its own place or the session cookie's.
        assert!(whoami(&panel, &acting).await.is_none());
        let token = acting.split_once('=').unwrap().1;
        let misplaced = format!("__Host-postmaster_session={token}");
        assert!(whoami(&panel, &misplaced).await.is_none());

        // The user's secrets stay theirs.
        let refused: [(&str, &[(&str, &str)]); 5] = [
            ("account/password_context", &[]),
            (
                "account/change_password",
                &[
                    ("current", PASSWORD),
                    ("password", "copper willow 9 harbour"),
                    ("password_confirm", "copper willow 9 harbour"),
                ],
            ),
            ("account/confirm_password", &[("password", PASSWORD)]),
            ("two_factor/start", &[]),
            ("app_passwords/create", &[("name", "Phone")]),
        ];
        for (path, form) in refused {
            let reply = panel.api(path, form, Some(&both_cookies)).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{path}: {}",
                reply.body
            );
            assert!(
                reply.body.contains("NotWhileActing"),
                "{path}: {}",
                reply.body
            );
        }
        // What the user does, the administrator does for them, audited with both.
        let saved = panel
            .api(
                "account/set_preferences",
                &[
                    ("language", "fr"),
                    ("time_zone", "Europe/Paris"),
                    ("date_format", "iso"),
                ],
                Some(&both_cookies),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let detail = panel.store.get_user(org, ann).await.unwrap();
        assert_eq!(detail.preferences.language, app::model::Language::Fr);
        let audited = |action: &'static str| {
            let panel = &panel;
            async move {
                let query = AuditQuery {
                    action: action.into(),
                    ..AuditQuery::default()
                };
                panel.store.search_audit(org, &query, 5).await.unwrap()
            }
        };
        let changed = &audited("account.preferences").await[0];
        assert_eq!(changed.actor, "ann@council.test (by clerk@council.test)");
        assert!(changed
            .detail
            .contains(r#""acting_admin":"clerk@council.test""#));
        let opened = &audited("user.act_as").await[0];
        assert_eq!(
            (opened.actor.as_str(), opened.target.as_str()),
            ("clerk@council.test", "ann@council.test")
        );

        // The user's devices list marks the session; the mailbox was told.
        let devices = panel
            .call(
                "passwords/devices",
                &[("user", ann.to_string())],
                Some(&owner),
            )
            .await;
        let devices: Vec<Device> = serde_json::from_str(&devices.body).unwrap();
        assert_eq!(devices.len(), 1);
        assert_eq!(
            devices[0].acting_admin.as_deref(),
            Some("clerk@council.test")
        );
        let mail = panel.store.user_mail(org, ann, 10).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(
            (mail[0].kind, mail[0].recipient.as_str()),
            (MailKind::ActedForNotice, "ann@council.test")
        );

        // "Return to my account": back where the administrator was, in their own session.
        let back = panel.api("acting/stop", &[], Some(&both_cookies)).await;
        assert_eq!(back.status, StatusCode::OK, "{}", back.body);
        assert_eq!(back.location(), Some("/users"));
        assert!(back.cookie_named(ACTING).unwrap().contains("Max-Age=0"));
        assert_eq!(
            whoami(&panel, &both_cookies).await.unwrap().email,
            "clerk@council.test"
        );
        assert!(!audited("user.act_as_end").await.is_empty());

        // Without the organisation's notice, no mail; and 30 minutes at most.
        let quiet = [
            ("self_service_recovery", "on"),
            ("one_time_password_minutes", "5"),
        ];
        let saved = panel
            .api("organisation/set_account_help", &quiet, Some(&owner))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let again = act(&panel, &owner, &ann.to_string()).await;
        let acting = pair(&again.cookie_named(ACTING).unwrap());
        let both_cookies = format!("{owner}; {acting}");
        assert_eq!(panel.store.user_mail(org, ann, 10).await.unwrap().len(), 1);
        panel.clock.advance(29 * 60);
        assert_eq!(
            whoami(&panel, &both_cookies).await.unwrap().email,
            "ann@council.test"
        );
        panel.clock.advance(60);
        assert_eq!(
            whoami(&panel, &both_cookies).await.unwrap().email,
            "clerk@council.test",
            "over after 30 minutes; the administrator's own session goes on"
        );
    }
}
