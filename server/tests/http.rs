//! The HTTP surface driven in-process, as a browser or an attacker would see it.
mod support;

use app::model::PolicyPreset;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server::config::{Config, SmtpUrl};
use support::panel::{config, panel, panel_with, Panel, Reply, PASSWORD};

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
        .api("users/list", &[("search", "")], Some(&cookie))
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

/// Who may call a server function at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Access {
    /// Anyone signed in, for their own account.
    SignedIn,
    /// Any admin, within what they administer.
    Admin,
    /// Admins of the whole organisation, not domain admins.
    OrgAdmin,
    /// The account admin only.
    Owner,
}

/// A server function, a form it accepts, and who may call it.
type Call = (Access, &'static str, Vec<(&'static str, &'static str)>);

/// Every server function that needs a session.
fn every_server_function() -> Vec<Call> {
    vec![
        (Access::SignedIn, "auth/whoami", vec![]),
        (Access::Admin, "users/list", vec![("search", "")]),
        (Access::Admin, "domains/list", vec![]),
        (Access::Admin, "domains/summaries", vec![]),
        (Access::Owner, "domains/add", vec![("name", "evil.test")]),
        (Access::Owner, "domains/remove", vec![("id", "1")]),
        (Access::Admin, "organisation/usage", vec![]),
        (Access::OrgAdmin, "organisation/overview", vec![]),
        (
            Access::Owner,
            "organisation/limits",
            vec![("licences", "9"), ("storage_gb", "9")],
        ),
        (Access::Admin, "users/get", vec![("id", "1")]),
        (
            Access::Admin,
            "users/delete",
            vec![("id", "1"), ("confirm", "clerk@council.test")],
        ),
        (
            Access::Admin,
            "users/update",
            vec![
                ("id", "1"),
                ("name", "x"),
                ("account_type", "basic"),
                ("quota_gb", "1"),
            ],
        ),
        (Access::Admin, "users/selection", vec![("ids", "1")]),
        (Access::Admin, "users/convert_shared", vec![("id", "1")]),
        (Access::Admin, "aliases/list", vec![("user", "1")]),
        (
            Access::Admin,
            "aliases/add",
            vec![("user", "1"), ("username", "x"), ("domain", "1")],
        ),
        (
            Access::Admin,
            "aliases/remove",
            vec![("user", "1"), ("id", "1")],
        ),
        (Access::Admin, "lists/list", vec![]),
        (Access::Admin, "lists/get", vec![("id", "1")]),
        (
            Access::Admin,
            "lists/create",
            vec![("name", "x"), ("username", "x"), ("domain", "1")],
        ),
        (
            Access::Admin,
            "lists/add_member",
            vec![("id", "1"), ("email", "x@y.z")],
        ),
        (
            Access::Admin,
            "lists/remove_member",
            vec![("id", "1"), ("user", "1")],
        ),
        (
            Access::Admin,
            "lists/delete",
            vec![("id", "1"), ("confirm", "x@y.z")],
        ),
        (
            Access::Admin,
            "users/bulk",
            vec![("action", "disable"), ("ids", "1"), ("confirm", "on")],
        ),
        (
            Access::Admin,
            "users/import/check",
            vec![("csv", "email,name,quota_gb\n")],
        ),
        (Access::Admin, "users/import/get", vec![("id", "1")]),
        (Access::Admin, "users/import/confirm", vec![("id", "1")]),
        (Access::Admin, "users/import/cancel", vec![("id", "1")]),
        (
            Access::Admin,
            "passwords/generate",
            vec![
                ("user", "1"),
                ("words", "4"),
                ("separator", "hyphen"),
                ("digits", "2"),
            ],
        ),
        (Access::Admin, "passwords/devices", vec![("user", "1")]),
        (Access::SignedIn, "passwords/policy", vec![]),
        (
            Access::Owner,
            "organisation/password_policy",
            vec![
                ("preset", "host_style"),
                ("min_chars", "8"),
                ("min_score", "0"),
            ],
        ),
        (Access::SignedIn, "account/password_context", vec![]),
        (
            Access::SignedIn,
            "account/change_password",
            vec![
                ("current", "x"),
                ("password", "quartz meadow tumble 7"),
                ("password_confirm", "quartz meadow tumble 7"),
            ],
        ),
        (
            Access::Admin,
            "passwords/reset",
            vec![
                ("user", "1"),
                ("password", "quartz meadow tumble 7"),
                ("password_confirm", "quartz meadow tumble 7"),
                ("sign_out", "all"),
            ],
        ),
        (Access::Admin, "passwords/mail", vec![("user", "1")]),
        (Access::SignedIn, "account/devices", vec![]),
        (
            Access::SignedIn,
            "account/sign_out_devices",
            vec![("end[0]", "1")],
        ),
        (Access::Admin, "users/unlock", vec![("id", "1")]),
        (
            Access::Admin,
            "users/sign_out",
            vec![("user", "1"), ("all", "1")],
        ),
        (
            Access::Owner,
            "users/set_role",
            vec![("id", "1"), ("role", "user_admin")],
        ),
        (Access::SignedIn, "auth/logout", vec![]),
        (
            Access::Admin,
            "users/create",
            vec![
                ("domain", "1"),
                ("username", "eve"),
                ("name", "Eve"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("quota_gb", "1"),
                ("account_type", "basic"),
            ],
        ),
        (
            Access::SignedIn,
            "account/confirm_password",
            vec![("password", "x"), ("next", "/users")],
        ),
    ]
}

#[tokio::test]
async fn every_data_function_refuses_strangers() {
    let panel = panel().await;
    for (_, path, form) in every_server_function() {
        let reply = panel.api(path, &form, None).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{path}: {}",
            reply.body
        );
        let forged = panel
            .api(
                path,
                &form,
                Some("__Host-postmaster_session=00112233445566778899aabbccddeeff"),
            )
            .await;
        assert_eq!(
            forged.status,
            StatusCode::UNAUTHORIZED,
            "{path} with a forged cookie"
        );
    }
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
async fn cross_site_posts_are_refused() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    for (site, origin) in [
        (Some("cross-site"), None),
        (None, Some("https://evil.test")),
    ] {
        let mut req = Request::post("/api/auth/logout")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let reply = panel.send(req.body(Body::empty()).unwrap()).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn setup_token_works_once_and_checks_the_password() {
    let panel = panel().await;
    let token = panel.state.services.setup.arm();
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
async fn admins_create_and_find_users_with_errors_per_field() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    let domains = panel.api("domains/list", &[], Some(&cookie)).await;
    assert!(domains.body.contains("council.test"));
    let domain_id: serde_json::Value = serde_json::from_str(&domains.body).unwrap();
    let domain_id = domain_id[0]["id"].to_string();

    let bad = panel
        .api(
            "users/create",
            &[
                ("domain", "999999"),
                ("username", ".bad"),
                ("name", ""),
                ("password", "janedoe-secret-1"),
                ("password_confirm", "janedoe-secret-1"),
                ("quota_gb", "0"),
                ("account_type", "basic"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for code in [
        "domain_unknown",
        "local_part_invalid",
        "required",
        "quota_invalid",
    ] {
        assert!(bad.body.contains(code), "{code} missing from {}", bad.body);
    }

    let good = [
        ("domain", domain_id.as_str()),
        ("username", "Jane.Doe"),
        ("name", "Jane Doe"),
        ("password", "quartz meadow tumble 7"),
        ("password_confirm", "quartz meadow tumble 7"),
        ("quota_gb", "0.5"),
        ("account_type", "enhanced"),
    ];
    let created = panel.api("users/create", &good, Some(&cookie)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let again = panel.api("users/create", &good, Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("address_taken"));

    let found = panel
        .api("users/list", &[("search", "jane")], Some(&cookie))
        .await;
    let page: app::model::UserPage = serde_json::from_str(&found.body).unwrap();
    assert_eq!(page.users.len(), 1);
    assert_eq!(page.users[0].email, "jane.doe@council.test");
    assert_eq!(page.users[0].quota_mb, 500);
    assert!(
        !found.body.contains("argon2"),
        "no hash ever leaves the server"
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_send_strangers_to_sign_in() {
    let panel = panel().await;
    let reply = panel
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.contains("<form"),
        "the sign-in form is server-rendered"
    );
    // Every inline script carries the nonce the policy names, and only this response's.
    let policy = reply.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 22, "128 bits at least: {nonce}");
    // Leptos leaves one empty `<script></script>` as a marker; with nothing in it, it never runs.
    let scripts =
        reply.body.matches("<script").count() - reply.body.matches("<script></script>").count();
    assert!(scripts >= 1);
    assert_eq!(
        reply
            .body
            .matches(&format!("<script nonce=\"{nonce}\""))
            .count()
            + reply
                .body
                .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count(),
        scripts,
        "{}",
        reply.body
    );
    let again = panel
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert!(!again.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains(nonce));
    let api = panel.api("auth/setup_open", &[], None).await;
    assert!(api.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(reply.headers[header::REFERRER_POLICY], "same-origin");
    assert!(
        !reply
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY),
        "no HSTS over plain HTTP"
    );

    let users = panel
        .send(
            Request::get("/users")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(users.status.is_redirection(), "{}", users.status);
    assert_eq!(users.headers[header::LOCATION], "/login");
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
            now: 1_800_000_000,
        })
        .await
        .unwrap();
    panel.sign_in("clerk@council.test", PASSWORD).await;
    let address = app::model::EmailAddress::parse("clerk@council.test").unwrap();
    let stored = panel
        .store
        .find_login(&address)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert_ne!(stored, weak);
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    // And the upgraded hash still opens the door.
    panel.sign_in("clerk@council.test", PASSWORD).await;
}

#[tokio::test]
async fn only_the_account_admin_changes_settings_and_domains() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let domain = panel.store.list_domains(org).await.unwrap()[0].id;
    panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;

    assert_eq!(
        panel
            .api("users/list", &[("search", "")], Some(&helper))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        panel
            .api("organisation/usage", &[], Some(&helper))
            .await
            .status,
        StatusCode::OK
    );
    for (path, form) in [
        (
            "organisation/limits",
            vec![("licences", "100"), ("storage_gb", "1000")],
        ),
        ("domains/add", vec![("name", "evil.test")]),
        ("domains/remove", vec![("id", "1")]),
    ] {
        let reply = panel.api(path, &form, Some(&helper)).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            reply.body
        );
    }
    assert!(panel
        .store
        .list_domains(org)
        .await
        .unwrap()
        .iter()
        .all(|d| d.name != "evil.test"));

    // The owner may, and the limits hold at once.
    let set = panel
        .api(
            "organisation/limits",
            &[("licences", "2"), ("storage_gb", "10")],
            Some(&owner),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let full = panel
        .api(
            "users/create",
            &[
                ("domain", &domain.to_string()),
                ("username", "third"),
                ("name", "Third"),
                ("password", "quartz meadow tumble 7"),
                ("password_confirm", "quartz meadow tumble 7"),
                ("quota_gb", "1"),
                ("account_type", "basic"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.body.contains("licences_exhausted"), "{}", full.body);
    let low = panel
        .api(
            "organisation/limits",
            &[("licences", "1"), ("storage_gb", "10")],
            Some(&owner),
        )
        .await;
    assert_eq!(low.status, StatusCode::BAD_REQUEST);
    assert!(low.body.contains("licences_below_use"));
}

#[tokio::test]
async fn disabling_or_deleting_a_user_ends_their_sessions_at_once() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let helper_id = panel.add_user_admin().await;
    let id = helper_id.to_string();
    let cookie = panel.sign_in("helper@council.test", PASSWORD).await;
    let owner_id = panel.api("auth/whoami", &[], Some(&owner)).await.body;
    let owner_id: serde_json::Value = serde_json::from_str(&owner_id).unwrap();
    let owner_id = owner_id["user_id"].to_string();

    // A user admin may not touch the account admin.
    let reach = panel
        .api(
            "users/update",
            &[
                ("id", owner_id.as_str()),
                ("name", "x"),
                ("account_type", "basic"),
                ("quota_gb", "1"),
                ("disabled", "on"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reach.status, StatusCode::FORBIDDEN, "{}", reach.body);
    // Nobody disables their own account.
    let own = panel
        .api(
            "users/update",
            &[
                ("id", owner_id.as_str()),
                ("name", "Clerk"),
                ("account_type", "basic"),
                ("quota_gb", "1"),
                ("disabled", "on"),
            ],
            Some(&owner),
        )
        .await;
    assert!(own.body.contains("self_action"), "{}", own.body);

    let disable = [
        ("id", id.as_str()),
        ("name", "Helper"),
        ("account_type", "basic"),
        ("quota_gb", "0.5"),
        ("disabled", "on"),
    ];
    let done = panel.api("users/update", &disable, Some(&owner)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let refused = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "a disabled account can't sign in"
    );

    let enable = [
        ("id", id.as_str()),
        ("name", "Helper"),
        ("account_type", "basic"),
        ("quota_gb", "0.5"),
    ];
    assert_eq!(
        panel
            .api("users/update", &enable, Some(&owner))
            .await
            .status,
        StatusCode::OK
    );
    let cookie = panel.sign_in("helper@council.test", PASSWORD).await;

    let wrong = panel
        .api(
            "users/delete",
            &[("id", id.as_str()), ("confirm", "someone@council.test")],
            Some(&owner),
        )
        .await;
    assert!(wrong.body.contains("confirm_mismatch"), "{}", wrong.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::OK,
        "nothing deleted yet"
    );
    let gone = panel
        .api(
            "users/delete",
            &[("id", id.as_str()), ("confirm", "helper@council.test")],
            Some(&owner),
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        panel
            .api("users/get", &[("id", id.as_str())], Some(&owner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let events = panel.store.list_audit(org, 50).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.action == "user.delete" && e.target == "helper@council.test" && e.success));
}

#[tokio::test]
async fn served_over_tls_the_panel_asks_for_hsts() {
    let tls = Config {
        base_url: url::Url::parse("https://mail.example.org").unwrap(),
        ..config()
    };
    let panel = panel_with(tls).await;
    let reply = panel
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        reply.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn an_account_record_downloads_as_json_without_its_hash() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    let me: serde_json::Value =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&cookie)).await.body).unwrap();
    let uri = format!("/api/users/export?id={}", me["user_id"]);
    let get = |cookie: Option<&str>| {
        let mut req = Request::get(&uri);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::empty()).unwrap()
    };
    let reply = panel.send(get(Some(&cookie))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"clerk@council.test.json\""
    );
    let record: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(record["email"], "clerk@council.test");
    assert!(!reply.body.contains("argon2"));
    assert_eq!(panel.send(get(None)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bulk_actions_take_one_confirmation_and_respect_roles() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let ann = panel.add_users(&owner, &["ann"]).await[0];
    let helper_id = panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let both = format!("{ann},{helper_id}");
    let me: serde_json::Value =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&owner)).await.body).unwrap();
    let with_me = format!("{ann},{}", me["user_id"]);

    // The confirmation page lists the accounts; nobody bulk-disables themselves.
    let chosen = panel
        .api("users/selection", &[("ids", both.as_str())], Some(&owner))
        .await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert!(
        chosen.body.contains("ann@council.test") && chosen.body.contains("helper@council.test")
    );
    let own = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", with_me.as_str())],
            Some(&owner),
        )
        .await;
    assert!(own.body.contains("self_action"), "{}", own.body);
    let nothing = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", "")],
            Some(&owner),
        )
        .await;
    assert!(
        nothing.body.contains("nothing_selected"),
        "{}",
        nothing.body
    );

    // A user admin can't reach the account admin, even among others.
    let reach = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", with_me.as_str())],
            Some(&helper),
        )
        .await;
    assert_eq!(reach.status, StatusCode::FORBIDDEN, "{}", reach.body);
    assert_eq!(
        panel.store.get_user(org, ann).await.unwrap().status,
        app::model::AccountStatus::Active,
        "a refused action changes nothing"
    );

    let disabled = panel
        .api(
            "users/bulk",
            &[("action", "disable"), ("ids", both.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&helper)).await.status,
        StatusCode::UNAUTHORIZED,
        "disabled accounts are signed out at once"
    );
    let audit = panel.store.list_audit(org, 10).await.unwrap();
    assert_eq!(
        audit.iter().filter(|a| a.action == "user.disable").count(),
        2,
        "one audit event per account"
    );

    // Deleting needs the box ticked.
    let unconfirmed = panel
        .api(
            "users/bulk",
            &[("action", "delete"), ("ids", both.as_str())],
            Some(&owner),
        )
        .await;
    assert!(
        unconfirmed.body.contains("confirm_required"),
        "{}",
        unconfirmed.body
    );
    let deleted = panel
        .api(
            "users/bulk",
            &[
                ("action", "delete"),
                ("ids", both.as_str()),
                ("confirm", "on"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(
        panel
            .store
            .organisation_usage(org)
            .await
            .unwrap()
            .mailboxes_used,
        1,
        "only the clerk is left"
    );
}

#[tokio::test]
async fn the_list_exports_as_csv_without_secrets() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    panel.add_users(&owner, &["ann", "bob"]).await;
    let reply = panel
        .get("/api/users/export_csv?search=ann", Some(&owner))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"users.csv\""
    );
    assert_eq!(
        reply.body,
        "email,name,account_type,quota_gb,status,last_sign_in\n\
         ann@council.test,ann,basic,0.5,active,\n"
    );
    let all = panel.get("/api/users/export_csv", Some(&owner)).await;
    assert_eq!(all.body.lines().count(), 4, "{}", all.body);
    assert!(!all.body.contains("argon2"));
    assert_eq!(
        panel.get("/api/users/export_csv", None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_csv_import_is_previewed_and_only_created_on_confirmation() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let csv = "email,name,quota_gb,account_type,password\n\
               new.one@council.test,New One,1.5,enhanced,lantern orchard velvet 42\n\
               new.two@council.test,New Two,0.5,,\n\
               clerk@council.test,Clerk Again,1,,\n\
               x@elsewhere.test,Stranger,1,,\n\
               new.one@council.test,Twice,1,gold,short\n";
    let bad = panel
        .api("users/import/check", &[("csv", "name\nx\n")], Some(&owner))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("csv_invalid"), "{}", bad.body);

    let checked = panel
        .api("users/import/check", &[("csv", csv)], Some(&owner))
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert_eq!(
        panel
            .store
            .organisation_usage(org)
            .await
            .unwrap()
            .mailboxes_used,
        1,
        "checking creates nothing"
    );
    let location = checked.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let id = location.rsplit('/').next().unwrap().to_owned();

    let preview = panel
        .api("users/import/get", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        !preview.body.contains("argon2"),
        "the preview holds no hash"
    );
    let preview: app::model::ImportPreview = serde_json::from_str(&preview.body).unwrap();
    assert_eq!(preview.valid(), 2);
    assert_eq!(preview.blocked, None);
    let problems: Vec<(u64, Vec<&str>)> = preview
        .rows
        .iter()
        .map(|r| (r.line, r.errors.iter().map(|e| e.field.as_str()).collect()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (2, vec![]),
            (3, vec![]),
            (4, vec!["email"]),
            (5, vec!["email"]),
            (6, vec!["email", "account_type", "password"]),
        ]
    );
    assert!(preview.rows[0].has_password && !preview.rows[1].has_password);

    // Another admin's upload is not theirs to confirm.
    panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let foreign = panel
        .api(
            "users/import/confirm",
            &[("id", id.as_str())],
            Some(&helper),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);

    let confirmed = panel
        .api("users/import/confirm", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(
        panel
            .store
            .organisation_usage(org)
            .await
            .unwrap()
            .mailboxes_used,
        4
    );
    // The given password is the one kept; the line without one gets a hash nothing matches.
    let store = &panel.store;
    let stored = |email: &'static str| async move {
        let address = app::model::EmailAddress::parse(email).unwrap();
        store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .password_hash
    };
    let one = stored("new.one@council.test").await;
    let two = stored("new.two@council.test").await;
    assert!(
        app::security::password::verify_password(PASSWORD.into(), Some(one))
            .await
            .unwrap()
    );
    assert!(two.starts_with("$argon2id$"));
    assert!(
        !app::security::password::verify_password(String::new(), Some(two))
            .await
            .unwrap()
    );
    let again = panel
        .api("users/import/confirm", &[("id", id.as_str())], Some(&owner))
        .await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "an import is used once"
    );
}

#[tokio::test]
async fn more_options_are_checked_and_kept() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let domain = panel
        .store
        .list_domains(panel.organisation().await)
        .await
        .unwrap()[0]
        .id;
    let domain = domain.to_string();
    let form = |zone: &'static str| {
        vec![
            ("domain", domain.clone()),
            ("username", "amelie".to_owned()),
            ("name", "Amélie".to_owned()),
            ("password", PASSWORD.to_owned()),
            ("password_confirm", PASSWORD.to_owned()),
            ("quota_gb", "1".to_owned()),
            ("account_type", "basic".to_owned()),
            ("language", "fr".to_owned()),
            ("time_zone", zone.to_owned()),
            ("date_format", "dmy".to_owned()),
        ]
    };
    let (panel, owner) = (&panel, &owner);
    let send = |f: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        panel.api("users/create", &pairs, Some(owner)).await
    };
    let refused = send(form("Mars/Olympus")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("time_zone") && refused.body.contains("choice_invalid"));
    let created = send(form("Europe/Paris")).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let user = panel
        .store
        .find_login(&app::model::EmailAddress::parse("amelie@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    let detail = panel
        .store
        .get_user(user.organisation_id, user.user_id)
        .await
        .unwrap();
    assert_eq!(detail.preferences.language, app::model::Language::Fr);
    assert_eq!(detail.preferences.time_zone.as_str(), "Europe/Paris");
    assert_eq!(
        detail.preferences.date_format,
        app::model::DateFormat::DayMonthYear
    );
}

#[tokio::test]
async fn user_already_exists_names_the_alias_or_list_that_holds_the_address() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ann = panel.add_users(&owner, &["ann"]).await[0].to_string();
    let domain = panel
        .store
        .list_domains(panel.organisation().await)
        .await
        .unwrap()[0]
        .id;
    let domain = domain.to_string();
    let alias = panel
        .api(
            "aliases/add",
            &[
                ("user", ann.as_str()),
                ("username", "sales"),
                ("domain", domain.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(alias.status, StatusCode::OK, "{}", alias.body);
    let list = panel
        .api(
            "lists/create",
            &[
                ("name", "Parish Team"),
                ("username", "team"),
                ("domain", domain.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);

    let create = |username: &'static str| {
        let domain = domain.clone();
        let owner = owner.clone();
        let panel = &panel;
        async move {
            panel
                .api(
                    "users/create",
                    &[
                        ("domain", domain.as_str()),
                        ("username", username),
                        ("name", "Someone"),
                        ("password", PASSWORD),
                        ("password_confirm", PASSWORD),
                        ("quota_gb", "0.5"),
                        ("account_type", "basic"),
                    ],
                    Some(&owner),
                )
                .await
        }
    };
    let taken = create("sales").await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert!(taken.body.contains("address_is_alias") && taken.body.contains("ann@council.test"));
    let taken = create("team").await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert!(taken.body.contains("address_is_list") && taken.body.contains("Parish Team"));
    let taken = create("ann").await;
    assert!(taken.body.contains("\"address_taken\""), "{}", taken.body);

    // A list takes members of this organisation only, each once.
    let lists: serde_json::Value =
        serde_json::from_str(&panel.api("lists/list", &[], Some(&owner)).await.body).unwrap();
    let id = lists[0]["id"].to_string();
    let add = |email: &'static str| {
        let (id, owner, panel) = (id.clone(), owner.clone(), &panel);
        async move {
            panel
                .api(
                    "lists/add_member",
                    &[("id", id.as_str()), ("email", email)],
                    Some(&owner),
                )
                .await
        }
    };
    assert_eq!(add("ann@council.test").await.status, StatusCode::OK);
    assert!(add("ann@council.test")
        .await
        .body
        .contains("already_member"));
    assert!(add("stranger@elsewhere.test")
        .await
        .body
        .contains("mailbox_unknown"));
    let wrong = panel
        .api(
            "lists/delete",
            &[("id", id.as_str()), ("confirm", "x@y.z")],
            Some(&owner),
        )
        .await;
    assert!(wrong.body.contains("confirm_mismatch"), "{}", wrong.body);
    let gone = panel
        .api(
            "lists/delete",
            &[("id", id.as_str()), ("confirm", "team@council.test")],
            Some(&owner),
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(create("team").await.status, StatusCode::OK);
}

#[tokio::test]
async fn converting_to_a_shared_mailbox_signs_the_user_out_and_frees_a_licence() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let helper_id = panel.add_user_admin().await.to_string();
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let me: serde_json::Value =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&owner)).await.body).unwrap();
    let me = me["user_id"].to_string();
    let own = panel
        .api("users/convert_shared", &[("id", me.as_str())], Some(&owner))
        .await;
    assert!(own.body.contains("self_action"), "{}", own.body);
    let before = panel
        .store
        .organisation_usage(org)
        .await
        .unwrap()
        .mailboxes_used;
    let done = panel
        .api(
            "users/convert_shared",
            &[("id", helper_id.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&helper)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        panel
            .store
            .organisation_usage(org)
            .await
            .unwrap()
            .mailboxes_used,
        before - 1
    );
    let refused = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_ne!(
        refused.status,
        StatusCode::OK,
        "nobody signs in to a shared mailbox"
    );
    let audit = panel.store.list_audit(org, 5).await.unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "user.convert_shared" && a.target == "helper@council.test"));
}

