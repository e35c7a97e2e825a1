/*
 * m_funnel.c - stage metrics from the deal history: the funnel of the deals
 * created in the period (stage_reached, stage_conversion) and the time spent in
 * a stage for the stage exits in the period (time_in_stage).
 *
 * Stages are ordered within their pipeline by (position, id); lost stages are not
 * part of the funnel. A deal reached stage s when some history row put it in s or
 * in a later stage of its pipeline (a skipped stage counts as passed).
 * conversion(s) = reached(next stage) / reached(s), null for the last stage.
 * A stage exit is a history row whose stage differs from the row before; the time
 * in the stage runs from the first row of that stage to the exit.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef struct {
    int64_t reached;
} funnel_acc;

/* 1 when stage a comes after stage b in pipeline order. */
static int stage_after(const snapshot *s, int32_t a, int32_t b)
{
    const snap_stages *st = &s->stages;
    if (st->position[a] != st->position[b])
        return st->position[a] > st->position[b];
    return st->id[a] > st->id[b];
}

/* The funnel stage after s in its pipeline, or -1. */
static int32_t next_stage(const snapshot *s, int32_t cur)
{
    int32_t best = -1;
    for (size_t k = 0; k < s->stages.n; k++) {
        int32_t c = (int32_t)k;
        if (s->stages.pipeline[c] != s->stages.pipeline[cur] || s->stages.kind[c] == DEAL_LOST ||
            !stage_after(s, c, cur))
            continue;
        if (best < 0 || stage_after(s, best, c))
            best = c;
    }
    return best;
}

static int stage_dim_index(const kpi_query *q)
{
    for (int b = 0; b < q->nby; b++)
        if (q->by[b] == DIM_STAGE)
            return b;
    return -1;
}

/* Filters other than stage, on deal i at event time. */
static int passes_except_stage(const snapshot *s, const kpi_query *q, size_t i, int64_t event)
{
    for (int f = 0; f < q->nfilters; f++) {
        if (q->filters[f].dim == DIM_STAGE)
            continue;
        int32_t v = eng_deal_dim(s, i, q->filters[f].dim, event);
        int hit = eng_filter_has(&q->filters[f], v);
        if (!hit)
            return 0;
    }
    return 1;
}

static int stage_passes(const kpi_query *q, int32_t stage)
{
    for (int f = 0; f < q->nfilters; f++) {
        if (q->filters[f].dim != DIM_STAGE)
            continue;
        int hit = eng_filter_has(&q->filters[f], stage);
        if (!hit)
            return 0;
    }
    return 1;
}

/* The furthest stage of its own pipeline, lost stages aside, that deal i's history
 * reached; -1 when none. */
static int32_t furthest_stage(const snapshot *s, size_t i)
{
    const snap_history *h = &s->history;
    int32_t furthest = -1;
    for (size_t r = h->first[i]; r < h->end[i]; r++) {
        int32_t st = h->stage[r];
        if (st < 0 || s->stages.kind[st] == DEAL_LOST || s->stages.pipeline[st] != s->deals.pipeline[i])
            continue;
        if (furthest < 0 || stage_after(s, st, furthest))
            furthest = st;
    }
    return furthest;
}

/* 1 when stage st counts as reached by deal i, whose furthest stage is furthest: a
 * stage of its pipeline, not lost, not after furthest, and kept by the query's
 * stage filters. */
static int stage_reached(const snapshot *s, const kpi_query *q, size_t i, int32_t st, int32_t furthest)
{
    return s->stages.pipeline[st] == s->deals.pipeline[i] && s->stages.kind[st] != DEAL_LOST &&
           !stage_after(s, st, furthest) && stage_passes(q, st);
}

