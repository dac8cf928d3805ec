//! What both benchmarks share: what they read from the environment, their PostgreSQL database,
//! their organisation, and how they turn times into percentiles.
use app::model::{EmailAddress, TwoFactorRequirement, Viewer};
use app::security::clock::{Clock, SystemClock};
use app::security::password::hash_password;
use app::store::{NewOrganisation, Store};
use sqlx::Connection;
use std::time::Duration;

/// A count from the environment, or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A fresh database named `prefix` and this process's id on the server `POSTMASTER_BENCH_PG`
/// names; its URL, or None (said on the output) when the variable is not set.
pub async fn postgres_database(prefix: &str) -> Option<String> {
    let Ok(base) = std::env::var("POSTMASTER_BENCH_PG") else {
        println!("PostgreSQL skipped: POSTMASTER_BENCH_PG is not set (make bench sets it)");
        return None;
    };
    let name = format!("{prefix}_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create the bench database");
    let mut url = url::Url::parse(&base).expect("POSTMASTER_BENCH_PG is a URL");
    url.set_path(&format!("/{name}"));
    Some(url.into())
}

/// The `q` quantile of `times` (sorting them), in milliseconds; 0 for none.
pub fn percentile(times: &mut [Duration], q: f64) -> f64 {
    times.sort_unstable();
    if times.is_empty() {
        return 0.0;
    }
    let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
    times[i].as_secs_f64() * 1000.0
}

/// An organisation of its own whose administrator `email` has `password`, signed in with a
/// password alone: the second step is measured by its own tests.
pub async fn organisation(store: &dyn Store, email: &str, password: String) -> Viewer {
    let admin = store
        .create_organisation(NewOrganisation {
            organisation_name: "Bench Host".into(),
            admin_name: "Bench Admin".into(),
            admin_email: EmailAddress::parse(email).expect("address"),
            password_hash: hash_password(password).await.expect("hash"),
            setup_token_hash: None,
            now: SystemClock.now(),
        })
        .await
        .expect("organisation");
    store
        .set_two_factor_requirement(admin.organisation_id, TwoFactorRequirement::Nobody)
        .await
        .expect("two-factor rule");
    admin
}

/// The id of the organisation's first domain, as a form sends it.
pub async fn first_domain(store: &dyn Store, organisation_id: i64) -> String {
    store.list_domains(organisation_id).await.expect("domains")[0]
        .id
        .to_string()
}
