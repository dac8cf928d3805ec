//! What the mail server reads (the views) and the commands waiting for it.
use crate::support::fixtures::{created, new_user, organisation, NOW};
use crate::support::query_as_mail_server;
use app::model::{
    AutoReply, EmailAddress, Forwarding, LocalPart, MailServerAction, Quota, SignOut,
};
use app::store::{Delivery, NewMailServerTask, PasswordReset, Store, StoreError, UserUpdate};

async fn mail_server_commands_wait_for_their_time_and_leave_when_done(store: &dyn Store) {
    let queue = |address: &str, action, at| NewMailServerTask {
        address: address.into(),
        action,
        error: "doveadm unreachable".into(),
        next_attempt_at: at,
        now: NOW,
    };
    store
        .queue_mail_server_task(queue(
            "ann@council.test",
            MailServerAction::EndConnections,
            NOW + 30,
        ))
        .await
        .unwrap();
    store
        .queue_mail_server_task(queue(
            "bob@council.test",
            MailServerAction::ForgetLogins,
            NOW + 60,
        ))
        .await
        .unwrap();
    assert!(store
        .claim_mail_server_task(NOW + 29, NOW + 89)
        .await
        .unwrap()
        .is_none());
    let mut due = Vec::new();
    while let Some(task) = store
        .claim_mail_server_task(NOW + 60, NOW + 120)
        .await
        .unwrap()
    {
        due.push(task);
    }
    let seen: Vec<_> = due
        .iter()
        .map(|t| (t.address.as_str(), t.action, t.attempts))
        .collect();
    assert_eq!(
        seen,
        [
            ("ann@council.test", MailServerAction::EndConnections, 1),
            ("bob@council.test", MailServerAction::ForgetLogins, 1)
        ],
        "each claimed once, oldest first"
    );
    // Ann's still fails: later, one more try counted. Bob's went through: gone.
    let retry = Delivery::Retry {
        at: NOW + 180,
        error: "still down".into(),
    };
    store
        .record_mail_server_try(due[0].id, retry)
        .await
        .unwrap();
    store
        .record_mail_server_try(due[1].id, Delivery::Sent)
        .await
        .unwrap();
    assert!(store
        .claim_mail_server_task(NOW + 179, NOW + 239)
        .await
        .unwrap()
        .is_none());
    let again = store
        .claim_mail_server_task(NOW + 180, NOW + 240)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (due[0].id, 2));
    let gave_up = Delivery::GaveUp {
        error: "for good".into(),
    };
    store
        .record_mail_server_try(again.id, gave_up)
        .await
        .unwrap();
    assert!(store
        .claim_mail_server_task(NOW + 100_000, NOW + 100_060)
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store
            .record_mail_server_try(due[0].id, Delivery::Sent)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// What Dovecot and Postfix read, through the views, after the changes an admin makes.
async fn the_mail_server_views_follow_the_panel(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let mut ids = Vec::new();
    for local in ["ann", "bob", "cat", "dan"] {
        let user = store
            .create_user(new_user(org, domain, local, local), &created())
            .await
            .unwrap();
        ids.push(user.id);
    }
    let [ann, bob, cat, dan] = ids[..] else {
        unreachable!()
    };
    let reset = PasswordReset {
        revoke_app_passwords: false,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVtcA$dGVtcA".into(),
        must_change: true,
        expires_at: Some(NOW + 86_400),
        sign_out: SignOut::All,
        link: None,
        mail: Vec::new(),
        now: NOW,
    };
    store.reset_password(org, bob, reset).await.unwrap();
    store
        .set_users_disabled(org, &[cat], true, NOW)
        .await
        .unwrap();
    store.convert_to_shared(org, dan, &[], NOW).await.unwrap();
    let mut ann_detail = store.get_user(org, ann).await.unwrap();
    let update = UserUpdate {
        name: ann_detail.name.clone(),
        account_type: ann_detail.account_type,
        quota: Quota::from_mb(2048).unwrap(),
        disabled: false,
        only_local_smtp: true,
        recovery_email: None,
        preferences: std::mem::take(&mut ann_detail.preferences),
        now: NOW,
    };
    store.update_user(org, ann, update).await.unwrap();
    store
        .add_alias(org, ann, domain, &LocalPart::parse("office").unwrap(), NOW)
        .await
        .unwrap();

    // Dovecot: Ann and the clerk sign in; Bob only to hear why not; Cat and Dan not at all.
    let passdb = query_as_mail_server(
        url,
        "SELECT username, nologin, reason FROM mail_passdb ORDER BY username",
    )
    .await;
    assert_eq!(
        passdb,
        [
            "ann@council.test|-|-",
            "bob@council.test|Y|Password change required: use the web panel",
            "clerk@council.test|-|-",
        ]
    );
    let hash = query_as_mail_server(
        url,
        "SELECT password FROM mail_passdb WHERE username = 'bob@council.test'",
    )
    .await;
    assert_eq!(hash, ["$argon2id$v=19$m=19456,t=2,p=1$dGVtcA$dGVtcA"]);
    let userdb = query_as_mail_server(
        url,
        "SELECT quota_rule FROM mail_userdb WHERE username = 'ann@council.test'",
    )
    .await;
    assert_eq!(userdb, ["*:storage=2048M"]);
    let mailboxes = query_as_mail_server(url, "SELECT username FROM mail_userdb").await;
    assert_eq!(
        mailboxes.len(),
        5,
        "disabled and shared mailboxes still take mail"
    );

    // Postfix: who sends as what, who is kept local, which domains are local.
    let senders = query_as_mail_server(
        url,
        "SELECT address, login FROM mail_sender_logins \
         WHERE address IN ('ann@council.test', 'office@council.test', 'dan@council.test') \
         ORDER BY address",
    )
    .await;
    assert_eq!(
        senders,
        [
            "ann@council.test|ann@council.test",
            "office@council.test|ann@council.test"
        ]
    );
    let restricted =
        query_as_mail_server(url, "SELECT login, restriction FROM mail_smtp_restrictions").await;
    assert_eq!(restricted, ["ann@council.test|only_local_smtp"]);
    let domains = query_as_mail_server(url, "SELECT domain FROM mail_domains").await;
    assert_eq!(domains, ["council.test"]);

    // Deleted: gone from every view.
    store.delete_users(org, &[ann]).await.unwrap();
    let left = query_as_mail_server(
        url,
        "SELECT username FROM mail_passdb WHERE username = 'ann@council.test' \
         UNION ALL SELECT address FROM mail_sender_logins WHERE login = 'ann@council.test' \
         UNION ALL SELECT login FROM mail_smtp_restrictions",
    )
    .await;
    assert!(left.is_empty(), "{left:?}");
}

/// Postfix's virtual_alias_maps (`mail_virtual_aliases`): aliases deliver to their mailbox,
/// lists to their members, forwarding to its addresses, with the mailbox itself when it keeps
/// a copy; a disabled mailbox forwards nothing; a change replaces the whole forwarding.
async fn forwarding_aliases_and_lists_reach_virtual_alias_maps(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let mut ids = Vec::new();
    for local in ["ann", "bob", "cat"] {
        let user = store
            .create_user(new_user(org, domain, local, local), &created())
            .await
            .unwrap();
        ids.push(user.id);
    }
    let [ann, bob, cat] = ids[..] else {
        unreachable!()
    };
    assert_eq!(
        store.forwarding(org, ann).await.unwrap(),
        Forwarding::default(),
        "a new mailbox forwards nothing and would keep a copy"
    );
    store
        .add_alias(org, ann, domain, &LocalPart::parse("office").unwrap(), NOW)
        .await
        .unwrap();
    let list = store
        .create_list(org, domain, &LocalPart::parse("team").unwrap(), "Team", NOW)
        .await
        .unwrap();
    for member in ["ann@council.test", "bob@council.test"] {
        store
            .add_list_member(org, list.id, &EmailAddress::parse(member).unwrap())
            .await
            .unwrap();
    }
    let forward = |addresses: &[&str], keep_copy| Forwarding {
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
        keep_copy,
    };
    // Typed in this order, read back in it.
    let bob_forwards = forward(&["z@elsewhere.test", "bob.home@elsewhere.test"], true);
    store
        .set_forwarding(org, bob, &bob_forwards, NOW)
        .await
        .unwrap();
    assert_eq!(store.forwarding(org, bob).await.unwrap(), bob_forwards);
    store
        .set_forwarding(org, ann, &forward(&["bob@council.test"], false), NOW)
        .await
        .unwrap();
    store
        .set_forwarding(org, cat, &forward(&["cat@elsewhere.test"], true), NOW)
        .await
        .unwrap();
    store
        .set_users_disabled(org, &[cat], true, NOW)
        .await
        .unwrap();
    let rows = |address: &'static str| {
        let url = url.to_owned();
        async move {
            query_as_mail_server(
                &url,
                &format!(
                    "SELECT destination FROM mail_virtual_aliases WHERE address = '{address}' \
                     ORDER BY destination"
                ),
            )
            .await
        }
    };
    assert_eq!(rows("office@council.test").await, ["ann@council.test"]);
    assert_eq!(
        rows("team@council.test").await,
        ["ann@council.test", "bob@council.test"]
    );
    assert_eq!(rows("ann@council.test").await, ["bob@council.test"]);
    assert_eq!(
        rows("bob@council.test").await,
        [
            "bob.home@elsewhere.test",
            "bob@council.test",
            "z@elsewhere.test"
        ]
    );
    assert!(rows("cat@council.test").await.is_empty(), "disabled");

    // Replaced as a whole; empty is off.
    store
        .set_forwarding(org, bob, &forward(&["z@elsewhere.test"], false), NOW)
        .await
        .unwrap();
    assert_eq!(rows("bob@council.test").await, ["z@elsewhere.test"]);
    store
        .set_forwarding(org, bob, &forward(&[], true), NOW)
        .await
        .unwrap();
    assert!(rows("bob@council.test").await.is_empty());
    assert!(matches!(
        store
            .set_forwarding(org + 1000, bob, &forward(&[], true), NOW)
            .await,
        Err(StoreError::NotFound)
    ));

    // A deleted mailbox takes its forwarding with it.
    store.delete_users(org, &[ann]).await.unwrap();
    assert!(rows("ann@council.test").await.is_empty());
    assert!(rows("office@council.test").await.is_empty());
    assert_eq!(rows("team@council.test").await, ["bob@council.test"]);
}

