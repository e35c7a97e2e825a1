/*
 * snapshot_build.h - internal to the snapshot builder (snapshot_load.c and the
 * builders of the snapshot's parts): the build context and the helpers they share
 * (snapshot_build.c), below all of them.
 *
 * A build context belongs to one thread and reads through its own store
 * connection (b->st), inside a read transaction the caller opened. The id maps are
 * filled before any loader that reads them runs and are read-only afterwards, so
 * a second thread may share them; the interners are written by the loaders of the
 * thread that owns the context only.
 */
#ifndef EMB_SNAPSHOT_BUILD_H
#define EMB_SNAPSHOT_BUILD_H

#include <sqlite3.h>
#include <string.h>

#include "metrics/fx.h"
#include "metrics/snapshot.h"

typedef struct {
    snap_dict *dict;
    int32_t *slots; /* open addressing, -1 empty; capacity a power of two */
    size_t cap;
    size_t blob_cap; /* bytes allocated for dict->blob */
} interner;

typedef struct {
    int32_t *idx; /* idx[id] = dense index, -1 when absent */
    int64_t max_id;
} id_map;

typedef struct {
    store *st;
    emb_err *err;
    interner names, sources, segments, industries, categories, lost_reasons, currencies, metrics;
    id_map users, teams, regions, accounts, products, stages, pipelines, deals, leads;
    size_t ndeals; /* rows in deals */
} build_ctx;

/* The dense index of the id in column col, SNAP_NONE when NULL or unknown. */
static inline int32_t build_map_get(const id_map *m, sqlite3_stmt *s, int col)
{
    int64_t id = sqlite3_column_int64(s, col);
    if (id == 0 && sqlite3_column_type(s, col) == SQLITE_NULL) /* NULL reads as 0 */
        return SNAP_NONE;
    return id >= 0 && id <= m->max_id ? m->idx[id] : SNAP_NONE;
}

static inline const char *build_col_text(sqlite3_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s, col);
}

static inline int64_t build_instant_or_none(sqlite3_stmt *s, int col)
{
    int64_t t = sqlite3_column_int64(s, col);
    return t == 0 && sqlite3_column_type(s, col) == SQLITE_NULL ? SNAP_OPEN_INSTANT : t;
}

/* Reorders the n elements of the array col: col[i] becomes the old col[order[i]],
 * through tmp, which has room for n elements of the widest column. */
#define BUILD_PERMUTE(col, order, n, tmp)                                                                     \
    do {                                                                                                       \
        __typeof__((col)[0]) *permuted_ = (void *)(tmp);                                                       \
        for (size_t i_ = 0; i_ < (n); i_++)                                                                    \
            permuted_[i_] = (col)[(order)[i_]];                                                                \
        memcpy((col), permuted_, (n) * sizeof *permuted_);                                                     \
    } while (0)

/* A deal status as stored ("won", "lost", else open). */
uint8_t build_parse_status(const char *t);
/* The day number of an ISO date, INT32_MIN when NULL or not a date. */
int32_t build_day_of(const char *iso);

/* A deal's money as the snapshot holds it (its amount, or a history row's): the
 * amount in column col of s, in the currency of column currency_col, converted
 * into *out at the rate of the deal's close (closed; SNAP_OPEN_INSTANT: the
 * latest rate). 1 when the column is NULL, -1 when no rate was found (*out 0
 * both times), else 0. */
int build_deal_money(const fx_table *fx, sqlite3_stmt *s, int col, int currency_col, int64_t closed, int64_t *out);

/* Index of text in the interner's dictionary, adding it if new; SNAP_NONE for
 * NULL, -2 when out of memory. */
int32_t build_intern(interner *in, const char *text);
/* An id map of table's rows (by id) and their count in *n. */
emb_code build_make_map(build_ctx *b, const char *table, id_map *m, size_t *n);
/* Prepares sql on the context's connection; the error is set in b->err. */
emb_code build_prepare(build_ctx *b, const char *sql, sqlite3_stmt **s);
/* The first column of the first row of sql; -1 on error (b->err set). */
int64_t build_scalar(build_ctx *b, const char *sql);

/* The activities (snapshot_activities.c), read in chunks that several threads may
 * share: build_activities_begin() (on any context) makes the loader; each thread
 * calls build_activities_work() with its own context (which needs the users,
 * deals, leads and accounts maps) until no chunk is left; once every worker has
 * returned EMB_OK, build_activities_finish() fills snap->activities (and nothing
 * else). build_activities_free() releases the loader (NULL is fine). A worker that
 * fails stops the others at their next chunk. */
typedef struct act_loader act_loader;
emb_code build_activities_begin(build_ctx *b, act_loader **out);
emb_code build_activities_work(build_ctx *b, act_loader *l);
emb_code build_activities_finish(build_ctx *b, act_loader *l, snapshot *snap);
void build_activities_free(act_loader *l);

/* From the sorted history (with first[]): the open spans and expected-close moves
 * of snap->history (snapshot_derive.c). */
emb_code build_spans_and_moves(build_ctx *b, snapshot *snap);
/* From the deals and the sorted history: the deals by creation and by close, the
 * stage exits, and each account's first won deal (snapshot_derive.c): the three
 * below in turn. */
emb_code build_time_orders(build_ctx *b, snapshot *snap);
/* accounts.first_won from the deals. */
void build_first_won(snapshot *snap);
/* deals.nclosed, by_created and by_closed (allocated here). */
emb_code build_deal_orders(build_ctx *b, snapshot *snap);
/* The stage exits (allocated here) from the sorted history and first[]. */
emb_code build_exits(build_ctx *b, snapshot *snap);
/* The order lines, in order then line id, money converted by fx (snapshot_lines.c). */
emb_code build_load_lines(build_ctx *b, snapshot *snap, const fx_table *fx);
/* From the order lines: their order by date (snapshot_derive.c). */
emb_code build_line_order(build_ctx *b, snapshot *snap);
/* Once the activities are complete (cold flags included): their day rollups; once
 * the lines and their order by date are: theirs (snapshot_rollup.c). */
emb_code build_activity_rollups(build_ctx *b, snapshot *snap);
emb_code build_line_rollups(build_ctx *b, snapshot *snap);
/* Once the leads, deals and activities are loaded and build_time_orders has run:
 * the leads' first touch, the deals' completed activities and last scheduled
 * instant, and the activities' cold flags (read as stored, made the flags of
 * cold_calls). */
void build_derive_from_activities(snapshot *snap);

#endif
