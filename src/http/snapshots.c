/* snapshots.c - the server's snapshot kept up with the database; see snapshots.h. */
#include "http/snapshots.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/i18n.h"
#include "metrics/snapshot_current.h"

/* The background thread writes the current snapshot to the snapshot file once
 * it has stayed unchanged this long (a burst of writes is written once), and at
 * most once per PERSIST_EVERY_US (writing a million deals' file takes seconds of
 * disk and checksum); http_snaps_free writes a stale one before the server ends. */
#define PERSIST_QUIET_US 2000000
#define PERSIST_EVERY_US 30000000

/* A rebuild the change log cannot spare is made by the request that needs it
 * when the last one took less than this (a small company: the answer waits a
 * little, but reflects every write); otherwise in the background, while requests
 * answer from the snapshot they find. */
#define SYNC_REBUILD_US 250000

/* The most memory the pool of replaced columns keeps for later catch-ups. */
#define POOL_MAX_BYTES ((size_t)4 << 30)

struct http_snaps {
    snap_current *cur;
    snap_pool *pool;
    char *db_path, *file_path;
    /* lock guards the fields below and serialises catch-ups and swaps; the
     * background thread sleeps on wake. */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int thread_started, stopping, rebuild_wanted, rebuilding;
    int64_t persisted;  /* generation of the snapshot file last written or mapped; -1: none */
    int64_t persisted_us; /* when it was last written */
    int64_t changed_us; /* when the current snapshot was last replaced */
    atomic_llong last_build_us, builds, last_catch_up_us, catch_ups;
};

static int64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int64_t current_generation(http_snaps *h)
{
    const snapshot *s = snapshot_acquire(h->cur);
    int64_t generation = s ? s->generation : -1;
    snapshot_release(h->cur, s);
    return generation;
}

/* Under lock: makes next (taken) current unless the current one is as new. */
static void publish(http_snaps *h, snapshot *next)
{
    if (!next->pool)
        snapshot_use_pool(next, h->pool);
    if (current_generation(h) >= next->generation) {
        snapshot_free(next);
        return;
    }
    snap_current_swap(h->cur, next);
    h->changed_us = now_us();
    pthread_cond_signal(&h->wake);
}

/* The snapshot of st as it is now: the snapshot file when it is current (then
 * *mapped), else a build. */
static emb_code load(http_snaps *h, store *st, snapshot **out, int *mapped, emb_err *err)
{
    *mapped = snapshot_map_current(st, h->file_path, out) == EMB_OK;
    if (*mapped)
        return EMB_OK;
    int64_t t0 = now_us();
    emb_code rc = snapshot_build(st, out, err);
    if (rc == EMB_OK) {
        atomic_store(&h->last_build_us, now_us() - t0);
        atomic_fetch_add(&h->builds, 1);
    }
    return rc;
}

/* The background thread's rebuild, through a connection of its own. */
static void rebuild_in_background(http_snaps *h)
{
    store *st;
    emb_err err;
    snapshot *next = NULL;
    int mapped = 0;
    if (store_open(h->db_path, 0, &st, &err) == EMB_OK) {
        if (load(h, st, &next, &mapped, &err) != EMB_OK)
            next = NULL;
        store_close(st);
    }
    pthread_mutex_lock(&h->lock);
    h->rebuilding = 0;
    if (next) {
        if (mapped)
            h->persisted = next->generation;
        publish(h, next);
    } else {
        fprintf(stderr, "embudo: %s: %s\n", _("rebuilding the analytics snapshot"), err.msg);
    }
}

/* The background thread's write of the current snapshot to the snapshot file,
 * never over something that is not a regular file. */
static void persist(http_snaps *h)
{
    const snapshot *s = snapshot_acquire(h->cur);
    pthread_mutex_unlock(&h->lock);
    struct stat sb;
    emb_err ignored; /* best effort: a directory that cannot be written only costs rebuilds */
    if (s && (lstat(h->file_path, &sb) != 0 || S_ISREG(sb.st_mode)))
        snapshot_write(s, h->file_path, &ignored);
    pthread_mutex_lock(&h->lock);
    h->persisted_us = now_us();
    if (s)
        h->persisted = s->generation; /* even when it failed: not again until it changes */
    snapshot_release(h->cur, s);
}

/* Rebuilds when asked; writes the snapshot file once the current snapshot has
 * been quiet for a while; until stopped. */
