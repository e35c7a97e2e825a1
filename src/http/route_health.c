/* route_health.c - GET /healthz: whether the server can read its database. */
#include <jansson.h>
#include <string.h>

#include "core/i18n.h"
#include "http/route.h"

/* 200 {"status":"ok","generation":N} when the database answers; 503 with the
 * reason otherwise (a load balancer then sends requests elsewhere). */
void route_healthz(http_request *req, http_reply *out)
{
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(req->srv, &st, &err)) {
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return;
    }
    int64_t generation = store_generation(st);
    http_db_release(req->srv, st);
    json_t *o = json_pack("{s:s, s:I}", "status", "ok", "generation", (json_int_t)generation);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        http_reply_text(out, 500, "text/plain", NULL, 0);
        return;
    }
    *out = (http_reply){.status = 200, .content_type = "application/json", .body = text, .len = strlen(text)};
}
