/* test_import_log.c - the store side of the import log (store/import_log.h) and of
 * unchanged updates (store_record_change): an update that changes nothing writes
 * no row (sqlite3_total_changes) and no history; one that changes a row saves it
 * once, before the change; import_log_end records the created ranges; the undo
 * puts back every column, appends one history row dated at the undo, deletes
 * the created records with their history, and is refused a second time. */
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

#include "store/import_log.h"
#include "store/records.h"
#include "store/store.h"
#include "store_testlib.h"

static char db[256];

static int setup(void **state)
{
    (void)state;
    snprintf(db, sizeof db, "/tmp/embudo-test-import-log-%d.db", (int)getpid());
    st_remove_db(db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    st_remove_db(db);
    return 0;
}

/* A deal "D<n>" in stage 3 (Proposal), amount in cents, created at 1,000,000. */
static record *deal(arena *a, const char *ext, int64_t amount)
{
    const kind_def *k = kind_find("deals");
    record *r = record_new(a, k);
    assert_non_null(r);
    record_set_text(r, kind_field_index(k, "id"), ext);
    record_set_text(r, kind_field_index(k, "title"), ext);
    record_set_int(r, kind_field_index(k, "stage"), 3);
    record_set_int(r, kind_field_index(k, "amount"), amount);
    record_set_int(r, kind_field_index(k, "created"), 1000000);
    return r;
}

static void test_unchanged_and_undo(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    emb_err_clear(&err);
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    arena a;
    arena_init(&a, 0);
    change_ctx ctx = {.now = 2000000, .bulk = 1};

    /* Two deals, outside any import. */
    assert_int_equal(store_begin(st, &err), EMB_OK);
    record *d1 = deal(&a, "D1", 10000), *d2 = deal(&a, "D2", 20000);
    assert_int_equal(store_record_insert(st, d1, &ctx, &err), EMB_OK);
    assert_int_equal(store_record_insert(st, d2, &ctx, &err), EMB_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_history"), 2);

    /* An import: D1 unchanged, D2 to 25000 (twice: saved once), D3 new. */
    ctx.now = 3000000;
    assert_int_equal(store_begin(st, &err), EMB_OK);
    import_log *log;
    import_log_info info = {.kind = "deals", .file = "d.csv", .size = 10, .hash = "", .options = "[]", .at = ctx.now};
    assert_int_equal(import_log_begin(st, &info, &log, &err), EMB_OK);
    ctx.log = log;
    assert_false(import_log_wrote(log));
    sqlite3_int64 changes = sqlite3_total_changes64(store_sqlite(st));
    record *same = deal(&a, "D1", 10000);
    same->id = d1->id;
    int changed = -1;
    assert_int_equal(store_record_change(st, same, &ctx, &changed, &err), EMB_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(sqlite3_total_changes64(store_sqlite(st)), changes);
    assert_false(import_log_wrote(log));
    record *more = deal(&a, "D2", 25000);
    more->id = d2->id;
    assert_int_equal(store_record_change(st, more, &ctx, &changed, &err), EMB_OK);
    assert_int_equal(changed, 1);
    record *again = deal(&a, "D2", 26000);
    again->id = d2->id;
    assert_int_equal(store_record_change(st, again, &ctx, &changed, &err), EMB_OK);
    record *d3 = deal(&a, "D3", 30000);
    assert_int_equal(store_record_insert(st, d3, &ctx, &err), EMB_OK);
    assert_true(import_log_wrote(log));
    import_log_counts c = {.rows = 4, .created = 1, .updated = 2, .unchanged = 1, .hash = "abc"};
    assert_int_equal(import_log_end(log, &c, &err), EMB_OK);
    int64_t id = import_log_id(log);
    import_log_free(log);
    ctx.log = NULL;
    assert_int_equal(store_commit(st, &err), EMB_OK);

    assert_int_equal(id, 1);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM import_changed"), 1);
    assert_int_equal(st_query_int(st, "SELECT json_extract(before, '$.amount') FROM import_changed "
                                      "WHERE tbl = 'deals' AND record_id = 2"),
                     20000);
    assert_int_equal(st_query_int(st, "SELECT above * 10 + last FROM import_created WHERE tbl = 'deals'"), 23);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM import_created"), 1);
    assert_int_equal(st_query_int(st, "SELECT rows * 1000 + created * 100 + updated * 10 + unchanged FROM imports"),
                     4121);
    /* D2 changed twice (2 history rows), D3 created (1). */
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_history"), 5);

    /* The undo. */
    import_undo_result res;
    ctx.now = 4000000;
    assert_int_equal(import_log_undo(st, 0, &ctx, &res, &err), EMB_OK);
    assert_int_equal(res.id, 1);
    assert_int_equal(res.deleted, 1);
    assert_int_equal(res.restored, 1);
    assert_int_equal(res.history, 1);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deals"), 2);
    assert_int_equal(st_query_int(st, "SELECT amount FROM deals WHERE ext_id = 'D2'"), 20000);
    /* History: 2 first rows + D2's two changes + the undo's row; D3's went with it. */
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_history"), 5);
    assert_int_equal(st_query_int(st, "SELECT at FROM deal_history ORDER BY id DESC LIMIT 1"), 4000000);
    assert_int_equal(st_query_int(st, "SELECT amount FROM deal_history ORDER BY id DESC LIMIT 1"), 20000);
    assert_int_equal(st_query_int(st, "SELECT undone_at FROM imports WHERE id = 1"), 4000000);

    /* Undone already; nothing left to undo. */
    assert_int_equal(import_log_undo(st, 1, &ctx, &res, &err), EMB_CONFLICT);
    assert_non_null(strstr(err.msg, "import 1 was undone already"));
    assert_int_equal(import_log_undo(st, 0, &ctx, &res, &err), EMB_NOT_FOUND);
    assert_int_equal(import_log_undo(st, 7, &ctx, &res, &err), EMB_NOT_FOUND);
    assert_non_null(strstr(err.msg, "there is no import 7"));

    arena_release(&a);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unchanged_and_undo, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
