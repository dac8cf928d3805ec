//! A real SMTP server for the mail tests: Debian's aiosmtpd on a loopback port, writing each
//! message it accepts into a maildir the test reads.
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpSink {
    child: Option<Child>,
    pub port: u16,
    maildir: PathBuf,
    /// How long it takes to accept each message's data.
    delay: Duration,
    dir: tempfile::TempDir,
}

/// aiosmtpd's maildir handler, taking `delay` seconds over each message, as a busy relay does.
const SLOW_MAILBOX: &str = r#"
import asyncio
from aiosmtpd.handlers import Mailbox

class SlowMailbox(Mailbox):
    def __init__(self, mail_dir, delay):
        super().__init__(mail_dir)
        self.delay = float(delay)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)
"#;

impl SmtpSink {
    pub fn start() -> Self {
        Self::start_slow(Duration::ZERO)
    }

    /// A sink that takes `delay` to accept each message.
    pub fn start_slow(delay: Duration) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("slow_mailbox.py"), SLOW_MAILBOX).expect("handler");
        let mut sink = Self {
            child: None,
            port,
            maildir: dir.path().join("maildir"),
            delay,
            dir,
        };
        sink.resume();
        sink
    }

    /// Starts the server again on the same port, after `stop`.
    pub fn resume(&mut self) {
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "slow_mailbox.SlowMailbox"])
            .arg(&self.maildir)
            .arg(self.delay.as_secs_f64().to_string())
            .env("PYTHONPATH", self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "start aiosmtpd (/usr/bin/python3 -m aiosmtpd); `make test` installs python3-aiosmtpd",
            );
        self.child = Some(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "aiosmtpd did not open port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The mail server goes down: connections are refused until `resume`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, as raw text with quoted-printable soft breaks undone.
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .map(|raw| {
                raw.replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .collect()
    }

    /// The one message addressed to `to` whose subject contains `subject`.
    pub fn message_to(&self, to: &str, subject: &str) -> String {
        let found: Vec<String> = self
            .messages()
            .into_iter()
            .filter(|m| m.contains(&format!("To: {to}")) && m.contains(subject))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one message to {to} about {subject}: {found:#?}"
        );
        found.into_iter().next().unwrap()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}
