/*
 * snapshots.h - the server's analytics snapshot, kept up with the database.
 *
 * Each metric request acquires the current snapshot through
 * http_snapshot_acquire(). When the database's generation has moved past it (a
 * write by the server or by another process), the request that finds it so first
 * rebuilds it (snapshot_open: the snapshot file when it is current, else a build
 * from the store) and swaps it in (snap_current_swap); one rebuild runs at a
 * time, and requests that arrive meanwhile answer from the snapshot they find.
 * Only when there is no snapshot yet does a request wait for the build.
 *
 * Ownership: http_snaps_new() allocates the holder, http_snaps_free() frees it
 * (every acquired snapshot released before). Acquire and release are safe from
 * any thread; a snapshot acquired stays valid until it is released.
 */
#ifndef EMB_HTTP_SNAPSHOTS_H
#define EMB_HTTP_SNAPSHOTS_H

#include <stdint.h>

#include "core/error.h"
#include "metrics/snapshot.h"
#include "store/store.h"

typedef struct http_snaps http_snaps;

/* A holder for the snapshots of the database at db_path (copied); NULL when out
 * of memory. */
http_snaps *http_snaps_new(const char *db_path);
void http_snaps_free(http_snaps *h);

/* The current snapshot, caught up with st's generation as described above, held
 * until http_snaps_release(). */
emb_code http_snaps_acquire(http_snaps *h, store *st, const snapshot **out, emb_err *err);
void http_snaps_release(http_snaps *h, const snapshot *s);

/* The generation of the database the current snapshot reflects, -1 when there is
 * none yet. */
int64_t http_snaps_generation(http_snaps *h);

/* The microseconds the last rebuild took (0: none yet), and how many there were. */
int64_t http_snaps_last_build_us(http_snaps *h);
int64_t http_snaps_builds(http_snaps *h);

#endif
