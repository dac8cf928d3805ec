-- Where credentials go when an administrator resets a password: an address outside the mailbox,
-- which its owner may be locked out of.
ALTER TABLE users ADD COLUMN recovery_email TEXT;

-- Single-use links to set a new password. Only the SHA-256 of the token is kept.
CREATE TABLE password_links (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX password_links_user ON password_links (user_id);

-- Mail waiting to go, and what became of it. The body is sealed with the server's key while it
-- waits and dropped once the message is sent or given up on: secrets never rest in clear.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    sealed_body BLOB,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_user ON outbox (user_id, id);
