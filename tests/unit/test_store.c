/* test_store.c - store open/migrate/transactions and the generic record layer. */
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

#include "core/embedded.h"
#include "store/bulk.h"
#include "store/records.h"
#include "store/store.h"
#include "store_testlib.h"

static char db_path[256];

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/embudo-test-store-%d.db", (int)getpid());
    unlink(db_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    st_remove_db(db_path);
    return 0;
}

static void open_missing_without_create_fails(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db_path, 0, &st, &err), EMB_NOT_FOUND);
    assert_null(st);
    assert_non_null(strstr(err.msg, db_path));
    assert_int_not_equal(access(db_path, F_OK), 0);
}

static void create_applies_schema(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db_path, STORE_CREATE, &st, &err), EMB_OK);
    assert_int_equal(store_schema_version(st), store_schema_version_supported());
    assert_true(store_schema_version_supported() >= 1);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM stages WHERE pipeline_id = 1"), 6);
    assert_int_equal(st_query_int(st, "PRAGMA foreign_keys"), 1);
    assert_string_equal(store_org(st)->currency, "EUR");
    store_close(st);
}

static void newer_schema_is_refused(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db_path, STORE_CREATE, &st, &err), EMB_OK);
    assert_int_equal(store_exec(st, "PRAGMA user_version = 9999", &err), EMB_OK);
    store_close(st);
    assert_int_equal(store_open(db_path, 0, &st, &err), EMB_SCHEMA_NEWER);
    assert_non_null(strstr(err.msg, "9999"));
}

/* A database left at schema version 1 is brought to the current version on the
 * next open for writing, keeping its data; read-only opens ask for that first. */
static void old_schema_is_migrated(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, embedded_migrations[0].data, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1; UPDATE organisation SET name = 'Old'", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    store *st;
    emb_err err;
    assert_int_equal(store_open(db_path, STORE_READONLY, &st, &err), EMB_READONLY);
    assert_non_null(strstr(err.msg, "embudo init"));
    assert_int_equal(store_open(db_path, 0, &st, &err), EMB_OK);
    assert_int_equal(store_schema_version(st), store_schema_version_supported());
    assert_string_equal(store_org(st)->name, "Old");
    assert_int_equal(strlen(store_org(st)->instance), 32);
    store_close(st);
}

static void garbage_file_is_corrupt(void **state)
{
    (void)state;
    FILE *f = fopen(db_path, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not a database at all\n", f);
    fclose(f);
    store *st;
    emb_err err;
    assert_int_equal(store_open(db_path, 0, &st, &err), EMB_CORRUPT);
    assert_null(st);
}

static void commit_bumps_generation(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db_path, STORE_CREATE, &st, &err), EMB_OK);
    int64_t g = store_generation(st);
    assert_int_equal(store_begin(st, &err), EMB_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    assert_int_equal(store_generation(st), g + 1);
    assert_int_equal(store_begin(st, &err), EMB_OK);
    store_rollback(st);
    assert_int_equal(store_generation(st), g + 1);
    store_close(st);
}

/* A deal inserted won gets the two history rows its dates imply; moving an open
 * deal appends exactly one row per change, with the changed fields listed. */
