/* cmd_kpi.c - `embudo kpi`: metrics for a period, by dimensions, with filters. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/period.h"
#include "core/value.h"
#include "metrics/engine.h"
#include "cli/kpi_args.h"
#include "cli/kpi_print.h"
#include "cli/output.h"
#include "metrics/compare.h"
#include "metrics/kpi_records.h"
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

/* Splits s at sep into at most max pieces (s is modified). */
static int split(char *s, char sep, char **parts, int max)
{
    int n = 0;
    while (s && n < max) {
        parts[n++] = s;
        s = strchr(s, sep);
        if (s)
            *s++ = '\0';
    }
    return s ? -1 : n;
}

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

static int dims_list_error(cli_ctx *ctx, const cli_command *cmd, const char *what, const char *name)
{
    char list[512] = "";
    size_t n = 0;
    for (int d = 0; d < DIM__COUNT; d++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", d ? ", " : "", kpi_dim_name((kpi_dim)d));
    return cli_usage_error(ctx, cmd, _("unknown %s '%s'; accepted: %s"), what, name, list);
}

/* Orders rows by the labels of their entity dimensions (time buckets stay in time
 * order, stages in pipeline order, "(none)" last), so that tables read
 * alphabetically; comparison values follow their rows. */
typedef struct {
    const snapshot *snap;
    const kpi_query *q;
    const kpi_row *rows;
    arena *a;
} sort_ctx;

static int cmp_row_index(const void *x, const void *y, void *arg)
{
    const sort_ctx *c = arg;
    const kpi_row *r1 = &c->rows[*(const int *)x], *r2 = &c->rows[*(const int *)y];
    for (int b = 0; b < c->q->nby; b++) {
        kpi_dim d = c->q->by[b];
        int32_t k1 = r1->key[b], k2 = r2->key[b];
        if (k1 == k2)
            continue;
        if (k1 == SNAP_NONE || k2 == SNAP_NONE)
            return k1 == SNAP_NONE ? 1 : -1;
        const snap_stages *st = &c->snap->stages;
        if (d == DIM_STAGE && (size_t)k1 < st->n && (size_t)k2 < st->n) { /* pipeline order */
            if (st->pipeline[k1] != st->pipeline[k2])
                return st->pipeline[k1] < st->pipeline[k2] ? -1 : 1;
            if (st->position[k1] != st->position[k2])
                return st->position[k1] < st->position[k2] ? -1 : 1;
        }
        if (d < DIM_DAY) {
            int order = strcoll(kpi_dim_label(c->snap, d, k1, c->a), kpi_dim_label(c->snap, d, k2, c->a));
            if (order)
                return order;
        }
        return k1 < k2 ? -1 : 1;
    }
    return 0;
}

/* Replaces counts and amounts by their running totals along the series (the last
 * dimension), restarting for each combination of the other dimensions; rows must be
 * sorted (sort_rows). Rates and other values are left as they are. */
static void accumulate_series(const kpi_query *q, kpi_result *r)
{
    for (int i = 1; i < r->nrows; i++) {
        if (memcmp(r->rows[i].key, r->rows[i - 1].key, (size_t)(q->nby - 1) * sizeof(int32_t)))
            continue; /* a new group starts */
        for (int m = 0; m < q->nmetrics; m++) {
            kpi_value *v = &r->rows[i].values[m];
            const kpi_value *before = &r->rows[i - 1].values[m];
            if ((v->kind == KV_INT || v->kind == KV_MONEY) && before->kind == v->kind)
                v->i += before->i;
        }
    }
}

/* Puts r's rows (and the comparison values in *other, when cmp is given) in the
 * order of order[], copying them into rows and cmp, which r and *other then use. */
static void reorder_rows(const kpi_query *q, const int *order, kpi_row *rows, kpi_value *cmp, kpi_result *r,
                         kpi_value **other)
{
    for (int i = 0; i < r->nrows; i++) {
        rows[i] = r->rows[order[i]];
        if (cmp)
            memcpy(&cmp[(size_t)i * q->nmetrics], &(*other)[(size_t)order[i] * q->nmetrics],
                   (size_t)q->nmetrics * sizeof *cmp);
    }
    r->rows = rows;
    if (cmp)
        *other = cmp;
}

static void sort_rows(const snapshot *s, const kpi_query *q, kpi_result *r, kpi_value **other, arena *a)
{
    int n = r->nrows;
    int *order = arena_calloc(a, (size_t)n, sizeof *order);
    kpi_row *rows = arena_calloc(a, (size_t)n, sizeof *rows);
    kpi_value *cmp = *other ? arena_calloc(a, (size_t)n * (size_t)q->nmetrics, sizeof *cmp) : NULL;
    if (!order || !rows || (*other && !cmp))
        return; /* out of memory: leave the engine's order */
    for (int i = 0; i < n; i++)
        order[i] = i;
    sort_ctx c = {.snap = s, .q = q, .rows = r->rows, .a = a};
    qsort_r(order, (size_t)n, sizeof *order, cmp_row_index, &c);
    reorder_rows(q, order, rows, cmp, r, other);
}

/* Orders rows by the value of one metric (kpi_value_main), nulls last, ties in
 * their current order. */
typedef struct {
    const kpi_metric *metric;
    int column, descending;
    const kpi_row *rows;
} value_sort;

static int cmp_by_value(const void *x, const void *y, void *arg)
{
    const value_sort *c = arg;
    int i = *(const int *)x, j = *(const int *)y;
    kpi_value a = kpi_value_main(c->metric, &c->rows[i].values[c->column]);
    kpi_value b = kpi_value_main(c->metric, &c->rows[j].values[c->column]);
    int an = a.kind == KV_NULL, bn = b.kind == KV_NULL;
    int order = an - bn;
    if (!order && !an) {
        double da = a.kind == KV_REAL ? a.x : (double)a.i, db = b.kind == KV_REAL ? b.x : (double)b.i;
        if (a.kind != KV_REAL && b.kind != KV_REAL)
            order = (a.i > b.i) - (a.i < b.i);
        else
            order = (da > db) - (da < db);
        if (c->descending)
            order = -order;
    }
    return order ? order : (i > j) - (i < j);
}

/* Sorts r (and the comparison values in *other) by metric column `column`. */
static int sort_by_value(const kpi_query *q, int column, int descending, kpi_result *r, kpi_value **other,
                         arena *a)
{
    int n = r->nrows;
    int *order = arena_calloc(a, (size_t)n + 1, sizeof *order);
    kpi_row *rows = arena_calloc(a, (size_t)n + 1, sizeof *rows);
    kpi_value *cmp = *other ? arena_calloc(a, (size_t)n * (size_t)q->nmetrics + 1, sizeof *cmp) : NULL;
    if (!order || !rows || (*other && !cmp))
        return -1;
    for (int i = 0; i < n; i++)
        order[i] = i;
    value_sort c = {.metric = q->metrics[column], .column = column, .descending = descending, .rows = r->rows};
    qsort_r(order, (size_t)n, sizeof *order, cmp_by_value, &c);
    reorder_rows(q, order, rows, cmp, r, other);
    return 0;
}

/* ---- the command -------------------------------------------------------------------- */

typedef struct {
    char *metrics, *period, *from, *to, *by, *where, *series, *as_of, *goal_metric, *compare, *sort;
    long long limit;
    int records;
    int cumulative;
    int list;
} kpi_args;

static int parse_args(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv, kpi_args *args, int *help)
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
    int opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case 'p': args->period = optarg; break;
        case 'f': args->from = optarg; break;
        case 't': args->to = optarg; break;
        case 'b': args->by = optarg; break;
        case 'w': args->where = optarg; break;
        case 's': args->series = optarg; break;
        case 'l': args->list = 1; break;
        case 'a': args->as_of = optarg; break;
        case 'g': args->goal_metric = optarg; break;
        case 'C': args->cumulative = 1; break;
        case 'S': args->sort = optarg; break;
        case 'r': args->records = 1; break;
        case 'n':
            if (cli_parse_int(optarg, 1, INT_MAX, &args->limit))
                return cli_usage_error(ctx, cmd, _("--limit '%s' must be a whole number from 1"), optarg);
            break;
        case 'c':
            if (kpi_compare_parse(optarg) < 0)
                return cli_usage_error(ctx, cmd, _("--compare '%s' must be previous, year or goal"), optarg);
            args->compare = optarg;
            break;
        default: return cli_option_error(ctx, cmd, argv);
        }
    }
    if (*help || args->list)
        return 0;
    if (optind + 1 != argc)
        return cli_usage_error(ctx, cmd, optind >= argc ? _("name the metrics to compute (see `embudo kpi --list`)")
                                                        : _("unexpected argument '%s'"),
                               argv[optind + 1 < argc ? optind + 1 : optind]);
    args->metrics = argv[optind];
    if (args->period && (args->from || args->to))
        return cli_usage_error(ctx, cmd, _("give either --period or --from/--to, not both"));
    if (!args->from != !args->to)
        return cli_usage_error(ctx, cmd, _("--from and --to go together"));
    if (args->records && (strchr(args->metrics, ',') || args->compare || args->cumulative || args->sort))
        return cli_usage_error(ctx, cmd, _("--records lists the records of one metric (no --compare, --cumulative "
                                         "or --sort)"));
    if (args->cumulative && (!args->series || args->compare))
        return cli_usage_error(ctx, cmd, _("--cumulative needs --series (and no --compare)"));
    return 0;
}

