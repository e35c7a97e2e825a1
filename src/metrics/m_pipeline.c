/*
 * m_pipeline.c - pipeline metrics from the deal history: the open pipeline and
 * weighted pipeline as of an instant, and the waterfall between two instants.
 *
 * A deal as of T is its last history row with at <= T (rows are ordered by time,
 * then id). The waterfall over [t0, t1) classifies every history row dated in it
 * by the state before it: a first row that opens the deal adds to `created`; a
 * closed deal reopened adds to `reopened`; a change of amount while open adds to
 * `increased` or `decreased`; an open deal closing subtracts its (new) amount as
 * `won` or `lost`. Hence, to the cent:
 *   open_end = open_start + created + reopened + increased - decreased - won - lost
 * where open_start/open_end are the deals open just before t0 and just before t1.
 * Dimensions of the waterfall are the deal's attributes that do not change with
 * its history (account, segment, industry, source, pipeline, product, category),
 * so the identity holds in every group.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef struct {
    int64_t count, amount;
    __int128 weighted; /* sum of amount x probability in bp */
    int64_t expected_count, expected_amount; /* those expected to close in the period */
    int64_t fx_missing_deal;
} open_acc;

_Static_assert(WF_NPARTS <= KPI_MAX_PARTS, "the waterfall's parts fit a value");

typedef struct {
    int64_t part[KPI_MAX_PARTS];
    int64_t fx_missing_deal;
} waterfall_acc;

/* Dimension value of deal i in its history row r (the state as of the instant). */
int32_t eng_open_dim(const snapshot *s, size_t i, size_t r, kpi_dim d)
{
    const snap_history *h = &s->history;
    int32_t rep = h->owner[r], acc = s->deals.account[i];
    switch (d) {
    case DIM_REP:
        return rep;
    case DIM_TEAM:
        return rep >= 0 ? s->users.team[rep] : SNAP_NONE;
    case DIM_REGION: {
        int32_t reg = rep >= 0 ? s->users.region[rep] : SNAP_NONE;
        return reg >= 0 ? reg : acc >= 0 ? s->accounts.region[acc] : SNAP_NONE;
    }
    case DIM_STAGE:
        return h->stage[r];
    case DIM_PIPELINE:
        return h->stage[r] >= 0 ? s->stages.pipeline[h->stage[r]] : SNAP_NONE;
    default:
        return eng_deal_dim(s, i, d, 0); /* account, segment, industry, source, product, category */
    }
}

int eng_open_passes(const snapshot *s, const kpi_query *q, size_t i, size_t r)
{
    for (int f = 0; f < q->nfilters; f++) {
        int32_t v = eng_open_dim(s, i, r, q->filters[f].dim);
        int hit = eng_filter_has(&q->filters[f], v);
        if (!hit)
            return 0;
    }
    return 1;
}

