-- The organisation's mailboxes in use and storage allocated, kept rather than counted on every
-- page: triggers move them in the same transaction as each change to `users`, whichever code
-- made it. `server recount` repairs them after changes made with the triggers bypassed.
ALTER TABLE organisations ADD COLUMN mailboxes_used INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN storage_allocated_mb INTEGER NOT NULL DEFAULT 0;

UPDATE organisations SET
    mailboxes_used = (SELECT COUNT(*) FROM users u WHERE u.organisation_id = organisations.id AND NOT u.shared),
    storage_allocated_mb = (SELECT COALESCE(SUM(u.quota_mb), 0) FROM users u WHERE u.organisation_id = organisations.id);

CREATE TRIGGER users_totals_insert AFTER INSERT ON users BEGIN
    UPDATE organisations
    SET mailboxes_used = mailboxes_used + (CASE WHEN new.shared THEN 0 ELSE 1 END),
        storage_allocated_mb = storage_allocated_mb + new.quota_mb
    WHERE id = new.organisation_id;
END;
CREATE TRIGGER users_totals_delete AFTER DELETE ON users BEGIN
    UPDATE organisations
    SET mailboxes_used = mailboxes_used - (CASE WHEN old.shared THEN 0 ELSE 1 END),
        storage_allocated_mb = storage_allocated_mb - old.quota_mb
    WHERE id = old.organisation_id;
END;
CREATE TRIGGER users_totals_update AFTER UPDATE OF shared, quota_mb, organisation_id ON users
WHEN old.shared IS NOT new.shared OR old.quota_mb IS NOT new.quota_mb
    OR old.organisation_id IS NOT new.organisation_id
BEGIN
    UPDATE organisations
    SET mailboxes_used = mailboxes_used - (CASE WHEN old.shared THEN 0 ELSE 1 END),
        storage_allocated_mb = storage_allocated_mb - old.quota_mb
    WHERE id = old.organisation_id;
    UPDATE organisations
    SET mailboxes_used = mailboxes_used + (CASE WHEN new.shared THEN 0 ELSE 1 END),
        storage_allocated_mb = storage_allocated_mb + new.quota_mb
    WHERE id = new.organisation_id;
END;
