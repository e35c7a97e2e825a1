/* cmd_kpi.c - `embudo kpi`: metrics for a period, by dimensions, with filters. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/period.h"
#include "core/value.h"
#include "metrics/engine.h"
#include "metrics/snapshot.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_kpi = {
    .name = "kpi",
    .summary = "compute sales metrics (win rate, revenue won, ...) by rep, team, product, period",
    .usage = "usage: embudo kpi NAME[,NAME...] [--period P | --from DATE --to DATE] [--by DIM[,DIM]]\n"
             "                  [--where DIM=VALUE[|VALUE...],...] [--series day|week|month|quarter|year]\n"
             "                  [--format table|json|csv]\n"
             "       embudo kpi --list\n"
             "\n"
             "Computes metrics (see `embudo kpi --list` and docs/metrics.md) over the period:\n"
             "  --period P     2026, 2026-Q3, 2026-07, 2026-W27, 2026-07-14, FY2026, FY2026-Q1,\n"
             "                 today, this-month, last-month, this-quarter, last-quarter, ytd, all\n"
             "                 (default: this-month), in the organisation's time zone\n"
             "  --from, --to   explicit days; the period is [from, to): --to is the first day left out\n"
             "  --by DIMS      break down by rep, team, account, segment, industry, region, source,\n"
             "                 stage, pipeline, product, category, lost_reason, day, week, month,\n"
             "                 quarter, year\n"
             "  --where F      keep only rows whose dimension has one of the values, e.g.\n"
             "                 --where team=North,source=web|referral\n"
             "  --series S     adds a time dimension (same as --by S)\n"
             "  --as-of T      instant of open_pipeline and weighted_pipeline (a date means its end);\n"
             "                 default: the end of the period if it is past, else now\n"
             "  --goal-metric M the metric whose goals goal_attainment and goal_pacing follow\n"
             "                 (default revenue_won)\n"
             "Rates are fractions in json/csv (0.6315) and percentages in tables; an empty\n"
             "denominator gives null. Money is in the reporting currency.\n",
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

static void print_list(cli_ctx *ctx)
{
    for (const kpi_metric *const *m = kpi_metrics(); *m; m++)
        fprintf(ctx->out, "%-18s %s\n", kpi_metric_name(*m), kpi_metric_description(*m, "en"));
    fputs("\ndimensions:", ctx->out);
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
    return cli_usage_error(ctx, cmd, "unknown %s '%s'; accepted: %s", what, name, list);
}

/* ---- output ------------------------------------------------------------------------ */

static const char *json_quote(const char *s, arena *a)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    const char *r = arena_strdup(a, t ? t : "\"?\"");
    free(t);
    json_decref(j);
    return r;
}

static const char *real_text(double x, arena *a) { return arena_printf(a, "%.10g", x); }

/* Text of part k of a KV_PARTS value; NULL when the part has no value. */
static const char *part_text(const kpi_metric *m, const kpi_value *v, int k, int for_table, const snapshot *s,
                             arena *a)
{
    if (v->part_null >> k & 1)
        return NULL;
    kpi_unit unit = v->has_part_units ? v->part_unit[k] : kpi_metric_part_unit(m, k);
    if (unit == UNIT_MONEY)
        return value_format_money(v->part[k], s->currency, a);
    if (unit == UNIT_RATE)
        return for_table ? arena_printf(a, "%.1f%%", v->xpart[k] * 100.0) : arena_printf(a, "%.10g", v->xpart[k]);
    if (kpi_unit_is_real(unit))
        return for_table ? arena_printf(a, "%.1f", v->xpart[k]) : arena_printf(a, "%.10g", v->xpart[k]);
    return arena_printf(a, "%lld", (long long)v->part[k]);
}

/* Text of a value for json/csv (part: 0 whole, 1 median, 2 mean; for KV_PARTS the
 * part index + 1), or for a table cell (the whole value). */
