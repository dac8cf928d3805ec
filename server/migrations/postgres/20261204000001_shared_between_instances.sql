-- What every instance of the panel must see alike, when several run on one database.

-- The one-time setup tokens printed at start while no administrator exists (their SHA-256):
-- any instance's token opens the setup, whichever instance the browser reaches. The setup that
-- creates the first administrator deletes them all in its transaction.
CREATE TABLE setup_tokens (
    token_hash BYTEA PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- Fixed-window counters of failed attempts (sign-ins per client address, "Forgot password"
-- per address and per client), counted in the database so a limit trips at the same count
-- whichever instance is asked. `scope` says which limit; `subject` what it counts.
CREATE TABLE attempt_windows (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX attempt_windows_start ON attempt_windows (window_start);
