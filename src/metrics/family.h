/*
 * family.h - what the metric families (m_*.c) share, below the engine (src/metrics/
 * only): family ids, the result a family's scan fills, the ways of reading the
 * snapshot's facts by time, and the functions one family or a caller above
 * (kpi_records.c, compare.c) takes from another.
 *
 * A family evaluates a query in one scan into an eng_family_result: one group per
 * combination of dimension values (groups.h) with the family's own accumulator.
 * The table of families (families.h) names, for each id, its evaluation, its
 * projection of each metric and its empty value; kpi_run (engine.c) drives it.
 *
 * Ownership: a result's groups, samples and abc are malloc'd by the family's
 * evaluation and freed by eng_family_free(); snap and query are borrowed.
 */
#ifndef EMB_FAMILY_H
#define EMB_FAMILY_H

#include <stddef.h>

#include "core/search.h"
#include "metrics/counting.h"
#include "metrics/dims.h"
#include "metrics/groups.h"
#include "metrics/kpi.h"

/* Index of deal i's last history row with at <= t, or (size_t)-1 when none. */
static inline size_t eng_row_at(const snap_history *h, size_t i, int64_t t)
{
    size_t p = search_upper_i64(h->at, h->first[i], h->end[i], t);
    return p == h->first[i] ? (size_t)-1 : p - 1;
}

/* Index of the first open span (snap_history) that ends after t: the deals open at
 * t are those of the spans from there on that start at or before t, each once. */
static inline size_t eng_first_span_after(const snap_history *h, int64_t t)
{
    return search_upper_i64(h->span_to, 0, h->nspans, t);
}

/* Facts sorted by instant through an index: position p holds fact order[p]. */
typedef struct {
    const uint32_t *order;
    const int64_t *instants;
} eng_by_instant;

static inline int64_t eng__instant_at(const void *ctx, size_t p)
{
    const eng_by_instant *b = ctx;
    return b->instants[b->order[p]];
}

/* The first position p of order (n indices into instants, sorted by instant) with
 * instants[order[p]] >= t. */
static inline size_t eng_order_from(const uint32_t *order, size_t n, const int64_t *instants, int64_t t)
{
    eng_by_instant b = {order, instants};
    return search_lower(&b, eng__instant_at, 0, n, t);
}

/* The facts whose instant lies in [t0, t1): read through order (their indices sorted
 * by instant) when they are under a quarter of all n_all facts, else by a scan of
 * every fact in index order, which reads memory in sequence and wins for long
 * periods. The same facts either way; in index order when scanned. */
typedef struct {
    const uint32_t *order;
    const int64_t *instants;
    int64_t t0, t1;
    size_t k, end, n_all;
    int by_order;
} eng_period_iter;

static inline void eng_period_begin(eng_period_iter *it, const uint32_t *order, size_t n, const int64_t *instants,
                                    size_t n_all, int64_t t0, int64_t t1)
{
    size_t from = eng_order_from(order, n, instants, t0), to = eng_order_from(order, n, instants, t1);
    *it = (eng_period_iter){.order = order, .instants = instants, .t0 = t0, .t1 = t1, .n_all = n_all,
                            .by_order = to - from < n_all / 4};
    it->k = it->by_order ? from : 0;
    it->end = to;
}

/* The next fact's index in *i; 0 when there is none left. */
static inline int eng_period_next(eng_period_iter *it, size_t *i)
{
    if (it->by_order) {
        if (it->k >= it->end)
            return 0;
        *i = it->order[it->k++];
        return 1;
    }
    while (it->k < it->n_all) {
        size_t j = it->k++;
        if (it->instants[j] >= it->t0 && it->instants[j] < it->t1) {
            *i = j;
            return 1;
        }
    }
    return 0;
}

/* The first day of the rollup at or after day (r->ndays when none). */
static inline size_t eng_rollup_from(const snap_rollup *r, int64_t day)
{
    return search_lower_i32(r->days, 0, r->ndays, day);
}

