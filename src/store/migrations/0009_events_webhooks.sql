-- 0009_events_webhooks.sql: what the event stream and webhooks need.
-- Events are the audit log's rows (store/events.h); finding whether a record was
-- deleted later (to read its owner as it was) looks up its rows by kind and id.
CREATE INDEX audit_log_record ON audit_log(kind, record_id);

-- Webhooks: an admin subscribes a URL to event types. Events after after_event
-- (an audit_log id) not yet queued are turned into deliveries by the server's
-- webhook worker, which then moves after_event on, in the same transaction.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,          -- JSON array of event types
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    secret      TEXT NOT NULL,          -- signs deliveries (HMAC-SHA256); shown once, on creation
    description TEXT,
    created     INTEGER NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    after_event INTEGER NOT NULL        -- the last audit_log id considered for this hook
) STRICT;

-- One event sent (or to be sent) to one hook. pending: next_attempt says when;
-- delivered: a 2xx came back; failed: retries ran out (a day). A replay is a new
-- delivery of the same event and body (replay_of: the delivery replayed).
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL,   -- audit_log id
    event_type      TEXT NOT NULL,
    body            TEXT NOT NULL,      -- the JSON sent, fixed when queued
    created         INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt    INTEGER,            -- Unix seconds, while pending
    last_attempt    INTEGER,
    last_status     INTEGER,            -- HTTP status of the last attempt; NULL: no answer
    last_latency_ms INTEGER,
    last_error      TEXT,
    replay_of       INTEGER REFERENCES webhook_deliveries(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);
-- an event is queued once per hook (replays aside), whichever worker queues it
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries(webhook_id, event_id) WHERE replay_of IS NULL;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt) WHERE status = 'pending';
