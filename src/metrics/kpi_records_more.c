/* kpi_records_more.c - the records of pipeline_waterfall, new_customers,
 * accounts_per_rep, last_touch and activities_per_deal_won (kpi_records_int.h),
 * found by the rules of their families: eng_waterfall_deal (m_pipeline.c),
 * accounts.first_won, eng_accounts_active and eng_touches_at (m_spend.c), and the
 * deals won and done activities eng_eval_touches reads (m_activities.c). */
#include <stdlib.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/kpi_records_int.h"

emb_code kr_waterfall(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err)
{
    const snap_history *h = &s->history;
    for (size_t i = 0; i < s->deals.n; i++) {
        if (h->first[i] == h->end[i] || (q->nfilters && !eng_deal_passes(s, q, i, 0)))
            continue;
        int64_t part[WF_NPARTS] = {0};
        size_t row[WF_NPARTS];
        int seen = eng_waterfall_deal(h, i, q->t0, q->t1, part, row);
        for (int p = 0; p < WF_NPARTS; p++) {
            if (!(seen & (1 << p)))
                continue;
            kpi_record r = {.index = (int32_t)i, .rep = h->owner[row[p]], .stage = h->stage[row[p]],
                            .amount = part[p], .role = 1u << p, .sub = -1};
            for (int b = 0; b < q->nby; b++)
                r.key[b] = eng_deal_dim(s, i, q->by[b], 0);
            emb_code rc = kr_push(l, a, &r, err);
            if (rc)
                return rc;
        }
    }
    return EMB_OK;
}

/* Per account (malloc'd, NULL when out of memory): its first won deal (the least
 * deal index among those won at accounts.first_won), -1 for none. */
static int32_t *first_won_deals(const snapshot *s)
{
    const snap_deals *d = &s->deals;
    int32_t *first = malloc((s->accounts.n ? s->accounts.n : 1) * sizeof *first);
    if (!first)
        return NULL;
    for (size_t k = 0; k < s->accounts.n; k++)
        first[k] = -1;
    for (size_t i = 0; i < d->n; i++) {
        int32_t acc = d->account[i];
        if (acc >= 0 && d->status[i] == DEAL_WON && d->closed[i] == s->accounts.first_won[acc] && first[acc] < 0)
            first[acc] = (int32_t)i;
    }
    return first;
}

/* 1 when account acc passes q's filters, its dimensions read by dim. */
static int account_passes(const snapshot *s, const kpi_query *q, int32_t acc,
                          int32_t (*dim)(const snapshot *, int32_t, kpi_dim))
{
    for (int f = 0; f < q->nfilters; f++)
        if (!eng_filter_has(&q->filters[f], dim(s, acc, q->filters[f].dim)))
            return 0;
    return 1;
}

/* The accounts of new_customers (active NULL) or of accounts_per_rep. */
static emb_code accounts(const snapshot *s, const kpi_query *q, const uint8_t *active, arena *a, record_list *l,
                         emb_err *err)
{
    int32_t *first = first_won_deals(s);
    if (!first)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t (*dim)(const snapshot *, int32_t, kpi_dim) = active ? eng_owned_dim : eng_account_dim;
    emb_code rc = EMB_OK;
    for (size_t k = 0; k < s->accounts.n && !rc; k++) {
        int32_t acc = (int32_t)k;
        int64_t won = s->accounts.first_won[k];
        if (!active && (won == INT64_MAX || won < q->t0 || won >= q->t1))
            continue;
        if (!account_passes(s, q, acc, dim))
            continue;
        kpi_record r = {.index = acc, .rep = s->accounts.owner[k], .stage = SNAP_NONE, .sub = first[k],
                        .role = active ? 1u | (active[k] ? 2u : 0u) : 0u};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = dim(s, acc, q->by[b]);
        rc = kr_push(l, a, &r, err);
    }
    free(first);
    return rc;
}

emb_code kr_new_customers(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err)
{
    return accounts(s, q, NULL, a, l, err);
}

emb_code kr_accounts(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err)
{
    uint8_t *active = eng_accounts_active(s, q->as_of);
    if (!active)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    emb_code rc = accounts(s, q, active, a, l, err);
    free(active);
    return rc;
}

emb_code kr_last_touch(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err)
{
    eng_touch *t = eng_touches_at(s, q->as_of);
    if (!t)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    emb_code rc = EMB_OK;
    for (size_t k = 0; k < s->accounts.n && !rc; k++) {
        if (!account_passes(s, q, (int32_t)k, eng_account_dim))
            continue;
        int32_t act[2] = {t[k].last, t[k].next};
        for (int p = 0; p < 2 && !rc; p++) {
            if (act[p] < 0)
                continue;
            kpi_record r = {.index = act[p], .rep = s->activities.owner[act[p]], .stage = SNAP_NONE,
                            .role = 1u << p, .sub = -1};
            for (int b = 0; b < q->nby; b++)
                r.key[b] = eng_account_dim(s, (int32_t)k, q->by[b]);
            rc = kr_push(l, a, &r, err);
        }
    }
    free(t);
    return rc;
}

emb_code kr_touches(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err)
{
    const snap_deals *d = &s->deals;
    const snap_activities *act = &s->activities;
    size_t first = l->n;
    eng_period_iter it;
    eng_period_begin(&it, d->by_closed, d->nclosed, d->closed, d->n, q->t0, q->t1);
    size_t i;
    while (eng_period_next(&it, &i)) {
        if (d->status[i] != DEAL_WON || (q->nfilters && !eng_deal_passes(s, q, i, d->closed[i])))
            continue;
        kpi_record r = {.index = (int32_t)i, .stage = d->stage[i], .amount = d->amount[i], .role = 1u, .sub = -1,
                        .rep = eng_deal_dim(s, i, DIM_REP, d->closed[i])};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = eng_deal_dim(s, i, q->by[b], d->closed[i]);
        emb_code rc = kr_push(l, a, &r, err);
        if (rc)
            return rc;
    }
    /* The deals' records, by deal index, find each activity's deal. */
    size_t ndeals = l->n - first;
    int32_t *row = malloc((d->n ? d->n : 1) * sizeof *row);
    if (!row)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (size_t k = 0; k < d->n; k++)
        row[k] = -1;
    for (size_t k = 0; k < ndeals; k++)
        row[l->v[first + k].index] = (int32_t)(first + k);
    emb_code rc = EMB_OK;
    for (size_t k = 0; k < act->n && !rc; k++) {
        if (act->deal[k] < 0 || act->done[k] == SNAP_OPEN_INSTANT || row[act->deal[k]] < 0)
            continue;
        kpi_record r = l->v[row[act->deal[k]]];
        r.sub = (int32_t)k;
        r.role = 2u;
        rc = kr_push(l, a, &r, err);
    }
    free(row);
    return rc;
}
