/*
 * snapshot_rollup.c - day rollups (snapshot.h): the counters of the activity and
 * order-line metrics added up per local day and owner once, by the counting rules
 * the metrics scan with (counting.h), so that a query over whole
 * days reads a cell per day and owner instead of every fact.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/counting.h"
#include "metrics/snapshot_build.h"

/* Cells indexed directly by (day, owner) while building: beyond this many slots
 * (days x owners) the rollups are not made and the metrics scan instead. */
#define MAX_SLOTS ((size_t)64 << 20)

/* The local day of UTC instants taken in near order, with the offset of the last
 * one's span kept. */
typedef struct {
    const tz *zone;
    int64_t from, to;
    int32_t off;
} day_cursor;

static int64_t local_day(day_cursor *c, int64_t utc)
{
    if (utc < c->from || utc >= c->to)
        c->off = tz_offset_span(c->zone, utc, &c->from, &c->to);
    int64_t local;
    if (__builtin_add_overflow(utc, (int64_t)c->off, &local))
        local = utc;
    return day_of_seconds(local);
}

/* Cells being filled: slot[(day - day0) * owners + owner + 1] = cell + 1. */
typedef struct {
    int64_t day0;
    size_t ndays, owners, width;
    int32_t *slot;
    int64_t *values;
    size_t ncells, cap;
} cells;

/* 1 when the instants lo..hi and the owners can be indexed (then c is ready), 0
 * when not (no rollups), -1 when out of memory. */
static int cells_init(cells *c, int64_t lo, int64_t hi, size_t nusers, size_t width)
{
    memset(c, 0, sizeof *c);
    c->day0 = lo / 86400 - 2;
    int64_t day1 = hi / 86400 + 2;
    c->owners = nusers + 1; /* slot 0: no owner */
    c->width = width;
    if (lo < -((int64_t)1 << 45) || hi > ((int64_t)1 << 45) || (uint64_t)(day1 - c->day0 + 1) > MAX_SLOTS / c->owners)
        return 0;
    c->ndays = (size_t)(day1 - c->day0 + 1);
    c->cap = 1024;
    c->slot = calloc(c->ndays * c->owners, sizeof *c->slot);
    c->values = malloc(c->cap * width * sizeof *c->values);
    return c->slot && c->values ? 1 : -1;
}

static void cells_free(cells *c)
{
    free(c->slot);
    free(c->values);
}

/* The counters of (day, owner), created zeroed; NULL when out of memory. */
static int64_t *cell(cells *c, int64_t day, int32_t owner)
{
    size_t at = (size_t)(day - c->day0) * c->owners + (owner < 0 ? 0 : (size_t)owner + 1);
    if (!c->slot[at]) {
        if (c->ncells == c->cap) {
            int64_t *more = realloc(c->values, 2 * c->cap * c->width * sizeof *more);
            if (!more)
                return NULL;
            c->values = more;
            c->cap *= 2;
        }
        memset(&c->values[c->ncells * c->width], 0, c->width * sizeof *c->values);
        c->slot[at] = (int32_t)++c->ncells;
    }
    return &c->values[(size_t)(c->slot[at] - 1) * c->width];
}

/* The cells in (day, owner) order into the rollup arrays (see snapshot.h). */
static int cells_emit(const cells *c, snap_rollup *r)
{
    size_t nd = 0;
    for (size_t d = 0; d < c->ndays; d++)
        for (size_t o = 0; o < c->owners; o++)
            if (c->slot[d * c->owners + o]) {
                nd++;
                break;
            }
    size_t nvalues = c->ncells * c->width;
    int32_t *days = calloc(nd ? nd : 1, sizeof *days), *owner = calloc(c->ncells ? c->ncells : 1, sizeof *owner);
    uint32_t *first = calloc(nd + 1, sizeof *first);
    int64_t *values = calloc(nvalues ? nvalues : 1, sizeof *values);
    if (!days || !owner || !first || !values) {
        free(days);
        free(owner);
        free(first);
        free(values);
        return -1;
    }
    size_t n = 0, k = 0;
    for (size_t d = 0; d < c->ndays; d++) {
        size_t before = n;
        for (size_t o = 0; o < c->owners; o++) {
            int32_t s = c->slot[d * c->owners + o];
            if (!s)
                continue;
            owner[n] = (int32_t)o - 1;
            memcpy(&values[n * c->width], &c->values[(size_t)(s - 1) * c->width], c->width * sizeof *values);
            n++;
        }
        if (n > before) {
            days[k] = (int32_t)(c->day0 + (int64_t)d);
            first[k++] = (uint32_t)before;
        }
    }
    first[k] = (uint32_t)n;
    free(r->days);
    free(r->first);
    free(r->owner);
    free(r->values);
    *r = (snap_rollup){.ndays = nd, .days = days, .first = first, .n = c->ncells, .owner = owner,
                       .nvalues = nvalues, .values = values, .nok = 1, .ok = r->ok};
    r->ok[0] = 1;
    return 0;
}