#[tokio::test]
async fn a_quota_below_what_the_mailbox_holds_is_refused_on_its_field() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let id = panel.add_user_admin().await.to_string();
    support::execute_as_mail_server(
        &panel.database_url,
        "INSERT INTO mailbox_usage (username, bytes, messages) \
         VALUES ('helper@council.test', 1200000001, 42)",
    )
    .await;
    let update = |quota: &'static str| {
        [
            ("id", id.clone()),
            ("name", "Helper".to_owned()),
            ("account_type", "basic".to_owned()),
            ("quota_gb", quota.to_owned()),
        ]
    };
    let form = update("1.2");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = panel.api("users/update", &form, Some(&owner)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    let field = &error["Invalid"][0];
    assert_eq!(field["field"], "quota_gb", "{}", refused.body);
    assert_eq!(field["code"], "quota_below_used", "{}", refused.body);
    assert_eq!(field["n"], 1201, "{}", refused.body);

    let page = panel
        .send(
            Request::get(format!("/users/{id}"))
                .header(header::COOKIE, &owner)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        page.body.replace("<!>", "").contains("1.201 GB of 0.5 GB"),
        "the page shows what the mailbox holds: {}",
        page.body
    );

    let form = update("1.201");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let fits = panel.api("users/update", &form, Some(&owner)).await;
    assert_eq!(fits.status, StatusCode::OK, "{}", fits.body);
}

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
        .api("passwords/devices", &[("user", &id)], Some(&owner))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert!(!listed.body.contains("token"), "{}", listed.body);
    let devices: Vec<serde_json::Value> = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(devices.len(), 3, "{}", listed.body);
    // Seen at the same second, so the newest session comes first.
    let device_id = |i: usize| devices[i]["id"].as_i64().unwrap().to_string();
    let (tablet_id, laptop_id) = (device_id(0), device_id(2));
    let page = panel
        .send(
            Request::get(format!("/users/{id}/security"))
                .header(header::COOKIE, &owner)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = page.body.replace("<!>", "");
    assert_eq!(
        html.matches("name=\"end[").count(),
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
        serde_json::json!({"must_change": true, "sign_out": "chosen", "sessions_ended": 2, "email": "nothing"})
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
        ("users/list", vec![("search", "")]),
        ("users/get", vec![("id", id.as_str())]),
        ("passwords/devices", vec![("user", id.as_str())]),
    ] {
        let refused = panel.api(path, &form, Some(&forced)).await;
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
    let page = panel
        .send(
            Request::get("/users")
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &forced)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
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
        .api("users/list", &[("search", "")], Some(&forced))
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
        .any(|e| !e.success && e.detail.contains("wrong_current_password")));
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

/// The set-password link in a message, and the token in it.
fn link_in(message: &str) -> (String, String) {
    let start = message
        .find("http://127.0.0.1:3000/set-password/")
        .unwrap_or_else(|| panic!("a link in {message}"));
    let link: String = message[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let token = link.rsplit('/').next().unwrap().to_owned();
    (link, token)
}

#[tokio::test]
async fn credentials_go_by_email_through_a_real_smtp_server_and_survive_its_outage() {
    const TEMPORARY: &str = "lantern orbit fiddle 42";
    const CHOSEN: &str = "copper willow 9 harbour";
    let mut sink = support::smtp_sink::SmtpSink::start();
    let mut config = config();
    config.mail.smtp = Some(SmtpUrl::parse(&sink.url()).unwrap());
    let mailer = server::outbox::Mailer::from_config(&config.mail)
        .unwrap()
        .unwrap();
    let panel = panel_with(config).await;
    let owner = panel.admin_session().await;
    let id = panel.add_user_admin().await.to_string();
    let helper_session = panel.sign_in("helper@council.test", PASSWORD).await;
    let reset = |send: &'static str, password: &'static str, must_change: bool| {
        let mut form = vec![
            ("user", id.clone()),
            ("password", password.to_owned()),
            ("password_confirm", password.to_owned()),
            ("sign_out", "all".to_owned()),
            ("send", send.to_owned()),
        ];
        if must_change {
            form.push(("must_change", "on".to_owned()));
        }
        form
    };
    let call = |form: Vec<(&'static str, String)>, owner: &str| {
        let panel = &panel;
        let owner = owner.to_owned();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            panel.api("passwords/reset", &form, Some(&owner)).await
        }
    };

    // Without a recovery address nothing can be sent, and nothing changes.
    let refused = call(reset("link", "", true), &owner).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("no_recovery_address"),
        "{}",
        refused.body
    );
    // The recovery address can't be the mailbox itself.
    let update = |recovery: &'static str| {
        let id = id.clone();
        let owner = owner.clone();
        let panel = &panel;
        async move {
            let form = [
                ("id", id.as_str()),
                ("name", "Helper"),
                ("account_type", "basic"),
                ("quota_gb", "0.5"),
                ("recovery_email", recovery),
            ];
            panel.api("users/update", &form, Some(&owner)).await
        }
    };
    let same = update("helper@council.test").await;
    assert!(same.body.contains("recovery_is_mailbox"), "{}", same.body);
    assert_eq!(update("helper@home.example").await.status, StatusCode::OK);

    // A link: the password fields may stay empty, which locks the old password at once.
    let done = call(reset("link", "", true), &owner).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        panel
            .api("auth/whoami", &[], Some(&helper_session))
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the reset signed the helper out"
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
        "the old password is refused"
    );
    let history = panel
        .api("passwords/mail", &[("user", &id)], Some(&owner))
        .await;
    assert!(history.body.contains("\"Queued\""), "{}", history.body);

    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer).await,
        2
    );
    let message = sink.message_to("helper@home.example", "Choose a new password");
    let (link, token) = link_in(&message);
    assert!(message.contains("expires in 24 hours"), "{message}");
    let notice = sink.message_to("helper@council.test", "was reset");
    assert!(notice.contains("recovery address"), "{notice}");
    assert!(
        !notice.contains(&token) && !notice.contains("set-password"),
        "{notice}"
    );
    let history = panel
        .api("passwords/mail", &[("user", &id)], Some(&owner))
        .await;
    assert!(!history.body.contains("\"Queued\""), "{}", history.body);
    assert_eq!(
        history.body.matches("\"Sent\"").count(),
        2,
        "{}",
        history.body
    );
    assert!(!history.body.contains(&token));

    // The link's page is public; a weak password is refused by the policy, a good one is set.
    let page = panel
        .send(
            Request::get(link.trim_start_matches("http://127.0.0.1:3000"))
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("helper@council.test"),
        "the page names the mailbox"
    );
    let set = |password: &'static str| {
        let token = token.clone();
        let panel = &panel;
        async move {
            let form = [
                ("token", token.as_str()),
                ("password", password),
                ("password_confirm", password),
            ];
            panel.api("links/set_password", &form, None).await
        }
    };
    let weak = set("password1234").await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("password_common"), "{}", weak.body);
    assert_eq!(set(CHOSEN).await.status, StatusCode::OK);
    panel.sign_in("helper@council.test", CHOSEN).await;
    let again = set("another fine 77 password").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again.body.contains("link_invalid"),
        "used once only: {}",
        again.body
    );

    // A link expires after 24 hours, unused.
    assert_eq!(
        call(reset("link", "", true), &owner).await.status,
        StatusCode::OK
    );
    server::outbox::deliver_due(&panel.state.services, &mailer).await;
    let later: Vec<String> = sink
        .messages()
        .into_iter()
        .filter(|m| m.contains("To: helper@home.example"))
        .collect();
    let fresh = later
        .iter()
        .map(|m| link_in(m).1)
        .find(|t| *t != token)
        .expect("a second link");
    panel.clock.advance(24 * 3600);
    let owner = panel.sign_in("clerk@council.test", PASSWORD).await;
    let expired = panel.api("links/holder", &[("token", &fresh)], None).await;
    assert!(expired.body.contains("link_invalid"), "{}", expired.body);

    // The temporary password itself goes only with "ask for a new password".
    let refused = call(reset("password", TEMPORARY, false), &owner).await;
    assert!(
        refused.body.contains("emailed_password_needs_change"),
        "{}",
        refused.body
    );

    // The mail server is down: the reset still commits, and its mail waits.
    sink.stop();
    let done = call(reset("password", TEMPORARY, true), &owner).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer).await,
        0
    );
    let history = panel
        .api("passwords/mail", &[("user", &id)], Some(&owner))
        .await;
    assert_eq!(
        history.body.matches("\"Queued\"").count(),
        2,
        "{}",
        history.body
    );
    assert!(history.body.contains("\"attempts\":1"), "{}", history.body);
    sink.resume();
    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer).await,
        0,
        "not before the pause"
    );
    panel.clock.advance(30);
    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer).await,
        2
    );
    let message = sink.message_to("helper@home.example", "Your temporary password");
    assert!(message.contains(TEMPORARY), "{message}");
    let login = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", TEMPORARY)],
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);

    // The database never holds a secret in clear: not in the outbox, not in the audit log.
    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 100).await.unwrap();
    assert!(events.iter().any(|e| e.action == "password.set_by_link"));
    for secret in [TEMPORARY, CHOSEN, token.as_str()] {
        assert!(
            events.iter().all(|e| !e.detail.contains(secret)),
            "{secret} in the audit log"
        );
    }
    let due = panel.store.due_mail(i64::MAX, 100).await.unwrap();
    assert!(due.is_empty(), "sent mail keeps no body");
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

