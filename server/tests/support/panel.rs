//! The panel's HTTP surface in-process, with a fresh database, as the HTTP and mail-server
//! tests drive it: requests as a browser sends them, sign-in, setup.
use super::TestClock;
use app::model::PendingTwoFactor;
use app::security::clock::Clock;
use app::security::totp::TotpKey;
use app::store::Store;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use server::config::Config;
use server::{router, AppState};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

pub const PASSWORD: &str = "lantern orchard velvet 42";
/// The cookie of a secret shown once (recovery codes, an app password).
pub const SHOWN_ONCE: &str = "__Host-postmaster_once";

/// The `name=value` pair of a `Set-Cookie` value.
pub fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

pub struct Panel {
    pub router: axum::Router,
    pub state: Arc<AppState>,
    pub clock: Arc<TestClock>,
    pub store: Arc<dyn Store>,
    /// The SQLite database's folder; with PostgreSQL, an empty folder for the test's files.
    pub dir: tempfile::TempDir,
    /// The database's URL, as the mail server would be given it.
    pub database_url: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn cookie(&self) -> Option<String> {
        self.cookie_named("__Host-postmaster_session")
    }

    /// The `Set-Cookie` value of the cookie `name`, if the reply sets it.
    pub fn cookie_named(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| {
                c.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('='))
            })
            .map(str::to_owned)
    }

    /// The code of the refusal of `field`, as its JSON spells it (`code_wrong`).
    pub fn error_code(&self, field: &str) -> Option<String> {
        let error: app::error::AppError = serde_json::from_str(&self.body).ok()?;
        error.field(field).map(|code| {
            serde_json::to_value(code).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
    }

    /// Where a redirect sends the browser.
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
}

/// The defaults; each panel gets its own database whatever `database_url` says.
pub fn config() -> Config {
    Config::local()
}

pub async fn panel() -> Panel {
    panel_with(config()).await
}

pub async fn panel_with(config: Config) -> Panel {
    let (store, dir) = super::sqlite_store().await;
    let url = super::sqlite_url(&dir);
    Panel::on(store, dir, url, config)
}

/// A panel on each database: SQLite, then PostgreSQL.
pub async fn both() -> [Panel; 2] {
    [panel().await, panel_on_postgres(config()).await]
}

/// A panel on a fresh PostgreSQL database of the test cluster.
pub async fn panel_on_postgres(config: Config) -> Panel {
    let (store, url) = super::postgres_store().await;
    Panel::on(store, tempfile::tempdir().expect("temp dir"), url, config)
}

/// A panel on the PostgreSQL database at `url`, which the test looks after.
pub async fn panel_on_url(url: &str, config: Config) -> Panel {
    let store = server::db::postgres::PgStore::connect(url)
        .await
        .expect("postgres store");
    let dir = tempfile::tempdir().expect("temp dir");
    Panel::on(Arc::new(store), dir, url.to_owned(), config)
}

impl Panel {
    fn on(
        store: Arc<dyn Store>,
        dir: tempfile::TempDir,
        database_url: String,
        config: Config,
    ) -> Self {
        let clock = TestClock::new(1_800_000_000);
        let state = Arc::new(AppState::new(config, store.clone(), clock.clone()).unwrap());
        let options = leptos::config::LeptosOptions::builder()
            .output_name("postmaster")
            .site_root("target/site")
            .build();
        Panel {
            router: router(state.clone(), options),
            state,
            clock,
            store,
            dir,
            database_url,
        }
    }

    /// Sends a request through the whole router. An answer that never comes fails the test
    /// (after 30 s) instead of hanging the suite: a server would have dropped that connection.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let what = format!("{} {}", req.method(), req.uri());
        let answer = async {
            let res = self.router.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let headers = res.headers().clone();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            (status, headers, bytes)
        };
        let (status, headers, bytes) = tokio::time::timeout(Duration::from_secs(30), answer)
            .await
            .unwrap_or_else(|_| panic!("{what}: no answer in 30 s"));
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Calls a server function as its form posts: each key is a field of the function's form
    /// struct (`end[0]` an element of its list), sent as `form[key]`.
    pub async fn api(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        self.call(path, &nested_fields(form), cookie).await
    }

    /// Calls a server function with `keys` as they go on the wire: a reader's loose arguments
    /// (`id`, `query[search]`), or a table of calls that spells each one out.
    pub async fn call<K: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        keys: &[(K, V)],
        cookie: Option<&str>,
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(keys)
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

    /// Runs the one-time setup and signs in; returns the `name=value` cookie pair. The tests of
    /// other features sign in with a password alone, so the organisation requires no second
    /// factor; `http/two_factor.rs` starts from `set_up` and the rule a new organisation has.
    pub async fn admin_session(&self) -> String {
        self.set_up().await;
        let org = self.organisation().await;
        self.store
            .set_two_factor_requirement(org, app::model::TwoFactorRequirement::Nobody)
            .await
            .unwrap();
        self.sign_in("clerk@council.test", PASSWORD).await
    }

    /// Prints a setup token, as the server does at start while no administrator exists.
    pub async fn arm_setup(&self) -> String {
        app::security::setup::arm(self.store.as_ref(), self.clock.now())
            .await
            .unwrap()
    }

    /// Runs the one-time setup: the organisation, with its first administrator.
    pub async fn set_up(&self) {
        let token = self.arm_setup().await;
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
    }

    /// An upload's preview once the check of its passwords has ended (they are hashed after
    /// the upload answers), with every state seen on the way.
    pub async fn checked_import(
        &self,
        session: &str,
        id: &str,
    ) -> (app::model::ImportPreview, Vec<app::model::ImportState>) {
        let mut seen = Vec::new();
        for _ in 0..1200 {
            let got = self
                .call("users/import/get", &[("id", id)], Some(session))
                .await;
            assert_eq!(got.status, StatusCode::OK, "{}", got.body);
            let preview: app::model::ImportPreview = serde_json::from_str(&got.body).unwrap();
            seen.push(preview.state);
            if !matches!(preview.state, app::model::ImportState::Checking { .. }) {
                return (preview, seen);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the import's check did not end within a minute: {seen:?}");
    }

    /// Mailboxes the organisation counts against its licences.
    pub async fn mailboxes_used(&self, organisation_id: i64) -> i64 {
        self.store
            .organisation_usage(organisation_id)
            .await
            .unwrap()
            .mailboxes_used
    }

    /// The organisation of the account admin created by `admin_session`.
    pub async fn organisation(&self) -> i64 {
        let clerk = app::model::EmailAddress::parse("clerk@council.test").unwrap();
        self.store
            .find_login(&clerk)
            .await
            .unwrap()
            .unwrap()
            .organisation_id
    }

    /// Adds `helper@council.test`, an admin with the User Management role, and returns its id.
    pub async fn add_user_admin(&self) -> i64 {
        let org = self.organisation().await;
        let domain = self.store.list_domains(org).await.unwrap()[0].id;
        let hash = app::security::password::hash_password(PASSWORD.into())
            .await
            .unwrap();
        self.store
            .create_user(
                app::store::NewUser {
                    organisation_id: org,
                    domain_id: domain,
                    local_part: app::model::LocalPart::parse("helper").unwrap(),
                    name: "Helper".into(),
                    password_hash: hash,
                    account_type: app::model::AccountType::Basic,
                    role: app::model::Role::UserAdmin,
                    quota: app::model::Quota::from_mb(500).unwrap(),
                    preferences: app::model::Preferences::default(),
                    now: 1_800_000_000,
                },
                &super::fixtures::created(),
            )
            .await
            .unwrap()
            .id
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> String {
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

    pub async fn get(&self, uri: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(uri);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A page as a browser asks for it (`Accept: text/html`).
    pub async fn page(&self, uri: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(uri).header(header::ACCEPT, "text/html");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Adds plain mailbox users `name@council.test` through the API, as the form does;
    /// returns their ids.
    pub async fn add_users(&self, cookie: &str, names: &[&str]) -> Vec<i64> {
        let domain = self
            .store
            .list_domains(self.organisation().await)
            .await
            .unwrap()[0]
            .id;
        let domain = domain.to_string();
        let mut ids = Vec::new();
        for name in names {
            let reply = self
                .api(
                    "users/create",
                    &[
                        ("domain", domain.as_str()),
                        ("username", name),
                        ("name", name),
                        ("password", PASSWORD),
                        ("password_confirm", PASSWORD),
                        ("quota_gb", "0.5"),
                        ("account_type", "basic"),
                    ],
                    Some(cookie),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let user = self
                .store
                .find_login(
                    &app::model::EmailAddress::parse(&format!("{name}@council.test")).unwrap(),
                )
                .await
                .unwrap()
                .unwrap();
            ids.push(user.user_id);
        }
        ids
    }

    pub async fn delete_user(&self, cookie: &str, id: &str, email: &str) -> Reply {
        self.api(
            "users/delete",
            &[("id", id), ("confirm", email)],
            Some(cookie),
        )
        .await
    }

    /// The same database and files, served with another configuration.
    pub fn reconfigured(self, config: Config) -> Self {
        Self::on(self.store, self.dir, self.database_url, config)
    }
}

impl Panel {
    /// Sets two-factor authentication up for the signed-in `session` as a person would with an
    /// app: reads the key as text, types the code of now. Returns the key and the recovery codes.
    pub async fn set_up_two_factor(&self, session: &str) -> (TotpKey, Vec<String>) {
        let panel = self;
        let started = panel.api("two_factor/start", &[], Some(session)).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.body);
        let waiting = panel.api("two_factor/pending", &[], Some(session)).await;
        let pending: Option<PendingTwoFactor> = serde_json::from_str(&waiting.body).unwrap();
        let pending = pending.expect("a set-up waits for its first code");
        assert!(pending.qr_image.starts_with("data:image/svg+xml;base64,"));
        let key = TotpKey::from_typed(&pending.key_text).expect("the key as text reads back");
        let wrong = panel
            .api("two_factor/confirm", &[("code", "000000")], Some(session))
            .await;
        let code = key.code_at(panel.clock.now());
        if code != "000000" {
            assert_eq!(wrong.error_code("code").as_deref(), Some("code_wrong"));
        }
        let confirmed = panel
            .api("two_factor/confirm", &[("code", &code)], Some(session))
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        let once = pair(
            &confirmed
                .cookie_named(SHOWN_ONCE)
                .expect("the codes to show"),
        );
        let both = format!("{session}; {once}");
        let shown = panel.api("two_factor/fresh_codes", &[], Some(&both)).await;
        let codes: Vec<String> = serde_json::from_str(&shown.body).unwrap();
        assert_eq!(codes.len(), 10);
        assert!(
            shown
                .cookie_named(SHOWN_ONCE)
                .is_some_and(|c| c.contains("Max-Age=0")),
            "the browser forgets them once read"
        );
        (key, codes)
    }

    /// Resets `user`'s password, signing out all their devices.
    pub async fn reset(&self, cookie: &str, user: &str) -> Reply {
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
    pub async fn user_id_of(&self, name: &str) -> i64 {
        let address = app::model::EmailAddress::parse(&format!("{name}@council.test")).unwrap();
        self.store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .user_id
    }

    /// The stored password hash of `name@council.test`.
    pub async fn password_hash_of(&self, name: &str) -> String {
        let address = app::model::EmailAddress::parse(&format!("{name}@council.test")).unwrap();
        self.store
            .find_login(&address)
            .await
            .unwrap()
            .unwrap()
            .password_hash
    }

    pub async fn try_sign_in(&self, email: &str, password: &str) -> Reply {
        self.api(
            "auth/login",
            &[("email", email), ("password", password)],
            None,
        )
        .await
    }

    /// Signs in from `peer`, perhaps claiming another address in `X-Forwarded-For`.
    pub async fn sign_in_from(
        &self,
        peer: &str,
        forwarded_for: Option<&str>,
        email: &str,
        password: &str,
    ) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(nested_fields(&[("email", email), ("password", password)]))
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

impl Panel {
    /// Grants `role` (`user`, `user_admin`, `domain_admin` over `domains`) as `cookie`.
    pub async fn set_role(&self, cookie: &str, id: i64, role: &str, domains: &[i64]) -> Reply {
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
    pub async fn add_domain(&self, owner: &str, name: &str) -> i64 {
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
    pub async fn create_in(&self, cookie: &str, domain_id: i64, local: &str) -> Reply {
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

pub use super::instance::nested_fields;

/// A GET server function's query from plain `key=value` pairs: each key as a field of its
/// argument, `argument[key]`, as the page's links write them.
pub fn nested_query(argument: &str, query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| format!("{argument}%5B{}", pair.replacen('=', "%5D=", 1)))
        .collect::<Vec<_>>()
        .join("&")
}
