/* kpi_args.c - period and filter options of the KPI commands; see kpi_args.h. */
#include "cli/kpi_args.h"

#include <string.h>

int kpi_cli_period(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, const char *period, const char *from,
                   const char *to, const char *as_of, kpi_query *q, period_range *days, char from_text[11],
                   char to_text[11])
{
    emb_err err;
    emb_err_clear(&err);
    period_calendar cal = {.fiscal_year_start = s->fiscal_year_start, .week_start = s->week_start};
    int64_t today = tz_local_day(s->zone, ctx->now);
    period_range r;
    from_text[0] = to_text[0] = '\0';
    if (as_of) {
        int64_t day;
        if (!date_parse_iso(as_of, &day)) /* a day alone: its end */
            q->as_of = tz_local_to_utc(s->zone, (day + 1) * 86400) - 1;
        else if (cli_parse_instant(as_of, &q->as_of))
            return cli_usage_error(ctx, cmd, _("--as-of '%s' must be a date (2026-07-14) or an instant "
                                             "(2026-07-14T18:00:00Z)"), as_of);
    }
    if (period && !strcmp(period, "all")) {
        q->t0 = INT64_MIN;
        q->t1 = INT64_MAX;
        if (!as_of)
            q->as_of = ctx->now;
        return 0;
    }
    if (from) {
        if (date_parse_iso(from, &r.from) || date_parse_iso(to, &r.to))
            return cli_usage_error(ctx, cmd, _("--from '%s' and --to '%s' must be dates such as 2026-07-01"), from,
                                   to);
        if (r.from >= r.to)
            return cli_usage_error(ctx, cmd, _("--from %s must be before --to %s (the period is [from, to))"),
                                   from, to);
    } else if (period_parse(period ? period : "this-month", &cal, today, &r, &err)) {
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    }
    date_format_iso(r.from, from_text);
    date_format_iso(r.to, to_text);
    *days = r;
    q->t0 = tz_local_to_utc(s->zone, r.from * 86400);
    q->t1 = tz_local_to_utc(s->zone, r.to * 86400);
    if (!as_of) /* instant metrics: the end of a past period, else now */
        q->as_of = q->t1 <= ctx->now ? q->t1 - 1 : ctx->now;
    return 0;
}

int kpi_cli_filter(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, kpi_dim dim, char *text, kpi_query *q)
{
    if (q->nfilters >= DIM__COUNT)
        return cli_usage_error(ctx, cmd, _("too many filters"));
    kpi_filter *f = &q->filters[q->nfilters++];
    f->dim = dim;
    f->nvalues = 0;
    emb_err err;
    for (char *v = text; v;) {
        char *bar = strchr(v, '|');
        if (bar)
            *bar = '\0';
        if (f->nvalues == KPI_MAX_FILTER_VALUES)
            return cli_usage_error(ctx, cmd, _("at most %d values for '%s'"), KPI_MAX_FILTER_VALUES, kpi_dim_name(dim));
        if (kpi_dim_value(s, dim, v, &f->values[f->nvalues++], &err))
            return cli_usage_error(ctx, cmd, "%s: %s", kpi_dim_name(dim), err.msg);
        v = bar ? bar + 1 : NULL;
    }
    return 0;
}
