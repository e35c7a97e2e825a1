/* test_events.c - events from the audit log (store/events.h): the type each audit
 * row makes, which events each role sees, where a reader resumes, and the JSON of
 * an event, on audit rows written by hand below. */
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

#include "store/access.h"
#include "store/events.h"
#include "store/store.h"
#include "store_testlib.h"

static void types_of_audit_rows(void **state)
{
    (void)state;
    assert_int_equal(event_type_of("insert", "deals", "{\"after\":{\"title\":\"x\"}}"), EV_DEAL_CREATED);
    assert_int_equal(event_type_of("update", "deals", "{\"before\":{\"stage\":3,\"status\":\"open\"},"
                                                      "\"after\":{\"stage\":5,\"status\":\"won\"}}"),
                     EV_DEAL_WON);
    assert_int_equal(event_type_of("update", "deals", "{\"before\":{\"stage\":3,\"status\":\"open\",\"amount\":1},"
                                                      "\"after\":{\"stage\":6,\"status\":\"lost\",\"amount\":2}}"),
                     EV_DEAL_LOST);
    assert_int_equal(event_type_of("update", "deals", "{\"before\":{\"stage\":3},\"after\":{\"stage\":4}}"),
                     EV_DEAL_STAGE_CHANGED);
    /* reopened: the stage changes and the status becomes open */
    assert_int_equal(event_type_of("update", "deals", "{\"before\":{\"stage\":5,\"status\":\"won\"},"
                                                      "\"after\":{\"stage\":2,\"status\":\"open\"}}"),
                     EV_DEAL_STAGE_CHANGED);
    assert_int_equal(event_type_of("update", "deals", "{\"before\":{\"amount\":100},\"after\":{\"amount\":150}}"),
                     EV_DEAL_AMOUNT_CHANGED);
    assert_int_equal(event_type_of("update", "deals", "{\"before\":{\"title\":\"a\"},\"after\":{\"title\":\"b\"}}"),
                     EV_DEAL_UPDATED);
    assert_int_equal(event_type_of("update", "deals", NULL), EV_DEAL_UPDATED);
    assert_int_equal(event_type_of("delete", "deals", "{\"before\":{\"title\":\"a\"}}"), EV_DEAL_DELETED);
    assert_int_equal(event_type_of("insert", "activities", "{}"), EV_ACTIVITY_LOGGED);
    assert_int_equal(event_type_of("import", "deals", "{\"rows\":2}"), EV_IMPORT_FINISHED);
    assert_int_equal(event_type_of("import", "accounts", NULL), EV_IMPORT_FINISHED);
    assert_int_equal(event_type_of("update", "activities", "{}"), -1);
    assert_int_equal(event_type_of("insert", "accounts", "{}"), -1);
    assert_int_equal(event_type_of("password", "users", NULL), -1);
    assert_int_equal(event_type_of("undo", "deals", "{}"), -1);
    assert_int_equal(event_type_of(NULL, "deals", NULL), -1);
    for (int t = 0; t < EV_NTYPES; t++)
        assert_int_equal(event_type_parse(event_type_name((event_type)t)), t);
    assert_int_equal(event_type_parse("deal.exploded"), -1);
    assert_null(event_type_name(EV_NTYPES));
}

static char db[256];
static store *st;
static arena a;

/* Users: 1 Ada admin; 2 Max manager of team 1; 3 Ria rep in team 1; 4 Rob rep in
 * team 2; 5 Vi viewer. Deals: 1 Ria's (D1); 2 Rob's (no external id); 3 was Rob's,
 * moved to Ria by audit row 6; 4 Rob's, deleted by row 8 (the table no longer has
 * it). Audit rows:
 *   1 insert deal 1 by Ria     deal.created        Ria's
 *   2 insert account 1         (no event)
 *   3 update deal 2 amount     deal.amount_changed Rob's
 *   4 import deals by Rob      import.finished     Rob's import
 *   5 insert activity 1 (Ria's) activity.logged    Ria's
 *   6 update deal 3 owner      deal.updated        Ria's now
 *   7 update deal 4 won        deal.won            Rob's (as deleted)
 *   8 delete deal 4            deal.deleted        Rob's (as deleted)
 *   9 password of user 3       (no event)
 *  10 import accounts by Ada   import.finished     Ada's import */
