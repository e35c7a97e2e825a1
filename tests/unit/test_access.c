/* test_access.c - roles and record-level access (store/access.h) on a small
 * organisation written by hand: what each role's filters, record checks and write
 * checks answer, each expected set worked out from the fixture below. */
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
#include "store/access.h"
#include "store/records.h"
#include "store/store.h"
#include "store_testlib.h"

static char db[256];

/* Users: 1 Ada admin; 2 Max manager of team 1; 3 Ria rep in team 1; 4 Rob rep in
 * team 2 (a team nobody manages); 5 Vi viewer; 6 Uma rep reporting to Max (manager_id), in no team;
 * 7 Old rep in team 1, inactive.
 * Accounts: 1 owned by Ria; 2 by Rob; 3 by nobody; 4 by Uma.
 * Contacts: 1 Rob's at account 2; 2 Rob's at account 3; 3 Rob's, no account;
 * 4 nobody's at account 4.
 * Deals: 1 Ria's at account 2, contact 3; 2 Rob's at account 2; 3 nobody's at account 3.
 * Orders: 1 Ria's, 2 Rob's; order lines: 1 of order 1, 2 of order 2.
 * Goals: 1 org; 2 team 1; 3 team 2; 4 rep Ria; 5 rep Rob. */
static const char *const fixture =
    "INSERT INTO teams (id, name) VALUES (1, 'North'), (2, 'South');"
    "INSERT INTO users (id, name, email, role, team_id, manager_id, active, created) VALUES"
    " (1, 'Ada', 'ada@x', 'admin', NULL, NULL, 1, 0), (2, 'Max', 'max@x', 'manager', 1, NULL, 1, 0),"
    " (3, 'Ria', 'ria@x', 'rep', 1, NULL, 1, 0), (4, 'Rob', 'rob@x', 'rep', 2, NULL, 1, 0),"
    " (5, 'Vi', 'vi@x', 'viewer', NULL, NULL, 1, 0), (6, 'Uma', 'uma@x', 'rep', NULL, 2, 1, 0),"
    " (7, 'Old', 'old@x', 'rep', 1, NULL, 0, 0);"
    "UPDATE teams SET manager_id = 2 WHERE id = 1;"
    "INSERT INTO accounts (id, name, owner_id, created) VALUES (1, 'A1', 3, 0), (2, 'A2', 4, 0),"
    " (3, 'A3', NULL, 0), (4, 'A4', 6, 0);"
    "INSERT INTO contacts (id, name, account_id, owner_id, created) VALUES (1, 'C1', 2, 4, 0),"
    " (2, 'C2', 3, 4, 0), (3, 'C3', NULL, 4, 0), (4, 'C4', 4, NULL, 0);"
    "INSERT INTO deals (id, title, account_id, contact_id, owner_id, pipeline_id, stage_id, status, currency,"
    " created) VALUES (1, 'D1', 2, 3, 3, 1, 1, 'open', 'EUR', 0), (2, 'D2', 2, NULL, 4, 1, 1, 'open', 'EUR', 0),"
    " (3, 'D3', 3, NULL, NULL, 1, 1, 'open', 'EUR', 0);"
    "INSERT INTO orders (id, owner_id, ordered, currency) VALUES (1, 3, 0, 'EUR'), (2, 4, 0, 'EUR');"
    "INSERT INTO order_lines (id, order_id, quantity, net_amount) VALUES (1, 1, 1, 100), (2, 2, 1, 200);"
    "INSERT INTO goals (id, metric, scope, team_id, user_id, period, period_from, period_to, target) VALUES"
    " (1, 'revenue_won', 'org', NULL, NULL, '2026', '2026-01-01', '2027-01-01', 1),"
    " (2, 'revenue_won', 'team', 1, NULL, '2026', '2026-01-01', '2027-01-01', 1),"
    " (3, 'revenue_won', 'team', 2, NULL, '2026', '2026-01-01', '2027-01-01', 1),"
    " (4, 'revenue_won', 'rep', NULL, 3, '2026', '2026-01-01', '2027-01-01', 1),"
    " (5, 'revenue_won', 'rep', NULL, 4, '2026', '2026-01-01', '2027-01-01', 1);";

static store *st;
static arena a;

