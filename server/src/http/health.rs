//! For load balancers and process supervisors, outside the session layer and with nothing
//! personal in them: `/healthz`, the process answers; `/readyz`, and so does its database.
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;

/// A database slower than this to answer `SELECT 1` is as good as down to a load balancer.
const READY_WITHIN: Duration = Duration::from_secs(2);

pub fn router<S: Clone + Send + Sync + 'static>(state: Arc<AppState>) -> Router<S> {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(state)
}

async fn ready(State(state): State<Arc<AppState>>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(READY_WITHIN, state.services.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("not ready: the database took over 2 s to answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
