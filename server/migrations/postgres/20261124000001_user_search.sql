-- Substring search over names and addresses without reading every row: trigram indexes, which
-- serve `LIKE '%text%'` directly. pg_trgm is a trusted extension: the database owner may add it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_search_name ON users USING gin (name_lower gin_trgm_ops);
CREATE INDEX users_search_email ON users USING gin (email gin_trgm_ops);
