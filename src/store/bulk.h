/*
 * bulk.h - store helpers for bulk loaders (import, demo): per-row savepoints,
 * loading the keys of a kind in one pass, lookups by a natural key, the one audit
 * row of a bulk load, and connection settings for the length of a load.
 *
 * Everything runs inside the caller's store_begin()/store_commit(). Statements
 * are cached in the store's slots BULK_SLOT_FIRST..BULK_SLOT_LAST (store.h).
 *
 * Ownership: a store_finder is allocated by store_finder_new() and freed by
 * store_finder_free() before the store is closed.
 */
#ifndef EMB_BULK_H
#define EMB_BULK_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "store/records.h"
#include "store/store.h"

enum { BULK_SLOT_FIRST = 1000, BULK_SLOT_LAST = 1007 };

/* SAVEPOINT / RELEASE / ROLLBACK TO of one unnamed level ("emb_row"), so that a
 * rejected row leaves nothing behind. Savepoints do not nest. */
emb_code store_savepoint(store *st, emb_err *err);
emb_code store_savepoint_release(store *st, emb_err *err);
/* Undoes everything since store_savepoint() and releases it. Never fails. */
void store_savepoint_rollback(store *st);

/* Calls fn(ud, value, length, id) for every row of kind whose field (a stored
 * text field, e.g. "id" for ext_id or "name") is not NULL. fn returns 0 to go
 * on, non-zero to stop with EMB_NOMEM. */
typedef int (*store_key_fn)(void *ud, const char *value, size_t len, int64_t id);
emb_code store_bulk_keys(store *st, const kind_def *kind, const char *field, store_key_fn fn, void *ud,
                         emb_err *err);

/* Finds records by a natural key: the values of `fields` (indexes into the kind's
 * fields, stored ones only) compared with IS, so an unset or null value matches
 * NULL. */
typedef struct store_finder store_finder;
emb_code store_finder_new(store *st, const kind_def *kind, const int *fields, size_t n, store_finder **out,
                          emb_err *err);
/* *id = the match, 0 when none; EMB_CONFLICT when several rows match. */
emb_code store_finder_find(store_finder *f, const record *r, int64_t *id, emb_err *err);
void store_finder_free(store_finder *f);

/* Appends the single audit_log row of a bulk load: action (e.g. "import") on
 * kind, with detail (JSON text, may be NULL). */
emb_code store_bulk_audit(store *st, const kind_def *kind, const char *action, const change_ctx *ctx,
                          const char *detail, emb_err *err);

/* on = 1: a larger page cache and in-memory temporary storage for a load;
 * on = 0: back to the defaults. Durability of the commit is unchanged. */
emb_code store_bulk_tune(store *st, int on, emb_err *err);

/* Writes without the WAL, for a load by a process that has the database file to
 * itself. In WAL mode every page a load writes goes to the WAL at the commit and is
 * copied into the database file by the checkpoint that follows; with a rollback
 * journal the new pages go once to the file (for a million deals, 270 MB written
 * once instead of twice: 7 % of the import).
 *
 * store_bulk_journal_direct() is called outside a transaction. It asks, without
 * waiting, for the rollback journal (journal_mode=DELETE) with synchronous=FULL
 * (the journal is synced before the file is written, so a crash or power loss
 * leaves the database as it was before the load). When another connection has the
 * file open, SQLite refuses: the load goes on in WAL mode and *direct = 0, which is
 * not an error. While direct, processes that open the file read it as it was
 * before the load; the commit waits (busy timeout) for the reads running then to
 * end, and new ones wait while it writes. A process stopped during the commit
 * leaves a hot journal, which the next open plays back (store_open, read-only
 * ones included).
 * store_bulk_journal_wal() goes back to WAL with synchronous=NORMAL after the
 * commit or rollback; if readers keep it from doing so, the next open of the file
 * does it (store_open), and *direct stays set. */
emb_code store_bulk_journal_direct(store *st, int *direct, emb_err *err);
void store_bulk_journal_wal(store *st, int *direct);

/* *empty = whether table has no row. */
emb_code store_bulk_is_empty(store *st, const char *table, int *empty, emb_err *err);

/* For a load into an empty table: drops the table's plain indexes (made by CREATE
 * INDEX, not UNIQUE: none of them can refuse a row), which the load would otherwise
 * update row by row in random order, so that store_bulk_indexes_restore() rebuilds
 * each in one sort before the commit. Sets *sqls to their CREATE statements (in
 * arena a) and *n to their count: 0, with nothing dropped, when the table has rows.
 * The caller's transaction keeps the change atomic: a rollback brings them back.
 * Only for loads that query the table by id or UNIQUE columns alone: any other query
 * scans the whole table while its indexes are gone. */
emb_code store_bulk_indexes_drop(store *st, const char *table, arena *a, const char ***sqls, size_t *n,
                                 emb_err *err);
/* Recreates the indexes store_bulk_indexes_drop() dropped. */
emb_code store_bulk_indexes_restore(store *st, const char *const *sqls, size_t n, emb_err *err);

/* Foreign keys checked once per load (bulk_fk.c). SQLite checks a reference by
 * seeking its parent row for every row written; a loader that resolves every
 * reference itself may turn that off and check the rows it added in one query per
 * table instead:
 *   store_bulk_fk_enforce(st, 0, ...)   outside a transaction (SQLite ignores it inside)
 *   store_begin; store_bulk_fk_mark     before writing: each table's largest rowid
 *   ... the load ...
 *   store_bulk_fk_check                 before the commit
 *   store_commit or store_rollback; store_bulk_fk_enforce(st, 1, ...)
 * Only rows added after the mark are checked, so such a load must not change the
 * references of older rows, nor delete rows (no ON DELETE action runs meanwhile).
 * The mark lives in arena a. */
typedef struct store_fk_mark store_fk_mark;
emb_code store_bulk_fk_enforce(store *st, int on, emb_err *err);
emb_code store_bulk_fk_mark(store *st, arena *a, store_fk_mark **out, emb_err *err);
/* Leaves table out of store_bulk_fk_check(): every row the load added to it had
 * its references checked by the loader (record_batch.h does for its rows). */
void store_bulk_fk_verified(store_fk_mark *m, const char *table);
/* EMB_INTERNAL naming the table, row, column and value of the first added row
 * whose reference names no row. */
emb_code store_bulk_fk_check(store *st, const store_fk_mark *m, emb_err *err);

#endif
