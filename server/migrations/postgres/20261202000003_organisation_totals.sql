-- The organisation's mailboxes in use and storage allocated, kept rather than counted on every
-- page: a trigger moves them in the same transaction as each change to `users`, whichever code
-- made it. `server recount` repairs them after changes made with the trigger bypassed.
ALTER TABLE organisations ADD COLUMN mailboxes_used BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN storage_allocated_mb BIGINT NOT NULL DEFAULT 0;

UPDATE organisations SET
    mailboxes_used = (SELECT COUNT(*) FROM users u WHERE u.organisation_id = organisations.id AND NOT u.shared),
    storage_allocated_mb = (SELECT COALESCE(SUM(u.quota_mb), 0) FROM users u WHERE u.organisation_id = organisations.id);

CREATE FUNCTION users_move_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE organisations
        SET mailboxes_used = mailboxes_used - (CASE WHEN OLD.shared THEN 0 ELSE 1 END),
            storage_allocated_mb = storage_allocated_mb - OLD.quota_mb
        WHERE id = OLD.organisation_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE organisations
        SET mailboxes_used = mailboxes_used + (CASE WHEN NEW.shared THEN 0 ELSE 1 END),
            storage_allocated_mb = storage_allocated_mb + NEW.quota_mb
        WHERE id = NEW.organisation_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_totals_insert_delete AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION users_move_totals();
CREATE TRIGGER users_totals_update AFTER UPDATE OF shared, quota_mb, organisation_id ON users
    FOR EACH ROW
    WHEN (OLD.shared IS DISTINCT FROM NEW.shared OR OLD.quota_mb IS DISTINCT FROM NEW.quota_mb
          OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION users_move_totals();
