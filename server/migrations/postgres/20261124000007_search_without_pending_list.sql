-- GIN's fast update keeps new entries in a pending list that every search reads in full until
-- vacuum merges it; after a large import that made a 10-row search take 20 ms instead of 1 ms.
-- Mailboxes change seldom, so each insert updates the index at once.
ALTER INDEX users_search_name SET (fastupdate = off);
ALTER INDEX users_search_email SET (fastupdate = off);
SELECT gin_clean_pending_list('users_search_name'::regclass);
SELECT gin_clean_pending_list('users_search_email'::regclass);
