//! Pages at a host's scale, measured server side: each request sent through the whole HTTP stack
//! in-process (session check, server-side rendering or the server function, every query of the
//! page), on SQLite with 100,000 mailboxes and, when `POSTMASTER_BENCH_PG` names a server, on
//! PostgreSQL with 1,000,000 (the scale a host runs on PostgreSQL for). Run it with `make bench`.
//!
//! `POSTMASTER_BENCH_USERS` (SQLite, default 100000), `POSTMASTER_BENCH_PG_USERS` (default
//! 1000000) and `POSTMASTER_BENCH_RUNS` (default 1000) scale it.
use app::model::UserPage;
use app::security::clock::{Clock, SystemClock};
use app::security::session::{new_token, token_hash, COOKIE_SECURE};
use app::store::{AuditEntry, NewSession, Store};
use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use server::config::Config;
use server::db::{postgres::PgStore, sqlite::SqliteStore};
use server::{router, AppState};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

mod common;
use common::{env_number, percentile};

/// A passphrase the default policy accepts, for the mailboxes the create line adds.
const PASSWORD: &str = "lantern orchard velvet 42";

#[tokio::main]
async fn main() {
    let users = env_number("POSTMASTER_BENCH_USERS", 100_000);
    let runs = env_number("POSTMASTER_BENCH_RUNS", 1_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let sqlite = SqliteStore::connect(&url).await.expect("SQLite store");
    run("SQLite", Arc::new(sqlite), users, runs).await;

    if let Some(url) = common::postgres_database("pm_bench").await {
        let pg = PgStore::connect(&url).await.expect("PostgreSQL store");
        let users = env_number("POSTMASTER_BENCH_PG_USERS", 1_000_000);
        run("PostgreSQL", Arc::new(pg), users, runs).await;
    }
}

/// One line of the table: what a browser sends.
enum Case {
    /// A server function, as the page's script calls it (form-encoded, JSON back).
    Api(&'static str, Vec<(String, String)>),
    /// A page as a browser asks for it, rendered in full on the server.
    Page(String),
    /// The New user form's POST: a new mailbox each time, with one password to hash.
    Create { domain: String },
}

struct Bench {
    router: axum::Router,
    cookie: String,
    created: usize,
}

impl Bench {
    async fn send(&mut self, case: &Case) -> (Duration, Bytes) {
        let req = match case {
            Case::Api(path, form) => self.post(path, form),
            Case::Page(uri) => Request::get(uri.as_str())
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, &self.cookie)
                .body(Body::empty())
                .expect("request"),
            Case::Create { domain } => {
                self.created += 1;
                let username = format!("bench-new-{}", self.created);
                let form: Vec<(String, String)> = [
                    ("domain", domain.as_str()),
                    ("username", &username),
                    ("name", &username),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                    ("quota_gb", "0.5"),
                    ("account_type", "basic"),
                ]
                .iter()
                .map(|(k, v)| (format!("form[{k}]"), v.to_string()))
                .collect();
                self.post("users/create", &form)
            }
        };
        let started = Instant::now();
        let res = self.router.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let took = started.elapsed();
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        (took, bytes)
    }

    fn post(&self, path: &str, form: &[(String, String)]) -> Request<Body> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        Request::post(format!("/api/{path}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, &self.cookie)
            .body(Body::from(body))
            .expect("request")
    }
}

fn list(pairs: &[(&str, &str)]) -> Case {
    Case::Api(
        "users/list",
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

async fn run(label: &str, store: Arc<dyn Store>, users: usize, runs: usize) {
    let now = SystemClock.now();
    let admin = common::organisation(store.as_ref(), "admin@bench.test", new_token()).await;
    let started = Instant::now();
    server::seed::seed_users(store.as_ref(), admin.organisation_id, users, 1, now, |_| {})
        .await
        .expect("seeding");
    // Room for the mailboxes the create line adds.
    let usage = store
        .organisation_usage(admin.organisation_id)
        .await
        .expect("usage");
    store
        .set_organisation_limits(
            admin.organisation_id,
            usage.mailbox_licences + runs as i64 * 2,
            usage.storage_pool_mb + runs as i64 * 2 * 500,
        )
        .await
        .expect("limits");
    println!(
        "\n{label}: seeded {users} mailboxes in {:.1} s; {runs} requests per line \
         ({} for the create line)",
        started.elapsed().as_secs_f64(),
        create_runs(runs)
    );

    let token = new_token();
    store
        .create_session(
            NewSession {
                user_id: admin.user_id,
                token_hash: token_hash(&token),
                device: "Benchmark".into(),
                ip: "127.0.0.1".into(),
                now,
            },
            &AuditEntry {
                organisation_id: Some(admin.organisation_id),
                actor_id: Some(admin.user_id),
                actor: admin.email.clone(),
                action: "sign_in",
                target: admin.email.clone(),
                success: true,
                detail: "{}".into(),
                ip: "127.0.0.1".into(),
                now,
            },
        )
        .await
        .expect("session");
    let domain = common::first_domain(store.as_ref(), admin.organisation_id).await;
    let state =
        Arc::new(AppState::new(Config::local(), store, Arc::new(SystemClock)).expect("state"));
    let options = leptos::config::LeptosOptions::builder()
        .output_name("postmaster")
        .site_root("target/site")
        .build();
    let mut bench = Bench {
        router: router(state, options),
        cookie: format!("{COOKIE_SECURE}={token}"),
        created: 0,
    };

    // A full name that several seeded people share, and a fragment of one address.
    let (_, first) = bench.send(&list(&[("search", "")])).await;
    let first: UserPage = serde_json::from_slice(&first).expect("a page of users");
    let someone = first.users.last().expect("seeded users").clone();
    let name = someone.name.clone();
    let local = someone
        .email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_owned();
    let next = first.next.clone().unwrap_or_default();

    let cases: Vec<(String, Case)> = vec![
        ("page GET /users".into(), Case::Page("/users".into())),
        (
            format!("page GET /users?search={local}"),
            Case::Page(format!("/users?search={local}")),
        ),
        (
            "page GET /users/{id}".into(),
            Case::Page(format!("/users/{}", someone.id)),
        ),
        (
            "page GET /users/{id}/security".into(),
            Case::Page(format!("/users/{}/security", someone.id)),
        ),
        ("page GET /overview".into(), Case::Page("/overview".into())),
        ("page GET /settings".into(), Case::Page("/settings".into())),
        (
            "list: first page, by address".into(),
            list(&[("search", "")]),
        ),
        (
            "list: next page, by address".into(),
            list(&[("search", ""), ("after", &next)]),
        ),
        (
            "list: first page, by name".into(),
            list(&[("search", ""), ("sort", "name")]),
        ),
        (
            "list: last sign-in, newest first".into(),
            list(&[("search", ""), ("sort", "last_sign_in"), ("dir", "desc")]),
        ),
        (
            format!("list: search \"{name}\""),
            list(&[("search", &name)]),
        ),
        (
            format!("list: search \"{local}\""),
            list(&[("search", &local)]),
        ),
        (
            "create a mailbox (form POST, one hash)".into(),
            Case::Create { domain },
        ),
    ];
    println!(
        "| {:<44} | {:>8} | {:>8} | {:>8} | {:>8} |",
        "request", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    println!(
        "|{:-<46}|{:-<10}|{:-<10}|{:-<10}|{:-<10}|",
        "", "", "", "", ""
    );
    for (title, case) in &cases {
        let runs = match case {
            Case::Create { .. } => create_runs(runs),
            _ => runs,
        };
        for _ in 0..runs / 20 {
            bench.send(case).await;
        }
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            times.push(bench.send(case).await.0);
        }
        let mut at = |q: f64| percentile(&mut times, q);
        println!(
            "| {:<44} | {:>8.2} | {:>8.2} | {:>8.2} | {:>8.2} |",
            title,
            at(0.50),
            at(0.95),
            at(0.99),
            at(1.0)
        );
    }
}

/// Each create hashes a password (tens of milliseconds): a tenth of the runs say enough.
fn create_runs(runs: usize) -> usize {
    (runs / 10).max(1)
}
