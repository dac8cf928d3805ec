//! A mailbox's automatic reply, as its owner or an administrator sets it.
use crate::error::{ErrorCode, FieldErrors};
use serde::{Deserialize, Serialize};

/// The longest subject, in characters.
pub const AUTO_REPLY_SUBJECT_AT_MOST: usize = 200;
/// The longest message, in characters.
pub const AUTO_REPLY_MESSAGE_AT_MOST: usize = 5_000;
/// How often one sender hears the reply at most: once in this many days.
pub const AUTO_REPLY_DAYS: i64 = 4;

/// What the form shows: whether it is on, what it says, and the days it covers (`YYYY-MM-DD`
/// in the user's time zone; none for "from now" or "until turned off").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReply {
    pub enabled: bool,
    pub subject: String,
    pub message: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
}

/// A calendar day as typed in a date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    pub fn parse(text: &str) -> Result<Self, ErrorCode> {
        let mut parts = text.trim().splitn(3, '-');
        let mut next = || parts.next().ok_or(ErrorCode::DateInvalid);
        let (year, month, day) = (next()?, next()?, next()?);
        let year: i32 = year.parse().map_err(|_| ErrorCode::DateInvalid)?;
        let month: u8 = month.parse().map_err(|_| ErrorCode::DateInvalid)?;
        let day: u8 = day.parse().map_err(|_| ErrorCode::DateInvalid)?;
        let month_of = time::Month::try_from(month).map_err(|_| ErrorCode::DateInvalid)?;
        time::Date::from_calendar_date(year, month_of, day).map_err(|_| ErrorCode::DateInvalid)?;
        Ok(Self { year, month, day })
    }

    pub fn text(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Text a person typed on one line: no control characters at all.
fn one_line(text: &str) -> Result<&str, ErrorCode> {
    if text.chars().any(char::is_control) {
        Err(ErrorCode::ControlCharacter)
    } else {
        Ok(text.trim())
    }
}

/// Text of several lines: line breaks and tabs, no other control character.
fn several_lines(text: &str) -> Result<String, ErrorCode> {
    let text = text.replace("\r\n", "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        Err(ErrorCode::ControlCharacter)
    } else {
        Ok(text.trim().to_owned())
    }
}

/// An automatic reply read from its form, every refusal under its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoReplyInput {
    pub reply: AutoReply,
    pub starts: Option<Day>,
    pub ends: Option<Day>,
}

impl AutoReplyInput {
    pub fn parse(
        enabled: bool,
        subject: &str,
        message: &str,
        starts_on: &str,
        ends_on: &str,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let subject = errors
            .check("subject", one_line(subject))
            .map(str::to_owned)
            .unwrap_or_default();
        if subject.chars().count() > AUTO_REPLY_SUBJECT_AT_MOST {
            errors.add(
                "subject",
                ErrorCode::TextTooLong(AUTO_REPLY_SUBJECT_AT_MOST as i64),
            );
        }
        let message = errors
            .check("message", several_lines(message))
            .unwrap_or_default();
        if message.chars().count() > AUTO_REPLY_MESSAGE_AT_MOST {
            errors.add(
                "message",
                ErrorCode::TextTooLong(AUTO_REPLY_MESSAGE_AT_MOST as i64),
            );
        } else if enabled && message.is_empty() && errors.get("message").is_none() {
            errors.add("message", ErrorCode::Required);
        }
        let day = |errors: &mut FieldErrors, field: &str, text: &str| {
            if text.trim().is_empty() {
                None
            } else {
                errors.check(field, Day::parse(text))
            }
        };
        let starts = day(&mut errors, "starts_on", starts_on);
        let ends = day(&mut errors, "ends_on", ends_on);
        if let (Some(s), Some(e)) = (starts, ends) {
            if (e.year, e.month, e.day) < (s.year, s.month, s.day) {
                errors.add("ends_on", ErrorCode::EndBeforeStart);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            reply: AutoReply {
                enabled,
                subject,
                message,
                starts_on: starts.map(Day::text),
                ends_on: ends.map(Day::text),
            },
            starts,
            ends,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_reads_its_fields_and_names_each_refusal() {
        let read = AutoReplyInput::parse(
            true,
            " Away ",
            "I'm away.\r\nBack on Monday.\r\n",
            "2027-07-01",
            "2027-07-14",
        )
        .unwrap();
        assert_eq!(read.reply.subject, "Away");
        assert_eq!(read.reply.message, "I'm away.\nBack on Monday.");
        assert_eq!(read.reply.starts_on.as_deref(), Some("2027-07-01"));
        assert_eq!(
            read.ends,
            Some(Day {
                year: 2027,
                month: 7,
                day: 14
            })
        );
        let off = AutoReplyInput::parse(false, "", "", "", "").unwrap();
        assert!(!off.reply.enabled && off.starts.is_none());

        let refused = AutoReplyInput::parse(true, "A\u{0}B", "", "2027-02-30", "").unwrap_err();
        assert_eq!(refused.get("subject"), Some(ErrorCode::ControlCharacter));
        assert_eq!(refused.get("message"), Some(ErrorCode::Required));
        assert_eq!(refused.get("starts_on"), Some(ErrorCode::DateInvalid));
        let refused =
            AutoReplyInput::parse(true, "", "x\u{7}", "2027-07-14", "2027-07-01").unwrap_err();
        assert_eq!(refused.get("message"), Some(ErrorCode::ControlCharacter));
        assert_eq!(refused.get("ends_on"), Some(ErrorCode::EndBeforeStart));
        let long = "x".repeat(AUTO_REPLY_SUBJECT_AT_MOST + 1);
        let refused = AutoReplyInput::parse(true, &long, "ok", "", "").unwrap_err();
        assert_eq!(refused.get("subject"), Some(ErrorCode::TextTooLong(200)));
    }
}
