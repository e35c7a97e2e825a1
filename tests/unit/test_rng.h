/* test_rng.h - a seeded random generator for the differential tests (splitmix64):
 * the same seed gives the same sequence everywhere, so a failure names its seed. */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s;
} rng;

static inline uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A number in [0, n). */
static inline int64_t below(rng *r, int64_t n) { return (int64_t)(next(r) % (uint64_t)n); }

/* One of the n texts of v. */
static inline const char *pick(rng *r, const char *const *v, int n) { return v[below(r, n)]; }

#endif
