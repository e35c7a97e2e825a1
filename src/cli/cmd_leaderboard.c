/* cmd_leaderboard.c - `embudo leaderboard`: reps ranked by a metric for a period. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/kpi_args.h"
#include "cli/kpi_print.h"
#include "core/i18n.h"
#include "core/locfmt.h"
#include "metrics/leaderboard.h"
#include "metrics/snapshot_current.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_leaderboard = {
    .name = "leaderboard",
    .summary = N_("reps ranked by a metric, with goal attainment and rank change"),
    .usage = N_("usage: embudo leaderboard [--metric M] [--period P | --from D --to D] [--team T] [--limit N]\n"
             "                          [--format table|json|csv]\n"
             "\n"
             "Ranks the reps by a metric (default revenue_won) over the period (default this-month),\n"
             "with each rep's goal attainment for that metric and period, and their rank in the\n"
             "previous period. The best comes first: the highest value, or the lowest for metrics\n"
             "where less is better (sales_cycle_days, deals_lost, stale_deals, costs); metrics with\n"
             "parts rank by their main part (open_pipeline by amount). Ties share a rank (1, 2, 2, 4);\n"
             "reps without a value come last, unranked.\n"
             "  --team T     only the reps of team T (several: T1|T2)\n"
             "  --limit N    the first N rows\n"),
    .run = run,
};

/* The value that ranks (kpi_value_main) in data form, none_text without one. */
static const char *main_text(const snapshot *s, const kpi_metric *m, const kpi_value *v, const char *none_text,
                             arena *a)
{
    kpi_value main = kpi_value_main(m, v);
    const char *t = kpi_value_data_text(s, &main, a);
    return t ? t : none_text;
}

/* The change of rank since the previous period: "+2", "-1", "=", new_text for a
 * rep ranked now and not then, "" for a rep not ranked now. */
static const char *change_text(const kpi_leader *l, const char *new_text, arena *a)
{
    if (!l->rank)
        return "";
    if (!l->previous_rank)
        return new_text;
    if (l->previous_rank == l->rank)
        return "=";
    return arena_printf(a, "%s%d", l->previous_rank > l->rank ? "+" : "-", abs(l->previous_rank - l->rank));
}

/* The table for people, in the language of ctx->lang: headings translated, values
 * as kpi tables show them (money with its currency, rates as percentages, each part
 * of a multi-part value and median and mean in their own column, "-" for none). */
