/*
 * snapshot_rollup.c - the day rollups of the activity counters (snapshot.h,
 * snap_activities): every activity added, by the engine's own counting rule
 * (eng_activity_count), to the cell of its owner and of the local day of each
 * instant it counts at.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics/engine_internal.h"
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
    return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

emb_code build_activity_rollups(build_ctx *b, snapshot *snap)
{
    snap_activities *a = &snap->activities;
#define ALLOC(ptr, count) ((ptr) = calloc((count) ? (count) : 1, sizeof *(ptr)))
    a->nroll_ok = 1;
    if (!ALLOC(a->roll_ok, 1) || !ALLOC(a->roll_first, 1) || !ALLOC(a->roll_days, 1) || !ALLOC(a->roll_owner, 1) ||
        !ALLOC(a->roll_values, 1))
        return emb_err_set(b->err, EMB_NOMEM, "out of memory");
    /* The days any instant may fall on: the zone maps' range, a day either side. */
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t k = 0; k < a->nblocks; k++)
        if (a->block_min[k] <= a->block_max[k]) {
            lo = a->block_min[k] < lo ? a->block_min[k] : lo;
            hi = a->block_max[k] > hi ? a->block_max[k] : hi;
        }
    if (lo > hi) { /* no instant at all: nothing to roll up */
        a->roll_ok[0] = 1;
        return EMB_OK;
    }
    int64_t day0 = lo / 86400 - 2, day1 = hi / 86400 + 2;
    size_t owners = snap->users.n + 1; /* slot 0: no owner */
    if (lo < -((int64_t)1 << 45) || hi > ((int64_t)1 << 45) || (uint64_t)(day1 - day0 + 1) > MAX_SLOTS / owners)
        return EMB_OK; /* roll_ok[0] stays 0 */
    size_t ndays = (size_t)(day1 - day0 + 1);
    int32_t *slot = calloc(ndays * owners, sizeof *slot); /* cell index + 1 */
    size_t cap = 1024, ncells = 0;
    int64_t *values = malloc(cap * ROLL_WIDTH * sizeof *values);
    if (!slot || !values) {
        free(slot);
        free(values);
        return emb_err_set(b->err, EMB_NOMEM, "out of memory");
    }
    day_cursor cur[3] = {{.zone = snap->zone, .from = 1, .to = 0}, {.zone = snap->zone, .from = 1, .to = 0},
                         {.zone = snap->zone, .from = 1, .to = 0}};
    static const eng_family fams[] = {FAM_ACT_TIME, FAM_ACT_DONE, FAM_ACT_DUE};
    emb_code rc = EMB_OK;
    for (size_t i = 0; i < a->n && !rc; i++) {
        int64_t done = a->done[i], due = a->due[i];
        int64_t at[3] = {done != SNAP_OPEN_INSTANT ? done : due, done,
                         a->type[i] == ACT_TASK ? due : SNAP_OPEN_INSTANT};
        size_t owner = a->owner[i] < 0 ? 0 : (size_t)a->owner[i] + 1;
        for (int f = 0; f < 3; f++) {
            if (at[f] == SNAP_OPEN_INSTANT)
                continue;
            size_t at_slot = (size_t)(local_day(&cur[f], at[f]) - day0) * owners + owner;
            if (!slot[at_slot]) {
                if (ncells == cap) {
                    int64_t *more = realloc(values, 2 * cap * ROLL_WIDTH * sizeof *values);
                    if (!more) {
                        rc = emb_err_set(b->err, EMB_NOMEM, "out of memory");
                        break;
                    }
                    values = more;
                    cap *= 2;
                }
                memset(&values[ncells * ROLL_WIDTH], 0, ROLL_WIDTH * sizeof *values);
                slot[at_slot] = (int32_t)++ncells;
            }
            eng_activity_count(&values[(size_t)(slot[at_slot] - 1) * ROLL_WIDTH], fams[f], a, i);
        }
    }
    /* The cells in (day, owner) order. */
    size_t nd = 0;
    for (size_t d = 0; !rc && d < ndays; d++)
        for (size_t o = 0; o < owners; o++)
            if (slot[d * owners + o]) {
                nd++;
                break;
            }
    if (!rc) {
        free(a->roll_first);
        free(a->roll_days);
        free(a->roll_owner);
        free(a->roll_values);
        a->roll_first = NULL;
        a->roll_days = NULL;
        a->roll_owner = NULL;
        a->roll_values = NULL;
        size_t nvalues = ncells * ROLL_WIDTH;
        if (!ALLOC(a->roll_first, nd + 1) || !ALLOC(a->roll_days, nd) || !ALLOC(a->roll_owner, ncells) ||
            !ALLOC(a->roll_values, nvalues))
            rc = emb_err_set(b->err, EMB_NOMEM, "out of memory");
    }
    if (!rc) {
        size_t cell = 0, k = 0;
        for (size_t d = 0; d < ndays; d++) {
            size_t before = cell;
            for (size_t o = 0; o < owners; o++) {
                int32_t s = slot[d * owners + o];
                if (!s)
                    continue;
                a->roll_owner[cell] = (int32_t)o - 1;
                memcpy(&a->roll_values[cell * ROLL_WIDTH], &values[(size_t)(s - 1) * ROLL_WIDTH],
                       ROLL_WIDTH * sizeof *values);
                cell++;
            }
            if (cell > before) {
                a->roll_days[k] = (int32_t)(day0 + (int64_t)d);
                a->roll_first[k++] = (uint32_t)before;
            }
        }
        a->roll_first[k] = (uint32_t)cell;
        a->nroll_days = nd;
        a->nroll = ncells;
        a->nroll_values = ncells * ROLL_WIDTH;
        a->roll_ok[0] = 1;
    }
#undef ALLOC
    free(slot);
    free(values);
    return rc;
}
