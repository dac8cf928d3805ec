//! The mail server obeys the panel, with the real servers: Dovecot checks IMAP logins against
//! the panel's database through the sample configuration, and closes connections when the
//! panel says so through doveadm's HTTP API; Postfix's lookup tables answer from the same
//! database. Each on SQLite and on PostgreSQL.
mod support;

use axum::http::{header, StatusCode};
use server::background::Stop;
use std::process::Command;
use std::time::{Duration, Instant};
use support::dovecot::{imap_login, lmtp_deliver, sample, with_setting, Dovecot};
use support::panel::{config, panel_on_postgres, panel_with, Panel, PASSWORD};

const ANN: &str = "ann@council.test";
const TEMPORARY: &str = "copper lagoon ripple 58";
const OWN: &str = "saffron harbour quill 93";
/// Long enough for Dovecot to close a kicked connection; it takes milliseconds.
const CLOSE: Duration = Duration::from_secs(5);

/// A panel whose doveadm settings point at the Dovecot configured on its database.
async fn panel_and_dovecot(postgres: bool) -> (Panel, Dovecot) {
    let panel = match postgres {
        false => panel_with(config()).await,
        true => panel_on_postgres(config()).await,
    };
    let dovecot = Dovecot::configure(panel.dir.path(), &panel.database_url);
    let mut with_doveadm = config();
    with_doveadm.doveadm = Some(dovecot.doveadm_config());
    // The same database, now with the mail server's API configured.
    let panel = panel.reconfigured(with_doveadm);
    dovecot.start().await;
    (panel, dovecot)
}

fn location(reply: &support::panel::Reply) -> String {
    let location = reply.headers.get(header::LOCATION).expect("a redirect");
    location.to_str().unwrap().to_owned()
}

