/*
 * records.h - generic records of any kind (kind.h) and their storage.
 *
 * A record holds one field_value per field of its kind, in the kind's field order,
 * in storage form (integers: minor units, basis points, Unix seconds, ids; text:
 * trimmed UTF-8, ISO dates, enum values). Turning user text into storage form is
 * the job of core/value.h; references are resolved with store_record_resolve().
 *
 * Ownership: records and their strings live in an arena given by the caller; the
 * store never keeps pointers into them after a call returns.
 *
 * Domain rules the store enforces for every entry point (see records.c):
 *  - defaults: created = now, currency = the organisation's, deal pipeline = the
 *    default one, goal scope from team/rep;
 *  - a deal's status is the kind of its stage; a closed stage needs a close time
 *    (on update: now), an open one clears it; closed >= created;
 *  - every change of a deal's stage, status, amount, owner or expected close appends
 *    a deal_history row with its time and author; an inserted deal gets the history
 *    its dates imply (created, then closed);
 *  - lead status timestamps (mql_at ...) default to created when the status is past them.
 * Every write must happen inside store_begin()/store_commit().
 */
#ifndef EMB_RECORDS_H
#define EMB_RECORDS_H

#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "store/store.h"

enum field_state { FV_UNSET = 0, FV_NULL, FV_SET };

typedef struct {
    unsigned char state; /* enum field_state */
    int64_t i;           /* value of integer-stored types */
    const char *s;       /* value of text-stored types, in the record's arena */
} field_value;

typedef struct {
    const kind_def *kind;
    int64_t id; /* internal row id; 0 for a record not stored yet */
    field_value *v; /* kind->nfields entries */
} record;

/* True for the types stored as TEXT (text, enum, date, currency, period). */
int field_is_text(const field_def *f);

/* A new record with every field unset, or NULL when out of memory. */
record *record_new(arena *a, const kind_def *kind);
void record_set_int(record *r, int idx, int64_t value);
/* Stores a pointer to s; s must outlive the record (arena memory or a literal). */
void record_set_text(record *r, int idx, const char *s);
void record_set_null(record *r, int idx);
/* The value of field name, or NULL when the kind has no such field. */
field_value *record_get(record *r, const char *name);

/* What the deal rules read about stages, pipelines and the deal kind, remembered over a bulk load
 * so that each deal does not query it again (see change_ctx.memo). Zero it before
 * use; store_record_insert/update/delete clear it when they change a stage or a
 * pipeline through the same change_ctx. Owned by the caller. */
enum { STORE_MEMO_STAGES = 32, STORE_MEMO_PIPELINES = 8 };

/* Where the deal kind keeps the fields that its rules and its history read (found
 * by name once, not for every deal). */
typedef struct {
    int pipeline, stage, status, closed, created, amount, currency, owner, expected_close;
} store_deal_fields;

typedef struct {
    int have_fields;           /* fields below is filled */
    store_deal_fields fields;
    int64_t default_pipeline; /* 0: not known yet */
    size_t nstages, npipelines;
    struct {
        int64_t id, pipeline;
        char kind[8];
    } stage[STORE_MEMO_STAGES];
    struct {
        int64_t pipeline, first_open;
    } pipeline[STORE_MEMO_PIPELINES];
} store_deal_memo;

struct import_log; /* store/import_log.h */

typedef struct {
    int64_t now;       /* time of the change, Unix seconds UTC */
    int64_t author_id; /* user making the change, 0 when unknown (imports, CLI without login) */
    int bulk;          /* 1 for bulk loads (import, demo): the caller writes one audit row for
                          the whole load instead of one per record */
    store_deal_memo *memo; /* NULL, or the caller's memo of stages for a bulk load: every
                              change to stages and pipelines must then go through this ctx */
    struct import_log *log; /* NULL, or the running import's log: each row an update really
                               changes is saved there first (import_log_save) */
} change_ctx;

/* Inserts r (r->id must be 0), applying defaults and domain rules; sets r->id.
 * Fails with EMB_INVALID naming the field and value when a rule is broken,
 * EMB_CONFLICT on a duplicate unique value. A stage takes the position it is
 * given: the stages of its pipeline from that position on move one place down
 * (an update that moves a stage shifts the stages between its two places), so
 * positions stay unique and ordered. */
emb_code store_record_insert(store *st, record *r, const change_ctx *ctx, emb_err *err);

/* Updates the fields of r that are set or null (r->id names the row), applying the
 * domain rules; unchanged tracked deal fields append no history. */
emb_code store_record_update(store *st, record *r, const change_ctx *ctx, emb_err *err);

/* store_record_update() that says whether anything changed: when the row (and a
 * deal's product link) already holds every value, the rules still check r but
 * nothing is written, no history and no audit row, and *changed = 0. */
emb_code store_record_change(store *st, record *r, const change_ctx *ctx, int *changed, emb_err *err);

/* For a deal changed other than by store_record_update (an import's undo writes
 * rows back): appends the deal_history row of the change from before to after,
 * dated ctx->now, when a tracked field differs; *appended = 1 then, else 0. */
emb_code store_deal_history_change(store *st, const record *before, const record *after, const change_ctx *ctx,
                                   int *appended, emb_err *err);

/* Reads a whole record; EMB_NOT_FOUND when no row has that id. */
emb_code store_record_get(store *st, const kind_def *kind, int64_t id, arena *a, record **out, emb_err *err);

/* Deletes a row (and what cascades from it); EMB_NOT_FOUND when absent,
 * EMB_CONFLICT when other records still need it. */
emb_code store_record_delete(store *st, const kind_def *kind, int64_t id, const change_ctx *ctx, emb_err *err);

/* Finds the record a user-given key names: its external id, then "#<id>" for an
 * internal id, then each FF_MATCH field (exact, then case-insensitive). Stages are
 * looked up within pipeline_id (0: the default pipeline). *id = 0 and EMB_NOT_FOUND
 * when nothing matches; EMB_CONFLICT when several records match a name. */
emb_code store_record_resolve(store *st, const kind_def *kind, const char *key, int64_t pipeline_id,
                              int64_t *id, emb_err *err);

/* The row id of the record with this external id, 0 when none. */
emb_code store_record_find_ext(store *st, const kind_def *kind, const char *ext_id, int64_t *id, emb_err *err);

/* The public key of a record, as export writes references: its external id, or
 * "#<id>" when it has none. Allocated in a. */
const char *store_record_key(store *st, const kind_def *kind, int64_t id, arena *a);

/* Iterates over the records of a kind in id order. The cursor is freed by
 * store_cursor_close(); each record returned by store_cursor_next() lives in the
 * arena given to it. next returns 1 with a record, 0 at the end, -1 on error. */
typedef struct store_cursor store_cursor;
emb_code store_cursor_open(store *st, const kind_def *kind, store_cursor **out, emb_err *err);
int store_cursor_next(store_cursor *c, arena *a, record **out, emb_err *err);
void store_cursor_close(store_cursor *c);

/* Number of rows of a kind. */
emb_code store_record_count(store *st, const kind_def *kind, int64_t *count, emb_err *err);

#endif