static void print_table(cli_ctx *ctx, const snapshot *snap, const kpi_metric *m, const kpi_leader *rows, int n,
                        arena *a)
{
    locfmt *lf = NULL;
    emb_err err;
    if (locfmt_open(i18n_code(ctx->lang), NULL, &lf, &err))
        lf = NULL; /* numbers as data rather than nothing */
    const char *head[KPI_MAX_PARTS + 4], *value[KPI_MAX_PARTS];
    kpi_value none = {.kind = KV_NULL};
    int nv = kpi_value_columns(snap, m, &none, lf, head + 2, value, a);
    int nc = nv + 4;
    int right[KPI_MAX_PARTS + 4];
    for (int k = 0; k < nc; k++)
        right[k] = k != 1 && k != nc - 1;
    head[0] = _("rank");
    head[1] = _("rep");
    head[nc - 2] = _("attainment");
    head[nc - 1] = _("change");
    const char **cells = arena_calloc(a, (size_t)n * (size_t)nc + 1, sizeof *cells);
    if (!cells) {
        locfmt_close(lf);
        return;
    }
    for (int i = 0; i < n; i++) {
        const kpi_leader *l = &rows[i];
        const char **c = cells + (size_t)i * (size_t)nc;
        c[0] = l->rank ? arena_printf(a, "%d", l->rank) : "-";
        c[1] = kpi_dim_label(snap, DIM_REP, l->rep, a);
        kpi_value_columns(snap, m, &l->value, lf, NULL, c + 2, a);
        c[nc - 2] = l->attainment.kind != KV_REAL ? "-"
                    : lf                         ? locfmt_percent(lf, l->attainment.x, 1, 0, a)
                                                 : arena_printf(a, "%.1f%%", l->attainment.x * 100);
        c[nc - 1] = change_text(l, _("new"), a);
    }
    kpi_print_grid(ctx->out, nc, head, right, cells, n, a);
    locfmt_close(lf);
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"metric", required_argument, NULL, 'm'}, {"period", required_argument, NULL, 'p'},
        {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
        {"team", required_argument, NULL, 'T'},   {"limit", required_argument, NULL, 'n'},
        CLI_COMMON_OPTIONS,                       {0},
    };
    const char *metric_name = "revenue_won", *period = NULL, *from = NULL, *to = NULL;
    char *team = NULL;
    long long limit = 0;
    int help = 0, opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case 'm': metric_name = optarg; break;
        case 'p': period = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'T': team = optarg; break;
        case 'n':
            if (cli_parse_int(optarg, 1, INT_MAX, &limit))
                return cli_usage_error(ctx, cmd, _("--limit '%s' must be a positive number"), optarg);
            break;
        default:
            return cli_option_error(ctx, cmd, argv);
        }
    }
    if (help)
        return 0;
    if (optind < argc)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);
    if ((period && from) || !from != !to)
        return cli_usage_error(ctx, cmd, _("give --period, or --from with --to"));
    const kpi_metric *m = kpi_metric_find(metric_name);
    if (!m)
        return cli_usage_error(ctx, cmd, _("unknown metric '%s' (see `embudo kpi --list`)"), metric_name);
    store *st;
    int status = cli_open_store(ctx, STORE_READONLY, &st);
    if (status)
        return status;
    snap_current *cur = NULL; /* the snapshot, acquired once for the command */
    const snapshot *snap = NULL;
    arena a;
    arena_init(&a, 0);
    emb_err err;
    emb_err_clear(&err);
    int rebuilt;
    kpi_query q;
    memset(&q, 0, sizeof q);
    period_range days;
    char from_text[11], to_text[11];
    kpi_leader *rows;
    int n;
    if (snap_current_open(st, ctx->db_path, &cur, &rebuilt, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    snap = snapshot_acquire(cur);
    if ((status = kpi_cli_period(cmd, ctx, snap, period, from, to, NULL, &q, &days, from_text, to_text)) ||
        (team && (status = kpi_cli_filter(cmd, ctx, snap, DIM_TEAM, team, &q))))
        goto done;
    if (kpi_leaderboard(snap, m, &q, &ctx->queries, days, &a, &rows, &n, &err)) {
        status = err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
        goto done;
    }
    if (limit && n > limit)
        n = (int)limit;
    FILE *o = ctx->out;
    if (ctx->format == FORMAT_JSON) {
        kpi_leaders_write_json(o, snap, m, rows, n, from_text[0] ? from_text : NULL, to_text[0] ? to_text : NULL, &a);
    } else if (ctx->format == FORMAT_CSV) {
        fprintf(o, "rank,rep,%s,attainment,previous_rank,change\r\n", metric_name);
        for (int i = 0; i < n; i++) {
            const kpi_leader *l = &rows[i];
            fprintf(o, "%s,%s,%s,%s,%s,%s\r\n", l->rank ? arena_printf(&a, "%d", l->rank) : "",
                    kpi_csv_text(kpi_dim_label(snap, DIM_REP, l->rep, &a), &a), main_text(snap, m, &l->value, "", &a),
                    l->attainment.kind == KV_REAL ? arena_printf(&a, "%.10g", l->attainment.x) : "",
                    l->previous_rank ? arena_printf(&a, "%d", l->previous_rank) : "", change_text(l, "new", &a));
        }
    } else {
        print_table(ctx, snap, m, rows, n, &a);
    }
done:
    arena_release(&a);
    snapshot_release(cur, snap);
    snap_current_free(cur);
    store_close(st);
    return status;
}