static int setup(void **state)
{
    (void)state;
    snprintf(db, sizeof db, "/tmp/embudo-test-access-%d.db", (int)getpid());
    st_remove_db(db);
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(store_sqlite(st), fixture, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("fixture: %s", msg);
    arena_init(&a, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&a);
    store_close(st);
    st_remove_db(db);
    return 0;
}

static access_scope scope_of(int64_t user, access_role role)
{
    access_scope s;
    emb_err err;
    assert_int_equal(access_scope_load(st, user, role, &a, &s, &err), EMB_OK);
    return s;
}

/* The ids of kind a scope may read, "1,3" ("" for none), through its SQL filter. */
static const char *visible(const access_scope *s, const char *kind_name)
{
    const kind_def *kind = kind_find(kind_name);
    static char out[256];
    out[0] = '\0';
    if (!access_kind_allows(s, kind, ACCESS_READ))
        return out;
    const char *filter = access_sql_filter(s, kind, &a);
    char *sql = arena_printf(&a, "SELECT group_concat(id, ',') FROM (SELECT id FROM %s%s%s ORDER BY id)",
                             kind->table, filter ? " WHERE " : "", filter ? filter : "");
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite(st), sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    const char *text = (const char *)sqlite3_column_text(stmt, 0);
    snprintf(out, sizeof out, "%s", text ? text : "");
    sqlite3_finalize(stmt);
    return out;
}

/* The ids 1..max of kind for which access_record_allows(op) says yes. */
static const char *allowed_ids(const access_scope *s, const char *kind_name, access_op op, int max)
{
    static char out[256];
    size_t len = 0;
    out[0] = '\0';
    emb_err err;
    for (int id = 1; id <= max; id++) {
        int yes;
        assert_int_equal(access_record_allows(st, s, kind_find(kind_name), id, op, &yes, &err), EMB_OK);
        if (yes)
            len += (size_t)snprintf(out + len, sizeof out - len, "%s%d", len ? "," : "", id);
    }
    return out;
}

static void scopes_reach_the_right_people(void **state)
{
    (void)state;
    access_scope max = scope_of(2, ROLE_MANAGER);
    /* Max, Ria (team 1), Old (team 1, inactive but still an owner), Uma (reports to Max) */
    assert_int_equal(max.nowners, 4);
    const int64_t want[] = {2, 3, 6, 7};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(max.owners[i], want[i]);
    access_scope ria = scope_of(3, ROLE_REP);
    assert_int_equal(ria.nowners, 1);
    assert_int_equal(ria.owners[0], 3);
    access_scope s;
    emb_err err;
    assert_int_equal(access_scope_load(st, 7, ROLE_REP, &a, &s, &err), EMB_NOT_FOUND);
    assert_int_equal(access_scope_load(st, 99, ROLE_ADMIN, &a, &s, &err), EMB_NOT_FOUND);
    assert_int_equal(access_role_parse("manager"), ROLE_MANAGER);
    assert_int_equal(access_role_parse("root"), -1);
    assert_string_equal(access_role_name(ROLE_VIEWER), "viewer");
}

static void each_role_reads_its_records(void **state)
{
    (void)state;
    access_scope admin = scope_of(1, ROLE_ADMIN), max = scope_of(2, ROLE_MANAGER), ria = scope_of(3, ROLE_REP),
                 rob = scope_of(4, ROLE_REP), vi = scope_of(5, ROLE_VIEWER);
    assert_string_equal(visible(&admin, "deals"), "1,2,3");
    assert_string_equal(visible(&admin, "accounts"), "1,2,3,4");
    /* Ria: her deal 1; her account 1 and account 2 of her deal; contact 3 of her deal
     * and contact 1 at account 2 of her deal */
    assert_string_equal(visible(&ria, "deals"), "1");
    assert_string_equal(visible(&ria, "accounts"), "1,2");
    assert_string_equal(visible(&ria, "contacts"), "1,3");
    assert_string_equal(visible(&ria, "orders"), "1");
    assert_string_equal(visible(&ria, "order_lines"), "1");
    assert_string_equal(visible(&ria, "goals"), "1,2,3,4,5");
    assert_string_equal(visible(&ria, "users"), "1,2,3,4,5,6,7");
    assert_string_equal(visible(&ria, "expenses"), "");
    /* Rob: deal 2, account 2 (his), contacts 1, 2, 3 (his) */
    assert_string_equal(visible(&rob, "deals"), "2");
    assert_string_equal(visible(&rob, "accounts"), "2");
    assert_string_equal(visible(&rob, "contacts"), "1,2,3");
    /* Max: Ria's and Uma's and his own: deal 1; accounts 1, 4 and 2 (of deal 1);
     * contacts 3 (of deal 1), 1 (at account 2), 4 is nobody's (at Uma's account 4,
     * not of a deal) */
    assert_string_equal(visible(&max, "deals"), "1");
    assert_string_equal(visible(&max, "accounts"), "1,2,4");
    assert_string_equal(visible(&max, "contacts"), "1,3");
    assert_true(access_kind_allows(&max, kind_find("expenses"), ACCESS_READ));
    /* the viewer reads no records of any kind */
    for (const kind_def *const *k = kind_all(); *k; k++)
        assert_false(access_kind_allows(&vi, *k, ACCESS_READ));
    assert_true(access_metrics_restricted(&ria));
    assert_true(access_metrics_restricted(&max));
    assert_false(access_metrics_restricted(&vi));
    assert_false(access_metrics_restricted(&admin));
}

static void record_checks_follow_the_operation(void **state)
{
    (void)state;
    access_scope ria = scope_of(3, ROLE_REP), max = scope_of(2, ROLE_MANAGER), vi = scope_of(5, ROLE_VIEWER);
    /* Ria updates account 2 of her deal but deletes only her own account 1 */
    assert_string_equal(allowed_ids(&ria, "accounts", ACCESS_READ, 5), "1,2");
    assert_string_equal(allowed_ids(&ria, "accounts", ACCESS_UPDATE, 5), "1,2");
    assert_string_equal(allowed_ids(&ria, "accounts", ACCESS_DELETE, 5), "1");
    /* goals: every one readable, none writable by a rep; Max writes team 1's and Ria's */
    assert_string_equal(allowed_ids(&ria, "goals", ACCESS_READ, 6), "1,2,3,4,5");
    assert_string_equal(allowed_ids(&ria, "goals", ACCESS_UPDATE, 6), "");
    assert_string_equal(allowed_ids(&max, "goals", ACCESS_UPDATE, 6), "2,4");
    assert_string_equal(allowed_ids(&max, "goals", ACCESS_DELETE, 6), "2,4");
    /* reference data: read, never written, by a manager */
    assert_string_equal(allowed_ids(&max, "stages", ACCESS_READ, 2), "1,2");
    assert_string_equal(allowed_ids(&max, "stages", ACCESS_UPDATE, 2), "");
    assert_string_equal(allowed_ids(&vi, "deals", ACCESS_READ, 3), "");
    /* nobody's deal 3 is the admin's alone */
    assert_string_equal(allowed_ids(&max, "deals", ACCESS_READ, 3), "1");
}

static int write_allowed(const access_scope *s, record *r)
{
    int yes;
    emb_err err;
    assert_int_equal(access_write_allows(st, s, r, &yes, &err), EMB_OK);
    return yes;
}

static void writes_keep_records_in_scope(void **state)
{
    (void)state;
    access_scope ria = scope_of(3, ROLE_REP), max = scope_of(2, ROLE_MANAGER), admin = scope_of(1, ROLE_ADMIN);
    const kind_def *deals = kind_find("deals"), *goals = kind_find("goals"), *lines = kind_find("order_lines");
    record *r = record_new(&a, deals);
    record_set_text(r, kind_field_index(deals, "title"), "x");
    assert_true(write_allowed(&ria, r)); /* the owner is not changed */
    record_set_int(r, kind_field_index(deals, "owner"), 3);
    assert_true(write_allowed(&ria, r));
    record_set_int(r, kind_field_index(deals, "owner"), 4);
    assert_false(write_allowed(&ria, r)); /* giving a deal to Rob */
    assert_false(write_allowed(&max, r)); /* Rob is not Max's */
    assert_true(write_allowed(&admin, r));
    record_set_int(r, kind_field_index(deals, "owner"), 6);
    assert_true(write_allowed(&max, r)); /* Uma reports to Max */
    record_set_null(r, kind_field_index(deals, "owner"));
    assert_false(write_allowed(&max, r));

    record *g = record_new(&a, goals);
    record_set_int(g, kind_field_index(goals, "team"), 1);
    assert_true(write_allowed(&max, g));
    assert_false(write_allowed(&ria, g));
    record_set_int(g, kind_field_index(goals, "team"), 2);
    assert_false(write_allowed(&max, g));
    record *org = record_new(&a, goals);
    record_set_text(org, kind_field_index(goals, "scope"), "org");
    assert_false(write_allowed(&max, org));
    record *mine = record_new(&a, goals);
    record_set_int(mine, kind_field_index(goals, "rep"), 3);
    assert_true(write_allowed(&max, mine));

    record *l = record_new(&a, lines);
    record_set_int(l, kind_field_index(lines, "order"), 2);
    assert_false(write_allowed(&ria, l));
    record_set_int(l, kind_field_index(lines, "order"), 1);
    assert_true(write_allowed(&ria, l));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scopes_reach_the_right_people),
        cmocka_unit_test(each_role_reads_its_records),
        cmocka_unit_test(record_checks_follow_the_operation),
        cmocka_unit_test(writes_keep_records_in_scope),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
