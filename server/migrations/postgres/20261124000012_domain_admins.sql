-- A user admin works over the whole organisation or, as a domain admin, only over the domains
-- listed for them. Removing a domain removes it from every list: such an admin then manages
-- nothing rather than everything.
ALTER TABLE users ADD COLUMN admin_scope TEXT NOT NULL DEFAULT 'organisation'
    CHECK (admin_scope IN ('organisation', 'domains'));
CREATE TABLE admin_domains (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    domain_id BIGINT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, domain_id)
);
CREATE INDEX admin_domains_by_domain ON admin_domains (domain_id);
