/* radix.c - the stable radix sort of radix.h. */
#include "core/radix.h"

#include <stdlib.h>
#include <string.h>

int radix_sort_u64(uint64_t *key, uint32_t *val, size_t n)
{
    if (n < 2)
        return 0;
    uint64_t *tk = malloc(n * sizeof *tk);
    uint32_t *tv = val ? malloc(n * sizeof *tv) : NULL;
    if (!tk || (val && !tv)) {
        free(tk);
        free(tv);
        return -1;
    }
    uint64_t *k0 = key;
    uint32_t *v0 = val;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((key[i] >> shift) & 0xff) + 1]++;
        if (count[((key[0] >> shift) & 0xff) + 1] == n)
            continue; /* every key has the same byte here */
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) {
            size_t to = count[(key[i] >> shift) & 0xff]++;
            tk[to] = key[i];
            if (val)
                tv[to] = val[i];
        }
        uint64_t *sk = key;
        key = tk;
        tk = sk;
        uint32_t *sv = val;
        val = tv;
        tv = sv;
    }
    if (key != k0) { /* an odd number of passes: the result is in the scratch arrays */
        memcpy(k0, key, n * sizeof *key);
        if (val)
            memcpy(v0, val, n * sizeof *val);
        tk = key;
        tv = val;
    }
    free(tk);
    free(tv);
    return 0;
}
