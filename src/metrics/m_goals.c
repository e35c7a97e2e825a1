/*
 * m_goals.c - goals (METRICS.md): goal_attainment = actual / target and
 * goal_pacing, for the goals of one metric (kpi_query.goal_metric, default
 * revenue_won) whose period is exactly the query's period.
 *
 * Scope follows the breakdown: no dimension -> the organisation's goal; by rep ->
 * each rep's goal; by team -> each team's. Actual is the metric over the period
 * up to the query's instant (as_of). Pacing uses business days (Monday to Friday)
 * and counts the instant's own day as elapsed:
 *   elapsed_share = elapsed business days / business days of the period
 *   pacing = actual / (target x elapsed_share);  projected = actual / elapsed_share
 *   needed_per_day = (target - actual) / remaining business days (null when none remain)
 * Goal metrics must be counts or money. A team without a goal of its own has
 * the sum of its reps' goals (eng_goal_target). Once the goal is met nothing more
 * is needed: needed_per_day is never negative.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef struct {
    int64_t target, actual;
    int64_t elapsed, total; /* business days */
} goal_acc;

/* Business days (Monday..Friday) in [from, to). */
static int64_t business_days(int64_t from, int64_t to)
{
    if (to <= from)
        return 0;
    int64_t n = to - from, weeks = n / 7, days = weeks * 5;
    for (int64_t d = from + weeks * 7; d < to; d++)
        days += weekday_of(d) <= 5;
    return days;
}

