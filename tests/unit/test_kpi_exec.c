/*
 * test_kpi_exec.c - a query's results do not depend on the executor its families
 * run on, and pipeline_coverage, a derived metric, by rep and for the whole
 * organisation on a company worked out by hand.
 *
 * Organisation: EUR, Europe/Madrid. The query: March 2026, as of its last second.
 * Goals of revenue_won for 2026-03: organisation 2000.00, Ana 1000.00, Ben 500.00,
 * none for Cleo.
 *   Ana  won 300.00 on 03-05; open 400.00 expected 03-20; open 100.00 expected 04-10
 *   Ben  won 600.00 on 03-10; open 200.00 expected 03-25
 *   Cleo open 50.00 expected 03-15
 * pipeline_expected (open at the instant, expected to close in March): Ana 400.00,
 * Ben 200.00, Cleo 50.00, all 650.00.
 * pipeline_coverage = expected / (goal - won):
 *   Ana  400 / (1000 - 300) = 0.571428...
 *   Ben  goal reached (500 - 600 < 0): null
 *   Cleo no goal: null
 *   all  650 / (2000 - 900) = 0.590909...
 * By team: no rep has one, and the row of no team has the goal of its reps (Ana's
 * and Ben's): 650 / (1500 - 900) = 1.0833... Over all time (goals need a period): null.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/period.h"
#include "kpi_testlib.h"
#include "metrics/snapshot.h"

static char path[128];
static store *st;
static snapshot *snap;
static int64_t ana, ben, cleo;

static int64_t day_at(int m, int d, int hour) { return days_from_civil(2026, m, d) * 86400 + hour * 3600; }

static void deal(arena *a, const char *title, int64_t owner, const char *stage, int64_t closed, int64_t amount,
                 const char *expected)
{
    int64_t stage_id;
    emb_err err;
    assert_int_equal(store_record_resolve(st, kind_find("stages"), stage, 0, &stage_id, &err), EMB_OK);
    change_ctx ctx = {.now = day_at(2, 1, 12)};
    assert_true(kt_insert(st, a, "deals", &ctx, 8,
                          (const char *[]){"title", "owner", "created", "stage", "closed", "amount", "currency",
                                           "expected_close"},
                          (int64_t[]){0, owner, day_at(2, 1, 12), stage_id, closed, amount, 0, expected ? 0 : INT64_MIN},
                          (const char *[]){title, NULL, NULL, NULL, NULL, NULL, "EUR", expected}) > 0);
}

static void goal(arena *a, int64_t rep, int64_t target)
{
    change_ctx ctx = {.now = day_at(2, 1, 12)};
    const char *fields[] = {"metric", "scope", "rep", "period", "from", "to", "target"};
    assert_true(kt_insert(st, a, "goals", &ctx, 7, fields, (int64_t[]){0, 0, rep ? rep : INT64_MIN, 0, 0, 0, target},
                          (const char *[]){"revenue_won", rep ? "rep" : "org", NULL, "2026-03", "2026-03-01",
                                           "2026-04-01", NULL}) > 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/embudo-kpi-exec-%d.db", (int)getpid());
    unlink(path);
    emb_err err;
    assert_int_equal(store_open(path, STORE_CREATE, &st, &err), EMB_OK);
    assert_int_equal(store_exec(st, "UPDATE organisation SET timezone = 'Europe/Madrid', currency = 'EUR'", &err), EMB_OK);
    assert_int_equal(store_reload_org(st, &err), EMB_OK);
    arena a;
    arena_init(&a, 0);
    change_ctx ctx = {.now = day_at(1, 1, 0)};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    ana = kt_insert(st, &a, "users", &ctx, 1, (const char *[]){"name"}, NULL, (const char *[]){"Ana"});
    ben = kt_insert(st, &a, "users", &ctx, 1, (const char *[]){"name"}, NULL, (const char *[]){"Ben"});
    cleo = kt_insert(st, &a, "users", &ctx, 1, (const char *[]){"name"}, NULL, (const char *[]){"Cleo"});
    deal(&a, "A won", ana, "Won", day_at(3, 5, 12), 30000, NULL);
    deal(&a, "A march", ana, "Proposal", INT64_MIN, 40000, "2026-03-20");
    deal(&a, "A april", ana, "Proposal", INT64_MIN, 10000, "2026-04-10");
    deal(&a, "B won", ben, "Won", day_at(3, 10, 12), 60000, NULL);
    deal(&a, "B march", ben, "Negotiation", INT64_MIN, 20000, "2026-03-25");
    deal(&a, "C march", cleo, "Qualification", INT64_MIN, 5000, "2026-03-15");
    goal(&a, 0, 200000);
    goal(&a, ana, 100000);
    goal(&a, ben, 50000);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    arena_release(&a);
    assert_int_equal(snapshot_build(st, &snap, &err), EMB_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    snapshot_free(snap);
    store_close(st);
    unlink(path);
    return 0;
}

/* March 2026 in Madrid, as of its last second. */
static kpi_query march(void)
{
    kpi_query q = {0};
    q.t0 = tz_local_to_utc(snap->zone, days_from_civil(2026, 3, 1) * 86400);
    q.t1 = tz_local_to_utc(snap->zone, days_from_civil(2026, 4, 1) * 86400);
    q.as_of = q.t1 - 1;
    return q;
}