#[tokio::test]
async fn mailbox_users_sign_in_to_their_own_account_and_sign_out_their_devices() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    panel.add_users(&owner, &["ann"]).await;
    let laptop = panel.sign_in("ann@council.test", PASSWORD).await;
    let phone = panel.sign_in("ann@council.test", PASSWORD).await;

    // Nothing of the administration is open to them.
    for (path, form) in [
        ("users/list", vec![("search", "")]),
        ("organisation/usage", vec![]),
        ("passwords/devices", vec![("user", "1")]),
        (
            "passwords/reset",
            vec![
                ("user", "1"),
                ("password", "quartz meadow tumble 7"),
                ("password_confirm", "quartz meadow tumble 7"),
                ("sign_out", "all"),
            ],
        ),
        ("users/unlock", vec![("id", "1")]),
        ("users/sign_out", vec![("user", "1"), ("all", "1")]),
        ("users/set_role", vec![("id", "1"), ("role", "user_admin")]),
        ("organisation/overview", vec![]),
    ] {
        let reply = panel.api(path, &form, Some(&laptop)).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            reply.body
        );
    }
    let page = panel
        .send(
            Request::get("/users")
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &laptop)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
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

impl Panel {
    /// Resets `user`'s password, signing out all their devices.
    async fn reset(&self, cookie: &str, user: &str) -> Reply {
        self.api(
            "passwords/reset",
            &[
                ("user", user),
                ("password", "quartz meadow tumble 7"),
                ("password_confirm", "quartz meadow tumble 7"),
                ("sign_out", "all"),
            ],
            Some(cookie),
        )
        .await
    }