static const char *value_text(const kpi_metric *m, const kpi_value *v, const snapshot *s, int part, int for_table,
                              arena *a)
{
    switch (v->kind) {
    case KV_PARTS: {
        const char *const *names = kpi_metric_parts(m);
        if (!for_table) {
            const char *t = part_text(m, v, part - 1, 0, s, a);
            return t ? t : "";
        }
        char *t = arena_strdup(a, "");
        for (int k = 0; names && names[k]; k++) {
            const char *pt = part_text(m, v, k, 1, s, a);
            t = arena_printf(a, "%s%s%s %s", t, k ? ", " : "", names[k], pt ? pt : "-");
        }
        return t;
    }
    case KV_NULL:
        return for_table ? "-" : "";
    case KV_INT:
        return arena_printf(a, "%lld", (long long)v->i);
    case KV_MONEY:
        return value_format_money(v->i, s->currency, a);
    case KV_REAL:
        return for_table ? arena_printf(a, "%.1f%%", v->x * 100.0) : real_text(v->x, a);
    case KV_PAIR:
        if (for_table)
            return arena_printf(a, "%.1f (mean %.1f)", v->median, v->mean);
        return real_text(part == 2 ? v->mean : v->median, a);
    }
    return "";
}

static void print_json(cli_ctx *ctx, const snapshot *s, const kpi_query *q, const kpi_result *r, const char *from,
                       const char *to, arena *a)
{
    FILE *o = ctx->out;
    fprintf(o, "{\"period\": {\"from\": %s, \"to\": %s}, \"currency\": %s, \"rows\": [", from ? json_quote(from, a) : "null",
            to ? json_quote(to, a) : "null", json_quote(s->currency, a));
    for (int i = 0; i < r->nrows; i++) {
        fprintf(o, "%s\n  {", i ? "," : "");
        int first = 1;
        for (int b = 0; b < q->nby; b++, first = 0)
            fprintf(o, "%s%s: %s", first ? "" : ", ", json_quote(kpi_dim_name(q->by[b]), a),
                    r->rows[i].key[b] == SNAP_NONE && q->by[b] < DIM_DAY
                        ? "null"
                        : json_quote(kpi_dim_label(s, q->by[b], r->rows[i].key[b], a), a));
        for (int m = 0; m < q->nmetrics; m++, first = 0) {
            const kpi_value *v = &r->rows[i].values[m];
            const char *name = json_quote(kpi_metric_name(q->metrics[m]), a);
            if (v->kind == KV_NULL)
                fprintf(o, "%s%s: null", first ? "" : ", ", name);
            else if (v->kind == KV_PAIR)
                fprintf(o, "%s%s: {\"median\": %s, \"mean\": %s}", first ? "" : ", ", name,
                        value_text(q->metrics[m], v, s, 1, 0, a), value_text(q->metrics[m], v, s, 2, 0, a));
            else if (v->kind == KV_PARTS) {
                const char *const *parts = kpi_metric_parts(q->metrics[m]);
                fprintf(o, "%s%s: {", first ? "" : ", ", name);
                for (int k = 0; parts[k]; k++) {
                    const char *pt = part_text(q->metrics[m], v, k, 0, s, a);
                    fprintf(o, "%s%s: %s", k ? ", " : "", json_quote(parts[k], a), pt ? pt : "null");
                }
                fputc('}', o);
            } else
                fprintf(o, "%s%s: %s", first ? "" : ", ", name, value_text(q->metrics[m], v, s, 0, 0, a));
        }
        fputc('}', o);
    }
    fputs("\n]}\n", o);
}

static void csv_cell(FILE *o, const char *t)
{
    if (strpbrk(t, ",\"\r\n")) {
        fputc('"', o);
        for (; *t; t++) {
            if (*t == '"')
                fputc('"', o);
            fputc(*t, o);
        }
        fputc('"', o);
    } else {
        fputs(t, o);
    }
}

