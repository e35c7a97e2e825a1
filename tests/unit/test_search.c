/*
 * test_search.c - the lower-bound search of core/search.h on hand-made sequences:
 * empty, one element, duplicates, every key below or above the target, a
 * sub-range, the extremes of int64_t, and a key read through an index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/search.h"

static void empty(void **state)
{
    (void)state;
    const int64_t *none = NULL;
    assert_int_equal(search_lower_i64(none, 0, 0, 5), 0);
    assert_int_equal(search_upper_i64(none, 0, 0, 5), 0);
    const int64_t v[] = {1, 2, 3};
    assert_int_equal(search_lower_i64(v, 2, 2, 0), 2); /* an empty sub-range answers its start */
}

static void one(void **state)
{
    (void)state;
    const int64_t v[] = {7};
    assert_int_equal(search_lower_i64(v, 0, 1, 6), 0);
    assert_int_equal(search_lower_i64(v, 0, 1, 7), 0);
    assert_int_equal(search_lower_i64(v, 0, 1, 8), 1);
    assert_int_equal(search_upper_i64(v, 0, 1, 6), 0);
    assert_int_equal(search_upper_i64(v, 0, 1, 7), 1);
    assert_int_equal(search_upper_i64(v, 0, 1, 8), 1);
}

static void duplicates(void **state)
{
    (void)state;
    const int64_t v[] = {1, 3, 3, 3, 5, 5, 9};
    /* lower: the first 3; upper: the first after the 3s */
    assert_int_equal(search_lower_i64(v, 0, 7, 3), 1);
    assert_int_equal(search_upper_i64(v, 0, 7, 3), 4);
    assert_int_equal(search_lower_i64(v, 0, 7, 5), 4);
    assert_int_equal(search_upper_i64(v, 0, 7, 5), 6);
    assert_int_equal(search_lower_i64(v, 0, 7, 4), 4); /* between keys: lower and upper agree */
    assert_int_equal(search_upper_i64(v, 0, 7, 4), 4);
    const int32_t w[] = {2, 2, 2, 2};
    assert_int_equal(search_lower_i32(w, 0, 4, 2), 0);
    assert_int_equal(search_upper_i32(w, 0, 4, 2), 4);
}

static void all_below_and_above(void **state)
{
    (void)state;
    const int64_t v[] = {10, 20, 30};
    assert_int_equal(search_lower_i64(v, 0, 3, 31), 3); /* every key below: the end */
    assert_int_equal(search_upper_i64(v, 0, 3, 30), 3);
    assert_int_equal(search_lower_i64(v, 0, 3, 9), 0); /* every key above: the start */
    assert_int_equal(search_upper_i64(v, 0, 3, 9), 0);
    const int32_t w[] = {-5, 0, 5};
    assert_int_equal(search_lower_i32(w, 0, 3, 6), 3);
    assert_int_equal(search_lower_i32(w, 0, 3, -6), 0);
    assert_int_equal(search_lower_i32(w, 0, 3, (int64_t)INT32_MAX + 1), 3); /* a target beyond int32_t */
}

static void sub_range(void **state)
{
    (void)state;
    /* two deals' history instants side by side, each sorted: [0, 3) and [3, 6) */
    const int64_t at[] = {100, 200, 300, 50, 150, 250};
    assert_int_equal(search_upper_i64(at, 0, 3, 200), 2);
    assert_int_equal(search_upper_i64(at, 3, 6, 200), 5);
    assert_int_equal(search_upper_i64(at, 3, 6, 10), 3);
    assert_int_equal(search_lower_i64(at, 3, 6, 1000), 6);
}

static void extremes(void **state)
{
    (void)state;
    const int64_t v[] = {INT64_MIN, 0, INT64_MAX, INT64_MAX};
    assert_int_equal(search_lower_i64(v, 0, 4, INT64_MIN), 0);
    assert_int_equal(search_upper_i64(v, 0, 4, INT64_MIN), 1);
    assert_int_equal(search_lower_i64(v, 0, 4, INT64_MAX), 2);
    assert_int_equal(search_upper_i64(v, 0, 4, INT64_MAX), 4); /* nothing is above INT64_MAX */
}

typedef struct {
    const uint32_t *order;
    const int64_t *instants;
} by_order;

static int64_t instant_at(const void *ctx, size_t p)
{
    const by_order *b = ctx;
    return b->instants[b->order[p]];
}

static void through_an_index(void **state)
{
    (void)state;
    const int64_t instants[] = {40, 10, 30, 10, 20};
    const uint32_t order[] = {1, 3, 4, 2, 0}; /* 10 10 20 30 40 */
    by_order b = {order, instants};
    assert_int_equal(search_lower(&b, instant_at, 0, 5, 10), 0);
    assert_int_equal(search_upper(&b, instant_at, 0, 5, 10), 2);
    assert_int_equal(search_lower(&b, instant_at, 0, 5, 25), 3);
    assert_int_equal(search_lower(&b, instant_at, 0, 5, 41), 5);
    assert_int_equal(search_lower(&b, instant_at, 0, 5, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty),
        cmocka_unit_test(one),
        cmocka_unit_test(duplicates),
        cmocka_unit_test(all_below_and_above),
        cmocka_unit_test(sub_range),
        cmocka_unit_test(extremes),
        cmocka_unit_test(through_an_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
