//! The mail outbox worker: sends what server functions queued, over SMTP, and retries with
//! growing pauses while the relay is down, so a reset's mail is never lost. A message leaves
//! its sealed body behind once sent or given up on.
use crate::background::{Background, Stop};
use crate::config::MailConfig;
use app::services::{retry_delay, Services};
use app::store::{Delivery, DueMail};
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// Tries before a message is marked failed: about a day of growing pauses.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long an instance holds the message it claimed, in seconds: far longer than a send
/// takes (lettre gives up on a silent relay after 20 seconds per command).
pub const LEASE: i64 = 300;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `None` when no relay is configured: mail then waits, queued, until one is.
    pub fn from_config(config: &MailConfig) -> Result<Option<Self>, String> {
        let Some(url) = &config.smtp else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
            .map_err(|e| format!("POSTMASTER_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = config
            .from
            .parse()
            .map_err(|e| format!("POSTMASTER_MAIL_FROM: {e}"))?;
        Ok(Some(Self { transport, from }))
    }
}

/// Sends every message due, one claimed at a time, until none is due or the server stops;
/// returns how many went. Each message is claimed for `LEASE` seconds, so however many
/// instances run, one sends it; if that one dies before recording the try, another takes the
/// message up when the lease ends.
pub async fn deliver_due(services: &Services, mailer: &Mailer, stop: &Stop) -> usize {
    let mut sent = 0;
    while !stop.requested() {
        let now = services.clock.now();
        let mail = match services.store.claim_mail(now, now + LEASE).await {
            Ok(Some(mail)) => mail,
            Ok(None) => break,
            Err(e) => {
                tracing::error!(error = %e, "outbox: cannot read queued mail");
                break;
            }
        };
        let (id, attempts) = (mail.id, mail.attempts);
        let delivery = match try_send(services, mailer, mail).await {
            Ok(()) => {
                sent += 1;
                tracing::info!(mail = id, "outbox: sent");
                Delivery::Sent
            }
            Err(Failure::Permanent(error)) => Delivery::GaveUp { error },
            Err(Failure::Transient(error)) if attempts + 1 >= MAX_ATTEMPTS => {
                Delivery::GaveUp { error }
            }
            Err(Failure::Transient(error)) => Delivery::Retry {
                at: now + retry_delay(attempts + 1),
                error,
            },
        };
        if let Delivery::Retry { error, .. } | Delivery::GaveUp { error } = &delivery {
            tracing::warn!(mail = id, attempts = attempts + 1, %error, "outbox: not sent");
        }
        if let Err(e) = services.store.record_delivery(id, delivery, now).await {
            tracing::error!(error = %e, mail = id, "outbox: cannot record a delivery");
        }
    }
    sent
}

enum Failure {
    /// The relay is down or busy: try again later.
    Transient(String),
    /// Retrying can't help: a refused address, or a body this server's key can't open.
    Permanent(String),
}

async fn try_send(services: &Services, mailer: &Mailer, mail: DueMail) -> Result<(), Failure> {
    let body = services
        .sealer
        .open(&mail.sealed_body)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Failure::Permanent("sealed with another server key".into()))?;
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| Failure::Permanent(format!("recipient: {e}")))?;
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| Failure::Permanent(e.to_string()))?;
    match mailer.transport.send(message).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_permanent() => Err(Failure::Permanent(e.to_string())),
        Err(e) => Err(Failure::Transient(e.to_string())),
    }
}

/// Runs until the server stops: at once when a server function of this instance queues mail,
/// and every `poll` for retries and what other instances queued.
pub fn spawn(background: &mut Background, services: Arc<Services>, mailer: Mailer, poll: Duration) {
    background.spawn(|mut stop| async move {
        loop {
            deliver_due(&services, &mailer, &stop).await;
            if !stop.wait(services.mail_queued.notified(), poll).await {
                break;
            }
        }
    });
}
