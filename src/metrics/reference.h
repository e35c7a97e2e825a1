/*
 * reference.h - the reference SQL of every metric, run by SQLite over the base
 * tables, for differential tests and as the portable definition (PostgreSQL later).
 *
 * The only non-SQL pieces are two functions registered on the connection for the
 * calendar in the organisation's zone: emb_local_date(instant) -> 'YYYY-MM-DD' and
 * emb_bucket(dimension, instant) -> the time-bucket code used by engine.h.
 */
#ifndef EMB_REFERENCE_H
#define EMB_REFERENCE_H

#include "core/arena.h"
#include "core/error.h"
#include "metrics/engine.h"
#include "metrics/snapshot.h"
#include "store/store.h"

/* The SQL text for one metric of q (allocated in a), with ?1 = t0 and ?2 = t1. */
const char *kpi_reference_sql(const kpi_metric *m, const kpi_query *q, const snapshot *s, arena *a);

/* Runs every metric of q with its reference SQL and returns the result in the same
 * form (and dimension codes) as kpi_run, so the two can be compared. */
emb_code kpi_reference_run(store *st, const snapshot *s, const kpi_query *q, arena *a, kpi_result *out,
                           emb_err *err);

#endif
