//! The audit log: the organisation's events, filtered, a page at a time or as a CSV file.
//! Both read the filters from the URL, so a filtered view can be bookmarked and downloaded.
use crate::error::AppError;
use crate::model::AuditPage;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{GetUrl, StreamingText, TextStream};

#[cfg(feature = "ssr")]
use {
    super::{export::csv_download, finish, record_admin_action, require_org_admin, services},
    crate::error::{ErrorCode, FieldErrors},
    crate::model::{day_start, AuditLine, AuditQuery, AUDIT_ACTIONS, AUDIT_PAGE_SIZE},
    crate::store::Store,
    futures::StreamExt,
    serde_json::json,
    std::sync::Arc,
};

/// The filters as the page's URL holds them and its form sends them; every one may be missing
/// or empty. Read once from the URL, they cross the wire as the server functions' argument.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilters {
    pub target: String,
    pub actor: String,
    pub action: String,
    /// `success` or `failure`.
    pub result: String,
    /// `YYYY-MM-DD`, UTC.
    pub from: String,
    /// `YYYY-MM-DD`, UTC, included.
    pub until: String,
    /// The page of events older than this one's id.
    pub before: Option<i64>,
}

impl AuditFilters {
    /// The filters' names in the page's URL, in the order the form shows them.
    pub const NAMES: [&str; 6] = ["target", "actor", "action", "result", "from", "until"];

    pub fn from_url(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| get(name).unwrap_or_default();
        AuditFilters {
            target: text("target"),
            actor: text("actor"),
            action: text("action"),
            result: text("result"),
            from: text("from"),
            until: text("until"),
            before: get("before").and_then(|b| b.parse().ok()),
        }
    }

    /// The filters' values, in the order of [`AuditFilters::NAMES`].
    pub fn values(&self) -> [&str; 6] {
        [
            &self.target,
            &self.actor,
            &self.action,
            &self.result,
            &self.from,
            &self.until,
        ]
    }
}

#[cfg(feature = "ssr")]
impl AuditFilters {
    /// The store's query, or the refusals of the fields that can't be read.
    fn query(&self) -> Result<AuditQuery, AppError> {
        let text = |v: &String| v.trim().to_owned();
        let mut errors = FieldErrors::default();
        let action = text(&self.action);
        if !action.is_empty() && !AUDIT_ACTIONS.contains(&action.as_str()) {
            errors.add("action", ErrorCode::ChoiceInvalid);
        }
        let success = match text(&self.result).as_str() {
            "" => None,
            "success" => Some(true),
            "failure" => Some(false),
            _ => {
                errors.add("result", ErrorCode::ChoiceInvalid);
                None
            }
        };
        let mut day = |field: &'static str, value: &String| {
            let value = text(value);
            if value.is_empty() {
                return None;
            }
            let start = day_start(&value);
            if start.is_none() {
                errors.add(field, ErrorCode::DateInvalid);
            }
            start
        };
        let from = day("from", &self.from);
        let until = day("until", &self.until).map(|start| start + 86_400);
        errors.into_result(())?;
        Ok(AuditQuery {
            target: text(&self.target),
            actor: text(&self.actor),
            action,
            success,
            from,
            until,
            before: self.before,
        })
    }
}

/// One page of the organisation's audit log, newest first.
#[server(endpoint = "audit/list", input = GetUrl)]
pub async fn audit_log(#[server(default)] filters: AuditFilters) -> Result<AuditPage, AppError> {
    finish(
        async move {
            let admin = require_org_admin()?;
            let query = filters.query()?;
            let size = AUDIT_PAGE_SIZE as i64;
            let mut events = services()?
                .store
                .search_audit(admin.organisation_id, &query, size + 1)
                .await?;
            let next = (events.len() > AUDIT_PAGE_SIZE).then(|| {
                events.truncate(AUDIT_PAGE_SIZE);
                events.last().map(|e| e.id)
            });
            Ok(AuditPage {
                events,
                next: next.flatten(),
            })
        }
        .await,
    )
}

/// The columns of the CSV file, in order.
pub const AUDIT_CSV_COLUMNS: [&str; 8] = [
    "time", "actor", "action", "target", "result", "ip", "detail", "id",
];

