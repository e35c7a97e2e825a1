/*
 * snapshot_patch.h - internal to snapshot_patch.c and snapshot_merge.c: applying
 * the changed deals, read into a snapshot of their own, to a clone of the old
 * snapshot (see snapshot_patch.c for the whole of it).
 */
#ifndef EMB_SNAPSHOT_PATCH_H
#define EMB_SNAPSHOT_PATCH_H

#include <stdint.h>

#include "core/error.h"
#include "metrics/snapshot.h"

/* s: a clone of old (snap_clone), given new columns where m's deals change them.
 * m: the changed deals as a snapshot of their own, deals 0..k-1 with their sorted
 * history and first[] (its deal indices are local; this function rewrites them),
 * index[j]: the index of m's deal j in s, ascending; indices from old->deals.n on
 * are new deals, in order. *unknown (and EMB_OK) when the change reaches what
 * this cannot redo (an account's first win, a lead's flags beyond won): s must
 * then be dropped and the snapshot rebuilt. */
emb_code snap_apply_deals(snapshot *s, const snapshot *old, snapshot *m, const uint32_t *index, int *unknown,
                          emb_err *err);

#endif
