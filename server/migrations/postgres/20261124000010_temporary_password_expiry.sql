-- A temporary password set by a reset works only for a while: an unused one stops working.
ALTER TABLE users ADD COLUMN password_expires_at BIGINT;
