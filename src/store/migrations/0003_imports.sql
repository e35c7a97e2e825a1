-- 0003_imports.sql: the log of imports, so that each can be listed and undone.
-- An import's new rows are not listed one by one: within its one write transaction
-- nothing else writes, so the rows it created in a table are those with
-- above < rowid <= last (import_created). Rows it changed keep their whole row as
-- it was before, once per import (import_changed.before: a JSON object of column
-- -> value), saved only for rows really changed.

CREATE TABLE imports (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL, -- who imported; NULL unknown
    kind      TEXT NOT NULL,
    file      TEXT NOT NULL,    -- as given on the command line
    size      INTEGER NOT NULL, -- bytes
    hash      TEXT NOT NULL,    -- BLAKE2b-256 of the file's bytes, hex
    options   TEXT NOT NULL,    -- JSON array of the options as typed
    rows      INTEGER NOT NULL DEFAULT 0,
    created   INTEGER NOT NULL DEFAULT 0, -- records of kind created
    updated   INTEGER NOT NULL DEFAULT 0, -- records of kind changed
    unchanged INTEGER NOT NULL DEFAULT 0, -- rows that matched a record holding their values
    rejected  INTEGER NOT NULL DEFAULT 0,
    refs      TEXT,             -- JSON object: kind -> records created by --create-missing
    audit_id  INTEGER,          -- the import's audit_log row: edits after it are later
    undone_at INTEGER,          -- NULL while in effect
    undone_by INTEGER REFERENCES users(id) ON DELETE SET NULL
) STRICT;

CREATE TABLE import_created (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    tbl       TEXT NOT NULL,
    above     INTEGER NOT NULL, -- the table's largest rowid before the import
    last      INTEGER NOT NULL, -- and after it
    UNIQUE (import_id, tbl)
) STRICT;

CREATE TABLE import_changed (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    tbl       TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    before    TEXT NOT NULL,
    UNIQUE (import_id, tbl, record_id)
) STRICT;
CREATE INDEX import_changed_record ON import_changed(tbl, record_id);
