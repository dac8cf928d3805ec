//! The panel under load as a host runs it: the server binary started as a process of its own on
//! a fresh SQLite file and, when `POSTMASTER_BENCH_PG` names a server (`make bench` sets it), on
//! a PostgreSQL database, driven over loopback HTTP the way browsers drive it. For each database
//! it prints:
//!
//! - one mailbox created through the New user form's POST, as a browser without JavaScript
//!   posts it (one argon2id hash), sequentially: median and p95;
//! - sign-ins by 16, then 64 clients, each on its own connection and signing in again as soon
//!   as answered: throughput, its share of argon2's bound (how many of the panel's password
//!   checks every core can do in a second, measured in this process with the panel's own code
//!   and settings for half the run's time just before and just after, printed beside their
//!   mean), the share of both cores' time the server's hashing threads had during the run
//!   (the same share of the bound at the machine's speed of the moment, which the bound's
//!   windows before and after miss when it moves within the run), errors, latency, the
//!   server's CPU time per sign-in beside one password check's (all cores busy), and the
//!   server's resident memory (VmRSS) before, at its highest (VmHWM) and after;
//! - the same memory figures over the check of a 1,000-line CSV import with a password on
//!   every line.
//!
//! `POSTMASTER_BENCH_SECONDS` (default 60) sets how long each sign-in run lasts.
mod common;
#[path = "../tests/support/instance.rs"]
#[allow(dead_code)]
mod instance;

use app::model::{ImportPreview, ImportState};
use app::security::password::{hash_password, verify_password};
use app::security::seal::Sealer;
use app::store::Store;
use common::{env_number, percentile};
use instance::{nested_fields, Instance};
use reqwest::StatusCode;
use server::db::{postgres::PgStore, sqlite::SqliteStore};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ADMIN: &str = "bench@load.test";
/// A passphrase the default policy accepts, given to every mailbox the benchmark adds.
const PASSWORD: &str = "lantern orchard velvet 42";
const CREATES: usize = 100;
const IMPORT_LINES: usize = 1_000;

