//! Response headers for every answer: a Content-Security-Policy, no framing, no sniffing, a same-origin referrer (form
//! posts without WASM return to their page through it), no caching of personal data, and HSTS
//! when the panel is served over TLS.
use crate::state::AppState;
use app::security::csp::{page_nonce, page_policy, NON_PAGE_POLICY};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// More than any page the panel renders; a page is rendered whole before it is sent anyway.
const PAGE_LIMIT: usize = 16 * 1024 * 1024;

pub async fn security(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let static_asset = req.uri().path().starts_with("/pkg/");
    let page = req.method() == axum::http::Method::GET && !req.uri().path().starts_with("/api/");
    let mut res = with_policy(next.run(req).await).await;
    // A page that sends its reader elsewhere (to sign in, to change a password) says so with
    // 303, whatever status its rendering had set: a server function it called may have set 401.
    if page && res.headers().contains_key(header::LOCATION) {
        *res.status_mut() = axum::http::StatusCode::SEE_OTHER;
    }
    let h = res.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if state.config.base_url.scheme() == "https" {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !static_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Sets the Content-Security-Policy from what the answer is. A page gets the policy that names
/// the nonce its own scripts carry, read from the page itself: set anywhere else, the header
/// and the scripts could disagree, and a page whose policy is `default-src 'none'` runs nothing
/// and may not even submit its forms. Every other answer may load and run nothing.
async fn with_policy(res: Response) -> Response {
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !html {
        return set_policy(res, HeaderValue::from_static(NON_PAGE_POLICY));
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, PAGE_LIMIT).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "page body could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let policy = page_nonce(&bytes)
        .and_then(|nonce| HeaderValue::from_str(&page_policy(nonce)).ok())
        .unwrap_or(HeaderValue::from_static(NON_PAGE_POLICY));
    set_policy(Response::from_parts(parts, Body::from(bytes)), policy)
}

fn set_policy(mut res: Response, policy: HeaderValue) -> Response {
    res.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, policy);
    res
}
