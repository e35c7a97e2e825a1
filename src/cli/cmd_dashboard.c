/*
 * cmd_dashboard.c - `embudo dashboard`: what a manager reads first, in the
 * terminal: the headline KPIs with their change against the previous period and
 * their goal, the funnel, the leaderboard and the revenue trend as a sparkline.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/kpi_args.h"
#include "core/value.h"
#include "cli/kpi_print.h"
#include "cli/output.h"
#include "core/locfmt.h"
#include "metrics/compare.h"
#include "metrics/leaderboard.h"
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

static const char *const headline[] = {"revenue_won", "deals_won", "win_rate", "avg_deal_size",
                                       "sales_cycle_days", "open_pipeline", "weighted_pipeline", "leads_created"};
#define NHEAD (sizeof headline / sizeof *headline)

typedef struct {
    cli_ctx *ctx;
    const cli_command *cmd;
    const snapshot *snap;
    kpi_query base; /* period and filters */
    period_range days;
    arena *a;
    int json, csv;
    int by_team;    /* the headline is broken down by the one team given */
    locfmt *lf;     /* tables: numbers in the language of messages (NULL: as data) */
    const kpi_metric *leader_metric; /* the leaderboard's metric */
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


static emb_code print_headline(dash *d, emb_err *err)
{
    kpi_query q = d->base;
    for (size_t i = 0; i < NHEAD; i++)
        q.metrics[q.nmetrics++] = kpi_metric_find(headline[i]);
    if (d->by_team)
        q.by[q.nby++] = DIM_TEAM;
    kpi_result r;
    kpi_value *prev, *goal;
    emb_code rc = kpi_run(d->snap, &q, &d->ctx->queries, d->a, &r, err);
    if (!rc)
        rc = kpi_compare_run(d->snap, &q, &d->ctx->queries, KPI_COMPARE_PREVIOUS, d->days, &r, d->a, &prev, err);
    if (!rc)
        rc = kpi_compare_run(d->snap, &q, &d->ctx->queries, KPI_COMPARE_GOAL, d->days, &r, d->a, &goal, err);
    if (rc)
        return rc;
    FILE *o = d->ctx->out;
    if (d->json)
        fputs("\"headline\": [", o);
    else if (d->csv)
        fputs("section,name,metric,value,change_rel,attainment,rank,previous_rank\r\n", o);
    else
        fprintf(o, "%s %s  %s  %s\n", kpi_pad(_("HEADLINE"), 20, d->a), right(_("value"), 16, d->a),
                right(_("vs previous"), 12, d->a), right(_("goal"), 10, d->a));
    for (size_t m = 0; m < NHEAD; m++) {
        const kpi_metric *metric = q.metrics[m];
        kpi_value cur = r.nrows ? r.rows[0].values[m] : (kpi_value){.kind = KV_NULL};
        kpi_value before = r.nrows ? prev[m] : (kpi_value){.kind = KV_NULL};
        kpi_value hv = kpi_value_main(metric, &cur), hb = kpi_value_main(metric, &before);
        kpi_value change = kpi_change_relative(&hv, &hb);
        kpi_value target = r.nrows ? goal[m] : (kpi_value){.kind = KV_NULL};
        kpi_value att = kpi_change_relative(&hv, &target);
        if (att.kind == KV_REAL)
            att.x += 1.0;
        if (d->csv) {
            csv_row(d, "headline", kpi_metric_name(metric), kpi_metric_name(metric),
                    kpi_value_data_text(d->snap, &hv, d->a), real_or_null(d, &change), real_or_null(d, &att), NULL,
                    NULL);
        } else if (d->json) {
            const char *val = kpi_value_data_text(d->snap, &hv, d->a);
            fprintf(o, "%s\n  {\"metric\": \"%s\", \"value\": %s, \"change_rel\": %s, \"attainment\": %s}", m ? "," : "",
                    kpi_metric_name(metric), val ? val : "null",
                    change.kind == KV_REAL ? arena_printf(d->a, "%.10g", change.x) : "null",
                    att.kind == KV_REAL ? arena_printf(d->a, "%.10g", att.x) : "null");
        } else {
            kpi_value median = {.kind = KV_REAL, .x = cur.median};
            const char *val = kpi_value_text(d->snap, metric, cur.kind == KV_PAIR ? &median : &hv, d->lf, d->a);
            fprintf(o, "%s %s  %s  %s\n", kpi_pad(kpi_metric_name(metric), 20, d->a), right(val, 16, d->a),
                    right(change.kind == KV_REAL ? pct(d, change.x, 1) : "-", 12, d->a),
                    right(att.kind == KV_REAL ? pct(d, att.x, 0) : "-", 10, d->a));
        }
    }
    if (!d->csv)
        fputs(d->json ? "\n],\n" : "\n", o);
    return EMB_OK;
}

