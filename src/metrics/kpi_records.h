/*
 * kpi_records.h - the records behind a number: the deals, leads, activities or
 * order lines a metric counts or sums for a query (`embudo kpi stale_deals --by rep
 * --records`), found by the rules of the metric's own family: the same period or
 * instant, attribution, filters and breakdown.
 *
 * What each metric lists:
 *  - deals: deals_created (created in the period); deals_won, revenue_won,
 *    avg_deal_size, sales_cycle_days (won in the period); deals_lost,
 *    lost_cycle_days, lost_reasons (lost in the period); win_rate (closed in the
 *    period: all the denominator, the won ones also the numerator);
 *    open_pipeline, weighted_pipeline (open at the instant, with their state
 *    then); pipeline_expected (of those, the ones whose expected close then falls
 *    in the period); stale_deals (open at the instant and stale); slipped_deals
 *    (expected close moved from a day of the period to a later one);
 *  - leads: leads_created and the rates over that cohort (lead_qualification_rate:
 *    parts mql and sql; lead_conversion_rate: opportunity and customer;
 *    lead_response_time: touched, the leads whose first touch is in the median,
 *    and within_sla);
 *  - activities: activities and meetings (by completion, else due time; meetings
 *    by their outcome), calls, cold_calls, call_connect_rate, avg_call_duration
 *    (the connected calls with a duration), email_open_rate, email_reply_rate (by
 *    completion), task_completion (tasks due in the period), overdue_tasks (open
 *    and past due at the instant);
 *  - deals per stage (kpi_record.stage the stage): stage_reached (each funnel stage
 *    each deal created in the period reached), stage_conversion (those, numerator
 *    when the deal reached the next stage too), time_in_stage (each exit of a stage
 *    in the period);
 *  - order lines of the orders dated in the period: revenue, units, revenue_share,
 *    abc_class, avg_selling_price, avg_order_value; cogs, gross_profit and
 *    gross_margin (the lines with a cost); avg_discount (the lines with a unit
 *    price); orders lists the orders (one record per order and group, its first
 *    line's index, amount the net of its lines in the group);
 *  - pipeline_waterfall: one deal record per part each deal adds to (open_start,
 *    created, reopened, increased, decreased, won, lost, open_end), amount its
 *    share of that part, rep and stage from the history row that decided it, so
 *    that the amounts of each part add up to the part;
 *  - accounts (KR_ACCOUNT): new_customers (the accounts whose first won deal
 *    closes in the period, sub that deal), accounts_per_rep (every account by its
 *    owner, active marked, sub its first won deal or -1);
 *  - last_touch (activities, by account): each account's last completed activity
 *    at the instant (days_since_last) and its next scheduled one (days_to_next);
 *  - activities_per_deal_won (KR_DEAL_ACTS): the deals won in the period
 *    (denominator) and the completed activities on them (numerator, sub the
 *    activity).
 * Ratios and multi-part metrics mark each record with the parts it counts in
 * (kpi_records_roles): a bit per name. The other metrics (goals, spend, derived
 * ones) refuse with EMB_USAGE, saying what to use instead.
 *
 * Ownership: the array returned lives in the arena given; the snapshot is only read.
 */
#ifndef EMB_KPI_RECORDS_H
#define EMB_KPI_RECORDS_H

#include "core/arena.h"
#include "metrics/engine.h"

typedef enum { KR_DEAL, KR_LEAD, KR_ACTIVITY, KR_LINE, KR_ORDER, KR_ACCOUNT, KR_DEAL_ACTS } kpi_record_kind;

typedef struct {
    int32_t index;           /* into the snapshot's deals, leads, activities, lines or accounts
                                (KR_ORDER: the order's first line counted; KR_DEAL_ACTS: the deal) */
    int32_t sub;             /* KR_ACCOUNT: its first won deal, -1 for none; KR_DEAL_ACTS: the
                                activity, -1 for the deal's own record; others unused */
    int32_t key[KPI_MAX_BY]; /* the query's dimension values for it */
    int32_t rep, stage;      /* deals: user and stage indices as counted (at close, or at the
                                instant); others: rep as counted, stage SNAP_NONE */
    int64_t amount;          /* deals: reporting currency minor units as counted; KR_ORDER: the
                                net of its lines in the group; others 0 */
    uint32_t role;           /* bit k: counted in part kpi_records_roles(m)[k]; 0 without roles */
} kpi_record;

/* 1 when kpi_records lists the records of m. */
int kpi_metric_has_records(const kpi_metric *m);
/* The metrics with records, comma-separated, for messages. */
const char *kpi_records_metric_list(void);
/* The kind of record m lists (meaningful when kpi_metric_has_records). */
kpi_record_kind kpi_records_kind(const kpi_metric *m);
/* The names of the role bits of m's records, NULL-terminated ("denominator",
 * "numerator"; or the metric's parts), or NULL when its records have no roles.
 * Data names, marked for the catalogue in the context "counted_as". */
const char *const *kpi_records_roles(const kpi_metric *m);

/* The records metric m counts for q (its period, instant, filters and breakdown),
 * in snapshot order. EMB_USAGE for a metric without records, naming what lists
 * what it is made of, and for a breakdown the metric refuses or lacks (last_touch
 * needs --by account). */
emb_code kpi_records(const snapshot *s, const kpi_query *q, const kpi_metric *m, arena *a, kpi_record **out,
                     size_t *n, emb_err *err);

#endif
