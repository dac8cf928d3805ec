//! Forwarding and Settings > Mail rules on both databases: a user forwards their own mail and an
//! administrator a user's, within the organisation's domains unless the owner allows more;
//! the owner decides whether user administrators set aliases.
use crate::support::panel::{config, panel, panel_on_postgres, Panel, PASSWORD};
use app::api::forwarding::ForwardingView;
use app::model::AuditQuery;
use axum::http::StatusCode;

async fn both() -> [Panel; 2] {
    [panel().await, panel_on_postgres(config()).await]
}

async fn forwarding_of(panel: &Panel, session: &str, user: Option<i64>) -> ForwardingView {
    let user = user.map(|id| id.to_string());
    let args: Vec<(&str, &str)> = user.iter().map(|id| ("user", id.as_str())).collect();
    let reply = panel.call("forwarding/get", &args, Some(session)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn set_rules(panel: &Panel, owner: &str, alias_managers: &str, external: bool) {
    let mut form = vec![("alias_managers", alias_managers)];
    if external {
        form.push(("external_forwarding", "on"));
    }
    let saved = panel
        .api("organisation/set_mail_rules", &form, Some(owner))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
}

#[tokio::test]
async fn forwarding_stays_within_the_organisation_unless_the_owner_allows_more() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["ann", "bob"]).await;
        let ann = panel.sign_in("ann@council.test", PASSWORD).await;
        let before = forwarding_of(&panel, &ann, None).await;
        assert!(before.forwarding.addresses.is_empty() && before.forwarding.keep_copy);
        assert!(!before.external_allowed);
        assert_eq!(before.domains, ["council.test"]);

        // Outside the domains: refused, naming the address, and nothing is saved.
        let outside = panel
            .api(
                "forwarding/set",
                &[
                    ("addresses", "bob@council.test\nAnn@Home.Example"),
                    ("keep_copy", "on"),
                ],
                Some(&ann),
            )
            .await;
        assert_eq!(outside.status, StatusCode::BAD_REQUEST, "{}", outside.body);
        assert_eq!(
            outside.error_code("addresses").as_deref(),
            Some("forward_outside")
        );
        assert!(
            outside.body.contains("ann@home.example"),
            "{}",
            outside.body
        );
        let unchanged = forwarding_of(&panel, &ann, None).await;
        assert!(unchanged.forwarding.addresses.is_empty());

        for (typed, code) in [
            ("ann@council.test", "forward_to_self"),
            ("not an address", "email_invalid"),
        ] {
            let refused = panel
                .api("forwarding/set", &[("addresses", typed)], Some(&ann))
                .await;
            assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
            assert_eq!(refused.error_code("addresses").as_deref(), Some(code));
        }

        // Within the organisation: saved, without a copy (the box is not ticked).
        let saved = panel
            .api(
                "forwarding/set",
                &[("addresses", "bob@council.test")],
                Some(&ann),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let now = forwarding_of(&panel, &ann, None).await.forwarding;
        assert_eq!(now.addresses, ["bob@council.test"]);
        assert!(!now.keep_copy);

        // The owner allows external forwarding; then it is accepted.
        set_rules(&panel, &owner, "user_admins", true).await;
        let saved = panel
            .api(
                "forwarding/set",
                &[("addresses", "ann@home.example"), ("keep_copy", "on")],
                Some(&ann),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(
            saved.location(),
            Some("/account/mail?notice=forwarding_saved")
        );
        let now = forwarding_of(&panel, &ann, None).await;
        assert!(now.external_allowed);
        assert_eq!(now.forwarding.addresses, ["ann@home.example"]);
        assert!(now.forwarding.keep_copy);

        // An administrator sees and sets it on the user's page; a user can't reach another's.
        let by_admin = forwarding_of(&panel, &owner, Some(ids[0])).await;
        assert_eq!(by_admin.forwarding, now.forwarding);
        let ann_id = ids[0].to_string();
        let cleared = panel
            .api(
                "forwarding/set",
                &[("user", ann_id.as_str()), ("addresses", "")],
                Some(&owner),
            )
            .await;
        assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
        assert!(forwarding_of(&panel, &ann, None)
            .await
            .forwarding
            .addresses
            .is_empty());
        let bob_id = ids[1].to_string();
        let others = panel
            .api(
                "forwarding/set",
                &[("user", bob_id.as_str()), ("addresses", "ann@council.test")],
                Some(&ann),
            )
            .await;
        assert_eq!(others.status, StatusCode::FORBIDDEN, "{}", others.body);
        let read = panel
            .call("forwarding/get", &[("user", bob_id.as_str())], Some(&ann))
            .await;
        assert_eq!(read.status, StatusCode::FORBIDDEN, "{}", read.body);
        let nobody = panel.call("forwarding/get", &[("x", "")], None).await;
        assert_eq!(nobody.status, StatusCode::UNAUTHORIZED, "{}", nobody.body);

        // Each change is in the audit log, by whom and with the addresses.
        let query = AuditQuery {
            action: "forwarding.set".into(),
            ..AuditQuery::default()
        };
        let org = panel.organisation().await;
        let lines = panel.store.search_audit(org, &query, 50).await.unwrap();
        let seen: Vec<_> = lines
            .iter()
            .map(|l| (l.actor.as_str(), l.target.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("clerk@council.test", "ann@council.test"),
                ("ann@council.test", "ann@council.test"),
                ("ann@council.test", "ann@council.test"),
            ]
        );
        assert!(
            lines[1].detail.contains("ann@home.example"),
            "{}",
            lines[1].detail
        );
    }
}

#[tokio::test]
async fn the_owner_decides_who_sets_aliases() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ann = panel.add_users(&owner, &["ann"]).await[0].to_string();
        panel.add_user_admin().await;
        let helper = panel.sign_in("helper@council.test", PASSWORD).await;
        let org = panel.organisation().await;
        let domain = panel.store.list_domains(org).await.unwrap()[0]
            .id
            .to_string();
        let add = |session: String, local: &'static str| {
            let (ann, domain, panel) = (ann.clone(), domain.clone(), &panel);
            async move {
                panel
                    .api(
                        "aliases/add",
                        &[
                            ("user", ann.as_str()),
                            ("username", local),
                            ("domain", domain.as_str()),
                        ],
                        Some(&session),
                    )
                    .await
            }
        };
        let may_change = |session: String| {
            let (ann, panel) = (ann.clone(), &panel);
            async move {
                let reply = panel
                    .call("aliases/list", &[("user", ann.as_str())], Some(&session))
                    .await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                let view: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
                (
                    view["may_change"].as_bool().unwrap(),
                    view["aliases"].as_array().unwrap().len(),
                )
            }
        };

        // Today's behaviour by default: user administrators too.
        let helper_added = add(helper.clone(), "office").await;
        assert_eq!(helper_added.status, StatusCode::OK, "{}", helper_added.body);
        assert_eq!(may_change(helper.clone()).await, (true, 1));

        // A user administrator can't change the rule.
        let refused = panel
            .api(
                "organisation/set_mail_rules",
                &[("alias_managers", "user_admins")],
                Some(&helper),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let unknown = panel
            .api(
                "organisation/set_mail_rules",
                &[("alias_managers", "everyone")],
                Some(&owner),
            )
            .await;
        assert_eq!(
            unknown.error_code("alias_managers").as_deref(),
            Some("choice_invalid")
        );

        // The account administrator only: the helper sees the aliases and changes none.
        set_rules(&panel, &owner, "account_admin", false).await;
        assert_eq!(may_change(helper.clone()).await, (false, 1));
        let refused = add(helper.clone(), "sales").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let alias = panel
            .store
            .list_aliases(org, ann.parse().unwrap())
            .await
            .unwrap()[0]
            .id;
        let removed = panel
            .api(
                "aliases/remove",
                &[("user", ann.as_str()), ("id", &alias.to_string())],
                Some(&helper),
            )
            .await;
        assert_eq!(removed.status, StatusCode::FORBIDDEN, "{}", removed.body);
        assert_eq!(may_change(owner.clone()).await, (true, 1));
        let owner_added = add(owner.clone(), "sales").await;
        assert_eq!(owner_added.status, StatusCode::OK, "{}", owner_added.body);

        // The pages say so: the user's page tells the helper who sets them, and Settings shows
        // the rule as saved.
        let page = panel.page(&format!("/users/{ann}"), Some(&helper)).await;
        assert!(page
            .body
            .contains("only the account administrator adds and removes aliases"));
        assert!(!page.body.contains("Add alias"), "no form for the helper");
        let settings = panel.page("/settings", Some(&owner)).await;
        assert!(settings.body.contains("Mail rules"));
        assert!(
            settings
                .body
                .contains(r#"<option value="account_admin" selected"#),
            "{}",
            settings.body
        );
    }
}