static const char *const fixture =
    "INSERT INTO teams (id, name) VALUES (1, 'North'), (2, 'South');"
    "INSERT INTO users (id, name, email, role, team_id, active, created) VALUES"
    " (1, 'Ada', 'ada@x', 'admin', NULL, 1, 0), (2, 'Max', 'max@x', 'manager', 1, 1, 0),"
    " (3, 'Ria', 'ria@x', 'rep', 1, 1, 0), (4, 'Rob', 'rob@x', 'rep', 2, 1, 0), (5, 'Vi', 'vi@x', 'viewer', NULL, 1, 0);"
    "UPDATE teams SET manager_id = 2 WHERE id = 1;"
    "INSERT INTO deals (id, ext_id, title, owner_id, pipeline_id, stage_id, status, currency, created) VALUES"
    " (1, 'D1', 'D1', 3, 1, 1, 'open', 'EUR', 0), (2, NULL, 'D2', 4, 1, 1, 'open', 'EUR', 0),"
    " (3, 'D3', 'D3', 3, 1, 1, 'open', 'EUR', 0);"
    "INSERT INTO activities (id, type, owner_id, deal_id, created) VALUES (1, 'call', 3, 1, 0);"
    "INSERT INTO audit_log (id, at, user_id, action, kind, record_id, detail) VALUES"
    " (1, 1775000000, 3, 'insert', 'deals', 1, '{\"after\":{\"id\":\"D1\",\"owner\":3,\"amount\":100}}'),"
    " (2, 1775000001, 1, 'insert', 'accounts', 1, '{\"after\":{\"name\":\"Acme\"}}'),"
    " (3, 1775000002, 4, 'update', 'deals', 2, '{\"before\":{\"amount\":100},\"after\":{\"amount\":250}}'),"
    " (4, 1775000003, 4, 'import', 'deals', NULL,"
    "  '{\"file\":\"/home/rob/deals.csv\",\"rows\":3,\"created\":2,\"updated\":1,\"rejected\":0}'),"
    " (5, 1775000004, 3, 'insert', 'activities', 1, '{\"after\":{\"type\":\"call\",\"owner\":3,\"deal\":1}}'),"
    " (6, 1775000005, 1, 'update', 'deals', 3, '{\"before\":{\"owner\":4},\"after\":{\"owner\":3}}'),"
    " (7, 1775000006, 4, 'update', 'deals', 4, '{\"before\":{\"stage\":3,\"status\":\"open\"},"
    "  \"after\":{\"stage\":5,\"status\":\"won\"}}'),"
    " (8, 1775000007, 1, 'delete', 'deals', 4, '{\"before\":{\"id\":\"D4\",\"title\":\"D4\",\"owner\":4}}'),"
    " (9, 1775000008, 3, 'password', 'users', 3, NULL),"
    " (10, 1775000009, 1, 'import', 'accounts', NULL, '{\"file\":\"a.csv\",\"rows\":1,\"created\":1}');";

static int setup(void **state)
{
    (void)state;
    snprintf(db, sizeof db, "/tmp/embudo-test-events-%d.db", (int)getpid());
    st_remove_db(db);
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    char *msg = NULL;
    if (sqlite3_exec(store_sqlite(st), fixture, NULL, NULL, &msg) != SQLITE_OK)
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

/* "ID:TYPE ..." of the events after `after` a scope sees (NULL: all), with *next. */
static const char *seen(const access_scope *scope, int64_t after, size_t limit, int64_t *next)
{
    static char out[1024];
    store_event *ev;
    size_t n;
    emb_err err;
    assert_int_equal(store_events_after(st, scope, after, limit, &a, &ev, &n, next, &err), EMB_OK);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld:%s", i ? " " : "", (long long)ev[i].id,
                                event_type_name(ev[i].type));
    return out;
}

static access_scope scope_of(int64_t user, access_role role)
{
    access_scope s;
    emb_err err;
    assert_int_equal(access_scope_load(st, user, role, &a, &s, &err), EMB_OK);
    return s;
}

