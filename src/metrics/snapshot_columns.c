/* snapshot_columns.c - the table of a snapshot's columns and their blocks; see
 * snapshot_columns.h. */
#include "metrics/snapshot_columns.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define COL(member, countmember, extra)                                                                  \
    {offsetof(snapshot, member), offsetof(snapshot, countmember), extra, sizeof(*((snapshot *)0)->member)}
#define DICT(d) COL(d.offset, d.n, 0), COL(d.blob, d.blob_len, 0)
#define ROLLUP(r)                                                                                        \
    COL(r.days, r.ndays, 0), COL(r.first, r.ndays, 1), COL(r.owner, r.n, 0), COL(r.values, r.nvalues, 0), \
        COL(r.ok, r.nok, 0)

const column_desc snap_columns[] = {
    DICT(names), DICT(sources), DICT(segments), DICT(industries), DICT(categories), DICT(lost_reasons),
    DICT(currencies), DICT(metrics),
    COL(users.id, users.n, 0), COL(users.team, users.n, 0), COL(users.region, users.n, 0),
    COL(users.name, users.n, 0),
    COL(teams.id, teams.n, 0), COL(teams.name, teams.n, 0), COL(teams.region, teams.n, 0),
    COL(teams.manager, teams.n, 0),
    COL(regions.id, regions.n, 0), COL(regions.name, regions.n, 0),
    COL(accounts.id, accounts.n, 0), COL(accounts.name, accounts.n, 0), COL(accounts.segment, accounts.n, 0),
    COL(accounts.industry, accounts.n, 0), COL(accounts.region, accounts.n, 0), COL(accounts.owner, accounts.n, 0),
    COL(accounts.first_won, accounts.n, 0),
    COL(products.id, products.n, 0), COL(products.name, products.n, 0), COL(products.category, products.n, 0),
    COL(pipelines.id, pipelines.n, 0), COL(pipelines.name, pipelines.n, 0),
    COL(stages.id, stages.n, 0), COL(stages.pipeline, stages.n, 0), COL(stages.position, stages.n, 0),
    COL(stages.probability_bp, stages.n, 0), COL(stages.kind, stages.n, 0), COL(stages.name, stages.n, 0),
    COL(deals.id, deals.n, 0), COL(deals.currency, deals.n, 0), COL(deals.created, deals.n, 0),
    COL(deals.closed, deals.n, 0), COL(deals.status, deals.n, 0), COL(deals.owner, deals.n, 0),
    COL(deals.close_owner, deals.n, 0), COL(deals.account, deals.n, 0), COL(deals.pipeline, deals.n, 0),
    COL(deals.stage, deals.n, 0), COL(deals.source, deals.n, 0), COL(deals.lead, deals.n, 0),
    COL(deals.product, deals.n, 0), COL(deals.lost_reason, deals.n, 0), COL(deals.amount, deals.n, 0),
    COL(deals.amount_known, deals.n, 0), COL(deals.fx_missing, deals.n, 0), COL(deals.expected_close, deals.n, 0),
    COL(deals.probability_bp, deals.n, 0), COL(deals.done_activities, deals.n, 0),
    COL(deals.by_created, deals.n, 0), COL(deals.by_closed, deals.nclosed, 0), COL(deals.sched_until, deals.n, 0),
    COL(history.deal, history.n, 0), COL(history.at, history.n, 0), COL(history.stage, history.n, 0),
    COL(history.owner, history.n, 0), COL(history.status, history.n, 0), COL(history.amount, history.n, 0),
    COL(history.expected_close, history.n, 0), COL(history.first, deals.n, 0), COL(history.end, deals.n, 0),
    COL(history.span_deal, history.nspans, 0), COL(history.span_from, history.nspans, 0),
    COL(history.span_to, history.nspans, 0), COL(history.move_deal, history.nmoves, 0),
    COL(history.move_from, history.nmoves, 0), COL(history.move_to, history.nmoves, 0),
    COL(history.exit_deal, history.nexits, 0), COL(history.exit_stage, history.nexits, 0),
    COL(history.exit_at, history.nexits, 0), COL(history.exit_entered, history.nexits, 0),
    COL(lines.order, lines.n, 0), COL(lines.ordered, lines.n, 0), COL(lines.rep, lines.n, 0),
    COL(lines.account, lines.n, 0), COL(lines.region, lines.n, 0), COL(lines.product, lines.n, 0),
    COL(lines.net, lines.n, 0), COL(lines.cost, lines.n, 0), COL(lines.quantity, lines.n, 0), COL(lines.gross, lines.n, 0),
    COL(lines.cost_known, lines.n, 0), COL(lines.fx_missing, lines.n, 0), COL(lines.order_id, lines.norders, 0),
    COL(lines.order_currency, lines.norders, 0), COL(lines.by_ordered, lines.n, 0),
    COL(leads.id, leads.n, 0), COL(leads.created, leads.n, 0), COL(leads.mql_at, leads.n, 0), COL(leads.sql_at, leads.n, 0),
    COL(leads.converted_at, leads.n, 0), COL(leads.first_touch, leads.n, 0), COL(leads.source, leads.n, 0),
    COL(leads.owner, leads.n, 0), COL(leads.won, leads.n, 0), COL(leads.converted, leads.n, 0),
    COL(activities.type, activities.n, 0), COL(activities.outcome, activities.n, 0),
    COL(activities.cold, activities.n, 0), COL(activities.owner, activities.n, 0),
    COL(activities.deal, activities.n, 0), COL(activities.lead, activities.n, 0),
    COL(activities.account, activities.n, 0), COL(activities.due, activities.n, 0),
    COL(activities.done, activities.n, 0), COL(activities.duration, activities.n, 0),
    COL(activities.block_min, activities.nblocks, 0), COL(activities.block_max, activities.nblocks, 0),
    COL(activities.block_open_tasks, activities.nblocks, 0), COL(activities.open_tasks, activities.nopen_tasks, 0),
    ROLLUP(activities.roll), ROLLUP(lines.roll),
    COL(goals.metric, goals.n, 0), COL(goals.scope, goals.n, 0), COL(goals.team, goals.n, 0),
    COL(goals.rep, goals.n, 0), COL(goals.from, goals.n, 0), COL(goals.to, goals.n, 0),
    COL(goals.target, goals.n, 0),
    COL(expenses.category, expenses.n, 0), COL(expenses.channel, expenses.n, 0), COL(expenses.from, expenses.n, 0),
    COL(expenses.to, expenses.n, 0), COL(expenses.amount, expenses.n, 0), COL(expenses.fx_missing, expenses.n, 0),
    COL(exact, nexact, 0),
};
_Static_assert(sizeof snap_columns / sizeof *snap_columns == SNAP_NCOLUMNS, "SNAP_NCOLUMNS");

