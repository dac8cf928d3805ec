-- Substring search over names and addresses without reading every row: a trigram index.
-- An external-content FTS5 table holds only the index; triggers keep it in step with `users`.
CREATE VIRTUAL TABLE users_search USING fts5 (
    name, email, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, name, email) VALUES (new.id, new.name, new.email);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email)
    VALUES ('delete', old.id, old.name, old.email);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF name, email ON users BEGIN
    INSERT INTO users_search (users_search, rowid, name, email)
    VALUES ('delete', old.id, old.name, old.email);
    INSERT INTO users_search (rowid, name, email) VALUES (new.id, new.name, new.email);
END;
