-- Failed sign-ins in a row, and the end of the lock they earned: a guessed password stops
-- working for a growing time. A successful sign-in or an administrator clears both.
ALTER TABLE users ADD COLUMN failed_sign_ins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT;
-- The audit log page reads an organisation's events newest first by id (its keyset), all
-- of them or one action's.
CREATE INDEX audit_by_organisation_id ON audit_events (organisation_id, id);
CREATE INDEX audit_by_action ON audit_events (organisation_id, action, id);
-- When each session last proved its password (at sign-in, or confirmed again): sensitive
-- actions ask for it once this is too long ago. Sessions from before read as long ago.
ALTER TABLE sessions ADD COLUMN password_confirmed_at BIGINT NOT NULL DEFAULT 0;
