//! Resolves the session cookie once per request, against the database every time, so a revoked
//! device is out on its very next request. Also settles the caller's IP address.
use crate::state::AppState;
use app::security::session::{token_from_cookies, token_hash};
use app::services::{ClientIp, RequestSession};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub async fn attach(State(state): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&req, state.config.trusted_proxy);
    req.extensions_mut().insert(ClientIp(ip));
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    let token = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(token_from_cookies)
        .map(token_hash);
    if let Some(hash) = token {
        let services = &state.services;
        let now = services.clock.now();
        match services
            .store
            .session_viewer(&hash, now, services.settings.session_limits)
            .await
        {
            Ok(Some(viewer)) => {
                req.extensions_mut().insert(RequestSession {
                    viewer,
                    token_hash: hash,
                });
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "Service unavailable",
                )
                    .into_response();
            }
        }
    }
    next.run(req).await
}

/// The socket peer, unless the peer is the configured proxy: then the address it appended last
/// to `X-Forwarded-For` (earlier entries are the client's own claims).
fn client_ip(req: &Request, trusted_proxy: Option<IpAddr>) -> String {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = || {
        req.headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    };
    match (peer, trusted_proxy) {
        (Some(p), Some(proxy)) if p == proxy => forwarded().unwrap_or(p).to_string(),
        (Some(p), _) => p.to_string(),
        (None, _) => "unknown".to_owned(),
    }
}
