//! The users list at a host's scale, measured server side: 100,000 mailboxes, each request sent
//! through the whole HTTP stack in-process (session check, server function, query, JSON), on
//! SQLite and, when `POSTMASTER_BENCH_PG` names a server, on PostgreSQL. Run it with `make bench`.
//!
//! `POSTMASTER_BENCH_USERS` (default 100000) and `POSTMASTER_BENCH_RUNS` (default 1000) scale it.
use app::model::{EmailAddress, TwoFactorRequirement, UserPage};
use app::security::clock::{Clock, SystemClock};
use app::security::password::hash_password;
use app::security::session::{new_token, token_hash, COOKIE_SECURE};
use app::store::{NewOrganisation, NewSession, Store};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use server::config::Config;
use server::db::{postgres::PgStore, sqlite::SqliteStore};
use server::{router, AppState};
use sqlx::Connection;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let users = env_number("POSTMASTER_BENCH_USERS", 100_000);
    let runs = env_number("POSTMASTER_BENCH_RUNS", 1_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let sqlite = SqliteStore::connect(&url).await.expect("SQLite store");
    run("SQLite", Arc::new(sqlite), users, runs).await;

    match std::env::var("POSTMASTER_BENCH_PG") {
        Ok(base) => {
            let name = format!("pm_bench_{}", std::process::id());
            let mut admin = sqlx::PgConnection::connect(&base)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create the bench database");
            let mut url = url::Url::parse(&base).expect("POSTMASTER_BENCH_PG is a URL");
            url.set_path(&format!("/{name}"));
            let pg = PgStore::connect(url.as_str())
                .await
                .expect("PostgreSQL store");
            run("PostgreSQL", Arc::new(pg), users, runs).await;
        }
        Err(_) => {
            println!("PostgreSQL skipped: POSTMASTER_BENCH_PG is not set (make bench sets it)")
        }
    }
}

struct Bench {
    router: axum::Router,
    cookie: String,
}

impl Bench {
    async fn list(&self, form: &[(&str, &str)]) -> (Duration, UserPage) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let req = Request::post("/api/users/list")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, &self.cookie)
            .body(Body::from(body))
            .expect("request");
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
        (
            took,
            serde_json::from_slice(&bytes).expect("a page of users"),
        )
    }
}

async fn run(label: &str, store: Arc<dyn Store>, users: usize, runs: usize) {
    let now = SystemClock.now();
    let admin = store
        .create_organisation(NewOrganisation {
            organisation_name: "Bench Host".into(),
            admin_name: "Bench Admin".into(),
            admin_email: EmailAddress::parse("admin@bench.test").expect("address"),
            password_hash: hash_password(new_token()).await.expect("hash"),
            now,
        })
        .await
        .expect("organisation");
    // The benchmark's session is made here, not signed in through the two steps.
    store
        .set_two_factor_requirement(admin.organisation_id, TwoFactorRequirement::Nobody)
        .await
        .expect("two-factor rule");
    let started = Instant::now();
    server::seed::seed_users(store.as_ref(), admin.organisation_id, users, 1, now, |_| {})
        .await
        .expect("seeding");
    println!(
        "\n{label}: seeded {users} mailboxes in {:.1} s; {runs} requests per line",
        started.elapsed().as_secs_f64()
    );

    let token = new_token();
    store
        .create_session(NewSession {
            user_id: admin.user_id,
            token_hash: token_hash(&token),
            device: "Benchmark".into(),
            ip: "127.0.0.1".into(),
            now,
        })
        .await
        .expect("session");
    let state =
        Arc::new(AppState::new(Config::local(), store, Arc::new(SystemClock)).expect("state"));
    let options = leptos::config::LeptosOptions::builder()
        .output_name("postmaster")
        .site_root("target/site")
        .build();
    let bench = Bench {
        router: router(state, options),
        cookie: format!("{COOKIE_SECURE}={token}"),
    };

    // A full name that several seeded people share, and a fragment of one address.
    let (_, first) = bench.list(&[("search", "")]).await;
    let someone = first.users.last().expect("seeded users").clone();
    let name = someone.name.clone();
    let local = someone
        .email
        .split('@')
        .next()
        .unwrap_or_default()
        .to_owned();
    let next = first.next.clone().unwrap_or_default();

    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("first page, by address".into(), vec![("search", "")]),
        (
            "next page, by address".into(),
            vec![("search", ""), ("after", &next)],
        ),
        (
            "first page, by name".into(),
            vec![("search", ""), ("sort", "name")],
        ),
        (
            "first page, last sign-in, newest first".into(),
            vec![("search", ""), ("sort", "last_sign_in"), ("dir", "desc")],
        ),
        (format!("search \"{name}\""), vec![("search", &name)]),
        (format!("search \"{local}\""), vec![("search", &local)]),
    ];
    println!(
        "| {:<44} | {:>4} | {:>8} | {:>8} | {:>8} | {:>8} |",
        "request", "rows", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    println!(
        "|{:-<46}|{:-<6}|{:-<10}|{:-<10}|{:-<10}|{:-<10}|",
        "", "", "", "", "", ""
    );
    for (title, form) in &cases {
        for _ in 0..runs / 20 {
            bench.list(form).await;
        }
        let mut times = Vec::with_capacity(runs);
        let mut rows = 0;
        for _ in 0..runs {
            let (took, page) = bench.list(form).await;
            rows = page.users.len();
            times.push(took);
        }
        times.sort_unstable();
        let at = |q: f64| {
            let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
            times[i].as_secs_f64() * 1000.0
        };
        println!(
            "| {:<44} | {:>4} | {:>8.2} | {:>8.2} | {:>8.2} | {:>8.2} |",
            title,
            rows,
            at(0.50),
            at(0.95),
            at(0.99),
            at(1.0)
        );
    }
}
