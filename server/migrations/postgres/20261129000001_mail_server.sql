-- What the mail server reads. Dovecot and Postfix query these views, never the tables, so a
-- running mail server's configuration keeps working when the panel's tables change.

-- Dovecot's passdb: mailboxes that may sign in. Dovecot verifies the password before it honours
-- nologin, so the reason reaches only someone who knows the (temporary) password.
CREATE VIEW mail_passdb AS
SELECT email AS username,
       password_hash AS password,
       CASE WHEN must_change_password THEN 'Y' END AS nologin,
       CASE WHEN must_change_password
            THEN 'Password change required: use the web panel' END AS reason
FROM users
WHERE status = 'active' AND NOT shared;

-- Dovecot's userdb: every mailbox (disabled and shared ones still hold mail) and its quota.
CREATE VIEW mail_userdb AS
SELECT email AS username, '*:storage=' || quota_mb || 'M' AS quota_rule
FROM users;

-- Postfix smtpd_sender_login_maps: the login that may send as an address. A mailbox sends as
-- itself and its aliases; nobody sends as a shared mailbox or a distribution list.
CREATE VIEW mail_sender_logins AS
SELECT email AS address, email AS login FROM users WHERE NOT shared
UNION ALL
SELECT a.email, u.email FROM aliases a JOIN users u ON u.id = a.user_id WHERE NOT u.shared;

-- Postfix check_sasl_access: the restriction class of logins marked "Only local SMTP".
CREATE VIEW mail_smtp_restrictions AS
SELECT email AS login, 'only_local_smtp' AS restriction FROM users WHERE only_local_smtp;

-- Postfix check_recipient_access inside that class: the domains mail may stay within.
CREATE VIEW mail_domains AS
SELECT name AS domain FROM domains;

-- Commands the mail server missed because it could not be reached (closing a user's open
-- connections, forgetting cached logins), retried with growing pauses until it answers.
CREATE TABLE mail_server_tasks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address TEXT COLLATE "C" NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('end_connections', 'forget_logins')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX mail_server_tasks_due ON mail_server_tasks (next_attempt_at);
