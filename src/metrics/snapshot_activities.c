/*
 * snapshot_activities.c - the activities of the analytics snapshot (see
 * snapshot_build.h): read from the store in chunks of the id space, which one or
 * more threads claim in turn, each through its own connection; then put in day
 * order with a zone map per block of SNAP_BLOCK rows and the open tasks listed by
 * due time. The result does not depend on which thread read which chunk.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/snapshot_build.h"

#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof *(ptr)))

static uint8_t code_of(const char *t, const char *const *names)
{
    for (uint8_t i = 0; t && names[i]; i++)
        if (t[0] == names[i][0] && !strcmp(t, names[i]))
            return i;
    return 0;
}

const char *const snap_activity_types[] = {"call", "email", "meeting", "task", "note", NULL};
const char *const snap_activity_outcomes[] = {"", "connected", "no_answer", "sent", "opened", "replied",
                                              "bounced", "scheduled", "held", "cancelled", "rejected", NULL};

static int cmp_task_due(const void *x, const void *y, void *arg)
{
    const snap_activities *a = arg;
    int64_t p = a->due[*(const uint32_t *)x], q = a->due[*(const uint32_t *)y];
    if (p != q)
        return p < q ? -1 : 1;
    return (*(const uint32_t *)x > *(const uint32_t *)y) - (*(const uint32_t *)x < *(const uint32_t *)y);
}

/* Rows per chunk of the id space: small enough that two threads finish together. */
#define CHUNK_IDS ((int64_t)1 << 18)

struct act_loader {
    int64_t first_id;          /* chunk k holds ids [first_id + k * CHUNK_IDS, + CHUNK_IDS) */
    size_t nchunks;
    atomic_size_t next;        /* the next chunk to claim */
    atomic_int failed;         /* set by a thread that failed: the others stop */
    snap_activities *chunks;   /* columns only (n, type ... duration) */
};

emb_code build_activities_begin(build_ctx *b, act_loader **out)
{
    *out = NULL;
    /* Two queries: SQLite answers min() or max() alone from the b-tree's ends, both
     * together only by scanning the table. */
    sqlite3_stmt *s;
    if (build_prepare(b, "SELECT (SELECT min(id) FROM activities), (SELECT max(id) FROM activities)", &s))
        return b->err->code;
    int64_t lo = 0, hi = -1;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        lo = sqlite3_column_int64(s, 0);
        hi = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    act_loader *l = calloc(1, sizeof *l);
    if (!l)
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    l->first_id = lo;
    /* (hi - lo) / CHUNK_IDS + 1 chunks; computed without overflow for any ids */
    l->nchunks = hi < lo ? 0 : (size_t)(((uint64_t)hi - (uint64_t)lo) / (uint64_t)CHUNK_IDS) + 1;
    atomic_init(&l->next, 0);
    atomic_init(&l->failed, 0);
    if (l->nchunks && !ALLOC(l->chunks, l->nchunks)) {
        free(l);
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    }
    *out = l;
    return EMB_OK;
}

static void free_columns(snap_activities *c)
{
    free(c->type);
    free(c->outcome);
    free(c->cold);
    free(c->owner);
    free(c->deal);
    free(c->lead);
    free(c->account);
    free(c->due);
    free(c->done);
    free(c->duration);
    memset(c, 0, sizeof *c);
}

void build_activities_free(act_loader *l)
{
    if (!l)
        return;
    for (size_t k = 0; k < l->nchunks; k++)
        free_columns(&l->chunks[k]);
    free(l->chunks);
    free(l);
}

static int grow_columns(snap_activities *c, size_t cap)
{
#define GROW(col)                                                                                              \
    do {                                                                                                       \
        void *p = realloc(c->col, cap * sizeof *c->col);                                                       \
        if (!p)                                                                                                \
            return -1;                                                                                         \
        c->col = p;                                                                                            \
    } while (0)
    GROW(type);
    GROW(outcome);
    GROW(cold);
    GROW(owner);
    GROW(deal);
    GROW(lead);
    GROW(account);
    GROW(due);
    GROW(done);
    GROW(duration);
#undef GROW
    return 0;
}

/* Loads the rows of one chunk into its own columns, in id order. */
static emb_code load_chunk(build_ctx *b, sqlite3_stmt *s, int64_t from, int64_t to, snap_activities *c)
{
    const char *const *types = snap_activity_types, *const *outcomes = snap_activity_outcomes;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t i = c->n;
        if (i == cap) {
            cap = cap ? 2 * cap : 4096;
            if (grow_columns(c, cap))
                return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        }
        c->type[i] = code_of(build_col_text(s, 0), types);
        c->outcome[i] = code_of(build_col_text(s, 1), outcomes);
        c->cold[i] = (uint8_t)sqlite3_column_int(s, 2);
        c->owner[i] = build_map_get(&b->users, s, 3);
        c->deal[i] = build_map_get(&b->deals, s, 4);
        c->lead[i] = build_map_get(&b->leads, s, 5);
        c->account[i] = build_map_get(&b->accounts, s, 6);
        c->due[i] = build_instant_or_none(s, 7);
        c->done[i] = build_instant_or_none(s, 8);
        c->duration[i] = sqlite3_column_type(s, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 9);
        c->n++;
    }
    if (rc != SQLITE_DONE)
        return store_sql_error(b->st, _("building the analytics snapshot"), b->err);
    return EMB_OK;
}