emb_code eng_eval_funnel(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_deals *d = &s->deals;
    if (eng_groups_init(&out->groups, q->nby, sizeof(funnel_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int sb = stage_dim_index(q);
    int32_t key[KPI_MAX_BY] = {0};
    for (size_t i = 0; i < d->n; i++) {
        if (d->created[i] < q->t0 || d->created[i] >= q->t1)
            continue;
        if (q->nfilters && !passes_except_stage(s, q, i, d->created[i]))
            continue;
        int32_t furthest = furthest_stage(s, i);
        if (furthest < 0)
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], d->created[i]);
        for (size_t k = 0; k < s->stages.n; k++) {
            int32_t st = (int32_t)k;
            if (!stage_reached(s, q, i, st, furthest))
                continue;
            if (sb >= 0)
                key[sb] = st;
            funnel_acc *acc = eng_group(&out->groups, key);
            if (!acc)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            acc->reached++;
        }
    }
    return EMB_OK;
}

emb_code eng_eval_stage_exits(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_history *h = &s->history;
    if (eng_groups_init(&out->groups, q->nby, 1))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int sb = stage_dim_index(q);
    int32_t key[KPI_MAX_BY] = {0};
    /* The stage exits of the period, in time order (the samples are sorted after). */
    for (size_t e = search_lower_i64(h->exit_at, 0, h->nexits, q->t0); e < h->nexits && h->exit_at[e] < q->t1; e++) {
        size_t i = (size_t)h->exit_deal[e];
        int32_t run_stage = h->exit_stage[e];
        int64_t exit = h->exit_at[e];
        if (!stage_passes(q, run_stage) || (q->nfilters && !passes_except_stage(s, q, i, exit)))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], exit);
        if (sb >= 0)
            key[sb] = run_stage;
        unsigned char *acc = eng_group(&out->groups, key);
        if (!acc || eng_push_sample(&out->won_cycles, (int32_t)(acc - out->groups.accs), exit - h->exit_entered[e]))
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    if (eng_sort_samples(&out->won_cycles))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    return EMB_OK;
}

emb_code eng_stage_each(const snapshot *s, const kpi_query *q, eng_family f, eng_stage_visit visit, void *ud,
                        emb_err *err)
{
    const snap_deals *d = &s->deals;
    const snap_history *h = &s->history;
    int sb = stage_dim_index(q);
    int32_t key[KPI_MAX_BY] = {0};
    if (f == FAM_STAGE_EXITS) { /* as eng_eval_stage_exits */
        for (size_t e = 0; e < h->nexits; e++) {
            size_t i = (size_t)h->exit_deal[e];
            int32_t run_stage = h->exit_stage[e];
            int64_t exit = h->exit_at[e];
            if (exit < q->t0 || exit >= q->t1 || !stage_passes(q, run_stage) ||
                (q->nfilters && !passes_except_stage(s, q, i, exit)))
                continue;
            for (int b = 0; b < q->nby; b++)
                key[b] = eng_deal_dim(s, i, q->by[b], exit);
            if (sb >= 0)
                key[sb] = run_stage;
            if (visit(ud, i, run_stage, 0, key))
                return err->code;
        }
        return EMB_OK;
    }
    for (size_t i = 0; i < d->n; i++) { /* as eng_eval_funnel */
        if (d->created[i] < q->t0 || d->created[i] >= q->t1)
            continue;
        if (q->nfilters && !passes_except_stage(s, q, i, d->created[i]))
            continue;
        int32_t furthest = furthest_stage(s, i);
        if (furthest < 0)
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], d->created[i]);
        for (size_t k = 0; k < s->stages.n; k++) {
            int32_t st = (int32_t)k;
            if (!stage_reached(s, q, i, st, furthest))
                continue;
            if (sb >= 0)
                key[sb] = st;
            int32_t next = next_stage(s, st);
            int reached_next = next >= 0 && !stage_after(s, next, furthest) && stage_passes(q, next);
            if (visit(ud, i, st, reached_next, key))
                return err->code;
        }
    }
    return EMB_OK;
}

emb_code reg_project_funnel(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    if (id == M_TIME_IN_STAGE) {
        *out = eng_days_summary(&r->won_cycles, (int32_t)g);
        return EMB_OK;
    }
    const funnel_acc *c = (const funnel_acc *)(r->groups.accs + g * sizeof(funnel_acc));
    if (id == M_STAGE_REACHED) {
        *out = (kpi_value){.kind = KV_INT, .i = c->reached};
        return EMB_OK;
    }
    if (id != M_STAGE_CONVERSION)
        return emb_err_set(err, EMB_INTERNAL, _("metric %d is not a funnel metric"), (int)id);
    int sb = stage_dim_index(r->query);
    int32_t key[KPI_MAX_BY];
    memcpy(key, &r->groups.keys[g * KPI_MAX_BY], sizeof key);
    int32_t next = sb >= 0 ? next_stage(r->snap, key[sb]) : -1;
    if (next < 0 || c->reached == 0) {
        *out = (kpi_value){.kind = KV_NULL};
        return EMB_OK;
    }
    key[sb] = next;
    const funnel_acc *n = eng_group_find(&r->groups, key);
    *out = (kpi_value){.kind = KV_REAL, .x = (double)(n ? n->reached : 0) / (double)c->reached};
    return EMB_OK;
}

kpi_value reg_empty_funnel(metric_id id)
{
    switch (id) {
    case M_STAGE_REACHED:
        return (kpi_value){.kind = KV_INT, .i = 0};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
