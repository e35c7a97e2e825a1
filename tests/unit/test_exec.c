/*
 * test_exec.c - the executors of core/exec.h: every task of a batch runs exactly
 * once (none, one, more tasks than threads, more threads than tasks), inline in
 * order on the calling thread, threaded on more than one thread when there is
 * work for them, and NULL meaning inline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core/exec.h"

typedef struct {
    atomic_int runs[200];
    size_t order[200];  /* inline: the task run k-th */
    atomic_size_t k;
    pthread_t caller;
    atomic_int off_caller; /* tasks run on another thread than the caller's */
    int slow;           /* each task sleeps a little, so the other threads get some */
} batch_log;

static void task(void *ctx, size_t t)
{
    batch_log *b = ctx;
    atomic_fetch_add(&b->runs[t], 1);
    b->order[atomic_fetch_add(&b->k, 1)] = t;
    if (!pthread_equal(pthread_self(), b->caller))
        atomic_fetch_add(&b->off_caller, 1);
    if (b->slow)
        usleep(2000);
}

static void run_batch(const exec *e, batch_log *b, size_t n, int slow)
{
    memset(b, 0, sizeof *b);
    b->caller = pthread_self();
    b->slow = slow;
    exec_run(e, task, b, n);
    for (size_t t = 0; t < n; t++)
        assert_int_equal(atomic_load(&b->runs[t]), 1);
    for (size_t t = n; t < 200; t++)
        assert_int_equal(atomic_load(&b->runs[t]), 0);
    assert_int_equal(atomic_load(&b->k), n);
}

static void inline_runs_in_order(void **state)
{
    (void)state;
    static batch_log b;
    const size_t sizes[] = {0, 1, 7, 200};
    for (int s = 0; s < 4; s++) {
        run_batch(&exec_inline, &b, sizes[s], 0);
        for (size_t t = 0; t < sizes[s]; t++)
            assert_int_equal(b.order[t], t);
        assert_int_equal(atomic_load(&b.off_caller), 0);
        run_batch(NULL, &b, sizes[s], 0); /* NULL: the same */
        for (size_t t = 0; t < sizes[s]; t++)
            assert_int_equal(b.order[t], t);
        assert_int_equal(atomic_load(&b.off_caller), 0);
    }
}

static void threads_run_each_once(void **state)
{
    (void)state;
    static batch_log b;
    const int threads[] = {2, 3, 8, 100};
    const size_t sizes[] = {0, 1, 2, 5, 200};
    for (int k = 0; k < 4; k++) {
        exec e = exec_threads(threads[k]);
        assert_int_equal(e.nthreads, threads[k]);
        for (int s = 0; s < 5; s++)
            run_batch(&e, &b, sizes[s], 0);
    }
    /* one task: no thread is started for it */
    exec two = exec_threads(2);
    run_batch(&two, &b, 1, 0);
    assert_int_equal(atomic_load(&b.off_caller), 0);
    /* slow tasks (0.2 s in all): the helper thread takes some of them */
    run_batch(&two, &b, 100, 1);
    assert_true(atomic_load(&b.off_caller) > 0);
}

static void one_thread_is_inline(void **state)
{
    (void)state;
    static batch_log b;
    exec one = exec_threads(1), none = exec_threads(0);
    run_batch(&one, &b, 20, 0);
    for (size_t t = 0; t < 20; t++)
        assert_int_equal(b.order[t], t);
    run_batch(&none, &b, 20, 0);
    assert_int_equal(atomic_load(&b.off_caller), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inline_runs_in_order),
        cmocka_unit_test(threads_run_each_once),
        cmocka_unit_test(one_thread_is_inline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
