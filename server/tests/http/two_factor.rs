//! Two-factor authentication on the test clock, on both databases: the set-up and its
//! confinement, the sign-in's second step (the window t-1..t+1, replays, recovery codes, the
//! half-way state's five minutes, the lock), and the administrator's reset.
use crate::support::panel::{both, pair, Panel, Reply, PASSWORD, SHOWN_ONCE};
use app::model::{TwoFactorRequirement, TwoFactorStatus};
use app::security::clock::Clock;
use app::security::totp::TotpKey;
use axum::http::StatusCode;

const CLERK: &str = "clerk@council.test";
const HALF_WAY: &str = "__Host-postmaster_sign_in";

fn error_code(reply: &Reply, field: &str) -> Option<String> {
    let error: app::error::AppError = serde_json::from_str(&reply.body).ok()?;
    error.field(field).map(|code| {
        serde_json::to_value(code).unwrap()["code"]
            .as_str()
            .unwrap()
            .to_owned()
    })
}

/// Signs in with the password; returns the half-way cookie the code page needs.
async fn password_step(panel: &Panel, email: &str) -> String {
    let reply = panel
        .api(
            "auth/login",
            &[("email", email), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.cookie().is_none(), "no session before the code");
    pair(&reply.cookie_named(HALF_WAY).expect("the half-way state"))
}

async fn code_step(panel: &Panel, half_way: &str, code: &str) -> Reply {
    panel
        .api("auth/code", &[("code", code)], Some(half_way))
        .await
}

#[tokio::test]
async fn a_new_organisation_sends_its_first_administrator_to_set_up_two_factor() {
    for panel in both().await {
        panel.set_up().await;
        let org = panel.organisation().await;
        assert_eq!(
            panel.store.two_factor_requirement(org).await.unwrap(),
            TwoFactorRequirement::Admins
        );
        let session = panel.sign_in(CLERK, PASSWORD).await;
        // Nothing else is open until it is on: no list, no page, no setting.
        for (path, form) in [
            ("users/list", vec![("query[search]", "")]),
            ("organisation/usage", vec![]),
            (
                "two_factor/set_requirement",
                vec![("form[required]", "nobody")],
            ),
            ("account/devices", vec![]),
        ] {
            let reply = panel.call(path, &form, Some(&session)).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{path}: {}",
                reply.body
            );
            assert!(
                reply.body.contains("TwoFactorSetupRequired"),
                "{path}: {}",
                reply.body
            );
        }
        let page = panel.page("/users", Some(&session)).await;
        assert_eq!(page.location(), Some("/account/two-factor"));
        let status: TwoFactorStatus = serde_json::from_str(
            &panel
                .api("two_factor/status", &[], Some(&session))
                .await
                .body,
        )
        .unwrap();
        assert!(status.required && status.on_since.is_none());

        let (_, codes) = panel.set_up_two_factor(&session).await;
        assert!(codes
            .iter()
            .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        let list = panel
            .call("users/list", &[("query[search]", "")], Some(&session))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        // The key is never shown again, nor the codes; the store keeps hashes only.
        let waiting = panel.api("two_factor/pending", &[], Some(&session)).await;
        assert_eq!(waiting.body, "null");
        let again = panel
            .api("two_factor/fresh_codes", &[], Some(&session))
            .await;
        assert_eq!(again.body, "[]");
        let user = panel.user_id_of("clerk").await;
        let stored = panel.store.unused_recovery_codes(user).await.unwrap();
        assert_eq!(stored.len(), 10);
        assert!(stored.iter().all(|c| c.code_hash.starts_with("$argon2id$")));
        assert!(stored
            .iter()
            .all(|c| !codes.iter().any(|plain| c.code_hash.contains(plain))));
        let record = panel.store.two_factor(user).await.unwrap().unwrap();
        let key_text = TotpKey::generate().as_bytes().len();
        assert!(
            record.sealed_key.len() > key_text,
            "sealed: nonce and tag around the key"
        );
        let events = panel.store.list_audit(org, 50).await.unwrap();
        assert!(events
            .iter()
            .any(|e| e.action == "two_factor.enable" && e.success));
        assert!(events
            .iter()
            .all(|e| !codes.iter().any(|c| e.detail.contains(c))));
    }
}

#[tokio::test]
async fn sign_in_takes_a_code_of_the_steps_around_now_once() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let (key, _) = panel.set_up_two_factor(&owner).await;
        // Past the step the set-up spent.
        panel.clock.advance(120);
        let now = panel.clock.now();
        let code = |offset: i64| key.code_at(now + offset);

        let half_way = password_step(&panel, CLERK).await;
        // The half-way state is no session.
        let whoami = panel.api("auth/whoami", &[], Some(&half_way)).await;
        assert_eq!(whoami.status, StatusCode::UNAUTHORIZED);
        let pending = panel.api("auth/pending", &[], Some(&half_way)).await;
        assert_eq!(pending.body, format!("\"{CLERK}\""));
        let older = code_step(&panel, &half_way, &code(-60)).await;
        assert_eq!(
            error_code(&older, "code").as_deref(),
            Some("code_wrong"),
            "t-2"
        );
        let previous = code_step(&panel, &half_way, &code(-30)).await;
        assert_eq!(previous.status, StatusCode::OK, "t-1: {}", previous.body);
        assert!(
            previous.cookie().is_some(),
            "the session starts with the code"
        );
        assert!(previous
            .cookie_named(HALF_WAY)
            .is_some_and(|c| c.contains("Max-Age=0")));

        let half_way = password_step(&panel, CLERK).await;
        let replay = code_step(&panel, &half_way, &code(-30)).await;
        assert_eq!(
            error_code(&replay, "code").as_deref(),
            Some("code_wrong"),
            "t-1 again"
        );
        let next = code_step(&panel, &half_way, &code(30)).await;
        assert_eq!(next.status, StatusCode::OK, "t+1: {}", next.body);

        // No code of a step before the last one used, nor beyond t+1.
        let half_way = password_step(&panel, CLERK).await;
        for (offset, what) in [(0, "t after t+1"), (30, "t+1 again"), (60, "t+2")] {
            let refused = code_step(&panel, &half_way, &code(offset)).await;
            assert_eq!(
                error_code(&refused, "code").as_deref(),
                Some("code_wrong"),
                "{what}"
            );
        }
        let org = panel.organisation().await;
        let events = panel.store.list_audit(org, 50).await.unwrap();
        assert!(events.iter().any(|e| e.action == "sign_in"
            && e.success
            && e.detail
                .contains("\"second_factor\":\"authentication_code\"")));
        assert!(events
            .iter()
            .any(|e| e.action == "sign_in" && !e.success && e.detail.contains("wrong_code")));
    }
}

