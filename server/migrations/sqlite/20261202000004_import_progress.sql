-- A CSV upload's passwords are hashed after the upload has answered, so that its preview can
-- show how far the check has come; until it is done, its rows hold no hashes.
ALTER TABLE import_batches ADD COLUMN passwords_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN passwords_hashed INTEGER NOT NULL DEFAULT 0;
-- When the check last moved: one that stops moving was cut short (the server stopped).
ALTER TABLE import_batches ADD COLUMN checked_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN check_failed BOOLEAN NOT NULL DEFAULT FALSE;
