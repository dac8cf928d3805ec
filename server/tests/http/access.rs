//! Who may call what: every server function refuses strangers and lower roles; CSRF; security headers.
use crate::support::panel::{config, panel, panel_with, PASSWORD};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server::config::Config;

/// Who may call a server function at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Access {
    /// Anyone signed in, for their own account.
    SignedIn,
    /// Any admin, within what they administer.
    Admin,
    /// Admins of the whole organisation, not domain admins.
    OrgAdmin,
    /// The account admin only.
    Owner,
}

/// A server function, a form it accepts, and who may call it.
type Call = (Access, &'static str, Vec<(&'static str, &'static str)>);

/// Every server function that needs a session.
fn every_server_function() -> Vec<Call> {
    vec![
        (Access::SignedIn, "auth/whoami", vec![]),
        (Access::Admin, "users/list", vec![("query[search]", "")]),
        (Access::Admin, "domains/list", vec![]),
        (Access::Admin, "domains/summaries", vec![]),
        (
            Access::Owner,
            "domains/add",
            vec![("form[name]", "evil.test")],
        ),
        (Access::Owner, "domains/remove", vec![("form[id]", "1")]),
        (Access::Admin, "organisation/usage", vec![]),
        (Access::OrgAdmin, "organisation/overview", vec![]),
        (
            Access::Owner,
            "organisation/limits",
            vec![("form[licences]", "9"), ("form[storage_gb]", "9")],
        ),
        (Access::Admin, "users/get", vec![("id", "1")]),
        (
            Access::Admin,
            "users/delete",
            vec![("form[id]", "1"), ("form[confirm]", "clerk@council.test")],
        ),
        (
            Access::Admin,
            "users/update",
            vec![
                ("form[id]", "1"),
                ("form[name]", "x"),
                ("form[account_type]", "basic"),
                ("form[quota_gb]", "1"),
            ],
        ),
        (Access::Admin, "users/selection", vec![("ids", "1")]),
        (
            Access::Admin,
            "users/convert_shared",
            vec![("form[id]", "1")],
        ),
        (Access::Admin, "aliases/list", vec![("user", "1")]),
        (
            Access::Admin,
            "aliases/add",
            vec![
                ("form[user]", "1"),
                ("form[username]", "x"),
                ("form[domain]", "1"),
            ],
        ),
        (
            Access::Admin,
            "aliases/remove",
            vec![("form[user]", "1"), ("form[id]", "1")],
        ),
        (Access::Admin, "lists/list", vec![]),
        (Access::Admin, "lists/get", vec![("id", "1")]),
        (
            Access::Admin,
            "lists/create",
            vec![
                ("form[name]", "x"),
                ("form[username]", "x"),
                ("form[domain]", "1"),
            ],
        ),
        (
            Access::Admin,
            "lists/add_member",
            vec![("form[id]", "1"), ("form[email]", "x@y.z")],
        ),
        (
            Access::Admin,
            "lists/remove_member",
            vec![("form[id]", "1"), ("form[user]", "1")],
        ),
        (
            Access::Admin,
            "lists/delete",
            vec![("form[id]", "1"), ("form[confirm]", "x@y.z")],
        ),
        (
            Access::Admin,
            "users/bulk",
            vec![
                ("form[action]", "disable"),
                ("form[ids]", "1"),
                ("form[confirm]", "on"),
            ],
        ),
        (
            Access::Admin,
            "users/import/check",
            vec![("form[csv]", "email,name,quota_gb\n")],
        ),
        (Access::Admin, "users/import/get", vec![("id", "1")]),
        (
            Access::Admin,
            "users/import/confirm",
            vec![("form[id]", "1")],
        ),
        (
            Access::Admin,
            "users/import/cancel",
            vec![("form[id]", "1")],
        ),
        (
            Access::Admin,
            "passwords/generate",
            vec![
                ("form[user]", "1"),
                ("form[words]", "4"),
                ("form[separator]", "hyphen"),
                ("form[digits]", "2"),
            ],
        ),
        (Access::Admin, "passwords/devices", vec![("user", "1")]),
        (Access::SignedIn, "passwords/policy", vec![]),
        (
            Access::Owner,
            "organisation/password_policy",
            vec![
                ("form[preset]", "host_style"),
                ("form[min_chars]", "8"),
                ("form[min_score]", "0"),
            ],
        ),
        (Access::SignedIn, "account/password_context", vec![]),
        (
            Access::SignedIn,
            "account/change_password",
            vec![
                ("form[current]", "x"),
                ("form[password]", "quartz meadow tumble 7"),
                ("form[password_confirm]", "quartz meadow tumble 7"),
            ],
        ),
        (
            Access::Admin,
            "passwords/reset",
            vec![
                ("form[user]", "1"),
                ("form[password]", "quartz meadow tumble 7"),
                ("form[password_confirm]", "quartz meadow tumble 7"),
                ("form[sign_out]", "all"),
            ],
        ),
        (Access::Admin, "passwords/mail", vec![("user", "1")]),
        (Access::SignedIn, "account/devices", vec![]),
        (
            Access::SignedIn,
            "account/sign_out_devices",
            vec![("end[0]", "1")],
        ),
        (Access::Admin, "users/unlock", vec![("form[id]", "1")]),
        (
            Access::Admin,
            "users/sign_out",
            vec![("form[user]", "1"), ("form[all]", "1")],
        ),
        (
            Access::Owner,
            "users/set_role",
            vec![("form[id]", "1"), ("form[role]", "user_admin")],
        ),
        (Access::SignedIn, "auth/logout", vec![]),
        (
            Access::Admin,
            "users/create",
            vec![
                ("form[domain]", "1"),
                ("form[username]", "eve"),
                ("form[name]", "Eve"),
                ("form[password]", PASSWORD),
                ("form[password_confirm]", PASSWORD),
                ("form[quota_gb]", "1"),
                ("form[account_type]", "basic"),
            ],
        ),
        (
            Access::SignedIn,
            "account/confirm_password",
            vec![("form[password]", "x"), ("form[next]", "/users")],
        ),
        (Access::SignedIn, "forwarding/get", vec![]),
        (
            Access::SignedIn,
            "forwarding/set",
            vec![("form[addresses]", "")],
        ),
        (Access::Admin, "forwarding/get", vec![("user", "1")]),
        (
            Access::Admin,
            "forwarding/set",
            vec![("form[user]", "1"), ("form[addresses]", "")],
        ),
        (Access::SignedIn, "auto_reply/get", vec![]),
        (
            Access::SignedIn,
            "auto_reply/set",
            vec![("form[message]", "")],
        ),
        (Access::Admin, "auto_reply/get", vec![("user", "1")]),
        (
            Access::Admin,
            "auto_reply/set",
            vec![("form[user]", "1"), ("form[message]", "")],
        ),
        (Access::Owner, "organisation/mail_rules", vec![]),
        (
            Access::Owner,
            "organisation/set_mail_rules",
            vec![("form[alias_managers]", "account_admin")],
        ),
        (
            Access::Admin,
            "shared/create",
            vec![
                ("form[domain]", "1"),
                ("form[username]", "evil"),
                ("form[name]", "Evil"),
                ("form[quota_gb]", "1"),
            ],
        ),
        (Access::Admin, "shared/members", vec![("mailbox", "1")]),
        (
            Access::Admin,
            "shared/add_member",
            vec![
                ("form[mailbox]", "1"),
                ("form[email]", "clerk@council.test"),
                ("form[access]", "read"),
            ],
        ),
        (
            Access::Admin,
            "shared/remove_member",
            vec![("form[mailbox]", "1"), ("form[member]", "1")],
        ),
    ]
}

#[tokio::test]
async fn every_data_function_refuses_strangers() {
    let panel = panel().await;
    for (_, path, form) in every_server_function() {
        let reply = panel.call(path, &form, None).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{path}: {}",
            reply.body
        );
        let forged = panel
            .call(
                path,
                &form,
                Some("__Host-postmaster_session=00112233445566778899aabbccddeeff"),
            )
            .await;
        assert_eq!(
            forged.status,
            StatusCode::UNAUTHORIZED,
            "{path} with a forged cookie"
        );
    }
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let panel = panel().await;
    let cookie = panel.admin_session().await;
    for (site, origin) in [
        (Some("cross-site"), None),
        (None, Some("https://evil.test")),
    ] {
        let mut req = Request::post("/api/auth/logout")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        let reply = panel.send(req.body(Body::empty()).unwrap()).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        panel.api("auth/whoami", &[], Some(&cookie)).await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_send_strangers_to_sign_in() {
    let panel = panel().await;
    let reply = panel.get("/login", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.contains("<form"),
        "the sign-in form is server-rendered"
    );
    // Every inline script carries the nonce the policy names, and only this response's.
    let policy = reply.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 22, "128 bits at least: {nonce}");
    // Leptos leaves one empty `<script></script>` as a marker; with nothing in it, it never runs.
    let scripts =
        reply.body.matches("<script").count() - reply.body.matches("<script></script>").count();
    assert!(scripts >= 1);
    assert_eq!(
        reply
            .body
            .matches(&format!("<script nonce=\"{nonce}\""))
            .count()
            + reply
                .body
                .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count(),
        scripts,
        "{}",
        reply.body
    );
    let again = panel.get("/login", None).await;
    assert!(!again.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains(nonce));
    let api = panel.api("auth/setup_open", &[], None).await;
    assert!(api.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(reply.headers[header::REFERRER_POLICY], "same-origin");
    assert!(
        !reply
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY),
        "no HSTS over plain HTTP"
    );

    let users = panel.page("/users", None).await;
    assert!(users.status.is_redirection(), "{}", users.status);
    assert_eq!(users.headers[header::LOCATION], "/login");
}

#[tokio::test]
async fn served_over_tls_the_panel_asks_for_hsts() {
    let tls = Config {
        base_url: url::Url::parse("https://mail.example.org").unwrap(),
        ..config()
    };
    let panel = panel_with(tls).await;
    let reply = panel.get("/login", None).await;
    assert_eq!(
        reply.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn every_role_is_refused_every_server_function_above_it() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    let ids = panel.add_users(&owner, &["ann", "dan", "uma"]).await;
    let org = panel.organisation().await;
    let domain = panel.store.list_domains(org).await.unwrap()[0].id;
    assert_eq!(
        panel
            .set_role(&owner, ids[1], "domain_admin", &[domain])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        panel
            .set_role(&owner, ids[2], "user_admin", &[])
            .await
            .status,
        StatusCode::OK
    );
    let before = panel.store.organisation_usage(org).await.unwrap();
    for (name, rank) in [
        ("ann", Access::SignedIn),
        ("dan", Access::Admin),
        ("uma", Access::OrgAdmin),
    ] {
        let cookie = panel
            .sign_in(&format!("{name}@council.test"), PASSWORD)
            .await;
        let above: Vec<_> = every_server_function()
            .into_iter()
            .filter(|(access, _, _)| *access > rank)
            .collect();
        assert!(!above.is_empty());
        for (access, path, form) in above {
            let reply = panel.call(path, &form, Some(&cookie)).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{name} ({rank:?}) calling {path} ({access:?}): {}",
                reply.body
            );
        }
        if rank < Access::OrgAdmin {
            for uri in ["/api/audit/list", "/api/audit/export_csv"] {
                assert_eq!(
                    panel.get(uri, Some(&cookie)).await.status,
                    StatusCode::FORBIDDEN,
                    "{name}: {uri}"
                );
            }
        }
        assert_eq!(
            panel.api("auth/whoami", &[], Some(&cookie)).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(
        panel.store.organisation_usage(org).await.unwrap(),
        before,
        "nothing changed"
    );
    assert_eq!(panel.store.list_domains(org).await.unwrap().len(), 1);
}

/// A page whose policy names another nonce than its scripts (or none, `default-src 'none'`)
/// runs nothing and may not even submit its forms: a button that does nothing. The header is
/// read from the page itself, so every answer agrees with its body.
#[tokio::test]
async fn every_page_names_the_nonce_its_own_scripts_carry() {
    let panel = panel().await;
    let owner = panel.admin_session().await;
    for round in 0..2 {
        for path in ["/users/new", "/users", "/login", "/account/password"] {
            let cookie = (path != "/login").then_some(owner.as_str());
            let page = panel.page(path, cookie).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let policy = page.headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .to_owned();
            let named = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .unwrap_or_else(|| panic!("round {round}, {path}: no nonce in {policy}"));
            let carried: Vec<&str> = page
                .body
                .split(" nonce=\"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .collect();
            assert!(!carried.is_empty(), "{path} has scripts");
            assert!(
                carried.iter().all(|n| *n == named),
                "round {round}, {path}: the policy names {named}, the scripts carry {carried:?}"
            );
        }
    }
    // Other answers may load and run nothing.
    let api = panel.api("auth/whoami", &[], Some(&owner)).await;
    assert_eq!(
        api.headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
}
