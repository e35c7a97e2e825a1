/*
 * engine.c - grouping and evaluation of metrics over the snapshot; see engine.h.
 *
 * Metrics are grouped in families that share one scan: a family accumulates per
 * group (one group per combination of dimension values), and each metric of the
 * family projects its value from the accumulators.
 */
#include "metrics/engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/engine_internal.h"
#include "metrics/registry.h"

static const char *const dim_names[] = {
#define X(id, name, help) name,
    KPI_DIMENSIONS(X)
#undef X
};
static const char *const dim_helps[] = {
#define X(id, name, help) help,
    KPI_DIMENSIONS(X)
#undef X
};

const char *kpi_dim_name(kpi_dim d) { return (unsigned)d < DIM__COUNT ? dim_names[d] : "?"; }
const char *kpi_dim_help(kpi_dim d) { return (unsigned)d < DIM__COUNT ? dim_helps[d] : "?"; }

int kpi_dim_find(const char *name)
{
    for (int d = 0; d < DIM__COUNT; d++)
        if (!strcmp(dim_names[d], name))
            return d;
    return -1;
}

/* ---- dimension values -------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int32_t eng_time_bucket(const snapshot *s, kpi_dim d, int64_t instant)
{
    int64_t day = floor_div(tz_utc_to_local(s->zone, instant), 86400);
    int y, m, dd;
    civil_from_days(day, &y, &m, &dd);
    switch (d) {
    case DIM_DAY:
        return (int32_t)day;
    case DIM_WEEK:
        return (int32_t)(day - (weekday_of(day) - 1)); /* the ISO week's Monday */
    case DIM_MONTH:
        return y * 12 + (m - 1);
    case DIM_QUARTER:
        return y * 4 + (m - 1) / 3;
    case DIM_YEAR:
        return y;
    default:
        return SNAP_NONE;
    }
}

/* The first instant of a local day that no offset change comes near, so that an
 * instant lies in [t0, t1) exactly when its local day lies in the days between: 1
 * and *day set when t is such a midnight. */
static int clean_midnight(const snapshot *s, int64_t t, int64_t *day)
{
    int64_t from, to;
    tz_offset_span(s->zone, t, &from, &to);
    if (t - from < 2 * 86400 || to - t < 2 * 86400)
        return 0;
    int64_t local = tz_utc_to_local(s->zone, t);
    if (local % 86400 != 0)
        return 0;
    *day = local / 86400;
    return 1;
}


int eng_whole_days(const snapshot *s, int64_t t0, int64_t t1, int64_t *d0, int64_t *d1)
{
    *d0 = INT64_MIN;
    *d1 = INT64_MAX;
    return (t0 == INT64_MIN || clean_midnight(s, t0, d0)) && (t1 == INT64_MAX || clean_midnight(s, t1, d1));
}

int eng_rep_dim(const snapshot *s, int32_t rep, kpi_dim d, int32_t *out)
{
    switch (d) {
    case DIM_REP:
        *out = rep;
        return 1;
    case DIM_TEAM:
        *out = rep >= 0 ? s->users.team[rep] : SNAP_NONE;
        return 1;
    case DIM_REGION:
        *out = rep >= 0 ? s->users.region[rep] : SNAP_NONE;
        return 1;
    default:
        return 0;
    }
}

int eng_party_dim(const snapshot *s, int32_t rep, int32_t acc, kpi_dim d, int32_t *out)
{
    switch (d) {
    case DIM_REP:
        *out = rep;
        return 1;
    case DIM_TEAM:
        *out = rep >= 0 ? s->users.team[rep] : SNAP_NONE;
        return 1;
    case DIM_ACCOUNT:
        *out = acc;
        return 1;
    case DIM_SEGMENT:
        *out = acc >= 0 ? s->accounts.segment[acc] : SNAP_NONE;
        return 1;
    case DIM_INDUSTRY:
        *out = acc >= 0 ? s->accounts.industry[acc] : SNAP_NONE;
        return 1;
    default:
        return 0;
    }
}

