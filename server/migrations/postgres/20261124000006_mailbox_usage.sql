-- What each mailbox holds, kept by the mail server's quota accounting (Dovecot's quota dict
-- writes it: see the README's "Connect your mail server"). The panel only reads it, so that a
-- quota is never set below what the mailbox already holds.
CREATE TABLE mailbox_usage (
    username TEXT COLLATE "C" PRIMARY KEY,
    bytes BIGINT NOT NULL DEFAULT 0,
    messages BIGINT NOT NULL DEFAULT 0
);
