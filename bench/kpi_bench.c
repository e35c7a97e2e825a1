/*
 * kpi_bench.c - figures of the KPI engine on a database (see docs/performance.md).
 *
 * usage: kpi_bench DB [RUNS] [REFERENCE_RUNS]
 * Prints one line per benchmark:
 *   NAME: median X ms (runs: ...), reference median Y ms, ratio Z
 * where the reference is the same query run by the metrics' reference SQL in
 * SQLite, in the same process, and the ratio is reference / engine. The period is
 * the last whole quarter before the newest deal; the engine runs on a snapshot
 * built in this process (the CLI maps the persisted one instead).
 * Environment: KPI_BENCH_ONLY=NAME runs one benchmark (for profiling);
 * KPI_BENCH_NO_REF="NAME ..." skips those benchmarks' reference SQL;
 * KPI_BENCH_REF_SKIP="metric,..." leaves those metrics out of every reference run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/period.h"
#include "metrics/compare.h"
#include "metrics/reference.h"
#include "metrics/snapshot.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

typedef struct {
    store *st;
    snapshot *snap;
    int runs, ref_runs;
} bench;

/* Runs q (and its previous-period comparison when compare) runs times on the
 * engine and ref_runs times by reference SQL; prints the line. */
static void time_query(bench *b, const char *name, const kpi_query *q, period_range days, int compare)
{
    const char *only = getenv("KPI_BENCH_ONLY"); /* for profiling one benchmark */
    if (only && *only && strcmp(only, name))
        return;
    double t[64], r[64];
    emb_err err;
    int nref = 0;
    const exec ex = exec_threads(2); /* as the CLI */
    for (int i = 0; i < b->runs; i++) {
        arena a;
        arena_init(&a, 0);
        kpi_result res;
        kpi_value *other;
        double t0 = now_ms();
        if (kpi_run(b->snap, q, &ex, &a, &res, &err) ||
            (compare && kpi_compare_run(b->snap, q, &ex, KPI_COMPARE_PREVIOUS, days, &res, &a, &other, &err))) {
            printf("%s: FAILED: %s\n", name, err.msg);
            arena_release(&a);
            return;
        }
        t[i] = now_ms() - t0;
        arena_release(&a);
    }
    const char *no_ref = getenv("KPI_BENCH_NO_REF"); /* names whose reference SQL is too slow to wait for */
    int ref_runs = no_ref && strstr(no_ref, name) ? 0 : b->ref_runs;
    /* KPI_BENCH_REF_SKIP="name,...": metrics left out of the reference run (their SQL
     * takes too long at this size); the line says how many of the query's ran. */
    const char *skip = getenv("KPI_BENCH_REF_SKIP");
    kpi_query refq = *q;
    refq.nmetrics = 0;
    for (int m = 0; m < q->nmetrics; m++) {
        const char *mname = kpi_metric_name(q->metrics[m]);
        size_t len = strlen(mname);
        int skipped = 0;
        for (const char *p = skip; p && *p && !skipped; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
            skipped = !strncmp(p, mname, len) && (p[len] == ',' || p[len] == '\0');
        if (kpi_metric_has_reference(q->metrics[m]) && !skipped)
            refq.metrics[refq.nmetrics++] = q->metrics[m];
    }
    for (int i = 0; i < ref_runs; i++, nref++) {
        arena a;
        arena_init(&a, 0);
        kpi_result res;
        double t0 = now_ms();
        int bad = kpi_reference_run(b->st, b->snap, &refq, &a, &res, &err);
        if (!bad && compare) { /* the previous period too, as the engine did */
            kpi_query prev = refq;
            period_range pd = period_previous(days);
            prev.t0 = tz_local_to_utc(b->snap->zone, pd.from * 86400);
            prev.t1 = tz_local_to_utc(b->snap->zone, pd.to * 86400);
            bad = kpi_reference_run(b->st, b->snap, &prev, &a, &res, &err);
        }
        r[i] = now_ms() - t0;
        arena_release(&a);
        if (bad) {
            printf("%s: reference FAILED: %s\n", name, err.msg);
            return;
        }
    }
    double me = median(t, b->runs);
    printf("%s: median %.2f ms (runs:", name, me);
    for (int i = 0; i < b->runs && i < 9; i++)
        printf(" %.2f", t[i]);
    if (nref) {
        double mr = median(r, nref);
        printf("), reference median %.0f ms (%d runs, %d of the %d metrics), ratio %.0f\n", mr, nref, refq.nmetrics,
               q->nmetrics, mr / (me > 0 ? me : 1e-3));
    } else {
        printf("), no reference run\n");
    }
    fflush(stdout);
}

static void add(kpi_query *q, const char *name)
{
    const kpi_metric *m = kpi_metric_find(name);
    if (m)
        q->metrics[q->nmetrics++] = m;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: kpi_bench DB [RUNS] [REFERENCE_RUNS]\n");
        return 2;
    }
    bench b = {.runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 7, .ref_runs = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 1};
    if (b.runs < 1 || b.runs > 64 || b.ref_runs < 0 || b.ref_runs > 64) {
        fprintf(stderr, "kpi_bench: RUNS 1..64, REFERENCE_RUNS 0..64\n");
        return 2;
    }
    emb_err err;
    if (store_open(argv[1], STORE_READONLY, &b.st, &err)) {
        fprintf(stderr, "kpi_bench: %s\n", err.msg);
        return 1;
    }
    long rss0 = rss_kb();
    double builds[8];
    int nbuilds = getenv("KPI_BENCH_ONLY") && *getenv("KPI_BENCH_ONLY") ? 1 : 3;
    for (int i = 0; i < 3; i++) {
        if (i >= nbuilds) {
            builds[i] = builds[0];
            continue;
        }
        if (b.snap)
            snapshot_free(b.snap);
        double t0 = now_ms();
        if (snapshot_build(b.st, &b.snap, &err)) {
            fprintf(stderr, "kpi_bench: %s\n", err.msg);
            return 1;
        }
        builds[i] = now_ms() - t0;
    }
    printf("snapshot_build: median %.2f s (runs: %.2f %.2f %.2f), %zu deals, %zu history rows, %zu activities, "
           "%zu order lines, resident memory %.0f MB (%.0f MB for the snapshot)\n",
           median(builds, 3) / 1e3, builds[0] / 1e3, builds[1] / 1e3, builds[2] / 1e3, b.snap->deals.n,
           b.snap->history.n, b.snap->activities.n, b.snap->lines.n, rss_kb() / 1024.0, (rss_kb() - rss0) / 1024.0);
    fflush(stdout);

    /* The last whole quarter before the newest deal. */
    int64_t newest = 0;
    for (size_t i = 0; i < b.snap->deals.n; i++)
        if (b.snap->deals.created[i] > newest)
            newest = b.snap->deals.created[i];
    int y, m, d;
    civil_from_days(newest / 86400, &y, &m, &d);
    int qn = y * 4 + (m - 1) / 3 - 1;
    period_range days = {days_from_civil(qn / 4, (qn % 4) * 3 + 1, 1),
                         days_from_civil((qn + 1) / 4, ((qn + 1) % 4) * 3 + 1, 1)};
    kpi_query q;
    memset(&q, 0, sizeof q);
    q.t0 = tz_local_to_utc(b.snap->zone, days.from * 86400);
    q.t1 = tz_local_to_utc(b.snap->zone, days.to * 86400);
    q.as_of = q.t1 - 1;
    char from[11], to[11];
    date_format_iso(days.from, from);
    date_format_iso(days.to, to);
    printf("period: [%s, %s)\n", from, to);

    /* The dashboard: every metric that breaks down by rep (all of them but those that
     * need another breakdown, such as stage conversion by stage), by rep, with the
     * previous period. */
    kpi_query dash = q;
    dash.nby = 1;
    dash.by[0] = DIM_REP;
    for (const kpi_metric *const *mm = kpi_metrics(); *mm; mm++)
        if (kpi_metric_has_dim(*mm, DIM_REP) && kpi_metric_required_dim(*mm) < 0 && dash.nmetrics < KPI_MAX_METRICS)
            dash.metrics[dash.nmetrics++] = *mm;
    printf("dashboard: %d metrics by rep with the previous period\n", dash.nmetrics);
    time_query(&b, "dashboard", &dash, days, 1);

    kpi_query filt = q;
    add(&filt, "revenue");
    filt.nfilters = 2;
    filt.filters[0] = (kpi_filter){.dim = DIM_PRODUCT, .nvalues = 1, .values = {0}};
    filt.filters[1] = (kpi_filter){.dim = DIM_REGION, .nvalues = 1, .values = {0}};
    time_query(&b, "revenue_product_region", &filt, days, 0);

    kpi_query series = q;
    add(&series, "revenue_won");
    series.t0 = tz_local_to_utc(b.snap->zone, (days.to - 36 * 365 / 12) * 86400);
    series.nby = 1;
    series.by[0] = DIM_MONTH;
    time_query(&b, "revenue_won_36_months", &series, days, 0);

    kpi_query asof = q;
    add(&asof, "open_pipeline");
    add(&asof, "weighted_pipeline");
    asof.as_of = q.t0 - 90 * 86400;
    asof.nby = 1;
    asof.by[0] = DIM_STAGE;
    time_query(&b, "pipeline_as_of_by_stage", &asof, days, 0);

    kpi_query wf = q;
    add(&wf, "pipeline_waterfall");
    time_query(&b, "pipeline_waterfall", &wf, days, 0);

    snapshot_free(b.snap);
    store_close(b.st);
    return 0;
}