emb_code build_activities_work(build_ctx *b, act_loader *l)
{
    sqlite3_stmt *s;
    if (build_prepare(b,
                      "SELECT type, outcome, cold, owner_id, deal_id, lead_id, account_id, due, done, duration_s "
                      "FROM activities WHERE id >= ?1 AND id < ?2 ORDER BY id",
                      &s)) {
        atomic_store(&l->failed, 1);
        return b->err->code;
    }
    emb_code rc = EMB_OK;
    for (;;) {
        if (atomic_load(&l->failed))
            break;
        size_t k = atomic_fetch_add(&l->next, 1);
        if (k >= l->nchunks)
            break;
        /* ids beyond INT64_MAX cannot exist: clamp the chunk's end */
        int64_t from = l->first_id + (int64_t)k * CHUNK_IDS;
        int64_t to = from > INT64_MAX - CHUNK_IDS ? INT64_MAX : from + CHUNK_IDS;
        if ((rc = load_chunk(b, s, from, to, &l->chunks[k])) != EMB_OK) {
            atomic_store(&l->failed, 1);
            break;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

/* The day an activity sorts by (done, else due), relative to lo, plus one; 0 for
 * an activity with neither instant. */
static size_t day_bucket(int64_t due, int64_t done, int64_t lo)
{
    int64_t t = done != SNAP_OPEN_INSTANT ? done : due;
    if (t == SNAP_OPEN_INSTANT)
        return 0;
    return (size_t)(day_of_seconds(t) - lo + 1);
}

emb_code build_activities_finish(build_ctx *b, act_loader *l, snapshot *snap)
{
    snap_activities *a = &snap->activities;
    size_t n = 0;
    int64_t first_day = INT64_MAX, last_day = INT64_MIN;
    for (size_t k = 0; k < l->nchunks; k++) {
        const snap_activities *c = &l->chunks[k];
        n += c->n;
        for (size_t i = 0; i < c->n; i++) {
            int64_t t = c->done[i] != SNAP_OPEN_INSTANT ? c->done[i] : c->due[i];
            if (t == SNAP_OPEN_INSTANT)
                continue;
            int64_t d = day_of_seconds(t);
            first_day = d < first_day ? d : first_day;
            last_day = d > last_day ? d : last_day;
        }
    }
    if (n > UINT32_MAX)
        return emb_err_set(b->err, EMB_INVALID, _("too many activities for the snapshot (%zu)"), n);
    a->n = n;
    if (!ALLOC(a->type, n) || !ALLOC(a->outcome, n) || !ALLOC(a->cold, n) || !ALLOC(a->owner, n) ||
        !ALLOC(a->deal, n) || !ALLOC(a->lead, n) || !ALLOC(a->account, n) || !ALLOC(a->due, n) ||
        !ALLOC(a->done, n) || !ALLOC(a->duration, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    /* Ordered by day (done, else due; those with neither first), ties in id order,
     * so that the zone map of each block is tight and period scans skip most
     * blocks: a stable counting sort scattering the chunks, taken in id order,
     * into place. Without instants, or centuries apart, id order is kept. */
    int by_day = first_day <= last_day && last_day - first_day <= 200000;
    size_t buckets = by_day ? (size_t)(last_day - first_day) + 2 : 1;
    size_t *start = calloc(buckets + 1, sizeof *start);
    if (!start)
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    for (size_t k = 0; by_day && k < l->nchunks; k++) {
        const snap_activities *c = &l->chunks[k];
        for (size_t i = 0; i < c->n; i++)
            start[day_bucket(c->due[i], c->done[i], first_day) + 1]++;
    }
    for (size_t j = 0; by_day && j < buckets; j++)
        start[j + 1] += start[j];
    size_t next = 0;
    for (size_t k = 0; k < l->nchunks; k++) {
        snap_activities *c = &l->chunks[k];
        for (size_t i = 0; i < c->n; i++) {
            size_t r = by_day ? start[day_bucket(c->due[i], c->done[i], first_day)]++ : next++;
            a->type[r] = c->type[i];
            a->outcome[r] = c->outcome[i];
            a->cold[r] = c->cold[i];
            a->owner[r] = c->owner[i];
            a->deal[r] = c->deal[i];
            a->lead[r] = c->lead[i];
            a->account[r] = c->account[i];
            a->due[r] = c->due[i];
            a->done[r] = c->done[i];
            a->duration[r] = c->duration[i];
        }
        free_columns(c); /* the memory of the chunks is returned as the snapshot fills */
    }
    free(start);
    a->nblocks = (a->n + SNAP_BLOCK - 1) / SNAP_BLOCK;
    if (!ALLOC(a->block_min, a->nblocks) || !ALLOC(a->block_max, a->nblocks) ||
        !ALLOC(a->block_open_tasks, a->nblocks))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    for (size_t k = 0; k < a->nblocks; k++) {
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        int32_t open = 0;
        for (size_t r = k * SNAP_BLOCK; r < a->n && r < (k + 1) * SNAP_BLOCK; r++) {
            int64_t t[2] = {a->due[r], a->done[r]};
            for (int j = 0; j < 2; j++)
                if (t[j] != SNAP_OPEN_INSTANT) {
                    lo = t[j] < lo ? t[j] : lo;
                    hi = t[j] > hi ? t[j] : hi;
                }
            open += a->type[r] == ACT_TASK && a->done[r] == SNAP_OPEN_INSTANT;
        }
        a->block_min[k] = lo;
        a->block_max[k] = hi;
        a->block_open_tasks[k] = open;
        a->nopen_tasks += (size_t)open;
    }
    /* Open tasks by due time: positions in day order, then sorted within equal days. */
    if (!ALLOC(a->open_tasks, a->nopen_tasks))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    size_t k = 0;
    for (size_t r = 0; r < a->n; r++)
        if (a->type[r] == ACT_TASK && a->done[r] == SNAP_OPEN_INSTANT)
            a->open_tasks[k++] = (uint32_t)r;
    if (k > 1)
        qsort_r(a->open_tasks, k, sizeof *a->open_tasks, cmp_task_due, a);
    return EMB_OK;
}