static void print_csv(cli_ctx *ctx, const snapshot *s, const kpi_query *q, const kpi_result *r, arena *a)
{
    FILE *o = ctx->out;
    int first = 1;
    for (int b = 0; b < q->nby; b++, first = 0)
        fprintf(o, "%s%s", first ? "" : ",", kpi_dim_name(q->by[b]));
    for (int m = 0; m < q->nmetrics; m++, first = 0) {
        const char *const *parts = kpi_metric_parts(q->metrics[m]);
        if (kpi_metric_unit(q->metrics[m]) == UNIT_DAYS)
            fprintf(o, "%s%s_median,%s_mean", first ? "" : ",", kpi_metric_name(q->metrics[m]),
                    kpi_metric_name(q->metrics[m]));
        else if (parts)
            for (int k = 0; parts[k]; k++)
                fprintf(o, "%s%s_%s", first && !k ? "" : ",", kpi_metric_name(q->metrics[m]), parts[k]);
        else
            fprintf(o, "%s%s", first ? "" : ",", kpi_metric_name(q->metrics[m]));
    }
    fputs("\r\n", o);
    for (int i = 0; i < r->nrows; i++) {
        first = 1;
        for (int b = 0; b < q->nby; b++, first = 0) {
            if (!first)
                fputc(',', o);
            if (!(r->rows[i].key[b] == SNAP_NONE && q->by[b] < DIM_DAY))
                csv_cell(o, kpi_dim_label(s, q->by[b], r->rows[i].key[b], a));
        }
        for (int m = 0; m < q->nmetrics; m++, first = 0) {
            const kpi_value *v = &r->rows[i].values[m];
            const kpi_metric *metric = q->metrics[m];
            const char *const *parts = kpi_metric_parts(metric);
            if (kpi_metric_unit(metric) == UNIT_DAYS)
                fprintf(o, "%s%s,%s", first ? "" : ",", value_text(metric, v, s, 1, 0, a),
                        value_text(metric, v, s, 2, 0, a));
            else if (parts)
                for (int k = 0; parts[k]; k++)
                    fprintf(o, "%s%s", first && !k ? "" : ",", value_text(metric, v, s, k + 1, 0, a));
            else
                fprintf(o, "%s%s", first ? "" : ",", value_text(metric, v, s, 0, 0, a));
        }
        fputs("\r\n", o);
    }
}

static void print_table(cli_ctx *ctx, const snapshot *s, const kpi_query *q, const kpi_result *r, arena *a)
{
    int ncols = q->nby + q->nmetrics;
    const char **cells = arena_calloc(a, (size_t)(r->nrows + 1) * (size_t)ncols, sizeof *cells);
    int *width = arena_calloc(a, (size_t)ncols, sizeof *width);
    if (!cells || !width)
        return;
    for (int c = 0; c < ncols; c++)
        cells[c] = c < q->nby ? kpi_dim_name(q->by[c]) : kpi_metric_name(q->metrics[c - q->nby]);
    for (int i = 0; i < r->nrows; i++)
        for (int c = 0; c < ncols; c++)
            cells[(i + 1) * ncols + c] =
                c < q->nby ? kpi_dim_label(s, q->by[c], r->rows[i].key[c], a)
                           : value_text(q->metrics[c - q->nby], &r->rows[i].values[c - q->nby], s, 0, 1, a);
    for (int i = 0; i <= r->nrows; i++)
        for (int c = 0; c < ncols; c++) {
            int w = 0; /* display width: count UTF-8 lead bytes */
            for (const unsigned char *p = (const unsigned char *)cells[i * ncols + c]; *p; p++)
                w += (*p & 0xc0) != 0x80;
            if (w > width[c])
                width[c] = w;
        }
    for (int i = 0; i <= r->nrows; i++) {
        for (int c = 0; c < ncols; c++) {
            const char *t = cells[i * ncols + c];
            int w = 0;
            for (const unsigned char *p = (const unsigned char *)t; *p; p++)
                w += (*p & 0xc0) != 0x80;
            int pad = width[c] - w;
            if (c >= q->nby && i > 0) /* numbers right-aligned */
                fprintf(ctx->out, "%s%*s%s", c ? "  " : "", pad, "", t);
            else
                fprintf(ctx->out, "%s%s%*s", c ? "  " : "", t, c + 1 < ncols ? pad : 0, "");
        }
        fputc('\n', ctx->out);
    }
}

