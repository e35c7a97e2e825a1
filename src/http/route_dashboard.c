/* route_dashboard.c - GET /api/v1/dashboard: the whole dashboard in one request, the
 * document of `embudo dashboard --format json` for the same options as query
 * parameters (period, from, to, team, metric). */
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/metric_reply.h"
#include "metrics/dashboard.h"
#include "metrics/kpi_request.h"

typedef struct {
    dash_params *p;
    emb_err *err;
} param_ctx;

static int take_param(void *cls, const char *key, const char *value)
{
    param_ctx *c = cls;
    return dash_params_set(c->p, key, value, c->err) ? -1 : 0;
}

void route_dashboard(http_request *req, http_reply *out)
{
    dash_params p = {0};
    emb_err err;
    emb_err_clear(&err);
    param_ctx pc = {.p = &p, .err = &err};
    arena a;
    arena_init(&a, 0);
    if (http_query_each(req, take_param, &pc) || dash_params_check(&p, &a, &err)) {
        http_reply_bad_param(out, p.bad_key, err.msg);
        arena_release(&a);
        return;
    }
    store *st;
    const snapshot *snap;
    if (http_metric_open(req, out, &st, &snap)) {
        arena_release(&a);
        return;
    }
    emb_code org_rc = store_reload_org(st, &err); /* the name as it is now, were it changed since */
    int64_t now = (int64_t)time(NULL);
    dashboard d;
    char etag[48];
    kpi_filter scope;
    int restricted = 0;
    /* The period as resolved decides the answer with the team and the metric. */
    kpi_params kp = {0};
    kpi_query q;
    memset(&q, 0, sizeof q);
    period_range days;
    char from[11], to[11];
    if (org_rc) {
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
    } else if (kpi_request_period(snap, now, &kp, p.period, p.from, p.to, NULL, &q, &days, from, to, &a, &err)) {
        http_reply_bad_param(out, kp.bad_key, err.msg);
    } else if (http_metric_scope(req, out, st, snap, &scope, &restricted)) {
        /* replied */
    } else if (http_metric_etag(req, snap, "dashboard",
                                arena_printf(&a, "t=%s..%s;team=%s;metric=%s", from, to, p.team ? p.team : "",
                                             p.metric ? p.metric : "revenue_won"),
                                etag)) {
        http_reply_not_modified(out, etag);
    } else if (dashboard_compose(snap, now, &p, restricted ? &scope : NULL, NULL, &a, &d, &err)) {
        if (err.code == EMB_USAGE)
            http_reply_bad_param(out, p.bad_key && !strcmp(p.bad_key, "where") ? "team" : p.bad_key, err.msg);
        else
            http_reply_problem(out, emb_http_status(err.code), _("the dashboard cannot be computed"), err.msg);
    } else {
        char *buf;
        size_t len;
        FILE *f = http_doc_open(&buf, &len);
        if (f)
            dashboard_write_json(f, &d, store_org(st)->name, &a);
        http_reply_doc(out, f, &buf, &len, etag);
    }
    http_metric_close(req, st, snap);
    arena_release(&a);
}
