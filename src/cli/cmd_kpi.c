/* cmd_kpi.c - `embudo kpi`: metrics for a period, by dimensions, with filters. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/period.h"
#include "core/value.h"
#include "metrics/engine.h"
#include "cli/kpi_print.h"
#include "cli/output.h"
#include "metrics/compare.h"
#include "metrics/kpi_records.h"
#include "metrics/kpi_request.h"
#include "metrics/snapshot.h"
#include "metrics/snapshot_current.h"
#include "store/records.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_kpi = {
    .name = "kpi",
    .summary = N_("compute sales metrics (win rate, revenue won, ...) by rep, team, product, period"),
    .usage = N_("usage: embudo kpi NAME[,NAME...] [--period P | --from DATE --to DATE] [--by DIM[,DIM]]\n"
             "                  [--where DIM=VALUE[|VALUE...],...] [--series day|week|month|quarter|year]\n"
             "                  [--sort [-]METRIC] [--limit N] [--format table|json|csv]\n"
             "       embudo kpi --list\n"
             "\n"
             "Computes metrics (see `embudo kpi --list` and docs/metrics.md) over the period:\n"
             "  --period P     2026, 2026-Q3, 2026-07, 2026-W27, 2026-07-14, FY2026, FY2026-Q1,\n"
             "                 today, this-month, last-month, next-month, this-quarter, last-quarter,\n"
             "                 next-quarter, last-30-days, ytd, a range (2017..2018, 2017-01..2017-06),\n"
             "                 all (default: this-month), in the organisation's time zone\n"
             "  --from, --to   explicit days; the period is [from, to): --to is the first day left out\n"
             "  --by DIMS      break down by rep, team, account, segment, industry, region, source,\n"
             "                 stage, pipeline, product, category, lost_reason, day, week, month,\n"
             "                 quarter, year\n"
             "  --where F      keep only rows whose dimension has one of the values, e.g.\n"
             "                 --where team=North,source=web|referral\n"
             "  --series S     adds a time dimension (same as --by S)\n"
             "  --cumulative   with --series: running totals of counts and amounts along the series\n"
             "  --as-of T      instant of open_pipeline and weighted_pipeline (a date means its end);\n"
             "                 default: the end of the period if it is past, else now\n"
             "  --compare C    previous (period), year (a year earlier) or goal: adds the other value,\n"
             "                 the change and the relative change (attainment for goals)\n"
             "  --goal-metric M the metric whose goals goal_attainment and goal_pacing follow\n"
             "                 (default revenue_won)\n"
             "  --sort [-]M    rows by metric M (one of those computed), ascending, or descending\n"
             "                 with '-'; pairs by their median, metrics with parts by their main part;\n"
             "                 rows without a value last (default: by the dimensions' labels)\n"
             "  --limit N      the first N rows (after --sort)\n"
             "  --records      instead of the number, the records behind it (one metric; with its\n"
             "                 --by, --where, --period, --as-of and --limit): the deals, leads,\n"
             "                 activities, order lines or accounts it counts or sums; for rates and\n"
             "                 metrics with parts, a column counted_as says which each counts in\n"
             "Rates are fractions in json/csv (0.6315) and percentages in tables; an empty\n"
             "denominator gives null. Money is in the reporting currency.\n"),
    .run = run,
};

/* The unit of a metric's value for people, in `kpi --list`. */
static const char *const unit_words[] = {
    [UNIT_COUNT] = NC_("unit", "count"),
    [UNIT_MONEY] = NC_("unit", "money"),
    [UNIT_RATE] = NC_("unit", "rate"),
    [UNIT_DAYS] = NC_("unit", "days"),
    [UNIT_HOURS] = NC_("unit", "hours"),
    [UNIT_MINUTES] = NC_("unit", "minutes"),
    [UNIT_MONEY_PER_DAY] = NC_("unit", "money per day"),
    [UNIT_CLASS] = NC_("unit", "class A, B, C"),
    [UNIT_RATIO] = NC_("unit", "ratio"),
};

static const char *unit_word(kpi_unit u)
{
    return (size_t)u < sizeof unit_words / sizeof unit_words[0] ? i18n_pgettext("unit", unit_words[u]) : "";
}

/* The unit of a metric's value; for a value of parts, the units of its parts, each
 * once, in the order of the parts. */
static const char *unit_text(const kpi_metric *m, arena *a)
{
    const char *const *parts = kpi_metric_parts(m);
    if (!parts)
        return unit_word(kpi_metric_unit(m));
    const char *t = "";
    unsigned seen = 0;
    for (int k = 0; parts[k]; k++) {
        kpi_unit u = kpi_metric_part_unit(m, k);
        if (seen >> u & 1u)
            continue;
        seen |= 1u << u;
        t = arena_printf(a, "%s%s%s", t, *t ? ", " : "", unit_word(u));
    }
    return t;
}

