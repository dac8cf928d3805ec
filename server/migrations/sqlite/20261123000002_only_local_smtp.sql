-- A mailbox so marked may send only to addresses of its own domain (enforced by the MTA's lookup).
ALTER TABLE users ADD COLUMN only_local_smtp BOOLEAN NOT NULL DEFAULT FALSE;
