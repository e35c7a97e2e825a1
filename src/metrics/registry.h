/*
 * registry.h - the metric table (src/metrics/ only): identity, family, units,
 * dimensions and the pieces of each metric's reference SQL; and the functions by
 * which each family's file answers for its metrics.
 *
 * Reference SQL runs over the view ref_deals (reference.c), which gives each deal
 * its dimension values computed in plain SQL from the base tables. A metric's SQL
 * is either an aggregate over the rows of its event (sql_agg) or, for mean and
 * median, a value expression (sql_value) summarised by reference.c.
 */
#ifndef EMB_REGISTRY_H
#define EMB_REGISTRY_H

#include "metrics/family.h"
#include "metrics/fx.h"

typedef enum {
    M_DEALS_CREATED,
    M_DEALS_WON,
    M_DEALS_LOST,
    M_REVENUE_WON,
    M_WIN_RATE,
    M_AVG_DEAL_SIZE,
    M_SALES_CYCLE_DAYS,
    M_LOST_CYCLE_DAYS,
    M_REVENUE,
    M_COGS,
    M_GROSS_PROFIT,
    M_GROSS_MARGIN,
    M_ORDERS,
    M_AVG_ORDER_VALUE,
    M_OPEN_PIPELINE,
    M_WEIGHTED_PIPELINE,
    M_PIPELINE_WATERFALL,
    M_STAGE_REACHED,
    M_STAGE_CONVERSION,
    M_TIME_IN_STAGE,
    M_LEADS_CREATED,
    M_LEAD_QUALIFICATION_RATE,
    M_LEAD_CONVERSION_RATE,
    M_LEAD_RESPONSE_TIME,
    M_ACTIVITIES,
    M_MEETINGS,
    M_MEETING_HELD_RATE,
    M_CALLS,
    M_CALL_CONNECT_RATE,
    M_AVG_CALL_DURATION,
    M_COLD_CALLS,
    M_EMAIL_OPEN_RATE,
    M_EMAIL_REPLY_RATE,
    M_TASK_COMPLETION,
    M_OVERDUE_TASKS,
    M_ACTIVITIES_PER_DEAL_WON,
    M_GOAL_ATTAINMENT,
    M_GOAL_PACING,
    M_LOST_REASONS,
    M_STALE_DEALS,
    M_SLIPPED_DEALS,
    M_PIPELINE_EXPECTED,
    M_SALES_VELOCITY,
    M_PIPELINE_COVERAGE,
    M_MARKETING_SPEND,
    M_SALES_SPEND,
    M_NEW_CUSTOMERS,
    M_COST_PER_LEAD,
    M_CAC,
    M_COST_PER_SALE,
    M_SALES_ROI,
    M_UNITS,
    M_AVG_SELLING_PRICE,
    M_AVG_DISCOUNT,
    M_REVENUE_SHARE,
    M_ACCOUNTS_PER_REP,
    M_ABC_CLASS,
    M_LAST_TOUCH,
    M__COUNT
} metric_id;

struct kpi_metric {
    metric_id id;
    const char *name;
    const char *description_en, *description_es;
    kpi_unit unit;
    eng_family family;
    unsigned dims;            /* bit d set when dimension d applies */
    const char *sql_from;     /* the reference view: ref_deals or ref_lines */
    const char *sql_event;    /* column of the view giving the event instant */
    const char *sql_rows;     /* predicate selecting the family's rows */
    const char *sql_agg;      /* aggregate giving the value, or NULL */
    const char *sql_value;    /* value whose mean and median (in days) are the metric */
    const char *sql_value_rows; /* predicate, within sql_rows, of the rows sql_value covers */
    const char *const *parts;   /* KV_PARTS: part names, NULL-terminated; sql_agg lists one
                                   expression per part, comma-separated */
    const kpi_unit *part_units;
    int instant;                /* measured at kpi_query.as_of (sql: ?3), not over the period */
    int average;                /* a money or count value that is a mean, not a sum */
    int lower_better;           /* less is better (cycle times, costs, losses): ranked ascending */
    int main_part;              /* KV_PARTS: the part that ranks and sorts (kpi_value_main) */
    int by_stage;               /* must be broken down by stage; sql_agg is then the count of
                                   a funnel whose conversion reference.c derives */
    int by_account;             /* must be broken down by account */
    const char *sql_custom;     /* a whole query with $DIMS_IN, $DIMS_OUT, $PARTITION, $GROUP_BY,
                                   $FROM and $WHERE (see reference.c), instead of sql_agg */
};

/* Derived metrics (m_derived.c): their components, NULL-terminated (NULL for other
 * metrics), and their value from the components' values of one row (key: its
 * dimension values), in a query prepared once by reg_derive_begin(). */
typedef struct {
    const snapshot *snap;
    int goals;              /* the query's rows can have goals: a bounded period, and no
                               breakdown or one by rep or team */
    enum goal_scope scope;  /* GOAL_ORG, GOAL_REP or GOAL_TEAM, by the breakdown */
    int32_t from, to;       /* the local days of the period, when goals */
} reg_derive_ctx;
const char *const *reg_components(const kpi_metric *m);
void reg_derive_begin(reg_derive_ctx *c, const snapshot *s, const kpi_query *q);
kpi_value reg_derive(const reg_derive_ctx *c, const kpi_metric *m, const kpi_value *components, const int32_t *key);

/* The family of m. */
eng_family eng_metric_family(const kpi_metric *m);

/* The projections of each family's metrics from its result (the group's value; the
 * snapshot is r->snap), and the value of a group the family did not see: the
 * entries of the table of families (families.c). */
typedef emb_code (*reg_project_fn)(metric_id id, const eng_family_result *r, size_t group, kpi_value *out,
                                   emb_err *err);
typedef kpi_value (*reg_empty_fn)(metric_id id);
emb_code reg_project_deals(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_lines(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_pipeline(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_funnel(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_leads(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_activities(metric_id id, const eng_family_result *r, size_t group, kpi_value *out,
                                emb_err *err);
emb_code reg_project_goals(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_hygiene(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_spend(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_accounts(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
emb_code reg_project_touch(metric_id id, const eng_family_result *r, size_t group, kpi_value *out, emb_err *err);
kpi_value reg_empty_deals(metric_id id);
kpi_value reg_empty_lines(metric_id id);
kpi_value reg_empty_pipeline(metric_id id);
kpi_value reg_empty_funnel(metric_id id);
kpi_value reg_empty_leads(metric_id id);
kpi_value reg_empty_activities(metric_id id);
kpi_value reg_empty_hygiene(metric_id id);
kpi_value reg_empty_spend(metric_id id);

#endif