int32_t eng_deal_dim(const snapshot *s, size_t i, kpi_dim d, int64_t event)
{
    const snap_deals *dl = &s->deals;
    int32_t rep = dl->close_owner[i], acc = dl->account[i], v;
    if (eng_party_dim(s, rep, acc, d, &v))
        return v;
    switch (d) {
    case DIM_REGION: {
        int32_t r = rep >= 0 ? s->users.region[rep] : SNAP_NONE;
        return r >= 0 ? r : acc >= 0 ? s->accounts.region[acc] : SNAP_NONE;
    }
    case DIM_SOURCE:
        return dl->source[i];
    case DIM_STAGE:
        return dl->stage[i];
    case DIM_PIPELINE:
        return dl->pipeline[i];
    case DIM_PRODUCT:
        return dl->product[i];
    case DIM_CATEGORY:
        return dl->product[i] >= 0 ? s->products.category[dl->product[i]] : SNAP_NONE;
    case DIM_LOST_REASON:
        return dl->lost_reason[i];
    default:
        return eng_time_bucket(s, d, event);
    }
}

/* ---- filters and the run ------------------------------------------------------------ */

int eng_deal_passes(const snapshot *s, const kpi_query *q, size_t i, int64_t event)
{
    for (int f = 0; f < q->nfilters; f++) {
        const kpi_filter *flt = &q->filters[f];
        int32_t v = eng_deal_dim(s, i, flt->dim, event);
        int hit = eng_filter_has(flt, v);
        if (!hit)
            return 0;
    }
    return 1;
}

static int cmp_rows(const void *a, const void *b, void *nby_p)
{
    int nby = *(const int *)nby_p;
    const kpi_row *x = a, *y = b;
    for (int i = 0; i < nby; i++)
        if (x->key[i] != y->key[i])
            return x->key[i] < y->key[i] ? -1 : 1;
    return 0;
}

/* Evaluates a query with derived metrics: their components are evaluated as hidden
 * metrics, then each derived value is computed per row. */
static emb_code run_derived(const snapshot *s, const kpi_query *q, arena *a, kpi_result *out, emb_err *err)
{
    kpi_query base = *q;
    base.nmetrics = 0;
    int where[KPI_MAX_METRICS]; /* index in base of each plain metric of q */
    for (int m = 0; m < q->nmetrics; m++) {
        const char *const *parts = reg_components(q->metrics[m]);
        const char *single[] = {kpi_metric_name(q->metrics[m]), NULL};
        for (const char *const *c = parts ? parts : single; *c; c++) {
            const kpi_metric *cm = kpi_metric_find(*c);
            int k = 0;
            while (k < base.nmetrics && base.metrics[k] != cm)
                k++;
            if (k == base.nmetrics) {
                if (base.nmetrics == KPI_MAX_METRICS)
                    return emb_err_set(err, EMB_USAGE, _("too many metrics at once"));
                base.metrics[base.nmetrics++] = cm;
            }
            if (!parts)
                where[m] = k;
        }
    }
    kpi_result r;
    emb_code rc = kpi_run(s, &base, a, &r, err);
    if (rc)
        return rc;
    out->nrows = r.nrows;
    out->rows = r.rows;
    for (int i = 0; i < r.nrows; i++) {
        kpi_value *values = arena_calloc(a, (size_t)q->nmetrics, sizeof *values);
        if (!values)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        for (int m = 0; m < q->nmetrics; m++) {
            const char *const *parts = reg_components(q->metrics[m]);
            if (!parts) {
                values[m] = r.rows[i].values[where[m]];
                continue;
            }
            kpi_value comp[8];
            int n = 0;
            for (const char *const *c = parts; *c && n < 8; c++, n++) {
                int k = 0;
                while (base.metrics[k] != kpi_metric_find(*c))
                    k++;
                comp[n] = r.rows[i].values[k];
            }
            values[m] = reg_derive(q->metrics[m], comp, s, q, r.rows[i].key);
        }
        out->rows[i].values = values;
    }
    return EMB_OK;
}