#[tokio::test]
async fn the_mail_tabs_work_without_javascript() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ann_id = panel.add_users(&owner, &["ann"]).await[0];
    let ann = panel.sign_in("ann@council.test", PASSWORD).await;
    // A plain form post (the browser's own, before the WASM) comes back to the tab.
    let body = "form%5Baddresses%5D=clerk%40council.test&form%5Bkeep_copy%5D=on";
    let request = axum::http::Request::post("/api/forwarding/set")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", &ann)
        .body(axum::body::Body::from(body))
        .unwrap();
    let posted = panel.send(request).await;
    assert!(
        posted.status.is_redirection(),
        "{} {}",
        posted.status,
        posted.body
    );
    assert_eq!(
        posted.location(),
        Some("/account/mail?notice=forwarding_saved")
    );
    let page = panel
        .page("/account/mail?notice=forwarding_saved", Some(&ann))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Forwarding is saved"), "{}", page.body);
    assert!(page
        .body
        .contains("Mail to this mailbox is forwarded to clerk@council.test"));
    assert!(page
        .body
        .contains(r#"<label for="field-addresses">Forward to</label>"#));
    let admin_view = panel
        .page(&format!("/users/{ann_id}/mail"), Some(&owner))
        .await;
    assert_eq!(admin_view.status, StatusCode::OK);
    assert!(admin_view.body.contains("clerk@council.test"));
    assert!(admin_view.body.contains(&format!(
        r#"<input type="hidden" name="form[user]" value="{ann_id}""#
    )));
}

#[tokio::test]
async fn an_automatic_reply_is_checked_field_by_field_and_kept_in_the_mailbox_time_zone() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["ann"]).await;
        let ann = panel.sign_in("ann@council.test", PASSWORD).await;
        let get = |session: String, user: Option<i64>| {
            let panel = &panel;
            async move {
                let user = user.map(|id| id.to_string());
                let args: Vec<(&str, &str)> = user.iter().map(|id| ("user", id.as_str())).collect();
                let reply = panel.call("auto_reply/get", &args, Some(&session)).await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
                serde_json::from_str::<app::api::auto_reply::AutoReplyView>(&reply.body).unwrap()
            }
        };
        let before = get(ann.clone(), None).await;
        assert!(!before.reply.enabled && before.reply.message.is_empty());
        assert_eq!(before.time_zone, "UTC");

        // A control character is refused before the form is read (http/input.rs)...
        let refused = panel
            .api(
                "auto_reply/set",
                &[
                    ("enabled", "on"),
                    ("subject", "Away\u{7}"),
                    ("message", "x"),
                ],
                Some(&ann),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(
            refused.error_code("subject").as_deref(),
            Some("control_character")
        );
        // ...and the form's own refusals come all at once.
        let refused = panel
            .api(
                "auto_reply/set",
                &[
                    ("enabled", "on"),
                    ("subject", "Away"),
                    ("message", ""),
                    ("starts_on", "2027-07-14"),
                    ("ends_on", "2027-07-01"),
                ],
                Some(&ann),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(refused.error_code("message").as_deref(), Some("required"));
        assert_eq!(
            refused.error_code("ends_on").as_deref(),
            Some("end_before_start")
        );
        let refused = panel
            .api(
                "auto_reply/set",
                &[
                    ("enabled", "on"),
                    ("message", "x"),
                    ("starts_on", "14/07/2027"),
                ],
                Some(&ann),
            )
            .await;
        assert_eq!(
            refused.error_code("starts_on").as_deref(),
            Some("date_invalid")
        );
        assert!(!get(ann.clone(), None).await.reply.enabled, "nothing saved");

        // The administrator sets it in the user's time zone (Paris): the days are kept as
        // typed, the instants from Paris midnights.
        let id = ids[0].to_string();
        let paris = [
            ("id", id.as_str()),
            ("name", "ann"),
            ("account_type", "basic"),
            ("quota_gb", "0.5"),
            ("time_zone", "Europe/Paris"),
        ];
        let saved = panel.api("users/update", &paris, Some(&owner)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let saved = panel
            .api(
                "auto_reply/set",
                &[
                    ("user", id.as_str()),
                    ("enabled", "on"),
                    ("subject", "Away"),
                    ("message", "Back on the 15th.\r\nAnn"),
                    ("starts_on", "2027-07-01"),
                    ("ends_on", "2027-07-14"),
                ],
                Some(&owner),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(
            saved.location(),
            Some(format!("/users/{id}/mail?notice=auto_reply_saved").as_str())
        );
        let mine = get(ann.clone(), None).await;
        assert_eq!(mine.time_zone, "Europe/Paris");
        assert_eq!(mine.reply.message, "Back on the 15th.\nAnn");
        assert_eq!(mine.reply.starts_on.as_deref(), Some("2027-07-01"));
        assert_eq!(get(owner.clone(), Some(ids[0])).await, mine);
        let window = crate::support::query_as_mail_server(
            &panel.database_url,
            "SELECT CAST(starts_at AS TEXT), CAST(ends_at AS TEXT) FROM auto_replies",
        )
        .await;
        // 2027-07-01 00:00 and 2027-07-15 00:00 in Paris (UTC+2).
        assert_eq!(window, ["1814392800|1815602400"]);

        // The page shows it; the audit log has it, by whom.
        let page = panel.page("/account/mail", Some(&ann)).await;
        assert!(page.body.contains("Automatic reply"), "{}", page.body);
        assert!(page.body.contains("2027-07-01"));
        let query = AuditQuery {
            action: "auto_reply.set".into(),
            ..AuditQuery::default()
        };
        let org = panel.organisation().await;
        let lines = panel.store.search_audit(org, &query, 5).await.unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].actor, "clerk@council.test");
        assert!(
            lines[0].detail.contains("Europe/Paris"),
            "{}",
            lines[0].detail
        );
        assert!(
            !lines[0].detail.contains("Back on"),
            "the message stays out of the log"
        );
    }
}
