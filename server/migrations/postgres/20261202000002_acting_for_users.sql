-- "Sign in as this user": a session of the user's own that an administrator opened, which lasts
-- at most 30 minutes, ends with the administrator's account, and goes back where they were.
ALTER TABLE sessions ADD COLUMN acting_admin_id BIGINT REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN return_to TEXT;

-- The user hears by mail that an administrator signed in as them (on unless turned off).
ALTER TABLE organisations ADD COLUMN notify_when_acted_for BOOLEAN NOT NULL DEFAULT TRUE;
