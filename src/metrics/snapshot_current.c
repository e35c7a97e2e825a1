/*
 * snapshot_current.c - the current snapshot and its readers; see snapshot_current.h.
 *
 * One mutex guards the holder: acquiring is a pointer read and a count, so readers
 * never wait on a build (a new snapshot is made before the swap, outside the lock).
 * Each snapshot in use has an entry with its count of readers; the current one's
 * entry stays even at zero readers, and a replaced one's goes with its last reader.
 */
#include "metrics/snapshot_current.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/i18n.h"

typedef struct {
    snapshot *snap;
    size_t readers;
} held;

struct snap_current {
    pthread_mutex_t lock;
    snapshot *current;
    held *v; /* the snapshots in use: the current one (when any) and replaced ones still read */
    size_t n, cap;
};

/* The entry of s, or NULL. Under the lock. */
static held *entry_of(snap_current *c, const snapshot *s)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].snap == s)
            return &c->v[i];
    return NULL;
}

/* A new entry for s with no reader; NULL when out of memory. Under the lock. */
static held *entry_add(snap_current *c, snapshot *s)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4;
        held *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return NULL;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n] = (held){.snap = s};
    return &c->v[c->n++];
}

/* Drops entry e, freeing its snapshot. Under the lock. */
static void entry_drop(snap_current *c, held *e)
{
    snapshot_free(e->snap);
    *e = c->v[--c->n];
}

snap_current *snap_current_new(snapshot *s)
{
    snap_current *c = calloc(1, sizeof *c);
    if (!c || pthread_mutex_init(&c->lock, NULL) != 0 || (s && !entry_add(c, s))) {
        if (c)
            free(c->v);
        free(c);
        snapshot_free(s);
        return NULL;
    }
    c->current = s;
    return c;
}

emb_code snap_current_open(store *st, const char *db_path, snap_current **out, int *rebuilt, emb_err *err)
{
    snapshot *s;
    *out = NULL;
    emb_code rc = snapshot_open(st, db_path, &s, rebuilt, err);
    if (rc)
        return rc;
    if (!(*out = snap_current_new(s)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    return EMB_OK;
}

void snap_current_free(snap_current *c)
{
    if (!c)
        return;
    while (c->n)
        entry_drop(c, &c->v[c->n - 1]);
    free(c->v);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

const snapshot *snapshot_acquire(snap_current *c)
{
    pthread_mutex_lock(&c->lock);
    held *e = c->current ? entry_of(c, c->current) : NULL;
    const snapshot *s = NULL;
    if (e) {
        e->readers++;
        s = e->snap; /* read under the lock: entries move when others are dropped */
    }
    pthread_mutex_unlock(&c->lock);
    return s;
}

void snapshot_release(snap_current *c, const snapshot *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&c->lock);
    held *e = entry_of(c, s);
    if (e && e->readers > 0 && --e->readers == 0 && e->snap != c->current)
        entry_drop(c, e);
    pthread_mutex_unlock(&c->lock);
}

void snap_current_swap(snap_current *c, snapshot *next)
{
    pthread_mutex_lock(&c->lock);
    if (next && !entry_of(c, next) && !entry_add(c, next)) {
        /* no memory to hold it: the current one stays */
        pthread_mutex_unlock(&c->lock);
        snapshot_free(next);
        return;
    }
    held *old = c->current ? entry_of(c, c->current) : NULL; /* after entry_add, which may move them */
    c->current = next;
    if (old && old->readers == 0 && old->snap != next)
        entry_drop(c, old);
    pthread_mutex_unlock(&c->lock);
}
