/*
 * engine.h - the KPI engine: a metric registry evaluated over the analytics
 * snapshot, broken down by dimensions and filtered, for a period. Its vocabulary
 * (dimensions, metrics, queries, values, results) is kpi.h.
 *
 * Metrics are grouped in families that share one scan (families.h); kpi_run()
 * evaluates the families a query uses and projects each metric from them.
 *
 * Ownership: kpi_run() fills a kpi_result whose rows live in the arena given; the
 * caller releases the arena. The snapshot is only read, so queries may run at
 * once on one snapshot. The threads are the caller's: a query's families are
 * evaluated as one batch of the executor it passes (core/exec.h).
 */
#ifndef EMB_ENGINE_H
#define EMB_ENGINE_H

#include "core/exec.h"
#include "metrics/kpi.h"

/* Evaluates every metric of q, its families as tasks of ex (NULL: inline, on the
 * calling thread). EMB_INVALID when a metric lacks a dimension used, or amounts
 * need an exchange rate that is missing. */
emb_code kpi_run(const snapshot *s, const kpi_query *q, const exec *ex, arena *a, kpi_result *out, emb_err *err);

#endif
