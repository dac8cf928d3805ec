-- App passwords for mail apps. Each is an argon2id hash; its first four characters (the
-- lookup) are kept in clear so the mail server finds the one hash to verify.
CREATE TABLE app_passwords (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    lookup TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    -- Who made it: the user, or the administrator's address.
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, lookup)
);

-- With two-factor authentication on, a user's own password opens the panel only, and mail
-- apps need an app password: on unless the organisation turns it off.
ALTER TABLE organisations ADD COLUMN app_passwords_only BOOLEAN NOT NULL DEFAULT TRUE;

-- Dovecot's first passdb: the user's own password, unless two-factor authentication keeps it
-- for the panel.
DROP VIEW mail_passdb;
CREATE VIEW mail_passdb AS
SELECT u.email AS username,
       u.password_hash AS password,
       CASE WHEN u.must_change_password THEN 'Y' END AS nologin,
       CASE WHEN u.must_change_password
            THEN 'Password change required: use the web panel' END AS reason
FROM users u JOIN organisations o ON o.id = u.organisation_id
WHERE u.status = 'active' AND NOT u.shared
  AND NOT (o.app_passwords_only AND EXISTS (
      SELECT 1 FROM two_factor t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL));

-- Dovecot's second passdb: app passwords, found by the first four characters typed.
CREATE VIEW mail_app_passdb AS
SELECT u.email AS username, a.lookup, a.password_hash AS password
FROM app_passwords a JOIN users u ON u.id = a.user_id
WHERE u.status = 'active' AND NOT u.shared;
