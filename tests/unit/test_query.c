/* test_query.c - filtered cursors, counts, name scans, the reference cache and deal
 * details (store/query.h, store/refcache.h) on a small database built record by record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/query.h"
#include "store/records.h"
#include "store/refcache.h"
#include "store/store.h"

typedef struct {
    char path[256];
    store *st;
    arena a;
    int64_t ana, luis, deal[5];
} fixture;

static int64_t add_user(fixture *fx, const char *ext, const char *name, const char *email)
{
    const kind_def *users = kind_find("users");
    record *r = record_new(&fx->a, users);
    emb_err err;
    change_ctx ctx = {.now = 1700000000};
    if (ext)
        record_set_text(r, kind_field_index(users, "id"), ext);
    record_set_text(r, kind_field_index(users, "name"), name);
    record_set_text(r, kind_field_index(users, "email"), email);
    assert_int_equal(store_record_insert(fx->st, r, &ctx, &err), EMB_OK);
    return r->id;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->path, sizeof fx->path, "/tmp/embudo-test-query-%d.db", (int)getpid());
    unlink(fx->path);
    arena_init(&fx->a, 0);
    emb_err err;
    assert_int_equal(store_open(fx->path, STORE_CREATE, &fx->st, &err), EMB_OK);
    assert_int_equal(store_begin(fx->st, &err), EMB_OK);
    fx->ana = add_user(fx, NULL, "Ana García", "ana@x.com");
    fx->luis = add_user(fx, "U2", "Luis", NULL);
    const kind_def *deals = kind_find("deals");
    /* amounts 100, 500, NULL, 300, 500; owners ana, luis, ana, none, ana */
    static const int64_t amounts[] = {10000, 50000, -1, 30000, 50000};
    static const char *const titles[] = {"Uno", "dos", "Tres", "Cuatro", "Cinco"};
    for (int i = 0; i < 5; i++) {
        record *r = record_new(&fx->a, deals);
        change_ctx ctx = {.now = 1700000000 + i};
        record_set_text(r, kind_field_index(deals, "title"), titles[i]);
        record_set_int(r, kind_field_index(deals, "stage"), 1);
        if (amounts[i] >= 0)
            record_set_int(r, kind_field_index(deals, "amount"), amounts[i]);
        int64_t owner = i == 1 ? fx->luis : i == 3 ? 0 : fx->ana;
        if (owner)
            record_set_int(r, kind_field_index(deals, "owner"), owner);
        assert_int_equal(store_record_insert(fx->st, r, &ctx, &err), EMB_OK);
        fx->deal[i] = r->id;
    }
    assert_int_equal(store_commit(fx->st, &err), EMB_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    store_close(fx->st);
    arena_release(&fx->a);
    char p[300];
    unlink(fx->path);
    snprintf(p, sizeof p, "%s-wal", fx->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", fx->path);
    unlink(p);
    free(fx);
    return 0;
}

/* Runs q and writes the titles of the records, joined with ',', into out. */
static void titles_of(fixture *fx, const store_query *q, char *out, size_t size)
{
    store_query_cursor *c;
    emb_err err;
    assert_int_equal(store_query_open(fx->st, kind_find("deals"), q, &c, &err), EMB_OK);
    record *r;
    size_t n = 0;
    out[0] = '\0';
    int got;
    while ((got = store_query_next(c, &fx->a, &r, &err)) == 1)
        n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "," : "", record_get(r, "title")->s);
    assert_int_equal(got, 0);
    store_query_close(c);
}

