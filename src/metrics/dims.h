/*
 * dims.h - the value of each dimension for the facts the families scan (src/metrics/
 * only): a deal's rep, team, region, ... for an event at an instant, the time
 * buckets of instants, and the query filters over them.
 *
 * Values are dense indices into the snapshot's entities, dictionary codes or time
 * buckets (kpi.h); SNAP_NONE when a fact has none. Nothing is allocated.
 */
#ifndef EMB_DIMS_H
#define EMB_DIMS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/kpi.h"

/* The dictionary behind a text dimension (segment, industry, source, category,
 * lost_reason), NULL for the others. */
const snap_dict *eng_dim_dict(const snapshot *s, kpi_dim d);

/* The rep, team, account, segment and industry of a fact with this rep and account
 * (user and account indices, -1 for none): 1 and *out set when d is one of those. */
int eng_party_dim(const snapshot *s, int32_t rep, int32_t acc, kpi_dim d, int32_t *out);

/* The rep, team and region of a fact owned by rep (user index, -1 for none), the
 * region being the rep's: 1 and *out set when d is one of those. */
int eng_rep_dim(const snapshot *s, int32_t rep, kpi_dim d, int32_t *out);

/* Dimension value of deal i for an event at instant `event` (for time buckets). */
int32_t eng_deal_dim(const snapshot *s, size_t i, kpi_dim d, int64_t event);
int32_t eng_time_bucket(const snapshot *s, kpi_dim d, int64_t instant);
/* 1 when the filter accepts value v. */
static inline int eng_filter_has(const kpi_filter *f, int32_t v)
{
    for (int k = 0; k < f->nvalues; k++)
        if (f->values[k] == v)
            return 1;
    return 0;
}

/* 1 when deal i passes every filter of q. */
int eng_deal_passes(const snapshot *s, const kpi_query *q, size_t i, int64_t event);

/* The local days [*d0, *d1) of a query period [t0, t1) when it is made of whole
 * days with no change of offset near its ends (an instant then lies in it exactly
 * when its local day does); either end may be open (INT64_MIN, INT64_MAX). 1 when
 * so, 0 when not. */
int eng_whole_days(const snapshot *s, int64_t t0, int64_t t1, int64_t *d0, int64_t *d1);

#endif
