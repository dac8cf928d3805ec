-- Each mailbox user's language, time zone (IANA name) and date format.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE users ADD COLUMN date_format TEXT NOT NULL DEFAULT 'iso';
