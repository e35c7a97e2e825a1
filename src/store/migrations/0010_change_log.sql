-- 0010_change_log.sql: what each write transaction changed, so that a process
-- holding an analytics snapshot of generation G can bring it up to date by
-- applying the changes of the generations after G instead of rebuilding it
-- (src/store/store.c writes it in store_commit; src/metrics/snapshot_patch.c reads
-- it). One or more rows per generation:
--   kind 'deal', row_id = a deal inserted or updated (its row or its history);
--   kind '*'  (row_id NULL): anything else the snapshot reads changed, or the
--             writer could not tell: the snapshot must be rebuilt;
--   kind '-'  (row_id NULL): nothing the snapshot reads changed.
-- A generation with no row (pruned, or written by an older embudo) counts as '*'.
CREATE TABLE change_log (
    generation INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('deal', '*', '-')),
    row_id     INTEGER
) STRICT;
CREATE INDEX change_log_by_generation ON change_log (generation);
