-- 0005_auth.sql: API tokens for integrations. A token is shown once when created;
-- only its BLAKE2b-256 hash is kept (a token is 32 random bytes: no salt or slow
-- hash is needed), with its first characters to tell tokens apart in lists. Its
-- role is at most its user's.

CREATE TABLE api_tokens (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    prefix    TEXT NOT NULL,        -- the token's first 12 characters
    hash      TEXT NOT NULL UNIQUE, -- BLAKE2b-256 of the whole token, hex
    role      TEXT NOT NULL CHECK (role = 'admin' OR role = 'manager' OR role = 'rep' OR role = 'viewer'),
    created   INTEGER NOT NULL,
    last_used INTEGER,
    revoked   INTEGER               -- NULL while the token works
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(user_id);