/* ---- the families of a query, on two threads ------------------------------------------ */

#define TASK_ACTIVITIES (-1) /* the one pass of every activity family */

/* The families of one query as tasks that the calling thread and a helper thread
 * claim in turn; each task writes only its own families' results. */
typedef struct {
    const snapshot *s;
    const kpi_query *q;
    const int *used;
    eng_family_result *fams;
    int tasks[FAM__COUNT];
    int ntasks;
    atomic_int next, failed;
    emb_code rc[2];
    emb_err err[2];
} family_pool;

static void pool_work(family_pool *p, int worker)
{
    for (;;) {
        int t = atomic_fetch_add(&p->next, 1);
        if (t >= p->ntasks || atomic_load(&p->failed))
            return;
        int f = p->tasks[t];
        emb_code rc = f == TASK_ACTIVITIES ? eng_eval_activities(p->s, p->q, p->used, p->fams, &p->err[worker])
                                           : eng_family_eval((eng_family)f, p->s, p->q, &p->fams[f], &p->err[worker]);
        if (rc) {
            p->rc[worker] = rc;
            atomic_store(&p->failed, 1);
            return;
        }
    }
}

static void *pool_thread(void *arg)
{
    pool_work(arg, 1);
    return NULL;
}

/* Evaluates every family with used[f] into fams[f]. The activity pass (usually the
 * longest) is claimed first; with two tasks or more a second thread shares them
 * (without one, if it cannot be started, the calling thread does them all). */
static emb_code eval_families(const snapshot *s, const kpi_query *q, const int *used, eng_family_result *fams,
                              emb_err *err)
{
    family_pool p = {.s = s, .q = q, .used = used, .fams = fams};
    atomic_init(&p.next, 0);
    atomic_init(&p.failed, 0);
    int activities = 0;
    for (int f = FAM_ACT_TIME; f <= FAM_ACT_OVERDUE; f++)
        activities |= used[f];
    if (activities)
        p.tasks[p.ntasks++] = TASK_ACTIVITIES;
    for (int f = 0; f < FAM__COUNT; f++)
        if (used[f] && (f < FAM_ACT_TIME || f > FAM_ACT_OVERDUE))
            p.tasks[p.ntasks++] = f;
    pthread_t helper;
    int threaded = p.ntasks > 1 && pthread_create(&helper, NULL, pool_thread, &p) == 0;
    pool_work(&p, 0);
    if (threaded)
        pthread_join(helper, NULL);
    for (int w = 0; w < 2; w++)
        if (p.rc[w]) {
            *err = p.err[w];
            return p.rc[w];
        }
    return EMB_OK;
}

/* 1 when the family of m adds up money or quantities (whichever of its metrics
 * is asked): its totals are exact, and its additions defined, only when the
 * snapshot's sums are (snapshot.h). */
static int adds_money(const kpi_metric *m)
{
    switch (eng_metric_family(m)) {
    case FAM_CLOSED: case FAM_CREATED: case FAM_LINES: case FAM_OPEN_AT: case FAM_WATERFALL: case FAM_STALE:
    case FAM_SLIPPED: case FAM_SPEND: case FAM_GOALS: case FAM_DERIVED:
        return 1;
    default:
        return 0;
    }
}

