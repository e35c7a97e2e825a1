/*
 * leaderboard.h - reps ranked by a metric (default revenue_won) for a period,
 * with their goal attainment and their rank in the previous period (METRICS.md).
 *
 * Ranks are competition ranks (1, 2, 2, 4), highest value first; reps with no
 * value (a null rate) come last without a rank (rank 0). Ownership: the array
 * returned lives in the arena given.
 */
#ifndef EMB_LEADERBOARD_H
#define EMB_LEADERBOARD_H

#include "core/period.h"
#include "metrics/engine.h"

typedef struct {
    int32_t rep;           /* user index in the snapshot, SNAP_NONE for unowned records */
    int rank;              /* 1-based; 0 when the rep has no value */
    kpi_value value;
    kpi_value attainment;  /* KV_REAL value / goal, KV_NULL without a goal */
    int previous_rank;     /* rank in the previous period, 0 when unranked there */
} kpi_leader;

/* Ranks the reps for the metric over q's period (q's filters apply; its metrics and
 * breakdown are ignored). days is the period as days, for goals and the previous
 * period. */
emb_code kpi_leaderboard(const snapshot *s, const kpi_metric *m, const kpi_query *q, period_range days, arena *a,
                         kpi_leader **out, int *n, emb_err *err);

#endif
