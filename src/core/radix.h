/*
 * radix.h - a stable sort of 64-bit unsigned keys (LSD radix, a byte per pass,
 * skipping the bytes every key shares), optionally carrying a 32-bit value with
 * each key. Allocates its scratch space and frees it before returning.
 */
#ifndef EMB_RADIX_H
#define EMB_RADIX_H

#include <stddef.h>
#include <stdint.h>

/* Sorts key[0..n) ascending, moving val[i] (when val is not NULL) with key[i];
 * equal keys keep their order. 0, or -1 when out of memory (arrays unchanged). */
int radix_sort_u64(uint64_t *key, uint32_t *val, size_t n);

/* A signed instant (or any int64) as a key that sorts the same way unsigned. */
static inline uint64_t radix_key_i64(int64_t v) { return (uint64_t)v ^ ((uint64_t)1 << 63); }
/* The int64 back from such a key. */
static inline int64_t radix_i64(uint64_t key) { return (int64_t)(key ^ ((uint64_t)1 << 63)); }

#endif
