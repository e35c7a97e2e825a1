/* leaderboard.c - ranking reps; see leaderboard.h. */
#include "metrics/leaderboard.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/compare.h"

static int cmp_leaders(const void *x, const void *y, void *arg)
{
    const kpi_leader *a = x, *b = y;
    int order = kpi_value_cmp_best(arg, &a->value, &b->value);
    if (order)
        return order;
    return (a->rep > b->rep) - (a->rep < b->rep);
}

/* Runs m by rep for q's period and ranks the rows; *out sorted by rank. */
static emb_code ranked(const snapshot *s, const kpi_metric *m, const kpi_query *q, const exec *ex, arena *a,
                       kpi_leader **out, int *n, emb_err *err)
{
    kpi_query sub = *q;
    sub.nmetrics = 1;
    sub.metrics[0] = m;
    sub.nby = 1;
    sub.by[0] = DIM_REP;
    kpi_result r;
    emb_code rc = kpi_run(s, &sub, ex, a, &r, err);
    if (rc)
        return rc;
    kpi_leader *l = arena_calloc(a, (size_t)r.nrows + 1, sizeof *l);
    if (!l)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (int i = 0; i < r.nrows; i++)
        l[i] = (kpi_leader){.rep = r.rows[i].key[0], .value = r.rows[i].values[0]};
    qsort_r(l, (size_t)r.nrows, sizeof *l, cmp_leaders, (void *)m);
    for (int i = 0; i < r.nrows; i++) {
        if (kpi_value_main(m, &l[i].value).kind == KV_NULL)
            l[i].rank = 0;
        else if (i > 0 && !kpi_value_cmp_best(m, &l[i - 1].value, &l[i].value))
            l[i].rank = l[i - 1].rank;
        else
            l[i].rank = i + 1;
    }
    *out = l;
    *n = r.nrows;
    return EMB_OK;
}

int kpi_leaderboard_accepts(const kpi_metric *m)
{
    return kpi_metric_has_dim(m, DIM_REP) && kpi_metric_required_dim(m) < 0;
}

emb_code kpi_leaderboard(const snapshot *s, const kpi_metric *m, const kpi_query *q, const exec *ex, period_range days,
                         arena *a, kpi_leader **out, int *n, emb_err *err)
{
    if (!kpi_leaderboard_accepts(m))
        return emb_err_set(err, EMB_USAGE, _("reps cannot be ranked by '%s': it is not computed per rep; "
                                             "see `embudo kpi --list`"), kpi_metric_name(m));
    emb_code rc = ranked(s, m, q, ex, a, out, n, err);
    if (rc)
        return rc;
    if (q->t0 == INT64_MIN || q->t1 == INT64_MAX)
        return EMB_OK; /* all time: no previous period, no goals */
    period_range prev_days = period_previous(days);
    kpi_query prev = *q;
    prev.t0 = tz_local_to_utc(s->zone, prev_days.from * 86400);
    prev.t1 = tz_local_to_utc(s->zone, prev_days.to * 86400);
    prev.as_of = prev.t1 - 1;
    kpi_leader *before;
    int nbefore;
    if ((rc = ranked(s, m, &prev, ex, a, &before, &nbefore, err)))
        return rc;
    /* Goals: compare against each rep's goal of this metric for these days. */
    kpi_query goal_q = *q;
    goal_q.nmetrics = 1;
    goal_q.metrics[0] = m;
    goal_q.nby = 1;
    goal_q.by[0] = DIM_REP;
    kpi_result as_result = {.nrows = *n, .rows = arena_calloc(a, (size_t)*n + 1, sizeof(kpi_row))};
    if (!as_result.rows)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (int i = 0; i < *n; i++) {
        memset(as_result.rows[i].key, 0xff, sizeof as_result.rows[i].key);
        as_result.rows[i].key[0] = (*out)[i].rep;
        as_result.rows[i].values = &(*out)[i].value;
    }
    kpi_value *goals;
    if ((rc = kpi_compare_run(s, &goal_q, ex, KPI_COMPARE_GOAL, days, &as_result, a, &goals, err)))
        return rc;
    for (int i = 0; i < *n; i++) {
        kpi_leader *l = &(*out)[i];
        kpi_value main = kpi_value_main(m, &l->value);
        kpi_value rel = kpi_change_relative(&main, &goals[i]);
        l->attainment = rel.kind == KV_REAL ? (kpi_value){.kind = KV_REAL, .x = rel.x + 1.0} : rel;
        for (int k = 0; k < nbefore; k++)
            if (before[k].rep == l->rep)
                l->previous_rank = before[k].rank;
    }
    return EMB_OK;
}
