/*
 * snapshot_file.c - the persisted snapshot: every column of a snapshot written to
 * one file beside the database and memory-mapped by later processes, so a
 * one-shot command starts without reading SQLite (DESIGN.md).
 *
 * File layout (native endianness, checked by a marker): a header, a directory of
 * (column, element size, count, offset) entries, then each column's bytes at an
 * offset aligned to 64. The header carries the store generation the snapshot was
 * built from; a snapshot whose generation differs from the store's is stale.
 * Invariant: a mapped snapshot is never written to (PROT_READ); its columns point
 * into the map and are released with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics/snapshot.h"

#define SNAP_MAGIC "EMBSNAP"
#define SNAP_VERSION 16u
#define SNAP_ENDIAN 0x01020304u
#define SNAP_ALIGN 64

typedef struct {
    char magic[8];
    uint32_t version, endian;
    int64_t generation;
    uint32_t ncolumns, reserved;
    uint64_t file_size;
    char currency[8];
    char timezone[64];
    char instance[40];
    int32_t fiscal_year_start, week_start;
} snap_header;

typedef struct {
    uint32_t column, elem;
    uint64_t count, offset;
} snap_entry;

/* Every array of a snapshot: where its pointer and its length live. */
typedef struct {
    size_t ptr;   /* offsetof the pointer member */
    size_t count; /* offsetof the size_t holding its length */
    size_t extra; /* elements beyond that length (history.first has n + 1) */
    size_t elem;  /* element size */
} column_desc;

#define COL(member, countmember, extra)                                                                  \
    {offsetof(snapshot, member), offsetof(snapshot, countmember), extra, sizeof(*((snapshot *)0)->member)}
#define DICT(d) COL(d.offset, d.n, 0), COL(d.blob, d.blob_len, 0)
#define ROLLUP(r)                                                                                        \
    COL(r.days, r.ndays, 0), COL(r.first, r.ndays, 1), COL(r.owner, r.n, 0), COL(r.values, r.nvalues, 0), \
        COL(r.ok, r.nok, 0)

static const column_desc columns[] = {
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
    COL(history.expected_close, history.n, 0), COL(history.first, deals.n, 1),
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
    COL(leads.created, leads.n, 0), COL(leads.mql_at, leads.n, 0), COL(leads.sql_at, leads.n, 0),
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
#define NCOLUMNS (sizeof columns / sizeof *columns)

/* 1 when the magnitudes of v[0..n) add up to at most SNAP_SUM_MAX. */
static int sum_fits(const int64_t *v, size_t n)
{
    unsigned __int128 sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i] < 0 ? (uint64_t)0 - (uint64_t)v[i] : (uint64_t)v[i];
    return sum <= (unsigned __int128)SNAP_SUM_MAX;
}

int snapshot_check_sums(snapshot *s)
{
    if (!s->exact) {
        if (!(s->exact = malloc(1)))
            return -1;
        s->nexact = 1;
    }
    s->exact[0] = sum_fits(s->deals.amount, s->deals.n) && sum_fits(s->history.amount, s->history.n) &&
             sum_fits(s->lines.net, s->lines.n) && sum_fits(s->lines.cost, s->lines.n) &&
             sum_fits(s->lines.gross, s->lines.n) && sum_fits(s->lines.quantity, s->lines.n) &&
             sum_fits(s->expenses.amount, s->expenses.n) && sum_fits(s->goals.target, s->goals.n);
    return 0;
}

static void **col_ptr(snapshot *s, const column_desc *c) { return (void **)((char *)s + c->ptr); }
static size_t *col_count(snapshot *s, const column_desc *c) { return (size_t *)((char *)s + c->count); }

