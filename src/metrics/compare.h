/*
 * compare.h - comparisons of a result (METRICS.md): with the previous equivalent
 * period, the same period a year earlier, or the goal, as absolute and relative
 * change (attainment for goals).
 *
 * Ownership: the values returned live in the arena given.
 */
#ifndef EMB_COMPARE_H
#define EMB_COMPARE_H

#include "core/period.h"
#include "metrics/engine.h"

typedef enum { KPI_COMPARE_NONE, KPI_COMPARE_PREVIOUS, KPI_COMPARE_YEAR, KPI_COMPARE_GOAL } kpi_compare;

/* "previous", "year", "goal" -> mode; -1 when unknown. */
int kpi_compare_parse(const char *text);
const char *kpi_compare_name(kpi_compare mode);

/* For every row of base (the result of q over the days `days`) and every metric
 * of q: the comparison value, in out[row * q->nmetrics + metric] (KV_NULL when
 * there is none: no row in the other period is a zero count, no goal is null).
 * With previous and year, the rows present only in the other period (customers
 * who bought last year and not this year) are appended to base with the value a
 * group with no facts has: zero for counts and sums, null for rates, averages and
 * medians (kpi_value_empty); base->rows is then reallocated in the arena.
 * When the period is still in progress (q->as_of inside it), the other period is
 * cut to the same elapsed time: month to date against the same days of the month
 * before. Instant metrics (open_pipeline) are taken at the end of the whole other
 * period: open pipeline now against the end of the previous month.
 * Breakdowns by a time bucket cannot be compared (EMB_USAGE); goals exist for the
 * organisation, reps and teams only. The other period runs on ex (engine.h). */
emb_code kpi_compare_run(const snapshot *s, const kpi_query *q, const exec *ex, kpi_compare mode, period_range days,
                         kpi_result *base, arena *a, kpi_value **out, emb_err *err);

/* The value of metric m for a group with no facts, shaped like v (a value of m):
 * zero for counts and sums (and such parts), null for the rest. */
kpi_value kpi_value_empty(const kpi_metric *m, const kpi_value *v);

/* cur - cmp, and (cur - cmp) / |cmp|, or attainment cur / cmp for goals; KV_NULL
 * when either side has no value or the denominator is zero. Scalars, and pairs
 * by their median; values with parts part by part (a KV_PARTS whose parts are null
 * where either side's is; the relative change has every part a UNIT_RATE). */
kpi_value kpi_change(const kpi_value *cur, const kpi_value *cmp);
kpi_value kpi_change_relative(const kpi_value *cur, const kpi_value *cmp);

#endif
