/*
 * m_hygiene.c - pipeline hygiene: stale deals at an instant and deals that slipped
 * out of the period.
 *
 * stale_deals: deals open at the instant (their state then, as open_pipeline)
 * with no activity completed in the 14 days up to it, or with no activity
 * scheduled from it on (due at or after the instant and not done by then).
 * slipped_deals: deals whose expected close date was moved, at some change in
 * their history, from a day inside the period to a day after it; counted once
 * each, with their current amount.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/registry.h"

#define STALE_DAYS 14

typedef struct {
    int64_t count, amount;
    int64_t fx_missing_deal;
} count_amount_acc;

uint8_t *eng_stale_recent(const snapshot *s, int64_t as_of)
{
    const snap_activities *a = &s->activities;
    size_t n = s->deals.n;
    /* A completed activity in the 14 days up to the instant: those are in the blocks
     * of those days (activities are in day order of done, else due). */
    uint8_t *recent = calloc(n ? n : 1, 1);
    if (!recent)
        return NULL;
    int64_t since = as_of - STALE_DAYS * 86400;
    for (size_t k = 0; k < a->nblocks; k++) {
        if (a->block_max[k] <= since || a->block_min[k] > as_of)
            continue;
        size_t end = (k + 1) * SNAP_BLOCK < a->n ? (k + 1) * SNAP_BLOCK : a->n;
        for (size_t i = k * SNAP_BLOCK; i < end; i++) {
            int64_t done = a->done[i];
            if (a->deal[i] >= 0 && done != SNAP_OPEN_INSTANT && done <= as_of && done > since)
                recent[a->deal[i]] = 1;
        }
    }
    return recent;
}

emb_code eng_eval_stale(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_history *h = &s->history;
    /* Per deal: a recent completed activity; one scheduled from the instant on, from
     * sched_until (snapshot.h). */
    uint8_t *recent = eng_stale_recent(s, q->as_of);
    if (!recent || eng_groups_init(&out->groups, q->nby, sizeof(count_amount_acc))) {
        free(recent);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    /* The deals open at the instant (their state then: the last history row at or
     * before it), from the open spans. */
    for (size_t k = eng_first_span_after(h, q->as_of); k < h->nspans; k++) {
        size_t i = (size_t)h->span_deal[k];
        if (h->span_from[k] > q->as_of || (recent[i] && s->deals.sched_until[i] >= q->as_of))
            continue;
        size_t r = eng_row_at(h, i, q->as_of);
        if (r == (size_t)-1 || h->status[r] != DEAL_OPEN)
            continue; /* cannot happen: the span holds the instant */
        if (q->nfilters && !eng_open_passes(s, q, i, r))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_open_dim(s, i, r, q->by[b]);
        count_amount_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        acc->count++;
        acc->amount += h->amount[r];
        if (s->deals.fx_missing[i] && (!acc->fx_missing_deal || (int64_t)i + 1 < acc->fx_missing_deal))
            acc->fx_missing_deal = (int64_t)i + 1;
    }
    free(recent);
    return rc;
}

static int cmp_int32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

emb_code eng_eval_slipped(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_history *h = &s->history;
    if (eng_groups_init(&out->groups, q->nby, sizeof(count_amount_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int64_t from = q->t0 == INT64_MIN ? INT64_MIN : tz_local_day(s->zone, q->t0);
    int64_t to = q->t1 == INT64_MAX ? INT64_MAX : tz_local_day(s->zone, q->t1);
    /* The moves from a day of the period to a day after it (moves are sorted by the
     * day moved from); each deal once, in deal order. */
    size_t lo = search_lower_i32(h->move_from, 0, h->nmoves, from);
    size_t n = 0, cap = 64;
    int32_t *deals = malloc(cap * sizeof *deals);
    if (!deals)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (size_t k = lo; k < h->nmoves && h->move_from[k] < to; k++) {
        if (h->move_to[k] < to)
            continue;
        if (n == cap) {
            int32_t *more = realloc(deals, 2 * cap * sizeof *deals);
            if (!more) {
                free(deals);
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            }
            deals = more;
            cap *= 2;
        }
        deals[n++] = h->move_deal[k];
    }
    qsort(deals, n, sizeof *deals, cmp_int32);
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        size_t i = (size_t)deals[k];
        if ((k > 0 && deals[k - 1] == deals[k]) || (q->nfilters && !eng_deal_passes(s, q, i, 0)))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], 0);
        count_amount_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        acc->count++;
        acc->amount += s->deals.amount[i];
        if (s->deals.fx_missing[i] && !acc->fx_missing_deal)
            acc->fx_missing_deal = (int64_t)i + 1;
    }
    free(deals);
    return rc;
}

emb_code reg_project_hygiene(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    (void)id;
    const count_amount_acc *c = (const count_amount_acc *)(r->groups.accs + g * sizeof(count_amount_acc));
    if (c->fx_missing_deal)
        return eng_fx_error(r->snap, c->fx_missing_deal, err);
    *out = (kpi_value){.kind = KV_PARTS, .part = {c->count, c->amount}};
    return EMB_OK;
}

kpi_value reg_empty_hygiene(metric_id id)
{
    switch (id) {
    case M_STALE_DEALS:
    case M_SLIPPED_DEALS:
        return (kpi_value){.kind = KV_PARTS};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
