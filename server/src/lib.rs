//! Postmaster's server: configuration, storage, HTTP layers and the CLI around the `app` crate.
// Leptos views are deeply nested types, laid out here where the app is rendered (as in `app`).
#![recursion_limit = "256"]
pub mod background;
pub mod cli;
pub mod config;
pub mod db;
pub mod housekeeping;
pub mod http;
pub mod mailserver;
pub mod outbox;
pub mod seed;
mod state;

pub use state::AppState;

use app::app::{shell, App};
use axum::body::Body;
use axum::extract::Request;
use axum::routing::post;
use axum::{middleware, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::{Arc, OnceLock};

/// The app's routes, found once per process. Finding them runs the app with resource loading
/// suppressed by a process-wide flag, and a resource first polled by any other render while it
/// is up waits forever (leptos-rs/leptos#4773): a router built while another serves pages, as
/// in-process tests do, would leave some pages unfinished.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP surface; tests drive it in-process.
pub fn router(state: Arc<AppState>, options: LeptosOptions) -> Router {
    let routes = routes();
    let services = state.services.clone();
    let context = move || provide_context(services.clone());
    let api_context = context.clone();
    let server_fn_handler = move |req: Request<Body>| {
        leptos_axum::handle_server_fns_with_context(api_context.clone(), req)
    };
    let shell_options = options.clone();
    let security = middleware::from_fn_with_state(state.clone(), http::headers::security);
    let health = http::health::router(state.clone());
    let pages = Router::new()
        .route(
            "/api/{*fn_name}",
            // GET only for the read-only functions declared with `GetUrl` (downloads).
            post(server_fn_handler.clone()).get(server_fn_handler),
        )
        .leptos_routes_with_context(&options, routes, context, move || {
            shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::session::attach,
        ))
        // Server functions are routed one by one (leptos_axum), so what they may be sent is
        // checked around all of them, before the session is looked up.
        .layer(middleware::from_fn(http::input::check))
        .layer(middleware::from_fn_with_state(state, http::csrf::check))
        .layer(security.clone())
        // Pages and server functions, made per request, are compressed per request; the
        // headers layer inside reads a page's own bytes for its nonce.
        .layer(tower_http::compression::CompressionLayer::new());
    http::assets::router(&options)
        .layer(security)
        .merge(pages)
        .merge(health)
        .with_state(options)
}
