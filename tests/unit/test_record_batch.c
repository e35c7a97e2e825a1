/* test_record_batch.c - the fast paths of bulk loads: multi-row inserts
 * (store/record_batch.h) write exactly what store_record_insert writes, their ids
 * continue the table's, and rows SQLite refuses are reported one by one while the
 * others are written; with foreign keys off, the check of the rows added after a
 * mark (store/bulk.h) finds a dangling reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/bulk.h"
#include "store/record_batch.h"
#include "store/records.h"
#include "store/store.h"
#include "store_testlib.h"

static char db_a[256], db_b[256];

static int setup(void **state)
{
    (void)state;
    snprintf(db_a, sizeof db_a, "/tmp/embudo-test-batch-a-%d.db", (int)getpid());
    snprintf(db_b, sizeof db_b, "/tmp/embudo-test-batch-b-%d.db", (int)getpid());
    st_remove_db(db_a);
    st_remove_db(db_b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    st_remove_db(db_a);
    st_remove_db(db_b);
    return 0;
}

/* Every row of table, in id order, as text (malloc'ed). */
static char *dump(store *st, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY id", table);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL), SQLITE_OK);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); c++) {
            const char *t = (const char *)sqlite3_column_text(s, c);
            size_t need = len + (t ? strlen(t) : 4) + 3;
            if (need > cap) {
                while (need > cap)
                    cap *= 2;
                out = realloc(out, cap);
                assert_non_null(out);
            }
            len += (size_t)snprintf(out + len, cap - len, "%s%c", t ? t : "NULL", c + 1 < sqlite3_column_count(s) ? '|' : '\n');
        }
    }
    sqlite3_finalize(s);
    return out;
}

typedef struct {
    int64_t won, lost, open, product;
} stages;

static stages prepare(store *st, arena *a, const change_ctx *ctx)
{
    emb_err err;
    stages sg;
    const kind_def *k = kind_find("stages");
    assert_int_equal(store_record_resolve(st, k, "Ganado", 0, &sg.won, &err), EMB_OK);
    assert_int_equal(store_record_resolve(st, k, "Perdido", 0, &sg.lost, &err), EMB_OK);
    assert_int_equal(store_record_resolve(st, k, "proposal", 0, &sg.open, &err), EMB_OK);
    const kind_def *products = kind_find("products");
    record *p = record_new(a, products);
    record_set_text(p, kind_field_index(products, "name"), "Licencia");
    assert_int_equal(store_record_insert(st, p, ctx, &err), EMB_OK);
    sg.product = p->id;
    return sg;
}

/* Deal number i: won, lost or open in turn, every seventh without an amount, every
 * tenth with a product; its text in a, which the caller resets. */
static record *make_deal(arena *a, const stages *sg, int i, const char *ext)
{
    const kind_def *deals = kind_find("deals");
    record *r = record_new(a, deals);
    record_set_text(r, kind_field_index(deals, "id"), ext);
    char title[32];
    snprintf(title, sizeof title, "Trato %d", i);
    record_set_text(r, kind_field_index(deals, "title"), arena_strdup(a, title));
    int64_t created = 1600000000 + (int64_t)i * 3600;
    record_set_int(r, kind_field_index(deals, "created"), created);
    if (i % 7)
        record_set_int(r, kind_field_index(deals, "amount"), (int64_t)i * 1234);
    int64_t stage = i % 3 == 0 ? sg->won : i % 3 == 1 ? sg->lost : sg->open;
    record_set_int(r, kind_field_index(deals, "stage"), stage);
    if (stage != sg->open)
        record_set_int(r, kind_field_index(deals, "closed"), created + 86400 * (i % 30));
    if (i % 10 == 0)
        record_set_int(r, kind_field_index(deals, "product"), sg->product);
    record_set_text(r, kind_field_index(deals, "expected_close"), "2021-06-30");
    return r;
}

typedef struct {
    int calls;
    int64_t tags[8];
    char msg[256];
} rejects;

static void on_reject(void *ud, int64_t tag, const emb_err *why)
{
    rejects *rj = ud;
    if (rj->calls < 8)
        rj->tags[rj->calls] = tag;
    rj->calls++;
    snprintf(rj->msg, sizeof rj->msg, "%s", why->msg);
}

