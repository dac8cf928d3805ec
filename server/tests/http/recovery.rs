//! "Forgot password" on both databases: the same answer for every address typed, mail only to a
//! real recovery address, limits per address and per client, the organisation's switch, and a
//! link that works once and ends the user's sessions (two-factor authentication stays asked).
use crate::support::panel::{config, panel, panel_on_postgres, panel_with, Panel, PASSWORD};
use app::model::{AuditQuery, MailKind};
use axum::http::StatusCode;

const CHOSEN: &str = "copper willow 9 harbour";

async fn both() -> [Panel; 2] {
    [panel().await, panel_on_postgres(config()).await]
}

/// Ann with a recovery address and Bob without; returns their ids and the owner's session.
async fn ann_and_bob(panel: &Panel) -> (String, i64, i64) {
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann", "bob"]).await;
    let recovery = [
        ("id", ids[0].to_string()),
        ("name", "ann".into()),
        ("account_type", "basic".into()),
        ("quota_gb", "0.5".into()),
        ("recovery_email", "ann@home.example".into()),
    ];
    let recovery: Vec<(&str, &str)> = recovery.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = panel.api("users/update", &recovery, Some(&owner)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    (owner, ids[0], ids[1])
}

async fn ask(panel: &Panel, email: &str) -> (StatusCode, String, Option<String>) {
    let reply = panel
        .api("recovery/request", &[("email", email)], None)
        .await;
    let location = reply.location().map(str::to_owned);
    (reply.status, reply.body, location)
}

/// The messages waiting in the outbox, opened: `(kind, recipient, body)`.
async fn queued(panel: &Panel, org: i64, user: i64) -> Vec<(MailKind, String, String)> {
    let services = &panel.state.services;
    let records = panel.store.user_mail(org, user, 20).await.unwrap();
    let due = crate::support::queued_mail(&panel.database_url).await;
    records
        .into_iter()
        .map(|r| {
            let body = due
                .iter()
                .find(|(id, _)| *id == r.id)
                .and_then(|(_, sealed)| services.sealer.open(sealed))
                .map(|b| String::from_utf8(b).unwrap())
                .unwrap_or_default();
            (r.kind, r.recipient, body)
        })
        .collect()
}

fn token_in(body: &str) -> String {
    let start = body
        .find("/set-password/")
        .unwrap_or_else(|| panic!("a link in {body}"));
    body[start + "/set-password/".len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn outcomes(panel: &Panel, org: i64) -> Vec<(String, bool, String)> {
    let query = AuditQuery {
        action: "password.recovery_request".into(),
        ..AuditQuery::default()
    };
    let mut lines: Vec<_> = panel
        .store
        .search_audit(org, &query, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.target, l.success, l.detail))
        .collect();
    lines.reverse();
    lines
}

#[tokio::test]
async fn every_address_gets_the_same_answer_and_only_a_real_recovery_address_gets_mail() {
    for panel in both().await {
        let (_owner, ann, bob) = ann_and_bob(&panel).await;
        let org = panel.organisation().await;
        let open = panel.api("recovery/open", &[], None).await;
        assert_eq!(open.body, "true");

        let answers = [
            ask(&panel, "ann@council.test").await,
            ask(&panel, "bob@council.test").await,
            ask(&panel, "nobody@council.test").await,
            ask(&panel, "someone@elsewhere.example").await,
        ];
        for answer in &answers {
            assert_eq!(answer, &answers[0], "the same answer for every address");
        }
        assert_eq!(answers[0].0, StatusCode::OK);
        assert_eq!(
            answers[0].2.as_deref(),
            Some("/forgot-password?notice=recovery_requested")
        );
        let typo = panel
            .api("recovery/request", &[("email", "not an address")], None)
            .await;
        assert_eq!(typo.status, StatusCode::BAD_REQUEST);
        assert!(typo.error_code("email").is_some(), "{}", typo.body);

        // Mail for Ann's recovery address only, never for her mailbox, and none for the rest.
        let ann_mail = queued(&panel, org, ann).await;
        assert_eq!(ann_mail.len(), 1, "{ann_mail:?}");
        assert_eq!(ann_mail[0].0, MailKind::RecoveryLink);
        assert_eq!(ann_mail[0].1, "ann@home.example");
        assert!(queued(&panel, org, bob).await.is_empty());
        assert_eq!(
            crate::support::queued_mail(&panel.database_url).await.len(),
            1
        );
        // Known accounts are audited with what became of the request; unknown ones are not.
        let audited = outcomes(&panel, org).await;
        assert_eq!(audited.len(), 2, "{audited:?}");
        assert_eq!(
            (audited[0].0.as_str(), audited[0].1),
            ("ann@council.test", true)
        );
        assert!(audited[1].2.contains("no_recovery_address"), "{audited:?}");

        // The link: set the password once, every session ends, the mailbox hears of it.
        let ann_session = panel.sign_in("ann@council.test", PASSWORD).await;
        let token = token_in(&ann_mail[0].2);
        let holder = panel
            .call("links/holder", &[("token", token.as_str())], None)
            .await;
        assert_eq!(holder.status, StatusCode::OK, "{}", holder.body);
        let form = [
            ("token", token.as_str()),
            ("password", CHOSEN),
            ("password_confirm", CHOSEN),
        ];
        let set = panel.api("links/set_password", &form, None).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
        let whoami = panel.api("auth/whoami", &[], Some(&ann_session)).await;
        assert_eq!(whoami.status, StatusCode::UNAUTHORIZED);
        let again = panel.api("links/set_password", &form, None).await;
        assert_eq!(again.error_code("form").as_deref(), Some("link_invalid"));
        let notice = queued(&panel, org, ann).await;
        let notice = notice
            .iter()
            .find(|(kind, ..)| *kind == MailKind::PasswordSetNotice)
            .expect("a notice to the mailbox");
        assert_eq!(notice.1, "ann@council.test");
        assert!(!notice.2.contains("/set-password/"), "no secret in it");
        panel.sign_in("ann@council.test", CHOSEN).await;
    }
}

#[tokio::test]
async fn a_recovery_link_lasts_one_hour_and_two_factor_is_still_asked() {
    for panel in both().await {
        let (_owner, ann, _) = ann_and_bob(&panel).await;
        let org = panel.organisation().await;
        let session = panel.sign_in("ann@council.test", PASSWORD).await;
        panel.set_up_two_factor(&session).await;

        ask(&panel, "ann@council.test").await;
        let late = token_in(&queued(&panel, org, ann).await[0].2);
        panel.clock.advance(3601);
        let expired = panel
            .call("links/holder", &[("token", late.as_str())], None)
            .await;
        assert_eq!(expired.error_code("form").as_deref(), Some("link_invalid"));

        ask(&panel, "ann@council.test").await;
        let mail = queued(&panel, org, ann).await;
        let token = token_in(&mail.iter().find(|m| token_in(&m.2) != late).unwrap().2);
        let form = [
            ("token", token.as_str()),
            ("password", CHOSEN),
            ("password_confirm", CHOSEN),
        ];
        let set = panel.api("links/set_password", &form, None).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
        let signed = panel.try_sign_in("ann@council.test", CHOSEN).await;
        assert_eq!(
            signed.location(),
            Some("/login/code"),
            "the code is still asked: {}",
            signed.body
        );
        assert!(signed.cookie().is_none(), "no session before the code");
    }
}

/// Panels that answer at once: this test counts requests, the others keep the fixed time.
async fn both_answering_at_once() -> [Panel; 2] {
    let mut quick = config();
    quick.recovery_answer_ms = 0;
    [
        panel_with(quick.clone()).await,
        panel_on_postgres(quick).await,
    ]
}

#[tokio::test]
async fn requests_are_limited_per_address_and_per_client_and_the_organisation_can_turn_it_off() {
    for panel in both_answering_at_once().await {
        let (_, ann, _) = ann_and_bob(&panel).await;
        let org = panel.organisation().await;
        for _ in 0..3 {
            assert_eq!(ask(&panel, "ann@council.test").await.0, StatusCode::OK);
        }
        let limited = ask(&panel, "ann@council.test").await;
        assert_eq!(limited.0, StatusCode::TOO_MANY_REQUESTS, "{}", limited.1);
        assert_eq!(queued(&panel, org, ann).await.len(), 3);
        // Other addresses from the same client, up to the client's own limit.
        for n in 0..7 {
            let other = format!("person{n}@council.test");
            assert_eq!(ask(&panel, &other).await.0, StatusCode::OK);
        }
        let limited = ask(&panel, "bob@council.test").await;
        assert_eq!(limited.0, StatusCode::TOO_MANY_REQUESTS);
        panel.clock.advance(3600);
        assert_eq!(ask(&panel, "ann@council.test").await.0, StatusCode::OK);
        assert_eq!(queued(&panel, org, ann).await.len(), 4);

        // Only the account admin sets it, and minutes from 1 to 60. (The hour passed ended
        // the sessions.)
        let owner = panel.sign_in("clerk@council.test", PASSWORD).await;
        let helper = {
            panel.add_user_admin().await;
            panel.sign_in("helper@council.test", PASSWORD).await
        };
        let off = [("one_time_password_minutes", "5")];
        let refused = panel
            .api("organisation/set_account_help", &off, Some(&helper))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        for bad in ["0", "61", "five", ""] {
            let form = [("one_time_password_minutes", bad)];
            let reply = panel
                .api("organisation/set_account_help", &form, Some(&owner))
                .await;
            assert_eq!(
                reply.error_code("one_time_password_minutes").as_deref(),
                Some("minutes_out_of_range"),
                "{bad}: {}",
                reply.body
            );
        }
        let saved = panel
            .api("organisation/set_account_help", &off, Some(&owner))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(panel.api("recovery/open", &[], None).await.body, "false");
        let answer = ask(&panel, "bob@council.test").await;
        panel.clock.advance(3600);
        assert_eq!(
            ask(&panel, "ann@council.test").await,
            answer,
            "the same answer"
        );
        assert_eq!(queued(&panel, org, ann).await.len(), 4, "but no mail");
        let audited = outcomes(&panel, org).await;
        assert!(audited.last().unwrap().2.contains("recovery_off"));
    }
}
