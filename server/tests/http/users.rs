//! Mailbox users: create, edit, disable, delete, settings and domains, the JSON record, shared mailboxes, quotas.
use crate::support::panel::{panel, PASSWORD};
use axum::http::{header, StatusCode};

#[tokio::test]
async fn admins_create_and_find_users_with_errors_per_field() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    let domains = panel.api("domains/list", &[], Some(&cookie)).await;
    assert!(domains.body.contains("council.test"));
    let domain_id: serde_json::Value = serde_json::from_str(&domains.body).unwrap();
    let domain_id = domain_id[0]["id"].to_string();

    let bad = panel
        .api(
            "users/create",
            &[
                ("domain", "999999"),
                ("username", ".bad"),
                ("name", ""),
                ("password", "janedoe-secret-1"),
                ("password_confirm", "janedoe-secret-1"),
                ("quota_gb", "0"),
                ("account_type", "basic"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for code in [
        "domain_unknown",
        "local_part_invalid",
        "required",
        "quota_invalid",
    ] {
        assert!(bad.body.contains(code), "{code} missing from {}", bad.body);
    }

    let good = [
        ("domain", domain_id.as_str()),
        ("username", "Jane.Doe"),
        ("name", "Jane Doe"),
        ("password", "quartz meadow tumble 7"),
        ("password_confirm", "quartz meadow tumble 7"),
        ("quota_gb", "0.5"),
        ("account_type", "enhanced"),
    ];
    let created = panel.api("users/create", &good, Some(&cookie)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let again = panel.api("users/create", &good, Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("address_taken"));

    let found = panel
        .call("users/list", &[("query[search]", "jane")], Some(&cookie))
        .await;
    let page: app::model::UserPage = serde_json::from_str(&found.body).unwrap();
    assert_eq!(page.users.len(), 1);
    assert_eq!(page.users[0].email, "jane.doe@council.test");
    assert_eq!(page.users[0].quota_mb, 500);
    assert!(
        !found.body.contains("argon2"),
        "no hash ever leaves the server"
    );
}

#[tokio::test]
async fn only_the_account_admin_changes_settings_and_domains() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let domain = panel.store.list_domains(org).await.unwrap()[0].id;
    panel.add_user_admin().await;
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;

    assert_eq!(
        panel
            .call("users/list", &[("query[search]", "")], Some(&helper))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        panel
            .api("organisation/usage", &[], Some(&helper))
            .await
            .status,
        StatusCode::OK
    );
    for (path, form) in [
        (
            "organisation/limits",
            vec![("form[licences]", "100"), ("form[storage_gb]", "1000")],
        ),
        ("domains/add", vec![("form[name]", "evil.test")]),
        ("domains/remove", vec![("form[id]", "1")]),
    ] {
        let reply = panel.call(path, &form, Some(&helper)).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            reply.body
        );
    }
    assert!(panel
        .store
        .list_domains(org)
        .await
        .unwrap()
        .iter()
        .all(|d| d.name != "evil.test"));

    // The owner may, and the limits hold at once.
    let set = panel
        .api(
            "organisation/limits",
            &[("licences", "2"), ("storage_gb", "10")],
            Some(&owner),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let full = panel
        .api(
            "users/create",
            &[
                ("domain", &domain.to_string()),
                ("username", "third"),
                ("name", "Third"),
                ("password", "quartz meadow tumble 7"),
                ("password_confirm", "quartz meadow tumble 7"),
                ("quota_gb", "1"),
                ("account_type", "basic"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.body.contains("licences_exhausted"), "{}", full.body);
    let low = panel
        .api(
            "organisation/limits",
            &[("licences", "1"), ("storage_gb", "10")],
            Some(&owner),
        )
        .await;
    assert_eq!(low.status, StatusCode::BAD_REQUEST);
    assert!(low.body.contains("licences_below_use"));
}

#[tokio::test]
async fn disabling_or_deleting_a_user_ends_their_sessions_at_once() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let helper_id = panel.add_user_admin().await;
    let id = helper_id.to_string();
    let cookie = panel.sign_in("helper@council.test", PASSWORD).await;
    let owner_id = panel.api("auth/whoami", &[], Some(&owner)).await.body;
    let owner_id: serde_json::Value = serde_json::from_str(&owner_id).unwrap();
    let owner_id = owner_id["user_id"].to_string();

    // A user admin may not touch the account admin.
    let reach = panel
        .api(
            "users/update",
            &[
                ("id", owner_id.as_str()),
                ("name", "x"),
                ("account_type", "basic"),
                ("quota_gb", "1"),
                ("disabled", "on"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reach.status, StatusCode::FORBIDDEN, "{}", reach.body);
    // Nobody disables their own account.
    let own = panel
        .api(
            "users/update",
            &[
                ("id", owner_id.as_str()),
                ("name", "Clerk"),
                ("account_type", "basic"),
                ("quota_gb", "1"),
                ("disabled", "on"),
            ],
            Some(&owner),
        )
        .await;
    assert!(own.body.contains("self_action"), "{}", own.body);

    let disable = [
        ("id", id.as_str()),
        ("name", "Helper"),
        ("account_type", "basic"),
        ("quota_gb", "0.5"),
        ("disabled", "on"),
    ];
    let done = panel.api("users/update", &disable, Some(&owner)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let refused = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "a disabled account can't sign in"
    );

    let enable = [
        ("id", id.as_str()),
        ("name", "Helper"),
        ("account_type", "basic"),
        ("quota_gb", "0.5"),
    ];
    assert_eq!(
        panel
            .api("users/update", &enable, Some(&owner))
            .await
            .status,
        StatusCode::OK
    );
    let cookie = panel.sign_in("helper@council.test", PASSWORD).await;

    let wrong = panel
        .api(
            "users/delete",
            &[("id", id.as_str()), ("confirm", "someone@council.test")],
            Some(&owner),
        )
        .await;
    assert!(wrong.body.contains("confirm_mismatch"), "{}", wrong.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::OK,
        "nothing deleted yet"
    );
    let gone = panel
        .api(
            "users/delete",
            &[("id", id.as_str()), ("confirm", "helper@council.test")],
            Some(&owner),
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        panel
            .call("users/get", &[("id", id.as_str())], Some(&owner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let events = panel.store.list_audit(org, 50).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.action == "user.delete" && e.target == "helper@council.test" && e.success));
}

#[tokio::test]
async fn an_account_record_downloads_as_json_without_its_hash() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    let me: serde_json::Value =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&cookie)).await.body).unwrap();
    let uri = format!("/api/users/export?id={}", me["user_id"]);
    let reply = panel.get(&uri, Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"clerk@council.test.json\""
    );
    let record: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(record["email"], "clerk@council.test");
    assert!(!reply.body.contains("argon2"));
    assert_eq!(panel.get(&uri, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn more_options_are_checked_and_kept() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let domain = panel
        .store
        .list_domains(panel.organisation().await)
        .await
        .unwrap()[0]
        .id;
    let domain = domain.to_string();
    let form = |zone: &'static str| {
        vec![
            ("domain", domain.clone()),
            ("username", "amelie".to_owned()),
            ("name", "Amélie".to_owned()),
            ("password", PASSWORD.to_owned()),
            ("password_confirm", PASSWORD.to_owned()),
            ("quota_gb", "1".to_owned()),
            ("account_type", "basic".to_owned()),
            ("language", "fr".to_owned()),
            ("time_zone", zone.to_owned()),
            ("date_format", "dmy".to_owned()),
        ]
    };
    let (panel, owner) = (&panel, &owner);
    let send = |f: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        panel.api("users/create", &pairs, Some(owner)).await
    };
    let refused = send(form("Mars/Olympus")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("time_zone") && refused.body.contains("choice_invalid"));
    let created = send(form("Europe/Paris")).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let user = panel
        .store
        .find_login(&app::model::EmailAddress::parse("amelie@council.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    let detail = panel
        .store
        .get_user(user.organisation_id, user.user_id)
        .await
        .unwrap();
    assert_eq!(detail.preferences.language, app::model::Language::Fr);
    assert_eq!(detail.preferences.time_zone.as_str(), "Europe/Paris");
    assert_eq!(
        detail.preferences.date_format,
        app::model::DateFormat::DayMonthYear
    );
}

#[tokio::test]
async fn converting_to_a_shared_mailbox_signs_the_user_out_and_frees_a_licence() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let org = panel.organisation().await;
    let helper_id = panel.add_user_admin().await.to_string();
    let helper = panel.sign_in("helper@council.test", PASSWORD).await;
    let me: serde_json::Value =
        serde_json::from_str(&panel.api("auth/whoami", &[], Some(&owner)).await.body).unwrap();
    let me = me["user_id"].to_string();
    let own = panel
        .api("users/convert_shared", &[("id", me.as_str())], Some(&owner))
        .await;
    assert!(own.body.contains("self_action"), "{}", own.body);
    let before = panel.mailboxes_used(org).await;
    let done = panel
        .api(
            "users/convert_shared",
            &[("id", helper_id.as_str())],
            Some(&owner),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&helper)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(panel.mailboxes_used(org).await, before - 1);
    let refused = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_ne!(
        refused.status,
        StatusCode::OK,
        "nobody signs in to a shared mailbox"
    );
    let audit = panel.store.list_audit(org, 5).await.unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "user.convert_shared" && a.target == "helper@council.test"));
}

#[tokio::test]
async fn a_quota_below_what_the_mailbox_holds_is_refused_on_its_field() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let id = panel.add_user_admin().await.to_string();
    crate::support::execute_as_mail_server(
        &panel.database_url,
        "INSERT INTO mailbox_usage (username, bytes, messages) \
         VALUES ('helper@council.test', 1200000001, 42)",
    )
    .await;
    let update = |quota: &'static str| {
        [
            ("id", id.clone()),
            ("name", "Helper".to_owned()),
            ("account_type", "basic".to_owned()),
            ("quota_gb", quota.to_owned()),
        ]
    };
    let form = update("1.2");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = panel.api("users/update", &form, Some(&owner)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    let field = &error["Invalid"][0];
    assert_eq!(field["field"], "quota_gb", "{}", refused.body);
    assert_eq!(field["code"], "quota_below_used", "{}", refused.body);
    assert_eq!(field["n"], 1201, "{}", refused.body);

    let page = panel.get(&format!("/users/{id}"), Some(&owner)).await;
    assert!(
        page.body.replace("<!>", "").contains("1.201 GB of 0.5 GB"),
        "the page shows what the mailbox holds: {}",
        page.body
    );
    let french = format!("{owner}; i18n_pref_locale=fr");
    let page = panel.get(&format!("/users/{id}"), Some(&french)).await;
    assert!(
        page.body.replace("<!>", "").contains("1,201 Go sur 0,5 Go"),
        "sizes as French writes them: {}",
        page.body
    );

    let form = update("1.201");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let fits = panel.api("users/update", &form, Some(&owner)).await;
    assert_eq!(fits.status, StatusCode::OK, "{}", fits.body);
}

#[tokio::test]
async fn new_user_starts_on_the_main_domain() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    // Listed by name, this one comes first; the main domain is the one the panel was set up with.
    let first = panel.add_domain(&owner, "allotments.test").await;
    let org = panel.organisation().await;
    let main = panel.store.list_domains(org).await.unwrap();
    let main = main.iter().find(|d| d.name == "council.test").unwrap().id;
    let page = panel.page("/users/new", Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body.replace("<!>", "");
    let option = |id: i64| {
        let at = body
            .find(&format!("<option value=\"{id}\""))
            .unwrap_or_else(|| panic!("option {id} in {body}"));
        body[at..at + body[at..].find('>').unwrap()].to_owned()
    };
    assert!(option(main).contains("selected"), "{}", option(main));
    assert!(!option(first).contains("selected"), "{}", option(first));
    assert!(
        body.find("allotments.test").unwrap() < body.find(">council.test<").unwrap(),
        "still listed by name"
    );
}
