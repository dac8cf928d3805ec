//! Credentials by email through a real SMTP server.
use crate::support::panel::{config, panel_with, PASSWORD};
use axum::http::StatusCode;
use server::background::Stop;
use server::config::SmtpUrl;

/// The set-password link in a message, and the token in it.
fn link_in(message: &str) -> (String, String) {
    let start = message
        .find("http://127.0.0.1:3000/set-password/")
        .unwrap_or_else(|| panic!("a link in {message}"));
    let link: String = message[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let token = link.rsplit('/').next().unwrap().to_owned();
    (link, token)
}

#[tokio::test]
async fn credentials_go_by_email_through_a_real_smtp_server_and_survive_its_outage() {
    const TEMPORARY: &str = "lantern orbit fiddle 42";
    const CHOSEN: &str = "copper willow 9 harbour";
    let mut sink = crate::support::smtp_sink::SmtpSink::start();
    let mut config = config();
    config.mail.smtp = Some(SmtpUrl::parse(&sink.url()).unwrap());
    let mailer = server::outbox::Mailer::from_config(&config.mail)
        .unwrap()
        .unwrap();
    let panel = panel_with(config).await;
    let owner = panel.admin_session().await;
    let id = panel.add_user_admin().await.to_string();
    let helper_session = panel.sign_in("helper@council.test", PASSWORD).await;
    let reset = |send: &'static str, password: &'static str, must_change: bool| {
        let mut form = vec![
            ("user", id.clone()),
            ("password", password.to_owned()),
            ("password_confirm", password.to_owned()),
            ("sign_out", "all".to_owned()),
            ("send", send.to_owned()),
        ];
        if must_change {
            form.push(("must_change", "on".to_owned()));
        }
        form
    };
    let call = |form: Vec<(&'static str, String)>, owner: &str| {
        let panel = &panel;
        let owner = owner.to_owned();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            panel.api("passwords/reset", &form, Some(&owner)).await
        }
    };

    // Without a recovery address nothing can be sent, and nothing changes.
    let refused = call(reset("link", "", true), &owner).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("no_recovery_address"),
        "{}",
        refused.body
    );
    // The recovery address can't be the mailbox itself.
    let update = |recovery: &'static str| {
        let id = id.clone();
        let owner = owner.clone();
        let panel = &panel;
        async move {
            let form = [
                ("id", id.as_str()),
                ("name", "Helper"),
                ("account_type", "basic"),
                ("quota_gb", "0.5"),
                ("recovery_email", recovery),
            ];
            panel.api("users/update", &form, Some(&owner)).await
        }
    };
    let same = update("helper@council.test").await;
    assert!(same.body.contains("recovery_is_mailbox"), "{}", same.body);
    assert_eq!(update("helper@home.example").await.status, StatusCode::OK);

    // A link: the password fields may stay empty, which locks the old password at once.
    let done = call(reset("link", "", true), &owner).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        panel
            .api("auth/whoami", &[], Some(&helper_session))
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the reset signed the helper out"
    );
    let old = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        old.status,
        StatusCode::BAD_REQUEST,
        "the old password is refused"
    );
    let history = panel
        .call("passwords/mail", &[("user", &id)], Some(&owner))
        .await;
    assert!(history.body.contains("\"Queued\""), "{}", history.body);

    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer, &Stop::never()).await,
        2
    );
    let message = sink.message_to("helper@home.example", "Choose a new password");
    let (link, token) = link_in(&message);
    assert!(message.contains("expires in 24 hours"), "{message}");
    let notice = sink.message_to("helper@council.test", "was reset");
    assert!(notice.contains("recovery address"), "{notice}");
    assert!(
        !notice.contains(&token) && !notice.contains("set-password"),
        "{notice}"
    );
    let history = panel
        .call("passwords/mail", &[("user", &id)], Some(&owner))
        .await;
    assert!(!history.body.contains("\"Queued\""), "{}", history.body);
    assert_eq!(
        history.body.matches("\"Sent\"").count(),
        2,
        "{}",
        history.body
    );
    assert!(!history.body.contains(&token));

    // The link's page is public; a weak password is refused by the policy, a good one is set.
    let page = panel
        .page(link.trim_start_matches("http://127.0.0.1:3000"), None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("helper@council.test"),
        "the page names the mailbox"
    );
    let set = |password: &'static str| {
        let token = token.clone();
        let panel = &panel;
        async move {
            let form = [
                ("token", token.as_str()),
                ("password", password),
                ("password_confirm", password),
            ];
            panel.api("links/set_password", &form, None).await
        }
    };
    let weak = set("password1234").await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("password_common"), "{}", weak.body);
    assert_eq!(set(CHOSEN).await.status, StatusCode::OK);
    panel.sign_in("helper@council.test", CHOSEN).await;
    let again = set("another fine 77 password").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again.body.contains("link_invalid"),
        "used once only: {}",
        again.body
    );

    // A link expires after 24 hours, unused.
    assert_eq!(
        call(reset("link", "", true), &owner).await.status,
        StatusCode::OK
    );
    server::outbox::deliver_due(&panel.state.services, &mailer, &Stop::never()).await;
    let later: Vec<String> = sink
        .messages()
        .into_iter()
        .filter(|m| m.contains("To: helper@home.example"))
        .collect();
    let fresh = later
        .iter()
        .map(|m| link_in(m).1)
        .find(|t| *t != token)
        .expect("a second link");
    panel.clock.advance(24 * 3600);
    let owner = panel.sign_in("clerk@council.test", PASSWORD).await;
    let expired = panel.call("links/holder", &[("token", &fresh)], None).await;
    assert!(expired.body.contains("link_invalid"), "{}", expired.body);

    // The temporary password itself goes only with "ask for a new password".
    let refused = call(reset("password", TEMPORARY, false), &owner).await;
    assert!(
        refused.body.contains("emailed_password_needs_change"),
        "{}",
        refused.body
    );

    // The mail server is down: the reset still commits, and its mail waits.
    sink.stop();
    let done = call(reset("password", TEMPORARY, true), &owner).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer, &Stop::never()).await,
        0
    );
    let history = panel
        .call("passwords/mail", &[("user", &id)], Some(&owner))
        .await;
    assert_eq!(
        history.body.matches("\"Queued\"").count(),
        2,
        "{}",
        history.body
    );
    assert!(history.body.contains("\"attempts\":1"), "{}", history.body);
    sink.resume();
    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer, &Stop::never()).await,
        0,
        "not before the pause"
    );
    panel.clock.advance(30);
    assert_eq!(
        server::outbox::deliver_due(&panel.state.services, &mailer, &Stop::never()).await,
        2
    );
    let message = sink.message_to("helper@home.example", "Your temporary password");
    assert!(message.contains(TEMPORARY), "{message}");
    let login = panel
        .api(
            "auth/login",
            &[("email", "helper@council.test"), ("password", TEMPORARY)],
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);

    // The database never holds a secret in clear: not in the outbox, not in the audit log.
    let org = panel.organisation().await;
    let events = panel.store.list_audit(org, 100).await.unwrap();
    assert!(events.iter().any(|e| e.action == "password.set_by_link"));
    for secret in [TEMPORARY, CHOSEN, token.as_str()] {
        assert!(
            events.iter().all(|e| !e.detail.contains(secret)),
            "{secret} in the audit log"
        );
    }
    let queued = crate::support::queued_mail(&panel.database_url).await;
    assert!(queued.is_empty(), "sent mail keeps no body");
}