static int32_t user_index(int64_t id)
{
    for (size_t i = 0; i < snap->users.n; i++)
        if (snap->users.id[i] == id)
            return (int32_t)i;
    fail_msg("no user %lld in the snapshot", (long long)id);
    return -1;
}

static const kpi_value *row_value(const kpi_result *r, int32_t key, int m)
{
    for (int i = 0; i < r->nrows; i++)
        if (r->rows[i].key[0] == key)
            return &r->rows[i].values[m];
    return NULL;
}

static void assert_real(const kpi_value *v, double x)
{
    assert_non_null(v);
    assert_int_equal(v->kind, KV_REAL);
    assert_true(fabs(v->x - x) < 1e-12);
}

static void assert_null_value(const kpi_value *v)
{
    assert_non_null(v);
    assert_int_equal(v->kind, KV_NULL);
}

static void coverage_by_rep(void **state)
{
    (void)state;
    const exec two = exec_threads(2);
    const exec *executors[] = {NULL, &two};
    for (int e = 0; e < 2; e++) {
        kpi_query q = march();
        q.metrics[q.nmetrics++] = kpi_metric_find("pipeline_coverage");
        q.metrics[q.nmetrics++] = kpi_metric_find("pipeline_expected");
        q.by[q.nby++] = DIM_REP;
        arena a;
        arena_init(&a, 0);
        kpi_result r;
        emb_err err;
        assert_int_equal(kpi_run(snap, &q, executors[e], &a, &r, &err), EMB_OK);
        assert_real(row_value(&r, user_index(ana), 0), 400.0 / 700.0);
        assert_null_value(row_value(&r, user_index(ben), 0));
        assert_null_value(row_value(&r, user_index(cleo), 0));
        const kpi_value *expected = row_value(&r, user_index(ana), 1);
        assert_non_null(expected);
        assert_int_equal(expected->part[1], 40000);
        assert_int_equal(row_value(&r, user_index(ben), 1)->part[1], 20000);
        assert_int_equal(row_value(&r, user_index(cleo), 1)->part[1], 5000);
        arena_release(&a);
    }
}

static void coverage_of_the_organisation(void **state)
{
    (void)state;
    kpi_query q = march();
    q.metrics[q.nmetrics++] = kpi_metric_find("pipeline_coverage");
    arena a;
    arena_init(&a, 0);
    kpi_result r;
    emb_err err;
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_OK);
    assert_int_equal(r.nrows, 1);
    assert_real(&r.rows[0].values[0], 650.0 / 1100.0);
    /* by team: none of the reps has one; the row of no team has the sum of its reps'
     * goals (Ana's and Ben's): 650 / (1500 - 900) */
    q.by[q.nby++] = DIM_TEAM;
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_OK);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(r.rows[0].key[0], SNAP_NONE);
    assert_real(&r.rows[0].values[0], 650.0 / 600.0);
    /* and none over all time */
    q = march();
    q.metrics[q.nmetrics++] = kpi_metric_find("pipeline_coverage");
    q.t0 = INT64_MIN;
    q.t1 = INT64_MAX;
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_OK);
    assert_null_value(&r.rows[0].values[0]);
    arena_release(&a);
}

/* Every metric that needs no particular breakdown, in one query, by each of a few
 * dimensions: inline and on threads, the same rows and values. */
static void inline_equals_threads(void **state)
{
    (void)state;
    const kpi_dim dims[] = {DIM_REP, DIM_TEAM, DIM_STAGE, DIM_MONTH};
    const exec threads = exec_threads(4);
    for (int d = -1; d < 4; d++) {
        kpi_query q = march();
        for (const kpi_metric *const *m = kpi_metrics(); *m; m++)
            if (kpi_metric_required_dim(*m) < 0 && (d < 0 || kpi_metric_has_dim(*m, dims[d])))
                q.metrics[q.nmetrics++] = *m;
        if (d >= 0)
            q.by[q.nby++] = dims[d];
        assert_true(q.nmetrics > 10);
        arena a;
        arena_init(&a, 0);
        kpi_result one, many;
        emb_err err;
        assert_int_equal(kpi_run(snap, &q, NULL, &a, &one, &err), EMB_OK);
        assert_int_equal(kpi_run(snap, &q, &threads, &a, &many, &err), EMB_OK);
        assert_int_equal(one.nrows, many.nrows);
        assert_true(one.nrows > 0);
        for (int i = 0; i < one.nrows; i++) {
            assert_memory_equal(one.rows[i].key, many.rows[i].key, sizeof one.rows[i].key);
            for (int m = 0; m < q.nmetrics; m++)
                if (!kt_value_equal(&one.rows[i].values[m], &many.rows[i].values[m]))
                    fail_msg("%s, row %d: inline and threaded differ", kpi_metric_name(q.metrics[m]), i);
        }
        arena_release(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coverage_by_rep),
        cmocka_unit_test(coverage_of_the_organisation),
        cmocka_unit_test(inline_equals_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