emb_code kpi_run(const snapshot *s, const kpi_query *q, arena *a, kpi_result *out, emb_err *err)
{
    memset(out, 0, sizeof *out);
    for (int m = 0; m < q->nmetrics; m++)
        if ((!s->nexact || !s->exact[0]) && adds_money(q->metrics[m]))
            return emb_err_set(err, EMB_INVALID,
                               _("cannot compute %s exactly: the amounts stored add up to more than 2^61 minor "
                                 "units, beyond what a total can hold; correct the amounts beyond 10^12 minor units "
                                 "(the most embudo takes) or the exchange rates that inflate them"),
                               kpi_metric_name(q->metrics[m]));
    for (int m = 0; m < q->nmetrics; m++) {
        int need = kpi_metric_required_dim(q->metrics[m]), found = need < 0;
        for (int b = 0; b < q->nby && !found; b++)
            found = q->by[b] == (kpi_dim)need;
        if (!found)
            return emb_err_set(err, EMB_USAGE, _("metric '%s' is broken down by %s: add --by %s"),
                               kpi_metric_name(q->metrics[m]), kpi_dim_name((kpi_dim)need),
                               kpi_dim_name((kpi_dim)need));
        for (int b = 0; b < q->nby; b++)
            if (!kpi_metric_has_dim(q->metrics[m], q->by[b]))
                return emb_err_set(err, EMB_USAGE, _("metric '%s' cannot be broken down by '%s'"),
                                   kpi_metric_name(q->metrics[m]), kpi_dim_name(q->by[b]));
        for (int f = 0; f < q->nfilters; f++)
            if (!kpi_metric_has_dim(q->metrics[m], q->filters[f].dim))
                return emb_err_set(err, EMB_USAGE, _("metric '%s' cannot be filtered by '%s'"),
                                   kpi_metric_name(q->metrics[m]), kpi_dim_name(q->filters[f].dim));
    }
    for (int m = 0; m < q->nmetrics; m++)
        if (kpi_metric_is_derived(q->metrics[m]))
            return run_derived(s, q, a, out, err);
    /* Evaluate each family once; collect every group key seen by any family. */
    eng_family_result fams[FAM__COUNT];
    memset(fams, 0, sizeof fams);
    emb_code rc = EMB_OK;
    int used[FAM__COUNT] = {0};
    for (int m = 0; m < q->nmetrics; m++)
        used[eng_metric_family(q->metrics[m])] = 1;
    if ((rc = eval_families(s, q, used, fams, err)))
        goto done;
    /* Union of the families' keys, one row each (with no dimension, one row). */
    size_t total = 0;
    for (int f = 0; f < FAM__COUNT; f++)
        total += fams[f].groups.n;
    out->rows = arena_calloc(a, total + 1, sizeof *out->rows);
    eng_groups rowmap;
    if (!out->rows || eng_groups_init(&rowmap, q->nby, sizeof(int32_t))) {
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    if (q->nby == 0) {
        out->nrows = 1;
        memset(out->rows[0].key, 0xff, sizeof out->rows[0].key);
    }
    for (int f = 0; f < FAM__COUNT && q->nby > 0 && !rc; f++)
        for (size_t g = 0; g < fams[f].groups.n; g++) {
            const int32_t *key = &fams[f].groups.keys[g * KPI_MAX_BY];
            size_t before = rowmap.n;
            int32_t *row = eng_group(&rowmap, key);
            if (!row) {
                rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                break;
            }
            if (rowmap.n > before) {
                *row = out->nrows;
                memcpy(out->rows[out->nrows++].key, key, sizeof out->rows[0].key);
            }
        }
    for (int r = 0; r < out->nrows && !rc; r++) {
        out->rows[r].values = arena_calloc(a, (size_t)q->nmetrics, sizeof(kpi_value));
        if (!out->rows[r].values)
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    for (int m = 0; m < q->nmetrics && !rc; m++) {
        eng_family f = eng_metric_family(q->metrics[m]);
        for (int r = 0; r < out->nrows; r++)
            out->rows[r].values[m] = eng_metric_empty(q->metrics[m]);
        for (size_t g = 0; g < fams[f].groups.n && !rc; g++) {
            const int32_t *row = q->nby ? eng_group(&rowmap, &fams[f].groups.keys[g * KPI_MAX_BY]) : NULL;
            rc = eng_metric_project(q->metrics[m], &fams[f], g, &out->rows[row ? *row : 0].values[m], err);
        }
    }
    eng_groups_free(&rowmap);
    if (!rc && out->nrows > 1) {
        int nby = q->nby;
        qsort_r(out->rows, (size_t)out->nrows, sizeof *out->rows, cmp_rows, &nby);
    }
done:
    for (int f = 0; f < FAM__COUNT; f++)
        eng_family_free(&fams[f]);
    return rc;
}
