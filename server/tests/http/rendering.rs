//! Every page finishes, whatever else the process does at the same time.
use crate::support::panel::panel;
use axum::http::StatusCode;
use std::sync::Arc;
use tokio::task::JoinSet;

/// Pages with resources (the users list, a user, the overview, the audit log) rendered while
/// other panels start: starting one finds the app's routes, which once left a page whose
/// resource was first polled meanwhile waiting forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_panels_start() {
    let shown = Arc::new(panel().await);
    let owner = shown.admin_session().await;
    let ann = shown.add_users(&owner, &["ann"]).await[0];
    let pages = Arc::new([
        "/users".to_owned(),
        format!("/users/{ann}"),
        "/overview".to_owned(),
        "/audit".to_owned(),
    ]);
    let starting = tokio::spawn(async {
        for _ in 0..16 {
            drop(panel().await);
        }
    });
    let mut loads = JoinSet::new();
    for i in 0..96 {
        let (shown, owner, pages) = (shown.clone(), owner.clone(), pages.clone());
        loads.spawn(async move {
            let uri = &pages[i % pages.len()];
            (uri.clone(), shown.page(uri, Some(&owner)).await)
        });
    }
    while let Some(done) = loads.join_next().await {
        let (uri, reply) = done.unwrap();
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        assert!(reply.body.contains("</html>"), "{uri}: {}", reply.body);
    }
    starting.await.unwrap();
}
