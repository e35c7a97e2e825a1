/*
 * exec.h - executors: how the library runs a batch of independent tasks and waits
 * for them, without creating threads of its own choosing. Whoever owns the threads
 * decides: the server hands in its worker pool (an exec whose run submits to it),
 * the CLI a thread executor (exec_threads()), and a caller that wants no threads
 * at all none (NULL, or &exec_inline), which runs the tasks in turn on the calling
 * thread.
 *
 * A batch's tasks may run in any order and at the same time: each must write only
 * its own results. run returns once every task has returned; the executor does
 * not look at what they did (a task records its own failure).
 *
 * Ownership: an exec is a small value the caller keeps for as long as it is used;
 * impl belongs to whoever made the executor. The executors here hold no state
 * between batches and are safe to share between threads.
 */
#ifndef EMB_EXEC_H
#define EMB_EXEC_H

#include <stddef.h>

typedef void (*exec_task_fn)(void *ctx, size_t task);

typedef struct exec exec;
struct exec {
    /* Runs fn(ctx, 0) .. fn(ctx, n - 1) and returns when all have returned. */
    void (*run)(const exec *e, exec_task_fn fn, void *ctx, size_t n);
    void *impl;   /* the executor's own state (a pool), for its run */
    int nthreads; /* exec_threads(): threads of a batch, the calling one included */
};

/* Every task on the calling thread, in order 0 .. n - 1. */
extern const exec exec_inline;

/* An executor that runs a batch on up to nthreads threads, the calling one included:
 * it starts min(nthreads, n) - 1 threads for the batch, and every thread claims the
 * next task until none is left (when a thread cannot be started, the others do its
 * share). nthreads < 2 runs inline. */
exec exec_threads(int nthreads);

/* e's run, or exec_inline's when e is NULL. */
void exec_run(const exec *e, exec_task_fn fn, void *ctx, size_t n);

#endif
