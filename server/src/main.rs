use app::security::clock::{Clock, SystemClock};
use clap::Parser;
use server::cli::{AdminCommand, Cli, Command};
use server::config::Config;
use server::{db, router, AppState};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let database = db::connect(&config.database_url)
        .await
        .map_err(|e| format!("database {}: {e}", config.database_url_redacted()))?;
    let store = database.store.clone();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    // Every outcome, errors included, closes the database after.
    let result = async {
        match cli.command {
            Some(Command::Admin {
                command:
                    AdminCommand::Create {
                        email,
                        name,
                        organisation,
                    },
            }) => {
                let created = server::cli::create_admin(
                    store.as_ref(),
                    clock.now(),
                    &email,
                    name,
                    organisation,
                )
                .await?;
                println!(
                    "Created account administrator {created}. Sign in at {}/login",
                    config.base_url.as_str().trim_end_matches('/')
                );
                Ok(())
            }
            Some(Command::Seed { admin, users, seed }) => {
                let seeded =
                    server::cli::seed(store.as_ref(), clock.now(), &admin, users, seed).await?;
                println!(
                    "Added {} mailboxes (and {} domains) to {admin}'s organisation.",
                    seeded.users, seeded.domains
                );
                Ok(())
            }
            Some(Command::Recount) => {
                println!("{}", server::cli::recount(store.as_ref()).await?);
                Ok(())
            }
            None | Some(Command::Serve) => serve(config, store, clock).await,
        }
    }
    .await;
    database.close().await;
    result
}

/// cargo-leptos passes the site layout in `LEPTOS_*` variables; without them, the layout of a
/// release build run from the repository root. Unless told, the pages name the built files
/// with the content hashes the build wrote beside this binary (`hash.txt`), when it wrote them.
fn leptos_options() -> Result<leptos::config::LeptosOptions, String> {
    let mut options = if std::env::var_os("LEPTOS_OUTPUT_NAME").is_some() {
        leptos::config::get_configuration(None)
            .map(|c| c.leptos_options)
            .map_err(|e| e.to_string())?
    } else {
        leptos::config::LeptosOptions::builder()
            .output_name("postmaster")
            .site_root("target/site")
            .site_pkg_dir("pkg")
            .build()
    };
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| {
                exe.parent()
                    .map(|dir| dir.join(&*options.hash_file).exists())
            })
            .unwrap_or(false);
    }
    Ok(options)
}

async fn serve(
    config: Config,
    store: Arc<dyn app::store::Store>,
    clock: Arc<dyn Clock>,
) -> Result<(), String> {
    let mut options = leptos_options()?;
    options.site_addr = config.bind;
    let needs_setup = !store.admin_exists().await.map_err(|e| e.to_string())?;
    let state = Arc::new(AppState::new(config.clone(), store, clock)?);
    let mut background = server::background::Background::default();
    let poll = std::time::Duration::from_secs(config.mail.poll_seconds);
    match server::outbox::Mailer::from_config(&config.mail)? {
        Some(mailer) => {
            server::outbox::spawn(&mut background, state.services.clone(), mailer, poll)
        }
        None => tracing::warn!(
            "no mail relay: mail waits in the outbox until POSTMASTER_SMTP_URL is set"
        ),
    }
    match &state.services.mail_server {
        Some(mail_server) => server::mailserver::spawn_retries(
            &mut background,
            state.services.clone(),
            mail_server.clone(),
            poll,
        ),
        None => tracing::warn!(
            "no doveadm API: open IMAP connections stay open after a sign-out from all devices \
             until POSTMASTER_DOVEADM_URL is set"
        ),
    }
    server::housekeeping::spawn(&mut background, state.services.clone());
    if needs_setup {
        let services = &state.services;
        let token = app::security::setup::arm(services.store.as_ref(), services.clock.now())
            .await
            .map_err(|e| format!("cannot keep the setup token: {e}"))?;
        let base = config.base_url.as_str().trim_end_matches('/');
        // The one place the token appears: the operator's console.
        println!(
            "No administrator exists yet. Open {base}/setup and enter this one-time setup token:"
        );
        println!("POSTMASTER_SETUP_TOKEN={token}");
        println!(
            "(Or create the first administrator with: postmaster admin create --email you@example.org)"
        );
    }
    if !config.secure_cookies() {
        tracing::warn!(
            "serving over plain HTTP to a non-loopback host: session cookies cannot be Secure"
        );
    }
    let app = router(state, options);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    tracing::info!(address = %config.bind, database = %config.database_url_redacted(), "Postmaster listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop_signal())
    .await
    .map_err(|e| e.to_string())?;
    // No request is left; the workers finish the message or command in hand.
    background.stop().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM from systemd (`systemctl stop`): the server stops taking connections and
/// lets the requests in flight finish.
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate()).expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    tracing::info!("stopping: finishing the requests in flight");
}
