/*
 * m_derived.c - metrics computed from other metrics of the same row:
 *   sales_velocity = open deals (at the instant) x win_rate x avg_deal_size /
 *                    median sales_cycle_days, money per day (null when a part is
 *                    null or the median cycle is 0);
 *   pipeline_coverage = open pipeline expected to close in the period (at the
 *                    instant) / (goal of revenue_won for the period - revenue won
 *                    so far); null without a goal or when the goal is reached;
 *   cost_per_lead = marketing_spend / leads_created; cac = (marketing_spend +
 *                    sales_spend) / new_customers; cost_per_sale = sales_spend /
 *                    deals_won (money, rounded half away from zero); sales_roi =
 *                    (gross_profit - sales_spend) / sales_spend; null when a
 *                    denominator is zero or missing.
 * kpi_run evaluates the components and derives these values per row.
 */
#include <math.h>
#include <string.h>

#include "metrics/compare.h"
#include "metrics/engine_internal.h"
#include "metrics/registry.h"

const char *const *reg_components(const kpi_metric *m)
{
    static const char *const velocity[] = {"open_pipeline", "win_rate", "avg_deal_size", "sales_cycle_days", NULL};
    static const char *const coverage[] = {"pipeline_expected", "revenue_won", NULL};
    static const char *const per_lead[] = {"marketing_spend", "leads_created", NULL};
    static const char *const cac[] = {"marketing_spend", "sales_spend", "new_customers", NULL};
    static const char *const per_sale[] = {"sales_spend", "deals_won", NULL};
    static const char *const roi[] = {"gross_profit", "sales_spend", NULL};
    switch (m->id) {
    case M_COST_PER_LEAD:
        return per_lead;
    case M_CAC:
        return cac;
    case M_COST_PER_SALE:
        return per_sale;
    case M_SALES_ROI:
        return roi;
    case M_SALES_VELOCITY:
        return velocity;
    case M_PIPELINE_COVERAGE:
        return coverage;
    default:
        return NULL;
    }
}

/* Derives the value of m from the values of its components (in reg_components
 * order). key/nby locate the row for goals. */
kpi_value reg_derive(const kpi_metric *m, const kpi_value *c, const snapshot *s, const kpi_query *q,
                     const int32_t *key)
{
    kpi_value null = {.kind = KV_NULL};
    if (m->id == M_SALES_VELOCITY) {
        if (c[0].kind != KV_PARTS || c[1].kind != KV_REAL || c[2].kind != KV_MONEY || c[3].kind != KV_PAIR ||
            c[3].median <= 0)
            return null;
        double v = (double)c[0].part[0] * c[1].x * (double)c[2].i / c[3].median;
        return (kpi_value){.kind = KV_MONEY, .i = (int64_t)llround(v)};
    }
    if (m->id == M_COST_PER_LEAD || m->id == M_COST_PER_SALE) {
        int64_t den = c[1].kind == KV_INT ? c[1].i : 0;
        return c[0].kind == KV_MONEY && den ? (kpi_value){.kind = KV_MONEY, .i = fx_div_round(c[0].i, den)} : null;
    }
    if (m->id == M_CAC) {
        int64_t den = c[2].kind == KV_INT ? c[2].i : 0;
        int64_t spend = (c[0].kind == KV_MONEY ? c[0].i : 0) + (c[1].kind == KV_MONEY ? c[1].i : 0);
        return den ? (kpi_value){.kind = KV_MONEY, .i = fx_div_round(spend, den)} : null;
    }
    if (m->id == M_SALES_ROI) {
        if (c[0].kind != KV_MONEY || c[1].kind != KV_MONEY || c[1].i == 0)
            return null;
        return (kpi_value){.kind = KV_REAL, .x = (double)(c[0].i - c[1].i) / (double)c[1].i};
    }
    if (m->id == M_PIPELINE_COVERAGE) {
        /* The goal of revenue_won for exactly the query's days, for the row's scope. */
        kpi_query gq = *q;
        gq.nmetrics = 1;
        gq.metrics[0] = kpi_metric_find("revenue_won");
        period_range days = {tz_local_day(s->zone, q->t0), tz_local_day(s->zone, q->t1)};
        kpi_row row = {.values = (kpi_value *)&c[1]};
        memcpy(row.key, key, sizeof row.key);
        kpi_result one = {.nrows = 1, .rows = &row};
        arena a;
        arena_init(&a, 1024);
        kpi_value *goal = NULL;
        emb_err err;
        kpi_value out = null;
        if (q->t0 != INT64_MIN && q->t1 != INT64_MAX &&
            kpi_compare_run(s, &gq, KPI_COMPARE_GOAL, days, &one, &a, &goal, &err) == EMB_OK &&
            goal[0].kind == KV_MONEY && c[0].kind == KV_PARTS && c[1].kind == KV_MONEY) {
            int64_t remaining = goal[0].i - c[1].i;
            if (remaining > 0)
                out = (kpi_value){.kind = KV_REAL, .x = (double)c[0].part[1] / (double)remaining};
        }
        arena_release(&a);
        return out;
    }
    return null;
}