    /// The id of `name@council.test`.
    async fn user_id_of(&self, name: &str) -> i64 {
        let address = app::model::EmailAddress::parse(&format!("{name}@council.test")).unwrap();
        self.store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .user_id
    }

    async fn try_sign_in(&self, email: &str, password: &str) -> Reply {
        self.api(
            "auth/login",
            &[("email", email), ("password", password)],
            None,
        )
        .await
    }

    /// Signs in from `peer`, perhaps claiming another address in `X-Forwarded-For`.
    async fn sign_in_from(
        &self,
        peer: &str,
        forwarded_for: Option<&str>,
        email: &str,
        password: &str,
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("email", email), ("password", password)])
            .finish();
        let mut req = Request::post("/api/auth/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin");
        if let Some(claimed) = forwarded_for {
            req = req.header("x-forwarded-for", claimed);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        let peer: std::net::SocketAddr = format!("{peer}:50000").parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.send(req).await
    }
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
        .api("users/get", &[("id", &ids[0].to_string())], Some(&owner))
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
                .get(&format!("/api/audit/list?{query}"), Some(&owner))
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
            "/api/audit/list?from=15%2F01%2F2027&action=drop",
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
        .get("/api/audit/export_csv?action=password.reset", Some(&owner))
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

impl Panel {
    /// Grants `role` (`user`, `user_admin`, `domain_admin` over `domains`) as `cookie`.
    async fn set_role(&self, cookie: &str, id: i64, role: &str, domains: &[i64]) -> Reply {
        let id = id.to_string();
        let domains: Vec<(String, String)> = domains
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("domains[{i}]"), d.to_string()))
            .collect();
        let mut form: Vec<(&str, &str)> = vec![("id", &id), ("role", role)];
        form.extend(domains.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.api("users/set_role", &form, Some(cookie)).await
    }

    /// Adds the domain `name` as the account admin; returns its id.
    async fn add_domain(&self, owner: &str, name: &str) -> i64 {
        let reply = self
            .api("domains/add", &[("name", name)], Some(owner))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let org = self.organisation().await;
        self.store
            .list_domains(org)
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.name == name)
            .unwrap()
            .id
    }

    /// Adds `local@` the domain `domain_id` as `cookie`; returns the reply.
    async fn create_in(&self, cookie: &str, domain_id: i64, local: &str) -> Reply {
        let domain = domain_id.to_string();
        self.api(
            "users/create",
            &[
                ("domain", domain.as_str()),
                ("username", local),
                ("name", local),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("quota_gb", "0.5"),
                ("account_type", "basic"),
            ],
            Some(cookie),
        )
        .await
    }
}

