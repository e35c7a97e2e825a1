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

#include "metrics/engine_internal.h"
#include "metrics/registry.h"

#define STALE_DAYS 14

typedef struct {
    int64_t count, amount;
    int64_t fx_missing_deal;
} count_amount_acc;

static int64_t floor_day(const snapshot *s, int64_t instant)
{
    int64_t local = tz_utc_to_local(s->zone, instant);
    return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

emb_code eng_eval_stale(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_activities *a = &s->activities;
    const snap_history *h = &s->history;
    size_t n = s->deals.n;
    /* Per deal: a recent completed activity; a scheduled one. */
    uint8_t *recent = calloc(n ? n : 1, 1), *scheduled = calloc(n ? n : 1, 1);
    if (!recent || !scheduled || eng_groups_init(&out->groups, q->nby, sizeof(count_amount_acc))) {
        free(recent);
        free(scheduled);
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    }
    int64_t since = q->as_of - STALE_DAYS * 86400;
    for (size_t i = 0; i < a->n; i++) {
        int32_t d = a->deal[i];
        if (d < 0)
            continue;
        int64_t done = a->done[i];
        if (done != SNAP_OPEN_INSTANT && done <= q->as_of && done > since)
            recent[d] = 1;
        if (a->due[i] != SNAP_OPEN_INSTANT && a->due[i] >= q->as_of && (done == SNAP_OPEN_INSTANT || done > q->as_of))
            scheduled[d] = 1;
    }
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    for (size_t i = 0; i < n; i++) {
        if (recent[i] && scheduled[i])
            continue;
        /* The state as of the instant: the last history row at or before it. */
        size_t lo = h->first[i], hi = h->first[i + 1];
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (h->at[mid] <= q->as_of)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == h->first[i] || h->status[lo - 1] != DEAL_OPEN)
            continue;
        size_t r = lo - 1;
        if (q->nfilters && !eng_open_passes(s, q, i, r))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_open_dim(s, i, r, q->by[b]);
        count_amount_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, "out of memory");
            break;
        }
        acc->count++;
        acc->amount += h->amount[r];
        if (s->deals.fx_missing[i] && !acc->fx_missing_deal)
            acc->fx_missing_deal = (int64_t)i + 1;
    }
    free(recent);
    free(scheduled);
    return rc;
}

emb_code eng_eval_slipped(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_history *h = &s->history;
    if (eng_groups_init(&out->groups, q->nby, sizeof(count_amount_acc)))
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    int64_t from = q->t0 == INT64_MIN ? INT64_MIN : floor_day(s, q->t0);
    int64_t to = q->t1 == INT64_MAX ? INT64_MAX : floor_day(s, q->t1);
    int32_t key[KPI_MAX_BY] = {0};
    for (size_t i = 0; i < s->deals.n; i++) {
        int slipped = 0;
        for (size_t r = h->first[i] + 1; r < h->first[i + 1] && !slipped; r++) {
            int32_t before = h->expected_close[r - 1], after = h->expected_close[r];
            slipped = before != INT32_MIN && after != INT32_MIN && before >= from && before < to && after >= to;
        }
        if (!slipped || (q->nfilters && !eng_deal_passes(s, q, i, 0)))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], 0);
        count_amount_acc *acc = eng_group(&out->groups, key);
        if (!acc)
            return emb_err_set(err, EMB_NOMEM, "out of memory");
        acc->count++;
        acc->amount += s->deals.amount[i];
        if (s->deals.fx_missing[i] && !acc->fx_missing_deal)
            acc->fx_missing_deal = (int64_t)i + 1;
    }
    return EMB_OK;
}

emb_code reg_project_hygiene(const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const count_amount_acc *c = (const count_amount_acc *)(r->groups.accs + g * sizeof(count_amount_acc));
    if (c->fx_missing_deal)
        return eng_fx_error(r->snap, c->fx_missing_deal, err);
    *out = (kpi_value){.kind = KV_PARTS, .part = {c->count, c->amount}};
    return EMB_OK;
}
