-- 0007_history_archive.sql: where an import's undo puts the deal history of the
-- deals it deletes (every row came from that import), so that nothing is deleted
-- from the history: the rows leave deal_history, which the reports read, for
-- deal_history_archive, with the same columns and values (id: the row's id in
-- deal_history) and the audit_log row of the undo that moved them. No foreign
-- keys: the deals, and the users and stages the import created, are gone.
CREATE TABLE deal_history_archive (
    id             INTEGER PRIMARY KEY,
    deal_id        INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    author_id      INTEGER,
    changed        TEXT NOT NULL,
    stage_id       INTEGER NOT NULL,
    status         TEXT NOT NULL,
    amount         INTEGER,
    currency       TEXT NOT NULL,
    owner_id       INTEGER,
    expected_close TEXT,
    undo_audit_id  INTEGER NOT NULL -- audit_log.id of the undo (action 'undo')
) STRICT;
CREATE INDEX deal_history_archive_undo ON deal_history_archive(undo_audit_id);
CREATE TRIGGER deal_history_archive_append_only BEFORE UPDATE ON deal_history_archive
BEGIN
    SELECT RAISE(ABORT, 'deal history is append-only');
END;
-- the undo's audit row, to find an import's archived history
ALTER TABLE imports ADD COLUMN undo_audit_id INTEGER;
