/*
 * test_snapshot_current.c - the current snapshot and its readers
 * (metrics/snapshot_current.h): a reader keeps the snapshot it acquired, valid,
 * across swaps until it releases it; readers after a swap get the new one; a
 * replaced snapshot is freed by its last release, or at once when nobody reads it
 * (AddressSanitizer fails the test on a read after free, a double free or a leak);
 * and four threads acquiring and releasing while snapshots are swapped under them.
 *
 * The snapshots are built from a company that grows by one deal between builds, so
 * each is told apart by its number of deals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "kpi_testlib.h"
#include "metrics/snapshot_current.h"

static char path[128];
static store *st;
static int64_t owner;

/* Adds one deal and builds a snapshot of the company as it is then. */
static snapshot *grow_and_build(void)
{
    arena a;
    arena_init(&a, 0);
    emb_err err;
    change_ctx ctx = {.now = 1767225600}; /* 2026-01-01 */
    int64_t stage;
    assert_int_equal(store_record_resolve(st, kind_find("stages"), "Proposal", 0, &stage, &err), EMB_OK);
    assert_int_equal(store_begin(st, &err), EMB_OK);
    assert_true(kt_insert(st, &a, "deals", &ctx, 5, (const char *[]){"title", "owner", "created", "stage", "amount"},
                          (int64_t[]){0, owner, ctx.now, stage, 1000}, (const char *[]){"deal", NULL, NULL, NULL, NULL}) > 0);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    arena_release(&a);
    snapshot *s;
    assert_int_equal(snapshot_build(st, &s, &err), EMB_OK);
    return s;
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/embudo-snap-current-%d.db", (int)getpid());
    unlink(path);
    emb_err err;
    assert_int_equal(store_open(path, STORE_CREATE, &st, &err), EMB_OK);
    arena a;
    arena_init(&a, 0);
    change_ctx ctx = {.now = 1767225600};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    owner = kt_insert(st, &a, "users", &ctx, 1, (const char *[]){"name"}, NULL, (const char *[]){"Ana"});
    assert_int_equal(store_commit(st, &err), EMB_OK);
    arena_release(&a);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(st);
    unlink(path);
    return 0;
}

static void readers_across_a_swap(void **state)
{
    (void)state;
    snap_current *c = snap_current_new(NULL);
    assert_non_null(c);
    assert_null(snapshot_acquire(c)); /* nothing current yet */
    snapshot *first = grow_and_build();
    size_t n1 = first->deals.n;
    snap_current_swap(c, first);
    const snapshot *a = snapshot_acquire(c), *a2 = snapshot_acquire(c);
    assert_ptr_equal(a, first);
    assert_ptr_equal(a2, first);
    snapshot *second = grow_and_build();
    size_t n2 = second->deals.n;
    assert_int_equal(n2, n1 + 1);
    snap_current_swap(c, second);
    /* the old readers keep theirs, whole; a new reader gets the new one */
    const snapshot *b = snapshot_acquire(c);
    assert_ptr_equal(b, second);
    assert_int_equal(a->deals.n, n1);
    assert_int_equal(a->deals.id[n1 - 1], first->deals.id[n1 - 1]);
    snapshot_release(c, a);
    assert_int_equal(a2->deals.n, n1); /* one reader left: still there */
    snapshot_release(c, a2);           /* the last: freed now */
    assert_int_equal(b->deals.n, n2);
    /* a swap when nobody reads the current one frees it at once */
    snapshot_release(c, b);
    snapshot *third = grow_and_build();
    snap_current_swap(c, third);
    const snapshot *t = snapshot_acquire(c);
    assert_ptr_equal(t, third);
    assert_int_equal(t->deals.n, n2 + 1);
    /* a reader still holding one when the holder is swapped twice */
    snap_current_swap(c, grow_and_build());
    snap_current_swap(c, grow_and_build());
    assert_int_equal(t->deals.n, n2 + 1);
    snapshot_release(c, t);
    snapshot_release(c, NULL); /* nothing */
    const snapshot *last = snapshot_acquire(c);
    assert_int_equal(last->deals.n, n2 + 3);
    snapshot_release(c, last);
    snap_current_free(c); /* frees the current one */
}

typedef struct {
    snap_current *c;
    atomic_int stop;
    size_t min_deals;
    atomic_long reads, bad; /* cmocka's checks are for the main thread: the readers count */
} race;

static void *reader(void *arg)
{
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        const snapshot *s = snapshot_acquire(r->c);
        if (!s) {
            atomic_fetch_add(&r->bad, 1);
            continue;
        }
        /* read it whole while others swap: every deal has its id */
        size_t n = s->deals.n, ok = n >= r->min_deals;
        for (size_t i = 0; i < n; i++)
            ok &= s->deals.id[i] > 0;
        snapshot_release(r->c, s);
        atomic_fetch_add(ok ? &r->reads : &r->bad, 1);
    }
    return NULL;
}

static void readers_on_threads(void **state)
{
    (void)state;
    snapshot *s = grow_and_build();
    race r = {.c = snap_current_new(s), .min_deals = s->deals.n};
    assert_non_null(r.c);
    atomic_init(&r.stop, 0);
    atomic_init(&r.reads, 0);
    atomic_init(&r.bad, 0);
    pthread_t t[4];
    for (int k = 0; k < 4; k++)
        assert_int_equal(pthread_create(&t[k], NULL, reader, &r), 0);
    for (int k = 0; k < 10; k++)
        snap_current_swap(r.c, grow_and_build());
    while (atomic_load(&r.reads) < 100)
        usleep(1000);
    atomic_store(&r.stop, 1);
    for (int k = 0; k < 4; k++)
        pthread_join(t[k], NULL);
    assert_int_equal(atomic_load(&r.bad), 0);
    const snapshot *now = snapshot_acquire(r.c);
    assert_int_equal(now->deals.n, r.min_deals + 10);
    snapshot_release(r.c, now);
    snap_current_free(r.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readers_across_a_swap),
        cmocka_unit_test(readers_on_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
