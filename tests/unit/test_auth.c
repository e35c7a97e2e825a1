/* test_auth.c - credentials (store/auth.h) at instants the test chooses: the
 * schedule of slowed-down and locked logins, sessions that expire and end, the
 * decoy check of users without a password, tokens and their roles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/kind.h"
#include "store/auth.h"
#include "store/records.h"
#include "store/store.h"
#include "store_testlib.h"

static char db[256];

static int setup(void **state)
{
    (void)state;
    snprintf(db, sizeof db, "/tmp/embudo-test-auth-%d.db", (int)getpid());
    st_remove_db(db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    st_remove_db(db);
    return 0;
}

/* A store with user #1 ann@x.com (rep) whose password is "a long password". */
static store *open_with_user(void)
{
    store *st;
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    arena a;
    arena_init(&a, 0);
    const kind_def *users = kind_find("users");
    record *r = record_new(&a, users);
    record_set_text(r, kind_field_index(users, "name"), "Ann");
    record_set_text(r, kind_field_index(users, "email"), "ann@x.com");
    change_ctx ctx = {.now = 1000};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    assert_int_equal(store_record_insert(st, r, &ctx, &err), EMB_OK);
    assert_int_equal(r->id, 1);
    assert_int_equal(store_user_set_password(st, 1, "a long password", &ctx, &err), EMB_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    arena_release(&a);
    return st;
}

static login_result attempt(store *st, const char *pw, int64_t now, int64_t *retry)
{
    login_outcome lo;
    emb_err err;
    assert_int_equal(store_login(st, "ann@x.com", pw, now, &lo, &err), EMB_OK);
    *retry = lo.retry_after;
    return lo.result;
}

static void failures_slow_down_then_lock(void **state)
{
    (void)state;
    store *st = open_with_user();
    int64_t retry;
    /* three failures at once are only counted */
    for (int i = 0; i < 3; i++)
        assert_int_equal(attempt(st, "wrong", 1000, &retry), LOGIN_BAD);
    /* then each retry waits 1, 2, 4, 8, 16, 32 s after the last failure */
    int64_t t = 1000;
    const int64_t waits[] = {1, 2, 4, 8, 16, 32};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(attempt(st, "a long password", t + waits[i] - 1, &retry), LOGIN_WAIT);
        assert_int_equal(retry, 1);
        t += waits[i];
        assert_int_equal(attempt(st, "wrong", t, &retry), LOGIN_BAD); /* failures 4..9 */
    }
    assert_int_equal(st_query_int(st, "SELECT failed FROM login_failures WHERE user_id = 1"), 9);
    /* the 10th locks for 15 minutes, audited; even the right password waits */
    t += 60;
    login_outcome lo;
    emb_err err;
    assert_int_equal(store_login(st, "ann@x.com", "wrong", t, &lo, &err), EMB_OK);
    assert_int_equal(lo.result, LOGIN_BAD);
    assert_int_equal(lo.locked_now, 1);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM audit_log WHERE action = 'lock' AND record_id = 1"), 1);
    assert_int_equal(attempt(st, "a long password", t + 899, &retry), LOGIN_LOCKED);
    assert_int_equal(retry, 1);
    /* a served lock starts the count again; a good login clears it */
    assert_int_equal(attempt(st, "a long password", t + 900, &retry), LOGIN_OK);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM login_failures"), 0);
    /* an unknown email and a user without a password: bad, nothing counted */
    assert_int_equal(store_login(st, "nobody@x.com", "a long password", t, &lo, &err), EMB_OK);
    assert_int_equal(lo.result, LOGIN_BAD);
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM login_failures"), 0);
    store_close(st);
}