async fn the_mail_server_obeys_the_panel(postgres: bool) {
    let label = if postgres { "PostgreSQL" } else { "SQLite" };
    let (panel, dovecot) = panel_and_dovecot(postgres).await;
    let imap = dovecot.imap_port;
    let admin = panel.admin_session().await;
    let id = panel.add_users(&admin, &["ann"]).await[0].to_string();
    imap_login(imap, ANN, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("a new mailbox signs in over IMAP: {e}\n{}", dovecot.log()));

    // A reset with a forced change: the old password stops at once, the temporary one opens
    // nothing but says why.
    let clicked = Instant::now();
    let reset = panel
        .api(
            "passwords/reset",
            &[
                ("user", &id),
                ("password", TEMPORARY),
                ("password_confirm", TEMPORARY),
                ("must_change", "on"),
                ("sign_out", "chosen"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let answered = clicked.elapsed();
    let refused = imap_login(imap, ANN, PASSWORD).await;
    let took = clicked.elapsed();
    assert!(refused.is_err(), "the old password still works over IMAP");
    // A figure for the notes, not a limit: timings are measured, never asserted.
    println!(
        "{label}: reset answered after {answered:?}; IMAP refused the old password {took:?} after the click"
    );
    let reason = imap_login(imap, ANN, TEMPORARY).await.err().unwrap();
    assert!(
        reason.contains("Password change required: use the web panel"),
        "{reason}"
    );
    let wrong = imap_login(imap, ANN, "not the password at all")
        .await
        .err()
        .unwrap();
    assert!(
        !wrong.contains("Password change"),
        "the reason needs the password: {wrong}"
    );

    // The user chooses their own in the panel; only that one works from then on.
    let forced = panel.sign_in(ANN, TEMPORARY).await;
    let changed = panel
        .api(
            "account/change_password",
            &[
                ("current", TEMPORARY),
                ("password", OWN),
                ("password_confirm", OWN),
            ],
            Some(&forced),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(imap_login(imap, ANN, OWN).await.is_ok());
    assert!(imap_login(imap, ANN, PASSWORD).await.is_err());
    assert!(imap_login(imap, ANN, TEMPORARY).await.is_err());

    // "Sign out from all devices" closes the mail apps' connections too.
    let mut phone = imap_login(imap, ANN, OWN).await.unwrap();
    let mut laptop = imap_login(imap, ANN, OWN).await.unwrap();
    let all = [("user", id.as_str()), ("all", "on")];
    let out = panel.api("users/sign_out", &all, Some(&admin)).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert!(
        !location(&out).contains("mail_server"),
        "{}",
        location(&out)
    );
    assert!(phone.closed_within(CLOSE).await, "{}", dovecot.log());
    assert!(laptop.closed_within(CLOSE).await);

    // Mail server down: the panel's change holds, the admin is warned, and the command is
    // retried once Dovecot is back.
    dovecot.stop().await;
    let out = panel.api("users/sign_out", &all, Some(&admin)).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    let warned = location(&out);
    assert!(warned.contains("mail_server=pending"), "{warned}");
    let page = panel.get(&warned, Some(&admin)).await;
    assert!(
        page.body.contains("the mail server could not be reached"),
        "no warning on {warned}"
    );
    dovecot.start().await;
    let mut tablet = imap_login(imap, ANN, OWN).await.unwrap();
    let services = panel.state.services.clone();
    let doveadm = server::mailserver::Doveadm::new(&dovecot.doveadm_config()).unwrap();
    assert_eq!(
        server::mailserver::retry_due(&services, &doveadm, &Stop::never()).await,
        0,
        "not due yet"
    );
    panel.clock.advance(31);
    assert_eq!(
        server::mailserver::retry_due(&services, &doveadm, &Stop::never()).await,
        1
    );
    assert!(tablet.closed_within(CLOSE).await, "{}", dovecot.log());
    panel.clock.advance(600);
    assert_eq!(
        server::mailserver::retry_due(&services, &doveadm, &Stop::never()).await,
        0,
        "done once"
    );

    // Disabled: refused, and what was open closes. Enabled again: back.
    let mut open = imap_login(imap, ANN, OWN).await.unwrap();
    let profile = |disabled: bool| {
        let mut form = vec![
            ("id", id.clone()),
            ("name", "ann".to_owned()),
            ("account_type", "basic".to_owned()),
            ("quota_gb", "0.5".to_owned()),
        ];
        if disabled {
            form.push(("disabled", "on".to_owned()));
        }
        form
    };
    let form = profile(true);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = panel.api("users/update", &form, Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(open.closed_within(CLOSE).await);
    let refused = imap_login(imap, ANN, OWN).await.err().unwrap();
    assert!(refused.contains("AUTHENTICATIONFAILED"), "{refused}");
    let form = profile(false);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = panel.api("users/update", &form, Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let mut open = imap_login(imap, ANN, OWN).await.unwrap();

    // Deleted: refused, and the open connection closes.
    let deleted = panel.delete_user(&admin, &id, ANN).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert!(open.closed_within(CLOSE).await);
    let refused = imap_login(imap, ANN, OWN).await.err().unwrap();
    assert!(refused.contains("AUTHENTICATIONFAILED"), "{refused}");
}

#[tokio::test]
async fn dovecot_obeys_the_panel_on_sqlite() {
    the_mail_server_obeys_the_panel(false).await;
}

#[tokio::test]
async fn dovecot_obeys_the_panel_on_postgres() {
    the_mail_server_obeys_the_panel(true).await;
}

/// Mail apps sign in with app passwords: each opens IMAP, a revoked one fails at the next login
/// and its open connection closes, and with two-factor authentication on the user's own
/// password opens the panel only (unless the organisation lets it open mail apps too).
async fn mail_apps_sign_in_with_app_passwords(postgres: bool) {
    let (panel, dovecot) = panel_and_dovecot(postgres).await;
    let imap = dovecot.imap_port;
    let admin = panel.admin_session().await;
    panel.add_users(&admin, &["ann"]).await;
    let ann = panel.sign_in(ANN, PASSWORD).await;
    let made = panel
        .api(
            "app_passwords/create",
            &[("name", "Thunderbird")],
            Some(&ann),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let made: app::model::NewAppPasswordShown = serde_json::from_str(&made.body).unwrap();
    let mut open = imap_login(imap, ANN, &made.password)
        .await
        .unwrap_or_else(|e| panic!("the app password opens IMAP: {e}\n{}", dovecot.log()));
    imap_login(imap, ANN, PASSWORD)
        .await
        .expect("without two-factor authentication the user's own password works too");
    // Another user's app password, or this one mistyped, opens nothing.
    // The last character changed for another of the alphabet: appending a fixed letter would
    // give the same password back whenever it already ended in that letter (1 time in 32).
    let last = if made.password.ends_with('a') {
        'b'
    } else {
        'a'
    };
    let mistyped = format!("{}{last}", &made.password[..19]);
    assert_ne!(mistyped, made.password);
    assert!(imap_login(imap, ANN, &mistyped).await.is_err());

    panel.set_up_two_factor(&ann).await;
    let refused = imap_login(imap, ANN, PASSWORD).await.err().unwrap();
    assert!(refused.contains("AUTHENTICATIONFAILED"), "{refused}");
    imap_login(imap, ANN, &made.password)
        .await
        .expect("with two-factor authentication the app password still works");
    let org = panel.organisation().await;
    panel
        .store
        .set_app_passwords_only(org, false)
        .await
        .unwrap();
    imap_login(imap, ANN, PASSWORD)
        .await
        .expect("the organisation may let the own password open mail apps");
    panel.store.set_app_passwords_only(org, true).await.unwrap();

    let listed: Vec<app::model::AppPassword> =
        serde_json::from_str(&panel.api("app_passwords/own", &[], Some(&ann)).await.body).unwrap();
    let revoked = panel
        .api(
            "app_passwords/revoke",
            &[("id", &listed[0].id.to_string())],
            Some(&ann),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert!(
        open.closed_within(CLOSE).await,
        "the connection it opened is closed\n{}",
        dovecot.log()
    );
    let refused = imap_login(imap, ANN, &made.password).await.err().unwrap();
    assert!(refused.contains("AUTHENTICATIONFAILED"), "{refused}");
}

#[tokio::test]
async fn app_passwords_open_mail_apps_on_sqlite() {
    mail_apps_sign_in_with_app_passwords(false).await;
}

#[tokio::test]
async fn app_passwords_open_mail_apps_on_postgres() {
    mail_apps_sign_in_with_app_passwords(true).await;
}

/// An administrator's one-time password opens IMAP until its end, which Dovecot reads from the
/// database and compares with the database's clock: no panel process is needed for it to stop.
/// The user's own password works throughout.
async fn one_time_passwords_open_imap_until_their_end(postgres: bool) {
    let (panel, dovecot) = panel_and_dovecot(postgres).await;
    let imap = dovecot.imap_port;
    let admin = panel.admin_session().await;
    let ann = panel.add_users(&admin, &["ann"]).await[0].to_string();
    // Dovecot's clock is the real one: so is the panel's here.
    let real_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    panel
        .clock
        .advance(real_now - panel.state.services.clock.now());
    let form = [("id", ann.as_str())];
    let create = || panel.api("one_time_passwords/create", &form, Some(&admin));
    let made = create().await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let made: app::model::NewOneTimePasswordShown = serde_json::from_str(&made.body).unwrap();
    assert_eq!(made.expires_at, real_now + 300, "five minutes by default");
    imap_login(imap, ANN, &made.password)
        .await
        .unwrap_or_else(|e| panic!("the one-time password opens IMAP: {e}\n{}", dovecot.log()));
    imap_login(imap, ANN, PASSWORD)
        .await
        .expect("the user's own password keeps working");

    // Made by a panel whose clock says six minutes ago: past its end by the database's clock.
    panel.clock.advance(-360);
    let stale = create().await;
    let stale: app::model::NewOneTimePasswordShown = serde_json::from_str(&stale.body).unwrap();
    assert!(stale.expires_at < real_now);
    let refused = imap_login(imap, ANN, &stale.password).await.err().unwrap();
    assert!(refused.contains("AUTHENTICATIONFAILED"), "{refused}");
    let refused = imap_login(imap, ANN, &made.password).await.err().unwrap();
    assert!(
        refused.contains("AUTHENTICATIONFAILED"),
        "a new one replaced it: {refused}"
    );
    imap_login(imap, ANN, PASSWORD)
        .await
        .expect("the user's own password still works");

    // "End it now" refuses it at the next login and closes what it opened.
    panel.clock.advance(360);
    let fresh = create().await;
    let fresh: app::model::NewOneTimePasswordShown = serde_json::from_str(&fresh.body).unwrap();
    let mut open = imap_login(imap, ANN, &fresh.password).await.unwrap();
    let ended = panel
        .api(
            "one_time_passwords/end",
            &[("id", ann.as_str())],
            Some(&admin),
        )
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert!(
        open.closed_within(CLOSE).await,
        "its connection is closed\n{}",
        dovecot.log()
    );
    let refused = imap_login(imap, ANN, &fresh.password).await.err().unwrap();
    assert!(refused.contains("AUTHENTICATIONFAILED"), "{refused}");
    imap_login(imap, ANN, PASSWORD)
        .await
        .expect("and the user's own password works after it");
}

#[tokio::test]
async fn one_time_passwords_end_in_dovecot_on_sqlite() {
    one_time_passwords_open_imap_until_their_end(false).await;
}

#[tokio::test]
async fn one_time_passwords_end_in_dovecot_on_postgres() {
    one_time_passwords_open_imap_until_their_end(true).await;
}

const SHARED: &str = "allotments@council.test";

/// Members open a shared mailbox with their own password (or an app password) as
/// "mailbox*member" and see what was delivered to it; nobody else does, nobody signs in to it
/// alone, and a removed member loses access at once, open connection included.
async fn members_open_a_shared_mailbox(postgres: bool) {
    let (panel, dovecot) = panel_and_dovecot(postgres).await;
    let (imap, admin) = (dovecot.imap_port, panel.admin_session().await);
    let ids = panel.add_users(&admin, &["ann", "bob", "cat"]).await;
    let org = panel.organisation().await;
    let domain = panel.store.list_domains(org).await.unwrap()[0]
        .id
        .to_string();
    let made = panel
        .api(
            "shared/create",
            &[
                ("domain", domain.as_str()),
                ("username", "allotments"),
                ("name", "Allotments"),
                ("quota_gb", "1"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let shared = made.location().unwrap().trim_start_matches("/users/");
    let shared = shared.split('?').next().unwrap().to_owned();
    for (member, access) in [
        ("ann@council.test", "read_and_send_as"),
        ("bob@council.test", "read"),
    ] {
        let added = panel
            .api(
                "shared/add_member",
                &[
                    ("mailbox", shared.as_str()),
                    ("email", member),
                    ("access", access),
                ],
                Some(&admin),
            )
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    }
    lmtp_deliver(
        dovecot.lmtp_port,
        "someone@elsewhere.example",
        SHARED,
        "From: someone@elsewhere.example\nTo: allotments@council.test\nSubject: Plot 12\n\nIs plot 12 free?\n",
    )
    .await
    .unwrap_or_else(|e| panic!("LMTP delivery to the shared mailbox: {e}\n{}", dovecot.log()));

    let as_member = |member: &str| format!("{SHARED}*{member}");
    let mut ann = imap_login(imap, &as_member(ANN), PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("a member opens the shared mailbox: {e}\n{}", dovecot.log()));
    assert_eq!(ann.subjects().await, ["Plot 12"]);
    let mut bob = imap_login(imap, &as_member("bob@council.test"), PASSWORD)
        .await
        .unwrap();
    assert_eq!(bob.subjects().await, ["Plot 12"]);
    for (login, why) in [
        (
            as_member("cat@council.test"),
            "a colleague who is no member",
        ),
        (SHARED.to_owned(), "the shared address alone"),
        (as_member("nobody@council.test"), "an unknown member"),
    ] {
        let refused = imap_login(imap, &login, PASSWORD).await.err();
        assert!(
            refused.is_some_and(|r| r.contains("AUTHENTICATIONFAILED")),
            "{why} is refused"
        );
    }
    assert!(
        imap_login(imap, &as_member(ANN), "not the password")
            .await
            .is_err(),
        "a member's wrong password"
    );

    // A member's app password opens it too.
    let session = panel.sign_in("bob@council.test", PASSWORD).await;
    let app = panel
        .api("app_passwords/create", &[("name", "Phone")], Some(&session))
        .await;
    assert_eq!(app.status, StatusCode::OK, "{}", app.body);
    let app: app::model::NewAppPasswordShown = serde_json::from_str(&app.body).unwrap();
    let mut bob_phone = imap_login(imap, &as_member("bob@council.test"), &app.password)
        .await
        .unwrap_or_else(|e| panic!("a member's app password: {e}\n{}", dovecot.log()));
    assert_eq!(bob_phone.subjects().await, ["Plot 12"]);

    // Send as: only the member let do so.
    let senders = postfix_tables(&panel)("sender-logins");
    assert_eq!(postmap(SHARED, &senders).as_deref(), Some(ANN));

    // Bob is removed: his next login fails and what he had open closes.
    let removed = panel
        .api(
            "shared/remove_member",
            &[
                ("mailbox", shared.as_str()),
                ("member", &ids[1].to_string()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert!(
        !removed.location().unwrap().contains("mail_server"),
        "the mail server was reached"
    );
    assert!(bob.closed_within(CLOSE).await, "{}", dovecot.log());
    assert!(bob_phone.closed_within(CLOSE).await);
    let refused = imap_login(imap, &as_member("bob@council.test"), PASSWORD)
        .await
        .err()
        .unwrap();
    assert!(refused.contains("AUTHENTICATIONFAILED"), "{refused}");
    // The other member's mail app signs in again, as it does after any closed connection.
    assert!(ann.closed_within(CLOSE).await);
    let mut ann = imap_login(imap, &as_member(ANN), PASSWORD).await.unwrap();
    assert_eq!(ann.subjects().await, ["Plot 12"]);
    // Bob's own mailbox is his still; Ann loses send-as when it is taken from her.
    assert!(imap_login(imap, "bob@council.test", PASSWORD).await.is_ok());
    let changed = panel
        .api(
            "shared/add_member",
            &[
                ("mailbox", shared.as_str()),
                ("email", ANN),
                ("access", "read"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(postmap(SHARED, &senders), None);
}

#[tokio::test]
async fn members_open_a_shared_mailbox_on_sqlite() {
    members_open_a_shared_mailbox(false).await;
}

#[tokio::test]
async fn members_open_a_shared_mailbox_on_postgres() {
    members_open_a_shared_mailbox(true).await;
}

/// A message to Ann from `from`, handed to Dovecot as Postfix would.
async fn deliver_to_ann(dovecot: &Dovecot, from: &str, subject: &str, extra_headers: &str) {
    let message = format!(
        "From: {from}\nTo: {ANN}\nSubject: {subject}\n{extra_headers}Message-ID: <{subject}@elsewhere.example>\n\nHello Ann.\n"
    );
    lmtp_deliver(dovecot.lmtp_port, from, ANN, &message)
        .await
        .unwrap_or_else(|e| panic!("LMTP: {e}\n{}", dovecot.log()));
}

/// The automatic replies the SMTP sink received for `to`, once there are `expected` (or after
/// waiting for them in vain).
async fn replies_to(sink: &support::smtp_sink::SmtpSink, to: &str, expected: usize) -> Vec<String> {
    let replies = || {
        sink.messages()
            .into_iter()
            .filter(|m| {
                m.contains(&format!("To: <{to}>")) && m.contains("Auto-Submitted: auto-replied")
            })
            .collect::<Vec<_>>()
    };
    // Sieve sends during the LMTP transaction, so the reply is there when it ends; wait a little
    // longer only to catch one too many.
    let started = Instant::now();
    while replies().len() < expected && started.elapsed() < CLOSE {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    replies()
}

/// Dovecot's Sieve answers from the panel's data: one reply per sender (none to bulk mail), in
/// the words the user chose, and none once it is turned off.
async fn automatic_replies_follow_the_panel(postgres: bool) {
    let sink = support::smtp_sink::SmtpSink::start();
    let panel = match postgres {
        false => panel_with(config()).await,
        true => panel_on_postgres(config()).await,
    };
    let dovecot =
        Dovecot::configure_with_smtp(panel.dir.path(), &panel.database_url, Some(sink.port));
    dovecot.start().await;
    let admin = panel.admin_session().await;
    panel.add_users(&admin, &["ann"]).await;
    let ann = panel.sign_in(ANN, PASSWORD).await;
    let set = |enabled: bool| {
        let mut form = vec![
            ("subject", "Away \"until Monday\""),
            (
                "message",
                "I'm away.\nBack on Monday; for the allotments write to clerk@council.test.",
            ),
            ("starts_on", ""),
            ("ends_on", ""),
        ];
        if enabled {
            form.push(("enabled", "on"));
        }
        form
    };
    let saved = panel.api("auto_reply/set", &set(true), Some(&ann)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

    deliver_to_ann(&dovecot, "bob@elsewhere.example", "first", "").await;
    let replies = replies_to(&sink, "bob@elsewhere.example", 1).await;
    assert_eq!(replies.len(), 1, "one reply\n{}", dovecot.log());
    assert!(
        replies[0].contains("Subject: Away \"until Monday\""),
        "{}",
        replies[0]
    );
    assert!(
        replies[0].contains("Back on Monday; for the allotments"),
        "{}",
        replies[0]
    );
    assert!(
        replies[0].contains(&format!("From: <{ANN}>")),
        "{}",
        replies[0]
    );

    // The same sender again: no second reply within the days; bulk mail: none at all.
    deliver_to_ann(&dovecot, "bob@elsewhere.example", "second", "").await;
    assert_eq!(replies_to(&sink, "bob@elsewhere.example", 1).await.len(), 1);
    deliver_to_ann(&dovecot, "news@lists.example", "bulk", "Precedence: bulk\n").await;
    assert!(replies_to(&sink, "news@lists.example", 0).await.is_empty());

    // Turned off: a new sender gets nothing, from the very next message.
    let saved = panel.api("auto_reply/set", &set(false), Some(&ann)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    deliver_to_ann(&dovecot, "carol@elsewhere.example", "after", "").await;
    assert!(replies_to(&sink, "carol@elsewhere.example", 0)
        .await
        .is_empty());

    // Its last day passed: none either, with nothing to reload.
    let mut ended = set(true);
    ended[2] = ("starts_on", "2020-01-01");
    ended[3] = ("ends_on", "2020-01-31");
    let saved = panel.api("auto_reply/set", &ended, Some(&ann)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    deliver_to_ann(&dovecot, "dave@elsewhere.example", "late", "").await;
    assert!(replies_to(&sink, "dave@elsewhere.example", 0)
        .await
        .is_empty());
    // Every message reached the mailbox all the same.
    let mut imap = imap_login(dovecot.imap_port, ANN, PASSWORD).await.unwrap();
    assert_eq!(
        imap.subjects().await,
        ["first", "second", "bulk", "after", "late"]
    );
}

#[tokio::test]
async fn automatic_replies_follow_the_panel_on_sqlite() {
    automatic_replies_follow_the_panel(false).await;
}

#[tokio::test]
async fn automatic_replies_follow_the_panel_on_postgres() {
    automatic_replies_follow_the_panel(true).await;
}

/// `postmap -q key table`: the value found, or `None`.
fn postmap(key: &str, table: &str) -> Option<String> {
    let out = Command::new("postmap")
        .args(["-q", key, table])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run postmap ({e}): `make test` installs postfix, postfix-sqlite and postfix-pgsql")
        });
    match out.status.code() {
        Some(0) => Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()),
        Some(1) => None,
        _ => panic!(
            "postmap -q {key} {table}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// The sample lookup tables, with this test's database: `(type:path)` by name.
fn postfix_tables(panel: &Panel) -> impl Fn(&str) -> String + '_ {
    move |name: &str| {
        let url = &panel.database_url;
        let (kind, text) = match url.strip_prefix("sqlite://") {
            Some(rest) => {
                let path = rest.split('?').next().unwrap();
                let text = sample(&format!("postfix/sqlite/{name}.cf"));
                ("sqlite", with_setting(&text, "dbpath", path))
            }
            None => {
                let url = url::Url::parse(url).unwrap();
                let text = sample(&format!("postfix/pgsql/{name}.cf"));
                let host = format!(
                    "inet:{}:{}",
                    url.host_str().unwrap(),
                    url.port().unwrap_or(5432)
                );
                let text = with_setting(&text, "hosts", &host);
                let text = with_setting(&text, "dbname", url.path().trim_start_matches('/'));
                let text = with_setting(&text, "user", url.username());
                (
                    "pgsql",
                    with_setting(&text, "password", url.password().unwrap()),
                )
            }
        };
        let path = panel.dir.path().join(format!("{name}.cf"));
        std::fs::write(&path, text).unwrap();
        format!("{kind}:{}", path.display())
    }
}

async fn postfix_enforces_sender_ownership_and_only_local_smtp(panel: Panel) {
    let admin = panel.admin_session().await;
    let ids = panel.add_users(&admin, &["ann", "bob"]).await;
    let (ann, domain) = (
        ids[0].to_string(),
        panel
            .store
            .list_domains(panel.organisation().await)
            .await
            .unwrap()[0]
            .id
            .to_string(),
    );
    let alias = [
        ("user", ann.as_str()),
        ("username", "office"),
        ("domain", domain.as_str()),
    ];
    let added = panel.api("aliases/add", &alias, Some(&admin)).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let local_only = [
        ("id", ann.as_str()),
        ("name", "ann"),
        ("account_type", "basic"),
        ("quota_gb", "0.5"),
        ("only_local_smtp", "on"),
    ];
    let saved = panel.api("users/update", &local_only, Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

    let table = postfix_tables(&panel);
    let domains = table("domains");
    assert_eq!(
        postmap("council.test", &domains).as_deref(),
        Some("council.test")
    );
    assert_eq!(postmap("elsewhere.example", &domains), None);
    let mailboxes = table("mailboxes");
    assert_eq!(postmap(ANN, &mailboxes).as_deref(), Some(ANN));
    assert_eq!(postmap("office@council.test", &mailboxes), None, "an alias");
    assert_eq!(postmap("nobody@council.test", &mailboxes), None);

    let senders = table("sender-logins");
    assert_eq!(postmap(ANN, &senders).as_deref(), Some(ANN));
    assert_eq!(
        postmap("office@council.test", &senders).as_deref(),
        Some(ANN)
    );
    assert_eq!(
        postmap("bob@council.test", &senders).as_deref(),
        Some("bob@council.test"),
        "Bob's address is Bob's alone"
    );
    assert_eq!(postmap("nobody@council.test", &senders), None);

    let restrictions = table("smtp-restrictions");
    assert_eq!(
        postmap(ANN, &restrictions).as_deref(),
        Some("only_local_smtp")
    );
    assert_eq!(postmap("bob@council.test", &restrictions), None);

    let recipients = table("local-recipients");
    assert_eq!(
        postmap("bob@council.test", &recipients).as_deref(),
        Some("DUNNO")
    );
    let outside = postmap("friend@elsewhere.example", &recipients).unwrap();
    assert!(outside.starts_with("REJECT Only local SMTP"), "{outside}");

    // Forwarding, aliases and lists: virtual_alias_maps. Ann forwards to Bob and keeps a copy;
    // the owner lets Bob forward outside, without a copy.
    let rules = [
        ("alias_managers", "user_admins"),
        ("external_forwarding", "on"),
    ];
    let saved = panel
        .api("organisation/set_mail_rules", &rules, Some(&admin))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let forwards = [
        ("user", ann.as_str()),
        ("addresses", "bob@council.test"),
        ("keep_copy", "on"),
    ];
    let saved = panel.api("forwarding/set", &forwards, Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let bob = ids[1].to_string();
    let forwards = [("user", bob.as_str()), ("addresses", "bob@home.example")];
    let saved = panel.api("forwarding/set", &forwards, Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let virtual_aliases = table("virtual-aliases");
    let destinations = |address: &str| {
        let mut found: Vec<String> = postmap(address, &virtual_aliases)
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        found.sort();
        found
    };
    assert_eq!(destinations(ANN), [ANN, "bob@council.test"]);
    assert_eq!(destinations("bob@council.test"), ["bob@home.example"]);
    assert_eq!(destinations("office@council.test"), [ANN]);
    let cleared = [("user", ann.as_str()), ("addresses", "")];
    let saved = panel.api("forwarding/set", &cleared, Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(
        destinations(ANN).is_empty(),
        "forwarding off: delivered as usual"
    );

    // Unticked: Ann sends anywhere again.
    let anywhere: Vec<_> = local_only[..4].to_vec();
    let saved = panel.api("users/update", &anywhere, Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(postmap(ANN, &restrictions), None);
}

#[tokio::test]
async fn postfix_lookups_answer_from_sqlite() {
    postfix_enforces_sender_ownership_and_only_local_smtp(panel_with(config()).await).await;
}

#[tokio::test]
async fn postfix_lookups_answer_from_postgres() {
    postfix_enforces_sender_ownership_and_only_local_smtp(panel_on_postgres(config()).await).await;
}
