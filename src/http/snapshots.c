/* snapshots.c - the server's snapshot kept up with the database; see snapshots.h. */
#include "http/snapshots.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "metrics/snapshot_current.h"

struct http_snaps {
    snap_current *cur;
    char *db_path;
    pthread_mutex_t build_lock; /* held by the one request rebuilding */
    atomic_llong last_build_us;
    atomic_llong builds;
};

http_snaps *http_snaps_new(const char *db_path)
{
    http_snaps *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    if (!(h->db_path = strdup(db_path)) || !(h->cur = snap_current_new(NULL))) {
        free(h->db_path);
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->build_lock, NULL);
    return h;
}

void http_snaps_free(http_snaps *h)
{
    if (!h)
        return;
    snap_current_free(h->cur);
    pthread_mutex_destroy(&h->build_lock);
    free(h->db_path);
    free(h);
}

static int64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Under build_lock: makes the current snapshot st's as it is now, unless another
 * request did so meanwhile. */
static emb_code rebuild(http_snaps *h, store *st, int64_t generation, emb_err *err)
{
    const snapshot *s = snapshot_acquire(h->cur);
    int current = s && s->generation >= generation;
    snapshot_release(h->cur, s);
    if (current)
        return EMB_OK;
    int64_t t0 = now_us();
    snapshot *next;
    int rebuilt;
    emb_code rc = snapshot_open(st, h->db_path, &next, &rebuilt, err);
    if (rc)
        return rc;
    snap_current_swap(h->cur, next);
    atomic_store(&h->last_build_us, now_us() - t0);
    atomic_fetch_add(&h->builds, 1);
    return EMB_OK;
}

emb_code http_snaps_acquire(http_snaps *h, store *st, const snapshot **out, emb_err *err)
{
    int64_t generation = store_generation(st);
    const snapshot *s = snapshot_acquire(h->cur);
    if (s && s->generation >= generation) {
        *out = s;
        return EMB_OK;
    }
    emb_code rc = EMB_OK;
    if (!s) { /* nothing to answer from yet: wait for the build */
        pthread_mutex_lock(&h->build_lock);
        rc = rebuild(h, st, generation, err);
        pthread_mutex_unlock(&h->build_lock);
    } else if (pthread_mutex_trylock(&h->build_lock) == 0) {
        snapshot_release(h->cur, s);
        s = NULL;
        rc = rebuild(h, st, generation, err);
        pthread_mutex_unlock(&h->build_lock);
    } else { /* another request rebuilds: answer from the one we hold */
        *out = s;
        return EMB_OK;
    }
    if (rc) {
        snapshot_release(h->cur, s);
        return rc;
    }
    if (!(*out = snapshot_acquire(h->cur)))
        return emb_err_set(err, EMB_INTERNAL, _("no snapshot of the database"));
    return EMB_OK;
}

void http_snaps_release(http_snaps *h, const snapshot *s) { snapshot_release(h->cur, s); }

int64_t http_snaps_generation(http_snaps *h)
{
    const snapshot *s = snapshot_acquire(h->cur);
    int64_t generation = s ? s->generation : -1;
    snapshot_release(h->cur, s);
    return generation;
}

int64_t http_snaps_last_build_us(http_snaps *h) { return atomic_load(&h->last_build_us); }

int64_t http_snaps_builds(http_snaps *h) { return atomic_load(&h->builds); }
