//! The audit log page, its filters and its CSV.
use crate::support::panel::{nested_query, panel, PASSWORD};
use axum::http::{header, StatusCode};

#[tokio::test]
async fn the_audit_log_filters_pages_and_downloads_without_secrets() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann", "bob"]).await;
    let reset = panel
        .api(
            "passwords/reset",
            &[
                ("user", &ids[0].to_string()),
                ("password", "quartz meadow tumble 7"),
                ("password_confirm", "quartz meadow tumble 7"),
                ("sign_out", "all"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    // The next day: the admin signs in again, and someone guesses at bob's password.
    panel.clock.advance(86_400);
    let owner = panel.sign_in("clerk@council.test", PASSWORD).await;
    let refused = panel
        .api(
            "auth/login",
            &[("email", "bob@council.test"), ("password", "wrong guess")],
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);

    let page = |query: &'static str| {
        let owner = owner.clone();
        let panel = &panel;
        async move {
            let reply = panel
                .get(
                    &format!("/api/audit/list?{}", nested_query("filters", query)),
                    Some(&owner),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
            serde_json::from_str::<app::model::AuditPage>(&reply.body).unwrap()
        }
    };
    let all = page("").await;
    assert!(all.events.len() >= 5, "{:?}", all.events);
    assert!(
        all.events.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    let resets = page("action=password.reset").await;
    assert_eq!(resets.events.len(), 1);
    assert_eq!(resets.events[0].target, "ann@council.test");
    assert_eq!(resets.events[0].actor, "clerk@council.test");
    assert!(resets.events[0].detail.contains("sessions_ended"));
    let about_bob = page("target=BOB").await;
    assert!(about_bob
        .events
        .iter()
        .all(|e| e.target == "bob@council.test"));
    assert!(about_bob.events.iter().any(|e| e.action == "user.create"));
    let failures = page("result=failure").await;
    assert_eq!(failures.events.len(), 1);
    assert!(failures.events[0].detail.contains("wrong_password"));
    // 1800000000 is 2027-01-15 08:00 UTC; the failure came a day later.
    let next_day = page("from=2027-01-16").await;
    assert_eq!(next_day.events.len(), 2, "{:?}", next_day.events);
    assert!(next_day
        .events
        .iter()
        .all(|e| e.at >= 1_800_000_000 + 86_400 - 8 * 3600));
    assert!(page("until=2027-01-15")
        .await
        .events
        .iter()
        .all(|e| e.at < 1_800_000_000 + 86_400));
    assert!(page("actor=clerk&action=sign_in")
        .await
        .events
        .iter()
        .all(|e| e.actor.contains("clerk") && e.action == "sign_in"));

    // Keyset pages: `before` the last id gives what comes after it, without overlap.
    let newest = all.events[0].id;
    let older = page(Box::leak(format!("before={newest}").into_boxed_str())).await;
    assert_eq!(
        older.events.first().map(|e| e.id),
        all.events.get(1).map(|e| e.id)
    );

    // Unreadable filters are refused on their fields.
    let bad = panel
        .get(
            &format!(
                "/api/audit/list?{}",
                nested_query("filters", "from=15%2F01%2F2027&action=drop")
            ),
            Some(&owner),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("date_invalid") && bad.body.contains("choice_invalid"),
        "{}",
        bad.body
    );

    // The CSV holds the same selection, no secret, and its download is itself recorded.
    let csv = panel
        .get(
            &format!(
                "/api/audit/export_csv?{}",
                nested_query("filters", "action=password.reset")
            ),
            Some(&owner),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(
        csv.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"audit.csv\""
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "time,actor,action,target,result,ip,detail,id");
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[1].starts_with(
        "2027-01-15T08:00:00Z,clerk@council.test,password.reset,ann@council.test,success,"
    ));
    let everything = panel.get("/api/audit/export_csv", Some(&owner)).await;
    for secret in [PASSWORD, "quartz meadow tumble 7", "wrong guess", "argon2"] {
        assert!(!everything.body.contains(secret), "{secret} in the CSV");
    }
    assert_eq!(page("action=audit.export").await.events.len(), 2);
    assert_eq!(
        panel.get("/api/audit/export_csv", None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // An admin with the User Management role reads the log too.
    panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    assert_eq!(
        panel.get("/api/audit/list", Some(&helper)).await.status,
        StatusCode::OK
    );
}
