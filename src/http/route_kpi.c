/* route_kpi.c - GET /api/v1/kpi: the document of `embudo kpi --format json` for the
 * same options as query parameters (metrics, period, from, to, as_of, by, where,
 * series, cumulative, compare, goal_metric, sort, limit). */
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/metric_reply.h"
#include "metrics/kpi_request.h"

typedef struct {
    kpi_params *p;
    emb_err *err;
} param_ctx;

static int take_param(void *cls, const char *key, const char *value)
{
    param_ctx *c = cls;
    return kpi_params_set(c->p, key, value, c->err) ? -1 : 0;
}

/* The request as resolved, for the ETag: everything that decides the answer. */
static const char *normalised(const kpi_request *r, const kpi_params *p, int64_t now, arena *a)
{
    const kpi_query *q = &r->q;
    const char *t = arena_printf(a, "t=%lld..%lld;as_of=%lld", (long long)q->t0, (long long)q->t1,
                                 p->as_of || q->as_of != now ? (long long)q->as_of : -1LL);
    for (int m = 0; m < q->nmetrics; m++)
        t = arena_printf(a, "%s;m=%s", t, kpi_metric_name(q->metrics[m]));
    for (int b = 0; b < q->nby; b++)
        t = arena_printf(a, "%s;by=%d", t, (int)q->by[b]);
    for (int f = 0; f < q->nfilters; f++) {
        t = arena_printf(a, "%s;f=%d:", t, (int)q->filters[f].dim);
        for (int v = 0; v < q->filters[f].nvalues; v++)
            t = arena_printf(a, "%s%d,", t, (int)q->filters[f].values[v]);
    }
    return arena_printf(a, "%s;goal=%s;cmp=%d;sort=%d%s;limit=%lld;cum=%d", t, q->goal_metric ? q->goal_metric : "",
                        (int)r->compare, r->sort_column, r->sort_desc ? "-" : "", r->limit, r->cumulative);
}

/* The first metric of q that is not counted per rep (a scope restricted to some
 * people cannot see it), or NULL. */
static const char *outside_scope(const kpi_query *q)
{
    for (int m = 0; m < q->nmetrics; m++)
        if (!kpi_metric_has_dim(q->metrics[m], DIM_REP))
            return kpi_metric_name(q->metrics[m]);
    return NULL;
}

/* Managers and reps (access_metrics_restricted) count only the facts of their
 * people: a rep filter is added to the query, on top of any the caller gave (two
 * filters on one dimension intersect). */
void route_kpi(http_request *req, http_reply *out)
{
    kpi_params p = {0};
    emb_err err;
    emb_err_clear(&err);
    param_ctx pc = {.p = &p, .err = &err};
    arena a;
    arena_init(&a, 0);
    if (http_query_each(req, take_param, &pc) || kpi_params_check(&p, &a, &err)) {
        http_reply_bad_param(out, p.bad_key, err.msg);
        arena_release(&a);
        return;
    }
    if (!p.metrics) {
        http_reply_bad_param(out, "metrics", _("name the metrics to compute: metrics=win_rate,revenue_won (see "
                                               "`embudo kpi --list`)"));
        arena_release(&a);
        return;
    }
    store *st;
    const snapshot *snap;
    if (http_metric_open(req, out, &st, &snap)) {
        arena_release(&a);
        return;
    }
    int64_t now = (int64_t)time(NULL);
    kpi_request r;
    kpi_result res;
    kpi_report rep;
    char etag[48];
    kpi_filter scope;
    int restricted = 0, answered = 0;
    const char *outside = NULL; /* a metric the caller's scope cannot have */
    if (kpi_request_build(snap, now, &p, &r, &a, &err)) {
        http_reply_bad_param(out, p.bad_key, err.msg);
        answered = 1;
    } else if (http_metric_scope(req, out, st, snap, &scope, &restricted)) {
        answered = 1;
    } else if (restricted && (outside = outside_scope(&r.q))) {
        emb_err_set(&err, EMB_USAGE, _("'%s' is counted for the whole organisation and your role sees only its "
                                       "own people's facts; ask an admin or a viewer"), outside);
        http_reply_problem(out, 403, _("not in your access scope"), err.msg);
        answered = 1;
    } else if (restricted && r.q.nfilters >= DIM__COUNT) {
        http_reply_bad_param(out, "where", _("too many filters"));
        answered = 1;
    } else if (restricted) {
        r.q.filters[r.q.nfilters++] = scope;
    }
    if (answered) {
        /* replied above */
    } else if (http_metric_etag(req, snap, "kpi", normalised(&r, &p, now, &a), etag)) {
        http_reply_not_modified(out, etag);
    } else if (kpi_request_run(snap, &r, NULL, &a, &res, &rep, &err)) {
        if (err.code == EMB_USAGE)
            http_reply_bad_param(out, "", err.msg);
        else
            http_reply_problem(out, emb_http_status(err.code), _("the metrics cannot be computed"), err.msg);
    } else {
        char *buf;
        size_t len;
        FILE *f = http_doc_open(&buf, &len);
        if (f)
            kpi_report_write(f, KPI_FORMAT_JSON, "en", &rep, &a);
        http_reply_doc(out, f, &buf, &len, etag);
    }
    http_metric_close(req, st, snap);
    arena_release(&a);
}
