/*
 * kpi_print.h - the KPI commands' printing: a report (metrics/kpi_report.h) in
 * the command's format and language, and the records behind a number.
 */
#ifndef EMB_KPI_PRINT_H
#define EMB_KPI_PRINT_H

#include "cli/cli.h"
#include "metrics/kpi_report.h"
#include "store/store.h"

/* rep in ctx->format on ctx->out, tables in the language of ctx->lang. */
void kpi_print(cli_ctx *ctx, const kpi_report *rep, arena *a);

/* `kpi M --records` (kpi_records_print.c): the records metric q->metrics[0] counts
 * for q, one row each: the query's dimensions, then the record's own columns (a
 * deal: deal, rep, account, stage, amount, created, closed, expected_close; a
 * lead, an activity, an order line or an order: theirs), a column that is a
 * dimension once, and counted_as for metrics with roles; at most limit rows (0:
 * all), saying on ctx->err how many of how many were shown. Returns the exit
 * status. */
int kpi_print_records(const cli_command *cmd, cli_ctx *ctx, store *st, const snapshot *s, const kpi_query *q,
                      long long limit, arena *a);

#endif