#[tokio::test]
async fn the_half_way_state_lasts_five_minutes_and_belongs_to_this_server() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let (key, _) = panel.set_up_two_factor(&owner).await;
        let half_way = password_step(&panel, CLERK).await;
        panel.clock.advance(301);
        let late = code_step(&panel, &half_way, &key.code_at(panel.clock.now())).await;
        assert_eq!(late.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error_code(&late, "form").as_deref(),
            Some("sign_in_expired")
        );
        assert!(late.cookie().is_none());

        let forged = format!("{HALF_WAY}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        let reply = code_step(&panel, &forged, &key.code_at(panel.clock.now())).await;
        assert_eq!(
            error_code(&reply, "form").as_deref(),
            Some("sign_in_expired")
        );
        let none = code_step(&panel, "", &key.code_at(panel.clock.now())).await;
        assert_eq!(
            error_code(&none, "form").as_deref(),
            Some("sign_in_expired")
        );
    }
}

#[tokio::test]
async fn wrong_codes_lock_the_account_sooner_than_wrong_passwords() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let (key, _) = panel.set_up_two_factor(&owner).await;
        let half_way = password_step(&panel, CLERK).await;
        let wrong = if key.code_at(panel.clock.now()) == "123456" {
            "654321"
        } else {
            "123456"
        };
        for _ in 0..3 {
            let reply = code_step(&panel, &half_way, wrong).await;
            assert_eq!(error_code(&reply, "code").as_deref(), Some("code_wrong"));
        }
        let clerk = app::model::EmailAddress::parse(CLERK).unwrap();
        let record = panel.store.find_login(&clerk).await.unwrap().unwrap();
        assert!(
            record
                .locked_until
                .is_some_and(|end| end > panel.clock.now()),
            "three wrong codes lock; five wrong passwords would"
        );
        let right = code_step(&panel, &half_way, &key.code_at(panel.clock.now() + 30)).await;
        assert_eq!(
            error_code(&right, "code").as_deref(),
            Some("sign_in_locked")
        );
        assert!(right.cookie().is_none());
    }
}

