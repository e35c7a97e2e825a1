/*
 * leaderboard.h - reps ranked by a metric (default revenue_won) for a period,
 * with their goal attainment and their rank in the previous period (METRICS.md).
 *
 * Ranks are competition ranks (1, 2, 2, 4) in the metric's direction: highest
 * first, or lowest first for metrics where less is better (sales_cycle_days);
 * metrics with several parts rank by their main part, pairs by their median
 * (kpi_value_main). Reps with no value (a null rate) come last without a rank
 * (rank 0). Ownership: the array returned lives in the arena given.
 */
#ifndef EMB_LEADERBOARD_H
#define EMB_LEADERBOARD_H

#include "core/period.h"
#include "metrics/engine.h"

typedef struct {
    int32_t rep;           /* user index in the snapshot, SNAP_NONE for unowned records */
    int rank;              /* 1-based; 0 when the rep has no value */
    kpi_value value;       /* the metric's whole value (pairs and parts included) */
    kpi_value attainment;  /* KV_REAL main value / goal, KV_NULL without a goal */
    int previous_rank;     /* rank in the previous period, 0 when unranked there */
} kpi_leader;

/* 1 when reps can be ranked by m (it is computed per rep and needs no other
 * breakdown). */
int kpi_leaderboard_accepts(const kpi_metric *m);

/* Ranks the reps for the metric over q's period (q's filters apply; its metrics and
 * breakdown are ignored). EMB_USAGE for metrics not computed per rep. days is the period as days, for goals and the previous
 * period. The queries run on ex (engine.h). */
emb_code kpi_leaderboard(const snapshot *s, const kpi_metric *m, const kpi_query *q, const exec *ex, period_range days,
                         arena *a, kpi_leader **out, int *n, emb_err *err);

#endif
