/* dashboard.c - the dashboard's composition and its JSON; see dashboard.h. */
#include "metrics/dashboard.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/tz.h"
#include "core/value.h"
#include "metrics/compare.h"
#include "metrics/kpi_report.h"
#include "metrics/kpi_request.h"

static const char *const headline[DASH_HEADLINE] = {"revenue_won",      "deals_won",     "win_rate",
                                                    "avg_deal_size",    "sales_cycle_days", "open_pipeline",
                                                    "weighted_pipeline", "leads_created"};

/* ---- the options ------------------------------------------------------------------- */

emb_code dash_params_set(dash_params *p, const char *key, const char *value, emb_err *err)
{
    static const char *const names[] = {"period", "from", "to", "team", "metric"};
    const char **slots[] = {&p->period, &p->from, &p->to, &p->team, &p->metric};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(names[i], key))
            continue;
        p->bad_key = names[i];
        if (*slots[i])
            return emb_err_set(err, EMB_USAGE, _("parameter '%s' is given twice"), key);
        *slots[i] = value;
        return EMB_OK;
    }
    p->bad_key = "";
    return emb_err_set(err, EMB_USAGE, _("unknown parameter '%s'; accepted: %s"), key, "period, from, to, team, metric");
}

emb_code dash_params_check(dash_params *p, arena *a, emb_err *err)
{
    kpi_params names = {.options = p->options};
    const char *metric = p->metric ? p->metric : "revenue_won";
    const kpi_metric *m = kpi_metric_find(metric);
    p->bad_key = "metric";
    if (!m)
        return emb_err_set(err, EMB_USAGE, _("unknown metric '%s' (see `embudo kpi --list`)"), metric);
    if (!kpi_leaderboard_accepts(m))
        return emb_err_set(err, EMB_USAGE, _("reps cannot be ranked by '%s': it is not computed per rep; "
                                             "see `embudo kpi --list`"), metric);
    p->bad_key = p->period && p->from ? "period" : p->from ? "to" : "from";
    if ((p->period && p->from) || !p->from != !p->to)
        return emb_err_set(err, EMB_USAGE, _("give %s, or %s with %s"), kpi_params_key(&names, "period", a),
                           kpi_params_key(&names, "from", a), kpi_params_key(&names, "to", a));
    p->bad_key = "period";
    if (p->period && !strcmp(p->period, "all"))
        return emb_err_set(err, EMB_USAGE, _("the dashboard needs a period to compare, not 'all'"));
    p->bad_key = NULL;
    return EMB_OK;
}

/* ---- the sections ------------------------------------------------------------------ */