/* 150 deals (batches of 64, 64 and 22) give the same tables as one insert each. */
static void batch_writes_what_insert_writes(void **state)
{
    (void)state;
    enum { N = 150 };
    const char *paths[2] = {db_a, db_b};
    char *tables[2][3];
    const char *names[3] = {"deals", "deal_history", "deal_products"};
    for (int way = 0; way < 2; way++) {
        store *st;
        emb_err err;
        arena a, row;
        arena_init(&a, 0);
        arena_init(&row, 0);
        assert_int_equal(store_open(paths[way], STORE_CREATE, &st, &err), EMB_OK);
        change_ctx ctx = {.now = 1700000000, .bulk = 1};
        assert_int_equal(store_begin(st, &err), EMB_OK);
        stages sg = prepare(st, &a, &ctx);
        record_batch *b = NULL;
        rejects rj = {0};
        if (way == 1)
            assert_int_equal(record_batch_open(st, kind_find("deals"), &ctx, on_reject, &rj, &b, &err), EMB_OK);
        for (int i = 0; i < N; i++) {
            arena_reset(&row);
            char ext[16];
            snprintf(ext, sizeof ext, "D%03d", i);
            record *r = make_deal(&row, &sg, i, ext);
            if (b) {
                assert_int_equal(record_batch_add(b, r, i, &err), EMB_OK);
                assert_int_equal(r->id, i + 1); /* the id the table would have given */
                assert_int_equal(record_batch_pending(b), (size_t)((i + 1) % 64));
            } else {
                assert_int_equal(store_record_insert(st, r, &ctx, &err), EMB_OK);
            }
        }
        if (b) {
            assert_int_equal(record_batch_flush(b, &err), EMB_OK);
            assert_int_equal(record_batch_pending(b), 0);
            assert_int_equal(rj.calls, 0);
            record_batch_free(b);
        }
        assert_int_equal(st_query_int(st, "SELECT count(*) FROM deals"), N);
        /* 100 closed deals have two history rows, 50 open ones one. */
        assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_history"), 250);
        assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_products"), 15);
        for (int t = 0; t < 3; t++)
            tables[way][t] = dump(st, names[t]);
        assert_int_equal(store_commit(st, &err), EMB_OK);
        store_close(st);
        arena_release(&a);
        arena_release(&row);
    }
    for (int t = 0; t < 3; t++) {
        assert_string_equal(tables[0][t], tables[1][t]);
        free(tables[0][t]);
        free(tables[1][t]);
    }
}

/* A duplicate external id makes SQLite refuse the whole statement: its rows are
 * written again one by one, the duplicate is reported with its tag, the others
 * (and their history) are written. */
static void refused_rows_are_reported_one_by_one(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    arena a, row;
    arena_init(&a, 0);
    arena_init(&row, 0);
    assert_int_equal(store_open(db_a, STORE_CREATE, &st, &err), EMB_OK);
    change_ctx ctx = {.now = 1700000000, .bulk = 1};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    stages sg = prepare(st, &a, &ctx);
    /* One deal written on its own first: the batch's ids follow it. */
    record *first = make_deal(&a, &sg, 1000, "X1");
    assert_int_equal(store_record_insert(st, first, &ctx, &err), EMB_OK);
    assert_int_equal(first->id, 1);

    record_batch *b;
    rejects rj = {0};
    assert_int_equal(record_batch_open(st, kind_find("deals"), &ctx, on_reject, &rj, &b, &err), EMB_OK);
    /* Rows 0..69: row 4 repeats row 2's id (same statement), row 66 repeats the
     * id written before the batch (second statement). */
    for (int i = 0; i < 70; i++) {
        arena_reset(&row);
        char ext[16];
        snprintf(ext, sizeof ext, "D%03d", i == 4 ? 2 : i);
        record *r = make_deal(&row, &sg, i, i == 66 ? "X1" : ext);
        assert_int_equal(record_batch_add(b, r, 100 + i, &err), EMB_OK);
        assert_int_equal(r->id, 2 + i);
    }
    assert_int_equal(rj.calls, 1); /* the first 64 rows were written when the batch filled */
    assert_int_equal(rj.tags[0], 104);
    assert_non_null(strstr(rj.msg, "another deal already has that value"));
    assert_int_equal(record_batch_flush(b, &err), EMB_OK);
    assert_int_equal(rj.calls, 2);
    assert_int_equal(rj.tags[1], 166);
    record_batch_free(b);

    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deals"), 1 + 70 - 2);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deals WHERE id IN (6, 68)"), 0);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_history WHERE deal_id IN (6, 68)"), 0);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_products WHERE deal_id IN (6, 68)"), 0);
    /* Every written deal has its history: 2 rows when closed, 1 when open. */
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deals d WHERE (SELECT count(*) FROM deal_history h "
                                   "WHERE h.deal_id = d.id) != CASE d.status WHEN 'open' THEN 1 ELSE 2 END"),
                     0);
    assert_int_equal(st_query_int(st, "SELECT id FROM deals WHERE ext_id = 'D069'"), 71);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    store_rollback(st);
    store_close(st);
    arena_release(&a);
    arena_release(&row);
}

