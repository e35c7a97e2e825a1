/*
 * groups.c - the group table of the engine; see groups.h.
 */
#include "metrics/groups.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(const int32_t *key, int n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < n; i++)
        h = (h ^ (uint32_t)key[i]) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

int eng_groups_init(eng_groups *g, int nby, size_t acc_size)
{
    memset(g, 0, sizeof *g);
    g->nby = nby;
    g->acc_size = acc_size;
    g->cap = 64;
    g->slots = malloc(g->cap * sizeof *g->slots);
    if (!g->slots)
        return -1;
    memset(g->slots, 0xff, g->cap * sizeof *g->slots);
    return 0;
}

void eng_groups_free(eng_groups *g)
{
    free(g->dense);
    free(g->slots);
    free(g->keys);
    free(g->accs);
    memset(g, 0, sizeof *g);
}

static int groups_rehash(eng_groups *g)
{
    size_t cap = g->cap * 2;
    int32_t *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0xff, cap * sizeof *slots);
    for (size_t i = 0; i < g->n; i++) {
        size_t h = hash_key(&g->keys[i * KPI_MAX_BY], g->nby) & (cap - 1);
        while (slots[h] >= 0)
            h = (h + 1) & (cap - 1);
        slots[h] = (int32_t)i;
    }
    free(g->slots);
    g->slots = slots;
    g->cap = cap;
    return 0;
}

#define DENSE_MAX (1 << 22) /* keys up to this use the direct table */

/* Slot of a one-dimension key in the direct table, or -1 when it does not apply. */
static int64_t dense_slot(const eng_groups *g, const int32_t *key)
{
    if (g->nby > 1)
        return -1;
    int64_t k = g->nby ? (int64_t)key[0] + 1 : 0;
    return k >= 0 && k < DENSE_MAX ? k : -1;
}

/* The hash slot of key (g->cap > 0): the one holding its group, or the empty one
 * where it would go. */
static size_t probe(const eng_groups *g, const int32_t *key)
{
    size_t h = hash_key(key, g->nby) & (g->cap - 1);
    while (g->slots[h] >= 0 &&
           memcmp(&g->keys[(size_t)g->slots[h] * KPI_MAX_BY], key, (size_t)g->nby * sizeof *key) != 0)
        h = (h + 1) & (g->cap - 1);
    return h;
}

const void *eng_group_find(const eng_groups *g, const int32_t *key)
{
    int64_t d = dense_slot(g, key);
    if (d >= 0)
        return (size_t)d < g->dense_n && g->dense[d] ? g->accs + (size_t)(g->dense[d] - 1) * g->acc_size : NULL;
    if (!g->cap)
        return NULL;
    int32_t i = g->slots[probe(g, key)];
    return i >= 0 ? g->accs + (size_t)i * g->acc_size : NULL;
}

/* Appends a new group with key and returns its index, or -1 when out of memory. */
static int64_t groups_append(eng_groups *g, const int32_t *key)
{
    if (g->n == g->room) {
        size_t room = g->room ? g->room * 2 : 16;
        int32_t *keys = realloc(g->keys, room * KPI_MAX_BY * sizeof *keys);
        if (!keys)
            return -1;
        g->keys = keys;
        unsigned char *accs = realloc(g->accs, room * g->acc_size);
        if (!accs)
            return -1;
        g->accs = accs;
        g->room = room;
    }
    size_t i = g->n++;
    memset(&g->keys[i * KPI_MAX_BY], 0xff, KPI_MAX_BY * sizeof *key);
    memcpy(&g->keys[i * KPI_MAX_BY], key, (size_t)g->nby * sizeof *key);
    memset(g->accs + i * g->acc_size, 0, g->acc_size);
    return (int64_t)i;
}

void *eng_group_slow(eng_groups *g, const int32_t *key)
{
    int64_t d = dense_slot(g, key);
    if (d >= 0) {
        if ((size_t)d >= g->dense_n) {
            size_t n = g->dense_n ? g->dense_n : 64;
            while (n <= (size_t)d)
                n *= 2;
            int32_t *dense = realloc(g->dense, n * sizeof *dense);
            if (!dense)
                return NULL;
            memset(dense + g->dense_n, 0, (n - g->dense_n) * sizeof *dense);
            g->dense = dense;
            g->dense_n = n;
        }
        if (!g->dense[d]) {
            int64_t i = groups_append(g, key);
            if (i < 0)
                return NULL;
            g->dense[d] = (int32_t)i + 1;
        }
        return g->accs + (size_t)(g->dense[d] - 1) * g->acc_size;
    }
    if ((g->n + 1) * 2 > g->cap && groups_rehash(g))
        return NULL;
    size_t h = probe(g, key);
    if (g->slots[h] >= 0)
        return g->accs + (size_t)g->slots[h] * g->acc_size;
    int64_t i = groups_append(g, key);
    if (i < 0)
        return NULL;
    g->slots[h] = (int32_t)i;
    return g->accs + (size_t)i * g->acc_size;
}
