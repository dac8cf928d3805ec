-- An uploaded CSV file between its preview and the admin's confirmation: the checked rows as
-- JSON (a password only as its argon2id hash). Removed on confirmation, or an hour later.
CREATE TABLE import_batches (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    rows TEXT NOT NULL
);
CREATE INDEX import_batches_by_age ON import_batches (created_at);