void snapshot_free(snapshot *s)
{
    if (!s)
        return;
    if (s->map) {
        munmap(s->map, s->map_size);
    } else {
        for (size_t i = 0; i < NCOLUMNS; i++)
            free(*col_ptr(s, &columns[i]));
        free(s->currency);
        free(s->timezone);
        free(s->instance);
    }
    tz_close(s->zone);
    free(s);
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

emb_code snapshot_write(const snapshot *s, const char *path, emb_err *err)
{
    snapshot *ms = (snapshot *)s; /* only read through col_ptr/col_count */
    snap_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, SNAP_MAGIC, sizeof SNAP_MAGIC);
    h.version = SNAP_VERSION;
    h.endian = SNAP_ENDIAN;
    h.generation = s->generation;
    h.ncolumns = (uint32_t)NCOLUMNS;
    snprintf(h.currency, sizeof h.currency, "%s", s->currency);
    snprintf(h.timezone, sizeof h.timezone, "%s", s->timezone);
    snprintf(h.instance, sizeof h.instance, "%s", s->instance);
    h.fiscal_year_start = s->fiscal_year_start;
    h.week_start = s->week_start;
    snap_entry dir[NCOLUMNS];
    uint64_t offset = sizeof h + sizeof dir;
    for (size_t i = 0; i < NCOLUMNS; i++) {
        offset = (offset + SNAP_ALIGN - 1) / SNAP_ALIGN * SNAP_ALIGN;
        size_t count = *col_count(ms, &columns[i]);
        if (count || columns[i].extra)
            count += columns[i].extra;
        dir[i] = (snap_entry){.column = (uint32_t)i, .elem = (uint32_t)columns[i].elem, .count = count, .offset = offset};
        offset += count * columns[i].elem;
    }
    h.file_size = offset;

    size_t n = strlen(path);
    char *tmp = malloc(n + 32);
    if (!tmp)
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    snprintf(tmp, n + 32, "%s.%d.tmp", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        emb_err_set(err, EMB_IO, "cannot write snapshot '%s': %s", tmp, strerror(errno));
        free(tmp);
        return EMB_IO;
    }
    static const char zeros[SNAP_ALIGN];
    int bad = write_all(fd, &h, sizeof h) || write_all(fd, dir, sizeof dir);
    uint64_t pos = sizeof h + sizeof dir;
    for (size_t i = 0; i < NCOLUMNS && !bad; i++) {
        bad = write_all(fd, zeros, (size_t)(dir[i].offset - pos));
        size_t bytes = (size_t)(dir[i].count * dir[i].elem);
        if (!bad && bytes)
            bad = write_all(fd, *col_ptr(ms, &columns[i]), bytes);
        pos = dir[i].offset + bytes;
    }
    if (close(fd) != 0)
        bad = 1;
    if (bad || rename(tmp, path) != 0) {
        emb_err_set(err, EMB_IO, "cannot write snapshot '%s': %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return EMB_IO;
    }
    free(tmp);
    return EMB_OK;
}

emb_code snapshot_map(const char *path, snapshot **out, emb_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return emb_err_set(err, errno == ENOENT ? EMB_NOT_FOUND : EMB_IO, "cannot open snapshot '%s': %s", path,
                           strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || (size_t)sb.st_size < sizeof(snap_header) + NCOLUMNS * sizeof(snap_entry)) {
        close(fd);
        return emb_err_set(err, EMB_CORRUPT, "snapshot '%s' is truncated", path);
    }
    size_t size = (size_t)sb.st_size;
    void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return emb_err_set(err, EMB_IO, "cannot map snapshot '%s': %s", path, strerror(errno));
    const snap_header *h = map;
    const snap_entry *dir = (const snap_entry *)(h + 1);
    snapshot *s = calloc(1, sizeof *s);
    emb_code rc = EMB_OK;
    if (!s) {
        munmap(map, size);
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    }
    s->map = map;
    s->map_size = size;
    if (memcmp(h->magic, SNAP_MAGIC, sizeof SNAP_MAGIC) || h->version != SNAP_VERSION || h->endian != SNAP_ENDIAN ||
        h->ncolumns != NCOLUMNS || h->file_size != size || !memchr(h->currency, 0, sizeof h->currency) ||
        !memchr(h->timezone, 0, sizeof h->timezone) || !memchr(h->instance, 0, sizeof h->instance)) {
        rc = emb_err_set(err, EMB_CORRUPT, "'%s' is not a snapshot of this embudo version", path);
        goto done;
    }
    for (size_t i = 0; i < NCOLUMNS; i++) {
        const snap_entry *e = &dir[i];
        const column_desc *c = &columns[i];
        if (e->column != i || e->elem != c->elem || e->offset % SNAP_ALIGN || e->offset > size ||
            e->count > (size - e->offset) / c->elem) {
            rc = emb_err_set(err, EMB_CORRUPT, "snapshot '%s' has a damaged column %zu", path, i);
            goto done;
        }
        size_t count = (size_t)e->count;
        if (c->extra && count)
            count -= c->extra;
        size_t *cnt = col_count(s, c);
        /* Columns sharing a length must agree. */
        int first_of_count = 1;
        for (size_t j = 0; j < i; j++)
            if (columns[j].count == c->count)
                first_of_count = 0;
        if (first_of_count)
            *cnt = count;
        else if (*cnt != count && !(c->extra && e->count == 0 && *cnt == 0)) {
            rc = emb_err_set(err, EMB_CORRUPT, "snapshot '%s' has columns of different lengths", path);
            goto done;
        }
        *col_ptr(s, c) = e->count ? (char *)map + e->offset : NULL;
    }
    /* Dictionaries: every offset must point inside its blob, which must end in NUL. */
    const snap_dict *dicts[] = {&s->names,      &s->sources,      &s->segments,   &s->industries,
                                &s->categories, &s->lost_reasons, &s->currencies, &s->metrics};
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
        const snap_dict *d = dicts[i];
        if (d->n && (!d->blob_len || d->blob[d->blob_len - 1] != '\0')) {
            rc = emb_err_set(err, EMB_CORRUPT, "snapshot '%s' has a damaged dictionary", path);
            goto done;
        }
        for (size_t k = 0; k < d->n; k++)
            if (d->offset[k] >= d->blob_len) {
                rc = emb_err_set(err, EMB_CORRUPT, "snapshot '%s' has a damaged dictionary", path);
                goto done;
            }
    }
    s->generation = h->generation;
    s->currency = (char *)h->currency;
    s->timezone = (char *)h->timezone;
    s->instance = (char *)h->instance;
    s->fiscal_year_start = h->fiscal_year_start;
    s->week_start = h->week_start;
    rc = tz_open(s->timezone, &s->zone, err);
done:
    if (rc) {
        snapshot_free(s);
        return rc;
    }
    *out = s;
    return EMB_OK;
}

emb_code snapshot_open(store *st, const char *db_path, snapshot **out, int *rebuilt, emb_err *err)
{
    *out = NULL;
    *rebuilt = 0;
    size_t n = strlen(db_path);
    char *path = malloc(n + 16);
    if (!path)
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    snprintf(path, n + 16, "%s.snapshot", db_path);
    emb_err ignored;
    snapshot *s = NULL;
    if (snapshot_map(path, &s, &ignored) == EMB_OK) {
        const org_settings *org = store_org(st);
        if (s->generation == store_generation(st) && !strcmp(s->instance, org->instance) &&
            !strcmp(s->currency, org->currency) && !strcmp(s->timezone, org->timezone)) {
            free(path);
            *out = s;
            return EMB_OK;
        }
        snapshot_free(s); /* stale */
    }
    emb_code rc = snapshot_build(st, &s, err);
    if (rc == EMB_OK) {
        *rebuilt = 1;
        snapshot_write(s, path, &ignored); /* best effort */
        *out = s;
    }
    free(path);
    return rc;
}
