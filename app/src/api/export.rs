//! The users list as a CSV file: every mailbox the search and domain filter match, streamed page
//! by page so 100,000 rows never sit in memory at once. Its columns are the ones the import
//! reads back (plus status and last sign-in, which the import ignores).
use crate::error::AppError;
use crate::model::UserQuery;
use leptos::prelude::*;
use server_fn::codec::{GetUrl, StreamingText, TextStream};

#[cfg(feature = "ssr")]
use {
    super::{finish, require_admin, services},
    crate::model::{Quota, UserCursor, UserRow},
    crate::store::Store,
    futures::StreamExt,
    std::sync::Arc,
};

/// The columns, in order.
pub const CSV_COLUMNS: [&str; 6] = [
    "email",
    "name",
    "account_type",
    "quota_gb",
    "status",
    "last_sign_in",
];

#[cfg(feature = "ssr")]
const EXPORT_PAGE: usize = 1_000;

/// Downloads the users the list's search and domain filter match as `users.csv`, by address
/// (the list's order and page don't matter). A GET, so a plain link works; it changes nothing
/// and never holds a password hash.
#[server(endpoint = "users/export_csv", input = GetUrl, output = StreamingText)]
pub async fn export_users_csv(
    #[server(default)] query: UserQuery,
) -> Result<TextStream<AppError>, AppError> {
    finish(
        async move {
            let admin = require_admin()?;
            let store = services()?.store.clone();
            csv_download("attachment; filename=\"users.csv\"");
            let query = UserQuery {
                search: query.search.trim().to_owned(),
                domain_id: query.domain_id,
                within: admin.scope.domain_ids(),
                ..UserQuery::default()
            };
            let first = header_line();
            let pages =
                futures::stream::unfold(Some((store, admin.organisation_id, query)), next_chunk);
            // Fused: the response body may be polled again after its end, which a bare
            // `unfold` treats as a bug.
            Ok(TextStream::new(
                futures::stream::once(async move { Ok(first) })
                    .chain(pages)
                    .fuse(),
            ))
        }
        .await,
    )
}

/// Marks the response as a CSV file to save, under the name in `disposition`.
#[cfg(feature = "ssr")]
pub(crate) fn csv_download(disposition: &'static str) {
    use axum::http::{header, HeaderValue};
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        response.insert_header(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static(disposition),
        );
    }
}

#[cfg(feature = "ssr")]
type ExportState = Option<(Arc<dyn Store>, i64, UserQuery)>;

/// The next page of rows as CSV text, and where the page after starts.
#[cfg(feature = "ssr")]
async fn next_chunk(state: ExportState) -> Option<(Result<String, AppError>, ExportState)> {
    let (store, organisation_id, mut query) = state?;
    match store.list_users(organisation_id, &query, EXPORT_PAGE).await {
        Ok(page) => {
            let text = page.users.iter().map(csv_line).collect::<String>();
            let next = page.next.map(|cursor| {
                query.cursor = Some(UserCursor::After(cursor));
                (store, organisation_id, query)
            });
            Some((Ok(text), next))
        }
        Err(e) => Some((Err(AppError::from(e)), None)),
    }
}

#[cfg(feature = "ssr")]
fn header_line() -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(CSV_COLUMNS);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn csv_line(user: &UserRow) -> String {
    let quota = Quota::from_mb(user.quota_mb)
        .map(|q| q.gb_text())
        .unwrap_or_default();
    let last = user
        .last_login_at
        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        user.email.as_str(),
        &defuse_formula(&user.name),
        user.account_type.as_str(),
        &quota,
        user.status.as_str(),
        &last,
    ]);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula; a leading
/// apostrophe keeps a display name such as "=HYPERLINK(...)" plain text.
#[cfg(feature = "ssr")]
pub(crate) fn defuse_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::model::{AccountStatus, AccountType};

    #[test]
    fn a_row_is_quoted_and_formulas_are_defused() {
        let user = UserRow {
            id: 1,
            name: "=HYPERLINK(\"x\"), Jr".into(),
            email: "jane@example.org".into(),
            account_type: AccountType::Enhanced,
            quota_mb: 1500,
            status: AccountStatus::Disabled,
            shared: false,
            last_login_at: Some(1_800_000_000),
            role: crate::model::Role::User,
        };
        assert_eq!(
            csv_line(&user),
            "jane@example.org,\"'=HYPERLINK(\"\"x\"\"), Jr\",enhanced,1.5,disabled,2027-01-15T08:00:00Z\n"
        );
        assert_eq!(
            header_line(),
            "email,name,account_type,quota_gb,status,last_sign_in\n"
        );
    }
}
