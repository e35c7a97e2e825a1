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
 * kpi_run evaluates the components and derives these values per row; what a
 * derived value needs besides them (the scope and days of the goals) is worked out
 * once per query by reg_derive_begin().
 */
#include <math.h>
#include <string.h>

#include "metrics/family.h"
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

void reg_derive_begin(reg_derive_ctx *c, const snapshot *s, const kpi_query *q)
{
    *c = (reg_derive_ctx){.snap = s, .scope = GOAL_ORG};
    /* Goals are set for the organisation, a rep or a team, over exactly the days of
     * a period: none for a query over all time or broken down otherwise. */
    c->goals = q->t0 != INT64_MIN && q->t1 != INT64_MAX &&
               (q->nby == 0 || (q->nby == 1 && (q->by[0] == DIM_REP || q->by[0] == DIM_TEAM)));
    if (q->nby == 1)
        c->scope = q->by[0] == DIM_REP ? GOAL_REP : GOAL_TEAM;
    if (c->goals) {
        c->from = (int32_t)tz_local_day(s->zone, q->t0);
        c->to = (int32_t)tz_local_day(s->zone, q->t1);
    }
}

kpi_value reg_derive(const reg_derive_ctx *ctx, const kpi_metric *m, const kpi_value *c, const int32_t *key)
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
        int64_t goal;
        if (!ctx->goals || c[0].kind != KV_PARTS || c[1].kind != KV_MONEY ||
            !eng_goal_target(ctx->snap, "revenue_won", ctx->scope, ctx->scope == GOAL_ORG ? -1 : key[0], ctx->from,
                             ctx->to, &goal))
            return null;
        int64_t remaining = goal - c[1].i;
        return remaining > 0 ? (kpi_value){.kind = KV_REAL, .x = (double)c[0].part[1] / (double)remaining} : null;
    }
    return null;
}
