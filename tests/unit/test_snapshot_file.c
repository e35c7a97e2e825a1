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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

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
    char verdict[200];
    snprintf(verdict, sizeof verdict, "%s.verified", snap_path);
    unlink(db);
    unlink(snap_path);
    unlink(verdict);
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
    assert_int_equal(kpi_run(s, &q, NULL, &a, &r, &err), EMB_OK);
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

/* What a snapshot answers, as text: every metric over 2025, alone and by rep
 * where it can be (with the dimension it requires), its status and every row. */
static void kpis_text(const snapshot *s, char *buf, size_t cap)
{
    size_t used = 0;
    const kpi_metric *const *all = kpi_metrics();
    for (int k = 0; all[k]; k++)
        for (int by = 0; by < 2; by++) {
            kpi_query q;
            memset(&q, 0, sizeof q);
            q.metrics[q.nmetrics++] = all[k];
            q.t0 = 1735689600; /* 2025-01-01 */
            q.t1 = 1767225600; /* 2026-01-01 */
            q.as_of = q.t1 - 1;
            int need = kpi_metric_required_dim(all[k]);
            if (need >= 0)
                q.by[q.nby++] = (kpi_dim)need;
            if (by && (!kpi_metric_has_dim(all[k], DIM_REP) || need == DIM_REP))
                continue;
            if (by)
                q.by[q.nby++] = DIM_REP;
            arena a;
            arena_init(&a, 0);
            kpi_result r;
            emb_err err;
            emb_code rc = kpi_run(s, &q, NULL, &a, &r, &err);
            used += (size_t)snprintf(buf + used, cap - used, "%s/%d rc %d:", kpi_metric_name(all[k]), by, (int)rc);
            for (int i = 0; !rc && i < r.nrows && used < cap; i++) {
                char v[256];
                kt_print_value(&r.rows[i].values[0], v, sizeof v);
                used += (size_t)snprintf(buf + used, cap - used, " [%d %d] %s", r.rows[i].key[0], r.rows[i].key[1], v);
            }
            used += (size_t)snprintf(buf + used, cap - used, "\n");
            arena_release(&a);
            assert_true(used < cap);
        }
}

static void write_file(const char *path, const char *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* A small demo company and its snapshot written to snap_path; *want gets its KPIs. */
static store *demo_snapshot(char **orig, long *size, char **want, size_t cap)
{
    demo_params p;
    demo_params_default(&p);
    p.deals = 80;
    p.years = 2;
    p.now = 1767225600; /* 2026-01-01 */
    emb_err err;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_OK);
    demo_stats stats;
    assert_int_equal(demo_create(db, &p, 1, &stats, &err), EMB_OK);
    store *st;
    assert_int_equal(store_open(db, 0, &st, &err), EMB_OK);
    snapshot *fresh;
    assert_int_equal(snapshot_build(st, &fresh, &err), EMB_OK);
    *want = malloc(cap);
    assert_non_null(*want);
    kpis_text(fresh, *want, cap);
    assert_int_equal(snapshot_write(fresh, snap_path, &err), EMB_OK);
    snapshot_free(fresh);
    *orig = slurp(snap_path, size);
    return st;
}

/* Single-bit flips anywhere in the file (header, directory, every column): the
 * damaged file is never used, the snapshot is rebuilt and every KPI equals that
 * of a fresh build. */
static void bit_flips_are_caught_and_rebuilt(void **state)
{
    (void)state;
    enum { CAP = 1 << 20 };
    char *orig, *want;
    long size;
    store *st = demo_snapshot(&orig, &size, &want, CAP);
    char *got = malloc(CAP), *buf = malloc((size_t)size);
    assert_non_null(got);
    assert_non_null(buf);
    snapshot *s;
    int rebuilt;
    emb_err err;
    /* The intact file is used as it is. */
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 0);
    kpis_text(s, got, CAP);
    assert_string_equal(got, want);
    snapshot_free(s);
    /* Bytes 13 apart over the header and directory, then about 150 spread over the body. */
    uint64_t lcg = 12345;
    int flips = 0;
    for (long pos = 0; pos < size; flips++) {
        long at = pos;
        int bit = flips % 8;
        if (pos < 4096) {
            pos += 13;
        } else {
            lcg = lcg * 6364136223846793005u + 1442695040888963407u;
            pos += 1 + (long)((lcg >> 33) % (uint64_t)(size / 75 + 1));
        }
        memcpy(buf, orig, (size_t)size);
        buf[at] = (char)(buf[at] ^ (1 << bit));
        write_file(snap_path, buf, (size_t)size);
        assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
        if (!rebuilt)
            fail_msg("a flip of bit %d at byte %ld of %ld was not caught", bit, at, size);
        kpis_text(s, got, CAP);
        if (strcmp(got, want))
            fail_msg("a flip of bit %d at byte %ld changed the KPIs", bit, at);
        snapshot_free(s);
    }
    assert_true(flips > 400);
    free(buf);
    free(got);
    free(want);
    free(orig);
    store_close(st);
}

/* A file verified once is recorded in DB.snapshot.verified (once it is two
 * seconds old) and not read whole again; a later write to it is still caught. */
