//! The checks a load balancer asks, outside the session layer: `/healthz` while the process
//! answers, `/readyz` while its database does too.
use crate::support::panel::{both, config, panel_on_postgres, Panel};
use axum::http::{header, StatusCode};
use sqlx::Connection;

async fn check(panel: &Panel, path: &str) -> (StatusCode, String) {
    let reply = panel.get(path, None).await;
    assert!(
        !reply.headers.contains_key(header::SET_COOKIE),
        "{path} starts no session"
    );
    (reply.status, reply.body)
}

#[tokio::test]
async fn both_answer_while_the_database_does() {
    for panel in both().await {
        assert_eq!(
            check(&panel, "/healthz").await,
            (StatusCode::OK, "ok\n".into())
        );
        assert_eq!(
            check(&panel, "/readyz").await,
            (StatusCode::OK, "ready\n".into())
        );
    }
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone_and_health_holds() {
    let panel = panel_on_postgres(config()).await;
    assert_eq!(check(&panel, "/readyz").await.0, StatusCode::OK);
    let url = url::Url::parse(&panel.database_url).unwrap();
    let name = url.path().trim_start_matches('/').to_owned();
    let mut admin = sqlx::PgConnection::connect(&crate::support::postgres_url())
        .await
        .unwrap();
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(
        check(&panel, "/readyz").await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable\n".into()
        )
    );
    assert_eq!(check(&panel, "/healthz").await.0, StatusCode::OK);
}