struct snap_block {
    atomic_size_t refs;
    void *mem;
    size_t map_size; /* > 0: a mapping of that size, munmap'd */
    void (*release)(void *); /* else, when set: how mem is released (the time zone's block) */
    snap_pool *pool; /* else, when set: mem came from snap_column_alloc of a snapshot with that pool */
    int pooled;      /* mem came from snap_column_alloc (with or without a pool) */
    atomic_size_t used; /* bytes of mem some snapshot reads; SIZE_MAX: unknown (no appending) */
};

/* ---- the pool ------------------------------------------------------------------
 * Memory from snap_column_alloc starts with a header giving its capacity; the
 * caller sees what follows it (16-byte aligned, as malloc's). */
typedef struct {
    size_t capacity; /* bytes after the header */
    size_t pad;
} col_header;

#define POOL_SLOTS 64

struct snap_pool {
    pthread_mutex_t lock;
    atomic_size_t refs;
    size_t max_bytes, bytes, n;
    col_header *free[POOL_SLOTS];
    uint64_t reuses;
};

snap_pool *snap_pool_new(size_t max_bytes)
{
    snap_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    atomic_init(&p->refs, 1);
    p->max_bytes = max_bytes;
    return p;
}

void snap_pool_release(snap_pool *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->free[i]);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static snap_pool *pool_retain(snap_pool *p)
{
    if (p)
        atomic_fetch_add(&p->refs, 1);
    return p;
}

void snapshot_use_pool(snapshot *s, snap_pool *p)
{
    snap_pool_release(s->pool);
    s->pool = pool_retain(p);
}

size_t snap_pool_bytes(snap_pool *p)
{
    pthread_mutex_lock(&p->lock);
    size_t b = p->bytes;
    pthread_mutex_unlock(&p->lock);
    return b;
}

