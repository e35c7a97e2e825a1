/*
 * cmd_dashboard.c - `embudo dashboard`: what a manager reads first, in the
 * terminal: the headline KPIs with their change against the previous period and
 * their goal, the funnel, the leaderboard and the revenue trend as a sparkline.
 */
#include <stdlib.h>
#include <string.h>

#include "core/value.h"
#include "cli/kpi_print.h"
#include "cli/output.h"
#include "core/locfmt.h"
#include "metrics/dashboard.h"
#include "metrics/snapshot_current.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_dashboard = {
    .name = "dashboard",
    .summary = N_("headline KPIs, funnel, leaderboard and revenue trend for a period"),
    .usage = N_("usage: embudo dashboard [--period P | --from D --to D] [--team T] [--metric M]\n"
             "                        [--format table|json|csv]\n"
             "\n"
             "Shows for the period (default this-month): revenue won, deals won, win rate, average\n"
             "deal size, sales cycle, open and weighted pipeline and new leads, each with its change\n"
             "against the previous period and its goal attainment (the organisation's goals, or the\n"
             "team's with --team); the funnel of the deals created in the period; the top 10 reps by\n"
             "revenue won (or by --metric M, ranked as `embudo leaderboard` does); and the monthly\n"
             "revenue won over the 12 months ending with the period.\n"
             "CSV has one row per figure: section,name,metric,value,change_rel,attainment,rank,\n"
             "previous_rank (sections headline, funnel, leaderboard, trend).\n"),
    .run = run,
};

typedef struct {
    cli_ctx *ctx;
    const dashboard *dash;
    const snapshot *snap;
    arena *a;
    int csv;
    locfmt *lf; /* tables: numbers in the language of messages (NULL: as data) */
} dash;

/* text right-aligned in width terminal columns. */
static const char *right(const char *text, int width, arena *a)
{
    int w = (int)output_text_width(text);
    return w >= width ? text : arena_printf(a, "%*s%s", width - w, "", text);
}

/* A fraction as a percentage for people; sign: "+" before positive values. */
static const char *pct(dash *d, double x, int sign)
{
    return d->lf ? locfmt_percent(d->lf, x, 1, sign, d->a) : arena_printf(d->a, sign ? "%+.1f%%" : "%.1f%%", x * 100);
}

/* One CSV row of the long table (see the usage); NULL cells are empty. */
static void csv_row(dash *d, const char *section, const char *name, const char *metric, const char *value,
                    const char *change_rel, const char *attainment, const char *rank, const char *previous_rank)
{
    const char *cells[] = {section, name, metric, value, change_rel, attainment, rank, previous_rank};
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
        fprintf(d->ctx->out, "%s%s", i ? "," : "", cells[i] ? kpi_csv_text(cells[i], d->a) : "");
    fputs("\r\n", d->ctx->out);
}

static const char *real_or_null(dash *d, const kpi_value *v)
{
    return v->kind == KV_REAL ? arena_printf(d->a, "%.10g", v->x) : NULL;
}

static void print_headline(dash *d)
{
    FILE *o = d->ctx->out;
    if (d->csv)
        fputs("section,name,metric,value,change_rel,attainment,rank,previous_rank\r\n", o);
    else
        fprintf(o, "%s %s  %s  %s\n", kpi_pad(_("HEADLINE"), 20, d->a), right(_("value"), 16, d->a),
                right(_("vs previous"), 12, d->a), right(_("goal"), 10, d->a));
    for (int m = 0; m < DASH_HEADLINE; m++) {
        const dash_headline *h = &d->dash->headline[m];
        const char *name = kpi_metric_name(h->metric);
        if (d->csv) {
            csv_row(d, "headline", name, name, kpi_value_data_text(d->snap, &h->main, d->a),
                    real_or_null(d, &h->change_rel), real_or_null(d, &h->attainment), NULL, NULL);
            continue;
        }
        kpi_value median = {.kind = KV_REAL, .x = h->value.median};
        const char *val = kpi_value_text(d->snap, h->metric, h->value.kind == KV_PAIR ? &median : &h->main, d->lf, d->a);
        fprintf(o, "%s %s  %s  %s\n", kpi_pad(name, 20, d->a), right(val, 16, d->a),
                right(h->change_rel.kind == KV_REAL ? pct(d, h->change_rel.x, 1) : "-", 12, d->a),
                right(h->attainment.kind == KV_REAL ? pct(d, h->attainment.x, 0) : "-", 10, d->a));
    }
    if (!d->csv)
        fputs("\n", o);
}