static void sessions_expire_and_end(void **state)
{
    (void)state;
    store *st = open_with_user();
    login_outcome lo;
    emb_err err;
    assert_int_equal(store_login(st, "ANN@X.COM", "a long password", 5000, &lo, &err), EMB_OK);
    assert_int_equal(lo.result, LOGIN_OK);
    assert_int_equal(strlen(lo.session), AUTH_TOKEN_SIZE - 1);
    assert_memory_equal(lo.session, "ses_", 4);
    assert_memory_equal(lo.csrf, "csr_", 4);
    int64_t user;
    char role[16], csrf[AUTH_TOKEN_SIZE];
    /* used at 5000 + 12 h - 1, it lives 12 h more from then */
    assert_int_equal(store_session_check(st, lo.session, 5000 + AUTH_SESSION_SECONDS - 1, &user, role, csrf, &err),
                     EMB_OK);
    assert_int_equal(user, 1);
    assert_string_equal(role, "rep");
    assert_string_equal(csrf, lo.csrf);
    assert_int_equal(store_session_check(st, lo.session, 5000 + 2 * AUTH_SESSION_SECONDS - 2, &user, role, csrf, &err),
                     EMB_OK);
    assert_int_equal(store_session_check(st, lo.session, 5000 + 4 * AUTH_SESSION_SECONDS, &user, role, csrf, &err),
                     EMB_NOT_FOUND);
    /* the extension moves to the minute: a use 59 s after the last extension
     * leaves the expiry where it was, one 60 s after moves it */
    const char *expires = "SELECT expires FROM sessions ORDER BY rowid DESC LIMIT 1";
    assert_int_equal(store_login(st, "ann@x.com", "a long password", 7000, &lo, &err), EMB_OK);
    assert_int_equal(store_session_check(st, lo.session, 7059, &user, role, csrf, &err), EMB_OK);
    assert_int_equal(st_query_int(st, expires), 7000 + AUTH_SESSION_SECONDS);
    assert_int_equal(store_session_check(st, lo.session, 7060, &user, role, csrf, &err), EMB_OK);
    assert_int_equal(st_query_int(st, expires), 7060 + AUTH_SESSION_SECONDS);
    assert_int_equal(store_session_end(st, lo.session, &err), EMB_OK);
    assert_int_equal(store_login(st, "ann@x.com", "a long password", 9000, &lo, &err), EMB_OK);
    assert_int_equal(store_session_end(st, lo.session, &err), EMB_OK);
    assert_int_equal(store_session_check(st, lo.session, 9001, &user, role, csrf, &err), EMB_NOT_FOUND);
    /* only hashes are stored */
    assert_int_equal(st_query_int(st, "SELECT count(*) FROM sessions WHERE instr(hash, 'ses_') > 0"), 0);
    store_close(st);
}

static void tokens_and_roles(void **state)
{
    (void)state;
    store *st = open_with_user();
    emb_err err;
    change_ctx ctx = {.now = 2000};
    char token[AUTH_TOKEN_SIZE];
    int64_t id;
    assert_int_equal(auth_role_rank("viewer"), 0);
    assert_int_equal(auth_role_rank("admin"), 3);
    assert_int_equal(auth_role_rank("boss"), -1);
    assert_int_equal(store_token_create(st, 1, "manager", "x", &ctx, token, &id, &err), EMB_INVALID);
    assert_int_equal(store_token_create(st, 1, "viewer", "x", &ctx, token, &id, &err), EMB_OK);
    int64_t user;
    char role[16];
    assert_int_equal(store_token_check(st, token, 2001, &user, role, &err), EMB_OK);
    assert_string_equal(role, "viewer");
    /* the last use is written to the minute: 2001, kept at 2060, then 2061 */
    const char *last = "SELECT last_used FROM api_tokens";
    assert_int_equal(st_query_int(st, last), 2001);
    assert_int_equal(store_token_check(st, token, 2060, &user, role, &err), EMB_OK);
    assert_int_equal(st_query_int(st, last), 2001);
    assert_int_equal(store_token_check(st, token, 2061, &user, role, &err), EMB_OK);
    assert_int_equal(st_query_int(st, last), 2061);
    token[10] ^= 1;
    assert_int_equal(store_token_check(st, token, 2001, &user, role, &err), EMB_NOT_FOUND);
    token[10] ^= 1;
    assert_int_equal(store_token_revoke(st, id, &ctx, &err), EMB_OK);
    assert_int_equal(store_token_check(st, token, 2002, &user, role, &err), EMB_NOT_FOUND);
    assert_int_equal(store_token_revoke(st, id, &ctx, &err), EMB_CONFLICT);
    assert_int_equal(store_user_check_password(st, 1, "a long password", &err), 1);
    assert_int_equal(store_user_check_password(st, 1, "a long passwore", &err), 0);
    assert_int_equal(store_user_check_password(st, 99, "a long password", &err), 0);
    assert_int_equal(auth_password_policy("ann@x.com!", "ann@x.com!", "Ann", &err), EMB_INVALID);
    assert_int_equal(auth_password_policy("line\nbreak!!", NULL, NULL, &err), EMB_INVALID);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(failures_slow_down_then_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_expire_and_end, setup, teardown),
        cmocka_unit_test_setup_teardown(tokens_and_roles, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