uint64_t snap_pool_reuses(snap_pool *p)
{
    pthread_mutex_lock(&p->lock);
    uint64_t r = p->reuses;
    pthread_mutex_unlock(&p->lock);
    return r;
}

/* A held buffer of at least bytes and not much more (the smallest), or NULL. */
static col_header *pool_take(snap_pool *p, size_t bytes)
{
    pthread_mutex_lock(&p->lock);
    size_t best = p->n;
    for (size_t i = 0; i < p->n; i++)
        if (p->free[i]->capacity >= bytes && p->free[i]->capacity <= bytes + bytes / 4 + 65536 &&
            (best == p->n || p->free[i]->capacity < p->free[best]->capacity))
            best = i;
    col_header *h = NULL;
    if (best < p->n) {
        h = p->free[best];
        p->free[best] = p->free[--p->n];
        p->bytes -= h->capacity;
        p->reuses++;
    }
    pthread_mutex_unlock(&p->lock);
    return h;
}

/* Keeps h for later, or frees it (the pool full: the largest held goes first). */
static void pool_put(snap_pool *p, col_header *h)
{
    pthread_mutex_lock(&p->lock);
    while (p->n && (p->n == POOL_SLOTS || p->bytes + h->capacity > p->max_bytes)) {
        size_t big = 0;
        for (size_t i = 1; i < p->n; i++)
            if (p->free[i]->capacity > p->free[big]->capacity)
                big = i;
        if (p->free[big]->capacity < h->capacity)
            break;
        p->bytes -= p->free[big]->capacity;
        free(p->free[big]);
        p->free[big] = p->free[--p->n];
    }
    if (p->n < POOL_SLOTS && p->bytes + h->capacity <= p->max_bytes) {
        p->free[p->n++] = h;
        p->bytes += h->capacity;
        h = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    free(h);
}

void *snap_column_alloc(snapshot *s, size_t bytes)
{
    if (!bytes)
        bytes = 1;
    col_header *h = s->pool ? pool_take(s->pool, bytes) : NULL;
    if (!h) {
        /* Room to grow: the same column a little longer fits next time. */
        size_t capacity = s->pool ? bytes + bytes / 16 : bytes;
        if (capacity > SIZE_MAX - sizeof *h || !(h = malloc(sizeof *h + capacity)))
            return NULL;
        h->capacity = capacity;
    }
    return h + 1;
}

static void column_free(snap_pool *pool, void *mem)
{
    if (!mem)
        return;
    col_header *h = (col_header *)mem - 1;
    if (pool)
        pool_put(pool, h);
    else
        free(h);
}

void snap_column_free(snapshot *s, void *mem) { column_free(s->pool, mem); }

static snap_block *block_new(void *mem, size_t map_size, size_t refs)
{
    snap_block *b = calloc(1, sizeof *b);
    if (b) {
        atomic_init(&b->refs, refs);
        atomic_init(&b->used, SIZE_MAX);
        b->mem = mem;
        b->map_size = map_size;
    }
    return b;
}

static void block_release(snap_block *b)
{
    if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
        return;
    if (b->map_size)
        munmap(b->mem, b->map_size);
    else if (b->release)
        b->release(b->mem);
    else if (b->pooled)
        column_free(b->pool, b->mem);
    else
        free(b->mem);
    snap_pool_release(b->pool);
    free(b);
}

int snap_column_of(const snapshot *s, const void *member)
{
    size_t off = (size_t)((const char *)member - (const char *)s);
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++)
        if (snap_columns[i].ptr == off)
            return (int)i;
    return -1;
}

static void zone_release(void *zone) { tz_close(zone); }

/* Gives s's zone a block of its own, so that clones share it. -1 when out of memory. */
static int zone_adopt(snapshot *s)
{
    if (!s->zone || s->zone_block)
        return 0;
    if (!(s->zone_block = block_new(s->zone, 0, 1)))
        return -1;
    s->zone_block->release = zone_release;
    return 0;
}