static void print_funnel(dash *d)
{
    FILE *o = d->ctx->out;
    if (!d->csv)
        fputs(_("FUNNEL (deals created in the period)\n"), o);
    for (int i = 0; i < d->dash->nfunnel; i++) {
        const dash_stage *st = &d->dash->funnel[i];
        const char *stage = kpi_dim_label(d->snap, DIM_STAGE, st->stage, d->a);
        if (d->csv) {
            csv_row(d, "funnel", stage, "stage_reached", arena_printf(d->a, "%lld", (long long)st->reached), NULL,
                    NULL, NULL, NULL);
            csv_row(d, "funnel", stage, "stage_conversion", real_or_null(d, &st->conversion), NULL, NULL, NULL, NULL);
            continue;
        }
        int bar = (int)(30 * st->reached / d->dash->funnel_top);
        char bars[128] = "";
        for (int k = 0; k < bar; k++)
            memcpy(bars + 3 * k, "\xe2\x96\x88", 4); /* U+2588 full block */
        const char *count =
            d->lf ? locfmt_int(d->lf, st->reached, d->a) : arena_printf(d->a, "%lld", (long long)st->reached);
        fprintf(o, "  %s %s %s  %s\n", kpi_pad(stage, 16, d->a), kpi_pad(bars, 30, d->a), right(count, 6, d->a),
                st->conversion.kind == KV_REAL ? arena_printf(d->a, "-> %s", pct(d, st->conversion.x, 0)) : "");
    }
    if (!d->csv)
        fputs("\n", o);
}

static emb_code print_leaders(dash *d, emb_err *err)
{
    const kpi_metric *m = d->dash->leader_metric;
    const char *mname = kpi_metric_name(m);
    const kpi_leader *l = d->dash->leaders;
    int n = d->dash->nleaders;
    FILE *o = d->ctx->out;
    if (!d->csv && !strcmp(mname, "revenue_won"))
        fputs(_("LEADERBOARD (revenue won)\n"), o);
    else if (!d->csv)
        fprintf(o, _("LEADERBOARD (%s)\n"), mname);
    /* The table: rank, rep, the value in its columns (parts, median and mean), change. */
    const char *head[KPI_MAX_PARTS + 3];
    kpi_value none = {.kind = KV_NULL};
    const char *unused[KPI_MAX_PARTS];
    int nv = kpi_value_columns(d->snap, m, &none, d->lf, head + 2, unused, d->a), nc = nv + 3;
    int right_aligned[KPI_MAX_PARTS + 3];
    for (int k = 0; k < nc; k++)
        right_aligned[k] = k != 1 && k != nc - 1;
    head[0] = _("rank");
    head[1] = _("rep");
    head[nc - 1] = _("change");
    const char **cells = d->csv ? NULL : arena_calloc(d->a, (size_t)n * (size_t)nc + 1, sizeof *cells);
    if (!d->csv && !cells)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (int i = 0; i < n; i++) {
        const char *name = kpi_dim_label(d->snap, DIM_REP, l[i].rep, d->a);
        kpi_value main = kpi_value_main(m, &l[i].value);
        const char *val = kpi_value_data_text(d->snap, &main, d->a);
        const char *rank = l[i].rank ? arena_printf(d->a, "%d", l[i].rank) : NULL;
        const char *prev = l[i].previous_rank ? arena_printf(d->a, "%d", l[i].previous_rank) : NULL;
        if (d->csv) {
            csv_row(d, "leaderboard", name, mname, val, NULL, real_or_null(d, &l[i].attainment), rank, prev);
            continue;
        }
        const char *change = !l[i].rank                       ? ""
                             : !l[i].previous_rank            ? _("new")
                             : l[i].previous_rank == l[i].rank ? "="
                                                               : arena_printf(d->a, "%+d", l[i].previous_rank - l[i].rank);
        const char **c = cells + (size_t)i * (size_t)nc;
        c[0] = rank ? rank : "-";
        c[1] = name;
        kpi_value_columns(d->snap, m, &l[i].value, d->lf, NULL, c + 2, d->a);
        c[nc - 1] = change;
    }
    if (cells)
        kpi_print_grid(o, nc, head, right_aligned, cells, n, d->a);
    if (!d->csv)
        fputs("\n", o);
    return EMB_OK;
}