/// Every call an administrator makes about one user, `id`, as (function, form).
fn calls_about_user(id: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let id = id.to_owned();
    let s = |v: &str| v.to_owned();
    vec![
        ("users/get", vec![("id", id.clone())]),
        (
            "users/update",
            vec![
                ("id", id.clone()),
                ("name", s("Renamed")),
                ("account_type", s("basic")),
                ("quota_gb", s("1")),
            ],
        ),
        ("users/unlock", vec![("id", id.clone())]),
        (
            "users/sign_out",
            vec![("user", id.clone()), ("all", s("1"))],
        ),
        ("users/convert_shared", vec![("id", id.clone())]),
        ("users/selection", vec![("ids", id.clone())]),
        (
            "users/bulk",
            vec![("action", s("disable")), ("ids", id.clone())],
        ),
        ("aliases/list", vec![("user", id.clone())]),
        (
            "aliases/add",
            vec![
                ("user", id.clone()),
                ("username", s("nick")),
                ("domain", s("1")),
            ],
        ),
        ("aliases/remove", vec![("user", id.clone()), ("id", s("1"))]),
        (
            "passwords/generate",
            vec![
                ("user", id.clone()),
                ("words", s("4")),
                ("separator", s("hyphen")),
                ("digits", s("2")),
            ],
        ),
        ("passwords/devices", vec![("user", id.clone())]),
        ("passwords/mail", vec![("user", id.clone())]),
        (
            "passwords/reset",
            vec![
                ("user", id.clone()),
                ("password", s("quartz meadow tumble 7")),
                ("password_confirm", s("quartz meadow tumble 7")),
                ("sign_out", s("all")),
            ],
        ),
        ("users/delete", vec![("id", id), ("confirm", s("x"))]),
    ]
}

