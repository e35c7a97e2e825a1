/*
 * demo_rng.c - the demo's seeded random numbers: splitmix64 to seed, xoshiro256**
 * to draw (both by Blackman and Vigna, public domain algorithms). Integer maths
 * only, so every machine draws the same numbers.
 */
#include "demo/demo_int.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void demo_rng_init(demo_rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ (stream * 0xd1b54a32d192ed03u);
    uint64_t b = splitmix64(&x);
    x = b + index * 0x9e3779b97f4a7c15u;
    x = splitmix64(&x);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

uint64_t demo_rng_next(demo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Lemire's nearly divisionless method: unbiased. */
uint64_t demo_rng_below(demo_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    unsigned __int128 m = (unsigned __int128)demo_rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (unsigned __int128)demo_rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)demo_rng_below(r, (uint64_t)(hi - lo) + 1);
}

int demo_rng_chance(demo_rng *r, int bp)
{
    if (bp <= 0)
        return 0;
    if (bp >= 10000)
        return 1;
    return demo_rng_below(r, 10000) < (uint64_t)bp;
}

int demo_rng_weighted(demo_rng *r, const int *weights, int n)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += weights[i] > 0 ? weights[i] : 0;
    if (total <= 0)
        return 0;
    int64_t x = (int64_t)demo_rng_below(r, (uint64_t)total);
    for (int i = 0; i < n; i++) {
        if (weights[i] <= 0)
            continue;
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

int64_t demo_rng_spread(demo_rng *r, int64_t mean)
{
    if (mean <= 0)
        return 0;
    int64_t third = mean * 2 / 3;
    return demo_rng_range(r, 0, third) + demo_rng_range(r, 0, third) + demo_rng_range(r, 0, third);
}

uint64_t demo_rng_skewed(demo_rng *r, uint64_t n)
{
    uint64_t a = demo_rng_below(r, n), b = demo_rng_below(r, n);
    return a < b ? a : b;
}