static int build_query(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, kpi_args *args, kpi_query *q,
                       period_range *days, char from_text[11], char to_text[11])
{
    emb_err err;
    emb_err_clear(&err);
    char *names[KPI_MAX_METRICS];
    int n = split(args->metrics, ',', names, KPI_MAX_METRICS);
    if (n < 0)
        return cli_usage_error(ctx, cmd, _("at most %d metrics at once"), KPI_MAX_METRICS);
    for (int i = 0; i < n; i++) {
        const kpi_metric *m = kpi_metric_find(names[i]);
        if (!m) {
            char list[1024] = "";
            size_t k = 0;
            for (const kpi_metric *const *x = kpi_metrics(); *x; x++)
                k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", kpi_metric_name(*x));
            return cli_usage_error(ctx, cmd, _("unknown metric '%s'; accepted: %s"), names[i], list);
        }
        q->metrics[q->nmetrics++] = m;
    }
    char *bys[KPI_MAX_BY];
    int nby = 0;
    if (args->by && (nby = split(args->by, ',', bys, KPI_MAX_BY - (args->series ? 1 : 0))) < 0)
        return cli_usage_error(ctx, cmd, _("at most %d dimensions in --by and --series together"), KPI_MAX_BY);
    if (args->series) {
        int d = kpi_dim_find(args->series);
        if (d < DIM_DAY)
            return cli_usage_error(ctx, cmd, _("--series '%s' must be day, week, month, quarter or year"), args->series);
        bys[nby++] = args->series;
    }
    for (int i = 0; i < nby; i++) {
        int d = kpi_dim_find(bys[i]);
        if (d < 0)
            return dims_list_error(ctx, cmd, _("dimension"), bys[i]);
        q->by[q->nby++] = (kpi_dim)d;
    }
    if (args->where) {
        char *conds[DIM__COUNT];
        int nc = split(args->where, ',', conds, DIM__COUNT);
        if (nc < 0)
            return cli_usage_error(ctx, cmd, _("too many --where conditions"));
        for (int i = 0; i < nc; i++) {
            char *eq = strchr(conds[i], '=');
            if (!eq)
                return cli_usage_error(ctx, cmd, _("--where '%s' must be DIMENSION=VALUE"), conds[i]);
            *eq = '\0';
            int d = kpi_dim_find(conds[i]);
            if (d < 0)
                return dims_list_error(ctx, cmd, _("dimension in --where"), conds[i]);
            int st = kpi_cli_filter(cmd, ctx, s, (kpi_dim)d, eq + 1, q);
            if (st)
                return st;
        }
    }
    if (args->goal_metric) {
        if (!kpi_metric_find(args->goal_metric))
            return cli_usage_error(ctx, cmd, _("unknown --goal-metric '%s' (see `embudo kpi --list`)"), args->goal_metric);
        q->goal_metric = args->goal_metric;
    }
    return kpi_cli_period(cmd, ctx, s, args->period, args->from, args->to, args->as_of, q, days, from_text,
                          to_text);
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    kpi_args args = {0};
    int help = 0;
    int status = parse_args(cmd, ctx, argc, argv, &args, &help);
    if (status || help)
        return status;
    if (args.list) {
        print_list(ctx);
        return 0;
    }
    store *st;
    if ((status = cli_open_store(ctx, STORE_READONLY, &st)))
        return status;
    emb_err err;
    emb_err_clear(&err);
    snap_current *cur = NULL; /* the snapshot, acquired once for the command */
    const snapshot *snap = NULL;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    memset(&q, 0, sizeof q);
    kpi_result r;
    period_range days = {0, 0};
    char from[11], to[11];
    int rebuilt;
    if (snap_current_open(st, ctx->db_path, &cur, &rebuilt, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    snap = snapshot_acquire(cur);
    if ((status = build_query(cmd, ctx, snap, &args, &q, &days, from, to)))
        goto done;
    if (args.records) {
        status = kpi_print_records(cmd, ctx, st, snap, &q, args.limit, &a);
        goto done;
    }
    kpi_report rep = {.snap = snap, .query = &q, .result = &r, .from = from[0] ? from : NULL,
                      .to = to[0] ? to : NULL};
    kpi_value *other = NULL;
    if (kpi_run(snap, &q, &ctx->queries, &a, &r, &err) ||
        (args.compare && kpi_compare_run(snap, &q, &ctx->queries, (kpi_compare)kpi_compare_parse(args.compare), days, &r, &a,
                                         &other, &err))) {
        status = err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
        goto done;
    }
    if (r.nrows > 1)
        sort_rows(snap, &q, &r, &other, &a);
    if (args.cumulative)
        accumulate_series(&q, &r);
    if (args.sort) {
        int desc = args.sort[0] == '-';
        const char *name = args.sort + desc;
        int column = -1;
        for (int m = 0; m < q.nmetrics; m++)
            if (!strcmp(kpi_metric_name(q.metrics[m]), name))
                column = m;
        if (column < 0) {
            const char *list = "";
            for (int m = 0; m < q.nmetrics; m++)
                list = arena_printf(&a, "%s%s%s", list, m ? ", " : "", kpi_metric_name(q.metrics[m]));
            status = cli_usage_error(ctx, cmd, _("--sort '%s' must name one of the metrics computed (%s), with '-' "
                                     "for descending"), args.sort, list);
            goto done;
        }
        if (sort_by_value(&q, column, desc, &r, &other, &a)) {
            emb_err_set(&err, EMB_NOMEM, _("out of memory"));
            status = cli_fail(ctx, &err);
            goto done;
        }
    }
    if (args.limit && r.nrows > args.limit)
        r.nrows = (int)args.limit;
    rep.compare = args.compare ? (kpi_compare)kpi_compare_parse(args.compare) : KPI_COMPARE_NONE;
    rep.other = other;
    kpi_print(ctx, &rep, &a);
done:
    arena_release(&a);
    snapshot_release(cur, snap);
    snap_current_free(cur);
    store_close(st);
    return status;
}
