//! Passwords an administrator sets: the generator, resets, forced changes, the policy, temporary passwords.
use crate::support::panel::{panel, PASSWORD};
use app::model::PolicyPreset;
use axum::http::{header, StatusCode};

#[tokio::test]
async fn generated_passwords_pass_the_policy_and_are_never_kept() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let id = panel.add_user_admin().await.to_string();
    let ask = |words: &'static str, separator: &'static str, digits: &'static str| {
        [
            ("user", id.clone()),
            ("words", words.to_owned()),
            ("separator", separator.to_owned()),
            ("digits", digits.to_owned()),
        ]
    };
    let form = ask("5", "period", "3");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..3 {
        let reply = panel.api("passwords/generate", &form, Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
        let drawn: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let password = drawn["password"].as_str().unwrap().to_owned();
        let parts: Vec<&str> = password.split('.').collect();
        assert_eq!(
            parts.len(),
            7,
            "three digits, five words, three digits: {password}"
        );
        assert!(parts[0].len() == 3 && parts[6].len() == 3, "{password}");
        let bits = drawn["entropy_bits"].as_f64().unwrap();
        assert!(bits > 85.0 && bits < 95.0, "{bits}");
        assert!(
            app::model::PasswordPolicy::default()
                .check(&password, &["Helper", "helper", "council.test"])
                .is_ok(),
            "{password}"
        );
        seen.insert(password);
    }
    assert_eq!(seen.len(), 3, "every draw is new");

    let form = ask("20", "comma", "9");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = panel.api("passwords/generate", &form, Some(&owner)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    for field in ["words", "digits", "separator"] {
        assert!(
            refused.body.contains(&format!("\"field\":\"{field}\"")),
            "{field}: {}",
            refused.body
        );
    }

    // New user: no mailbox yet, so the words typed so far are the ones to avoid.
    let typed = [
        ("typed[0]", "Rosalind Orchard"),
        ("typed[1]", "orchard"),
        ("typed[2]", "council.test"),
        ("words", "6"),
        ("separator", "hyphen"),
        ("digits", "0"),
    ];
    for _ in 0..3 {
        let reply = panel.api("passwords/generate", &typed, Some(&owner)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let drawn: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        let password = drawn["password"].as_str().unwrap();
        assert!(
            app::model::PasswordPolicy::default()
                .check(password, &["Rosalind Orchard", "orchard", "council.test"])
                .is_ok(),
            "{password}"
        );
    }
    let too_many = panel
        .api(
            "passwords/generate",
            &[
                ("typed[0]", "a"),
                ("typed[1]", "b"),
                ("typed[2]", "c"),
                ("typed[3]", "d"),
                ("words", "4"),
                ("separator", "hyphen"),
                ("digits", "2"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(
        too_many.status,
        StatusCode::BAD_REQUEST,
        "{}",
        too_many.body
    );
    let anonymous = panel.api("passwords/generate", &typed, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 50).await.unwrap();
    assert!(
        events.iter().all(|e| !e.action.starts_with("password")),
        "generating changes nothing, so it records nothing"
    );
}

#[tokio::test]
async fn a_reset_ends_the_chosen_devices_and_their_cookies_get_401() {
    const NEW: &str = "lantern orbit fiddle 42";
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let id = panel.add_user_admin().await.to_string();
    let laptop = panel.sign_in("helper@council.test", PASSWORD).await;
    let phone = panel.sign_in("helper@council.test", PASSWORD).await;
    let tablet = panel.sign_in("helper@council.test", PASSWORD).await;
    let whoami = |cookie: String| {
        let panel = &panel;
        async move { panel.api("auth/whoami", &[], Some(&cookie)).await.status }
    };

    let listed = panel
        .call("passwords/devices", &[("user", &id)], Some(&owner))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert!(!listed.body.contains("token"), "{}", listed.body);
    let devices: Vec<serde_json::Value> = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(devices.len(), 3, "{}", listed.body);
    // Seen at the same second, so the newest session comes first.
    let device_id = |i: usize| devices[i]["id"].as_i64().unwrap().to_string();
    let (tablet_id, laptop_id) = (device_id(0), device_id(2));
    let page = panel
        .get(&format!("/users/{id}/security"), Some(&owner))
        .await;
    let html = page.body.replace("<!>", "");
    assert_eq!(
        html.matches("name=\"form[end][").count(),
        6,
        "a box for each device, in the reset's choice and in the devices section: {html}"
    );
    assert_eq!(html.matches("id=\"reset-end-").count(), 3, "{html}");
    assert_eq!(html.matches("id=\"devices-end-").count(), 3, "{html}");
    assert!(html.contains("Unknown device at unknown"), "{html}");

    let reset = |password: &'static str, confirm: &'static str, sign_out: &'static str| {
        vec![
            ("user", id.clone()),
            ("password", password.to_owned()),
            ("password_confirm", confirm.to_owned()),
            ("must_change", "on".to_owned()),
            ("sign_out", sign_out.to_owned()),
        ]
    };
    let send = |form: Vec<(&'static str, String)>, cookie: String| {
        let panel = &panel;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            panel.api("passwords/reset", &form, Some(&cookie)).await
        }
    };
    for (form, field, code) in [
        (
            reset("password1234", "password1234", "all"),
            "password",
            "password_common",
        ),
        (
            reset("helper garden 77 pond", "helper garden 77 pond", "all"),
            "password",
            "password_personal",
        ),
        (
            reset(NEW, "lantern orbit fiddle 43", "all"),
            "password_confirm",
            "password_mismatch",
        ),
        (reset(NEW, NEW, "some"), "sign_out", "choice_invalid"),
    ] {
        let refused = send(form, owner.clone()).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
        assert_eq!(error["Invalid"][0]["field"], field, "{}", refused.body);
        assert_eq!(error["Invalid"][0]["code"], code, "{}", refused.body);
    }
    let owner_id = {
        let me = panel.api("auth/whoami", &[], Some(&owner)).await.body;
        serde_json::from_str::<serde_json::Value>(&me).unwrap()["user_id"].to_string()
    };
    let mut own = reset(NEW, NEW, "all");
    own[0].1 = owner_id.clone();
    let refused = send(own.clone(), owner.clone()).await;
    assert!(
        refused.body.contains("reset_own_password"),
        "{}",
        refused.body
    );
    let refused = send(own, phone.clone()).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a user admin can't reset the account admin"
    );
    for cookie in [&laptop, &phone, &tablet] {
        assert_eq!(
            whoami(cookie.clone()).await,
            StatusCode::OK,
            "refusals end nothing"
        );
    }

    // Keep the phone: sign out the laptop and the tablet only.
    let mut keep_phone = reset(NEW, NEW, "chosen");
    keep_phone.push(("end[0]", laptop_id));
    keep_phone.push(("end[2]", tablet_id));
    let done = send(keep_phone, owner.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(!done.body.contains(NEW));
    assert_eq!(whoami(laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(whoami(tablet).await, StatusCode::UNAUTHORIZED);
    let kept = panel.api("auth/whoami", &[], Some(&phone)).await;
    assert_eq!(
        (kept.status, kept.body.contains("PasswordChangeRequired")),
        (StatusCode::FORBIDDEN, true),
        "the kept device stays signed in, and must choose a new password first: {}",
        kept.body
    );
    let old = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        old.status,
        StatusCode::BAD_REQUEST,
        "the old password is gone"
    );
    let detail = panel
        .store
        .get_user(org, id.parse().unwrap())
        .await
        .unwrap();
    assert!(detail.must_change_password);

    let events = panel.store.list_audit(org, 50).await.unwrap();
    let resets: Vec<_> = events
        .iter()
        .filter(|e| e.action == "password.reset")
        .collect();
    assert_eq!(resets.len(), 1, "refusals leave no event: {resets:?}");
    assert_eq!(resets[0].target, "helper@council.test");
    assert!(resets[0].success);
    let detail: serde_json::Value = serde_json::from_str(&resets[0].detail).unwrap();
    assert_eq!(
        detail,
        serde_json::json!({
            "must_change": true,
            "sign_out": "chosen",
            "sessions_ended": 2,
            "email": "nothing",
            "app_passwords_revoked": false,
        })
    );
    assert!(events
        .iter()
        .all(|e| !e.detail.contains(NEW) && !e.target.contains(NEW)));

    // Every device, and no forced change this time.
    let form = vec![
        ("user", id.clone()),
        ("password", "copper willow 9 harbour".to_owned()),
        ("password_confirm", "copper willow 9 harbour".to_owned()),
        ("sign_out", "all".to_owned()),
    ];
    let done = send(form, owner.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(whoami(phone).await, StatusCode::UNAUTHORIZED);
    let detail = panel
        .store
        .get_user(org, id.parse().unwrap())
        .await
        .unwrap();
    assert!(!detail.must_change_password);
    panel
        .sign_in("helper@council.test", "copper willow 9 harbour")
        .await;
}

#[tokio::test]
async fn after_a_reset_with_force_change_only_the_change_is_open() {
    const TEMPORARY: &str = "lantern orbit fiddle 42";
    const OWN: &str = "copper willow 9 harbour";
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let id = panel.add_user_admin().await.to_string();
    let form = [
        ("user", id.as_str()),
        ("password", TEMPORARY),
        ("password_confirm", TEMPORARY),
        ("must_change", "on"),
        ("sign_out", "all"),
    ];
    let done = panel.api("passwords/reset", &form, Some(&owner)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    // Signing in works, and lands on the change; everything else is closed.
    let reply = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", TEMPORARY)],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let forced = reply
        .cookie()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let other = panel.sign_in("helper@council.test", TEMPORARY).await;
    for (path, form) in [
        ("auth/whoami", vec![]),
        ("users/list", vec![("query[search]", "")]),
        ("users/get", vec![("id", id.as_str())]),
        ("passwords/devices", vec![("user", id.as_str())]),
    ] {
        let refused = panel.call(path, &form, Some(&forced)).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            refused.body
        );
        assert!(
            refused.body.contains("PasswordChangeRequired"),
            "{path}: {}",
            refused.body
        );
    }
    let page = panel.page("/users", Some(&forced)).await;
    assert!(
        page.status.is_redirection(),
        "pages send the user to the change: {}",
        page.status
    );
    assert_eq!(page.headers[header::LOCATION], "/account/password");
    let context = panel
        .api("account/password_context", &[], Some(&forced))
        .await;
    assert_eq!(context.status, StatusCode::OK, "{}", context.body);
    assert!(
        context.body.contains("\"must_change\":true"),
        "{}",
        context.body
    );

    let change = |current: &'static str, password: &'static str, confirm: &'static str| {
        vec![
            ("current", current),
            ("password", password),
            ("password_confirm", confirm),
            ("sign_out_others", "on"),
        ]
    };
    for (form, field, code) in [
        (
            change(PASSWORD, OWN, OWN),
            "current",
            "current_password_wrong",
        ),
        (
            change(TEMPORARY, TEMPORARY, TEMPORARY),
            "password",
            "password_unchanged",
        ),
        (
            change(TEMPORARY, "aaaaaaaaaaaa", "aaaaaaaaaaaa"),
            "password",
            "password_too_weak",
        ),
        (
            change(TEMPORARY, OWN, "copper willow 9 harbor"),
            "password_confirm",
            "password_mismatch",
        ),
    ] {
        let refused = panel
            .api("account/change_password", &form, Some(&forced))
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
        assert_eq!(error["Invalid"][0]["field"], field, "{}", refused.body);
        assert_eq!(error["Invalid"][0]["code"], code, "{}", refused.body);
    }
    let done = panel
        .api(
            "account/change_password",
            &change(TEMPORARY, OWN, OWN),
            Some(&forced),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // The session was rotated: the cookie it had is refused, the new one goes on.
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&forced)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let forced = done.cookie().unwrap().split(';').next().unwrap().to_owned();

    // The same session now reaches the panel; the other device was signed out.
    let open = panel
        .call("users/list", &[("query[search]", "")], Some(&forced))
        .await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&other)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let old = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", TEMPORARY)],
            None,
        )
        .await;
    assert_eq!(
        old.status,
        StatusCode::BAD_REQUEST,
        "the temporary password is gone"
    );
    panel.sign_in("helper@council.test", OWN).await;

    let events = panel.store.list_audit(org, 50).await.unwrap();
    let changes: Vec<_> = events
        .iter()
        .filter(|e| e.action == "password.change")
        .collect();
    assert_eq!(
        changes.len(),
        2,
        "one refused (wrong current password), one done: {changes:?}"
    );
    assert!(changes
        .iter()
        .any(|e| e.success && e.detail.contains("\"other_sessions_ended\":1")));
    assert!(changes
        .iter()
        .any(|e| !e.success && e.detail.contains("wrong_password")));
    assert!(events
        .iter()
        .all(|e| !e.detail.contains(OWN) && !e.detail.contains(TEMPORARY)));
}

#[tokio::test]
async fn the_organisations_password_policy_binds_every_new_password() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let id = panel.add_user_admin().await.to_string();
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let host = [
        ("preset", "host_style"),
        ("min_chars", "12"),
        ("min_score", "3"),
    ];
    let refused = panel
        .api("organisation/password_policy", &host, Some(&helper))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "only the account admin sets it"
    );
    let wrong = panel
        .api(
            "organisation/password_policy",
            &[("preset", "custom"), ("min_chars", "5"), ("min_score", "7")],
            Some(&owner),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    assert!(
        wrong.body.contains("\"field\":\"min_chars\""),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("\"field\":\"min_score\""),
        "{}",
        wrong.body
    );
    let done = panel
        .api("organisation/password_policy", &host, Some(&owner))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    // Every form that sets a password says the rule in force, not the default's.
    for page in [
        "/users/new".to_owned(),
        format!("/users/{id}/security"),
        "/account/password".to_owned(),
    ] {
        let shown = panel.page(&page, Some(&owner)).await;
        let text = shown.body.replace("<!>", "");
        assert!(
            text.contains(
                "At least 8 characters, with an uppercase letter, a lowercase letter, a digit and a symbol."
            ),
            "{page}: {text}"
        );
        assert!(!text.contains("At least 12 characters"), "{page}");
    }
    let french = panel
        .page("/users/new", Some(&format!("{owner}; i18n_pref_locale=fr")))
        .await;
    assert!(
        french.body.replace("<!>", "").contains(
            "Au moins 8 caractères, dont une majuscule, une minuscule, un chiffre et un symbole."
        ),
        "{}",
        french.body
    );

    // The meter's copy of the rules is the server's.
    let shown = panel.api("passwords/policy", &[], Some(&owner)).await;
    let shown: serde_json::Value = serde_json::from_str(&shown.body).unwrap();
    assert_eq!(shown["min_chars"], 8);
    assert_eq!(shown["require"]["symbol"], true);

    // A reset, a new user and the generator all answer to it.
    let reset = |password: &'static str| {
        [
            ("user", id.clone()),
            ("password", password.to_owned()),
            ("password_confirm", password.to_owned()),
            ("sign_out", "all".to_owned()),
        ]
    };
    let form = reset("lantern orbit fiddle 42");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = panel.api("passwords/reset", &form, Some(&owner)).await;
    assert!(
        refused.body.contains("password_needs_upper"),
        "{}",
        refused.body
    );
    let form = reset("Lantern orbit fiddle 42");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = panel.api("passwords/reset", &form, Some(&owner)).await;
    assert!(
        refused.body.contains("password_needs_symbol"),
        "{}",
        refused.body
    );
    let created = panel
        .api(
            "users/create",
            &[
                ("account_type", "basic"),
                ("domain", "1"),
                ("username", "newcomer"),
                ("name", "Newcomer"),
                ("password", "lantern orbit fiddle 42"),
                ("password_confirm", "lantern orbit fiddle 42"),
                ("quota_gb", "0.5"),
            ],
            Some(&owner),
        )
        .await;
    assert!(
        created.body.contains("password_needs_upper"),
        "{}",
        created.body
    );
    let drawn = panel
        .api(
            "passwords/generate",
            &[
                ("user", id.as_str()),
                ("words", "3"),
                ("separator", "space"),
                ("digits", "0"),
            ],
            Some(&owner),
        )
        .await;
    let drawn: serde_json::Value = serde_json::from_str(&drawn.body).unwrap();
    let password = drawn["password"].as_str().unwrap().to_owned();
    assert!(
        PolicyPreset::HostStyle
            .policy()
            .check(&password, &["Helper", "helper", "council.test"])
            .is_ok(),
        "the generator adds what the rules need (a digit, a separator that is a symbol): {password}"
    );
    let form = reset("Lantern-orbit-fiddle-42");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = panel.api("passwords/reset", &form, Some(&owner)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    let events = panel.store.list_audit(org, 50).await.unwrap();
    let set: Vec<_> = events
        .iter()
        .filter(|e| e.action == "organisation.password_policy")
        .collect();
    assert_eq!(set.len(), 1, "refusals leave no event");
    assert!(
        set[0].detail.contains("\"preset\":\"host_style\""),
        "{}",
        set[0].detail
    );
}

#[tokio::test]
async fn an_unused_temporary_password_stops_working_after_its_days() {
    const TEMPORARY: &str = "lantern orbit fiddle 42";
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let id = panel.add_user_admin().await.to_string();
    let form = [
        ("user", id.as_str()),
        ("password", TEMPORARY),
        ("password_confirm", TEMPORARY),
        ("must_change", "on"),
        ("sign_out", "all"),
    ];
    let done = panel.api("passwords/reset", &form, Some(&owner)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let login = |password: &'static str| {
        let panel = &panel;
        async move {
            panel
                .api(
                    "auth/login",
                    &[("email", "helper@council.test"), ("password", password)],
                    None,
                )
                .await
        }
    };
    panel.clock.advance(7 * 86_400 - 60);
    assert_eq!(login(TEMPORARY).await.status, StatusCode::OK, "still valid");
    panel.clock.advance(60);
    let expired = login(TEMPORARY).await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert!(
        expired.body.contains("temporary_password_expired"),
        "{}",
        expired.body
    );
    // A wrong password learns nothing of it.
    let wrong = login("not the temporary one").await;
    assert!(wrong.body.contains("sign_in_failed"), "{}", wrong.body);
    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 20).await.unwrap();
    assert!(events
        .iter()
        .any(|e| !e.success && e.detail.contains("temporary_password_expired")));

    // A password the user chose has no end: after a reset without the forced change, none.
    let owner = panel.sign_in("clerk@council.test", PASSWORD).await;
    let form = [
        ("user", id.as_str()),
        ("password", TEMPORARY),
        ("password_confirm", TEMPORARY),
        ("sign_out", "all"),
    ];
    assert_eq!(
        panel
            .api("passwords/reset", &form, Some(&owner))
            .await
            .status,
        StatusCode::OK
    );
    panel.clock.advance(30 * 86_400);
    assert_eq!(login(TEMPORARY).await.status, StatusCode::OK);
}