#[tokio::main]
async fn main() {
    let run_for = Duration::from_secs(env_number("POSTMASTER_BENCH_SECONDS", 60) as u64);

    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/load.db?mode=rwc", dir.path().display());
    let store = SqliteStore::connect(&url).await.expect("SQLite store");
    run("SQLite", Arc::new(store), &url, run_for).await;

    if let Some(url) = common::postgres_database("pm_load").await {
        let store = PgStore::connect(&url).await.expect("PostgreSQL store");
        run("PostgreSQL", Arc::new(store), &url, run_for).await;
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Password checks per second with every core busy, through the panel's own hashing in this
/// process, for `took`.
async fn argon2_bound(took: Duration) -> f64 {
    let stored = hash_password(PASSWORD.into()).await.expect("a hash");
    let started = Instant::now();
    let checkers: Vec<_> = (0..cores() * 2)
        .map(|_| {
            let stored = stored.clone();
            tokio::spawn(async move {
                let mut done = 0u32;
                while started.elapsed() < took {
                    assert!(verify_password(PASSWORD.into(), Some(stored.clone()))
                        .await
                        .expect("a check"));
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut done = 0;
    for checker in checkers {
        done += checker.await.expect("a checker");
    }
    f64::from(done) / started.elapsed().as_secs_f64()
}

/// The median time of one hash with the panel's settings, one at a time: the part of a create
/// no database or HTTP work can shorten.
async fn one_hash() -> f64 {
    let mut times = Vec::with_capacity(CREATES);
    for _ in 0..CREATES {
        let started = Instant::now();
        hash_password(PASSWORD.into()).await.expect("a hash");
        times.push(started.elapsed());
    }
    percentile(&mut times, 0.50)
}

/// The server's resident memory now and at its highest so far, in MB.
fn memory(server: &Instance) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .expect("the server's /proc status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

async fn run(label: &str, store: Arc<dyn Store>, url: &str, run_for: Duration) {
    let admin = common::organisation(store.as_ref(), ADMIN, PASSWORD.into()).await;
    store
        .set_organisation_limits(admin.organisation_id, 10_000, 10_000_000)
        .await
        .expect("limits");
    let domain = common::first_domain(store.as_ref(), admin.organisation_id).await;

    let dir = tempfile::tempdir().expect("temp dir");
    let key_file = dir.path().join("secret.key");
    std::fs::write(&key_file, Sealer::generate_key()).expect("key file");
    let env = [
        ("DATABASE_URL", url.to_owned()),
        ("POSTMASTER_SECRET_KEY_FILE", key_file.display().to_string()),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let mut server = Instance::start("server", dir.path(), &env);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .expect("HTTP client");
    server.wait_ready(&client).await;
    let idle = memory(&server).0;
    println!("\n{label}: the server uses {idle:.0} MB at rest");

    // Creates, one after another, as the form posts them without JavaScript.
    let session = server.sign_in(&client, ADMIN, PASSWORD).await;
    let mut times = Vec::with_capacity(CREATES);
    for n in 0..CREATES {
        let username = format!("load-{n}");
        let form = [
            ("domain", domain.as_str()),
            ("username", username.as_str()),
            ("name", username.as_str()),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("quota_gb", "0.5"),
            ("account_type", "basic"),
        ];
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(nested_fields(&form))
            .finish();
        let started = Instant::now();
        let reply = client
            .post(server.url("/api/users/create"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("referer", server.url("/users/new"))
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &session)
            .body(body)
            .send()
            .await
            .expect("an answer");
        let status = reply.status();
        let location = reply
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let _ = reply.bytes().await;
        times.push(started.elapsed());
        assert!(
            status.is_redirection() && !location.contains("__err"),
            "create {n}: {status} {location}"
        );
    }
    println!(
        "create a mailbox (the New user form's POST, {CREATES} in a row): \
         p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; of which one argon2id hash alone: p50 {:.1} ms",
        percentile(&mut times, 0.50),
        percentile(&mut times, 0.95),
        percentile(&mut times, 1.0),
        one_hash().await
    );

    println!(
        "| {:>7} | {:>20} | {:>9} | {:>8} | {:>8} | {:>6} | {:>6} | {:>6} | {:>9} | {:>9} | {:>9} | {:>9} | {:>9} |",
        "clients",
        "bound (before-after)",
        "sign-ins/s",
        "of bound",
        "hashing",
        "errors",
        "p50 ms",
        "p99 ms",
        "CPU ms/sign-in",
        "CPU ms/check",
        "RSS before",
        "RSS peak",
        "RSS after"
    );
    for clients in [16, 64] {
        sign_ins(&server, clients, run_for).await;
    }

    // A 1,000-line import's check: every password hashed, on the same threads.
    let (before, _) = memory(&server);
    let lines: String = (0..IMPORT_LINES)
        .map(|i| format!("import-{i}@load.test,Import {i},0.1,,{PASSWORD} {i}\n"))
        .collect();
    let csv = format!("email,name,quota_gb,account_type,password\n{lines}");
    let started = Instant::now();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(nested_fields(&[("csv", csv.as_str())]))
        .finish();
    let reply = client
        .post(server.url("/api/users/import/check"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("cookie", &session)
        .body(body)
        .send()
        .await
        .expect("an answer");
    assert_eq!(reply.status(), StatusCode::OK, "the import's check");
    // The preview's address ends with the import's id.
    let id = reply
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .and_then(|l| l.rsplit('/').next())
        .expect("the preview's address")
        .to_owned();
    loop {
        let (status, body, _) = server
            .call(
                &client,
                "users/import/get",
                &[("id", id.as_str())],
                Some(&session),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let preview: ImportPreview = serde_json::from_str(&body).expect("a preview");
        match preview.state {
            ImportState::Checking { .. } => {}
            ImportState::Ready => break,
            other => panic!("the import's check ended {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (after, peak) = memory(&server);
    println!(
        "check of a {IMPORT_LINES}-line import (every line with a password): {:.1} s; \
         RSS {before:.0} MB before, {after:.0} MB after, {peak:.0} MB at the highest so far",
        started.elapsed().as_secs_f64()
    );
    let form = [("id", id.as_str())];
    let (status, body, _) = server
        .api(&client, "users/import/cancel", &form, Some(&session))
        .await;
    assert_eq!(status, StatusCode::OK, "import cancel: {body}");
}

/// The server's CPU time so far (user and system, all threads), in seconds.
fn cpu_seconds(server: &Instance) -> f64 {
    stat_seconds(&format!("/proc/{}/stat", server.child.id()))
}

/// The CPU time so far of the server's hashing threads, in seconds: what the bound's checks
/// had the whole machine for.
fn hashing_seconds(server: &Instance) -> f64 {
    let tasks = std::fs::read_dir(format!("/proc/{}/task", server.child.id()))
        .expect("the server's threads");
    tasks
        .filter_map(Result::ok)
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.starts_with("argon2-"))
        })
        .map(|task| stat_seconds(&task.path().join("stat").to_string_lossy()))
        .sum()
}

/// User and system time of a process's or thread's `stat` file, in seconds.
fn stat_seconds(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).expect("a /proc stat");
    // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
    let fields: Vec<&str> = stat[stat.rfind(')').expect("a stat line") + 2..]
        .split(' ')
        .collect();
    let ticks: f64 =
        fields[11].parse::<f64>().unwrap_or(0.0) + fields[12].parse::<f64>().unwrap_or(0.0);
    ticks / clock_ticks()
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}

/// `clients` connections signing in as fast as they are answered, for `run_for`. The bound is
/// measured for half as long just before and just after, and their mean taken: a shared
/// machine's speed moves by a few percent from one ten-second window to the next (52.8 to 61.2
/// checks per second over twelve in a row, idle), more than the margin looked for, so the bound
/// is averaged over as much time as the run itself.
async fn sign_ins(server: &Instance, clients: usize, run_for: Duration) {
    let bound_for = run_for / 2;
    let bound_before = argon2_bound(bound_for).await;
    let (before, _) = memory(server);
    let cpu_before = cpu_seconds(server);
    let hashing_before = hashing_seconds(server);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|n| {
            let url = server.url("/api/auth/login");
            let email = format!("load-{}@load.test", n % CREATES);
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .timeout(Duration::from_secs(120))
                    .build()
                    .expect("HTTP client");
                let body = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(nested_fields(&[
                        ("email", email.as_str()),
                        ("password", PASSWORD),
                    ]))
                    .finish();
                let (mut times, mut errors) = (Vec::new(), Vec::new());
                while started.elapsed() < run_for {
                    let sent = Instant::now();
                    let reply = client
                        .post(&url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("accept", "application/json")
                        .body(body.clone())
                        .send()
                        .await;
                    match reply {
                        Ok(r) if r.status() == StatusCode::OK => {
                            let _ = r.bytes().await;
                            times.push(sent.elapsed());
                        }
                        Ok(r) => errors.push(format!(
                            "{}: {}",
                            r.status(),
                            r.text().await.unwrap_or_default()
                        )),
                        Err(e) => errors.push(e.to_string()),
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut errors = Vec::new();
    for worker in workers {
        let (t, e) = worker.await.expect("a client");
        times.extend(t);
        errors.extend(e);
    }
    let took = started.elapsed().as_secs_f64();
    let cpu_per_sign_in = (cpu_seconds(server) - cpu_before) / times.len().max(1) as f64;
    let hashing_share = (hashing_seconds(server) - hashing_before) / (took * cores() as f64);
    let (after, peak) = memory(server);
    let bound_after = argon2_bound(bound_for).await;
    let bound = (bound_before + bound_after) / 2.0;
    let rate = times.len() as f64 / took;
    println!(
        "| {clients:>7} | {:>20} | {rate:>10.1} | {:>7.1}% | {:>7.1}% | {:>6} | {:>6.0} | {:>6.0} | {:>9.1} | {:>9.1} | {before:>6.0} MB | {peak:>6.0} MB | {after:>6.0} MB |",
        format!("{bound:.0} ({bound_before:.0}-{bound_after:.0})"),
        rate / bound * 100.0,
        hashing_share * 100.0,
        errors.len(),
        percentile(&mut times, 0.50),
        percentile(&mut times, 0.99),
        cpu_per_sign_in * 1000.0,
        cores() as f64 / bound * 1000.0,
    );
    if let Some(first) = errors.first() {
        println!("  first error: {first}");
    }
}
