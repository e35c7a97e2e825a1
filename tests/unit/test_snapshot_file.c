/*
 * test_snapshot_file.c - the persisted snapshot: written, mapped, found stale
 * after a write transaction, and damaged files refused (then rebuilt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "demo/demo.h"
#include "kpi_testlib.h"
#include "metrics/snapshot.h"

static char db[128], snap_path[160];

static int setup(void **state)
{
    (void)state;
    snprintf(db, sizeof db, "/tmp/embudo-snapfile-%d.db", (int)getpid());
    snprintf(snap_path, sizeof snap_path, "%s.snapshot", db);
    unlink(db);
    unlink(snap_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(db);
    unlink(snap_path);
    return 0;
}

static void add_won_deal(store *st, int64_t amount)
{
    arena a;
    arena_init(&a, 0);
    emb_err err;
    int64_t won;
    assert_int_equal(store_record_resolve(st, kind_find("stages"), "Won", 0, &won, &err), EMB_OK);
    change_ctx ctx = {.now = 1700000000};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    kt_insert(st, &a, "deals", &ctx, 5, (const char *[]){"title", "stage", "created", "closed", "amount"},
              (int64_t[]){0, won, 1690000000, 1695000000, amount}, (const char *[]){"D", NULL, NULL, NULL, NULL});
    assert_int_equal(store_commit(st, &err), EMB_OK);
    arena_release(&a);
}

static int64_t revenue(const snapshot *s)
{
    kpi_query q;
    memset(&q, 0, sizeof q);
    q.metrics[q.nmetrics++] = kpi_metric_find("revenue_won");
    q.t0 = INT64_MIN;
    q.t1 = INT64_MAX;
    arena a;
    arena_init(&a, 0);
    kpi_result r;
    emb_err err;
    assert_int_equal(kpi_run(s, &q, &a, &r, &err), EMB_OK);
    int64_t v = r.rows[0].values[0].i;
    arena_release(&a);
    return v;
}

static void open_maps_then_notices_staleness(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    add_won_deal(st, 1234);
    snapshot *s;
    int rebuilt;
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 1); /* no file yet */
    assert_null(s->map);
    assert_int_equal(revenue(s), 1234);
    snapshot_free(s);
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 0); /* mapped */
    assert_non_null(s->map);
    assert_int_equal(revenue(s), 1234);
    snapshot_free(s);
    add_won_deal(st, 1000); /* a write transaction makes the file stale */
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 1);
    assert_int_equal(revenue(s), 2234);
    snapshot_free(s);
    store_close(st);
    /* Another database at the same path, at the same generation, is not this one. */
    unlink(db);
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    add_won_deal(st, 7);
    add_won_deal(st, 7);
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 1);
    assert_int_equal(revenue(s), 14);
    snapshot_free(s);
    store_close(st);
}

static void damaged_files_are_refused_and_rebuilt(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    add_won_deal(st, 500);
    snapshot *s;
    int rebuilt;
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    snapshot_free(s);
    /* Truncate the file to half. */
    FILE *f = fopen(snap_path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(snap_path, size / 2), 0);
    assert_int_equal(snapshot_map(snap_path, &s, &err), EMB_CORRUPT);
    assert_null(s);
    /* Garbage of the right size. */
    f = fopen(snap_path, "wb");
    for (long i = 0; i < size; i++)
        fputc((int)(i * 31 % 251), f);
    fclose(f);
    assert_int_equal(snapshot_map(snap_path, &s, &err), EMB_CORRUPT);
    /* snapshot_open falls back to a rebuild and replaces the file. */
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 1);
    assert_int_equal(revenue(s), 500);
    snapshot_free(s);
    assert_int_equal(snapshot_map(snap_path, &s, &err), EMB_OK);
    assert_int_equal(revenue(s), 500);
    snapshot_free(s);
    assert_int_equal(snapshot_map("/nonexistent/x.snapshot", &s, &err), EMB_NOT_FOUND);
    store_close(st);
}

static char *slurp(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)*size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)*size, f), (size_t)*size);
    fclose(f);
    return buf;
}

/* The activities are read in chunks of the id space shared by two threads; the
 * snapshot must not depend on it. Activity ids are spread (negative to large, most
 * chunks empty, some with one row) so that many chunks are read. */
static void parallel_and_serial_builds_agree(void **state)
{
    (void)state;
    demo_params p;
    demo_params_default(&p);
    p.deals = 600;
    p.now = 1767225600; /* 2026-01-01 */
    emb_err err;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_OK);
    demo_stats stats;
    assert_int_equal(demo_create(db, &p, 1, &stats, &err), EMB_OK);
    assert_true(stats.activities > 1000);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "UPDATE activities SET id = (id - 500) * 100003", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    store *st;
    assert_int_equal(store_open(db, 0, &st, &err), EMB_OK);
    snapshot *serial, *parallel;
    assert_int_equal(snapshot_build_with(st, SNAP_BUILD_SERIAL, &serial, &err), EMB_OK);
    assert_int_equal(snapshot_build_with(st, SNAP_BUILD_PARALLEL, &parallel, &err), EMB_OK);
    assert_int_equal(parallel->activities.n, (size_t)stats.activities);
    char other[200];
    snprintf(other, sizeof other, "%s.serial", snap_path);
    assert_int_equal(snapshot_write(serial, other, &err), EMB_OK);
    assert_int_equal(snapshot_write(parallel, snap_path, &err), EMB_OK);
    long n1, n2;
    char *a = slurp(other, &n1), *b = slurp(snap_path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, (size_t)n1);
    free(a);
    free(b);
    unlink(other);
    /* Day order: the instant each activity sorts by never decreases. */
    const snap_activities *acts = &parallel->activities;
    int64_t last_day = INT64_MIN;
    for (size_t i = 0; i < acts->n; i++) {
        int64_t t = acts->done[i] != SNAP_OPEN_INSTANT ? acts->done[i] : acts->due[i];
        if (t == SNAP_OPEN_INSTANT)
            continue;
        int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
        assert_true(day >= last_day);
        last_day = day;
    }
    snapshot_free(serial);
    snapshot_free(parallel);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_maps_then_notices_staleness, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_files_are_refused_and_rebuilt, setup, teardown),
        cmocka_unit_test_setup_teardown(parallel_and_serial_builds_agree, setup, teardown),
    };
    return cmocka_run_group_tests_name("snapshot_file", tests, NULL, NULL);
}
