-- Who may give mailboxes other addresses, and whether mail may be forwarded outside the
-- organisation's domains (refused unless the account administrator allows it).
ALTER TABLE organisations ADD COLUMN alias_managers TEXT NOT NULL DEFAULT 'user_admins'
    CHECK (alias_managers IN ('account_admin', 'user_admins'));
ALTER TABLE organisations ADD COLUMN external_forwarding BOOLEAN NOT NULL DEFAULT FALSE;

-- Where a mailbox's mail goes as well as (or instead of) the mailbox.
CREATE TABLE forwards (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    -- The order the addresses were typed in.
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, address)
);
ALTER TABLE users ADD COLUMN keep_forwarded_copy BOOLEAN NOT NULL DEFAULT TRUE;

-- Postfix virtual_alias_maps: every address the panel delivers elsewhere, one destination a row
-- (Postfix joins the rows with commas and expands the result again). An alias delivers to its
-- mailbox, a list to its members, a forwarding mailbox to its destinations and, when it keeps
-- a copy, to itself (an address that expands to itself is delivered, not expanded again).
-- Disabled mailboxes forward nothing.
CREATE VIEW mail_virtual_aliases AS
SELECT a.email AS address, u.email AS destination
FROM aliases a JOIN users u ON u.id = a.user_id
UNION ALL
SELECT l.email, u.email
FROM distribution_lists l JOIN list_members m ON m.list_id = l.id JOIN users u ON u.id = m.user_id
UNION ALL
SELECT u.email, f.address
FROM forwards f JOIN users u ON u.id = f.user_id
WHERE u.status = 'active'
UNION ALL
SELECT u.email, u.email
FROM users u
WHERE u.status = 'active' AND u.keep_forwarded_copy
  AND EXISTS (SELECT 1 FROM forwards f WHERE f.user_id = u.id);
