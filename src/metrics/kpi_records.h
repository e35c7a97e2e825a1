/*
 * kpi_records.h - the records behind a number: the deals a metric counts for a query
 * (`embudo kpi stale_deals --by rep --records`).
 *
 * Metrics with records: deals_created (deals created in the period), deals_won,
 * revenue_won, avg_deal_size and sales_cycle_days (won in the period), deals_lost,
 * lost_cycle_days and lost_reasons (lost in the period), win_rate (closed in the
 * period), open_pipeline and weighted_pipeline (open at the instant, with their
 * state then) and stale_deals (open at the instant and stale, as the metric
 * defines it). The deals are the ones the metric's own family counts: the same
 * attribution, filters and breakdown.
 *
 * Ownership: the array returned lives in the arena given; the snapshot is only read.
 */
#ifndef EMB_KPI_RECORDS_H
#define EMB_KPI_RECORDS_H

#include "core/arena.h"
#include "metrics/engine.h"

typedef struct {
    int32_t deal;            /* index into the snapshot's deals */
    int32_t key[KPI_MAX_BY]; /* the query's dimension values for it */
    int32_t rep, stage;      /* user and stage indices as counted (at close, or at the instant) */
    int64_t amount;          /* reporting currency minor units, as counted */
} kpi_record;

/* 1 when kpi_records lists the deals of m. */
int kpi_metric_has_records(const kpi_metric *m);
/* The metrics with records, comma-separated, for messages. */
const char *kpi_records_metric_list(void);

/* The deals metric m counts for q (its period, instant, filters and breakdown), in
 * deal order. EMB_USAGE naming the metrics that have records for another metric. */
emb_code kpi_records(const snapshot *s, const kpi_query *q, const kpi_metric *m, arena *a, kpi_record **out,
                     size_t *n, emb_err *err);

#endif
