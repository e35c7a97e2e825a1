/*
 * exec.c - the inline and thread executors; see exec.h.
 */
#include "core/exec.h"

#include <pthread.h>
#include <stdatomic.h>

#define EXEC_MAX_THREADS 64

static void run_inline(const exec *e, exec_task_fn fn, void *ctx, size_t n)
{
    (void)e;
    for (size_t t = 0; t < n; t++)
        fn(ctx, t);
}

const exec exec_inline = {.run = run_inline, .nthreads = 1};

/* One batch: the tasks that the threads claim in turn. */
typedef struct {
    exec_task_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;
} batch;

static void claim(batch *b)
{
    for (size_t t; (t = atomic_fetch_add(&b->next, 1)) < b->n;)
        b->fn(b->ctx, t);
}

static void *batch_thread(void *arg)
{
    claim(arg);
    return NULL;
}

static void run_threads(const exec *e, exec_task_fn fn, void *ctx, size_t n)
{
    batch b = {.fn = fn, .ctx = ctx, .n = n};
    atomic_init(&b.next, 0);
    size_t want = (size_t)(e->nthreads > 1 ? e->nthreads : 1);
    if (want > n)
        want = n;
    if (want > EXEC_MAX_THREADS)
        want = EXEC_MAX_THREADS;
    pthread_t helper[EXEC_MAX_THREADS];
    size_t started = 0;
    while (started + 1 < want && pthread_create(&helper[started], NULL, batch_thread, &b) == 0)
        started++;
    claim(&b);
    for (size_t k = 0; k < started; k++)
        pthread_join(helper[k], NULL);
}

exec exec_threads(int nthreads)
{
    return nthreads < 2 ? exec_inline : (exec){.run = run_threads, .nthreads = nthreads};
}

void exec_run(const exec *e, exec_task_fn fn, void *ctx, size_t n)
{
    if (!e)
        e = &exec_inline;
    e->run(e, fn, ctx, n);
}
