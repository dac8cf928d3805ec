-- Who must sign in with a second factor. Organisations that existed before keep signing in as
-- they did; a new organisation starts with 'admins' (set when it is created).
ALTER TABLE organisations ADD COLUMN two_factor_required TEXT NOT NULL DEFAULT 'nobody'
    CHECK (two_factor_required IN ('nobody', 'admins', 'everyone'));
