/*
 * search.h - the one lower-bound search: binary search over a sorted sequence.
 *
 * A sequence is positions lo..hi-1 whose keys, read through key(ctx, p), never
 * decrease. search_lower() finds where keys reach t, search_upper() where they
 * pass it; the typed helpers read plain columns of int64_t or int32_t. Every
 * caller with another layout (indices into a column, composite keys, fields of
 * structs) gives its own key function: a static function named at the call, which
 * the compiler inlines, so the search costs what a hand-written loop does.
 *
 * Nothing is allocated; the sequence is only read.
 */
#ifndef EMB_SEARCH_H
#define EMB_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/* The key of position p of the sequence that ctx describes. */
typedef int64_t (*search_key_fn)(const void *ctx, size_t p);

/* The first position p in [lo, hi) with key(ctx, p) >= t; hi when there is none. */
static inline size_t search_lower(const void *ctx, search_key_fn key, size_t lo, size_t hi, int64_t t)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key(ctx, mid) < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first position p in [lo, hi) with key(ctx, p) > t; hi when there is none. */
static inline size_t search_upper(const void *ctx, search_key_fn key, size_t lo, size_t hi, int64_t t)
{
    return t == INT64_MAX ? hi : search_lower(ctx, key, lo, hi, t + 1);
}

static inline int64_t search__i64(const void *v, size_t p) { return ((const int64_t *)v)[p]; }
static inline int64_t search__i32(const void *v, size_t p) { return ((const int32_t *)v)[p]; }

/* search_lower / search_upper over the column v (sorted over [lo, hi)). */
static inline size_t search_lower_i64(const int64_t *v, size_t lo, size_t hi, int64_t t)
{
    return search_lower(v, search__i64, lo, hi, t);
}
static inline size_t search_upper_i64(const int64_t *v, size_t lo, size_t hi, int64_t t)
{
    return search_upper(v, search__i64, lo, hi, t);
}
static inline size_t search_lower_i32(const int32_t *v, size_t lo, size_t hi, int64_t t)
{
    return search_lower(v, search__i32, lo, hi, t);
}
static inline size_t search_upper_i32(const int32_t *v, size_t lo, size_t hi, int64_t t)
{
    return search_upper(v, search__i32, lo, hi, t);
}

#endif
