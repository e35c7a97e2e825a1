/* test_kind.c - the kind tables agree with the schema and with themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/kind.h"
#include "store/store.h"

static int column_exists(sqlite3 *db, const char *table, const char *column)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'", table, column);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return 0;
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return n;
}

/* Every stored field names a real column; every kind's table exists. */
static void every_column_exists(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/tmp/embudo-test-kind-%d.db", (int)getpid());
    unlink(path);
    store *st;
    emb_err err;
    assert_int_equal(store_open(path, STORE_CREATE, &st, &err), EMB_OK);
    int checked = 0;
    for (const kind_def *const *k = kind_all(); *k; k++) {
        for (size_t i = 0; i < (*k)->nfields; i++) {
            const field_def *f = &(*k)->fields[i];
            if (f->flags & FF_VIRTUAL) {
                assert_null(f->column);
                continue;
            }
            if (!column_exists(store_sqlite(st), (*k)->table, f->column))
                fail_msg("%s.%s: no column %s in table %s", (*k)->name, f->name, f->column, (*k)->table);
            checked++;
        }
    }
    assert_true(checked > 100);
    store_close(st);
    unlink(path);
}

/* Names are unique, references name real kinds, enums have values, and every
 * kind references only itself or kinds listed before it (import order), except
 * the user <-> team cycle. */
static void tables_are_consistent(void **state)
{
    (void)state;
    const kind_def *const *all = kind_all();
    for (size_t k = 0; all[k]; k++) {
        assert_ptr_equal(kind_find(all[k]->name), all[k]);
        assert_ptr_equal(kind_find(all[k]->singular), all[k]);
        assert_non_null(kind_field(all[k], all[k]->label));
        for (size_t i = 0; i < all[k]->nfields; i++) {
            const field_def *f = &all[k]->fields[i];
            assert_int_equal(kind_field_index(all[k], f->name), (int)i);
            assert_non_null(f->help);
            if (f->type == FT_ENUM)
                assert_non_null(f->values);
            if (f->type != FT_REF)
                continue;
            const kind_def *target = kind_find(f->ref);
            assert_non_null(target);
            size_t t = 0;
            while (all[t] != target)
                t++;
            if (t > k && !(!strcmp(all[k]->name, "users") && !strcmp(target->name, "teams")))
                fail_msg("%s.%s references %s, listed later", all[k]->name, f->name, target->name);
        }
    }
    assert_null(kind_find("nonsense"));
    assert_int_equal(field_enum_valid(kind_field(kind_find("deals"), "status"), "won"), 1);
    assert_int_equal(field_enum_valid(kind_field(kind_find("deals"), "status"), "WON"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_column_exists),
        cmocka_unit_test(tables_are_consistent),
    };
    return cmocka_run_group_tests_name("kind", tests, NULL, NULL);
}
