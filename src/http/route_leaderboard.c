/* route_leaderboard.c - GET /api/v1/leaderboard: the document of `embudo leaderboard
 * --format json` for the same options as query parameters (metric, period, from,
 * to, team, limit). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/metric_reply.h"
#include "metrics/kpi_request.h"

typedef struct {
    const char *metric, *period, *from, *to, *team, *limit;
    const char *bad_key;
    emb_err *err;
} lb_params;

static int take_param(void *cls, const char *key, const char *value)
{
    lb_params *p = cls;
    static const char *const names[] = {"metric", "period", "from", "to", "team", "limit"};
    const char **slots[] = {&p->metric, &p->period, &p->from, &p->to, &p->team, &p->limit};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(names[i], key))
            continue;
        if (*slots[i]) {
            p->bad_key = names[i];
            emb_err_set(p->err, EMB_USAGE, _("parameter '%s' is given twice"), key);
            return -1;
        }
        *slots[i] = value;
        return 0;
    }
    p->bad_key = "";
    emb_err_set(p->err, EMB_USAGE, _("unknown parameter '%s'; accepted: %s"), key,
                "metric, period, from, to, team, limit");
    return -1;
}

void route_leaderboard(http_request *req, http_reply *out)
{
    emb_err err;
    emb_err_clear(&err);
    lb_params p = {.metric = NULL, .err = &err};
    if (http_query_each(req, take_param, &p)) {
        http_reply_bad_param(out, p.bad_key, err.msg);
        return;
    }
    const char *metric_name = p.metric ? p.metric : "revenue_won";
    long long limit = 0;
    char *end;
    errno = 0;
    if (p.limit && ((limit = strtoll(p.limit, &end, 10)) < 1 || limit > INT_MAX || *end || !*p.limit || errno)) {
        emb_err_set(&err, EMB_USAGE, _("%s '%s' must be a whole number from 1"), "limit", p.limit);
        http_reply_bad_param(out, "limit", err.msg);
        return;
    }
    if ((p.period && p.from) || !p.from != !p.to) {
        http_reply_bad_param(out, p.period ? "period" : p.from ? "to" : "from", _("give period, or from with to"));
        return;
    }
    const kpi_metric *m = kpi_metric_find(metric_name);
    if (!m) {
        emb_err_set(&err, EMB_USAGE, _("unknown metric '%s' (see `embudo kpi --list`)"), metric_name);
        http_reply_bad_param(out, "metric", err.msg);
        return;
    }
    store *st;
    const snapshot *snap;
    if (http_metric_open(req, out, &st, &snap))
        return;
    arena a;
    arena_init(&a, 0);
    kpi_params kp = {0};
    kpi_query q;
    memset(&q, 0, sizeof q);
    period_range days;
    char from_text[11], to_text[11], etag[48];
    int64_t now = (int64_t)time(NULL);
    kpi_leader *rows;
    int n;
    if (kpi_request_period(snap, now, &kp, p.period, p.from, p.to, NULL, &q, &days, from_text, to_text, &a, &err) ||
        (p.team && kpi_request_filter(snap, &kp, "team", DIM_TEAM, p.team, &q, &a, &err))) {
        http_reply_bad_param(out, kp.bad_key && !strcmp(kp.bad_key, "where") ? "team" : kp.bad_key, err.msg);
        goto done;
    }
    const char *norm = arena_printf(&a, "m=%s;t=%lld..%lld;team=%s;limit=%lld", metric_name, (long long)q.t0,
                                    (long long)q.t1, p.team ? p.team : "", limit);
    if (http_metric_etag(req, snap, "leaderboard", norm, etag)) {
        http_reply_not_modified(out, etag);
        goto done;
    }
    if (kpi_leaderboard(snap, m, &q, NULL, days, &a, &rows, &n, &err)) {
        if (err.code == EMB_USAGE)
            http_reply_bad_param(out, "metric", err.msg);
        else
            http_reply_problem(out, emb_http_status(err.code), _("the leaderboard cannot be computed"), err.msg);
        goto done;
    }
    if (limit && n > limit)
        n = (int)limit;
    char *buf;
    size_t len;
    FILE *f = http_doc_open(&buf, &len);
    if (f)
        kpi_leaders_write_json(f, snap, m, rows, n, from_text[0] ? from_text : NULL, to_text[0] ? to_text : NULL, &a);
    http_reply_doc(out, f, &buf, &len, etag);
done:
    arena_release(&a);
    http_metric_close(req, st, snap);
}
