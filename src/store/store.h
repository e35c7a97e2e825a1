/*
 * store.h - the store of record: one SQLite database file (the embedded default).
 *
 * Ownership: store_open() allocates a store that the caller frees with
 * store_close(). A store is used by one thread at a time. Write transactions are
 * explicit: store_begin() / store_commit() / store_rollback(); store_commit() bumps
 * the organisation's generation number so derived state (the analytics snapshot)
 * can tell it is stale. All SQLite specifics stay in src/store/.
 */
#ifndef EMB_STORE_H
#define EMB_STORE_H

#include <stdint.h>

#include "core/error.h"

typedef struct store store;
typedef struct sqlite3 sqlite3;

enum store_open_flags {
    STORE_CREATE = 1u << 0,   /* create the file if missing (init, demo, import) */
    STORE_READONLY = 1u << 1, /* open for reading only (export, list, kpi) */
};

/* How long a store waits for another process's lock before failing with EMB_BUSY. */
enum { STORE_BUSY_TIMEOUT_MS = 5000 };

/* Opens (and, with STORE_CREATE, creates) the database at path, applies pending
 * migrations in one transaction, and refuses files written by a newer schema
 * (EMB_SCHEMA_NEWER), files that are not databases (EMB_CORRUPT), missing files
 * without STORE_CREATE (EMB_NOT_FOUND). On failure *out is NULL and nothing was
 * written. */
emb_code store_open(const char *path, unsigned flags, store **out, emb_err *err);
void store_close(store *st);

/* The schema version this binary writes, and the one of the open file. */
int store_schema_version_supported(void);
int store_schema_version(store *st);

/* BEGIN IMMEDIATE; fails with EMB_BUSY if another writer holds the lock past the
 * busy timeout. */
emb_code store_begin(store *st, emb_err *err);
/* Bumps the generation and commits; on failure the transaction is rolled back. */
emb_code store_commit(store *st, emb_err *err);
/* Rolls back the open transaction, if any. Never fails. */
void store_rollback(store *st);
/* The generation number: incremented by every committed write transaction. */
int64_t store_generation(store *st);

/* Copies the live database to dest_path with SQLite's online backup API, safe while
 * other processes write; dest is written whole or not at all. */
emb_code store_backup(store *st, const char *dest_path, emb_err *err);

/* Removes the temporary files that a killed process left beside path: those
 * named path + prefix + PID + suffix, or path + prefix + PID-TAG + suffix (TAG:
 * letters and digits that tell apart the writers of one process), optionally
 * followed by "-wal", "-shm" or "-journal", whose process is gone (kill(PID, 0) fails with ESRCH). Never a
 * live process's, nor this one's. Best effort: returns how many were removed. */
int store_remove_stale(const char *path, const char *prefix, const char *suffix);

/* The directory that holds path ("." for a bare name, "/" for a file at the root)
 * into dir (size bytes); 0, or -1 when it does not fit. */
int store_dir_of(const char *path, char *dir, size_t size);

/* Runs SQL with no result rows (for migrations and bulk loaders inside store/). */
emb_code store_exec(store *st, const char *sql, emb_err *err);

/* The SQLite handle, for modules of the SQLite backend (src/store/ only). */
sqlite3 *store_sqlite(store *st);

/* A prepared statement cached in slot (0..STORE_STMT_SLOTS-1) for the life of the
 * store, prepared from sql on first use and reset on every later call. The store
 * owns it; callers bind, step and leave it (the end of every transaction resets
 * it, so that it holds no read open). NULL with err set when sql fails.
 * With sql NULL it only returns a statement already cached (NULL, no error, when
 * none), so callers can build costly SQL text once. */
/* Slots 1000-1007 are the bulk loader's (bulk.h), 1010-1011 the change log's (store.c). */
#define STORE_STMT_SLOTS 1024
typedef struct sqlite3_stmt sqlite3_stmt;
sqlite3_stmt *store__stmt(store *st, unsigned slot, const char *sql, emb_err *err);

/* Maps the last SQLite error to an emb_code and message, prefixed by what. */
emb_code store_sql_error(store *st, const char *what, emb_err *err);

/* Organisation settings, as stored (owned by the store, valid until store_close
 * or the next store_reload_org). */
typedef struct {
    const char *name;
    const char *currency;  /* reporting currency, ISO 4217 */
    const char *timezone;  /* IANA zone name */
    int fiscal_year_start; /* 1..12 */
    int week_start;        /* 1 = Monday .. 7 = Sunday */
    const char *locale;    /* en or es */
    const char *instance;  /* random id given to the database at creation (32 hex digits) */
} org_settings;

const org_settings *store_org(store *st);
/* Reads the organisation row again after it was changed. */
emb_code store_reload_org(store *st, emb_err *err);

#endif