emb_code eng_eval_open(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_history *h = &s->history;
    if (eng_groups_init(&out->groups, q->nby, sizeof(open_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t key[KPI_MAX_BY] = {0};
    int64_t from_day = INT64_MIN, to_day = INT64_MAX;
    if (q->t0 != INT64_MIN && q->t1 != INT64_MAX) {
        from_day = tz_local_day(s->zone, q->t0);
        to_day = tz_local_day(s->zone, q->t1);
    }
    /* The deals open at the instant, from the open spans (in their order: the sums
     * do not depend on it, and fx_missing_deal keeps the least deal). */
    for (size_t k = eng_first_span_after(h, q->as_of); k < h->nspans; k++) {
        if (h->span_from[k] > q->as_of)
            continue;
        size_t i = (size_t)h->span_deal[k];
        size_t r = eng_row_at(h, i, q->as_of);
        if (r == (size_t)-1 || h->status[r] != DEAL_OPEN)
            continue; /* cannot happen: the span holds the instant */
        if (q->nfilters && !eng_open_passes(s, q, i, r))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_open_dim(s, i, r, q->by[b]);
        open_acc *acc = eng_group(&out->groups, key);
        if (!acc)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        int prob = s->deals.probability_bp[i] >= 0 ? s->deals.probability_bp[i]
                   : h->stage[r] >= 0          ? s->stages.probability_bp[h->stage[r]]
                                               : 0;
        acc->count++;
        acc->amount += h->amount[r];
        acc->weighted += (__int128)h->amount[r] * prob;
        int32_t ec = h->expected_close[r];
        if (ec != INT32_MIN && ec >= from_day && ec < to_day) {
            acc->expected_count++;
            acc->expected_amount += h->amount[r];
        }
        if (s->deals.fx_missing[i] && (!acc->fx_missing_deal || (int64_t)i + 1 < acc->fx_missing_deal))
            acc->fx_missing_deal = (int64_t)i + 1;
    }
    return EMB_OK;
}

int eng_waterfall_deal(const snap_history *h, size_t i, int64_t t0, int64_t t1, int64_t part[WF_NPARTS],
                       size_t row[WF_NPARTS])
{
    size_t first = h->first[i], end = h->end[i];
    int seen = 0;
    int before_status = -1; /* state before the row being read; -1: no row yet */
    int64_t before_amount = 0;
    size_t before_row = first;
#define WF_ADD(p, v, r) (part[p] += (v), seen |= 1 << (p), row ? (void)(row[p] = (r)) : (void)0)
    for (size_t r = first; r < end && h->at[r] < t1; r++) {
        int st = h->status[r];
        int64_t amt = h->amount[r];
        if (h->at[r] >= t0) {
            if (before_status == -1) {
                if (st == DEAL_OPEN)
                    WF_ADD(WF_CREATED, amt, r);
            } else if (before_status != DEAL_OPEN) {
                if (st == DEAL_OPEN)
                    WF_ADD(WF_REOPENED, amt, r);
            } else {
                if (amt > before_amount)
                    WF_ADD(WF_INCREASED, amt - before_amount, r);
                else if (amt < before_amount)
                    WF_ADD(WF_DECREASED, before_amount - amt, r);
                if (st == DEAL_WON)
                    WF_ADD(WF_WON, amt, r);
                else if (st == DEAL_LOST)
                    WF_ADD(WF_LOST, amt, r);
            }
        } else if (r + 1 == end || h->at[r + 1] >= t0) {
            if (st == DEAL_OPEN) /* the last row before t0 */
                WF_ADD(WF_OPEN_START, amt, r);
        }
        before_status = st;
        before_amount = amt;
        before_row = r;
    }
    if (before_status == DEAL_OPEN)
        WF_ADD(WF_OPEN_END, before_amount, before_row);
#undef WF_ADD
    return seen;
}

emb_code eng_eval_waterfall(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_history *h = &s->history;
    if (eng_groups_init(&out->groups, q->nby, sizeof(waterfall_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t key[KPI_MAX_BY] = {0};
    for (size_t i = 0; i < s->deals.n; i++) {
        if (h->first[i] == h->end[i])
            continue;
        if (q->nfilters && !eng_deal_passes(s, q, i, 0))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], 0);
        waterfall_acc *acc = eng_group(&out->groups, key);
        if (!acc)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        eng_waterfall_deal(h, i, q->t0, q->t1, acc->part, NULL);
        if (s->deals.fx_missing[i] && !acc->fx_missing_deal)
            acc->fx_missing_deal = (int64_t)i + 1;
    }
    return EMB_OK;
}

emb_code reg_project_pipeline(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const snapshot *s = r->snap;
    if (id == M_PIPELINE_WATERFALL) {
        const waterfall_acc *c = (const waterfall_acc *)(r->groups.accs + g * sizeof(waterfall_acc));
        if (c->fx_missing_deal)
            return eng_fx_error(s, c->fx_missing_deal, err);
        *out = (kpi_value){.kind = KV_PARTS};
        memcpy(out->part, c->part, sizeof c->part);
        return EMB_OK;
    }
    const open_acc *c = (const open_acc *)(r->groups.accs + g * sizeof(open_acc));
    if (c->fx_missing_deal)
        return eng_fx_error(s, c->fx_missing_deal, err);
    if (id == M_OPEN_PIPELINE) {
        *out = (kpi_value){.kind = KV_PARTS, .part = {c->count, c->amount}};
        return EMB_OK;
    }
    if (id == M_PIPELINE_EXPECTED) {
        *out = (kpi_value){.kind = KV_PARTS, .part = {c->expected_count, c->expected_amount}};
        return EMB_OK;
    }
    *out = (kpi_value){.kind = KV_MONEY, .i = fx_div_round(c->weighted, 10000)};
    return EMB_OK;
}

kpi_value reg_empty_pipeline(metric_id id)
{
    switch (id) {
    case M_OPEN_PIPELINE:
    case M_PIPELINE_EXPECTED:
    case M_PIPELINE_WATERFALL:
        return (kpi_value){.kind = KV_PARTS};
    case M_WEIGHTED_PIPELINE:
        return (kpi_value){.kind = KV_MONEY, .i = 0};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
