/* compare.c - comparison periods and goals for a result; see compare.h. */
#include "metrics/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/engine_internal.h"
#include "metrics/snapshot.h"

static const char *const mode_names[] = {"none", "previous", "year", "goal", NULL};

int kpi_compare_parse(const char *text)
{
    for (int i = 1; mode_names[i]; i++)
        if (!strcmp(text, mode_names[i]))
            return i;
    return -1;
}

const char *kpi_compare_name(kpi_compare mode) { return mode_names[mode]; }

/* Pairs (median and mean) compare by their headline, the median. */
static int is_scalar(const kpi_value *v)
{
    return v->kind == KV_INT || v->kind == KV_MONEY || v->kind == KV_REAL || v->kind == KV_PAIR;
}
static double as_real(const kpi_value *v)
{
    return v->kind == KV_REAL ? v->x : v->kind == KV_PAIR ? v->median : (double)v->i;
}

kpi_value kpi_change(const kpi_value *cur, const kpi_value *cmp)
{
    if (!is_scalar(cur) || !is_scalar(cmp))
        return (kpi_value){.kind = KV_NULL};
    if (cur->kind == KV_REAL || cmp->kind == KV_REAL || cur->kind == KV_PAIR || cmp->kind == KV_PAIR)
        return (kpi_value){.kind = KV_REAL, .x = as_real(cur) - as_real(cmp)};
    return (kpi_value){.kind = cur->kind, .i = cur->i - cmp->i};
}

kpi_value kpi_change_relative(const kpi_value *cur, const kpi_value *cmp)
{
    if (!is_scalar(cur) || !is_scalar(cmp) || as_real(cmp) == 0)
        return (kpi_value){.kind = KV_NULL};
    return (kpi_value){.kind = KV_REAL, .x = (as_real(cur) - as_real(cmp)) / fabs(as_real(cmp))};
}

/* The goal target of metric m for a row's scope and exactly these days. */
static kpi_value goal_of(const snapshot *s, const kpi_query *q, const kpi_metric *m, const int32_t *key,
                         period_range days)
{
    enum goal_scope scope = GOAL_ORG;
    int32_t who = -1;
    if (q->nby == 1 && q->by[0] == DIM_REP) {
        scope = GOAL_REP;
        who = key[0];
    } else if (q->nby == 1 && q->by[0] == DIM_TEAM) {
        scope = GOAL_TEAM;
        who = key[0];
    } else if (q->nby != 0) {
        return (kpi_value){.kind = KV_NULL};
    }
    int found = 0;
    int64_t target = 0;
    /* The goals of exactly these days (they are sorted by period). */
    const snap_goals *gl = &s->goals;
    size_t lo = 0, hi = gl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gl->from[mid] < days.from || (gl->from[mid] == days.from && gl->to[mid] < days.to))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t g = lo; g < gl->n && gl->from[g] == days.from && gl->to[g] == days.to; g++) {
        int32_t gwho = scope == GOAL_REP ? gl->rep[g] : scope == GOAL_TEAM ? gl->team[g] : -1;
        if (gl->scope[g] != scope || gwho != who || gl->from[g] != days.from || gl->to[g] != days.to ||
            strcmp(snap_text(&s->metrics, gl->metric[g]), kpi_metric_name(m)))
            continue;
        found = 1;
        target += gl->target[g];
    }
    if (!found)
        return (kpi_value){.kind = KV_NULL};
    switch (kpi_metric_unit(m)) {
    case UNIT_MONEY:
        return (kpi_value){.kind = KV_MONEY, .i = target};
    case UNIT_RATE:
        return (kpi_value){.kind = KV_REAL, .x = (double)target / 10000.0};
    case UNIT_COUNT:
        return (kpi_value){.kind = KV_INT, .i = target};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}

emb_code kpi_compare_run(const snapshot *s, const kpi_query *q, kpi_compare mode, period_range days,
                         const kpi_result *base, arena *a, kpi_value **out, emb_err *err)
{
    size_t n = (size_t)base->nrows * (size_t)q->nmetrics;
    kpi_value *v = arena_calloc(a, n ? n : 1, sizeof *v);
    if (!v)
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    *out = v;
    for (int b = 0; b < q->nby; b++)
        if (q->by[b] >= DIM_DAY)
            return emb_err_set(err, EMB_USAGE, "a breakdown by %s cannot be compared with another period",
                               kpi_dim_name(q->by[b]));
    if (q->t0 == INT64_MIN || q->t1 == INT64_MAX)
        return emb_err_set(err, EMB_USAGE, "--period all has nothing to compare with");
    if (mode == KPI_COMPARE_GOAL) {
        for (int r = 0; r < base->nrows; r++)
            for (int m = 0; m < q->nmetrics; m++)
                v[(size_t)r * q->nmetrics + m] = goal_of(s, q, q->metrics[m], base->rows[r].key, days);
        return EMB_OK;
    }
    period_range other = mode == KPI_COMPARE_YEAR ? period_year_before(days) : period_previous(days);
    kpi_query q2 = *q;
    q2.t0 = tz_local_to_utc(s->zone, other.from * 86400);
    q2.t1 = tz_local_to_utc(s->zone, other.to * 86400);
    /* The instant keeps its place relative to the end of the period. */
    q2.as_of = q->as_of >= q->t1 - 1 ? q2.t1 - 1 : q2.t0 + (q->as_of - q->t0);
    /* A period in progress is compared to date: with as much of the other period as
     * has elapsed of this one. */
    if (q->as_of >= q->t0 && q->as_of < q->t1 - 1 && q2.t0 + (q->as_of + 1 - q->t0) < q2.t1)
        q2.t1 = q2.t0 + (q->as_of + 1 - q->t0);
    kpi_result r2;
    emb_code rc = kpi_run(s, &q2, a, &r2, err);
    if (rc)
        return rc;
    eng_groups index; /* key -> row of r2 (+ 1) */
    if (eng_groups_init(&index, q->nby, sizeof(int32_t)))
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    for (int k = 0; k < r2.nrows; k++) {
        int32_t *slot = eng_group(&index, r2.rows[k].key);
        if (!slot) {
            eng_groups_free(&index);
            return emb_err_set(err, EMB_NOMEM, "out of memory");
        }
        *slot = k + 1;
    }
    for (int r = 0; r < base->nrows; r++) {
        const int32_t *slot = eng_group_find(&index, base->rows[r].key);
        const kpi_row *match = slot ? &r2.rows[*slot - 1] : NULL;
        for (int m = 0; m < q->nmetrics; m++) {
            kpi_value *dst = &v[(size_t)r * q->nmetrics + m];
            if (match) {
                *dst = match->values[m];
            } else {
                /* No row in the other period: counts and sums were zero, rates undefined. */
                const kpi_value *cur = &base->rows[r].values[m];
                *dst = cur->kind == KV_INT || cur->kind == KV_MONEY ? (kpi_value){.kind = cur->kind, .i = 0}
                                                                    : (kpi_value){.kind = KV_NULL};
            }
        }
    }
    eng_groups_free(&index);
    return EMB_OK;
}