#[tokio::test]
async fn each_recovery_code_signs_in_once_and_new_ones_replace_them() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let (_, codes) = panel.set_up_two_factor(&owner).await;
        let half_way = password_step(&panel, CLERK).await;
        // As a person might type it: capitals, a space for the dash.
        let typed = codes[3].to_uppercase().replace('-', " ");
        let reply = code_step(&panel, &half_way, &typed).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.cookie().is_some());
        assert!(reply
            .location()
            .is_some_and(|l| l.contains("notice=recovery_code_used&n=9")));
        let half_way = password_step(&panel, CLERK).await;
        let replay = code_step(&panel, &half_way, &codes[3]).await;
        assert_eq!(error_code(&replay, "code").as_deref(), Some("code_wrong"));

        let renewed = panel
            .api("two_factor/new_recovery_codes", &[], Some(&owner))
            .await;
        assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
        let once = pair(&renewed.cookie_named(SHOWN_ONCE).unwrap());
        let shown = panel
            .api(
                "two_factor/fresh_codes",
                &[],
                Some(&format!("{owner}; {once}")),
            )
            .await;
        let fresh: Vec<String> = serde_json::from_str(&shown.body).unwrap();
        assert_eq!(fresh.len(), 10);
        let old = code_step(&panel, &half_way, &codes[4]).await;
        assert_eq!(error_code(&old, "code").as_deref(), Some("code_wrong"));
        let new = code_step(&panel, &half_way, &fresh[0]).await;
        assert_eq!(new.status, StatusCode::OK, "{}", new.body);
        // Someone else's browser can't read them.
        let ann = {
            panel.add_users(&owner, &["ann"]).await;
            panel.sign_in("ann@council.test", PASSWORD).await
        };
        let theirs = panel
            .api(
                "two_factor/fresh_codes",
                &[],
                Some(&format!("{ann}; {once}")),
            )
            .await;
        assert_eq!(theirs.body, "[]");
    }
}

#[tokio::test]
async fn turning_it_off_takes_the_password_and_not_while_required() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        panel.set_up_two_factor(&owner).await;
        let wrong = panel
            .api(
                "two_factor/turn_off",
                &[("password", "not it at all")],
                Some(&owner),
            )
            .await;
        assert_eq!(
            error_code(&wrong, "password").as_deref(),
            Some("current_password_wrong")
        );
        let org = panel.organisation().await;
        panel
            .store
            .set_two_factor_requirement(org, TwoFactorRequirement::Admins)
            .await
            .unwrap();
        let required = panel
            .api(
                "two_factor/turn_off",
                &[("password", PASSWORD)],
                Some(&owner),
            )
            .await;
        assert_eq!(
            error_code(&required, "form").as_deref(),
            Some("two_factor_required")
        );
        let saved = panel
            .api(
                "two_factor/set_requirement",
                &[("required", "nobody")],
                Some(&owner),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let off = panel
            .api(
                "two_factor/turn_off",
                &[("password", PASSWORD)],
                Some(&owner),
            )
            .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        // A password alone signs in again.
        panel.sign_in(CLERK, PASSWORD).await;
        let events = panel.store.list_audit(org, 50).await.unwrap();
        assert!(events
            .iter()
            .any(|e| e.action == "two_factor.disable" && e.success));
        assert!(events
            .iter()
            .any(|e| e.action == "organisation.two_factor" && e.detail.contains("nobody")));
    }
}