/// Calls every function about user `id` as `cookie` and expects `status` from each, and that
/// the user is still there, unchanged. A refusal by rank (403) still lets the caller read the
/// record, as the users list does; a refusal by domain (404) hides it altogether.
async fn expect_refused_about(panel: &Panel, cookie: &str, id: i64, status: StatusCode, who: &str) {
    let org = panel.organisation().await;
    let before = panel.store.get_user(org, id).await.unwrap();
    for (path, form) in calls_about_user(&id.to_string()) {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = panel.api(path, &form, Some(cookie)).await;
        let expected = if path == "users/get" && status == StatusCode::FORBIDDEN {
            StatusCode::OK
        } else {
            status
        };
        assert_eq!(reply.status, expected, "{who}: {path}: {}", reply.body);
    }
    let uri = format!("/api/users/export?id={id}");
    let expected = if status == StatusCode::FORBIDDEN {
        StatusCode::OK
    } else {
        status
    };
    assert_eq!(
        panel.get(&uri, Some(cookie)).await.status,
        expected,
        "{who}: export"
    );
    let after = panel.store.get_user(org, id).await.unwrap();
    assert_eq!(before, after, "{who} changed nothing");
}

#[tokio::test]
async fn the_account_admin_grants_roles_which_hold_on_the_next_request() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann", "bob"]).await;
    let (ann, bob) = (ids[0], ids[1]);
    let clerk = panel.user_id_of("clerk").await;
    let ann_cookie = panel.sign_in("ann@council.test", PASSWORD).await;
    let panel = &panel;
    let list = |cookie: String| async move {
        panel
            .api("users/list", &[("search", "")], Some(&cookie))
            .await
            .status
    };
    assert_eq!(list(ann_cookie.clone()).await, StatusCode::FORBIDDEN);

    let granted = panel.set_role(&owner, ann, "user_admin", &[]).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    assert_eq!(
        list(ann_cookie.clone()).await,
        StatusCode::OK,
        "the same session, now an admin"
    );
    let me: app::model::Viewer =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&ann_cookie)).await.body).unwrap();
    assert_eq!(me.role, app::model::Role::UserAdmin);
    assert_eq!(me.scope, app::model::AdminScope::Organisation);

    // A user admin manages mailbox users, but grants nothing and touches no other admin.
    assert_eq!(
        panel.reset(&ann_cookie, &bob.to_string()).await.status,
        StatusCode::OK
    );
    assert_eq!(
        panel
            .set_role(&ann_cookie, bob, "user_admin", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        panel.set_role(&owner, bob, "user_admin", &[]).await.status,
        StatusCode::OK
    );
    let bob_cookie = panel
        .sign_in("bob@council.test", "quartz meadow tumble 7")
        .await;
    expect_refused_about(
        panel,
        &ann_cookie,
        bob,
        StatusCode::FORBIDDEN,
        "user admin on another",
    )
    .await;
    expect_refused_about(
        panel,
        &ann_cookie,
        clerk,
        StatusCode::FORBIDDEN,
        "user admin on the owner",
    )
    .await;
    assert_eq!(
        panel
            .api("auth/whoami", &[], Some(&bob_cookie))
            .await
            .status,
        StatusCode::OK,
        "bob was not signed out by any of it"
    );

    // What the account admin can't grant, each refusal on its field.
    let field_error = |reply: &Reply, field: &str| {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert!(
            reply.body.contains(&format!("\"{field}\"")),
            "{field}: {}",
            reply.body
        );
    };
    field_error(
        &panel.set_role(&owner, ann, "account_admin", &[]).await,
        "role",
    );
    field_error(
        &panel.set_role(&owner, ann, "domain_admin", &[]).await,
        "domains",
    );
    field_error(
        &panel
            .set_role(&owner, ann, "domain_admin", &[987_654])
            .await,
        "domains",
    );
    field_error(&panel.set_role(&owner, clerk, "user", &[]).await, "role");
    let org = panel.organisation().await;
    assert_eq!(
        panel.set_role(&owner, 987_654, "user", &[]).await.status,
        StatusCode::NOT_FOUND
    );

    // Changing a role is sensitive: after a while the owner confirms the password first.
    panel.clock.advance(16 * 60);
    let stale = panel.set_role(&owner, ann, "user", &[]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    assert!(stale.body.contains("ReauthRequired"), "{}", stale.body);
    let owner = panel.sign_in("clerk@council.test", PASSWORD).await;
    let ann_cookie = panel.sign_in("ann@council.test", PASSWORD).await;
    assert_eq!(
        panel.set_role(&owner, ann, "user", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        list(ann_cookie).await,
        StatusCode::FORBIDDEN,
        "demoted at once"
    );

    let events = panel.store.list_audit(org, 50).await.unwrap();
    let roles: Vec<_> = events.iter().filter(|e| e.action == "user.role").collect();
    assert_eq!(
        roles.len(),
        3,
        "one event per change that happened: {roles:?}"
    );
    assert!(roles.iter().any(|e| e.target == "ann@council.test"
        && e.detail.contains("\"from\":\"user_admin\"")
        && e.detail.contains("\"to\":\"user\"")));
}

#[tokio::test]
async fn a_domain_admin_can_neither_read_nor_change_another_domain_by_id_or_address() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let a = panel.store.list_domains(org).await.unwrap()[0].id;
    let ids = panel.add_users(&owner, &["ann", "carl"]).await;
    let b = panel.add_domain(&owner, "b.test").await;
    let (ann, carl) = (ids[0], ids[1]);
    let created = panel.create_in(&owner, b, "bea").await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let bea = panel
        .store
        .find_login(&app::model::EmailAddress::parse("bea@b.test").unwrap())
        .await
        .unwrap()
        .unwrap()
        .user_id;
    let list = panel
        .api(
            "lists/create",
            &[
                ("name", "Staff"),
                ("username", "staff"),
                ("domain", &b.to_string()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let granted = panel.set_role(&owner, ann, "domain_admin", &[a]).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    let admin = panel.sign_in("ann@council.test", PASSWORD).await;
    let me: app::model::Viewer =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&admin)).await.body).unwrap();
    assert!(
        matches!(&me.scope, app::model::AdminScope::Domains(d) if d.len() == 1 && d[0].id == a)
    );

    // By id: b.test's user reads as not found, and stays as she was.
    expect_refused_about(
        &panel,
        &admin,
        bea,
        StatusCode::NOT_FOUND,
        "domain admin of a",
    )
    .await;

    // By address: searches, domain filters and exports never hold her.
    for form in [
        vec![("search", "bea@b.test")],
        vec![("search", "")],
        vec![("search", ""), ("domain", &b.to_string())],
    ] {
        let reply = panel.api("users/list", &form, Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(!reply.body.contains("b.test"), "{form:?}: {}", reply.body);
    }
    let all = panel
        .api("users/list", &[("search", "")], Some(&admin))
        .await;
    assert!(all.body.contains("carl@council.test"), "{}", all.body);
    let csv = panel
        .get("/api/users/export_csv?search=", Some(&admin))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("carl@council.test") && !csv.body.contains("b.test"),
        "{}",
        csv.body
    );
    for path in ["domains/list", "domains/summaries", "lists/list"] {
        let reply = panel.api(path, &[], Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        assert!(!reply.body.contains("b.test"), "{path}: {}", reply.body);
    }
    let lists = panel.store.list_lists(org).await.unwrap();
    let staff = lists[0].id.to_string();
    for (path, form) in [
        ("lists/get", vec![("id", staff.as_str())]),
        (
            "lists/add_member",
            vec![("id", staff.as_str()), ("email", "carl@council.test")],
        ),
        (
            "lists/remove_member",
            vec![("id", staff.as_str()), ("user", "1")],
        ),
        (
            "lists/delete",
            vec![("id", staff.as_str()), ("confirm", "staff@b.test")],
        ),
    ] {
        let reply = panel.api(path, &form, Some(&admin)).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.body
        );
    }
    assert_eq!(panel.store.list_lists(org).await.unwrap().len(), 1);

    // Creating in b.test, or an alias there, is refused next to the domain.
    let refused = panel.create_in(&admin, b, "eve").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("domain_unknown"), "{}", refused.body);
    let alias = panel
        .api(
            "aliases/add",
            &[
                ("user", &carl.to_string()),
                ("username", "c"),
                ("domain", &b.to_string()),
            ],
            Some(&admin),
        )
        .await;
    assert!(alias.body.contains("domain_unknown"), "{}", alias.body);
    let import = panel
        .api(
            "users/import/check",
            &[("csv", "email,name,quota_gb\neve@b.test,Eve,1\n")],
            Some(&admin),
        )
        .await;
    assert_eq!(import.status, StatusCode::OK, "{}", import.body);
    let location = import.headers[header::LOCATION].to_str().unwrap();
    let import_id = location.rsplit('/').next().unwrap().to_owned();
    let preview = panel
        .api("users/import/get", &[("id", &import_id)], Some(&admin))
        .await;
    assert!(preview.body.contains("domain_unknown"), "{}", preview.body);
    let confirmed = panel
        .api("users/import/confirm", &[("id", &import_id)], Some(&admin))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        panel
            .store
            .find_login(&app::model::EmailAddress::parse("eve@b.test").unwrap())
            .await
            .unwrap()
            .is_none(),
        "the refused line created nothing"
    );

    // Organisation-wide pages are for organisation-wide admins.
    for path in ["organisation/overview"] {
        assert_eq!(
            panel.api(path, &[], Some(&admin)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for uri in ["/api/audit/list", "/api/audit/export_csv"] {
        assert_eq!(
            panel.get(uri, Some(&admin)).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }

    // Inside a.test the domain admin works as any user admin.
    assert_eq!(
        panel.reset(&admin, &carl.to_string()).await.status,
        StatusCode::OK
    );
    assert_eq!(
        panel.create_in(&admin, a, "dora").await.status,
        StatusCode::OK
    );
    // With a.test taken away they manage nothing, not everything.
    assert_eq!(
        panel
            .set_role(&owner, ann, "domain_admin", &[b])
            .await
            .status,
        StatusCode::OK
    );
    expect_refused_about(&panel, &admin, carl, StatusCode::NOT_FOUND, "moved to b").await;
    let now_b = panel
        .api("users/list", &[("search", "")], Some(&admin))
        .await;
    assert!(
        now_b.body.contains("bea@b.test") && !now_b.body.contains("carl@"),
        "{}",
        now_b.body
    );
}

#[tokio::test]
async fn an_admin_signs_a_user_out_of_chosen_devices_or_all_and_the_cookies_get_401() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ann = panel.add_users(&owner, &["ann"]).await[0].to_string();
    let laptop = panel.sign_in("ann@council.test", PASSWORD).await;
    let phone = panel.sign_in("ann@council.test", PASSWORD).await;
    let tablet = panel.sign_in("ann@council.test", PASSWORD).await;
    let panel = &panel;
    let status = |cookie: String| async move {
        panel
            .api("account/devices", &[], Some(&cookie))
            .await
            .status
    };
    let listed = panel
        .api("passwords/devices", &[("user", &ann)], Some(&owner))
        .await;
    let devices: Vec<app::model::Device> = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(devices.len(), 3);
    assert!(
        devices.iter().all(|d| !d.current),
        "none of them is the admin's"
    );

    // Nothing ticked: refused, nothing ends.
    let none = panel
        .api("users/sign_out", &[("user", &ann)], Some(&owner))
        .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.body);
    assert!(none.body.contains("no_device_chosen"), "{}", none.body);

    // The phone only (the second signed in): newest first in the list.
    let phone_id = devices[1].id.to_string();
    let one = panel
        .api(
            "users/sign_out",
            &[("user", &ann), ("end[0]", &phone_id)],
            Some(&owner),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(
        status(phone.clone()).await,
        StatusCode::UNAUTHORIZED,
        "the replayed phone cookie"
    );
    assert_eq!(status(laptop.clone()).await, StatusCode::OK);
    assert_eq!(status(tablet.clone()).await, StatusCode::OK);

    // All: every other cookie is out too; the admin's own session stays.
    let all = panel
        .api(
            "users/sign_out",
            &[("user", &ann), ("all", "1")],
            Some(&owner),
        )
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    for cookie in [laptop, tablet, phone] {
        assert_eq!(status(cookie).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&owner)).await.status,
        StatusCode::OK
    );

    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 50).await.unwrap();
    let outs: Vec<_> = events
        .iter()
        .filter(|e| e.action == "user.sign_out")
        .collect();
    assert_eq!(outs.len(), 2, "the refused call left no event: {outs:?}");
    assert!(
        outs[0].detail.contains("\"all\":true") && outs[0].detail.contains("\"sessions_ended\":2")
    );
    assert!(
        outs[1].detail.contains("\"all\":false") && outs[1].detail.contains("\"sessions_ended\":1")
    );
}

