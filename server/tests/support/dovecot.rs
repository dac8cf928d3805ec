//! A real Dovecot 2.3 on loopback, configured from the repository's sample files on the
//! panel's database (by `scripts/dovecot.sh`, which the browser tests use too); and the little
//! IMAP a test needs to sign in and to see a connection closed.
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

/// `scripts/dovecot.sh`, which writes the configuration from the samples and runs Dovecot.
fn script(args: &[&str]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/dovecot.sh");
    let out = Command::new("bash")
        .arg(script)
        .args(args)
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "scripts/dovecot.sh {}: {}",
        args[0],
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct Dovecot {
    dir: PathBuf,
    pub imap_port: u16,
    pub doveadm_port: u16,
    /// Where mail is delivered (LMTP), as Postfix would hand it over.
    pub lmtp_port: u16,
    pub api_key: String,
}

impl Dovecot {
    /// Configures a Dovecot under `work` on the panel's database; `start` runs it, and `start`
    /// again after `stop` brings it back.
    pub fn configure(work: &Path, database_url: &str) -> Self {
        Self::configure_with_smtp(work, database_url, None)
    }

    /// As `configure`, with automatic replies sent to the SMTP server on `smtp_port`.
    pub fn configure_with_smtp(work: &Path, database_url: &str, smtp_port: Option<u16>) -> Self {
        let dir = work.join("dovecot");
        let (imap_port, doveadm_port, lmtp_port) = (free_port(), free_port(), free_port());
        let api_key = hex::encode(rand::random::<[u8; 16]>());
        let (imap, doveadm, lmtp) = (
            imap_port.to_string(),
            doveadm_port.to_string(),
            lmtp_port.to_string(),
        );
        let path = dir.display().to_string();
        let smtp = smtp_port.map(|p| p.to_string());
        let mut args = vec![
            "configure",
            &path,
            database_url,
            &imap,
            &doveadm,
            &api_key,
            &lmtp,
        ];
        args.extend(smtp.as_deref());
        script(&args);
        Self {
            dir,
            imap_port,
            doveadm_port,
            lmtp_port,
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
        let dir = self.dir.display().to_string();
        tokio::task::spawn_blocking(move || script(&["start", &dir]))
            .await
            .unwrap();
    }

    pub async fn stop(&self) {
        let dir = self.dir.display().to_string();
        tokio::task::spawn_blocking(move || script(&["stop", &dir]))
            .await
            .unwrap();
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("dovecot")
            .arg("-c")
            .arg(self.dir.join("dovecot.conf"))
            .arg("stop")
            .output();
    }
}

/// An IMAP connection past its LOGIN.
pub struct Imap {
    lines: Lines<BufReader<OwnedReadHalf>>,
    write: OwnedWriteHalf,
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
            return Ok(Imap { lines, write });
        }
        if line.starts_with("a NO") || line.starts_with("a BAD") {
            return Err(line);
        }
    }
}

impl Imap {
    /// Runs `command` and returns its untagged lines, or the refusal.
    pub async fn run(&mut self, command: &str) -> Result<Vec<String>, String> {
        let line = format!("c {command}\r\n");
        self.write.write_all(line.as_bytes()).await.unwrap();
        let mut untagged = Vec::new();
        loop {
            let line = self
                .lines
                .next_line()
                .await
                .unwrap()
                .ok_or_else(|| "connection closed".to_owned())?;
            if line.starts_with("c OK") {
                return Ok(untagged);
            }
            if line.starts_with("c NO") || line.starts_with("c BAD") {
                return Err(line);
            }
            untagged.push(line);
        }
    }

    /// The subjects of the messages in INBOX, oldest first.
    pub async fn subjects(&mut self) -> Vec<String> {
        self.run("EXAMINE INBOX").await.expect("INBOX");
        let lines = self
            .run("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            .await
            .unwrap_or_default();
        lines
            .iter()
            .filter_map(|l| l.strip_prefix("Subject: "))
            .map(str::to_owned)
            .collect()
    }

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

/// Hands a message to Dovecot over LMTP, as Postfix does: `Err` holds the refusal.
pub async fn lmtp_deliver(port: u16, from: &str, to: &str, message: &str) -> Result<(), String> {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("LMTP port");
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    // Each reply may span lines (`250-...`); its last line has a space after the code.
    async fn reply(lines: &mut Lines<BufReader<OwnedReadHalf>>) -> String {
        loop {
            let line = lines.next_line().await.unwrap().unwrap_or_default();
            if line.len() < 4 || line.as_bytes()[3] == b' ' {
                return line;
            }
        }
    }
    let greeting = reply(&mut lines).await;
    assert!(greeting.starts_with("220"), "LMTP greeting: {greeting}");
    let steps = [
        ("LHLO test.example\r\n".to_owned(), "250"),
        (format!("MAIL FROM:<{from}>\r\n"), "250"),
        (format!("RCPT TO:<{to}>\r\n"), "250"),
        ("DATA\r\n".to_owned(), "354"),
    ];
    for (command, expected) in steps {
        write.write_all(command.as_bytes()).await.unwrap();
        let answer = reply(&mut lines).await;
        if !answer.starts_with(expected) {
            return Err(answer);
        }
    }
    let body = message.replace('\n', "\r\n");
    write
        .write_all(format!("{body}\r\n.\r\n").as_bytes())
        .await
        .unwrap();
    let answer = reply(&mut lines).await;
    let _ = write.write_all(b"QUIT\r\n").await;
    if answer.starts_with("250") {
        Ok(())
    } else {
        Err(answer)
    }
}
