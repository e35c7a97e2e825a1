/*
 * snapshot.h - the analytics snapshot: the facts the KPI engine scans, as columnar
 * arrays in memory, derived from the store (DESIGN.md). It can always be rebuilt.
 *
 * Every reference between facts and dimensions is a dense index (0..n-1) into the
 * dimension's arrays, or -1 for none; instants are Unix seconds UTC; money is in
 * the organisation's reporting currency (minor units), converted at the rate of
 * the deal's close date (open deals: the latest rate), with a flag when no rate
 * was found. Text dimensions (source, segment, ...) are dictionary-encoded.
 *
 * Ownership: snapshot_build() allocates one snapshot that snapshot_free() releases
 * with every column. A snapshot is immutable after it is built and may be read by
 * several threads.
 */
#ifndef EMB_SNAPSHOT_H
#define EMB_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/tz.h"
#include "store/store.h"

#define SNAP_NONE (-1)
#define SNAP_OPEN_INSTANT INT64_MIN /* closed[] of an open deal */
#define SNAP_BLOCK 4096             /* rows per block of a zone map */

enum deal_status { DEAL_OPEN = 0, DEAL_WON = 1, DEAL_LOST = 2 };

/* A dictionary of strings: value i is the NUL-terminated blob + offset[i]. */
typedef struct {
    size_t n;
    uint32_t *offset;
    char *blob;
    size_t blob_len; /* bytes used in blob */
} snap_dict;

static inline const char *snap_text(const snap_dict *d, int32_t i) { return d->blob + d->offset[i]; }

typedef struct {
    size_t n;
    int64_t *id;      /* store row id */
    int32_t *team;    /* team index */
    int32_t *region;  /* region index */
    int32_t *name;    /* index into names dict */
} snap_users;

typedef struct {
    size_t n;
    int64_t *id;           /* store row id */
    int32_t *currency;     /* index into the currencies dict */
    int64_t *created;
    int64_t *closed;       /* SNAP_OPEN_INSTANT while open */
    uint8_t *status;       /* enum deal_status */
    int32_t *owner;        /* current owner (user index) */
    int32_t *close_owner;  /* owner at close (from history); current owner while open */
    int32_t *account, *pipeline, *stage, *source, *lead, *product, *lost_reason;
    int64_t *amount;       /* reporting currency minor units; 0 when unknown */
    uint8_t *amount_known; /* 0 when the deal has no amount */
    uint8_t *fx_missing;   /* 1 when its currency had no rate for the conversion date */
    int32_t *expected_close; /* day number, INT32_MIN when none */
    int16_t *probability_bp; /* the deal's own, -1 when it uses its stage's */
    int32_t *done_activities; /* completed activities linked to the deal, at any time */
    /* Time orders (ties by index): the deals by creation (n entries), and the won
     * and lost deals by close (nclosed entries). */
    uint32_t *by_created;
    size_t nclosed;
    uint32_t *by_closed;
    /* The last instant at which the deal has an activity scheduled (due then or
     * later and not done by then): the greatest min(due, done - 1) of its
     * activities with a due time (done: INT64_MAX while not done); INT64_MIN when
     * none. A deal has one scheduled at t exactly when t <= sched_until. */
    int64_t *sched_until;
} snap_deals;

typedef struct {
    /* A deal's rows are rows first[d] .. end[d] - 1, in (at, id) order. A build
     * lays the deals' runs out in deal order, one after the other; a catch-up
     * writes the runs of the deals it changes after the last row instead, so that
     * rows no deal's run covers may lie between runs (never read). */
    size_t n; /* rows, including those between runs */
    int32_t *deal;
    int64_t *at;
    int32_t *stage, *owner;
    uint8_t *status;
    int64_t *amount; /* reporting currency minor units, 0 when unknown */
    int32_t *expected_close;
    uint32_t *first, *end; /* per deal (n_deals entries each) */
    /* Open spans: [span_from, span_to) is a stretch of a deal's history during which
     * it was open (span_to INT64_MAX: open to date); a deal is open at t exactly when
     * one of its spans holds t. Sorted by span_to, then deal: the deals open at t are
     * among the spans from the first with span_to > t. */
    size_t nspans;
    int32_t *span_deal;
    int64_t *span_from, *span_to;
    /* Moves of a deal's expected close date to a later day, from one history row to
     * the next (both set): days move_from -> move_to, sorted by move_from, then deal. */
    size_t nmoves;
    int32_t *move_deal, *move_from, *move_to;
    /* Stage exits: a deal left stage exit_stage at exit_at, having entered it at
     * exit_entered (a run of rows in one stage is one stay); sorted by exit_at,
     * then deal. */
    size_t nexits;
    int32_t *exit_deal, *exit_stage;
    int64_t *exit_at, *exit_entered;
} snap_history;