#[tokio::test]
async fn the_administrators_reset_ends_the_users_sessions_tells_them_and_is_audited() {
    for panel in both().await {
        let owner = panel.admin_session().await;
        let ids = panel.add_users(&owner, &["ann"]).await;
        let ann = panel.sign_in("ann@council.test", PASSWORD).await;
        panel.set_up_two_factor(&ann).await;
        let id = ids[0].to_string();

        let status = panel
            .call("two_factor/of_user", &[("user", id.as_str())], Some(&owner))
            .await;
        let status: TwoFactorStatus = serde_json::from_str(&status.body).unwrap();
        assert!(status.on_since.is_some());
        assert_eq!(status.recovery_codes_left, 10);
        // Their own tab says nothing of the key or the codes.
        let page = panel
            .page(&format!("/users/{id}/security"), Some(&owner))
            .await;
        assert!(page.body.contains("Reset two-factor authentication"));

        // A user may not reset their own, nor reach another's.
        let by_user = panel
            .api("two_factor/reset", &[("id", &id)], Some(&ann))
            .await;
        assert_eq!(by_user.status, StatusCode::FORBIDDEN);

        // After the "Confirm it's you" window, the proof comes first.
        panel.clock.advance(16 * 60);
        let stale = panel
            .api("two_factor/reset", &[("id", &id)], Some(&owner))
            .await;
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
        let reset = panel
            .api("two_factor/reset", &[("id", &id)], Some(&owner))
            .await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
        assert!(reset
            .location()
            .is_some_and(|l| l.contains("notice=two_factor_reset&n=1")));
        assert_eq!(
            panel.api("auth/whoami", &[], Some(&ann)).await.status,
            StatusCode::UNAUTHORIZED,
            "signed out everywhere"
        );
        assert!(panel.store.two_factor(ids[0]).await.unwrap().is_none());
        assert!(panel
            .store
            .unused_recovery_codes(ids[0])
            .await
            .unwrap()
            .is_empty());
        // The password alone signs in again (the organisation requires nothing of users).
        panel.sign_in("ann@council.test", PASSWORD).await;
        let org = panel.organisation().await;
        let mail = panel.store.user_mail(org, ids[0], 10).await.unwrap();
        assert!(mail
            .iter()
            .any(|m| m.kind == app::model::MailKind::TwoFactorResetNotice
                && m.recipient == "ann@council.test"));
        let events = panel.store.list_audit(org, 50).await.unwrap();
        assert!(events.iter().any(|e| e.action == "two_factor.reset"
            && e.target == "ann@council.test"
            && e.detail.contains("\"sessions_ended\":1")));
        let again = panel
            .api("two_factor/reset", &[("id", &id)], Some(&owner))
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "nothing left to reset");

        // Another administrator's is theirs to change.
        let helper = panel.add_user_admin().await;
        let helper_session = panel.sign_in("helper@council.test", PASSWORD).await;
        panel.set_up_two_factor(&helper_session).await;
        let refused = panel
            .api(
                "two_factor/reset",
                &[("id", &helper.to_string())],
                Some(&owner),
            )
            .await;
        assert_eq!(
            error_code(&refused, "form").as_deref(),
            Some("reset_admin_two_factor")
        );
        assert!(panel.store.two_factor(helper).await.unwrap().is_some());
    }
}
