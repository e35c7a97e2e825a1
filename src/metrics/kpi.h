/*
 * kpi.h - the vocabulary of the KPI engine: dimensions, the public description of
 * metrics (metric table: registry.c), queries, values and results, and the
 * labels of dimension values (dims.c). Running a query: engine.h.
 *
 * Attribution (METRICS.md): won/lost metrics belong to the period of the close
 * and are credited to the owner at close (from the deal history); "created"
 * metrics belong to the creation time and the deal's credited owner (owner at
 * close for closed deals, current owner for open ones). The region of a deal is
 * its owner's region, else its account's.
 *
 * Ownership: metrics are static and never freed; labels live in the arena given.
 */
#ifndef EMB_KPI_H
#define EMB_KPI_H

#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "metrics/snapshot.h"

#define KPI_DIMENSIONS(X)                                   \
    X(REP, "rep", "sales rep (owner at close)")             \
    X(TEAM, "team", "the rep's team")                       \
    X(ACCOUNT, "account", "customer account")               \
    X(SEGMENT, "segment", "the account's segment")          \
    X(INDUSTRY, "industry", "the account's industry")       \
    X(REGION, "region", "the rep's region, else the account's") \
    X(SOURCE, "source", "lead source of the deal")          \
    X(STAGE, "stage", "the deal's current stage")           \
    X(PIPELINE, "pipeline", "pipeline")                     \
    X(PRODUCT, "product", "the deal's (first) product")     \
    X(CATEGORY, "category", "the product's category")       \
    X(LOST_REASON, "lost_reason", "why a deal was lost")    \
    X(ACTIVITY_TYPE, "activity_type", "call, email, meeting, task or note") \
    X(OUTCOME, "outcome", "outcome of an activity")         \
    X(DAY, "day", "day of the event")                       \
    X(WEEK, "week", "ISO week of the event")                \
    X(MONTH, "month", "month of the event")                 \
    X(QUARTER, "quarter", "quarter of the event")           \
    X(YEAR, "year", "year of the event")

typedef enum {
#define X(id, name, help) DIM_##id,
    KPI_DIMENSIONS(X)
#undef X
        DIM__COUNT
} kpi_dim;

const char *kpi_dim_name(kpi_dim d);
const char *kpi_dim_help(kpi_dim d);
/* -1 when name is not a dimension. */
int kpi_dim_find(const char *name);

typedef enum {
    UNIT_COUNT, UNIT_MONEY, UNIT_RATE, UNIT_DAYS, UNIT_HOURS, UNIT_MINUTES, UNIT_MONEY_PER_DAY,
    UNIT_CLASS, /* KV_INT 1, 2, 3 shown as A, B, C */
    UNIT_RATIO, /* a plain real number, not a share: activities per deal won, pipeline coverage (3.2) */
} kpi_unit;

typedef struct kpi_metric kpi_metric;
/* All metrics, NULL-terminated, and lookup by name (NULL when unknown). */
const kpi_metric *const *kpi_metrics(void);
const kpi_metric *kpi_metric_find(const char *name);
const char *kpi_metric_name(const kpi_metric *m);
const char *kpi_metric_description(const kpi_metric *m, const char *lang); /* "en" or "es" */
kpi_unit kpi_metric_unit(const kpi_metric *m);
/* 1 when the metric can be broken down or filtered by d. */
int kpi_metric_has_dim(const kpi_metric *m, kpi_dim d);
/* For metrics whose value has several parts (KV_PARTS): their names and units,
 * NULL-terminated; NULL for other metrics. */
const char *const *kpi_metric_parts(const kpi_metric *m);
kpi_unit kpi_metric_part_unit(const kpi_metric *m, int part);
/* The dimension a metric must be broken down by (stage for the funnel), or -1. */
int kpi_metric_required_dim(const kpi_metric *m);
/* 1 for metrics measured at an instant (kpi_query.as_of) rather than over the period. */
int kpi_metric_is_instant(const kpi_metric *m);
/* 1 when less is better (sales_cycle_days, deals_lost, stale_deals, costs ...):
 * rankings and --sort put the smallest value first. */
int kpi_metric_lower_is_better(const kpi_metric *m);
/* 1 for counts and sums (deals_won, revenue_won, open_pipeline): a group with no
 * facts has 0, not null. Rates, averages, medians and derived metrics are not. */
