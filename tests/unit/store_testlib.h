/* store_testlib.h - helpers for tests that open SQLite stores (include after cmocka.h). */
#ifndef STORE_TESTLIB_H
#define STORE_TESTLIB_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "store/store.h"

/* Removes a database file with its WAL and shared-memory files. */
static inline void st_remove_db(const char *path)
{
    char p[300];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* The integer in the first column of the first row of sql; fails the test when
 * the query does not give a row. */
static inline int64_t st_query_int(store *st, const char *sql)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

#endif