/* The catalogue: each metric's name, unit (or parts) and description in the
 * language of messages, one line each; then the dimensions. */
static void print_list(cli_ctx *ctx)
{
    arena a;
    arena_init(&a, 0);
    int wname = 0, wunit = 0;
    for (const kpi_metric *const *m = kpi_metrics(); *m; m++) {
        int n = (int)output_text_width(kpi_metric_name(*m)), u = (int)output_text_width(unit_text(*m, &a));
        wname = n > wname ? n : wname;
        wunit = u > wunit ? u : wunit;
    }
    for (const kpi_metric *const *m = kpi_metrics(); *m; m++)
        fprintf(ctx->out, "%s  %s  %s\n", kpi_pad(kpi_metric_name(*m), wname, &a), kpi_pad(unit_text(*m, &a), wunit, &a),
                _(kpi_metric_description(*m, "en")));
    arena_release(&a);
    fputs(_("\ndimensions:"), ctx->out);
    for (int d = 0; d < DIM__COUNT; d++)
        fprintf(ctx->out, " %s", kpi_dim_name((kpi_dim)d));
    fputc('\n', ctx->out);
}

/* ---- the command -------------------------------------------------------------------- */

static int parse_args(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv, kpi_params *p, int *list,
                      int *help, arena *a)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"by", required_argument, NULL, 'b'},
        {"where", required_argument, NULL, 'w'},  {"series", required_argument, NULL, 's'},
        {"list", no_argument, NULL, 'l'},         {"as-of", required_argument, NULL, 'a'},
        {"goal-metric", required_argument, NULL, 'g'}, {"compare", required_argument, NULL, 'c'},
        {"cumulative", no_argument, NULL, 'C'},  {"sort", required_argument, NULL, 'S'},
        {"limit", required_argument, NULL, 'n'},  {"records", no_argument, NULL, 'r'},
        CLI_COMMON_OPTIONS,
        {0},
    };
    emb_err err;
    emb_err_clear(&err);
    int opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case 'p': p->period = optarg; break;
        case 'f': p->from = optarg; break;
        case 't': p->to = optarg; break;
        case 'b': p->by = optarg; break;
        case 'w': p->where = optarg; break;
        case 's': p->series = optarg; break;
        case 'l': *list = 1; break;
        case 'a': p->as_of = optarg; break;
        case 'g': p->goal_metric = optarg; break;
        case 'C': p->cumulative = 1; break;
        case 'S': p->sort = optarg; break;
        case 'r': p->records = 1; break;
        case 'n': p->limit = optarg; break;
        case 'c': p->compare = optarg; break;
        default: return cli_option_error(ctx, cmd, argv);
        }
    }
    if (*help || *list)
        return 0;
    if (optind + 1 != argc)
        return cli_usage_error(ctx, cmd, optind >= argc ? _("name the metrics to compute (see `embudo kpi --list`)")
                                                        : _("unexpected argument '%s'"),
                               argv[optind + 1 < argc ? optind + 1 : optind]);
    p->metrics = argv[optind];
    if (kpi_params_check(p, a, &err))
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    return 0;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    kpi_params p = {.options = 1};
    int help = 0, list = 0;
    arena a;
    arena_init(&a, 0);
    int status = parse_args(cmd, ctx, argc, argv, &p, &list, &help, &a);
    if (status || help || list) {
        if (!status && list)
            print_list(ctx);
        arena_release(&a);
        return status;
    }
    store *st;
    if ((status = cli_open_store(ctx, STORE_READONLY, &st))) {
        arena_release(&a);
        return status;
    }
    emb_err err;
    emb_err_clear(&err);
    snap_current *cur = NULL; /* the snapshot, acquired once for the command */
    const snapshot *snap = NULL;
    kpi_request req;
    kpi_result r;
    kpi_report rep;
    int rebuilt;
    if (snap_current_open(st, ctx->db_path, &cur, &rebuilt, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    snap = snapshot_acquire(cur);
    if (kpi_request_build(snap, ctx->now, &p, &req, &a, &err)) {
        status = cli_usage_error(ctx, cmd, "%s", err.msg);
        goto done;
    }
    if (p.records) {
        status = kpi_print_records(cmd, ctx, st, snap, &req.q, req.limit, &a);
        goto done;
    }
    if (kpi_request_run(snap, &req, &ctx->queries, &a, &r, &rep, &err)) {
        status = err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
        goto done;
    }
    kpi_print(ctx, &rep, &a);
done:
    arena_release(&a);
    snapshot_release(cur, snap);
    snap_current_free(cur);
    store_close(st);
    return status;
}
