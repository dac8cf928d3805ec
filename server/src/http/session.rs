//! Resolves the session cookies once per request, against the database every time, so a revoked
//! device is out on its very next request: the person's own, and the one an administrator
//! opened with "Sign in as this user", which then speaks for the request. Also settles the
//! caller's IP address.
use crate::state::AppState;
use app::security::session::{token_hash, SessionCookie};
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
    let cookies: Vec<String> = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let token = |which: SessionCookie| {
        cookies
            .iter()
            .find_map(|c| which.token_in(c))
            .map(token_hash)
    };
    let services = &state.services;
    let now = services.clock.now();
    let live = |hash: Vec<u8>| async move {
        services
            .store
            .session_viewer(&hash, now, services.settings.session_limits)
            .await
            .map(|found| {
                found.map(|viewer| RequestSession {
                    viewer,
                    token_hash: hash,
                })
            })
    };
    // An acting session's token in the own cookie's place is no session at all.
    let own = match token(SessionCookie::Own) {
        Some(hash) => live(hash)
            .await
            .map(|found| found.filter(|s| s.viewer.acting_admin.is_none())),
        None => Ok(None),
    };
    // An administrator's session as a user counts only beside that administrator's own live
    // session: the acting cookie alone opens nothing.
    let session = match own {
        Ok(Some(own)) => match token(SessionCookie::Acting) {
            Some(hash) => match live(hash).await {
                Ok(Some(acting))
                    if acting
                        .viewer
                        .acting_admin
                        .as_ref()
                        .is_some_and(|a| a.user_id == own.viewer.user_id) =>
                {
                    Ok(Some(acting))
                }
                Ok(_) => Ok(Some(own)),
                Err(e) => Err(e),
            },
            None => Ok(Some(own)),
        },
        other => other,
    };
    match session {
        Ok(Some(session)) => {
            req.extensions_mut().insert(session);
        }
        Ok(None) => {}
        Err(e) => {
            // Nothing can be answered without knowing who asks: a server function's caller gets
            // the error its own failures give (logged with its cause), a page the health
            // check's words.
            if req.uri().path().starts_with("/api/") {
                return super::input::refuse_call(&req, app::error::AppError::from(e));
            }
            tracing::error!(error = %e, "session lookup failed");
            return (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable\n",
            )
                .into_response();
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