/* Funnel rows in pipeline order: by pipeline, then stage position, then id. */
static int cmp_stage_rows(const void *x, const void *y, void *arg)
{
    const snapshot *s = arg;
    int32_t a = ((const kpi_row *)x)->key[0], b = ((const kpi_row *)y)->key[0];
    if (s->stages.pipeline[a] != s->stages.pipeline[b])
        return s->stages.pipeline[a] < s->stages.pipeline[b] ? -1 : 1;
    if (s->stages.position[a] != s->stages.position[b])
        return s->stages.position[a] < s->stages.position[b] ? -1 : 1;
    return (a > b) - (a < b);
}

static emb_code print_funnel(dash *d, emb_err *err)
{
    kpi_query q = d->base;
    q.metrics[q.nmetrics++] = kpi_metric_find("stage_reached");
    q.metrics[q.nmetrics++] = kpi_metric_find("stage_conversion");
    q.by[q.nby++] = DIM_STAGE;
    kpi_result r;
    emb_code rc = kpi_run(d->snap, &q, &d->ctx->queries, d->a, &r, err);
    if (rc)
        return rc;
    qsort_r(r.rows, (size_t)r.nrows, sizeof *r.rows, cmp_stage_rows, (void *)d->snap);
    int64_t top = 1;
    for (int i = 0; i < r.nrows; i++)
        if (r.rows[i].values[0].i > top)
            top = r.rows[i].values[0].i;
    FILE *o = d->ctx->out;
    if (!d->csv)
        fputs(d->json ? "\"funnel\": [" : _("FUNNEL (deals created in the period)\n"), o);
    for (int i = 0; i < r.nrows; i++) {
        const char *stage = kpi_dim_label(d->snap, DIM_STAGE, r.rows[i].key[0], d->a);
        const kpi_value *conv = &r.rows[i].values[1];
        if (d->csv) {
            csv_row(d, "funnel", stage, "stage_reached", kpi_value_data_text(d->snap, &r.rows[i].values[0], d->a),
                    NULL, NULL, NULL, NULL);
            csv_row(d, "funnel", stage, "stage_conversion", real_or_null(d, conv), NULL, NULL, NULL, NULL);
            continue;
        }
        if (d->json) {
            fprintf(o, "%s\n  {\"stage\": %s, \"reached\": %lld, \"conversion\": %s}", i ? "," : "",
                    kpi_json_string(stage, d->a), (long long)r.rows[i].values[0].i,
                    conv->kind == KV_REAL ? arena_printf(d->a, "%.10g", conv->x) : "null");
            continue;
        }
        int bar = (int)(30 * r.rows[i].values[0].i / top);
        char bars[128] = "";
        for (int k = 0; k < bar; k++)
            memcpy(bars + 3 * k, "\xe2\x96\x88", 4); /* U+2588 full block */
        int64_t reached = r.rows[i].values[0].i;
        const char *count = d->lf ? locfmt_int(d->lf, reached, d->a) : arena_printf(d->a, "%lld", (long long)reached);
        fprintf(o, "  %s %s %s  %s\n", kpi_pad(stage, 16, d->a), kpi_pad(bars, 30, d->a), right(count, 6, d->a),
                conv->kind == KV_REAL ? arena_printf(d->a, "-> %s", pct(d, conv->x, 0)) : "");
    }
    if (!d->csv)
        fputs(d->json ? "\n],\n" : "\n", o);
    return EMB_OK;
}