/* A rule broken on add is the added row's error, and nothing is queued. */
static void rule_errors_come_back_from_add(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    arena a;
    arena_init(&a, 0);
    assert_int_equal(store_open(db_a, STORE_CREATE, &st, &err), EMB_OK);
    change_ctx ctx = {.now = 1700000000, .bulk = 1};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    stages sg = prepare(st, &a, &ctx);
    record_batch *b;
    assert_int_equal(record_batch_open(st, kind_find("deals"), &ctx, NULL, NULL, &b, &err), EMB_OK);
    record *r = make_deal(&a, &sg, 3, "W"); /* won */
    r->v[kind_field_index(kind_find("deals"), "closed")].state = FV_UNSET;
    assert_int_equal(record_batch_add(b, r, 1, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "close date"));
    assert_int_equal(record_batch_pending(b), 0);
    assert_int_equal(r->id, 0);
    /* References are checked by the batch: a missing owner or product is refused. */
    record *orphan = make_deal(&a, &sg, 2, "P");
    record_set_int(orphan, kind_field_index(kind_find("deals"), "owner"), 999);
    assert_int_equal(record_batch_add(b, orphan, 1, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "field 'owner'"));
    assert_non_null(strstr(err.msg, "row 999 of users"));
    orphan = make_deal(&a, &sg, 10, "Q"); /* with the product */
    record_set_int(orphan, kind_field_index(kind_find("deals"), "product"), sg.product + 1);
    assert_int_equal(record_batch_add(b, orphan, 1, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "field 'product'"));
    assert_int_equal(record_batch_pending(b), 0);
    record *ok = make_deal(&a, &sg, 2, "O");
    assert_int_equal(record_batch_add(b, ok, 2, &err), EMB_OK);
    assert_int_equal(ok->id, 1);
    assert_int_equal(record_batch_flush(b, &err), EMB_OK);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deals"), 1);
    record_batch_free(b);
    /* Without a bulk context a batch is refused, and so is an author who does not exist. */
    change_ctx single = {.now = 1700000000};
    assert_int_equal(record_batch_open(st, kind_find("deals"), &single, NULL, NULL, &b, &err), EMB_INTERNAL);
    change_ctx ghost = {.now = 1700000000, .bulk = 1, .author_id = 4242};
    assert_int_equal(record_batch_open(st, kind_find("deals"), &ghost, NULL, NULL, &b, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "4242"));
    store_rollback(st);
    store_close(st);
    arena_release(&a);
}

static void exec_ok(store *st, const char *sql)
{
    emb_err err;
    assert_int_equal(store_exec(st, sql, &err), EMB_OK);
}

/* Rows added after the mark are checked, in every table that grew; older rows
 * are not (the contract: such a load never changes them). */
static void foreign_keys_checked_after_the_mark(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    arena a;
    arena_init(&a, 0);
    assert_int_equal(store_open(db_a, STORE_CREATE, &st, &err), EMB_OK);
    assert_int_equal(store_bulk_fk_enforce(st, 0, &err), EMB_OK);
    assert_int_equal(st_query_int(st, "PRAGMA foreign_keys"), 0);
    assert_int_equal(store_begin(st, &err), EMB_OK);
    /* A dangling reference written before the mark is not the load's. */
    exec_ok(st, "INSERT INTO deals (id, title, pipeline_id, stage_id, status, currency, created, owner_id) "
                "VALUES (1, 'old', 1, 1, 'open', 'EUR', 0, 77)");
    store_fk_mark *m;
    assert_int_equal(store_bulk_fk_mark(st, &a, &m, &err), EMB_OK);
    exec_ok(st, "INSERT INTO users (id, name, role, active, created) VALUES (50, 'Ana', 'rep', 1, 0)");
    exec_ok(st, "INSERT INTO deals (id, title, pipeline_id, stage_id, status, currency, created, owner_id) "
                "VALUES (2, 'new', 1, 1, 'open', 'EUR', 0, 50)");
    exec_ok(st, "INSERT INTO deal_history (deal_id, at, changed, stage_id, status, currency) "
                "VALUES (2, 0, 'created', 1, 'open', 'EUR')");
    assert_int_equal(store_bulk_fk_check(st, m, &err), EMB_OK);
    /* A new history row of a deal that does not exist. */
    exec_ok(st, "INSERT INTO deal_history (deal_id, at, changed, stage_id, status, currency) "
                "VALUES (9, 0, 'created', 1, 'open', 'EUR')");
    assert_int_equal(store_bulk_fk_check(st, m, &err), EMB_INTERNAL);
    assert_non_null(strstr(err.msg, "deal_history"));
    assert_non_null(strstr(err.msg, "deal_id"));
    assert_non_null(strstr(err.msg, " 9,"));
    exec_ok(st, "DELETE FROM deal_history WHERE deal_id = 9");
    /* A new deal whose account does not exist (NULL references are fine). */
    exec_ok(st, "INSERT INTO deals (id, title, pipeline_id, stage_id, status, currency, created, account_id) "
                "VALUES (3, 'new', 1, 1, 'open', 'EUR', 0, 4242)");
    assert_int_equal(store_bulk_fk_check(st, m, &err), EMB_INTERNAL);
    assert_non_null(strstr(err.msg, "row 3 of deals"));
    assert_non_null(strstr(err.msg, "account_id"));
    assert_non_null(strstr(err.msg, "4242"));
    store_rollback(st);
    assert_int_equal(store_bulk_fk_enforce(st, 1, &err), EMB_OK);
    assert_int_equal(st_query_int(st, "PRAGMA foreign_keys"), 1);
    store_close(st);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(batch_writes_what_insert_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(refused_rows_are_reported_one_by_one, setup, teardown),
        cmocka_unit_test_setup_teardown(rule_errors_come_back_from_add, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_keys_checked_after_the_mark, setup, teardown),
    };
    return cmocka_run_group_tests_name("record_batch", tests, NULL, NULL);
}