static emb_code compose_headline(dashboard *d, const exec *ex, arena *a, emb_err *err)
{
    kpi_query q = d->view;
    for (size_t i = 0; i < DASH_HEADLINE; i++)
        q.metrics[q.nmetrics++] = kpi_metric_find(headline[i]);
    if (d->team && d->base.filters[0].nvalues == 1) /* one team: its row */
        q.by[q.nby++] = DIM_TEAM;
    kpi_result r;
    kpi_value *prev, *goal;
    emb_code rc = kpi_run(d->snap, &q, ex, a, &r, err);
    if (!rc)
        rc = kpi_compare_run(d->snap, &q, ex, KPI_COMPARE_PREVIOUS, d->days, &r, a, &prev, err);
    if (!rc)
        rc = kpi_compare_run(d->snap, &q, ex, KPI_COMPARE_GOAL, d->days, &r, a, &goal, err);
    if (rc)
        return rc;
    kpi_value none = {.kind = KV_NULL};
    for (int m = 0; m < DASH_HEADLINE; m++) {
        dash_headline *h = &d->headline[m];
        h->metric = q.metrics[m];
        h->value = r.nrows ? r.rows[0].values[m] : none;
        kpi_value before = r.nrows ? prev[m] : none;
        h->main = kpi_value_main(h->metric, &h->value);
        kpi_value hb = kpi_value_main(h->metric, &before);
        h->change_rel = kpi_change_relative(&h->main, &hb);
        kpi_value target = r.nrows ? goal[m] : none;
        h->attainment = kpi_change_relative(&h->main, &target);
        if (h->attainment.kind == KV_REAL)
            h->attainment.x += 1.0;
    }
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

static emb_code compose_funnel(dashboard *d, const exec *ex, arena *a, emb_err *err)
{
    kpi_query q = d->view;
    q.metrics[q.nmetrics++] = kpi_metric_find("stage_reached");
    q.metrics[q.nmetrics++] = kpi_metric_find("stage_conversion");
    q.by[q.nby++] = DIM_STAGE;
    kpi_result r;
    emb_code rc = kpi_run(d->snap, &q, ex, a, &r, err);
    if (rc)
        return rc;
    qsort_r(r.rows, (size_t)r.nrows, sizeof *r.rows, cmp_stage_rows, (void *)d->snap);
    if (!(d->funnel = arena_calloc(a, (size_t)r.nrows + 1, sizeof *d->funnel)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    d->funnel_top = 1;
    for (int i = 0; i < r.nrows; i++) {
        d->funnel[i] = (dash_stage){.stage = r.rows[i].key[0], .reached = r.rows[i].values[0].i,
                                    .conversion = r.rows[i].values[1]};
        if (d->funnel[i].conversion.kind != KV_REAL)
            d->funnel[i].conversion.kind = KV_NULL;
        if (d->funnel[i].reached > d->funnel_top)
            d->funnel_top = d->funnel[i].reached;
    }
    d->nfunnel = r.nrows;
    return EMB_OK;
}

static emb_code compose_trend(dashboard *d, const exec *ex, arena *a, emb_err *err)
{
    kpi_query q = d->view;
    int y, m, dd;
    civil_from_days(d->days.to - 1, &y, &m, &dd);
    int first_month = y * 12 + (m - 1) - 11; /* the 12 months ending with the period's last */
    q.t0 = tz_local_to_utc(d->snap->zone, days_from_civil(first_month / 12, first_month % 12 + 1, 1) * 86400);
    q.t1 = tz_local_to_utc(d->snap->zone,
                           days_from_civil((first_month + 12) / 12, (first_month + 12) % 12 + 1, 1) * 86400);
    q.metrics[q.nmetrics++] = kpi_metric_find("revenue_won");
    q.by[q.nby++] = DIM_MONTH;
    kpi_result r;
    emb_code rc = kpi_run(d->snap, &q, ex, a, &r, err);
    if (rc)
        return rc;
    d->first_month = first_month;
    memset(d->trend, 0, sizeof d->trend);
    for (int i = 0; i < r.nrows; i++) {
        int k = r.rows[i].key[0] - first_month;
        if (k >= 0 && k < 12)
            d->trend[k] = r.rows[i].values[0].i;
    }
    return EMB_OK;
}

emb_code dashboard_compose(const snapshot *s, int64_t now, dash_params *p, const kpi_filter *scope, const exec *ex,
                           arena *a, dashboard *out, emb_err *err)
{
    memset(out, 0, sizeof *out);
    out->snap = s;
    out->team = p->team;
    out->leader_metric = kpi_metric_find(p->metric ? p->metric : "revenue_won");
    kpi_params kp = {.options = p->options};
    emb_code rc = kpi_request_period(s, now, &kp, p->period, p->from, p->to, NULL, &out->base, &out->days, out->from,
                                     out->to, a, err);
    if (!rc && p->team)
        rc = kpi_request_filter(s, &kp, "team", DIM_TEAM, p->team, &out->base, a, err);
    if (rc) {
        p->bad_key = kp.bad_key;
        return rc;
    }
    out->view = out->base;
    if (scope && out->view.nfilters < DIM__COUNT)
        out->view.filters[out->view.nfilters++] = *scope;
    if ((rc = compose_headline(out, ex, a, err)) || (rc = compose_funnel(out, ex, a, err)))
        return rc;
    if ((rc = kpi_leaderboard(s, out->leader_metric, &out->base, ex, out->days, a, &out->leaders, &out->nleaders,
                              err)))
        return rc;
    if (out->nleaders > 10)
        out->nleaders = 10;
    return compose_trend(out, ex, a, err);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static const char *real_or_null(const kpi_value *v, arena *a)
{
    return v->kind == KV_REAL ? arena_printf(a, "%.10g", v->x) : "null";
}

void dashboard_write_json(FILE *o, const dashboard *d, const char *organisation, arena *a)
{
    const snapshot *s = d->snap;
    fprintf(o, "{\"organisation\": %s, \"period\": {\"from\": \"%s\", \"to\": \"%s\"}, \"currency\": %s,\n",
            kpi_json_string(organisation, a), d->from, d->to, kpi_json_string(s->currency, a));
    fputs("\"headline\": [", o);
    for (int m = 0; m < DASH_HEADLINE; m++) {
        const dash_headline *h = &d->headline[m];
        const char *val = kpi_value_data_text(s, &h->main, a);
        fprintf(o, "%s\n  {\"metric\": \"%s\", \"value\": %s, \"change_rel\": %s, \"attainment\": %s}", m ? "," : "",
                kpi_metric_name(h->metric), val ? val : "null", real_or_null(&h->change_rel, a),
                real_or_null(&h->attainment, a));
    }
    fputs("\n],\n\"funnel\": [", o);
    for (int i = 0; i < d->nfunnel; i++)
        fprintf(o, "%s\n  {\"stage\": %s, \"reached\": %lld, \"conversion\": %s}", i ? "," : "",
                kpi_json_string(kpi_dim_label(s, DIM_STAGE, d->funnel[i].stage, a), a),
                (long long)d->funnel[i].reached, real_or_null(&d->funnel[i].conversion, a));
    fputs("\n],\n\"leaderboard\": [", o);
    const char *mname = kpi_metric_name(d->leader_metric);
    for (int i = 0; i < d->nleaders; i++) {
        const kpi_leader *l = &d->leaders[i];
        kpi_value main = kpi_value_main(d->leader_metric, &l->value);
        const char *val = kpi_value_data_text(s, &main, a);
        fprintf(o, "%s\n  {\"rank\": %s, \"rep\": %s, %s: %s, \"attainment\": %s, \"previous_rank\": %s}",
                i ? "," : "", l->rank ? arena_printf(a, "%d", l->rank) : "null",
                kpi_json_string(kpi_dim_label(s, DIM_REP, l->rep, a), a), kpi_json_string(mname, a),
                val ? val : "null", real_or_null(&l->attainment, a),
                l->previous_rank ? arena_printf(a, "%d", l->previous_rank) : "null");
    }
    fputs("\n],\n\"trend\": [", o);
    for (int k = 0; k < 12; k++)
        fprintf(o, "%s{\"month\": \"%s\", \"revenue_won\": %s}", k ? ", " : "",
                kpi_dim_label(s, DIM_MONTH, d->first_month + k, a), value_format_money(d->trend[k], s->currency, a));
    fputs("]\n}\n", o);
}
