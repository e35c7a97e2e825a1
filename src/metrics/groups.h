/*
 * groups.h - the group table every family of the engine accumulates into: a map
 * from a key of nby dimension values (int32_t, -1 for none) to an accumulator of
 * acc_size bytes, created zeroed on first use. Groups are numbered 0..n-1 in order
 * of first appearance; their keys and accumulators lie in arrays indexed by that
 * number (keys: KPI_MAX_BY per group, unused dimensions -1).
 *
 * With at most one dimension and keys from -1 to 2^22 - 2 a direct table maps a
 * key to its group (the common case: --by rep, --by stage); otherwise an
 * open-addressing hash table does.
 *
 * Ownership: eng_groups_init() allocates, eng_groups_free() frees everything and
 * leaves the table zeroed. Pointers returned into accumulators stay valid until the
 * next group is created (the arrays may move). Not safe for concurrent writers;
 * readers may share a table no one writes.
 */
#ifndef EMB_GROUPS_H
#define EMB_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/engine.h"

typedef struct {
    int nby;
    size_t acc_size;
    size_t n, room, cap;
    int32_t *slots;       /* cap entries: group index or -1 */
    int32_t *keys;        /* KPI_MAX_BY per group, unused dimensions -1 */
    unsigned char *accs;  /* acc_size per group */
    int32_t *dense;       /* nby <= 1: group index + 1 by key + 1 (0: none), a direct table
                             instead of hashing for the common one-dimension case */
    size_t dense_n;
} eng_groups;

/* An empty table for keys of nby dimensions (0..KPI_MAX_BY); -1 when out of memory. */
int eng_groups_init(eng_groups *g, int nby, size_t acc_size);
void eng_groups_free(eng_groups *g);
/* The accumulator of key, or NULL when the group does not exist. */
const void *eng_group_find(const eng_groups *g, const int32_t *key);
/* The accumulator of key, created zeroed when new; NULL when out of memory. */
void *eng_group_slow(eng_groups *g, const int32_t *key);
/* The same, with the lookup of a group already in the direct table inlined. */
static inline void *eng_group(eng_groups *g, const int32_t *key)
{
    if (g->nby <= 1) {
        size_t k = g->nby ? (size_t)((int64_t)key[0] + 1) : 0; /* key -1 (none) is slot 0 */
        if (k < g->dense_n && g->dense[k])
            return g->accs + (size_t)(g->dense[k] - 1) * g->acc_size;
    }
    return eng_group_slow(g, key);
}

#endif