/* ---- the command -------------------------------------------------------------------- */

typedef struct {
    char *metrics, *period, *from, *to, *by, *where, *series, *as_of, *goal_metric;
    int list;
} kpi_args;

static int parse_args(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv, kpi_args *args, int *help)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'p'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"by", required_argument, NULL, 'b'},
        {"where", required_argument, NULL, 'w'},  {"series", required_argument, NULL, 's'},
        {"list", no_argument, NULL, 'l'},         {"as-of", required_argument, NULL, 'a'},
        {"goal-metric", required_argument, NULL, 'g'},
        CLI_COMMON_OPTIONS,
        {0},
    };
    int opt;
    optind = 0;
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
        default: return cli_usage_error(ctx, cmd, "unknown option");
        }
    }
    if (*help || args->list)
        return 0;
    if (optind + 1 != argc)
        return cli_usage_error(ctx, cmd, optind >= argc ? "name the metrics to compute (see `embudo kpi --list`)"
                                                        : "unexpected argument '%s'", argv[optind + 1 < argc ? optind + 1 : optind]);
    args->metrics = argv[optind];
    if (args->period && (args->from || args->to))
        return cli_usage_error(ctx, cmd, "give either --period or --from/--to, not both");
    if (!args->from != !args->to)
        return cli_usage_error(ctx, cmd, "--from and --to go together");
    return 0;
}

