//! The HTTP surface driven in-process, as a browser or an attacker would see it.
mod support;

use app::store::Store;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use server::config::Config;
use server::{router, AppState};
use std::sync::Arc;
use support::TestClock;
use tower::ServiceExt;

const PASSWORD: &str = "lantern orchard velvet 42";

struct Panel {
    router: axum::Router,
    state: Arc<AppState>,
    clock: Arc<TestClock>,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("__Host-postmaster_session="))
            .map(str::to_owned)
    }
}

fn config() -> Config {
    Config {
        database_url: String::new(),
        bind: "127.0.0.1:3000".parse().unwrap(),
        base_url: url::Url::parse("http://127.0.0.1:3000").unwrap(),
        trusted_proxy: None,
        session_idle_minutes: 60,
        session_absolute_hours: 12,
    }
}

async fn panel() -> Panel {
    panel_with(config()).await
}

async fn panel_with(config: Config) -> Panel {
    let (store, dir) = support::sqlite_store().await;
    let clock = TestClock::new(1_800_000_000);
    let state = Arc::new(AppState::new(config, store.clone(), clock.clone()));
    let options = leptos::config::LeptosOptions::builder()
        .output_name("postmaster")
        .site_root("target/site")
        .build();
    Panel {
        router: router(state.clone(), options),
        state,
        clock,
        store,
        _dir: dir,
    }
}

impl Panel {
    async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Calls a server function as the WASM client does.
    async fn api(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = Request::post(format!("/api/{path}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Runs the one-time setup and signs in; returns the `name=value` cookie pair.
    async fn admin_session(&self) -> String {
        let token = self.state.services.setup.arm();
        let setup = self
            .api(
                "auth/setup",
                &[
                    ("token", &token),
                    ("organisation", "Parish Council"),
                    ("name", "Clerk"),
                    ("email", "clerk@council.test"),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
                None,
            )
            .await;
        assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
        self.sign_in("clerk@council.test", PASSWORD).await
    }

    /// The organisation of the account admin created by `admin_session`.
    async fn organisation(&self) -> i64 {
        let clerk = app::model::EmailAddress::parse("clerk@council.test").unwrap();
        self.store
            .find_login(&clerk)
            .await
            .unwrap()
            .unwrap()
            .organisation_id
    }

    /// Adds `helper@council.test`, an admin with the User Management role, and returns its id.
    async fn add_user_admin(&self) -> i64 {
        let org = self.organisation().await;
        let domain = self.store.list_domains(org).await.unwrap()[0].id;
        let hash = app::security::password::hash_password(PASSWORD.into())
            .await
            .unwrap();
        self.store
            .create_user(app::store::NewUser {
                organisation_id: org,
                domain_id: domain,
                local_part: app::model::LocalPart::parse("helper").unwrap(),
                name: "Helper".into(),
                password_hash: hash,
                account_type: app::model::AccountType::Basic,
                role: app::model::Role::UserAdmin,
                quota: app::model::Quota::from_mb(500).unwrap(),
                now: 1_800_000_000,
            })
            .await
            .unwrap()
            .id
    }

    async fn sign_in(&self, email: &str, password: &str) -> String {
        let reply = self
            .api(
                "auth/login",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let cookie = reply.cookie().expect("a session cookie");
        cookie.split(';').next().unwrap().to_owned()
    }
}

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

#[tokio::test]
async fn every_data_function_refuses_strangers() {
    let panel = panel().await;
    for (path, form) in [
        ("auth/whoami", vec![]),
        ("users/list", vec![("search", "")]),
        ("domains/list", vec![]),
        ("domains/summaries", vec![]),
        ("domains/add", vec![("name", "evil.test")]),
        ("domains/remove", vec![("id", "1")]),
        ("organisation/usage", vec![]),
        ("organisation/overview", vec![]),
        (
            "organisation/limits",
            vec![("licences", "9"), ("storage_gb", "9")],
        ),
        ("users/get", vec![("id", "1")]),
        (
            "users/delete",
            vec![("id", "1"), ("confirm", "clerk@council.test")],
        ),
        (
            "users/update",
            vec![
                ("id", "1"),
                ("name", "x"),
                ("account_type", "basic"),
                ("quota_gb", "1"),
                ("password", ""),
                ("password_confirm", ""),
            ],
        ),
        ("auth/logout", vec![]),
        (
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
    ] {
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
    assert!(reply.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
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
                ("password", ""),
                ("password_confirm", ""),
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
                ("password", ""),
                ("password_confirm", ""),
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
        ("password", ""),
        ("password_confirm", ""),
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
        ("password", ""),
        ("password_confirm", ""),
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