static emb_code print_leaders(dash *d, emb_err *err)
{
    kpi_leader *l;
    int n;
    const kpi_metric *m = d->leader_metric;
    const char *mname = kpi_metric_name(m);
    emb_code rc = kpi_leaderboard(d->snap, m, &d->base, &d->ctx->queries, d->days, d->a, &l, &n, err);
    if (rc)
        return rc;
    if (n > 10)
        n = 10;
    FILE *o = d->ctx->out;
    if (d->json)
        fputs("\"leaderboard\": [", o);
    else if (!d->csv && !strcmp(mname, "revenue_won"))
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
    const char **cells = d->json || d->csv ? NULL : arena_calloc(d->a, (size_t)n * (size_t)nc + 1, sizeof *cells);
    if (!d->json && !d->csv && !cells)
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
        if (d->json) {
            fprintf(o, "%s\n  {\"rank\": %s, \"rep\": %s, %s: %s, \"attainment\": %s, \"previous_rank\": %s}",
                    i ? "," : "", rank ? rank : "null", kpi_json_string(name, d->a), kpi_json_string(mname, d->a),
                    val ? val : "null", l[i].attainment.kind == KV_REAL ? real_or_null(d, &l[i].attainment) : "null",
                    prev ? prev : "null");
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
        fputs(d->json ? "\n],\n" : "\n", o);
    return EMB_OK;
}

static emb_code print_trend(dash *d, emb_err *err)
{
    kpi_query q = d->base;
    int y, m, dd;
    civil_from_days(d->days.to - 1, &y, &m, &dd);
    int first_month = y * 12 + (m - 1) - 11; /* the 12 months ending with the period's last */
    q.t0 = tz_local_to_utc(d->snap->zone, days_from_civil(first_month / 12, first_month % 12 + 1, 1) * 86400);
    q.t1 = tz_local_to_utc(d->snap->zone, days_from_civil((first_month + 12) / 12, (first_month + 12) % 12 + 1, 1) * 86400);
    q.metrics[q.nmetrics++] = kpi_metric_find("revenue_won");
    q.by[q.nby++] = DIM_MONTH;
    kpi_result r;
    emb_code rc = kpi_run(d->snap, &q, &d->ctx->queries, d->a, &r, err);
    if (rc)
        return rc;
    int64_t v[12] = {0}, lo = INT64_MAX, hi = INT64_MIN;
    for (int i = 0; i < r.nrows; i++) {
        int k = r.rows[i].key[0] - first_month;
        if (k >= 0 && k < 12)
            v[k] = r.rows[i].values[0].i;
    }
    for (int k = 0; k < 12; k++) {
        lo = v[k] < lo ? v[k] : lo;
        hi = v[k] > hi ? v[k] : hi;
    }
    FILE *o = d->ctx->out;
    if (d->csv) {
        for (int k = 0; k < 12; k++)
            csv_row(d, "trend", kpi_dim_label(d->snap, DIM_MONTH, first_month + k, d->a), "revenue_won",
                    value_format_money(v[k], d->snap->currency, d->a), NULL, NULL, NULL, NULL);
        return EMB_OK;
    }
    if (d->json) {
        fputs("\"trend\": [", o);
        for (int k = 0; k < 12; k++)
            fprintf(o, "%s{\"month\": \"%s\", \"revenue_won\": %s}", k ? ", " : "",
                    kpi_dim_label(d->snap, DIM_MONTH, first_month + k, d->a),
                    value_format_money(v[k], d->snap->currency, d->a));
        fputs("]\n", o);
        return EMB_OK;
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
    return EMB_OK;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"team", required_argument, NULL, 'T'},
        {"metric", required_argument, NULL, 'm'}, CLI_COMMON_OPTIONS,
        {0},
    };
    const char *period = NULL, *from = NULL, *to = NULL, *metric_name = "revenue_won";
    char *team = NULL;
    int help = 0, opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case 'p': period = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'T': team = optarg; break;
        case 'm': metric_name = optarg; break;
        default: return cli_option_error(ctx, cmd, argv);
        }
    }
    if (help)
        return 0;
    if (optind < argc)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);
    const kpi_metric *leader_metric = kpi_metric_find(metric_name);
    if (!leader_metric)
        return cli_usage_error(ctx, cmd, _("unknown metric '%s' (see `embudo kpi --list`)"), metric_name);
    if (!kpi_leaderboard_accepts(leader_metric))
        return cli_usage_error(ctx, cmd, _("reps cannot be ranked by '%s': it is not computed per rep; "
                                         "see `embudo kpi --list`"), metric_name);
    if ((period && from) || !from != !to)
        return cli_usage_error(ctx, cmd, _("give --period, or --from with --to"));
    if (period && !strcmp(period, "all"))
        return cli_usage_error(ctx, cmd, _("the dashboard needs a period to compare, not 'all'"));
    store *st;
    int status = cli_open_store(ctx, STORE_READONLY, &st);
    if (status)
        return status;
    arena a;
    arena_init(&a, 0);
    emb_err err;
    emb_err_clear(&err);
    snap_current *cur = NULL; /* the snapshot, acquired once for the command */
    const snapshot *snap = NULL;
    int rebuilt;
    dash d = {.ctx = ctx, .cmd = cmd, .a = &a, .json = ctx->format == FORMAT_JSON, .csv = ctx->format == FORMAT_CSV,
              .leader_metric = leader_metric};
    char from_text[11], to_text[11];
    if (snap_current_open(st, ctx->db_path, &cur, &rebuilt, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    snap = snapshot_acquire(cur);
    d.snap = snap;
    if ((status = kpi_cli_period(cmd, ctx, snap, period, from, to, NULL, &d.base, &d.days, from_text, to_text)) ||
        (team && (status = kpi_cli_filter(cmd, ctx, snap, DIM_TEAM, team, &d.base))))
        goto done;
    d.by_team = team && d.base.filters[0].nvalues == 1;
    if (!d.json && !d.csv && locfmt_open(i18n_code(ctx->lang), NULL, &d.lf, &err))
        d.lf = NULL; /* numbers as data rather than nothing */
    if (d.json)
        fprintf(ctx->out, "{\"organisation\": %s, \"period\": {\"from\": \"%s\", \"to\": \"%s\"}, \"currency\": %s,\n",
                kpi_json_string(store_org(st)->name, &a), from_text, to_text, kpi_json_string(snap->currency, &a));
    else if (!d.csv) {
        char last[11]; /* the period is [from, to): people read its last day */
        date_format_iso(d.days.to - 1, last);
        const char *org = team ? arena_printf(&a, _("%s, team %s"), store_org(st)->name, team) : store_org(st)->name;
        fprintf(ctx->out, _("%s: %s to %s (%s)\n\n"), org, d.lf ? locfmt_date(d.lf, from_text, &a) : from_text,
                d.lf ? locfmt_date(d.lf, last, &a) : last, snap->currency);
    }
    if (print_headline(&d, &err) || print_funnel(&d, &err) || print_leaders(&d, &err) || print_trend(&d, &err)) {
        status = err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
        goto done;
    }
    if (d.json)
        fputs("}\n", ctx->out);
done:
    locfmt_close(d.lf);
    arena_release(&a);
    snapshot_release(cur, snap);
    snap_current_free(cur);
    store_close(st);
    return status;
}