emb_code eng_eval_goals(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const char *metric_name = q->goal_metric ? q->goal_metric : "revenue_won";
    const kpi_metric *metric = kpi_metric_find(metric_name);
    if (!metric)
        return emb_err_set(err, EMB_USAGE, _("unknown goal metric '%s'"), metric_name);
    kpi_unit unit = kpi_metric_unit(metric);
    if ((unit != UNIT_COUNT && unit != UNIT_MONEY) || kpi_metric_parts(metric) || kpi_metric_is_instant(metric))
        return emb_err_set(err, EMB_USAGE, _("goals follow counts or amounts; '%s' is not one"), metric_name);
    if (q->nby > 1 || (q->nby == 1 && q->by[0] != DIM_REP && q->by[0] != DIM_TEAM))
        return emb_err_set(err, EMB_USAGE, _("goals are per organisation, --by rep or --by team"));
    if (q->t0 == INT64_MIN || q->t1 == INT64_MAX)
        return emb_err_set(err, EMB_USAGE, _("goals need a period, such as --period 2026-Q3"));
    if (eng_groups_init(&out->groups, q->nby, sizeof(goal_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int64_t from = tz_local_day(s->zone, q->t0), to = tz_local_day(s->zone, q->t1);
    enum goal_scope scope = q->nby == 0 ? GOAL_ORG : q->by[0] == DIM_REP ? GOAL_REP : GOAL_TEAM;

    /* Actual so far: the metric over [t0, min(as_of + 1 s, t1)), with the query's filters. */
    kpi_query sub = *q;
    sub.nmetrics = 1;
    sub.metrics[0] = metric;
    if (q->as_of < q->t1)
        sub.t1 = q->as_of < q->t0 ? q->t0 : q->as_of + 1;
    arena a;
    arena_init(&a, 0);
    kpi_result actual;
    emb_code rc = out->run(s, &sub, &a, &actual, err);
    int64_t today = tz_local_day(s->zone, q->as_of);
    int64_t elapsed = business_days(from, today + 1 < to ? today + 1 : to);
    int64_t total = business_days(from, to);
    const snap_goals *gl = &s->goals;
    for (size_t g = 0; g < gl->n && !rc; g++) {
        /* Each scope with a goal of these days, once: a team's own goals, or (rolled
         * up) its reps'. */
        if (gl->from[g] != from || gl->to[g] != to || strcmp(snap_text(&s->metrics, gl->metric[g]), metric_name))
            continue;
        int32_t who = -1;
        if (scope == GOAL_REP && gl->scope[g] == GOAL_REP)
            who = gl->rep[g];
        else if (scope == GOAL_TEAM && gl->scope[g] == GOAL_TEAM)
            who = gl->team[g];
        else if (scope == GOAL_TEAM && gl->scope[g] == GOAL_REP && gl->rep[g] >= 0)
            who = s->users.team[gl->rep[g]];
        else if (scope != GOAL_ORG || gl->scope[g] != GOAL_ORG)
            continue;
        if (scope != GOAL_ORG && who < 0)
            continue;
        int32_t key[KPI_MAX_BY] = {who};
        if (scope != GOAL_ORG && q->nfilters) { /* a filter on rep or team keeps only its goals */
            int pass = 1;
            for (int f = 0; f < q->nfilters && pass; f++)
                if (q->filters[f].dim == q->by[0])
                    pass = eng_filter_has(&q->filters[f], key[0]);
            if (!pass)
                continue;
        }
        if (eng_group_find(&out->groups, key))
            continue;
        int64_t target;
        if (!eng_goal_target(s, metric_name, scope, who, (int32_t)from, (int32_t)to, &target))
            continue;
        goal_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        acc->target = target;
        acc->elapsed = elapsed;
        acc->total = total;
        acc->actual = 0;
        for (int r = 0; r < actual.nrows; r++)
            if (q->nby == 0 || actual.rows[r].key[0] == key[0])
                acc->actual = actual.rows[r].values[0].i;
    }
    arena_release(&a);
    return rc;
}

emb_code reg_project_goals(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const goal_acc *c = (const goal_acc *)(r->groups.accs + g * sizeof(goal_acc));
    const kpi_metric *metric = kpi_metric_find(r->query->goal_metric ? r->query->goal_metric : "revenue_won");
    kpi_unit unit = kpi_metric_unit(metric);
    if (id == M_GOAL_ATTAINMENT) {
        *out = c->target ? (kpi_value){.kind = KV_REAL, .x = (double)c->actual / (double)c->target}
                         : (kpi_value){.kind = KV_NULL};
        return EMB_OK;
    }
    if (id != M_GOAL_PACING)
        return emb_err_set(err, EMB_INTERNAL, _("metric %d is not a goal metric"), (int)id);
    /* target, actual, elapsed_share, pacing, projected, needed_per_day */
    *out = (kpi_value){.kind = KV_PARTS, .has_part_units = 1,
                       .part_unit = {unit, unit, UNIT_RATE, UNIT_RATE, unit, unit}};
    out->part[0] = c->target;
    out->part[1] = c->actual;
    double share = c->total ? (double)c->elapsed / (double)c->total : 0;
    out->xpart[2] = share;
    if (c->total == 0)
        out->part_null |= 1u << 2;
    if (share > 0 && c->target) {
        out->xpart[3] = (double)c->actual / ((double)c->target * share);
        out->part[4] = fx_div_round((__int128)c->actual * c->total, c->elapsed);
    } else {
        out->part_null |= 1u << 3 | 1u << 4;
    }
    int64_t remaining = c->total - c->elapsed;
    if (remaining > 0)
        out->part[5] = c->actual >= c->target ? 0 : fx_div_round(c->target - c->actual, remaining);
    else
        out->part_null |= 1u << 5;
    return EMB_OK;
}

/* (from, to) as one key that orders like the pair. */
static int64_t days_key(int32_t from, int32_t to) { return (int64_t)from * ((int64_t)1 << 32) + ((int64_t)to - INT32_MIN); }
static int64_t goal_days_key(const void *goals, size_t g)
{
    const snap_goals *gl = goals;
    return days_key(gl->from[g], gl->to[g]);
}

int eng_goal_target(const snapshot *s, const char *metric_name, enum goal_scope scope, int32_t who, int32_t from,
                    int32_t to, int64_t *target)
{
    const snap_goals *gl = &s->goals;
    /* The goals of exactly these days: they are sorted by (from, to). */
    size_t lo = search_lower(gl, goal_days_key, 0, gl->n, days_key(from, to));
    int own = 0, reps = 0;
    int64_t own_sum = 0, reps_sum = 0;
    for (size_t g = lo; g < gl->n && gl->from[g] == from && gl->to[g] == to; g++) {
        if (strcmp(snap_text(&s->metrics, gl->metric[g]), metric_name))
            continue;
        int32_t gwho = gl->scope[g] == GOAL_REP ? gl->rep[g] : gl->scope[g] == GOAL_TEAM ? gl->team[g] : -1;
        if (gl->scope[g] == scope && gwho == who) {
            own = 1;
            own_sum += gl->target[g];
        } else if (scope == GOAL_TEAM && gl->scope[g] == GOAL_REP && gwho >= 0 && s->users.team[gwho] == who) {
            reps = 1;
            reps_sum += gl->target[g];
        }
    }
    if (!own && !reps)
        return 0;
    *target = own ? own_sum : reps_sum;
    return 1;
}
