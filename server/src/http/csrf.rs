//! Cross-site request forgery defence by origin: a state-changing request from a browser must
//! come from our own pages. Requests that carry neither `Sec-Fetch-Site` nor `Origin` come from
//! non-browser clients, which hold no victim's cookies, and pass.
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use crate::state::AppState;

pub fn allowed(
    method: &Method,
    fetch_site: Option<&str>,
    origin: Option<&str>,
    ours: &str,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = fetch_site {
        return site == "same-origin" || site == "none";
    }
    match origin {
        Some(o) => o == ours,
        None => true,
    }
}

pub async fn check(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let ok = {
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        allowed(
            req.method(),
            header("sec-fetch-site"),
            header(header::ORIGIN.as_str()),
            &state.origin,
        )
    };
    if ok {
        next.run(req).await
    } else {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        (StatusCode::FORBIDDEN, "Cross-site request refused").into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "http://127.0.0.1:3000";

    #[test]
    fn reads_are_always_allowed() {
        assert!(allowed(
            &Method::GET,
            Some("cross-site"),
            Some("https://evil.test"),
            OURS
        ));
    }

    #[test]
    fn writes_need_our_origin() {
        assert!(allowed(
            &Method::POST,
            Some("same-origin"),
            Some(OURS),
            OURS
        ));
        assert!(!allowed(&Method::POST, Some("cross-site"), None, OURS));
        assert!(!allowed(&Method::POST, Some("same-site"), None, OURS));
        assert!(!allowed(
            &Method::POST,
            None,
            Some("https://evil.test"),
            OURS
        ));
        assert!(allowed(&Method::POST, None, Some(OURS), OURS));
        assert!(allowed(&Method::POST, None, None, OURS));
    }
}
