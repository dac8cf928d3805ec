//! What both benchmarks read from the environment, how they make their PostgreSQL database, and
//! how they turn times into percentiles.
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