int snap_blocks_adopt(snapshot *s)
{
    if (zone_adopt(s))
        return -1;
    snap_block **blocks = calloc(SNAP_NCOLUMNS, sizeof *blocks);
    if (!blocks)
        return -1;
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
        void *mem = *snap_col_ptr(s, &snap_columns[i]);
        if (mem && !(blocks[i] = block_new(mem, 0, 1))) {
            for (size_t k = 0; k < i; k++)
                if (blocks[k]) {
                    blocks[k]->mem = NULL; /* still owned by the column */
                    block_release(blocks[k]);
                }
            free(blocks);
            return -1;
        }
    }
    s->blocks = blocks;
    return 0;
}

int snap_blocks_map(snapshot *s, void *map, size_t size)
{
    if (zone_adopt(s))
        return -1;
    snap_block **blocks = calloc(SNAP_NCOLUMNS, sizeof *blocks);
    snap_block *b = blocks ? block_new(map, size, 0) : NULL;
    if (!b) {
        free(blocks);
        return -1;
    }
    size_t refs = 0;
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++)
        if (*snap_col_ptr(s, &snap_columns[i])) {
            blocks[i] = b;
            refs++;
        }
    if (!refs) { /* nothing points into it: the snapshot keeps it as s->map */
        free(b);
        free(blocks);
        return 0;
    }
    atomic_store(&b->refs, refs);
    s->blocks = blocks;
    return 0;
}

void snap_blocks_release(snapshot *s)
{
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
        if (s->blocks)
            block_release(s->blocks[i]);
        else
            free(*snap_col_ptr(s, &snap_columns[i]));
    }
    free(s->blocks);
    s->blocks = NULL;
}

snapshot *snap_clone(const snapshot *s)
{
    snapshot *c = malloc(sizeof *c);
    snap_block **blocks = calloc(SNAP_NCOLUMNS, sizeof *blocks);
    if (!c || !blocks || !s->blocks || !s->zone_block) {
        free(c);
        free(blocks);
        return NULL;
    }
    /* Every reference taken first: from here on snapshot_free(c) undoes it all. */
    *c = *s;
    c->map = NULL;
    c->map_size = 0;
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++)
        if ((blocks[i] = s->blocks[i]))
            atomic_fetch_add(&blocks[i]->refs, 1);
    c->blocks = blocks;
    atomic_fetch_add(&c->zone_block->refs, 1);
    pool_retain(c->pool);
    c->currency = strdup(s->currency);
    c->timezone = strdup(s->timezone);
    c->instance = strdup(s->instance);
    if (!c->currency || !c->timezone || !c->instance) {
        snapshot_free(c);
        return NULL;
    }
    return c;
}

int snap_set_column(snapshot *s, void *member, void *mem)
{
    int i = snap_column_of(s, member);
    snap_block *b = i >= 0 && s->blocks ? block_new(mem, 0, 1) : NULL;
    if (!b) {
        snap_column_free(s, mem);
        return -1;
    }
    b->pooled = 1;
    b->pool = pool_retain(s->pool);
    block_release(s->blocks[i]);
    s->blocks[i] = b;
    *(void **)member = mem;
    return 0;
}

void snapshot_free(snapshot *s)
{
    if (!s)
        return;
    if (s->blocks)
        snap_blocks_release(s);
    else if (s->map)
        munmap(s->map, s->map_size);
    else
        snap_blocks_release(s);
    if (!s->map) {
        free(s->currency);
        free(s->timezone);
        free(s->instance);
    }
    if (s->zone_block)
        block_release(s->zone_block);
    else
        tz_close(s->zone);
    snap_pool_release(s->pool);
    free(s);
}

int snap_column_set_used(snapshot *s, void *member, size_t bytes)
{
    int i = snap_column_of(s, member);
    if (i < 0 || !s->blocks || !s->blocks[i] || !s->blocks[i]->pooled)
        return -1;
    atomic_store(&s->blocks[i]->used, bytes);
    return 0;
}

void *snap_column_room(snapshot *s, void *member, size_t used, size_t add, int claim)
{
    int i = snap_column_of(s, member);
    snap_block *b = i >= 0 && s->blocks ? s->blocks[i] : NULL;
    if (!b || !b->pooled || ((col_header *)b->mem - 1)->capacity - used < add ||
        ((col_header *)b->mem - 1)->capacity < used || atomic_load(&b->used) != used)
        return NULL;
    size_t expected = used;
    if (claim && !atomic_compare_exchange_strong(&b->used, &expected, used + add))
        return NULL;
    return (char *)b->mem + used;
}
