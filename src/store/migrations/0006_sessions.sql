-- 0006_sessions.sql: login sessions of the web app and failed logins.
-- A session is identified by a random token in an HttpOnly cookie; only its BLAKE2b
-- hash is kept. Its CSRF token (random, not secret from the page) must come back in
-- a header on every write made with the cookie.

CREATE TABLE sessions (
    hash      TEXT PRIMARY KEY,      -- BLAKE2b-256 of the cookie's token, hex
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf      TEXT NOT NULL,
    created   INTEGER NOT NULL,
    expires   INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

-- Consecutive failed logins of a user since the last good one, the last failure,
-- and until when the account is locked (NULL: not locked). A user without a row
-- has no failures.
CREATE TABLE login_failures (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    failed       INTEGER NOT NULL,
    last_failed  INTEGER NOT NULL,
    locked_until INTEGER
) STRICT;
