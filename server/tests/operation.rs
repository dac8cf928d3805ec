//! The panel as a host runs it on PostgreSQL: two instances, each a process of its own, behind a
//! load balancer (whichever instance a request reaches, the answer is the same, and each queued
//! message is sent once), and a database that restarts under load (nothing answered as done is
//! lost, and nothing hangs).
#[path = "support/mod.rs"]
mod support;

use app::model::{MailKind, TwoFactorRequirement};
use app::security::seal::Sealer;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use support::instance::Instance;
use support::smtp_sink::SmtpSink;

const ADMIN: &str = "clerk@council.test";
const PASSWORD: &str = "lantern orchard velvet 42";
/// Failed sign-ins one client address may make (the instances' `POSTMASTER_IP_FAILURES`).
const IP_FAILURES: usize = 6;
/// How long instance A takes over a "Forgot password" answer: a request in flight when it
/// is told to stop.
const SLOW_ANSWER: Duration = Duration::from_secs(2);
const MESSAGES: usize = 200;

#[tokio::test]
async fn two_instances_on_one_postgresql_act_as_one() {
    let (store, database_url) = support::postgres_store().await;
    let dir = tempfile::tempdir().expect("temp dir");
    // Each message takes the relay 20 ms: both instances are busy at once.
    let sink = SmtpSink::start_slow(Duration::from_millis(20));
    // The key is shared as the README says: one file every instance reads.
    let key = Sealer::generate_key();
    let key_file = dir.path().join("secret.key");
    std::fs::write(&key_file, key).expect("key file");
    let env = |answer: Duration| {
        vec![
            ("DATABASE_URL", database_url.clone()),
            ("POSTMASTER_SECRET_KEY_FILE", key_file.display().to_string()),
            ("POSTMASTER_SMTP_URL", sink.url()),
            ("POSTMASTER_OUTBOX_POLL_SECONDS", "1".to_owned()),
            ("POSTMASTER_IP_FAILURES", IP_FAILURES.to_string()),
            (
                "POSTMASTER_RECOVERY_ANSWER_MS",
                answer.as_millis().to_string(),
            ),
        ]
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut a = Instance::start("a", dir.path(), &env(SLOW_ANSWER));
    a.wait_ready(&client).await;
    let mut b = Instance::start("b", dir.path(), &env(Duration::from_millis(10)));
    b.wait_ready(&client).await;

    // The setup token instance A printed opens the setup on instance B.
    let token = a
        .log()
        .lines()
        .find_map(|l| l.strip_prefix("POSTMASTER_SETUP_TOKEN=").map(str::to_owned))
        .expect("A printed a setup token");
    let setup = [
        ("token", token.as_str()),
        ("organisation", "Parish Council"),
        ("name", "Clerk"),
        ("email", ADMIN),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let (status, body, _) = b.api(&client, "auth/setup", &setup, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, open, _) = a.api(&client, "auth/setup_open", &[], None).await;
    assert_eq!(open, "false", "A knows the setup is done");
    // The tests of sign-in protection sign in with a password alone.
    let organisation: i64 =
        support::query_as_mail_server(&database_url, "SELECT CAST(id AS TEXT) FROM organisations")
            .await[0]
            .parse()
            .unwrap();
    store
        .set_two_factor_requirement(organisation, TwoFactorRequirement::Nobody)
        .await
        .unwrap();

    // A session started on one instance works on the other; a device signed out through one
    // gets 401 from the other.
    let on_a = a.sign_in(&client, ADMIN, PASSWORD).await;
    let on_b = b.sign_in(&client, ADMIN, PASSWORD).await;
    let (status, body, _) = b.api(&client, "auth/whoami", &[], Some(&on_a)).await;
    assert_eq!(status, StatusCode::OK, "A's session on B: {body}");
    let (_, devices, _) = a.api(&client, "account/devices", &[], Some(&on_a)).await;
    let devices: Vec<app::model::Device> = serde_json::from_str(&devices).unwrap();
    let other = devices.iter().find(|d| !d.current).expect("B's device");
    let other = other.id.to_string();
    let end = [("end[0]", other.as_str())];
    let (status, body, _) = a
        .api(&client, "account/sign_out_devices", &end, Some(&on_a))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, _) = b.api(&client, "auth/whoami", &[], Some(&on_b)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "signed out through A, refused by B"
    );

    // The client address's limit counts failures on both instances together.
    for attempt in 0..IP_FAILURES {
        let instance = if attempt % 2 == 0 { &a } else { &b };
        let wrong = [
            ("email", "nobody@council.test"),
            ("password", "not it at all"),
        ];
        let (status, body, _) = instance.api(&client, "auth/login", &wrong, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "failure {attempt}: {body}");
    }
    for instance in [&a, &b] {
        let right = [("email", ADMIN), ("password", PASSWORD)];
        let (status, _, _) = instance.api(&client, "auth/login", &right, None).await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "{} after {IP_FAILURES} failures across both",
            instance.name
        );
    }

    // 200 messages queued at once: each is sent once, by one instance or the other, while A
    // is told to stop part way and finishes the message in hand.
    let sealer = Sealer::new(&key);
    queue_messages(&database_url, organisation, &sealer).await;
    wait_for(
        || sink.messages().len() >= 10,
        Duration::from_secs(30),
        "sending starts",
    )
    .await;
    let slow = {
        let client = client.clone();
        let url = a.url("/api/recovery/request");
        tokio::spawn(async move {
            let started = Instant::now();
            let reply = client
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body("form[email]=somebody%40council.test")
                .send()
                .await;
            (reply.map(|r| r.status()), started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.terminate();
    let (answered, took) = slow.await.unwrap();
    // The request in flight when SIGTERM came is answered in full.
    let answered = answered.expect("an answer to the request in flight");
    assert!(
        took >= SLOW_ANSWER,
        "answered after its full time: {took:?}"
    );
    assert!(
        answered.is_success() || answered == StatusCode::TOO_MANY_REQUESTS,
        "{answered}"
    );
    let status = a.exit_status(Duration::from_secs(20)).await;
    assert!(status.success(), "A stopped cleanly: {status}\n{}", a.log());
    assert!(
        client.get(a.url("/healthz")).send().await.is_err(),
        "A takes no new requests"
    );
    wait_for(
        || sink.messages().len() >= MESSAGES,
        Duration::from_secs(60),
        "every message sent",
    )
    .await;
    // Time for a message sent twice to arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut recipients: Vec<String> = sink
        .messages()
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("To: ").map(str::to_owned))
        })
        .collect();
    recipients.sort();
    let received = recipients.len();
    recipients.dedup();
    assert_eq!(
        (received, recipients.len()),
        (MESSAGES, MESSAGES),
        "each message once"
    );
    let sent_by = |instance: &Instance| instance.log().matches("outbox: sent").count();
    let (by_a, by_b) = (sent_by(&a), sent_by(&b));
    assert_eq!(by_a + by_b, MESSAGES);
    assert!(by_a > 0 && by_b > 0, "both sent: A {by_a}, B {by_b}");
    let statuses = support::query_as_mail_server(
        &database_url,
        "SELECT status || ' ' || COUNT(*) FROM outbox GROUP BY status",
    )
    .await;
    assert_eq!(statuses, [format!("sent {MESSAGES}")]);
    for instance in [&a, &b] {
        let log = instance.log();
        assert!(
            !log.contains("ERROR") && !log.contains("panicked"),
            "{}:\n{log}",
            instance.name
        );
    }
}

/// Queues `MESSAGES` messages in one transaction, sealed with the instances' key, as a bulk
/// reset's credentials are.
async fn queue_messages(database_url: &str, organisation: i64, sealer: &Sealer) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(database_url).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for n in 0..MESSAGES {
        sqlx::query(
            "INSERT INTO outbox (organisation_id, kind, recipient, subject, sealed_body, \
             next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(organisation)
        .bind(MailKind::ResetNotice.as_str())
        .bind(format!("person{n:03}@home.example"))
        .bind(format!("Message {n}"))
        .bind(sealer.seal(format!("Body of message {n}").as_bytes()))
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn wait_for(done: impl Fn() -> bool, within: Duration, what: &str) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Workers that create mailboxes and reset passwords without a pause.
const WORKERS: usize = 4;

/// What one request was answered, and how long it took.
struct Answer {
    status: axum::http::StatusCode,
    took: Duration,
    body: String,
}

/// Calls a server function as a form posts it, and notes the answer and how long it took.
async fn timed(
    panel: &support::panel::Panel,
    function: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> Answer {
    let started = Instant::now();
    let reply = panel.api(function, form, Some(cookie)).await;
    Answer {
        status: reply.status,
        took: started.elapsed(),
        body: reply.body,
    }
}

#[tokio::test]
async fn a_restart_of_postgresql_under_load_loses_no_answered_change() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let cluster = std::sync::Arc::new(support::postgres_cluster::Cluster::start());
    let operator = |act: fn(&support::postgres_cluster::Cluster)| {
        let cluster = cluster.clone();
        async move {
            tokio::task::spawn_blocking(move || act(&cluster))
                .await
                .unwrap()
        }
    };
    let panel = support::panel::panel_on_url(&cluster.url(), support::panel::config()).await;
    let admin = panel.admin_session().await;
    let targets: Vec<String> = (0..WORKERS).map(|w| format!("target{w}")).collect();
    let names: Vec<&str> = targets.iter().map(String::as_str).collect();
    let target_ids = panel.add_users(&admin, &names).await;
    let stop = AtomicBool::new(false);
    let organisation = panel.organisation().await;
    let domain = panel.store.list_domains(organisation).await.unwrap()[0]
        .id
        .to_string();
    panel
        .store
        .set_organisation_limits(organisation, 100_000, 100_000_000)
        .await
        .unwrap();

    // Each worker: a new mailbox, then a new password for its own target, again and again.
    let worker = |w: usize| {
        let (panel, admin, stop, domain) = (&panel, &admin, &stop, &domain);
        let target = target_ids[w].to_string();
        async move {
            let (mut created, mut reset) = (Vec::new(), Vec::new());
            let mut answers = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let name = format!("w{w}n{n}");
                let form = [
                    ("domain", domain.as_str()),
                    ("username", name.as_str()),
                    ("name", name.as_str()),
                    ("password", support::panel::PASSWORD),
                    ("password_confirm", support::panel::PASSWORD),
                    ("quota_gb", "0.1"),
                    ("account_type", "basic"),
                ];
                let answer = timed(panel, "users/create", &form, admin).await;
                created.push((name, answer.status));
                answers.push(answer);
                let password = format!("harbour quilt lantern {w} {n}");
                let form = [
                    ("user", target.as_str()),
                    ("password", password.as_str()),
                    ("password_confirm", password.as_str()),
                    ("sign_out", "chosen"),
                ];
                let answer = timed(panel, "passwords/reset", &form, admin).await;
                reset.push((password, answer.status));
                answers.push(answer);
            }
            (created, reset, answers)
        }
    };
    let outage = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        operator(support::postgres_cluster::Cluster::stop).await;
        let stopped = Instant::now();
        tokio::time::sleep(Duration::from_secs(4)).await;
        operator(support::postgres_cluster::Cluster::resume).await;
        let down = stopped.elapsed();
        // Until the pool has reconnected and the workers have done more.
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.store(true, Ordering::SeqCst);
        down
    };
    let (results, down) = tokio::join!(futures::future::join_all((0..WORKERS).map(worker)), outage);

    let mut unavailable = 0;
    for answer in results.iter().flat_map(|(_, _, answers)| answers) {
        match answer.status {
            axum::http::StatusCode::OK => {}
            axum::http::StatusCode::SERVICE_UNAVAILABLE => {
                unavailable += 1;
                // A hang would outlast the outage; each refusal comes within the pool's wait.
                assert!(
                    answer.took < Duration::from_secs(10),
                    "503 after {:?}",
                    answer.took
                );
                assert_eq!(answer.body, "\"Unavailable\"", "the panel's own error");
            }
            other => panic!("{other} during a database restart: {}", answer.body),
        }
    }
    assert!(unavailable > 0, "the outage ({down:?}) was seen");
    let answered = results.iter().map(|(_, _, a)| a.len()).sum::<usize>();
    let slowest = results.iter().flat_map(|(_, _, a)| a).map(|a| a.took).max();
    println!(
        "{answered} requests, {unavailable} answered 503 during {down:?} down; slowest {slowest:?}"
    );
    for (w, (created, reset, _)) in results.iter().enumerate() {
        // Answered as done: in the database. A refusal may have come after its commit.
        let ok = axum::http::StatusCode::OK;
        let (done, _): (Vec<_>, Vec<_>) = created.iter().partition(|(_, s)| *s == ok);
        assert!(!done.is_empty(), "worker {w} created nothing");
        assert!(
            created.iter().rev().take_while(|(_, s)| *s == ok).count() > 0,
            "worker {w}: the pool reconnected by itself"
        );
        for (name, _) in &done {
            let address = app::model::EmailAddress::parse(&format!("{name}@council.test")).unwrap();
            assert!(
                panel.store.find_login(&address).await.unwrap().is_some(),
                "{name} was answered as created"
            );
        }
        // The target's password is the last one answered as set, or one tried after it.
        let last_done = reset.iter().rposition(|(_, s)| *s == ok).expect("a reset");
        let hash = panel.password_hash_of(&format!("target{w}")).await;
        let mut matches = false;
        for (password, _) in &reset[last_done..] {
            let verified =
                app::security::password::verify_password(password.clone(), Some(hash.clone()));
            matches |= verified.await.unwrap();
        }
        assert!(
            matches,
            "worker {w}: the last reset answered as done is kept"
        );
    }
}