/* Day rollups: counters added up per local day and owner (user index, -1 for
 * none), for queries by rep or team (or none) over whole days without filters. One
 * cell per day and owner that has facts that day, cells sorted by day, then owner;
 * days[k] is a day with cells and first[k] its first cell (ndays + 1 entries);
 * values holds the counters of each cell in turn. ok[0] is 1 when the rollup
 * covers every fact, 0 when it was not made (too many days and owners to index):
 * the metrics then scan. */
typedef struct {
    size_t ndays;
    int32_t *days;
    uint32_t *first;
    size_t n, nvalues;
    int32_t *owner;
    int64_t *values;
    size_t nok;
    uint8_t *ok;
} snap_rollup;

/* The counters of the order-line metrics (their rules: counting.h). */
enum line_counter {
    LINE_REVENUE, LINE_COSTED_REVENUE, LINE_COGS, LINE_COSTED_LINES, LINE_ORDERS, LINE_UNITS,
    LINE_PRICED_REVENUE, LINE_GROSS, LINE_FX_MISSING, LINE_WIDTH
};

/* Order lines, sorted by order then line id. */
typedef struct {
    size_t n;
    int32_t *order;        /* index of the line's order (orders are numbered 0..norders-1) */
    int64_t *ordered;      /* the order's date */
    int32_t *rep, *account, *region, *product;
    int64_t *net;          /* net amount, reporting currency minor units */
    int64_t *cost;         /* cost amount, reporting currency minor units; 0 when unknown */
    int64_t *quantity;
    int64_t *gross;        /* quantity x unit price, reporting currency; 0 when the line has no price */
    uint8_t *cost_known;
    uint8_t *fx_missing;
    size_t norders;
    int64_t *order_id;     /* store id of order k */
    int32_t *order_currency; /* currencies dict */
    uint32_t *by_ordered;  /* the lines by order date, ties in line order (n entries) */
    snap_rollup roll;      /* enum line_counter per day of the order and its rep */
} snap_lines;

/* Leads; the instants of statuses never reached are SNAP_OPEN_INSTANT. */
typedef struct {
    size_t n;
    int64_t *id;          /* store row id */
    int64_t *created, *mql_at, *sql_at, *converted_at;
    int64_t *first_touch; /* first completed call, email or meeting on the lead */
    int32_t *source, *owner;
    uint8_t *won;         /* 1 when a deal converted from it was won */
    uint8_t *converted;   /* 1 when it became an opportunity (status converted or a deal names it) */
} snap_leads;

enum activity_type { ACT_CALL, ACT_EMAIL, ACT_MEETING, ACT_TASK, ACT_NOTE };
/* Names of the codes below, as stored ("call", "connected"; "" for OUT_NONE). */
extern const char *const snap_activity_types[];
extern const char *const snap_activity_outcomes[];
enum activity_outcome {
    OUT_NONE, OUT_CONNECTED, OUT_NO_ANSWER, OUT_SENT, OUT_OPENED, OUT_REPLIED, OUT_BOUNCED,
    OUT_SCHEDULED, OUT_HELD, OUT_CANCELLED, OUT_REJECTED
};

/* The counters of the activity metrics (their rules: counting.h). */
enum roll_counter {
    ROLL_ACTS, ROLL_MEET_SCHEDULED, ROLL_MEET_HELD, ROLL_MEET_CANCELLED, ROLL_MEET_REJECTED,
    ROLL_DONE, ROLL_CALLS, ROLL_CONNECTED, ROLL_DUR_SUM, ROLL_DUR_N, ROLL_COLD_CALLS,
    ROLL_EMAILS, ROLL_OPENED, ROLL_REPLIED, ROLL_TASKS_DUE, ROLL_TASKS_ON_TIME, ROLL_WIDTH
};

