-- Who opens a shared mailbox, and which of them may send as its address.
CREATE TABLE shared_members (
    mailbox_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    send_as BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, member_id)
);
CREATE INDEX shared_members_by_member ON shared_members (member_id);

-- Dovecot's master passdbs: a member opens the shared mailbox as "mailbox*member" with what
-- opens their own mailbox (their password, unless two-factor authentication keeps it for the
-- panel, or an app password), so these follow mail_passdb and mail_app_passdb. Nobody signs in
-- to the shared mailbox itself, and a disabled one opens to nobody.
CREATE VIEW mail_shared_passdb AS
SELECT s.email AS mailbox, p.username, p.password, p.nologin, p.reason
FROM shared_members sm
JOIN users s ON s.id = sm.mailbox_id
JOIN users m ON m.id = sm.member_id
JOIN mail_passdb p ON p.username = m.email
WHERE s.shared AND s.status = 'active';

CREATE VIEW mail_shared_app_passdb AS
SELECT s.email AS mailbox, a.username, a.lookup, a.password
FROM shared_members sm
JOIN users s ON s.id = sm.mailbox_id
JOIN users m ON m.id = sm.member_id
JOIN mail_app_passdb a ON a.username = m.email
WHERE s.shared AND s.status = 'active';

-- Postfix smtpd_sender_login_maps: a mailbox sends as itself and its aliases, and the members
-- a shared mailbox lets "send as" send as its address (Postfix joins several logins with
-- commas); nobody else sends as a shared mailbox or a distribution list.
DROP VIEW mail_sender_logins;
CREATE VIEW mail_sender_logins AS
SELECT email AS address, email AS login FROM users WHERE NOT shared
UNION ALL
SELECT a.email, u.email FROM aliases a JOIN users u ON u.id = a.user_id WHERE NOT u.shared
UNION ALL
SELECT s.email, m.email
FROM shared_members sm
JOIN users s ON s.id = sm.mailbox_id
JOIN users m ON m.id = sm.member_id
WHERE sm.send_as AND s.shared AND s.status = 'active' AND m.status = 'active' AND NOT m.shared;
