//! Sign-in and sign-out: cookies, setup, rehash, idle expiry, account locks and the per-address limit.
use crate::support::panel::{config, panel, panel_with, PASSWORD};
use axum::http::{header, StatusCode};

#[tokio::test]
async fn sign_in_sets_a_hardened_cookie_and_sign_out_revokes_it() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    let me = panel.api("auth/whoami", &[], Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.body.contains("clerk@council.test"));

    let again = panel
        .api(
            "auth/login",
            &[("email", "clerk@council.test"), ("password", PASSWORD)],
            None,
        )
        .await;
    let set = again.cookie().unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(set.contains(attribute), "{set} lacks {attribute}");
    }
    assert!(!set.contains("Domain"));
    let second = set.split(';').next().unwrap().to_owned();
    assert_ne!(second, cookie, "a new token at every sign-in");

    let out = panel.api("auth/logout", &[], Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.cookie().unwrap().contains("Max-Age=0"));
    let replay = panel.api("auth/whoami", &[], Some(&cookie)).await;
    assert_eq!(
        replay.status,
        StatusCode::UNAUTHORIZED,
        "the old cookie is refused"
    );
    let replay = panel
        .call("users/list", &[("query[search]", "")], Some(&cookie))
        .await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    // The other device stays signed in.
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&second)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_account_and_wrong_password_look_the_same() {
    let panel = panel().await;
    panel.admin_session().await;
    let wrong = panel
        .api(
            "auth/login",
            &[
                ("email", "clerk@council.test"),
                ("password", "not the password"),
            ],
            None,
        )
        .await;
    let unknown = panel
        .api(
            "auth/login",
            &[
                ("email", "ghost@council.test"),
                ("password", "not the password"),
            ],
            None,
        )
        .await;
    let garbage = panel
        .api(
            "auth/login",
            &[("email", "not an address"), ("password", "x")],
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    for other in [&unknown, &garbage] {
        assert_eq!(other.status, wrong.status);
        assert_eq!(other.body, wrong.body);
        assert!(other.cookie().is_none());
    }
    assert!(wrong.body.contains("sign_in_failed"));
    assert!(!wrong.body.contains("not the password"));
    // The failure against a real account is audited, the unknown one leaves no row.
    let org = panel
        .store
        .find_login(&app::model::EmailAddress::parse("clerk@council.test").unwrap())
        .await
        .unwrap()
        .unwrap()
        .organisation_id;
    let events = panel.store.list_audit(org, 50).await.unwrap();
    let failures: Vec<_> = events
        .iter()
        .filter(|e| e.action == "sign_in" && !e.success)
        .collect();
    assert_eq!(failures.len(), 1);
    assert!(failures[0].detail.contains("wrong_password"));
    assert!(events
        .iter()
        .all(|e| !e.detail.contains(PASSWORD) && !e.detail.contains("not the password")));
}

#[tokio::test]
async fn sessions_end_after_the_idle_time() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    panel.clock.advance(59 * 60);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::OK
    );
    panel.clock.advance(61 * 60);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn setup_token_works_once_and_checks_the_password() {
    let panel = panel().await;
    let token = panel.arm_setup().await;
    let form = |token: &str, password: &str| {
        vec![
            ("token".to_owned(), token.to_owned()),
            ("organisation".to_owned(), "Parish".to_owned()),
            ("name".to_owned(), "Clerk".to_owned()),
            ("email".to_owned(), "clerk@council.test".to_owned()),
            ("password".to_owned(), password.to_owned()),
            ("password_confirm".to_owned(), password.to_owned()),
        ]
    };
    let panel = &panel;
    let call = |f: Vec<(String, String)>| async move {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        panel.api("auth/setup", &pairs, None).await
    };
    let weak = call(form(&token, "short")).await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("password_too_short"), "{}", weak.body);
    let wrong = call(form("not-the-token", PASSWORD)).await;
    assert!(wrong.body.contains("setup_token_invalid"), "{}", wrong.body);
    assert!(!panel.store.admin_exists().await.unwrap());
    assert_eq!(call(form(&token, PASSWORD)).await.status, StatusCode::OK);
    assert!(panel.store.admin_exists().await.unwrap());
    let replay = call(form(&token, PASSWORD)).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert!(replay.body.contains("setup_done"));
}

#[tokio::test]
async fn a_hash_made_with_weaker_settings_is_upgraded_at_sign_in() {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let panel = panel().await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8_192, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
    .unwrap()
    .to_string();
    panel
        .store
        .create_organisation(app::store::NewOrganisation {
            organisation_name: "Parish".into(),
            admin_name: "Clerk".into(),
            admin_email: app::model::EmailAddress::parse("clerk@council.test").unwrap(),
            password_hash: weak.clone(),
            setup_token_hash: None,
            now: 1_800_000_000,
        })
        .await
        .unwrap();
    panel.sign_in("clerk@council.test", PASSWORD).await;
    let stored = panel.password_hash_of("clerk").await;
    assert_ne!(stored, weak);
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    // And the upgraded hash still opens the door.
    panel.sign_in("clerk@council.test", PASSWORD).await;
}

