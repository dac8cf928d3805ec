//! A real Dovecot 2.3 on loopback, configured from the repository's sample files, on the
//! panel's database; and the little IMAP a test needs to sign in and to see a connection closed.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

/// The sample configuration files an administrator copies.
pub const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/mail-server");

/// `text` with the value of every `key = value` line set to `value`.
pub fn with_setting(text: &str, key: &str, value: &str) -> String {
    text.lines()
        .map(|line| {
            let indent = &line[..line.len() - line.trim_start().len()];
            match line.trim_start().split_once(" = ") {
                Some((k, _)) if k == key => format!("{indent}{key} = {value}"),
                _ => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn sample(path: &str) -> String {
    std::fs::read_to_string(format!("{SAMPLES}/{path}")).expect(path)
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().unwrap().port()
}

/// How the mail server reaches the panel's database: the sample's name and its `connect`.
fn dovecot_database(database_url: &str) -> (&'static str, String) {
    if let Some(rest) = database_url.strip_prefix("sqlite://") {
        let path = rest.split('?').next().unwrap_or(rest);
        return ("sqlite", path.to_owned());
    }
    let url = url::Url::parse(database_url).expect("a PostgreSQL URL");
    let connect = format!(
        "host={} port={} dbname={} user={} password={}",
        url.host_str().unwrap_or("localhost"),
        url.port().unwrap_or(5432),
        url.path().trim_start_matches('/'),
        url.username(),
        url.password().unwrap_or_default(),
    );
    ("postgres", connect)
}

pub struct Dovecot {
    config: PathBuf,
    log: PathBuf,
    pub imap_port: u16,
    pub doveadm_port: u16,
    pub api_key: String,
}

impl Dovecot {
    /// Writes the configuration under `work` (the samples, with this test's paths, ports and
    /// database) and starts Dovecot; `start` again after `stop` brings it back.
    pub fn configure(work: &Path, database_url: &str) -> Self {
        assert!(
            Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| o.stdout == b"0\n"),
            "the mail server test runs Dovecot, which starts as root"
        );
        let dir = work.join("dovecot");
        let mail = dir.join("mail");
        std::fs::create_dir_all(&mail).unwrap();
        // Dovecot's unprivileged processes walk into these.
        use std::os::unix::fs::PermissionsExt;
        for path in [work, dir.as_path()] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::set_permissions(&mail, std::fs::Permissions::from_mode(0o777)).unwrap();

        let (kind, connect) = dovecot_database(database_url);
        let sql = sample(&format!("dovecot/dovecot-sql-{kind}.conf.ext"));
        let sql_path = dir.join("dovecot-sql.conf.ext");
        std::fs::write(&sql_path, with_setting(&sql, "connect", &connect)).unwrap();

        let (imap_port, doveadm_port) = (free_port(), free_port());
        let api_key = hex::encode(rand::random::<[u8; 16]>());
        let mut panel_part = sample("dovecot/99-postmaster.conf");
        for (key, value) in [
            ("args", sql_path.display().to_string()),
            (
                "override_fields",
                format!("uid=dovecot gid=dovecot home={}/%d/%n", mail.display()),
            ),
            // The test's database belongs to root, as the test does.
            ("user", "root".to_owned()),
            ("doveadm_api_key", api_key.clone()),
            ("port", doveadm_port.to_string()),
        ] {
            panel_part = with_setting(&panel_part, key, &value);
        }
        let panel_part_path = dir.join("99-postmaster.conf");
        std::fs::write(&panel_part_path, panel_part).unwrap();

        let log = dir.join("dovecot.log");
        let config = dir.join("dovecot.conf");
        std::fs::write(
            &config,
            format!(
                "base_dir = {dir}/run\n\
                 state_dir = {dir}/state\n\
                 log_path = {log}\n\
                 protocols = imap\n\
                 listen = 127.0.0.1\n\
                 ssl = no\n\
                 disable_plaintext_auth = no\n\
                 auth_mechanisms = plain login\n\
                 auth_failure_delay = 0\n\
                 login_trusted_networks = 127.0.0.0/8\n\
                 default_internal_user = dovecot\n\
                 default_login_user = dovenull\n\
                 first_valid_uid = 1\n\
                 mail_location = maildir:~/Maildir\n\
                 service imap-login {{\n  inet_listener imap {{\n    port = {imap_port}\n  }}\n  \
                 inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
                 !include {panel_part}\n",
                dir = dir.display(),
                log = log.display(),
                panel_part = panel_part_path.display(),
            ),
        )
        .unwrap();
        Self {
            config,
            log,
            imap_port,
            doveadm_port,
            api_key,
        }
    }

    /// The panel's side: `POSTMASTER_DOVEADM_URL` and its key.
    pub fn doveadm_config(&self) -> server::config::DoveadmConfig {
        server::config::DoveadmConfig {
            url: url::Url::parse(&format!(
                "http://127.0.0.1:{}/doveadm/v1",
                self.doveadm_port
            ))
            .unwrap(),
            api_key: server::config::ApiKey(self.api_key.clone()),
        }
    }

    pub async fn start(&self) {
        let started = Command::new("dovecot")
            .arg("-c")
            .arg(&self.config)
            .status()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run dovecot ({e}): `make test` installs dovecot-core, \
                     dovecot-imapd, dovecot-sqlite and dovecot-pgsql"
                )
            });
        assert!(started.success(), "dovecot did not start:\n{}", self.log());
        for port in [self.imap_port, self.doveadm_port] {
            wait_for(port, true).await;
        }
    }

    pub async fn stop(&self) {
        let _ = Command::new("dovecot")
            .arg("-c")
            .arg(&self.config)
            .arg("stop")
            .status();
        for port in [self.imap_port, self.doveadm_port] {
            wait_for(port, false).await;
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("dovecot")
            .arg("-c")
            .arg(&self.config)
            .arg("stop")
            .status();
    }
}

/// Waits until something listens on `port` (or, with `up` false, nothing does).
async fn wait_for(port: u16, up: bool) {
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() == up {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "port {port} never became {}",
        if up { "open" } else { "closed" }
    );
}

/// An IMAP connection past its LOGIN.
pub struct Imap {
    lines: Lines<BufReader<OwnedReadHalf>>,
    _write: OwnedWriteHalf,
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Signs in over IMAP; `Err` holds the server's refusal (`a NO [..] reason`).
pub async fn imap_login(port: u16, user: &str, password: &str) -> Result<Imap, String> {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("IMAP port");
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let greeting = lines.next_line().await.unwrap().unwrap_or_default();
    assert!(greeting.starts_with("* OK"), "IMAP greeting: {greeting}");
    let command = format!("a LOGIN {} {}\r\n", quoted(user), quoted(password));
    write.write_all(command.as_bytes()).await.unwrap();
    loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("an answer to LOGIN");
        if line.starts_with("a OK") {
            return Ok(Imap {
                lines,
                _write: write,
            });
        }
        if line.starts_with("a NO") || line.starts_with("a BAD") {
            return Err(line);
        }
    }
}

impl Imap {
    /// Whether the server says goodbye and closes the connection within `wait`.
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let closed = async {
            loop {
                match self.lines.next_line().await {
                    Ok(Some(line)) if !line.starts_with("* BYE") => continue,
                    _ => return,
                }
            }
        };
        tokio::time::timeout(wait, closed).await.is_ok()
    }
}
