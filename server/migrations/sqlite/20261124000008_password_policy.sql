-- Each organisation's password policy, which the server enforces and the browser's meter shows.
-- The defaults are NIST's advice: 12 characters, a zxcvbn score of 3, no composition rules.
ALTER TABLE organisations ADD COLUMN password_min_chars INTEGER NOT NULL DEFAULT 12
    CHECK (password_min_chars BETWEEN 8 AND 64);
ALTER TABLE organisations ADD COLUMN password_min_score INTEGER NOT NULL DEFAULT 3
    CHECK (password_min_score BETWEEN 0 AND 4);
ALTER TABLE organisations ADD COLUMN password_require_upper BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN password_require_lower BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN password_require_digit BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN password_require_symbol BOOLEAN NOT NULL DEFAULT FALSE;