/* Activities. */
typedef struct {
    size_t n;
    uint8_t *type, *outcome;
    uint8_t *cold;        /* 1: cold at its completion, as cold_calls counts it (flagged, or to
                             an account with no deal won before, or to a lead without one) */
    int32_t *owner, *deal, *lead, *account;
    int64_t *due, *done;  /* SNAP_OPEN_INSTANT when absent */
    int32_t *duration;    /* seconds, -1 when absent */
    /* Zone map: per block of SNAP_BLOCK activities, the least and greatest of their
     * due and done instants, and how many are open tasks, so scans skip blocks that
     * cannot fall in a period. */
    size_t nblocks;
    int64_t *block_min, *block_max;
    int32_t *block_open_tasks;
    /* Day rollups of the activity counters (enum roll_counter): by completion else
     * due time (ROLL_ACTS, meetings), by completion (ROLL_DONE to ROLL_REPLIED) and
     * by due time for tasks (ROLL_TASKS_*); the owner is the activity's. */
    snap_rollup roll;
    /* Positions of the tasks not done, by due time (for overdue_tasks). */
    size_t nopen_tasks;
    uint32_t *open_tasks;
} snap_activities;

/* Expenses (marketing and sales spend), in the reporting currency at the rate of
 * their first day. */
enum expense_category { EXP_MARKETING, EXP_SALES, EXP_OTHER };
typedef struct {
    size_t n;
    uint8_t *category;  /* enum expense_category */
    int32_t *channel;   /* sources dict (matched with lead sources), -1 when none */
    int32_t *from, *to; /* day numbers, [from, to) */
    int64_t *amount;
    uint8_t *fx_missing;
} snap_expenses;

enum goal_scope { GOAL_ORG, GOAL_TEAM, GOAL_REP };

/* Goals (targets per metric, scope and period), sorted by (from, to), then id. */
typedef struct {
    size_t n;
    int32_t *metric;     /* index into the metrics dict (metric names as written) */
    uint8_t *scope;      /* enum goal_scope */
    int32_t *team, *rep; /* team / user index for team / rep goals, else -1 */
    int32_t *from, *to;  /* day numbers, [from, to) in the organisation's zone */
    int64_t *target;     /* in the metric's unit: minor units, a count, or bp */
} snap_goals;

typedef struct {
    size_t n;
    int64_t *id;
    int32_t *pipeline, *position;
    int16_t *probability_bp;
    uint8_t *kind; /* enum deal_status of the stage kind */
    int32_t *name;  /* index into names dict */
} snap_stages;

typedef struct snapshot {
    int64_t generation;   /* store generation it was built from */
    void *map;            /* the mapped snapshot file, NULL when built in memory */
    size_t map_size;
    struct snap_block **blocks; /* who holds each column's memory (snapshot_columns.h) */
    struct snap_pool *pool;     /* where the columns of snapshots caught up from it come from; NULL: malloc */
    char *currency;       /* reporting currency */
    char *timezone;
    char *instance;       /* the database's instance id (org_settings.instance) */
    tz *zone;             /* opened from timezone; owned, or held by zone_block */
    struct snap_block *zone_block; /* when set, holds zone for the snapshots sharing it */
    int fiscal_year_start, week_start;
    snap_dict names;      /* user, team, region, account, product, stage names */
    snap_dict sources, segments, industries, categories, lost_reasons, currencies, metrics;
    snap_users users;
    struct { size_t n; int64_t *id; int32_t *name, *region, *manager; } teams;
    struct { size_t n; int64_t *id; int32_t *name; } regions;
    struct {
        size_t n;
        int64_t *id;
        int32_t *name, *segment, *industry, *region, *owner;
        int64_t *first_won; /* close of the account's first won deal, INT64_MAX when none */
    } accounts;
    struct { size_t n; int64_t *id; int32_t *name, *category; } products;
    struct { size_t n; int64_t *id; int32_t *name; } pipelines;
    snap_stages stages;
    snap_deals deals;
    snap_history history;
    snap_lines lines;
    snap_leads leads;
    snap_activities activities;
    snap_goals goals;
    snap_expenses expenses;
    /* exact[0] is 1 when every column of money or quantities (deal and history
     * amounts, line net, cost, gross and quantity, expenses, goal targets) has a
     * sum of magnitudes of at most SNAP_SUM_MAX: then every total the engine adds up
     * from them (a subset of one column), and a difference of two, fits int64
     * exactly. 0 otherwise (amounts beyond VALUE_MONEY_MAX written around embudo's
     * checks, or rates that inflate them): the metrics that add money or
     * quantities then refuse to answer (kpi_run). nexact is 1. */
    size_t nexact;
    uint8_t *exact;
    /* The sums of magnitudes of deals.amount and history.amount, kept up by
     * catch-ups (snapshot_merge.c) once mags_known (computed at the first). */
    int mags_known;
    unsigned __int128 mag_deals, mag_history;
} snapshot;