/* An empty rollup that says whether it covers everything (ok) or nothing (not made). */
static int rollup_empty(snap_rollup *r, int ok)
{
    *r = (snap_rollup){.nok = 1};
    r->days = calloc(1, sizeof *r->days);
    r->first = calloc(1, sizeof *r->first);
    r->owner = calloc(1, sizeof *r->owner);
    r->values = calloc(1, sizeof *r->values);
    r->ok = calloc(1, sizeof *r->ok);
    if (!r->days || !r->first || !r->owner || !r->values || !r->ok)
        return -1;
    r->ok[0] = (uint8_t)ok;
    return 0;
}

emb_code build_activity_rollups(build_ctx *b, snapshot *snap)
{
    snap_activities *a = &snap->activities;
    if (rollup_empty(&a->roll, 0))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    /* The days any instant may fall on: the zone maps' range. */
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t k = 0; k < a->nblocks; k++)
        if (a->block_min[k] <= a->block_max[k]) {
            lo = a->block_min[k] < lo ? a->block_min[k] : lo;
            hi = a->block_max[k] > hi ? a->block_max[k] : hi;
        }
    if (lo > hi) { /* no instant at all: nothing to roll up */
        a->roll.ok[0] = 1;
        return EMB_OK;
    }
    cells c;
    int ready = cells_init(&c, lo, hi, snap->users.n, ROLL_WIDTH);
    if (ready <= 0) {
        cells_free(&c);
        return ready < 0 ? emb_err_set(b->err, EMB_NOMEM, _("out of memory")) : EMB_OK;
    }
    day_cursor cur[3] = {{.zone = snap->zone, .from = 1, .to = 0}, {.zone = snap->zone, .from = 1, .to = 0},
                         {.zone = snap->zone, .from = 1, .to = 0}};
    static const act_basis bases[] = {ACT_AT_TIME, ACT_AT_DONE, ACT_AT_DUE};
    emb_code rc = EMB_OK;
    for (size_t i = 0; i < a->n && !rc; i++) {
        for (int f = 0; f < 3 && !rc; f++) {
            int64_t at = count_activity_at(a, i, bases[f]);
            if (at == SNAP_OPEN_INSTANT)
                continue;
            int64_t *v = cell(&c, local_day(&cur[f], at), a->owner[i]);
            if (!v)
                rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
            else
                count_activity(v, bases[f], a, i);
        }
    }
    if (!rc && cells_emit(&c, &a->roll))
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    cells_free(&c);
    return rc;
}

emb_code build_line_rollups(build_ctx *b, snapshot *snap)
{
    snap_lines *l = &snap->lines;
    if (rollup_empty(&l->roll, 0))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (!l->n) {
        l->roll.ok[0] = 1;
        return EMB_OK;
    }
    /* Amounts whose sums may not fit are not added up (ok stays 0; the metrics
     * that would read them are refused, snapshot.h). */
    if (!snapshot_sum_fits(l->net, l->n) || !snapshot_sum_fits(l->cost, l->n) ||
        !snapshot_sum_fits(l->gross, l->n) || !snapshot_sum_fits(l->quantity, l->n))
        return EMB_OK;
    int64_t lo = l->ordered[l->by_ordered[0]], hi = l->ordered[l->by_ordered[l->n - 1]];
    cells c;
    int ready = cells_init(&c, lo, hi, snap->users.n, LINE_WIDTH);
    if (ready <= 0) {
        cells_free(&c);
        return ready < 0 ? emb_err_set(b->err, EMB_NOMEM, _("out of memory")) : EMB_OK;
    }
    day_cursor cur = {.zone = snap->zone, .from = 1, .to = 0};
    emb_code rc = EMB_OK;
    for (size_t i = 0; i < l->n && !rc; i++) {
        int64_t *v = cell(&c, local_day(&cur, l->ordered[i]), l->rep[i]);
        if (!v)
            rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        else /* the lines of an order are together, and share its day and rep */
            count_line(v, l, i, i == 0 || l->order[i] != l->order[i - 1]);
    }
    if (!rc && cells_emit(&c, &l->roll))
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    cells_free(&c);
    return rc;
}