static void print_trend(dash *d)
{
    const int64_t *v = d->dash->trend;
    int first_month = d->dash->first_month;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int k = 0; k < 12; k++) {
        lo = v[k] < lo ? v[k] : lo;
        hi = v[k] > hi ? v[k] : hi;
    }
    FILE *o = d->ctx->out;
    if (d->csv) {
        for (int k = 0; k < 12; k++)
            csv_row(d, "trend", kpi_dim_label(d->snap, DIM_MONTH, first_month + k, d->a), "revenue_won",
                    value_format_money(v[k], d->snap->currency, d->a), NULL, NULL, NULL, NULL);
        return;
    }
    static const char *const ticks[] = {"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
                                        "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};
    fprintf(o, _("REVENUE WON, %s to %s\n"), kpi_dim_label(d->snap, DIM_MONTH, first_month, d->a),
            kpi_dim_label(d->snap, DIM_MONTH, first_month + 11, d->a));
    fputs("  ", o);
    for (int k = 0; k < 12; k++)
        fputs(ticks[hi > lo ? (int)((v[k] - lo) * 7 / (hi - lo)) : 0], o);
    const char *cur = d->snap->currency;
    fprintf(o, _("  min %s, max %s\n"), d->lf ? locfmt_money(d->lf, lo, cur, d->a) : value_format_money(lo, cur, d->a),
            d->lf ? locfmt_money(d->lf, hi, cur, d->a) : value_format_money(hi, cur, d->a));
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"team", required_argument, NULL, 'T'},
        {"metric", required_argument, NULL, 'm'}, CLI_COMMON_OPTIONS,
        {0},
    };
    dash_params p = {.options = 1};
    int help = 0, opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case 'p': p.period = optarg; break;
        case 'f': p.from = optarg; break;
        case 't': p.to = optarg; break;
        case 'T': p.team = optarg; break;
        case 'm': p.metric = optarg; break;
        default: return cli_option_error(ctx, cmd, argv);
        }
    }
    if (help)
        return 0;
    if (optind < argc)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);
    arena a;
    arena_init(&a, 0);
    emb_err err;
    emb_err_clear(&err);
    if (dash_params_check(&p, &a, &err)) {
        arena_release(&a);
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    }
    store *st;
    int status = cli_open_store(ctx, STORE_READONLY, &st);
    if (status) {
        arena_release(&a);
        return status;
    }
    snap_current *cur = NULL; /* the snapshot, acquired once for the command */
    const snapshot *snap = NULL;
    int rebuilt;
    dashboard dashb;
    dash d = {.ctx = ctx, .dash = &dashb, .a = &a, .csv = ctx->format == FORMAT_CSV};
    if (snap_current_open(st, ctx->db_path, &cur, &rebuilt, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    snap = snapshot_acquire(cur);
    d.snap = snap;
    if (dashboard_compose(snap, ctx->now, &p, NULL, &ctx->queries, &a, &dashb, &err)) {
        status = err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
        goto done;
    }
    if (ctx->format == FORMAT_JSON) {
        dashboard_write_json(ctx->out, &dashb, store_org(st)->name, &a);
        goto done;
    }
    if (!d.csv && locfmt_open(i18n_code(ctx->lang), NULL, &d.lf, &err))
        d.lf = NULL; /* numbers as data rather than nothing */
    if (!d.csv) {
        char last[11]; /* the period is [from, to): people read its last day */
        date_format_iso(dashb.days.to - 1, last);
        const char *org =
            p.team ? arena_printf(&a, _("%s, team %s"), store_org(st)->name, p.team) : store_org(st)->name;
        fprintf(ctx->out, _("%s: %s to %s (%s)\n\n"), org, d.lf ? locfmt_date(d.lf, dashb.from, &a) : dashb.from,
                d.lf ? locfmt_date(d.lf, last, &a) : last, snap->currency);
    }
    print_headline(&d);
    print_funnel(&d);
    if (print_leaders(&d, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    print_trend(&d);
done:
    locfmt_close(d.lf);
    arena_release(&a);
    snapshot_release(cur, snap);
    snap_current_free(cur);
    store_close(st);
    return status;
}