static void deal_history_follows_changes(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    arena a;
    arena_init(&a, 0);
    assert_int_equal(store_open(db_path, STORE_CREATE, &st, &err), EMB_OK);
    const kind_def *deals = kind_find("deal");
    change_ctx ctx = {.now = 1700000000};
    assert_int_equal(store_begin(st, &err), EMB_OK);

    int64_t won_stage, prop_stage;
    assert_int_equal(store_record_resolve(st, kind_find("stages"), "Ganado", 0, &won_stage, &err), EMB_OK);
    assert_int_equal(store_record_resolve(st, kind_find("stages"), "proposal", 0, &prop_stage, &err), EMB_OK);

    record *r = record_new(&a, deals);
    record_set_text(r, kind_field_index(deals, "title"), "Big one");
    record_set_int(r, kind_field_index(deals, "stage"), won_stage);
    record_set_int(r, kind_field_index(deals, "amount"), 123456);
    record_set_int(r, kind_field_index(deals, "created"), 1600000000);
    assert_int_equal(store_record_insert(st, r, &ctx, &err), EMB_INVALID); /* won needs closed */
    assert_non_null(strstr(err.msg, "closed"));
    record_set_int(r, kind_field_index(deals, "closed"), 1590000000);
    assert_int_equal(store_record_insert(st, r, &ctx, &err), EMB_INVALID); /* closes before created */
    record_set_int(r, kind_field_index(deals, "closed"), 1610000000);
    assert_int_equal(store_record_insert(st, r, &ctx, &err), EMB_OK);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_history"), 2);
    assert_int_equal(st_query_int(st, "SELECT at FROM deal_history WHERE status = 'won'"), 1610000000);
    assert_int_equal(st_query_int(st, "SELECT stage_id FROM deal_history WHERE status = 'open'"), 1);

    record *o = record_new(&a, deals);
    record_set_text(o, kind_field_index(deals, "title"), "Small one");
    record_set_int(o, kind_field_index(deals, "stage"), 1);
    record_set_int(o, kind_field_index(deals, "created"), 1600000000);
    assert_int_equal(store_record_insert(st, o, &ctx, &err), EMB_OK);
    record *u = record_new(&a, deals);
    u->id = o->id;
    record_set_int(u, kind_field_index(deals, "stage"), prop_stage);
    record_set_int(u, kind_field_index(deals, "amount"), 5000);
    assert_int_equal(store_record_update(st, u, &ctx, &err), EMB_OK);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM deal_history WHERE deal_id = %lld", (long long)o->id);
    assert_int_equal(st_query_int(st, sql), 2);
    /* The same values again change nothing. */
    assert_int_equal(store_record_update(st, u, &ctx, &err), EMB_OK);
    assert_int_equal(st_query_int(st, sql), 2);
    /* Winning it sets the close time to now and records status. */
    record_set_int(u, kind_field_index(deals, "stage"), won_stage);
    ctx.now = 1700000100;
    assert_int_equal(store_record_update(st, u, &ctx, &err), EMB_OK);
    assert_int_equal(st_query_int(st, sql), 3);
    snprintf(sql, sizeof sql, "SELECT closed FROM deals WHERE id = %lld", (long long)o->id);
    assert_int_equal(st_query_int(st, sql), 1700000100);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deal_history WHERE changed = 'stage,status'"), 1);
    /* History rows cannot be edited. */
    assert_int_not_equal(sqlite3_exec(store_sqlite(st), "UPDATE deal_history SET amount = 1", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    store_close(st);
    arena_release(&a);
}

/* The number of the connection's statements that are still running (on a row). */
static int busy_statements(store *st)
{
    int n = 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(store_sqlite(st), NULL); s; s = sqlite3_next_stmt(store_sqlite(st), s))
        n += sqlite3_stmt_busy(s) != 0;
    return n;
}

/* Inserting a deal reads its stage and pipeline through cached statements; none is
 * left on its row (a read outside a transaction would keep it open), and the end of
 * the transaction resets any that were, so no read stays open. */
static void no_statement_runs_after_a_transaction(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    arena a;
    arena_init(&a, 0);
    assert_int_equal(store_open(db_path, STORE_CREATE, &st, &err), EMB_OK);
    const kind_def *deals = kind_find("deal");
    change_ctx ctx = {.now = 1700000000};
    for (int commit = 0; commit < 2; commit++) {
        assert_int_equal(store_begin(st, &err), EMB_OK);
        record *r = record_new(&a, deals);
        record_set_text(r, kind_field_index(deals, "title"), "One");
        record_set_int(r, kind_field_index(deals, "stage"), 1);
        record_set_int(r, kind_field_index(deals, "created"), 1600000000);
        assert_int_equal(store_record_insert(st, r, &ctx, &err), EMB_OK);
        if (commit)
            assert_int_equal(store_commit(st, &err), EMB_OK);
        else
            store_rollback(st);
        assert_int_equal(busy_statements(st), 0);
    }
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM deals"), 1);
    store_close(st);
    arena_release(&a);
}

static void journal_is(store *st, const char *want)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite(st), "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), want);
    sqlite3_finalize(s);
}