static int build_query(const cli_command *cmd, cli_ctx *ctx, const snapshot *s, kpi_args *args, kpi_query *q,
                       char from_text[11], char to_text[11])
{
    emb_err err;
    emb_err_clear(&err);
    char *names[KPI_MAX_METRICS];
    int n = split(args->metrics, ',', names, KPI_MAX_METRICS);
    if (n < 0)
        return cli_usage_error(ctx, cmd, "at most %d metrics at once", KPI_MAX_METRICS);
    for (int i = 0; i < n; i++) {
        const kpi_metric *m = kpi_metric_find(names[i]);
        if (!m) {
            char list[1024] = "";
            size_t k = 0;
            for (const kpi_metric *const *x = kpi_metrics(); *x; x++)
                k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", kpi_metric_name(*x));
            return cli_usage_error(ctx, cmd, "unknown metric '%s'; accepted: %s", names[i], list);
        }
        q->metrics[q->nmetrics++] = m;
    }
    char *bys[KPI_MAX_BY];
    int nby = 0;
    if (args->by && (nby = split(args->by, ',', bys, KPI_MAX_BY - (args->series ? 1 : 0))) < 0)
        return cli_usage_error(ctx, cmd, "at most %d dimensions in --by and --series together", KPI_MAX_BY);
    if (args->series) {
        int d = kpi_dim_find(args->series);
        if (d < DIM_DAY)
            return cli_usage_error(ctx, cmd, "--series '%s' must be day, week, month, quarter or year", args->series);
        bys[nby++] = args->series;
    }
    for (int i = 0; i < nby; i++) {
        int d = kpi_dim_find(bys[i]);
        if (d < 0)
            return dims_list_error(ctx, cmd, "dimension", bys[i]);
        q->by[q->nby++] = (kpi_dim)d;
    }
    if (args->where) {
        char *conds[DIM__COUNT];
        int nc = split(args->where, ',', conds, DIM__COUNT);
        if (nc < 0)
            return cli_usage_error(ctx, cmd, "too many --where conditions");
        for (int i = 0; i < nc; i++) {
            char *eq = strchr(conds[i], '=');
            if (!eq)
                return cli_usage_error(ctx, cmd, "--where '%s' must be DIMENSION=VALUE", conds[i]);
            *eq = '\0';
            int d = kpi_dim_find(conds[i]);
            if (d < 0)
                return dims_list_error(ctx, cmd, "dimension in --where", conds[i]);
            kpi_filter *f = &q->filters[q->nfilters++];
            f->dim = (kpi_dim)d;
            char *vals[KPI_MAX_FILTER_VALUES];
            int nv = split(eq + 1, '|', vals, KPI_MAX_FILTER_VALUES);
            if (nv < 0)
                return cli_usage_error(ctx, cmd, "too many values for '%s'", conds[i]);
            for (int k = 0; k < nv; k++)
                if (kpi_dim_value(s, f->dim, vals[k], &f->values[f->nvalues++], &err))
                    return cli_usage_error(ctx, cmd, "--where %s: %s", conds[i], err.msg);
        }
    }
    if (args->goal_metric) {
        if (!kpi_metric_find(args->goal_metric))
            return cli_usage_error(ctx, cmd, "unknown --goal-metric '%s' (see `embudo kpi --list`)", args->goal_metric);
        q->goal_metric = args->goal_metric;
    }
    period_calendar cal = {.fiscal_year_start = s->fiscal_year_start, .week_start = s->week_start};
    int64_t today = tz_utc_to_local(s->zone, ctx->now);
    today = today >= 0 ? today / 86400 : -((-today + 86399) / 86400);
    period_range r;
    from_text[0] = to_text[0] = '\0';
    if (args->as_of) {
        int64_t day;
        if (!date_parse_iso(args->as_of, &day)) /* a day alone: its end */
            q->as_of = tz_local_to_utc(s->zone, (day + 1) * 86400) - 1;
        else if (cli_parse_instant(args->as_of, &q->as_of))
            return cli_usage_error(ctx, cmd, "--as-of '%s' must be a date (2026-07-14) or an instant "
                                             "(2026-07-14T18:00:00Z)", args->as_of);
    }
    if (args->period && !strcmp(args->period, "all")) {
        q->t0 = INT64_MIN;
        q->t1 = INT64_MAX;
        if (!args->as_of)
            q->as_of = ctx->now;
        return 0;
    }
    if (args->from) {
        if (date_parse_iso(args->from, &r.from) || date_parse_iso(args->to, &r.to))
            return cli_usage_error(ctx, cmd, "--from '%s' and --to '%s' must be dates such as 2026-07-01", args->from,
                                   args->to);
        if (r.from >= r.to)
            return cli_usage_error(ctx, cmd, "--from %s must be before --to %s (the period is [from, to))",
                                   args->from, args->to);
    } else if (period_parse(args->period ? args->period : "this-month", &cal, today, &r, &err)) {
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    }
    date_format_iso(r.from, from_text);
    date_format_iso(r.to, to_text);
    q->t0 = tz_local_to_utc(s->zone, r.from * 86400);
    q->t1 = tz_local_to_utc(s->zone, r.to * 86400);
    if (!args->as_of) /* instant metrics: the end of a past period, else now */
        q->as_of = q->t1 <= ctx->now ? q->t1 - 1 : ctx->now;
    return 0;
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
    snapshot *snap = NULL;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    memset(&q, 0, sizeof q);
    kpi_result r;
    char from[11], to[11];
    int rebuilt;
    if (snapshot_open(st, ctx->db_path, &snap, &rebuilt, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    if ((status = build_query(cmd, ctx, snap, &args, &q, from, to)))
        goto done;
    if (kpi_run(snap, &q, &a, &r, &err)) {
        status = err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
        goto done;
    }
    if (ctx->format == FORMAT_JSON)
        print_json(ctx, snap, &q, &r, from[0] ? from : NULL, to[0] ? to : NULL, &a);
    else if (ctx->format == FORMAT_CSV)
        print_csv(ctx, snap, &q, &r, &a);
    else
        print_table(ctx, snap, &q, &r, &a);
done:
    arena_release(&a);
    snapshot_free(snap);
    store_close(st);
    return status;
}
