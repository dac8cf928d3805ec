-- Aliases (other addresses of a mailbox) and distribution lists (one address, several
-- mailboxes). An address belongs to one mailbox, alias or list: the store checks all three
-- while it holds the organisation's lock, and each table's UNIQUE backs that up.
CREATE TABLE aliases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    domain_id BIGINT NOT NULL REFERENCES domains (id) ON DELETE RESTRICT,
    email TEXT COLLATE "C" NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX aliases_by_user ON aliases (user_id, email);
CREATE INDEX aliases_by_domain ON aliases (domain_id);

CREATE TABLE distribution_lists (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    domain_id BIGINT NOT NULL REFERENCES domains (id) ON DELETE RESTRICT,
    email TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX lists_by_organisation ON distribution_lists (organisation_id, email);
CREATE INDEX lists_by_domain ON distribution_lists (domain_id);

CREATE TABLE list_members (
    list_id BIGINT NOT NULL REFERENCES distribution_lists (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (list_id, user_id)
);
CREATE INDEX list_members_by_user ON list_members (user_id);
