/*
 * dashboard.h - what a manager reads first, composed once for every front-end: the
 * headline KPIs with their change against the previous period and their goal
 * attainment, the funnel of the deals created in the period, the top 10 reps by a
 * metric, and the monthly revenue won over the 12 months ending with the period.
 * `embudo dashboard` prints it as a table, CSV or JSON; GET /api/v1/dashboard
 * answers the same JSON (dashboard_write_json).
 *
 * Ownership: everything a dashboard points to is in the arena given to
 * dashboard_compose(), and the snapshot must stay acquired while it is used.
 */
#ifndef EMB_DASHBOARD_H
#define EMB_DASHBOARD_H

#include <stdio.h>

#include "core/arena.h"
#include "core/exec.h"
#include "core/period.h"
#include "metrics/engine.h"
#include "metrics/leaderboard.h"
#include "metrics/snapshot.h"

#define DASH_HEADLINE 8

/* The options of a dashboard as text (NULL: not given); keys are named in
 * messages as options (--period) or as parameters (period) as `options` says, and
 * bad_key names the one at fault. */
typedef struct {
    const char *period, *from, *to, *team, *metric;
    int options;
    const char *bad_key;
} dash_params;

/* Sets key (period, from, to, team, metric) to value: EMB_USAGE for an unknown
 * key (listing the accepted ones) or one given twice. */
emb_code dash_params_set(dash_params *p, const char *key, const char *value, emb_err *err);

/* Checks what needs no snapshot: the metric (known, and one reps can be ranked
 * by), period against from/to, not 'all'. EMB_OK or EMB_USAGE. */
emb_code dash_params_check(dash_params *p, arena *a, emb_err *err);

typedef struct {
    const kpi_metric *metric;
    kpi_value value;      /* for the period (KV_NULL without one) */
    kpi_value main;       /* kpi_value_main of value */
    kpi_value change_rel; /* against the previous period, KV_REAL or KV_NULL */
    kpi_value attainment; /* against the goal, KV_REAL or KV_NULL */
} dash_headline;

typedef struct {
    int32_t stage;        /* index in the snapshot's stages */
    int64_t reached;
    kpi_value conversion; /* KV_REAL or KV_NULL */
} dash_stage;

typedef struct {
    const snapshot *snap;
    kpi_query base;       /* the period and the team filter: the leaderboard's */
    kpi_query view;       /* base and the caller's scope: the headline's, funnel's and trend's */
    period_range days;
    char from[11], to[11];
    const char *team;     /* as given, NULL for the organisation */
    dash_headline headline[DASH_HEADLINE];
    dash_stage *funnel;   /* in pipeline order */
    int nfunnel;
    int64_t funnel_top;   /* the largest reached (at least 1) */
    const kpi_metric *leader_metric;
    kpi_leader *leaders;  /* the first 10 at most */
    int nleaders;
    int first_month;      /* of the trend, as months since year 0 (year * 12 + month - 1) */
    int64_t trend[12];    /* revenue won per month, minor units */
} dashboard;

/* Composes the dashboard of p (checked) on s at instant now, running the queries
 * on ex. scope (NULL: none) is a filter of the facts the caller may see (a rep
 * filter for managers and reps, store/access.h): the headline, funnel and trend
 * count only those; the leaderboard and the goals stay the organisation's.
 * EMB_USAGE (bad_key set) for a period or team that does not resolve. */
emb_code dashboard_compose(const snapshot *s, int64_t now, dash_params *p, const kpi_filter *scope, const exec *ex,
                           arena *a, dashboard *out, emb_err *err);

/* The JSON document: {"organisation", "period": {"from", "to"}, "currency",
 * "headline": [{"metric", "value", "change_rel", "attainment"}...], "funnel":
 * [{"stage", "reached", "conversion"}...], "leaderboard": [{"rank", "rep", METRIC,
 * "attainment", "previous_rank"}...], "trend": [{"month", "revenue_won"}...]}. */
void dashboard_write_json(FILE *o, const dashboard *d, const char *organisation, arena *a);

#endif
