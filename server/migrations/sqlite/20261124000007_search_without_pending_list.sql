-- PostgreSQL's trigram indexes lose their pending list in this version; SQLite's FTS5 table has
-- none, and nothing changes here (the versions of both back ends stay in step).
SELECT 1;
