-- A mailbox's automatic reply. The days typed (in the user's time zone) are kept to show them
-- again; the instants they start and end (Unix seconds, UTC) are what the mail server compares.
CREATE TABLE auto_replies (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL,
    subject TEXT NOT NULL,
    message TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    starts_at INTEGER,
    ends_at INTEGER,
    updated_at INTEGER NOT NULL
);

-- Dovecot's Sieve scripts, read through its dict (Pigeonhole's "dict" script storage): a
-- mailbox whose automatic reply is on, and within its days by the database's clock, has the
-- script "active"; otherwise none, so turning it off (or its end passing) stops the replies at
-- the next delivery with nothing to reload. The script is written here from the stored text,
-- as Sieve quoted strings (backslash and double quote escaped). Pigeonhole's vacation replies
-- once per sender per :days, never to lists, bulk mail or automatic mail, and only to mail
-- addressed to the mailbox or one of its aliases (:addresses).
CREATE VIEW mail_sieve_scripts AS
SELECT u.email AS username,
       'active' AS script_name,
       'auto-reply-' || r.user_id || '-' || r.updated_at AS id,
       'require ["vacation"];' || char(10) || 'vacation :days 4'
         || CASE WHEN r.subject = '' THEN ''
                 ELSE ' :subject "' || replace(replace(r.subject, '\', '\\'), '"', '\"') || '"' END
         || ' :addresses ["' || u.email || '"'
         || COALESCE((SELECT group_concat(', "' || a.email || '"', '') FROM aliases a WHERE a.user_id = u.id), '')
         || '] "' || replace(replace(r.message, '\', '\\'), '"', '\"') || '";' AS script_data
FROM auto_replies r JOIN users u ON u.id = r.user_id
WHERE r.enabled AND u.status = 'active'
  AND (r.starts_at IS NULL OR r.starts_at <= CAST(strftime('%s', 'now') AS INTEGER))
  AND (r.ends_at IS NULL OR r.ends_at > CAST(strftime('%s', 'now') AS INTEGER));