typedef enum {
    FAM_CLOSED,  /* deals won or lost in the period, at close */
    FAM_CREATED, /* deals created in the period */
    FAM_LINES,   /* order lines of orders dated in the period */
    FAM_OPEN_AT, /* deals open as of the query's instant */
    FAM_WATERFALL, /* changes of the open pipeline over the period */
    FAM_FUNNEL,  /* stages reached by the deals created in the period */
    FAM_STAGE_EXITS, /* time spent in a stage, for stage exits in the period */
    FAM_LEADS,   /* the cohort of leads created in the period */
    FAM_ACT_TIME,    /* activities by completion time, else due time */
    FAM_ACT_DONE,    /* activities completed in the period */
    FAM_ACT_DUE,     /* tasks due in the period */
    FAM_ACT_OVERDUE, /* tasks open and past due at the instant */
    FAM_TOUCHES,     /* completed activities on the deals won in the period */
    FAM_GOALS,       /* goals of the query's period and their progress */
    FAM_STALE,       /* open deals neglected at the instant */
    FAM_SLIPPED,     /* deals whose expected close left the period */
    FAM_DERIVED,     /* computed from other metrics of the row (m_derived.c) */
    FAM_SPEND,       /* expenses prorated to the period */
    FAM_NEW_CUSTOMERS, /* accounts whose first won deal closes in the period */
    FAM_ACCOUNTS,    /* accounts owned and active at the instant */
    FAM_TOUCH,       /* last and next activity of each account at the instant */
    FAM__COUNT
} eng_family;

/* (group, value) pairs for medians: sorted by group then value after the scan. */
typedef struct {
    size_t n, cap;
    struct eng_sample { int32_t group; int64_t value; } *v;
} eng_samples;

/* Runs a query of plain metrics: the engine's kpi_run, handed down to the families
 * that need other metrics' values first (goals), since they lie below the engine. */
typedef emb_code (*eng_run_fn)(const snapshot *s, const kpi_query *q, arena *a, kpi_result *out, emb_err *err);

typedef struct {
    const snapshot *snap; /* the snapshot evaluated, for messages */
    const kpi_query *query;
    eng_run_fn run;
    eng_groups groups;
    eng_samples won_cycles, lost_cycles; /* seconds from creation to close */
    int64_t total;        /* the order-line family: revenue of every line of the query */
    uint8_t *abc;         /* the order-line family: ABC class (1..3) per group, 0 when none */
} eng_family_result;

/* Frees what an evaluation put in r and zeroes it. */
void eng_family_free(eng_family_result *r);

/* The evaluations of the families (their table: families.c). Each fills out (whose
 * snap, query and run are set) with its groups; on failure out holds what was
 * made so far, for eng_family_free(). */