#[tokio::test]
async fn failed_sign_ins_lock_an_account_for_a_growing_time_and_an_admin_unlocks_it() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann"]).await;
    let ann = "ann@council.test";
    let attempt = |password: &'static str| panel.try_sign_in(ann, password);
    let wrong = attempt("not her password").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    for _ in 0..4 {
        assert_eq!(attempt("not her password").await.body, wrong.body);
    }
    // Five in a row: even the right password now gets the very same answer.
    let locked = attempt(PASSWORD).await;
    assert_eq!(locked.status, wrong.status);
    assert_eq!(locked.body, wrong.body);
    assert!(locked.cookie().is_none());
    // Trying during the lock doesn't lengthen it.
    panel.clock.advance(30);
    assert_eq!(
        attempt("not her password").await.status,
        StatusCode::BAD_REQUEST
    );
    panel.clock.advance(31);
    panel.sign_in(ann, PASSWORD).await;

    // The success cleared the count; five more failures lock for a minute, the sixth (after
    // that minute) for two.
    for _ in 0..5 {
        attempt("not her password").await;
    }
    panel.clock.advance(61);
    attempt("still not her password").await;
    panel.clock.advance(61);
    assert_eq!(
        attempt(PASSWORD).await.body,
        wrong.body,
        "locked for two minutes"
    );

    // The admin sees the lock on the user's page, and lifts it.
    let detail = panel
        .call("users/get", &[("id", &ids[0].to_string())], Some(&owner))
        .await;
    let user: app::model::UserDetail = serde_json::from_str(&detail.body).unwrap();
    assert_eq!(user.failed_sign_ins, 6);
    assert_eq!(user.locked_until, Some(1_800_000_000 + 30 + 31 + 61 + 120));
    let unlocked = panel
        .api("users/unlock", &[("id", &ids[0].to_string())], Some(&owner))
        .await;
    assert_eq!(unlocked.status, StatusCode::OK, "{}", unlocked.body);
    panel.sign_in(ann, PASSWORD).await;

    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 100).await.unwrap();
    let reasons = |reason: &str| {
        events
            .iter()
            .filter(|e| e.action == "sign_in" && e.detail.contains(reason))
            .count()
    };
    assert_eq!(
        reasons("\"locked\""),
        3,
        "refusals during a lock say so in the log"
    );
    assert_eq!(
        reasons("locked_until"),
        3,
        "each failure that locked records the lock's end"
    );
    assert!(events.iter().any(|e| e.action == "user.unlock"
        && e.target == ann
        && e.detail.contains("\"was_locked\":true")));
    assert!(events
        .iter()
        .all(|e| !e.detail.contains(PASSWORD) && !e.detail.contains("not her password")));

    // A user admin can't lift a lock of the account admin.
    panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let clerk_id = panel
        .store
        .find_login(&app::model::EmailAddress::parse("clerk@council.test").unwrap())
        .await
        .unwrap()
        .unwrap()
        .user_id;
    assert_eq!(
        panel
            .api(
                "users/unlock",
                &[("id", &clerk_id.to_string())],
                Some(&helper)
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn one_address_that_fails_too_often_gets_429_whatever_it_claims_to_forward() {
    let mut config = config();
    config.lockout.ip_failures = 3;
    config.lockout.ip_window = 600;
    config.trusted_proxy = Some("192.0.2.99".parse().unwrap());
    let panel = panel_with(config).await;
    panel.admin_session().await;
    let org = panel.organisation().await;
    let logged = panel.store.list_audit(org, 100).await.unwrap().len();

    // Unknown addresses: refused, and nothing written anywhere.
    for i in 0..3 {
        let claimed = format!("198.51.100.{i}");
        let reply = panel
            .sign_in_from(
                "203.0.113.7",
                Some(&claimed),
                &format!("ghost{i}@council.test"),
                "guess",
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    }
    assert_eq!(
        panel.store.list_audit(org, 100).await.unwrap().len(),
        logged
    );
    // A forged X-Forwarded-For from an untrusted peer changes nothing: the peer is the address.
    let throttled = panel
        .sign_in_from(
            "203.0.113.7",
            Some("198.51.100.200"),
            "clerk@council.test",
            PASSWORD,
        )
        .await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        throttled.body
    );
    assert_eq!(throttled.headers[header::RETRY_AFTER], "600");
    assert!(throttled.cookie().is_none());
    assert!(throttled.body.contains("RateLimited"), "{}", throttled.body);
    // Someone else is not slowed down.
    let other = panel
        .sign_in_from("203.0.113.8", None, "clerk@council.test", PASSWORD)
        .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);

    // Behind the trusted proxy, the address it forwards is the one that counts.
    for _ in 0..3 {
        panel
            .sign_in_from(
                "192.0.2.99",
                Some("198.51.100.50"),
                "clerk@council.test",
                "guess",
            )
            .await;
    }
    let blocked = panel
        .sign_in_from(
            "192.0.2.99",
            Some("198.51.100.50"),
            "clerk@council.test",
            PASSWORD,
        )
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    let neighbour = panel
        .sign_in_from(
            "192.0.2.99",
            Some("198.51.100.51"),
            "clerk@council.test",
            PASSWORD,
        )
        .await;
    assert_eq!(neighbour.status, StatusCode::OK, "{}", neighbour.body);

    // The window passes on the panel's clock.
    panel.clock.advance(600);
    let again = panel
        .sign_in_from("203.0.113.7", None, "clerk@council.test", PASSWORD)
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
}
