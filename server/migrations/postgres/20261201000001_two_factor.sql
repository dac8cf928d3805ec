-- Two-factor sign-in: a user's TOTP key, sealed with the server's key so that a copy of the
-- database alone never reveals it, and their recovery codes, each an argon2id hash.
CREATE TABLE two_factor (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sealed_key BYTEA NOT NULL,
    -- NULL while the set-up waits for its first code.
    confirmed_at BIGINT,
    -- The step of the last code accepted: no code of it or before it works again.
    last_step BIGINT
);
CREATE TABLE recovery_codes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
