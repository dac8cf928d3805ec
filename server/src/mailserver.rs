//! Dovecot's doveadm HTTP API, as the panel's `MailServer`: `kick` closes a user's open IMAP
//! and POP3 connections, `authCacheFlush` makes Dovecot forget the logins it cached. Commands
//! the mail server missed wait in the store; `spawn_retries` sends them again with growing
//! pauses.
use crate::background::{Background, Stop};
use crate::config::DoveadmConfig;
use app::mail_server::MailServer;
use app::model::MailServerAction;
use app::services::{retry_delay, Services};
use app::store::Delivery;
use async_trait::async_trait;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Tries before a command is dropped: about a day of growing pauses. Later than that, closing
/// connections would hit the sessions the user opened since.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long an instance holds the command it claimed, in seconds (a try gives up after 5).
const LEASE: i64 = 60;
/// doveadm's exit code when no connection matched the mask: nothing was open, nothing to close.
const EX_NOUSER: i64 = 68;

pub struct Doveadm {
    client: reqwest::Client,
    url: url::Url,
    authorization: String,
}

impl Doveadm {
    pub fn new(config: &DoveadmConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            // The admin waits for this answer: an unreachable mail server costs seconds at
            // most, then the command goes to the retry queue.
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("doveadm client: {e}"))?;
        let key = base64::engine::general_purpose::STANDARD.encode(config.api_key.0.as_bytes());
        Ok(Self {
            client,
            url: config.url.clone(),
            authorization: format!("X-Dovecot-API {key}"),
        })
    }
}

/// The doveadm commands for `action`, each tagged with its name.
fn commands(address: &str, action: MailServerAction) -> Value {
    let flush = json!(["authCacheFlush", { "user": [address] }, "authCacheFlush"]);
    match action {
        MailServerAction::EndConnections => {
            json!([["kick", { "mask": [address] }, "kick"], flush])
        }
        MailServerAction::ForgetLogins => json!([flush]),
    }
}

/// Reads doveadm's answer: a list of `[type, payload, tag]`, one per command.
fn check_answer(answer: &Value) -> Result<(), String> {
    let replies = answer
        .as_array()
        .ok_or_else(|| format!("unexpected doveadm answer: {answer}"))?;
    for reply in replies {
        let (kind, payload, tag) = (&reply[0], &reply[1], &reply[2]);
        if kind == "doveadmResponse" {
            continue;
        }
        let exit_code = payload["exitCode"].as_i64();
        if tag == "kick" && exit_code == Some(EX_NOUSER) {
            continue;
        }
        return Err(format!("doveadm {tag}: {payload}"));
    }
    Ok(())
}

#[async_trait]
impl MailServer for Doveadm {
    async fn run(&self, address: &str, action: MailServerAction) -> Result<(), String> {
        let response = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::AUTHORIZATION, &self.authorization)
            .json(&commands(address, action))
            .send()
            .await
            .map_err(|e| format!("doveadm unreachable: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("doveadm answered HTTP {status}"));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| format!("doveadm answer: {e}"))?;
        check_answer(&answer)
    }
}

/// Sends every command due again, one claimed at a time (as the outbox's messages), until
/// none is due or the server stops; returns how many the mail server took.
pub async fn retry_due(services: &Services, server: &dyn MailServer, stop: &Stop) -> usize {
    let mut done = 0;
    while !stop.requested() {
        let now = services.clock.now();
        let task = match services
            .store
            .claim_mail_server_task(now, now + LEASE)
            .await
        {
            Ok(Some(task)) => task,
            Ok(None) => break,
            Err(e) => {
                tracing::error!(error = %e, "mail server: cannot read waiting commands");
                break;
            }
        };
        let outcome = match server.run(&task.address, task.action).await {
            Ok(()) => {
                done += 1;
                tracing::info!(address = %task.address, action = task.action.as_str(), "mail server: waiting command done");
                Delivery::Sent
            }
            Err(error) if task.attempts + 1 >= MAX_ATTEMPTS => {
                tracing::error!(address = %task.address, action = task.action.as_str(), %error, "mail server: command dropped after its last try");
                Delivery::GaveUp { error }
            }
            Err(error) => {
                tracing::warn!(address = %task.address, attempts = task.attempts + 1, %error, "mail server: still not reached");
                Delivery::Retry {
                    at: now + retry_delay(task.attempts + 1),
                    error,
                }
            }
        };
        if let Err(e) = services
            .store
            .record_mail_server_try(task.id, outcome)
            .await
        {
            tracing::error!(error = %e, task = task.id, "mail server: cannot record a try");
        }
    }
    done
}

/// Runs until the server stops, looking for due commands every `poll`.
pub fn spawn_retries(
    background: &mut Background,
    services: Arc<Services>,
    server: Arc<dyn MailServer>,
    poll: Duration,
) {
    background.spawn(|mut stop| async move {
        loop {
            retry_due(&services, server.as_ref(), &stop).await;
            if !stop.wait(std::future::pending(), poll).await {
                break;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ending_connections_kicks_and_flushes_the_cache() {
        let sent = commands("ann@council.test", MailServerAction::EndConnections);
        assert_eq!(sent[0][0], "kick");
        assert_eq!(sent[0][1]["mask"][0], "ann@council.test");
        assert_eq!(sent[1][0], "authCacheFlush");
        let sent = commands("ann@council.test", MailServerAction::ForgetLogins);
        assert_eq!(sent.as_array().unwrap().len(), 1);
        assert_eq!(sent[0][1]["user"][0], "ann@council.test");
    }

    #[test]
    fn nobody_connected_is_no_failure_but_other_errors_are() {
        let nobody = json!([["error", {"type": "exitCode", "exitCode": 68}, "kick"],
                            ["doveadmResponse", [{"entries": "0"}], "authCacheFlush"]]);
        assert!(check_answer(&nobody).is_ok());
        let failed = json!([["error", {"type": "exitCode", "exitCode": 75}, "authCacheFlush"]]);
        assert!(check_answer(&failed).is_err());
        assert!(check_answer(&json!({"error": "?"})).is_err());
    }
}
