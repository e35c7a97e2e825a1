/*
 * test_radix.c - the stable radix sort of core/radix.h: against qsort on random
 * keys (with and without values), stability among equal keys, signed keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/radix.h"

static int cmp_pair(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y; /* [key, original position] */
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* n keys drawn from a range of `span` values (small spans make many equal keys,
 * and keys sharing their high bytes make the sort skip passes). */
static void against_qsort(size_t n, uint64_t span, uint64_t base)
{
    uint64_t *key = malloc(n * sizeof *key), *pairs = malloc(2 * n * sizeof *pairs);
    uint32_t *val = malloc(n * sizeof *val);
    assert_non_null(key);
    assert_non_null(pairs);
    assert_non_null(val);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        key[i] = base + x % span;
        val[i] = (uint32_t)i;
        pairs[2 * i] = key[i];
        pairs[2 * i + 1] = i;
    }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
    assert_int_equal(radix_sort_u64(key, val, n), 0);
    for (size_t i = 0; i < n; i++) {
        assert_true(key[i] == pairs[2 * i]);
        assert_int_equal(val[i], pairs[2 * i + 1]); /* equal keys keep their order */
    }
    free(key);
    free(pairs);
    free(val);
}

static void sorts_like_qsort_and_is_stable(void **state)
{
    (void)state;
    against_qsort(1000, 7, 0);                         /* one pass, many ties */
    against_qsort(5000, 1u << 16, 0);                  /* two passes */
    against_qsort(5000, 1u << 24, 0);                  /* three passes: an odd count */
    against_qsort(3000, UINT64_MAX, 0);                /* every byte */
    against_qsort(3000, 1000, (uint64_t)1 << 62);      /* shared high bytes skipped */
}

static void keys_only_and_signed_values(void **state)
{
    (void)state;
    int64_t v[] = {5, -3, INT64_MIN, 0, INT64_MAX, -3, 1700000000};
    size_t n = sizeof v / sizeof *v;
    uint64_t key[sizeof v / sizeof *v];
    for (size_t i = 0; i < n; i++)
        key[i] = radix_key_i64(v[i]);
    assert_int_equal(radix_sort_u64(key, NULL, n), 0);
    int64_t want[] = {INT64_MIN, -3, -3, 0, 5, 1700000000, INT64_MAX};
    for (size_t i = 0; i < n; i++)
        assert_true(radix_i64(key[i]) == want[i]);
    assert_int_equal(radix_sort_u64(key, NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sorts_like_qsort_and_is_stable),
        cmocka_unit_test(keys_only_and_signed_values),
    };
    return cmocka_run_group_tests_name("radix", tests, NULL, NULL);
}
