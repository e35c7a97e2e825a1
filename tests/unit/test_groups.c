/*
 * test_groups.c - the engine's group table (metrics/groups.h) on hand-made keys:
 * no dimension, one dimension through the direct table (the key -1 included) and
 * beyond it, two dimensions through the hash table past several rehashes; groups
 * numbered in order of first appearance, accumulators zeroed and kept, lookups of
 * absent keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "metrics/groups.h"

typedef struct {
    int64_t count, sum;
} acc;

static acc *add(eng_groups *g, const int32_t *key, int64_t v)
{
    acc *a = eng_group(g, key);
    assert_non_null(a);
    a->count++;
    a->sum += v;
    return a;
}

static const acc *group_acc(const eng_groups *g, size_t i) { return (const acc *)(g->accs + i * sizeof(acc)); }

static void empty_table(void **state)
{
    (void)state;
    eng_groups g;
    assert_int_equal(eng_groups_init(&g, 1, sizeof(acc)), 0);
    int32_t key[KPI_MAX_BY] = {3};
    assert_int_equal(g.n, 0);
    assert_null(eng_group_find(&g, key));
    eng_groups_free(&g);
    assert_int_equal(g.n, 0);
    assert_null(g.accs);
}

static void no_dimension(void **state)
{
    (void)state;
    eng_groups g;
    assert_int_equal(eng_groups_init(&g, 0, sizeof(acc)), 0);
    int32_t key[KPI_MAX_BY] = {0};
    add(&g, key, 5);
    add(&g, key, 7);
    assert_int_equal(g.n, 1); /* every fact in the one group */
    const acc *a = eng_group_find(&g, key);
    assert_non_null(a);
    assert_int_equal(a->count, 2);
    assert_int_equal(a->sum, 12);
    eng_groups_free(&g);
}

static void one_dimension(void **state)
{
    (void)state;
    eng_groups g;
    assert_int_equal(eng_groups_init(&g, 1, sizeof(acc)), 0);
    /* facts of reps 4, -1 (none), 4, 0, 4 (1 << 22) + 9 (past the direct table), -1 */
    const int32_t reps[] = {4, -1, 4, 0, (1 << 22) + 9, -1};
    const int64_t amounts[] = {10, 20, 30, 40, 50, 60};
    for (int i = 0; i < 6; i++) {
        int32_t key[KPI_MAX_BY] = {reps[i]};
        add(&g, key, amounts[i]);
    }
    assert_int_equal(g.n, 4);
    /* numbered in order of first appearance: 4, -1, 0, (1 << 22) + 9 */
    const int32_t first[] = {4, -1, 0, (1 << 22) + 9};
    const int64_t count[] = {2, 2, 1, 1}, sum[] = {40, 80, 40, 50};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(g.keys[i * KPI_MAX_BY], first[i]);
        assert_int_equal(g.keys[i * KPI_MAX_BY + 1], -1); /* unused dimensions are -1 */
        assert_int_equal(group_acc(&g, i)->count, count[i]);
        assert_int_equal(group_acc(&g, i)->sum, sum[i]);
        int32_t key[KPI_MAX_BY] = {first[i]};
        assert_ptr_equal(eng_group_find(&g, key), group_acc(&g, i));
    }
    int32_t absent[KPI_MAX_BY] = {5}, absent_far[KPI_MAX_BY] = {(1 << 22) + 10}, below[KPI_MAX_BY] = {-2};
    assert_null(eng_group_find(&g, absent));
    assert_null(eng_group_find(&g, absent_far));
    assert_null(eng_group_find(&g, below));
    eng_groups_free(&g);
}

static void two_dimensions(void **state)
{
    (void)state;
    eng_groups g;
    assert_int_equal(eng_groups_init(&g, 2, sizeof(acc)), 0);
    /* 300 distinct (a, b) pairs, each met (a + 1) times: several rehashes of the
     * 64 first slots; (a, b) and (b, a) are different groups */
    for (int32_t a = 0; a < 20; a++)
        for (int32_t b = 0; b < 15; b++)
            for (int32_t k = 0; k <= a; k++) {
                int32_t key[KPI_MAX_BY] = {a, b};
                add(&g, key, b);
            }
    assert_int_equal(g.n, 300);
    for (int32_t a = 0; a < 20; a++)
        for (int32_t b = 0; b < 15; b++) {
            int32_t key[KPI_MAX_BY] = {a, b};
            const acc *x = eng_group_find(&g, key);
            assert_non_null(x);
            assert_int_equal(x->count, a + 1);
            assert_int_equal(x->sum, (int64_t)(a + 1) * b);
            size_t i = (size_t)(a * 15 + b); /* order of first appearance */
            assert_ptr_equal(x, group_acc(&g, i));
            assert_int_equal(g.keys[i * KPI_MAX_BY], a);
            assert_int_equal(g.keys[i * KPI_MAX_BY + 1], b);
        }
    int32_t absent[KPI_MAX_BY] = {20, 0}, none[KPI_MAX_BY] = {-1, -1};
    assert_null(eng_group_find(&g, absent));
    assert_null(eng_group_find(&g, none));
    add(&g, none, 1); /* -1 is a key like any other */
    assert_int_equal(g.n, 301);
    assert_non_null(eng_group_find(&g, none));
    eng_groups_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_table),
        cmocka_unit_test(no_dimension),
        cmocka_unit_test(one_dimension),
        cmocka_unit_test(two_dimensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