int kpi_metric_is_additive(const kpi_metric *m);
/* The index of the part of a multi-part metric that stands for it when ranking,
 * sorting and comparing (open_pipeline: amount; goal_pacing: pacing); 0 otherwise. */
int kpi_metric_main_part(const kpi_metric *m);

/* 1 when the metric has a reference SQL of its own (goal metrics are computed from
 * other metrics and are checked through them). */
int kpi_metric_has_reference(const kpi_metric *m);
/* 1 for metrics computed from other metrics of the same row (sales_velocity ...). */
int kpi_metric_is_derived(const kpi_metric *m);
/* The reference SQL of the metric, for documentation and differential tests. */
const char *kpi_metric_sql(const kpi_metric *m);

#define KPI_MAX_BY 4
#define KPI_MAX_METRICS 64 /* more than the registry holds: every metric fits in one query */
#define KPI_MAX_FILTER_VALUES 64

typedef struct {
    kpi_dim dim;
    int nvalues;
    int32_t values[KPI_MAX_FILTER_VALUES]; /* dense indices / dictionary codes allowed */
} kpi_filter;

typedef struct {
    const kpi_metric *metrics[KPI_MAX_METRICS];
    int nmetrics;
    int64_t t0, t1;      /* [t0, t1) in UTC; INT64_MIN / INT64_MAX for all time */
    int64_t as_of;       /* the instant of instant metrics (open_pipeline ...), UTC */
    kpi_dim by[KPI_MAX_BY];
    int nby;
    kpi_filter filters[DIM__COUNT];
    int nfilters;
    const char *goal_metric; /* the metric whose goals goal_attainment / goal_pacing follow;
                                NULL: revenue_won */
} kpi_query;

typedef enum { KV_NULL, KV_INT, KV_MONEY, KV_REAL, KV_PAIR, KV_PARTS } kpi_value_kind;

#define KPI_MAX_PARTS 8

typedef struct {
    kpi_value_kind kind;
    int64_t i;         /* KV_INT, KV_MONEY (minor units) */
    double x;          /* KV_REAL */
    double mean, median; /* KV_PAIR; NaN-free: kind is KV_NULL when no data */
    int64_t part[KPI_MAX_PARTS]; /* KV_PARTS: named by kpi_metric_parts(); counts and money */
    double xpart[KPI_MAX_PARTS]; /* KV_PARTS: parts whose unit is a rate, days or hours */
    unsigned part_null;          /* KV_PARTS: bit k set when part k has no value */
    int has_part_units;          /* KV_PARTS: 1 when part_unit overrides kpi_metric_part_unit */
    kpi_unit part_unit[KPI_MAX_PARTS];
} kpi_value;

/* 1 when a part of this unit is held in xpart (else in part). */
static inline int kpi_unit_is_real(kpi_unit u)
{
    return u == UNIT_RATE || u == UNIT_DAYS || u == UNIT_HOURS || u == UNIT_MINUTES || u == UNIT_RATIO;
}

/* The scalar that stands for v: v itself for KV_INT, KV_MONEY and KV_REAL; the
 * median of a pair (the headline of METRICS.md); the main part of a KV_PARTS
 * value as KV_INT, KV_MONEY or KV_REAL by its unit (KV_NULL when that part has no
 * value); KV_NULL for KV_NULL. */
kpi_value kpi_value_main(const kpi_metric *m, const kpi_value *v);
/* Orders two values of metric m best first: the metric's direction, nulls last.
 * <0 when a ranks before b, 0 when they tie. */
int kpi_value_cmp_best(const kpi_metric *m, const kpi_value *a, const kpi_value *b);

typedef struct {
    int32_t key[KPI_MAX_BY]; /* dimension values (index, code or time bucket), SNAP_NONE for none */
    kpi_value *values;       /* one per metric of the query */
} kpi_row;

typedef struct {
    int nrows;
    kpi_row *rows; /* sorted by key */
} kpi_result;

/* Resolves a dimension value written by a user (name of a rep, team, ..., or a
 * period bucket label) to its code; EMB_NOT_FOUND naming it. */
emb_code kpi_dim_value(const snapshot *s, kpi_dim d, const char *text, int32_t *code, emb_err *err);
/* The label of a dimension value ("Ana Ruiz", "2026-07", "(none)"). */
const char *kpi_dim_label(const snapshot *s, kpi_dim d, int32_t code, arena *a);

#endif
