-- Keyset pagination of the users list in each order it offers (the address breaks ties).
CREATE INDEX users_by_name ON users (organisation_id, name_lower, email);
CREATE INDEX users_by_quota ON users (organisation_id, quota_mb, email);
CREATE INDEX users_by_last_sign_in ON users (organisation_id, (COALESCE(last_login_at, 0)), email);
