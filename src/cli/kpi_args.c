/* kpi_args.c - period and filter options of the KPI commands; see kpi_args.h. */
#include "cli/kpi_args.h"

#include "metrics/kpi_request.h"

int kpi_cli_period(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, const char *period, const char *from,
                   const char *to, const char *as_of, kpi_query *q, period_range *days, char from_text[11],
                   char to_text[11])
{
    emb_err err;
    emb_err_clear(&err);
    arena a;
    arena_init(&a, 0);
    kpi_params p = {.options = 1};
    int status = 0;
    if (kpi_request_period(s, ctx->now, &p, period, from, to, as_of, q, days, from_text, to_text, &a, &err))
        status = cli_usage_error(ctx, cmd, "%s", err.msg);
    arena_release(&a);
    return status;
}

int kpi_cli_filter(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, kpi_dim dim, char *text, kpi_query *q)
{
    emb_err err;
    emb_err_clear(&err);
    arena a;
    arena_init(&a, 0);
    kpi_params p = {.options = 1};
    int status = 0;
    if (kpi_request_filter(s, &p, "where", dim, text, q, &a, &err))
        status = cli_usage_error(ctx, cmd, "%s", err.msg);
    arena_release(&a);
    return status;
}
