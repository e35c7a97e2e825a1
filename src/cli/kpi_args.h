/*
 * kpi_args.h - command-line pieces shared by kpi, dashboard and leaderboard:
 * resolving the period options against the organisation's calendar and zone.
 */
#ifndef EMB_KPI_ARGS_H
#define EMB_KPI_ARGS_H

#include "cli/cli.h"
#include "core/period.h"
#include "metrics/engine.h"
#include "metrics/snapshot.h"

/* Sets q->t0, q->t1 and q->as_of from --period (default this-month; "all" for all
 * time) or --from/--to (days, [from, to)) and --as-of (a date means its end;
 * default: the end of a past period, else now), with *days the period as days and
 * the texts of its bounds ("" for all time). Returns 0, or 2 after printing a
 * usage error that names the value and lists what is accepted. */
int kpi_cli_period(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, const char *period, const char *from,
                   const char *to, const char *as_of, kpi_query *q, period_range *days, char from_text[11],
                   char to_text[11]);

/* Adds a filter dim=VALUE[|VALUE...] (values resolved in the snapshot) to q;
 * returns 0 or 2 after a usage error. text is modified. */
int kpi_cli_filter(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, kpi_dim dim, char *text, kpi_query *q);

#endif
