/*
 * engine.c - grouping and evaluation of metrics over the snapshot; see engine.h.
 *
 * Metrics are grouped in families that share one scan: a family accumulates per
 * group (one group per combination of dimension values), and each metric of the
 * family projects its value from the accumulators. The families are a table
 * (families.h) that this file drives; they lie below it.
 */
#include "metrics/engine.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/families.h"

/* ---- the run ------------------------------------------------------------------------ */

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
static emb_code run_derived(const snapshot *s, const kpi_query *q, const exec *ex, arena *a, kpi_result *out,
                            emb_err *err)
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
    emb_code rc = kpi_run(s, &base, ex, a, &r, err);
    if (rc)
        return rc;
    out->nrows = r.nrows;
    out->rows = r.rows;
    reg_derive_ctx dc;
    reg_derive_begin(&dc, s, q);
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
            values[m] = reg_derive(&dc, q->metrics[m], comp, r.rows[i].key);
        }
        out->rows[i].values = values;
    }
    return EMB_OK;
}

/* ---- the families of a query, as tasks of the caller's executor ------------------------ */

/* The families of one query as tasks of a batch; each task writes only its own
 * families' results and its own error. A task is a family: evaluated alone, or
 * with the others of its pass. Once a task fails, those not yet begun are skipped. */
typedef struct {
    const snapshot *s;
    const kpi_query *q;
    const int *used;
    eng_family_result *fams;
    int tasks[FAM__COUNT];
    int ntasks;
    atomic_int failed;
    emb_code rc[FAM__COUNT];
    emb_err err[FAM__COUNT];
} family_batch;

static void family_task(void *ctx, size_t t)
{
    family_batch *b = ctx;
    if (atomic_load(&b->failed))
        return;
    int f = b->tasks[t];
    const eng_family_desc *d = eng_family_of((eng_family)f);
    b->rc[t] = d->pass ? d->pass(b->s, b->q, b->used, b->fams, &b->err[t]) : d->eval(b->s, b->q, &b->fams[f], &b->err[t]);
    if (b->rc[t])
        atomic_store(&b->failed, 1);
}

/* Evaluates every family with used[f] into fams[f] as one batch of ex. The shared
 * passes (the activities', usually the longest) come first, each once. The error
 * reported is that of the first failed task. */
static emb_code eval_families(const snapshot *s, const kpi_query *q, const exec *ex, const int *used,
                              eng_family_result *fams, emb_err *err)
{
    family_batch b = {.s = s, .q = q, .used = used, .fams = fams};
    atomic_init(&b.failed, 0);
    for (int shared = 1; shared >= 0; shared--)
        for (int f = 0; f < FAM__COUNT; f++) {
            const eng_family_desc *d = eng_family_of((eng_family)f);
            if (!used[f] || !d->pass != !shared || (!d->pass && !d->eval))
                continue;
            int seen = 0; /* a pass is one task for all its families */
            for (int t = 0; t < b.ntasks && d->pass; t++)
                seen |= eng_family_of((eng_family)b.tasks[t])->pass == d->pass;
            if (!seen)
                b.tasks[b.ntasks++] = f;
        }
    exec_run(ex, family_task, &b, (size_t)b.ntasks);
    for (int t = 0; t < b.ntasks; t++)
        if (b.rc[t]) {
            *err = b.err[t];
            return b.rc[t];
        }
    return EMB_OK;
}

/* The engine as the goals family sees it: a sub-query runs inline on the thread of
 * the task that asks (a task waiting on tasks of a bounded pool could wait forever). */
static emb_code run_inline(const snapshot *s, const kpi_query *q, arena *a, kpi_result *out, emb_err *err)
{
    return kpi_run(s, q, NULL, a, out, err);
}

emb_code kpi_run(const snapshot *s, const kpi_query *q, const exec *ex, arena *a, kpi_result *out, emb_err *err)
{
    memset(out, 0, sizeof *out);
    for (int m = 0; m < q->nmetrics; m++)
        if ((!s->nexact || !s->exact[0]) && eng_family_of(eng_metric_family(q->metrics[m]))->adds_money)
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
            return run_derived(s, q, ex, a, out, err);
    /* Evaluate each family once; collect every group key seen by any family. */
    eng_family_result fams[FAM__COUNT];
    memset(fams, 0, sizeof fams);
    emb_code rc = EMB_OK;
    int used[FAM__COUNT] = {0};
    for (int m = 0; m < q->nmetrics; m++)
        used[eng_metric_family(q->metrics[m])] = 1;
    for (int f = 0; f < FAM__COUNT; f++)
        fams[f] = (eng_family_result){.snap = s, .query = q, .run = run_inline};
    if ((rc = eval_families(s, q, ex, used, fams, err)))
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
        eng_family_of((eng_family)f)->free(&fams[f]);
    return rc;
}
