/* kpi_request.c - a KPI question from its texts to its report; see kpi_request.h. */
#include "metrics/kpi_request.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/tz.h"

/* ---- the texts ------------------------------------------------------------------------ */

static const char *const keys[] = {"metrics", "period", "from",    "to",          "as_of", "by",   "where",
                                   "series",  "cumulative", "compare", "goal_metric", "sort",  "limit"};
#define NKEYS (sizeof keys / sizeof *keys)

static const char **slot(kpi_params *p, const char *key)
{
    const char **slots[] = {&p->metrics, &p->period, &p->from,        &p->to,   &p->as_of, &p->by, &p->where,
                            &p->series,  NULL,       &p->compare,     &p->goal_metric, &p->sort, &p->limit};
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i], key))
            return slots[i];
    return NULL;
}

const char *kpi_params_key(const kpi_params *p, const char *key, arena *a)
{
    if (!p->options)
        return key;
    char *t = arena_printf(a, "--%s", key);
    if (!t)
        return key;
    for (char *c = t; *c; c++)
        if (*c == '_')
            *c = '-';
    return t;
}

static emb_code bad(kpi_params *p, const char *key, emb_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static emb_code bad(kpi_params *p, const char *key, emb_err *err, const char *fmt, ...)
{
    p->bad_key = key;
    if (!err)
        return EMB_USAGE;
    va_list ap;
    va_start(ap, fmt);
    err->code = EMB_USAGE;
    err->why = EMB_WHY_NONE;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return EMB_USAGE;
}

emb_code kpi_params_set(kpi_params *p, const char *key, const char *value, emb_err *err)
{
    if (!strcmp(key, "cumulative")) {
        if (strcmp(value, "true") && strcmp(value, "false") && strcmp(value, "1") && strcmp(value, "0"))
            return bad(p, "cumulative", err, _("%s '%s' must be true or false"), "cumulative", value);
        p->cumulative = !strcmp(value, "true") || !strcmp(value, "1");
        return EMB_OK;
    }
    const char **s = slot(p, key);
    if (!s) {
        char list[256] = "";
        size_t n = 0;
        for (size_t i = 0; i < NKEYS; i++)
            n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s", i ? ", " : "", keys[i]);
        return bad(p, "", err, _("unknown parameter '%s'; accepted: %s"), key, list);
    }
    if (*s)
        return bad(p, slot(p, key) == &p->metrics ? "metrics" : key, err, _("parameter '%s' is given twice"), key);
    *s = value;
    return EMB_OK;
}

/* The name of a key in p's messages. */
#define K(name) kpi_params_key(p, name, a)

emb_code kpi_params_check(kpi_params *p, arena *a, emb_err *err)
{
    long long limit;
    char *end;
    if (p->limit) {
        errno = 0;
        limit = strtoll(p->limit, &end, 10);
        if (!*p->limit || *end || errno || limit < 1 || limit > INT_MAX)
            return bad(p, "limit", err, _("%s '%s' must be a whole number from 1"), K("limit"), p->limit);
    }
    if (p->compare && kpi_compare_parse(p->compare) < 0)
        return bad(p, "compare", err, _("%s '%s' must be previous, year or goal"), K("compare"), p->compare);
    if (p->period && (p->from || p->to))
        return bad(p, "period", err, _("give either %s or %s/%s, not both"), K("period"), K("from"), K("to"));
    if (!p->from != !p->to)
        return bad(p, p->from ? "to" : "from", err, _("%s and %s go together"), K("from"), K("to"));
    if (p->records && ((p->metrics && strchr(p->metrics, ',')) || p->compare || p->cumulative || p->sort))
        return bad(p, "records", err, _("%s lists the records of one metric (no %s, %s or %s)"), K("records"),
                   K("compare"), K("cumulative"), K("sort"));
    if (p->cumulative && (!p->series || p->compare))
        return bad(p, "cumulative", err, _("%s needs %s (and no %s)"), K("cumulative"), K("series"), K("compare"));
    return EMB_OK;
}

/* Splits a copy of s at sep into at most max pieces; -1 when there are more. */
static int split(const char *text, char sep, char **parts, int max, arena *a)
{
    char *s = arena_strdup(a, text);
    int n = 0;
    while (s && n < max) {
        parts[n++] = s;
        s = strchr(s, sep);
        if (s)
            *s++ = '\0';
    }
    return s ? -1 : n;
}

static emb_code dims_list_error(kpi_params *p, const char *key, const char *what, const char *name, emb_err *err)
{
    char list[512] = "";
    size_t n = 0;
    for (int d = 0; d < DIM__COUNT; d++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", d ? ", " : "", kpi_dim_name((kpi_dim)d));
    return bad(p, key, err, _("unknown %s '%s'; accepted: %s"), what, name, list);
}

/* ---- resolving against the snapshot ----------------------------------------------------- */

emb_code kpi_request_period(const snapshot *s, int64_t now, kpi_params *p, const char *period, const char *from,
                            const char *to, const char *as_of, kpi_query *q, period_range *days, char from_text[11],
                            char to_text[11], arena *a, emb_err *err)
{
    period_calendar cal = {.fiscal_year_start = s->fiscal_year_start, .week_start = s->week_start};
    int64_t today = tz_local_day(s->zone, now);
    period_range r;
    from_text[0] = to_text[0] = '\0';
    *days = (period_range){0, 0};
    if (as_of) {
        int64_t day;
        if (!date_parse_iso(as_of, &day)) /* a day alone: its end */
            q->as_of = tz_local_to_utc(s->zone, (day + 1) * 86400) - 1;
        else if (instant_parse_iso(as_of, &q->as_of))
            return bad(p, "as_of", err, _("%s '%s' must be a date (2026-07-14) or an instant (2026-07-14T18:00:00Z)"),
                       K("as_of"), as_of);
    }
    if (period && !strcmp(period, "all")) {
        q->t0 = INT64_MIN;
        q->t1 = INT64_MAX;
        if (!as_of)
            q->as_of = now;
        return EMB_OK;
    }
    if (from) {
        if (date_parse_iso(from, &r.from) || date_parse_iso(to, &r.to))
            return bad(p, date_parse_iso(from, &r.from) ? "from" : "to", err,
                       _("%s '%s' and %s '%s' must be dates such as 2026-07-01"), K("from"), from, K("to"), to);
        if (r.from >= r.to)
            return bad(p, "from", err, _("%s %s must be before %s %s (the period is [from, to))"), K("from"), from,
                       K("to"), to);
    } else {
        emb_err perr;
        emb_err_clear(&perr);
        if (period_parse(period ? period : "this-month", &cal, today, &r, &perr))
            return bad(p, "period", err, "%s", perr.msg);
    }
    date_format_iso(r.from, from_text);
    date_format_iso(r.to, to_text);
    *days = r;
    q->t0 = tz_local_to_utc(s->zone, r.from * 86400);
    q->t1 = tz_local_to_utc(s->zone, r.to * 86400);
    if (!as_of) /* instant metrics: the end of a past period, else now */
        q->as_of = q->t1 <= now ? q->t1 - 1 : now;
    return EMB_OK;
}

emb_code kpi_request_filter(const snapshot *s, kpi_params *p, const char *key, kpi_dim dim, const char *text,
                            kpi_query *q, arena *a, emb_err *err)
{
    if (q->nfilters >= DIM__COUNT)
        return bad(p, key, err, _("too many filters"));
    kpi_filter *f = &q->filters[q->nfilters++];
    f->dim = dim;
    f->nvalues = 0;
    char *values[KPI_MAX_FILTER_VALUES];
    int n = split(text, '|', values, KPI_MAX_FILTER_VALUES, a);
    if (n < 0)
        return bad(p, key, err, _("at most %d values for '%s'"), KPI_MAX_FILTER_VALUES, kpi_dim_name(dim));
    for (int i = 0; i < n; i++) {
        emb_err verr;
        emb_err_clear(&verr);
        if (kpi_dim_value(s, dim, values[i], &f->values[f->nvalues++], &verr))
            return bad(p, key, err, "%s: %s", kpi_dim_name(dim), verr.msg);
    }
    return EMB_OK;
}

emb_code kpi_request_build(const snapshot *s, int64_t now, kpi_params *p, kpi_request *out, arena *a, emb_err *err)
{
    memset(out, 0, sizeof *out);
    out->sort_column = -1;
    out->compare = p->compare ? (kpi_compare)kpi_compare_parse(p->compare) : KPI_COMPARE_NONE;
    out->cumulative = p->cumulative;
    out->limit = p->limit ? strtoll(p->limit, NULL, 10) : 0;
    kpi_query *q = &out->q;
    char *names[KPI_MAX_METRICS];
    int n = p->metrics ? split(p->metrics, ',', names, KPI_MAX_METRICS, a) : 0;
    if (n < 0)
        return bad(p, "metrics", err, _("at most %d metrics at once"), KPI_MAX_METRICS);
    for (int i = 0; i < n; i++) {
        const kpi_metric *m = kpi_metric_find(names[i]);
        if (!m) {
            char list[1024] = "";
            size_t k = 0;
            for (const kpi_metric *const *x = kpi_metrics(); *x; x++)
                k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", kpi_metric_name(*x));
            return bad(p, "metrics", err, _("unknown metric '%s'; accepted: %s"), names[i], list);
        }
        q->metrics[q->nmetrics++] = m;
    }
    char *bys[KPI_MAX_BY];
    int nby = 0;
    if (p->by && (nby = split(p->by, ',', bys, KPI_MAX_BY - (p->series ? 1 : 0), a)) < 0)
        return bad(p, "by", err, _("at most %d dimensions in %s and %s together"), KPI_MAX_BY, K("by"), K("series"));
    if (p->series) {
        int d = kpi_dim_find(p->series);
        if (d < DIM_DAY)
            return bad(p, "series", err, _("%s '%s' must be day, week, month, quarter or year"), K("series"),
                       p->series);
        bys[nby++] = (char *)p->series;
    }
    for (int i = 0; i < nby; i++) {
        int d = kpi_dim_find(bys[i]);
        if (d < 0)
            return dims_list_error(p, i < nby - (p->series ? 1 : 0) ? "by" : "series", _("dimension"), bys[i], err);
        q->by[q->nby++] = (kpi_dim)d;
    }
    if (p->where) {
        char *conds[DIM__COUNT];
        int nc = split(p->where, ',', conds, DIM__COUNT, a);
        if (nc < 0)
            return bad(p, "where", err, _("too many %s conditions"), K("where"));
        for (int i = 0; i < nc; i++) {
            char *eq = strchr(conds[i], '=');
            if (!eq)
                return bad(p, "where", err, _("%s '%s' must be DIMENSION=VALUE"), K("where"), conds[i]);
            *eq = '\0';
            int d = kpi_dim_find(conds[i]);
            if (d < 0)
                return dims_list_error(p, "where", arena_printf(a, _("dimension in %s"), K("where")), conds[i], err);
            emb_code rc = kpi_request_filter(s, p, "where", (kpi_dim)d, eq + 1, q, a, err);
            if (rc)
                return rc;
        }
    }
    if (p->goal_metric) {
        if (!kpi_metric_find(p->goal_metric))
            return bad(p, "goal_metric", err, _("unknown %s '%s' (see `embudo kpi --list`)"), K("goal_metric"),
                       p->goal_metric);
        q->goal_metric = p->goal_metric;
    }
    if (p->sort) {
        out->sort_desc = p->sort[0] == '-';
        const char *name = p->sort + out->sort_desc;
        for (int m = 0; m < q->nmetrics; m++)
            if (!strcmp(kpi_metric_name(q->metrics[m]), name))
                out->sort_column = m;
        if (out->sort_column < 0) {
            const char *list = "";
            for (int m = 0; m < q->nmetrics; m++)
                list = arena_printf(a, "%s%s%s", list, m ? ", " : "", kpi_metric_name(q->metrics[m]));
            return bad(p, "sort", err, _("%s '%s' must name one of the metrics computed (%s), with '-' for descending"),
                       K("sort"), p->sort, list);
        }
    }
    return kpi_request_period(s, now, p, p->period, p->from, p->to, p->as_of, q, &out->days, out->from, out->to, a,
                              err);
}

/* ---- answering ---------------------------------------------------------------------------- */

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

emb_code kpi_request_run(const snapshot *s, const kpi_request *r, const exec *ex, arena *a, kpi_result *res,
                         kpi_report *rep, emb_err *err)
{
    kpi_value *other = NULL;
    emb_code rc = kpi_run(s, &r->q, ex, a, res, err);
    if (!rc && r->compare != KPI_COMPARE_NONE)
        rc = kpi_compare_run(s, &r->q, ex, r->compare, r->days, res, a, &other, err);
    if (rc)
        return rc;
    if (res->nrows > 1)
        sort_rows(s, &r->q, res, &other, a);
    if (r->cumulative)
        accumulate_series(&r->q, res);
    if (r->sort_column >= 0 && sort_by_value(&r->q, r->sort_column, r->sort_desc, res, &other, a))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (r->limit && res->nrows > r->limit)
        res->nrows = (int)r->limit;
    *rep = (kpi_report){.snap = s, .query = &r->q, .result = res, .compare = r->compare, .other = other,
                        .from = r->from[0] ? r->from : NULL, .to = r->to[0] ? r->to : NULL};
    return EMB_OK;
}
