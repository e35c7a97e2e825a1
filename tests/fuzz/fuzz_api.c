/*
 * fuzz_api.c - the API's request path and JSON body, without sockets: the router
 * (http_route_find) and a record write's body (record_body_parse).
 *
 * Input: the path, a newline, then the body.
 * Properties: no crash; the router answers a route of the table or -1, a matched
 * route's parameters are NUL-terminated and its {kind} a kind of the store, and a
 * path with no route under the method lists the others in allow only for -1; for
 * every kind, a body is either accepted with 1 to RECORD_BODY_FIELDS settable
 * fields, each with a text, or refused with a reason or field errors that each name
 * a field and say something.
 */
#include "fuzz.h"
#include "core/arena.h"
#include "core/kind.h"
#include "http/record_body.h"
#include "http/route.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[FUZZ_MAX_INPUT + 1];
    if (size > FUZZ_MAX_INPUT)
        size = FUZZ_MAX_INPUT;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *nl = memchr(buf, '\n', size);
    const char *body = nl ? nl + 1 : "";
    size_t body_len = nl ? size - (size_t)(nl + 1 - buf) : 0;
    if (nl)
        *nl = '\0';
    static const char *const methods[] = {"GET", "HEAD", "POST", "PATCH", "DELETE", "PUT"};
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
        check_route(methods[m], buf);

    arena a;
    arena_init(&a, 4096);
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
