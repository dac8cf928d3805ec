//! Aliases and lists: one address, one holder.
use crate::support::panel::{panel, PASSWORD};
use axum::http::StatusCode;

#[tokio::test]
async fn user_already_exists_names_the_alias_or_list_that_holds_the_address() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ann = panel.add_users(&owner, &["ann"]).await[0].to_string();
    let domain = panel
        .store
        .list_domains(panel.organisation().await)
        .await
        .unwrap()[0]
        .id;
    let domain = domain.to_string();
    let alias = panel
        .api(
            "aliases/add",
            &[
                ("user", ann.as_str()),
                ("username", "sales"),
                ("domain", domain.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(alias.status, StatusCode::OK, "{}", alias.body);
    let list = panel
        .api(
            "lists/create",
            &[
                ("name", "Parish Team"),
                ("username", "team"),
                ("domain", domain.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);

    let create = |username: &'static str| {
        let domain = domain.clone();
        let owner = owner.clone();
        let panel = &panel;
        async move {
            panel
                .api(
                    "users/create",
                    &[
                        ("domain", domain.as_str()),
                        ("username", username),
                        ("name", "Someone"),
                        ("password", PASSWORD),
                        ("password_confirm", PASSWORD),
                        ("quota_gb", "0.5"),
                        ("account_type", "basic"),
                    ],
                    Some(&owner),
                )
                .await
        }
    };
    let taken = create("sales").await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert!(taken.body.contains("address_is_alias") && taken.body.contains("ann@council.test"));
    let taken = create("team").await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert!(taken.body.contains("address_is_list") && taken.body.contains("Parish Team"));
    let taken = create("ann").await;
    assert!(taken.body.contains("\"address_taken\""), "{}", taken.body);

    // A list takes members of this organisation only, each once.
    let lists: serde_json::Value =
        serde_json::from_str(&panel.api("lists/list", &[], Some(&owner)).await.body).unwrap();
    let id = lists[0]["id"].to_string();
    let add = |email: &'static str| {
        let (id, owner, panel) = (id.clone(), owner.clone(), &panel);
        async move {
            panel
                .api(
                    "lists/add_member",
                    &[("id", id.as_str()), ("email", email)],
                    Some(&owner),
                )
                .await
        }
    };
    assert_eq!(add("ann@council.test").await.status, StatusCode::OK);
    assert!(add("ann@council.test")
        .await
        .body
        .contains("already_member"));
    assert!(add("stranger@elsewhere.test")
        .await
        .body
        .contains("mailbox_unknown"));
    let wrong = panel
        .api(
            "lists/delete",
            &[("id", id.as_str()), ("confirm", "x@y.z")],
            Some(&owner),
        )
        .await;
    assert!(wrong.body.contains("confirm_mismatch"), "{}", wrong.body);
    let gone = panel
        .api(
            "lists/delete",
            &[("id", id.as_str()), ("confirm", "team@council.test")],
            Some(&owner),
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(create("team").await.status, StatusCode::OK);
}