#define SNAP_SUM_MAX (INT64_C(1) << 61)

/* 1 when the magnitudes of v[0..n) add up to at most SNAP_SUM_MAX. */
int snapshot_sum_fits(const int64_t *v, size_t n);
/* Sets s->exact of a snapshot built in memory from its columns. 0, or -1 when
 * out of memory. */
int snapshot_check_sums(snapshot *s);
/* What s->exact[0] should be, from s's columns. */
int snapshot_sums_fit(const snapshot *s);

/* Builds a snapshot from the store in one read transaction. The activities are
 * read by a second thread through a second read-only connection that sees the same
 * database state, when one can be opened (a database file, no commit in between);
 * otherwise, or with SNAP_BUILD_SERIAL, everything is read by the calling thread.
 * Both give the same snapshot. st must not be inside a transaction. */
typedef enum { SNAP_BUILD_PARALLEL, SNAP_BUILD_SERIAL } snap_build_mode;
emb_code snapshot_build(store *st, snapshot **out, emb_err *err); /* SNAP_BUILD_PARALLEL */
emb_code snapshot_build_with(store *st, snap_build_mode mode, snapshot **out, emb_err *err);
void snapshot_free(snapshot *s);

/* The snapshot of the database at db_path: the persisted file db_path + ".snapshot"
 * memory-mapped when its generation equals the store's, else built from the store
 * and written to that file (atomically, best effort: a directory that cannot be
 * written only costs the rebuild next time). *rebuilt tells which happened. */
emb_code snapshot_open(store *st, const char *db_path, snapshot **out, int *rebuilt, emb_err *err);

/* Brings old up to the store's current generation by applying the changes the
 * store logged since old's (change_log; snapshot_patch.c says which it can
 * apply), in one read transaction: EMB_OK with *out a new snapshot that shares
 * old's unchanged columns (old is not changed and may be freed before or after
 * it), equal to what snapshot_build would give; EMB_NOT_FOUND when the changes
 * need a rebuild; another code on failure. st must not be inside a transaction.
 * old must be a snapshot built or mapped by this module. */
emb_code snapshot_catch_up(store *st, const snapshot *old, snapshot **out, emb_err *err);

/* A pool of column memory for the snapshots caught up from one another: the
 * columns a catch-up replaces go back to it when their last snapshot is freed,
 * and the next catch-up takes them instead of fresh memory (whose page faults
 * cost more than the copy). It keeps at most max_bytes; memory beyond is freed.
 * snap_pool_new gives the caller one reference; snapshot_use_pool gives s one
 * (and every snapshot caught up from it); the pool is freed with the last.
 * Thread-safe. NULL when out of memory. */
typedef struct snap_pool snap_pool;
snap_pool *snap_pool_new(size_t max_bytes);
void snap_pool_release(snap_pool *p);
void snapshot_use_pool(snapshot *s, snap_pool *p);
/* Bytes the pool holds now, and buffers it handed out again. */
size_t snap_pool_bytes(snap_pool *p);
uint64_t snap_pool_reuses(snap_pool *p);

/* Writes s to path (via a temporary file and rename). */
emb_code snapshot_write(const snapshot *s, const char *path, emb_err *err);
/* Maps the snapshot file at path; EMB_NOT_FOUND when absent, EMB_CORRUPT when it is
 * not a valid snapshot of this format. */
emb_code snapshot_map(const char *path, snapshot **out, emb_err *err);
/* Maps the snapshot file at path when it is the store's as it is now (generation,
 * instance, currency, time zone) and valid, trusting a recorded verdict on an
 * unchanged file (snapshot_file.c); EMB_NOT_FOUND otherwise. */
emb_code snapshot_map_current(store *st, const char *path, snapshot **out);

#endif
