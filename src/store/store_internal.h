/*
 * store_internal.h - helpers shared by the files of the SQLite backend
 * (src/store/ only).
 */
#ifndef EMB_STORE_INTERNAL_H
#define EMB_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/records.h"

/* Reads column col of the current row of s as the storage form of field f; text is
 * copied into a (NULL text in a FV_SET value means a was out of memory). */
void store__read_value(sqlite3_stmt *s, int col, const field_def *f, field_value *v, arena *a);

/* Reads the current row of s as a record of kind: column 0 is the row id, the next
 * ones the stored fields in field order. NULL when a is out of memory. */
record *store__read_record(sqlite3_stmt *s, const kind_def *kind, arena *a);

/* Steps s and reads its row as a record of kind (see store__read_record): 1 with
 * *out, 0 at the end, -1 with err set. */
int store__step_record(store *st, sqlite3_stmt *s, const kind_def *kind, arena *a, record **out, emb_err *err);

/* Prepares (persistent) "INSERT INTO table (columns) VALUES (?,...),..." for rows
 * rows of ncols values; NULL with err set on failure (bulk_insert.c). */
sqlite3_stmt *store__prepare_insert_rows(store *st, const char *table, const char *columns, int ncols, int rows,
                                        emb_err *err);

/* *out = the largest rowid of table, 0 when it is empty (bulk_fk.c). */
emb_code store__max_rowid(store *st, const char *table, int64_t *out, emb_err *err);

/* The noun of one record of kind (singular) or of several (plural) in the language
 * of messages, for sentences shown to people ("cuenta", "cuentas"); static strings. */
const char *store__kind_noun(const kind_def *kind);
const char *store__kind_nouns(const kind_def *kind);

/* ---- shared by records.c and record_batch.c ---- */

/* The columns of a deal_history row, in the order records__bind_history binds them. */
#define RECORDS_HISTORY_COLUMNS \
    "deal_id, at, author_id, changed, stage_id, status, amount, currency, owner_id, expected_close"

/* Binds v (NULL unless FV_SET) to parameter pos of s; text is bound without a copy,
 * so v->s must outlive the step. */
void records__bind_value(sqlite3_stmt *s, int pos, const field_def *f, const field_value *v);

/* What store_record_insert does before writing: defaults, the domain rules (deal,
 * lead) and the required fields. EMB_INVALID names the field. */
emb_code records__prepare_insert(store *st, record *r, const change_ctx *ctx, emb_err *err);

/* One deal_history row: the deal's state right after the change at `at`. */
typedef struct {
    int64_t at;
    const char *changed; /* a literal */
    const record *state;
} records_history;

/* The history the dates of a new deal r (after records__prepare_insert) imply: *n = 1
 * (created, as r) for an open deal, 2 for a closed one (created in the pipeline's
 * first open stage, then r at its close). A state other than r is allocated in a
 * and shares r's strings. */
emb_code records__implied_history(store *st, const record *r, const change_ctx *ctx, arena *a,
                                  records_history h[2], int *n, emb_err *err);

/* Binds the 10 values of one deal_history row (RECORDS_HISTORY_COLUMNS) from
 * parameter pos on; text without a copy. */
void records__bind_history(sqlite3_stmt *s, int pos, int64_t deal_id, int64_t at, const char *changed,
                           const record *state, const change_ctx *ctx);

/* Links the deal r->id to its product (virtual field "product"), when set. */
emb_code records__add_deal_product(store *st, const record *r, emb_err *err);

/* Appends an audit_log row: action on kind by ctx's author at ctx->now, about
 * record_id (0: none, e.g. a whole import) with detail (JSON text, may be NULL). */
emb_code records__audit(store *st, const kind_def *kind, const char *action, int64_t record_id,
                        const char *detail, const change_ctx *ctx, emb_err *err);

/* The error of a failed write of a kind's row: EMB_CONFLICT for a duplicate or a
 * foreign key, EMB_INVALID for another constraint, else the SQLite error. */
emb_code records__constraint_error(store *st, const kind_def *kind, emb_err *err);

#endif