static void a_verdict_never_hides_a_later_change(void **state)
{
    (void)state;
    enum { CAP = 1 << 20 };
    char *orig, *want;
    long size;
    store *st = demo_snapshot(&orig, &size, &want, CAP);
    char verdict[200];
    snprintf(verdict, sizeof verdict, "%s.verified", snap_path);
    snapshot *s;
    int rebuilt;
    emb_err err;
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 0);
    snapshot_free(s);
    assert_int_equal(access(verdict, F_OK), -1); /* too fresh to be recorded */
    sleep(3);
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 0);
    snapshot_free(s);
    assert_int_equal(access(verdict, F_OK), 0);
    /* Unchanged: used on the verdict. */
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 0);
    char *got = malloc(CAP);
    assert_non_null(got);
    kpis_text(s, got, CAP);
    assert_string_equal(got, want);
    snapshot_free(s);
    /* A flip written in place afterwards (same inode and size) is caught. */
    FILE *f = fopen(snap_path, "r+b");
    assert_non_null(f);
    fseek(f, size / 2, SEEK_SET);
    fputc(orig[size / 2] ^ 0x10, f);
    fclose(f);
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 1);
    kpis_text(s, got, CAP);
    assert_string_equal(got, want);
    snapshot_free(s);
    unlink(verdict);
    free(got);
    free(want);
    free(orig);
    store_close(st);
}

/* A file whose checksum matches but whose index points outside its dimension
 * (written by a faulty build, or by hand) is refused too. */
static void out_of_range_indices_are_refused(void **state)
{
    (void)state;
    enum { CAP = 1 << 20 };
    char *orig, *want;
    long size;
    store *st = demo_snapshot(&orig, &size, &want, CAP);
    snapshot *s;
    emb_err err;
    assert_int_equal(snapshot_map(snap_path, &s, &err), EMB_OK);
    size_t owner_at = (size_t)((const char *)s->activities.owner - (const char *)s->map);
    size_t status_at = (size_t)((const char *)s->deals.status - (const char *)s->map);
    int32_t users = (int32_t)s->users.n;
    snapshot_free(s);
    const size_t sum_at = 160; /* offsetof(snap_header, checksum) */
    for (int c = 0; c < 3; c++) {
        char *buf = malloc((size_t)size);
        assert_non_null(buf);
        memcpy(buf, orig, (size_t)size);
        if (c < 2) {
            int32_t bad = c == 0 ? users : -2;
            memcpy(buf + owner_at + 4 * sizeof bad, &bad, sizeof bad);
        } else {
            buf[status_at + 3] = 3; /* no such deal status */
        }
        uint64_t zero = 0;
        memcpy(buf + sum_at, &zero, sizeof zero);
        uint64_t sum = XXH3_64bits(buf, (size_t)size);
        memcpy(buf + sum_at, &sum, sizeof sum);
        write_file(snap_path, buf, (size_t)size);
        assert_int_equal(snapshot_map(snap_path, &s, &err), EMB_CORRUPT);
        assert_non_null(strstr(err.msg, "out of range"));
        free(buf);
    }
    /* The same bytes with the checksum recomputed and nothing changed are used. */
    write_file(snap_path, orig, (size_t)size);
    assert_int_equal(snapshot_map(snap_path, &s, &err), EMB_OK);
    snapshot_free(s);
    free(want);
    free(orig);
    store_close(st);
}

/* A FIFO where the snapshot goes is neither opened for reading (it would wait
 * for a writer) nor replaced. */
static void a_fifo_in_its_place_is_ignored(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    add_won_deal(st, 321);
    assert_int_equal(mkfifo(snap_path, 0600), 0);
    snapshot *s;
    assert_int_equal(snapshot_map(snap_path, &s, &err), EMB_CORRUPT);
    int rebuilt;
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 1);
    assert_int_equal(revenue(s), 321);
    snapshot_free(s);
    struct stat sb;
    assert_int_equal(lstat(snap_path, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    store_close(st);
}

/* The PID of a process that has ended. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    return pid;
}

/* Temporary snapshot files of killed processes are removed by the next write;
 * those of live processes stay. */
static void stale_temporary_files_are_removed(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    add_won_deal(st, 9);
    char dead[220], live[220], other[220];
    snprintf(dead, sizeof dead, "%s.%d.tmp", snap_path, (int)dead_pid());
    snprintf(live, sizeof live, "%s.%d.tmp", snap_path, (int)getppid());
    snprintf(other, sizeof other, "%s.%d.tmpx", snap_path, (int)dead_pid());
    write_file(dead, "x", 1);
    write_file(live, "x", 1);
    write_file(other, "x", 1);
    snapshot *s;
    int rebuilt;
    assert_int_equal(snapshot_open(st, db, &s, &rebuilt, &err), EMB_OK);
    assert_int_equal(rebuilt, 1);
    snapshot_free(s);
    assert_int_equal(access(dead, F_OK), -1);
    assert_int_equal(access(live, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0); /* not a name embudo writes */
    unlink(live);
    unlink(other);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_maps_then_notices_staleness, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_files_are_refused_and_rebuilt, setup, teardown),
        cmocka_unit_test_setup_teardown(parallel_and_serial_builds_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(bit_flips_are_caught_and_rebuilt, setup, teardown),
        cmocka_unit_test_setup_teardown(out_of_range_indices_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_verdict_never_hides_a_later_change, setup, teardown),
        cmocka_unit_test_setup_teardown(a_fifo_in_its_place_is_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(stale_temporary_files_are_removed, setup, teardown),
    };
    return cmocka_run_group_tests_name("snapshot_file", tests, NULL, NULL);
}
