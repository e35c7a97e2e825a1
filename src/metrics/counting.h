/*
 * counting.h - the counting rules of the activity and order-line metrics, shared
 * by the families that scan facts (m_activities.c, m_revenue.c, kpi_records.c)
 * and by the snapshot's day rollups that add the same counters up once
 * (snapshot_rollup.c): one rule, so a query answered from the rollups and one
 * answered by a scan cannot disagree.
 *
 * Attribution (METRICS.md): a completed activity belongs to its completion time,
 * a scheduled one to its due time. activities and meetings count at completion,
 * else due time (ACT_AT_TIME); calls and emails when completed (ACT_AT_DONE);
 * tasks at their due time (ACT_AT_DUE, on time when done by then); overdue tasks
 * are the tasks not done, at their due time (ACT_AT_OVERDUE). A call is cold as
 * the snapshot marks it at its completion.
 *
 * The counters are those of enum roll_counter and enum line_counter (snapshot.h).
 * Header only: the scans call these once per fact, so they are inlined there.
 * Nothing is allocated; the facts are only read.
 */
#ifndef EMB_COUNTING_H
#define EMB_COUNTING_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/snapshot.h"

/* The instant by which an activity is counted. */
typedef enum { ACT_AT_TIME, ACT_AT_DONE, ACT_AT_DUE, ACT_AT_OVERDUE } act_basis;

/* The instant at which activity i counts by basis b, or SNAP_OPEN_INSTANT when it
 * does not count there (not done, for ACT_AT_DONE; not a task, or one done, ...). */
static inline int64_t count_activity_at(const snap_activities *a, size_t i, act_basis b)
{
    switch (b) {
    case ACT_AT_TIME:
        return a->done[i] != SNAP_OPEN_INSTANT ? a->done[i] : a->due[i];
    case ACT_AT_DONE:
        return a->done[i];
    case ACT_AT_OVERDUE:
        return a->type[i] == ACT_TASK && a->done[i] == SNAP_OPEN_INSTANT ? a->due[i] : SNAP_OPEN_INSTANT;
    default:
        return a->type[i] == ACT_TASK ? a->due[i] : SNAP_OPEN_INSTANT;
    }
}

/* Adds activity i to the counters c (enum roll_counter) of basis b (ACT_AT_TIME,
 * ACT_AT_DONE or ACT_AT_DUE), for an activity that counts there. */
static inline void count_activity(int64_t *c, act_basis b, const snap_activities *a, size_t i)
{
    uint8_t t = a->type[i], o = a->outcome[i];
    switch (b) {
    case ACT_AT_TIME:
        c[ROLL_ACTS]++;
        if (t == ACT_MEETING && o >= OUT_SCHEDULED)
            c[ROLL_MEET_SCHEDULED + (o - OUT_SCHEDULED)]++;
        break;
    case ACT_AT_DONE:
        c[ROLL_DONE]++;
        if (t == ACT_CALL) {
            c[ROLL_CALLS]++;
            if (o == OUT_CONNECTED) {
                c[ROLL_CONNECTED]++;
                if (a->duration[i] >= 0) {
                    c[ROLL_DUR_SUM] += a->duration[i];
                    c[ROLL_DUR_N]++;
                }
            }
            c[ROLL_COLD_CALLS] += a->cold[i]; /* at its completion: snapshot.h */
        } else if (t == ACT_EMAIL) {
            c[ROLL_EMAILS]++;
            c[ROLL_OPENED] += o == OUT_OPENED || o == OUT_REPLIED;
            c[ROLL_REPLIED] += o == OUT_REPLIED;
        }
        break;
    default: /* ACT_AT_DUE */
        c[ROLL_TASKS_DUE]++;
        c[ROLL_TASKS_ON_TIME] += a->done[i] != SNAP_OPEN_INSTANT && a->done[i] <= a->due[i];
        break;
    }
}

/* Adds order line i to the counters c (enum line_counter); new_order: the line is
 * the first of its order met for c (LINE_ORDERS counts orders, not lines).
 * LINE_FX_MISSING keeps the least index + 1 of a line without exchange rate. */
static inline void count_line(int64_t *c, const snap_lines *l, size_t i, int new_order)
{
    c[LINE_REVENUE] += l->net[i];
    c[LINE_UNITS] += l->quantity[i];
    c[LINE_ORDERS] += new_order;
    if (l->gross[i]) {
        c[LINE_PRICED_REVENUE] += l->net[i];
        c[LINE_GROSS] += l->gross[i];
    }
    if (l->cost_known[i]) {
        c[LINE_COSTED_REVENUE] += l->net[i];
        c[LINE_COGS] += l->cost[i];
        c[LINE_COSTED_LINES]++;
    }
    if (l->fx_missing[i] && (!c[LINE_FX_MISSING] || (int64_t)i + 1 < c[LINE_FX_MISSING]))
        c[LINE_FX_MISSING] = (int64_t)i + 1;
}

#endif
