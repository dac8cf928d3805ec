//! A server process of its own, started from the built binary, as an operator runs it: the
//! tests of operation and the load benchmark drive it over loopback HTTP. Kept apart from the
//! rest of `support` so that the benchmark can include it alone.
use reqwest::StatusCode;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// One server process; its output goes to a log file the test reads.
pub struct Instance {
    pub name: &'static str,
    pub child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Instance {
    pub fn start(name: &'static str, dir: &Path, env: &[(&str, String)]) -> Self {
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

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn log(&self) -> String {
        let mut text = String::new();
        std::fs::File::open(&self.log)
            .and_then(|mut f| f.read_to_string(&mut text))
            .expect("read the log");
        text
    }

    pub async fn wait_ready(&mut self, client: &reqwest::Client) {
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
    pub fn terminate(&self) {
        let done = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(done.success());
    }

    pub async fn exit_status(&mut self, within: Duration) -> ExitStatus {
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

    /// Calls a server function as a form posts it, `form[key]` for each key of its form; answers
    /// the status, the body and the session cookie it set, if any.
    pub async fn api(
        &self,
        client: &reqwest::Client,
        function: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> (StatusCode, String, Option<String>) {
        self.call(client, function, &nested_fields(form), cookie)
            .await
    }

    /// Calls a server function with `keys` as they go on the wire (`id` for a reader's loose
    /// argument).
    pub async fn call<K: AsRef<str>, V: AsRef<str>>(
        &self,
        client: &reqwest::Client,
        function: &str,
        keys: &[(K, V)],
        cookie: Option<&str>,
    ) -> (StatusCode, String, Option<String>) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(keys)
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

    pub async fn sign_in(&self, client: &reqwest::Client, email: &str, password: &str) -> String {
        let form = [("email", email), ("password", password)];
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

/// A form's fields as it posts them: each key `field` (or `field[i]`) as the form struct's
/// `form[field]`.
pub fn nested_fields<'a>(form: &[(&str, &'a str)]) -> Vec<(String, &'a str)> {
    let nested = |key: &str| match key.split_once('[') {
        Some((field, rest)) => format!("form[{field}][{rest}"),
        None => format!("form[{key}]"),
    };
    form.iter().map(|(k, v)| (nested(k), *v)).collect()
}