static void filters_sort_and_limit(void **state)
{
    fixture *fx = *state;
    const kind_def *deals = kind_find("deals");
    int amount = kind_field_index(deals, "amount"), owner = kind_field_index(deals, "owner");
    char buf[256];

    store_query all = {.sort_field = -1};
    titles_of(fx, &all, buf, sizeof buf);
    assert_string_equal(buf, "Uno,dos,Tres,Cuatro,Cinco");

    query_cond ge = {.field = amount, .op = QOP_GE, .value = {FV_SET, 30000, NULL}};
    store_query q = {.conds = &ge, .nconds = 1, .sort_field = amount, .descending = 1};
    titles_of(fx, &q, buf, sizeof buf);
    assert_string_equal(buf, "dos,Cinco,Cuatro"); /* ties (500) by id */
    q.limit = 2;
    titles_of(fx, &q, buf, sizeof buf);
    assert_string_equal(buf, "dos,Cinco");

    query_cond mine[] = {{.field = owner, .op = QOP_EQ, .value = {FV_SET, fx->ana, NULL}},
                         {.field = amount, .op = QOP_LT, .value = {FV_SET, 50000, NULL}}};
    store_query q2 = {.conds = mine, .nconds = 2, .sort_field = -1};
    titles_of(fx, &q2, buf, sizeof buf); /* NULL amounts never compare */
    assert_string_equal(buf, "Uno");

    query_cond none = {.field = amount, .op = QOP_EQ, .value = {FV_NULL, 0, NULL}};
    store_query q3 = {.conds = &none, .nconds = 1, .sort_field = -1};
    titles_of(fx, &q3, buf, sizeof buf);
    assert_string_equal(buf, "Tres");
    none.op = QOP_NE;
    titles_of(fx, &q3, buf, sizeof buf);
    assert_string_equal(buf, "Uno,dos,Cuatro,Cinco");

    query_cond title = {.field = kind_field_index(deals, "title"), .op = QOP_EQ, .value = {FV_SET, 0, "DOS"}};
    store_query q4 = {.conds = &title, .nconds = 1, .sort_field = -1};
    titles_of(fx, &q4, buf, sizeof buf); /* text equality ignores case */
    assert_string_equal(buf, "dos");

    int64_t count;
    emb_err err;
    assert_int_equal(store_query_count(fx->st, deals, &q2, &count, &err), EMB_OK);
    assert_int_equal(count, 1);
    mine[1].op = QOP_GE;
    assert_int_equal(store_query_count(fx->st, deals, &q2, &count, &err), EMB_OK);
    assert_int_equal(count, 1); /* Cinco */
    store_query q5 = {.conds = mine, .nconds = 1, .sort_field = -1};
    assert_int_equal(store_query_count(fx->st, deals, &q5, &count, &err), EMB_OK);
    assert_int_equal(count, 3);

    query_cond bad = {.field = kind_field_index(deals, "product"), .op = QOP_EQ, .value = {FV_SET, 1, NULL}};
    store_query q6 = {.conds = &bad, .nconds = 1, .sort_field = -1};
    store_query_cursor *c;
    assert_int_equal(store_query_open(fx->st, deals, &q6, &c, &err), EMB_INVALID); /* virtual field */
}

static void refcache_keys_and_labels(void **state)
{
    fixture *fx = *state;
    const kind_def *users = kind_find("users"), *stages = kind_find("stages");
    emb_err err;
    for (int preload = 0; preload < 2; preload++) {
        refcache *keys, *labels;
        assert_int_equal(refcache_new(fx->st, 0, preload ? INT64_MAX : 0, &keys, &err), EMB_OK);
        assert_int_equal(refcache_new(fx->st, 1, preload ? INT64_MAX : 0, &labels, &err), EMB_OK);
        assert_string_equal(refcache_get(keys, users, fx->ana, &err), "#1");
        assert_string_equal(refcache_get(keys, users, fx->luis, &err), "U2");
        assert_string_equal(refcache_get(labels, users, fx->ana, &err), "Ana García");
        assert_string_equal(refcache_get(labels, users, fx->luis, &err), "Luis");
        assert_string_equal(refcache_get(keys, users, 99, &err), "#99"); /* dangling */
        assert_string_equal(refcache_get(keys, users, 99, &err), "#99");
        assert_string_equal(refcache_get(keys, stages, 3, &err), "Proposal"); /* stages by name */
        assert_string_equal(refcache_get(labels, stages, 5, &err), "Won");
        refcache_free(keys);
        refcache_free(labels);
    }
}

static void deal_history_and_products(void **state)
{
    fixture *fx = *state;
    const kind_def *deals = kind_find("deals");
    emb_err err;
    record *u = record_new(&fx->a, deals);
    u->id = fx->deal[0];
    record_set_int(u, kind_field_index(deals, "stage"), 3);
    record_set_int(u, kind_field_index(deals, "amount"), 12345);
    change_ctx ctx = {.now = 1700001000, .author_id = fx->luis};
    assert_int_equal(store_begin(fx->st, &err), EMB_OK);
    assert_int_equal(store_record_update(fx->st, u, &ctx, &err), EMB_OK);
    assert_int_equal(store_commit(fx->st, &err), EMB_OK);

    deal_history_row *h;
    size_t n;
    assert_int_equal(store_deal_history(fx->st, fx->deal[0], &fx->a, &h, &n, &err), EMB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(h[0].at, 1700000000);
    assert_string_equal(h[0].changed, "created");
    assert_int_equal(h[0].stage_id, 1);
    assert_int_equal(h[0].amount, 10000);
    assert_int_equal(h[0].author_id, 0);
    assert_int_equal(h[1].at, 1700001000);
    assert_string_equal(h[1].changed, "stage,amount");
    assert_int_equal(h[1].stage_id, 3);
    assert_int_equal(h[1].amount, 12345);
    assert_int_equal(h[1].author_id, fx->luis);
    assert_int_equal(h[1].owner_id, fx->ana);
    assert_string_equal(h[1].status, "open");
    assert_null(h[1].expected_close);

    assert_int_equal(store_deal_history(fx->st, fx->deal[2], &fx->a, &h, &n, &err), EMB_OK);
    assert_int_equal(n, 1);
    assert_false(h[0].amount_set);

    deal_product_row *p;
    assert_int_equal(store_deal_products(fx->st, fx->deal[0], &fx->a, &p, &n, &err), EMB_OK);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(filters_sort_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(refcache_keys_and_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(deal_history_and_products, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
