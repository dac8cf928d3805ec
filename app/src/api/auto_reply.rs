//! The automatic reply: a user sets their own on My account, an administrator a user's on the
//! user's page. Dovecot's Sieve (Pigeonhole's vacation) reads it through `mail_sieve_scripts`
//! at each delivery, so a change holds from the next message.
use crate::error::AppError;
use crate::model::AutoReply;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::forwarding::{mail_tab, mailbox_of},
    super::mail_server::Reached,
    super::{audit, finish, redirect_with, services},
    crate::model::{AutoReplyInput, Day, Notice},
    serde_json::json,
};

/// An automatic reply with the time zone its days are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReplyView {
    pub reply: AutoReply,
    /// The mailbox's time zone (its preferences), in which the days begin and end.
    pub time_zone: String,
}

/// The automatic reply of the caller's mailbox, or of mailbox `user` for its administrator.
#[server(endpoint = "auto_reply/get")]
pub async fn auto_reply_of(user: Option<i64>) -> Result<AutoReplyView, AppError> {
    finish(
        async move {
            let (viewer, mailbox) = mailbox_of(user).await?;
            let reply = services()?
                .store
                .auto_reply(viewer.organisation_id, mailbox.id)
                .await?;
            Ok(AutoReplyView {
                reply,
                time_zone: mailbox.preferences.time_zone.as_str().to_owned(),
            })
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReplyForm {
    /// The mailbox an administrator sets; none for the caller's own.
    #[serde(default)]
    pub user: Option<i64>,
    #[serde(default, deserialize_with = "super::form::ticked")]
    pub enabled: bool,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
}

/// The instant `day` begins in time zone `zone`; a midnight a clock change skips begins at the
/// first minute that exists.
#[cfg(feature = "ssr")]
fn day_begins(day: Day, zone: &str) -> i64 {
    use chrono::{NaiveDate, TimeZone};
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let midnight = NaiveDate::from_ymd_opt(day.year, day.month.into(), day.day.into())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    (0..=180)
        .step_by(15)
        .find_map(|minutes| {
            tz.from_local_datetime(&(midnight + chrono::Duration::minutes(minutes)))
                .earliest()
        })
        .map(|t| t.timestamp())
        .unwrap_or_else(|| midnight.and_utc().timestamp())
}

/// The day after `day`.
#[cfg(feature = "ssr")]
fn next(day: Day) -> Day {
    use chrono::{Datelike, NaiveDate};
    let date = NaiveDate::from_ymd_opt(day.year, day.month.into(), day.day.into())
        .and_then(|d| d.succ_opt())
        .unwrap_or_default();
    Day {
        year: date.year(),
        month: date.month() as u8,
        day: date.day() as u8,
    }
}

/// Replaces the mailbox's automatic reply: on or off, its subject and message, and the days it
/// covers (from the start of the first to the end of the last, in the mailbox's time zone).
#[server(endpoint = "auto_reply/set")]
pub async fn set_auto_reply(form: AutoReplyForm) -> Result<(), AppError> {
    finish(
        async move {
            let (viewer, mailbox) = mailbox_of(form.user).await?;
            let services = services()?;
            let input = AutoReplyInput::parse(
                form.enabled,
                &form.subject,
                &form.message,
                &form.starts_on,
                &form.ends_on,
            )
            .map_err(AppError::Invalid)?;
            let zone = mailbox.preferences.time_zone.as_str();
            let window = (
                input.starts.map(|d| day_begins(d, zone)),
                input.ends.map(|d| day_begins(next(d), zone)),
            );
            services
                .store
                .set_auto_reply(
                    viewer.organisation_id,
                    mailbox.id,
                    &input.reply,
                    window,
                    services.clock.now(),
                )
                .await?;
            audit(
                &services,
                viewer.organisation_id,
                Some(&viewer),
                "auto_reply.set",
                &mailbox.email,
                true,
                json!({
                    "enabled": input.reply.enabled,
                    "starts_on": input.reply.starts_on,
                    "ends_on": input.reply.ends_on,
                    "time_zone": zone,
                }),
            )
            .await;
            redirect_with(&mail_tab(form.user), Notice::AutoReplySaved, Reached::Yes);
            Ok(())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_begin_at_midnight_in_the_mailbox_time_zone() {
        let day = |year, month, day| Day { year, month, day };
        // 2027-07-01 00:00 in Paris (summer time, UTC+2) is 2027-06-30 22:00 UTC.
        assert_eq!(day_begins(day(2027, 7, 1), "Europe/Paris"), 1_814_392_800);
        assert_eq!(day_begins(day(2027, 7, 1), "UTC"), 1_814_400_000);
        // A midnight a clock change skips (Santiago, 2027-09-05) begins at 01:00 local, the
        // instant the day before ends.
        assert_eq!(
            day_begins(day(2027, 9, 5), "America/Santiago"),
            day_begins(day(2027, 9, 4), "America/Santiago") + 24 * 3600
        );
        assert_eq!(next(day(2027, 12, 31)), day(2028, 1, 1));
        assert_eq!(next(day(2028, 2, 28)), day(2028, 2, 29));
    }
}
