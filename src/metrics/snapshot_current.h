/*
 * snapshot_current.h - the current snapshot of a process, shared by the queries
 * that run at once. A reader acquires the snapshot current at that moment and
 * releases it when done; a writer publishes a newer one with snap_current_swap(),
 * atomically for readers: one that acquires after the swap gets the new snapshot,
 * one that acquired before keeps the old one valid until it releases it. A
 * snapshot is freed when it is no longer current and its last reader has released
 * it. The CLI acquires once per command; a server once per request.
 *
 * Ownership: the holder takes the snapshots given to snap_current_new() and
 * snap_current_swap() and frees them; a reader never frees what it acquired, it
 * releases it. snap_current_free() frees the current snapshot; every acquired one
 * must have been released before. All calls but snap_current_free() are safe from
 * any thread.
 */
#ifndef EMB_SNAPSHOT_CURRENT_H
#define EMB_SNAPSHOT_CURRENT_H

#include "core/error.h"
#include "metrics/snapshot.h"
#include "store/store.h"

typedef struct snap_current snap_current;

/* A holder whose current snapshot is s (taken; NULL: none yet); NULL when out of
 * memory (s is then freed). */
snap_current *snap_current_new(snapshot *s);

/* The snapshot of the store as snapshot_open() gives it (mapped, else rebuilt), as
 * the current one of a new holder in *out. */
emb_code snap_current_open(store *st, const char *db_path, snap_current **out, int *rebuilt, emb_err *err);

/* Frees the holder and its current snapshot. */
void snap_current_free(snap_current *c);

/* The current snapshot, held for the caller until snapshot_release(); NULL when
 * there is none. Never waits on a build: only on other acquires and releases. */
const snapshot *snapshot_acquire(snap_current *c);

/* Gives back a snapshot from snapshot_acquire() (NULL: nothing). */
void snapshot_release(snap_current *c, const snapshot *s);

/* Makes next (taken) the current snapshot. The one it replaces is freed now when no
 * reader holds it, else by its last snapshot_release(). */
void snap_current_swap(snap_current *c, snapshot *next);

#endif