emb_code eng_eval_closed(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_created(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_open(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_waterfall(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
/* The parts of pipeline_waterfall, in the order of its registry parts. */
enum { WF_OPEN_START, WF_CREATED, WF_REOPENED, WF_INCREASED, WF_DECREASED, WF_WON, WF_LOST, WF_OPEN_END, WF_NPARTS };
/* Adds deal i's contributions to the waterfall over [t0, t1) to part[] (the rules of
 * m_pipeline.c) and returns the set of parts it contributes to (bit p: part p, even
 * with 0). row, unless NULL, receives for each of those parts the history row that
 * decided it (its last one in the period; open_start and open_end: the state then). */
int eng_waterfall_deal(const snap_history *h, size_t i, int64_t t0, int64_t t1, int64_t part[WF_NPARTS],
                       size_t row[WF_NPARTS]);
/* The counting rules of the activity families (FAM_ACT_TIME .. FAM_ACT_OVERDUE, in
 * the order of act_basis): counting.h. */
static inline act_basis eng_act_basis(eng_family f) { return (act_basis)(f - FAM_ACT_TIME); }
static inline void eng_activity_count(int64_t *c, eng_family f, const snap_activities *a, size_t i)
{
    count_activity(c, eng_act_basis(f), a, i);
}
static inline int64_t eng_activity_event(const snap_activities *a, size_t i, eng_family f)
{
    return count_activity_at(a, i, eng_act_basis(f));
}
/* Evaluates every activity family f with used[f] in one pass, into out[f] (whose
 * snap, query and run are set). */
emb_code eng_eval_activities(const snapshot *s, const kpi_query *q, const int *used, eng_family_result *out,
                             emb_err *err);
/* Dimension value of activity i for an event at instant `event`; 1 when it passes
 * the filters of q; the instant it counts at for family f (FAM_ACT_*), or
 * SNAP_OPEN_INSTANT when it does not count there (m_activities.c). */
int32_t eng_activity_dim(const snapshot *s, size_t i, kpi_dim d, int64_t event);
int eng_activity_passes(const snapshot *s, const kpi_query *q, size_t i, int64_t event);
emb_code eng_eval_spend(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_touches_by_account(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
/* An account's account, segment, industry or region (eng_account_dim); with its
 * owner's rep, team and region first (eng_owned_dim, as accounts_per_rep counts). */
int32_t eng_account_dim(const snapshot *s, int32_t acc, kpi_dim d);
int32_t eng_owned_dim(const snapshot *s, int32_t acc, kpi_dim d);
/* Per account (s->accounts.n bytes, malloc'd, NULL when out of memory): 1 when it
 * is active at as_of (an order or a won deal in the 90 days up to it). */
uint8_t *eng_accounts_active(const snapshot *s, int64_t as_of);
/* An account's touches at an instant (last_touch): its last completed activity and
 * its next scheduled one, on the account or on its deals (activity indices, -1 for
 * none; the first in snapshot order among equal instants). */
typedef struct {
    int64_t last_done, next_due; /* INT64_MIN / INT64_MAX when none */
    int32_t last, next;
} eng_touch;
/* Per account (malloc'd, NULL when out of memory). */
eng_touch *eng_touches_at(const snapshot *s, int64_t as_of);
emb_code eng_eval_accounts(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_new_customers(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_stale(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_slipped(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
/* Dimension value of deal i in its history row r, and the filters on it (m_pipeline.c). */
int32_t eng_open_dim(const snapshot *s, size_t i, size_t r, kpi_dim d);
int eng_open_passes(const snapshot *s, const kpi_query *q, size_t i, size_t r);
emb_code eng_eval_goals(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
/* Per deal (s->deals.n bytes, malloc'd, NULL when out of memory): 1 when it has an
 * activity completed in the 14 days up to as_of. A deal open at as_of is stale
 * unless it has one and one scheduled from as_of on (sched_until >= as_of). */
uint8_t *eng_stale_recent(const snapshot *s, int64_t as_of);
/* The target of the goals of metric_name for scope (GOAL_ORG, GOAL_TEAM, GOAL_REP),
 * who (team or user index; -1 for the organisation) and exactly the days
 * [from, to): the sum of the goals set for it (two goals add up); a team without
 * a goal of its own has the sum of its reps' goals (reps by their current team).
 * Returns 1 with *target set, 0 when there is none. */
int eng_goal_target(const snapshot *s, const char *metric_name, enum goal_scope scope, int32_t who, int32_t from,
                    int32_t to, int64_t *target);
emb_code eng_eval_touches(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_leads(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
int32_t eng_lead_dim(const snapshot *s, size_t i, kpi_dim d);
/* Visits the (deal, stage) pairs of family f for q: FAM_FUNNEL, each funnel stage
 * that each deal created in the period reached (reached_next: it also reached the
 * stage after it, as stage_conversion counts); FAM_STAGE_EXITS, each exit of a
 * stage in the period. key holds the pair's dimension values. A non-zero return
 * of visit stops the walk, which then returns err->code (m_funnel.c). */
typedef int (*eng_stage_visit)(void *ud, size_t deal, int32_t stage, int reached_next, const int32_t *key);
emb_code eng_stage_each(const snapshot *s, const kpi_query *q, eng_family f, eng_stage_visit visit, void *ud,
                        emb_err *err);
emb_code eng_eval_funnel(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
emb_code eng_eval_stage_exits(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
/* The samples of group (sorted): positions [return, *end). */
size_t eng_samples_of(const eng_samples *smp, int32_t group, size_t *end);
/* Mean and median in days of the samples of one group (KV_NULL when none). */
kpi_value eng_days_summary(const eng_samples *smp, int32_t group);
int eng_push_sample(eng_samples *s, int32_t group, int64_t value);
/* Sorts by group, then value; -1 when out of memory. */
int eng_sort_samples(eng_samples *s);
/* EMB_INVALID naming the currency and date of deal (index + 1) that has no rate. */
emb_code eng_fx_error(const snapshot *s, int64_t deal_plus_one, emb_err *err);
emb_code eng_eval_lines(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
int32_t eng_line_dim(const snapshot *s, size_t i, kpi_dim d);

#endif