/* A load writes without the WAL (rollback journal, synchronous=FULL) only while no
 * other connection has the file open, and goes back to WAL after. */
static void bulk_journal_direct_only_when_alone(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    assert_int_equal(store_open(db_path, STORE_CREATE, &st, &err), EMB_OK);
    int direct = -1;
    assert_int_equal(store_bulk_journal_direct(st, &direct, &err), EMB_OK);
    assert_int_equal(direct, 1);
    journal_is(st, "delete");
    assert_int_equal(st_query_int(st, "PRAGMA synchronous"), 2);
    assert_int_equal(store_begin(st, &err), EMB_OK);
    assert_int_equal(store_exec(st, "INSERT INTO teams (name) VALUES ('Norte')", &err), EMB_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    store_bulk_journal_wal(st, &direct);
    assert_int_equal(direct, 0);
    journal_is(st, "wal");
    assert_int_equal(st_query_int(st, "PRAGMA synchronous"), 1);

    /* Another connection that has read the file keeps it in WAL, without waiting. */
    sqlite3 *other;
    assert_int_equal(sqlite3_open_v2(db_path, &other, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(other, "SELECT count(*) FROM teams", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
    assert_int_equal(store_bulk_journal_direct(st, &direct, &err), EMB_OK);
    assert_int_equal(direct, 0);
    journal_is(st, "wal");
    assert_int_equal(st_query_int(st, "PRAGMA synchronous"), 1);
    assert_int_equal(st_query_int(st, "PRAGMA busy_timeout"), STORE_BUSY_TIMEOUT_MS);
    store_bulk_journal_wal(st, &direct); /* nothing to undo */
    journal_is(st, "wal");
    sqlite3_close(other);
    store_close(st);
}

static void resolve_by_ext_id_name_and_normalised_name(void **state)
{
    (void)state;
    store *st;
    emb_err err;
    arena a;
    arena_init(&a, 0);
    assert_int_equal(store_open(db_path, STORE_CREATE, &st, &err), EMB_OK);
    const kind_def *products = kind_find("products");
    change_ctx ctx = {.now = 1700000000};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    record *p = record_new(&a, products);
    record_set_text(p, kind_field_index(products, "id"), "P-1");
    record_set_text(p, kind_field_index(products, "name"), "GTX Pro");
    assert_int_equal(store_record_insert(st, p, &ctx, &err), EMB_OK);
    int64_t id;
    assert_int_equal(store_record_resolve(st, products, "P-1", 0, &id, &err), EMB_OK);
    assert_int_equal(id, p->id);
    assert_int_equal(store_record_resolve(st, products, "gtx pro", 0, &id, &err), EMB_OK);
    assert_int_equal(id, p->id);
    assert_int_equal(store_record_resolve(st, products, "GTXPro", 0, &id, &err), EMB_OK);
    assert_int_equal(id, p->id);
    assert_int_equal(store_record_resolve(st, products, "GTX Basic", 0, &id, &err), EMB_NOT_FOUND);
    assert_non_null(strstr(err.msg, "GTX Basic"));
    assert_string_equal(store_record_key(st, products, p->id, &a), "P-1");
    store_rollback(st);
    store_close(st);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_missing_without_create_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(create_applies_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(old_schema_is_migrated, setup, teardown),
        cmocka_unit_test_setup_teardown(garbage_file_is_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(commit_bumps_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(deal_history_follows_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(resolve_by_ext_id_name_and_normalised_name, setup, teardown),
        cmocka_unit_test_setup_teardown(no_statement_runs_after_a_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_journal_direct_only_when_alone, setup, teardown),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
