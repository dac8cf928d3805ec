//! Two instances of the panel, each a process of its own, on one PostgreSQL database, as a host
//! runs them behind a load balancer: whichever instance a request reaches, the answer is the
//! same, and each queued message is sent once.
#[path = "support/mod.rs"]
mod support;

use app::model::{MailKind, TwoFactorRequirement};
use app::security::seal::Sealer;
use reqwest::StatusCode;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use support::panel::nested_fields;
use support::smtp_sink::SmtpSink;

const ADMIN: &str = "clerk@council.test";
const PASSWORD: &str = "lantern orchard velvet 42";
/// Failed sign-ins one client address may make (the instances' `POSTMASTER_IP_FAILURES`).
const IP_FAILURES: usize = 6;
/// How long instance A takes over a "Forgot password" answer: a request in flight when it
/// is told to stop.
const SLOW_ANSWER: Duration = Duration::from_secs(2);
const MESSAGES: usize = 200;

/// One server process; its output goes to a log file the test reads.
struct Instance {
    name: &'static str,
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Instance {
    fn start(name: &'static str, dir: &Path, env: &[(&str, String)]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("serve")
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("POSTMASTER_BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .expect("start the server binary");
        Self {
            name,
            child,
            port,
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        let mut text = String::new();
        std::fs::File::open(&self.log)
            .and_then(|mut f| f.read_to_string(&mut text))
            .expect("read the log");
        text
    }

    async fn wait_ready(&mut self, client: &reqwest::Client) {
        let started = Instant::now();
        loop {
            if let Ok(reply) = client.get(self.url("/readyz")).send().await {
                if reply.status() == StatusCode::OK {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}):\n{}", self.name, self.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} not ready in 60 s:\n{}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends SIGTERM, as systemd's stop does.
    fn terminate(&self) {
        let done = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(done.success());
    }

    async fn exit_status(&mut self, within: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the child's status") {
                return status;
            }
            assert!(
                started.elapsed() < within,
                "{} still running {within:?} after SIGTERM:\n{}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Calls a server function as a form posts it, `form[key]` for each key of its form.
    async fn api(
        &self,
        client: &reqwest::Client,
        function: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> (StatusCode, String, Option<String>) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(nested_fields(form))
            .finish();
        let mut request = client
            .post(self.url(&format!("/api/{function}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let reply = request.send().await.expect("an answer");
        let status = reply.status();
        let session = reply
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("__Host-postmaster_session="))
            .map(|c| c.split(';').next().unwrap_or_default().to_owned());
        (status, reply.text().await.unwrap_or_default(), session)
    }

    async fn sign_in(&self, client: &reqwest::Client) -> String {
        let form = [("email", ADMIN), ("password", PASSWORD)];
        let (status, body, cookie) = self.api(client, "auth/login", &form, None).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", self.name);
        cookie.expect("a session cookie")
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    let on_a = a.sign_in(&client).await;
    let on_b = b.sign_in(&client).await;
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