static void *background(void *arg)
{
    http_snaps *h = arg;
    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        if (h->rebuild_wanted) {
            h->rebuild_wanted = 0;
            h->rebuilding = 1;
            pthread_mutex_unlock(&h->lock);
            rebuild_in_background(h); /* returns with the lock held */
            continue;
        }
        int64_t generation = current_generation(h), quiet_at = h->changed_us + PERSIST_QUIET_US;
        if (h->persisted_us && quiet_at < h->persisted_us + PERSIST_EVERY_US)
            quiet_at = h->persisted_us + PERSIST_EVERY_US;
        if (generation >= 0 && generation != h->persisted && now_us() >= quiet_at) {
            persist(h);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t wait_us = generation >= 0 && generation != h->persisted ? quiet_at - now_us() : 60000000;
        if (wait_us < 1000)
            wait_us = 1000;
        until.tv_sec += (time_t)(wait_us / 1000000);
        until.tv_nsec += (long)(wait_us % 1000000) * 1000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&h->wake, &h->lock, &until);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

http_snaps *http_snaps_new(const char *db_path)
{
    http_snaps *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    size_t n = strlen(db_path) + 16;
    h->persisted = -1;
    if (!(h->db_path = strdup(db_path)) || !(h->file_path = malloc(n)) || !(h->cur = snap_current_new(NULL)) ||
        !(h->pool = snap_pool_new(POOL_MAX_BYTES))) {
        snap_current_free(h->cur);
        free(h->db_path);
        free(h->file_path);
        free(h);
        return NULL;
    }
    snprintf(h->file_path, n, "%s.snapshot", db_path);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    h->thread_started = pthread_create(&h->thread, NULL, background, h) == 0;
    return h;
}

void http_snaps_free(http_snaps *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stopping = 1;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    if (h->thread_started)
        pthread_join(h->thread, NULL);
    pthread_mutex_lock(&h->lock); /* the last write of a stale file, for the next start */
    if (current_generation(h) >= 0 && current_generation(h) != h->persisted)
        persist(h);
    pthread_mutex_unlock(&h->lock);
    snap_current_free(h->cur);
    snap_pool_release(h->pool);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h->db_path);
    free(h->file_path);
    free(h);
}

/* Under lock: brings the current snapshot (s, acquired) up to generation, by a
 * catch-up when the change log allows it, else by asking the background thread
 * for a rebuild (the current one answers meanwhile). */
static emb_code advance(http_snaps *h, store *st, const snapshot *s, int64_t generation, emb_err *err)
{
    if (s->generation >= generation || h->rebuilding || h->rebuild_wanted)
        return EMB_OK;
    int64_t t0 = now_us();
    snapshot *next;
    emb_code rc = snapshot_catch_up(st, s, &next, err);
    if (rc == EMB_OK) {
        atomic_store(&h->last_catch_up_us, now_us() - t0);
        atomic_fetch_add(&h->catch_ups, 1);
        publish(h, next);
    } else if (rc == EMB_NOT_FOUND) {
        int64_t last = atomic_load(&h->last_build_us);
        if (last > 0 && last < SYNC_REBUILD_US) { /* a small company: cheaper than a stale answer */
            int mapped;
            if ((rc = load(h, st, &next, &mapped, err)) == EMB_OK)
                publish(h, next);
            return rc;
        }
        h->rebuild_wanted = 1;
        pthread_cond_signal(&h->wake);
        rc = EMB_OK;
    }
    return rc;
}

emb_code http_snaps_acquire(http_snaps *h, store *st, const snapshot **out, emb_err *err)
{
    int64_t generation = store_generation(st);
    const snapshot *s = snapshot_acquire(h->cur);
    if (s && s->generation >= generation) {
        *out = s;
        return EMB_OK;
    }
    snapshot_release(h->cur, s);
    emb_code rc = EMB_OK;
    pthread_mutex_lock(&h->lock); /* waits for a catch-up in progress: it may be the one wanted */
    s = snapshot_acquire(h->cur);
    if (!s) { /* nothing to answer from yet: this request loads the first */
        snapshot *first;
        int mapped;
        if ((rc = load(h, st, &first, &mapped, err)) == EMB_OK) {
            if (mapped)
                h->persisted = first->generation;
            publish(h, first);
        }
    } else {
        if (advance(h, st, s, generation, err) != EMB_OK) { /* answer from what there is, and rebuild */
            h->rebuild_wanted = 1;
            pthread_cond_signal(&h->wake);
        }
    }
    snapshot_release(h->cur, s);
    pthread_mutex_unlock(&h->lock);
    if (rc)
        return rc;
    if (!(*out = snapshot_acquire(h->cur)))
        return emb_err_set(err, EMB_INTERNAL, _("no snapshot of the database"));
    return EMB_OK;
}

void http_snaps_release(http_snaps *h, const snapshot *s) { snapshot_release(h->cur, s); }

int64_t http_snaps_generation(http_snaps *h) { return current_generation(h); }

int64_t http_snaps_last_build_us(http_snaps *h) { return atomic_load(&h->last_build_us); }

int64_t http_snaps_builds(http_snaps *h) { return atomic_load(&h->builds); }

int64_t http_snaps_last_catch_up_us(http_snaps *h) { return atomic_load(&h->last_catch_up_us); }

int64_t http_snaps_catch_ups(http_snaps *h) { return atomic_load(&h->catch_ups); }
