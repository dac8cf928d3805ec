-- Help for a user who can't get in: "Forgot password" by mail to the recovery address, and the
-- administrator's one-time password for mail apps.
ALTER TABLE organisations ADD COLUMN self_service_recovery BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE organisations ADD COLUMN one_time_password_minutes INTEGER NOT NULL DEFAULT 5
    CHECK (one_time_password_minutes BETWEEN 1 AND 60);

-- A link the person asked for themselves; the others come with an administrator's reset.
ALTER TABLE password_links ADD COLUMN requested BOOLEAN NOT NULL DEFAULT FALSE;

-- One-time passwords are app passwords that end: one lookup space for the mail server, which
-- compares the end with its own clock, so no panel process needs to run for them to stop.
ALTER TABLE app_passwords ADD COLUMN expires_at INTEGER;

DROP VIEW mail_app_passdb;
CREATE VIEW mail_app_passdb AS
SELECT u.email AS username, a.lookup, a.password_hash AS password
FROM app_passwords a JOIN users u ON u.id = a.user_id
WHERE u.status = 'active' AND NOT u.shared
  AND (a.expires_at IS NULL OR a.expires_at > CAST(strftime('%s', 'now') AS INTEGER));

-- A user's own activity: the events about their address.
CREATE INDEX audit_by_target ON audit_events (organisation_id, target, id);
