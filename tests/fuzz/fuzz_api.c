/*
 * fuzz_api.c - what a client sends the record routes, without sockets: the
 * request's path (the router), a list's where and q parameters and its cursor (the
 * query built from them), and a write's JSON body (record_body_parse).
 *
 * Input: the path, a newline, a where/q text, a newline, a cursor, a newline, then
 * the body (the rest).
 * Properties: no crash; the router answers a route of the table or -1, a matched
 * route's parameters are NUL-terminated and its {kind} a kind, and only -1 comes
 * with an allow list; a where text is either refused with a message or gives
 * conditions whose query the database runs (no SQL error), as does the text as q;
 * a cursor is either refused or gives a keyset the database runs, for every sort of
 * deals; for every kind, a body is either accepted with 1 to RECORD_BODY_FIELDS
 * settable fields, each with a text, or refused with a reason or field errors that
 * each name a field and say something.
 *
 * The where text and cursor are read against an empty database created once in
 * the temporary directory and removed at exit.
 */
#include <unistd.h>

#include "fuzz.h"
#include "core/arena.h"
#include "core/kind.h"
#include "http/list_cursor.h"
#include "http/record_body.h"
#include "http/route.h"
#include "io/record_text.h"
#include "store/query.h"

static char db_path[64];
static store *db;
static rtext_org org;

static void remove_db(void)
{
    store_close(db);
    rtext_org_close(&org);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[80];
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        unlink(p);
    }
}

static store *database(void)
{
    if (db)
        return db;
    snprintf(db_path, sizeof db_path, "/tmp/fuzz_api_%ld.db", (long)getpid());
    emb_err err;
    FUZZ_CHECK(store_open(db_path, STORE_CREATE, &db, &err) == EMB_OK, "%s", err.msg);
    FUZZ_CHECK(rtext_org_open(&org, store_org(db), 1767225600, &err) == EMB_OK, "%s", err.msg);
    atexit(remove_db);
    return db;
}

static void check_route(const char *method, const char *path)
{
    char param[HTTP_PARAMS][HTTP_PARAM_MAX];
    char allow[128];
    memset(param, 'x', sizeof param);
    int r = http_route_find(method, path, param, allow, sizeof allow);
    FUZZ_CHECK(r >= -1 && r < http_nroutes, "route %d for %s %s", r, method, path);
    if (r < 0)
        return;
    FUZZ_CHECK(!allow[0], "allow '%s' with a route", allow);
    const char *pattern = http_routes[r].path;
    int np = 0;
    for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
        FUZZ_CHECK(memchr(param[np], '\0', HTTP_PARAM_MAX) != NULL, "parameter %d not terminated", np);
        FUZZ_CHECK(param[np][0] && !strchr(param[np], '/'), "parameter '%s' of %s", param[np], path);
        if (!strncmp(p, "{kind}", 6))
            FUZZ_CHECK(kind_find(param[np]) != NULL, "kind '%s'", param[np]);
        np++;
    }
}

/* The query runs: no SQL error (EMB_INVALID for a search on a kind without names). */
static void check_query(const kind_def *kind, const store_query *q, const char *what)
{
    emb_err err;
    emb_err_clear(&err);
    int64_t n;
    emb_code rc = store_query_count(db, kind, q, &n, &err);
    FUZZ_CHECK(rc == EMB_OK || (rc == EMB_INVALID && q->search), "%s: %d %s", what, (int)rc, err.msg);
}

static void check_list(const char *where, const char *cursor, arena *a)
{
    store *st = database();
    emb_err err;
    emb_err_clear(&err);
    for (const kind_def *const *k = kind_all(); *k; k++) {
        rtext t = {.st = st, .kind = *k, .org = &org, .a = a, .err = &err};
        query_cond conds[8];
        size_t n = 0;
        emb_code rc = rtext_parse_where(&t, where, conds, 8, &n);
        if (rc == EMB_OK) {
            FUZZ_CHECK(n <= 8, "%zu conditions", n);
            store_query q = {.conds = conds, .nconds = n, .sort_field = -1};
            check_query(*k, &q, where);
        } else {
            FUZZ_CHECK(err.msg[0] && rc != EMB_DB && rc != EMB_INTERNAL, "where '%s': %d '%s'", where, (int)rc,
                       err.msg);
        }
        emb_err_clear(&err);
        store_query s = {.sort_field = -1, .search = where};
        check_query(*k, &s, where);
        arena_reset(a);
    }
    const kind_def *deals = kind_find("deals");
    for (int f = -1; f < (int)deals->nfields; f++) {
        if (f >= 0 && !deals->fields[f].column)
            continue;
        for (int desc = 0; desc < 2; desc++) {
            store_query q = {.sort_field = f, .descending = desc};
            if (list_cursor_decode(cursor, deals, &q, a) == 0) {
                FUZZ_CHECK(q.after, "decoded without a keyset");
                check_query(deals, &q, cursor);
            } else {
                FUZZ_CHECK(!q.after, "refused but changed");
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[FUZZ_MAX_INPUT + 1];
    if (size > FUZZ_MAX_INPUT)
        size = FUZZ_MAX_INPUT;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char empty[1] = "";
    char *part[4] = {buf, empty, empty, empty};
    int nparts = 1;
    for (; nparts < 4; nparts++) {
        char *prev = part[nparts - 1];
        char *nl = memchr(prev, '\n', size - (size_t)(prev - buf));
        if (!nl)
            break;
        *nl = '\0';
        part[nparts] = nl + 1;
    }
    const char *body = part[3];
    size_t body_len = nparts == 4 ? size - (size_t)(part[3] - buf) : 0;
    static const char *const methods[] = {"GET", "HEAD", "POST", "PATCH", "DELETE", "PUT"};
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
        check_route(methods[m], part[0]);

    arena a;
    arena_init(&a, 4096);
    check_list(part[1], part[2], &a);
    for (const kind_def *const *k = kind_all(); *k; k++) {
        record_body b;
        emb_code rc = record_body_parse(*k, body, body_len, &a, &b);
        if (rc == EMB_OK) {
            FUZZ_CHECK(b.nargs >= 1 && b.nargs <= RECORD_BODY_FIELDS && !b.problem && !b.nerr, "accepted %zu", b.nargs);
            for (size_t i = 0; i < b.nargs; i++) {
                FUZZ_CHECK(b.args[i].field >= 0 && (size_t)b.args[i].field < (*k)->nfields, "field %d", b.args[i].field);
                FUZZ_CHECK(rtext_field_settable(&(*k)->fields[b.args[i].field]) && b.args[i].text, "field %s",
                           (*k)->fields[b.args[i].field].name);
            }
        } else {
            FUZZ_CHECK(rc == EMB_USAGE || rc == EMB_NOMEM, "code %d", (int)rc);
            if (rc == EMB_USAGE)
                FUZZ_CHECK((b.problem && b.problem[0]) || b.nerr > 0, "refused without a reason");
            for (int i = 0; i < b.nerr; i++)
                FUZZ_CHECK(b.err_field[i] && b.err_msg[i] && b.err_msg[i][0], "error %d", i);
        }
        arena_reset(&a);
    }
    arena_release(&a);
    return 0;
}
