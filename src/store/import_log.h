/*
 * import_log.h - the log of imports (tables imports, import_created,
 * import_changed; migration 0003): what each import created and changed, so that
 * `embudo import list` shows it and `embudo import undo` takes it back.
 *
 * Recording costs a first import nothing per row. import_log_begin() notes every
 * table's largest rowid; as nothing else writes during the import's transaction,
 * the rows it created are those above that mark when import_log_end() runs (one
 * import_created row per table that grew). A record the import really changes
 * (store_record_change() with change_ctx.log set) has its whole row saved as it
 * was, once per import, before it is written: import_log_save().
 *
 * Undo (import_log_undo) runs in one transaction: it refuses, naming the record,
 * when a later import still in effect, or a later edit (the audit log), changed or
 * deleted a record the import created or changed, or when a record added later
 * refers to one it created. Otherwise it writes the saved rows back (a deal whose
 * tracked fields come back gets a new deal_history row, dated at the undo, by the
 * undoing user), deletes the records the import created with their products
 * (which only that import wrote), moves their deal history (also all of it that
 * import's) to deal_history_archive, and marks the import undone. An undone
 * import cannot be undone again.
 *
 * Ownership: import_log_begin() allocates a log that import_log_free() frees; it
 * holds prepared statements, so it is freed before the store is closed. Rows of
 * import_log_list() live in the caller's arena.
 */
#ifndef EMB_IMPORT_LOG_H
#define EMB_IMPORT_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "store/records.h"
#include "store/store.h"

typedef struct import_log import_log;

/* What an import says about itself when it begins. Strings are copied. */
typedef struct {
    const char *kind;    /* the imported kind's name */
    const char *file;    /* as given */
    int64_t size;        /* bytes */
    const char *hash;    /* hex digest of the file's bytes ("" when not known yet) */
    const char *options; /* JSON array of the options as typed */
    int64_t at;          /* Unix seconds UTC */
    int64_t user_id;     /* 0: unknown */
} import_log_info;

/* Its counts when it ends. */
typedef struct {
    int64_t rows, created, updated, unchanged, rejected;
    const char *refs; /* JSON object kind -> records created by --create-missing, or NULL */
    const char *hash; /* hex digest of the file's bytes; NULL keeps the one given at the beginning */
} import_log_counts;

/* Inside the import's write transaction, before it writes anything: inserts its
 * imports row and marks every table's largest rowid. */
emb_code import_log_begin(store *st, const import_log_info *info, import_log **out, emb_err *err);

/* Saves row id of table as it is now, unless this import saved it already or
 * created it. Called before the row is changed. */
emb_code import_log_save(import_log *l, const char *table, int64_t id, emb_err *err);

/* Whether anything was written since import_log_begin() (rows inserted, updated
 * or deleted): an import that wrote nothing is rolled back and leaves no trace. */
int import_log_wrote(const import_log *l);

/* After the import's last write (its audit row included): the created ranges and
 * the counts. */
emb_code import_log_end(import_log *l, const import_log_counts *c, emb_err *err);

/* The id of the import's imports row. */
int64_t import_log_id(const import_log *l);
void import_log_free(import_log *l);

/* One import, as listed. */
typedef struct {
    int64_t id, at, size, rows, created, updated, unchanged, rejected;
    int64_t undone_at; /* 0 while in effect */
    int64_t archived;  /* deal_history_archive rows its undo moved there */
    const char *user;  /* name of the importing user, NULL when unknown */
    const char *kind, *file, *hash, *options;
    const char *refs; /* NULL when none */
} import_log_row;

/* Every import, oldest first. */
emb_code import_log_list(store *st, arena *a, import_log_row **rows, size_t *n, emb_err *err);

typedef struct {
    int64_t id;        /* the import undone */
    int64_t deleted;   /* records it created, now deleted (deal history and products not counted) */
    int64_t restored;  /* records it changed, now as they were */
    int64_t history;   /* deal_history rows the undo appended */
    int64_t history_saved; /* deals it deleted whose history it moved to deal_history_archive */
    int64_t history_archived; /* the deal_history rows it moved there (undo_audit_id: the undo's
                                 audit row, also in imports.undo_audit_id) */
} import_undo_result;

/* Undoes import id (0: the latest not yet undone) in one transaction, by ctx's
 * author at ctx->now. EMB_NOT_FOUND when there is no such import (or none left to
 * undo); EMB_CONFLICT, naming the record and what to do, when it was undone already
 * or later changes forbid it; nothing is written then. Opens its own transaction:
 * call it outside one. */
emb_code import_log_undo(store *st, int64_t id, const change_ctx *ctx, import_undo_result *res, emb_err *err);

#endif
