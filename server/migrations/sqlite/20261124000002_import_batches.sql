-- An uploaded CSV file between its preview and the admin's confirmation: the checked rows as
-- JSON (a password only as its argon2id hash). Removed on confirmation, or an hour later.
CREATE TABLE import_batches (
    -- AUTOINCREMENT: an id is never reused, so an old preview address can't show a newer upload.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    rows TEXT NOT NULL
);
CREATE INDEX import_batches_by_age ON import_batches (created_at);