#[cfg(feature = "ssr")]
const EXPORT_PAGE: i64 = 1_000;

/// Downloads every event the filters match as `audit.csv`, streamed page by page. The download
/// itself is recorded, with its filters: who took a copy of the trail is part of the trail.
#[server(endpoint = "audit/export_csv", input = GetUrl, output = StreamingText)]
pub async fn export_audit_csv(
    #[server(default)] filters: AuditFilters,
) -> Result<TextStream<AppError>, AppError> {
    finish(
        async move {
            let admin = require_org_admin()?;
            // The whole selection, whichever page the link was on.
            let query = AuditFilters {
                before: None,
                ..filters
            }
            .query()?;
            let services = services()?;
            csv_download("attachment; filename=\"audit.csv\"");
            let detail = json!({
                "target": query.target,
                "actor": query.actor,
                "action": query.action,
                "success": query.success,
                "from": query.from,
                "until": query.until,
            });
            record_admin_action(&services, &admin, "audit.export", "", detail).await;
            let header = csv_record(AUDIT_CSV_COLUMNS.map(str::to_owned));
            let state = Some((services.store.clone(), admin.organisation_id, query));
            let pages = futures::stream::unfold(state, next_chunk);
            // Fused: the response body may be polled again after its end.
            Ok(TextStream::new(
                futures::stream::once(async move { Ok(header) })
                    .chain(pages)
                    .fuse(),
            ))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
type ExportState = Option<(Arc<dyn Store>, i64, AuditQuery)>;

#[cfg(feature = "ssr")]
async fn next_chunk(state: ExportState) -> Option<(Result<String, AppError>, ExportState)> {
    let (store, organisation_id, mut query) = state?;
    match store
        .search_audit(organisation_id, &query, EXPORT_PAGE)
        .await
    {
        Ok(events) if events.is_empty() => None,
        Ok(events) => {
            let text = events.iter().map(csv_line).collect::<String>();
            let more = events.len() as i64 == EXPORT_PAGE;
            query.before = events.last().map(|e| e.id);
            Some((Ok(text), more.then_some((store, organisation_id, query))))
        }
        Err(e) => Some((Err(AppError::from(e)), None)),
    }
}

#[cfg(feature = "ssr")]
fn csv_record<const N: usize>(fields: [String; N]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(fields);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn csv_line(event: &AuditLine) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp(event.at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let result = if event.success { "success" } else { "failure" };
    // Addresses and targets are typed by people: a spreadsheet must not run them.
    csv_record([
        time,
        super::export::defuse_formula(&event.actor),
        event.action.clone(),
        super::export::defuse_formula(&event.target),
        result.to_owned(),
        event.ip.clone(),
        super::export::defuse_formula(&event.detail),
        event.id.to_string(),
    ])
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_or_name_the_field_they_refuse() {
        let filters = AuditFilters {
            target: " Jane ".into(),
            action: "password.reset".into(),
            result: "failure".into(),
            from: "2027-01-15".into(),
            until: "2027-01-15".into(),
            ..AuditFilters::default()
        };
        let query = filters.query().unwrap();
        assert_eq!(query.target, "Jane");
        assert_eq!(query.success, Some(false));
        assert_eq!(query.until.unwrap() - query.from.unwrap(), 86_400);

        let bad = AuditFilters {
            action: "drop table".into(),
            from: "15/01/2027".into(),
            ..AuditFilters::default()
        };
        let error = bad.query().unwrap_err();
        assert_eq!(error.field("action"), Some(ErrorCode::ChoiceInvalid));
        assert_eq!(error.field("from"), Some(ErrorCode::DateInvalid));
    }

    #[test]
    fn a_line_is_quoted_and_formulas_are_defused() {
        let event = AuditLine {
            id: 7,
            at: 1_800_000_000,
            actor: "clerk@council.test".into(),
            action: "user.update".into(),
            target: "=cmd@council.test".into(),
            success: true,
            detail: r#"{"quota_mb":500}"#.into(),
            ip: "192.0.2.1".into(),
        };
        assert_eq!(
            csv_line(&event),
            "2027-01-15T08:00:00Z,clerk@council.test,user.update,'=cmd@council.test,success,192.0.2.1,\"{\"\"quota_mb\"\":500}\",7\n"
        );
    }
}
