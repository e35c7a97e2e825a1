/*
 * snapshots.h - the server's analytics snapshot, kept up with the database.
 *
 * Each metric request acquires the current snapshot through
 * http_snaps_acquire(). When the database's generation has moved past it (a
 * write by the server or by another process), the request catches it up
 * (snapshot_catch_up: the deals the change log names, applied copy-on-write in a
 * few milliseconds) and publishes the result (snap_current_swap) before
 * answering, so a request sees every write committed before it began. Catch-ups
 * run one at a time; a request that arrives during one waits for it. Changes a
 * catch-up cannot apply need a rebuild: when the last one took under a quarter of
 * a second, the request makes it (and sees every write); otherwise a background
 * thread makes it (from the snapshot file when it is current, else from the
 * store) while requests go on answering from the snapshot they find. When there
 * is no snapshot yet, a request waits for the first one. The same thread writes the current snapshot
 * to the snapshot file (db_path + ".snapshot", for the CLI and the next start)
 * once it has not changed for two seconds (at most every 30 s), and once more
 * when the holder is freed if it is stale: never on a request's path.
 *
 * Ownership: http_snaps_new() allocates the holder and starts its thread,
 * http_snaps_free() stops and joins it (waiting for a rebuild or write in
 * progress) and frees the holder (every acquired snapshot released before).
 * Acquire and release are safe from any thread; a snapshot acquired stays valid
 * until it is released.
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
/* The same for catch-ups. */
int64_t http_snaps_last_catch_up_us(http_snaps *h);
int64_t http_snaps_catch_ups(http_snaps *h);

#endif
