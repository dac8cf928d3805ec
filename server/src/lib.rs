//! Postmaster's server: configuration, storage, HTTP layers and the CLI around the `app` crate.
pub mod cli;
pub mod config;
pub mod db;
pub mod http;
pub mod mailserver;
pub mod outbox;
pub mod seed;

use app::app::{shell, App};
use app::mail_server::MailServer;
use app::security::lockout::IpThrottle;
use app::security::{clock::Clock, seal::Sealer, setup::SetupGate};
use app::services::{Services, Settings};
use app::store::{SessionLimits, Store};
use axum::body::Body;
use axum::extract::Request;
use axum::routing::post;
use axum::{middleware, Router};
use config::Config;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// Everything a request may need, built once at start.
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Config,
    pub origin: String,
}

impl AppState {
    /// Fails only when the mail server's client can't be built (bad TLS setup).
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        let mail_server = match &config.doveadm {
            Some(doveadm) => {
                Some(Arc::new(mailserver::Doveadm::new(doveadm)?) as Arc<dyn MailServer>)
            }
            None => None,
        };
        let settings = Settings {
            secure_cookies: config.secure_cookies(),
            session_limits: SessionLimits {
                idle: config.session_idle_minutes * 60,
                absolute: config.session_absolute_hours * 3600,
            },
            public_url: config.base_url.as_str().trim_end_matches('/').to_owned(),
            link_lifetime: config.mail.link_hours * 3600,
            temporary_password_lifetime: config.temporary_password_days * 86_400,
            lockout: config.lockout,
            reauth_after: config.reauth_minutes * 60,
        };
        let services = Arc::new(Services {
            store,
            clock,
            setup: Arc::new(SetupGate::default()),
            settings,
            sealer: Arc::new(Sealer::new(&config.mail.key.0)),
            mail_queued: Arc::new(tokio::sync::Notify::new()),
            sign_in_throttle: Arc::new(IpThrottle::new(config.lockout)),
            mail_server,
        });
        let origin = config.origin();
        Ok(Self {
            services,
            config,
            origin,
        })
    }
}

/// The whole HTTP surface; tests drive it in-process.
pub fn router(state: Arc<AppState>, options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let services = state.services.clone();
    let context = move || provide_context(services.clone());
    let api_context = context.clone();
    let server_fn_handler = move |req: Request<Body>| {
        leptos_axum::handle_server_fns_with_context(api_context.clone(), req)
    };
    let shell_options = options.clone();
    Router::new()
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
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::csrf::check,
        ))
        .layer(middleware::from_fn_with_state(
            state,
            http::headers::security,
        ))
        // The WASM bundle shrinks to about a third with Brotli.
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(options)
}