/// Dovecot's Sieve scripts (`mail_sieve_scripts`): the automatic reply as a Sieve script with
/// its text escaped and the aliases as addresses, only while on, within its days by the
/// database's clock, and for a mailbox that is not disabled.
async fn automatic_replies_become_sieve_scripts(store: &dyn Store, url: &str) {
    let admin = organisation(store).await;
    let org = admin.organisation_id;
    let domain = store.list_domains(org).await.unwrap()[0].id;
    let ann = store
        .create_user(new_user(org, domain, "ann", "Ann"), &created())
        .await
        .unwrap()
        .id;
    assert_eq!(
        store.auto_reply(org, ann).await.unwrap(),
        AutoReply::default()
    );
    assert!(matches!(
        store.auto_reply(org + 1000, ann).await,
        Err(StoreError::NotFound)
    ));
    store
        .add_alias(org, ann, domain, &LocalPart::parse("office").unwrap(), NOW)
        .await
        .unwrap();
    let reply = AutoReply {
        enabled: true,
        subject: r#"Away "until" \Monday"#.into(),
        message: "Line one\nLine \"two\"".into(),
        starts_on: Some("2020-01-01".into()),
        ends_on: None,
    };
    store
        .set_auto_reply(org, ann, &reply, (Some(1_577_836_800), None), NOW)
        .await
        .unwrap();
    assert_eq!(store.auto_reply(org, ann).await.unwrap(), reply);
    let script = |name: &'static str| {
        let url = url.to_owned();
        async move {
            query_as_mail_server(
                &url,
                &format!(
                    "SELECT script_data FROM mail_sieve_scripts \
                     WHERE username = 'ann@council.test' AND script_name = '{name}'"
                ),
            )
            .await
        }
    };
    assert_eq!(
        script("active").await,
        [concat!(
            "require [\"vacation\"];\n",
            r#"vacation :days 4 :subject "Away \"until\" \\Monday" :addresses ["ann@council.test", "office@council.test"] "Line one"#,
            "\n",
            r#"Line \"two\"";"#
        )]
    );
    let id = query_as_mail_server(url, "SELECT id FROM mail_sieve_scripts").await;
    assert_eq!(id.len(), 1);
    assert!(script("other").await.is_empty());

    // Days ahead, days past, turned off, disabled: no script.
    let far = 4_000_000_000;
    for (window, enabled) in [
        ((Some(far), None), true),
        ((None, Some(1_577_836_800)), true),
        ((None, None), false),
    ] {
        let reply = AutoReply {
            enabled,
            ..reply.clone()
        };
        store
            .set_auto_reply(org, ann, &reply, window, NOW)
            .await
            .unwrap();
        assert!(script("active").await.is_empty(), "{window:?} {enabled}");
    }
    store
        .set_auto_reply(org, ann, &reply, (None, Some(far)), NOW)
        .await
        .unwrap();
    assert_eq!(script("active").await.len(), 1);
    store
        .set_users_disabled(org, &[ann], true, NOW)
        .await
        .unwrap();
    assert!(script("active").await.is_empty(), "disabled");
}

conformance!(
    mail_server_commands_wait_for_their_time_and_leave_when_done;
    with_url:
    the_mail_server_views_follow_the_panel,
    forwarding_aliases_and_lists_reach_virtual_alias_maps,
    automatic_replies_become_sieve_scripts,
);