#[tokio::test]
async fn every_role_is_refused_every_server_function_above_it() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann", "dan", "uma"]).await;
    let org = panel.organisation().await;
    let domain = panel.store.list_domains(org).await.unwrap()[0].id;
    assert_eq!(
        panel
            .set_role(&owner, ids[1], "domain_admin", &[domain])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        panel
            .set_role(&owner, ids[2], "user_admin", &[])
            .await
            .status,
        StatusCode::OK
    );
    let before = panel.store.organisation_usage(org).await.unwrap();
    for (name, rank) in [
        ("ann", Access::SignedIn),
        ("dan", Access::Admin),
        ("uma", Access::OrgAdmin),
    ] {
        let cookie = panel
            .sign_in(&format!("{name}@council.test"), PASSWORD)
            .await;
        let above: Vec<_> = every_server_function()
            .into_iter()
            .filter(|(access, _, _)| *access > rank)
            .collect();
        assert!(!above.is_empty());
        for (access, path, form) in above {
            let reply = panel.api(path, &form, Some(&cookie)).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{name} ({rank:?}) calling {path} ({access:?}): {}",
                reply.body
            );
        }
        if rank < Access::OrgAdmin {
            for uri in ["/api/audit/list", "/api/audit/export_csv"] {
                assert_eq!(
                    panel.get(uri, Some(&cookie)).await.status,
                    StatusCode::FORBIDDEN,
                    "{name}: {uri}"
                );
            }
        }
        assert_eq!(
            panel.api("auth/whoami", &[], Some(&cookie)).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        panel.store.organisation_usage(org).await.unwrap(),
        before,
        "nothing changed"
    );
    assert_eq!(panel.store.list_domains(org).await.unwrap().len(), 1);
}
