/* route_events.c - GET /api/v1/events: the event stream (text/event-stream) of the
 * changes the user may see (store/events.h), from now on or, with Last-Event-ID
 * (or ?since=ID), after that event; the streaming is event_stream.h's. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "http/event_stream.h"
#include "http/route.h"
#include "store/events.h"

typedef struct {
    const char *unknown; /* the first parameter the route does not know */
} param_check;

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    param_check *pc = cls;
    if (strcmp(key, "since") && !pc->unknown)
        pc->unknown = key;
    return MHD_YES;
}

/* An event id (a whole number, 0 or more): 1 with *out set, else 0. */
static int event_id(const char *text, int64_t *out)
{
    if (!text || *text < '0' || *text > '9')
        return 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*end || v < 0)
        return 0;
    *out = v;
    return 1;
}

void route_events(http_request *req, http_reply *out)
{
    param_check pc = {0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    if (pc.unknown) {
        const char *field = pc.unknown, *message = _("unknown parameter; use since");
        http_reply_field_errors(out, _("a query parameter is not valid"), &field, &message, 1);
        return;
    }
    const char *last = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Last-Event-ID");
    const char *since = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "since");
    const char *given = last ? last : since;
    int64_t after = 0;
    if (given && !event_id(given, &after)) {
        const char *field = last ? "Last-Event-ID" : "since", *message = _("an event id (a whole number)");
        http_reply_field_errors(out, _("a query parameter is not valid"), &field, &message, 1);
        return;
    }
    int role = access_role_parse(req->role);
    if (role < 0) {
        http_reply_problem(out, 403, _("this role cannot listen to events"), NULL);
        return;
    }
    if (!given) { /* from now on */
        store *st;
        emb_err err;
        emb_err_clear(&err);
        if (http_db_acquire(req->srv, &st, &err)) {
            http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
            return;
        }
        emb_code rc = store_events_last_id(st, &after, &err);
        http_db_release(req->srv, st);
        if (rc) {
            http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
            return;
        }
    }
    struct MHD_Response *r =
        http_events_response(http_server_events(req->srv), req->conn, req->user_id, (access_role)role, after);
    if (!r) {
        http_reply_problem(out, 503, _("the server is stopping"), _("connect again in a moment"));
        return;
    }
    MHD_add_response_header(r, "X-Accel-Buffering", "no"); /* a proxy in front must not hold events back */
    *out = (http_reply){.status = 200, .content_type = "text/event-stream", .response = r};
}