static void each_role_sees_its_events(void **state)
{
    (void)state;
    int64_t next;
    const char *all = "1:deal.created 3:deal.amount_changed 4:import.finished 5:activity.logged 6:deal.updated "
                      "7:deal.won 8:deal.deleted 10:import.finished";
    assert_string_equal(seen(NULL, 0, 100, &next), all);
    assert_int_equal(next, 10);
    access_scope ada = scope_of(1, ROLE_ADMIN), max = scope_of(2, ROLE_MANAGER), ria = scope_of(3, ROLE_REP),
                 rob = scope_of(4, ROLE_REP), vi = scope_of(5, ROLE_VIEWER);
    assert_string_equal(seen(&ada, 0, 100, &next), all);
    /* Ria: her deal, her activity, and deal 3, hers now */
    assert_string_equal(seen(&ria, 0, 100, &next), "1:deal.created 5:activity.logged 6:deal.updated");
    assert_int_equal(next, 10);
    /* Rob: deal 2, his import, and deal 4 as it was when deleted; not deal 3 (Ria's now) */
    assert_string_equal(seen(&rob, 0, 100, &next),
                        "3:deal.amount_changed 4:import.finished 7:deal.won 8:deal.deleted");
    /* Max manages team 1 (Ria and himself) */
    assert_string_equal(seen(&max, 0, 100, &next), "1:deal.created 5:activity.logged 6:deal.updated");
    /* a viewer: the imports only */
    assert_string_equal(seen(&vi, 0, 100, &next), "4:import.finished 10:import.finished");
    /* a rep acting with a viewer's token is a viewer */
    access_scope ria_viewer = scope_of(3, ROLE_VIEWER);
    assert_string_equal(seen(&ria_viewer, 0, 100, &next), "4:import.finished 10:import.finished");
}

static void readers_resume_where_they_stopped(void **state)
{
    (void)state;
    int64_t next;
    access_scope ria = scope_of(3, ROLE_REP);
    /* at most 2 rows of the kinds events come from: 1 and 3 (row 2 is not one) */
    assert_string_equal(seen(&ria, 0, 2, &next), "1:deal.created");
    assert_int_equal(next, 3);
    assert_string_equal(seen(&ria, next, 2, &next), "5:activity.logged");
    assert_int_equal(next, 5);
    assert_string_equal(seen(&ria, next, 2, &next), "6:deal.updated");
    assert_int_equal(next, 7);
    assert_string_equal(seen(&ria, next, 2, &next), "");
    assert_int_equal(next, 10);
    assert_string_equal(seen(&ria, next, 2, &next), "");
    assert_int_equal(next, 10);
    int64_t last;
    emb_err err;
    assert_int_equal(store_events_last_id(st, &last, &err), EMB_OK);
    assert_int_equal(last, 10);
}

static void events_as_json(void **state)
{
    (void)state;
    store_event *ev;
    size_t n;
    int64_t next;
    emb_err err;
    assert_int_equal(store_events_after(st, NULL, 0, 100, &a, &ev, &n, &next, &err), EMB_OK);
    assert_int_equal(n, 8);
    char *j = event_json(&ev[0], 1);
    assert_string_equal(j, "{\"id\":1,\"type\":\"deal.created\",\"at\":\"2026-03-31T23:33:20Z\",\"kind\":\"deals\","
                           "\"record\":{\"id\":1,\"key\":\"D1\"},\"user\":{\"id\":3,\"email\":\"ria@x\",\"name\":\"Ria\"},"
                           "\"changes\":{\"after\":{\"id\":\"D1\",\"owner\":3,\"amount\":100}}}");
    free(j);
    /* a deal without an external id is #ID */
    j = event_json(&ev[1], 1);
    assert_non_null(strstr(j, "\"record\":{\"id\":2,\"key\":\"#2\"}"));
    assert_non_null(strstr(j, "\"changes\":{\"before\":{\"amount\":100},\"after\":{\"amount\":250}}"));
    free(j);
    /* an import: its counts, the file only when asked for */
    j = event_json(&ev[2], 1);
    assert_string_equal(j, "{\"id\":4,\"type\":\"import.finished\",\"at\":\"2026-03-31T23:33:23Z\",\"kind\":\"deals\","
                           "\"record\":null,\"user\":{\"id\":4,\"email\":\"rob@x\",\"name\":\"Rob\"},"
                           "\"import\":{\"rows\":3,\"created\":2,\"updated\":1,\"rejected\":0,"
                           "\"file\":\"/home/rob/deals.csv\"}}");
    free(j);
    j = event_json(&ev[2], 0);
    assert_null(strstr(j, "deals.csv"));
    free(j);
    /* the deleted deal keeps the key it had */
    assert_int_equal(ev[6].id, 8);
    assert_string_equal(ev[6].record_key, "D4");
    assert_int_equal(ev[6].owner_id, 4);
    assert_string_equal(ev[5].record_key, "D4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(types_of_audit_rows),
        cmocka_unit_test(each_role_sees_its_events),
        cmocka_unit_test(readers_resume_where_they_stopped),
        cmocka_unit_test(events_as_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
