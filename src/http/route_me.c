/* route_me.c - GET /api/v1/me: who the request's credentials name. */
#include <jansson.h>
#include <sqlite3.h>
#include <string.h>

#include "core/i18n.h"
#include "http/route.h"

void route_me(http_request *req, http_reply *out)
{
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(req->srv, &st, &err)) {
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return;
    }
    sqlite3_stmt *s;
    json_t *o = NULL;
    if (sqlite3_prepare_v2(store_sqlite(st), "SELECT name, email, role FROM users WHERE id = ?1", -1, &s, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(s, 1, req->user_id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            const char *email = (const char *)sqlite3_column_text(s, 1);
            o = json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)req->user_id, "name",
                          (const char *)sqlite3_column_text(s, 0), "email", email ? json_string(email) : json_null(),
                          "role", req->role, "user_role", (const char *)sqlite3_column_text(s, 2));
        }
        sqlite3_finalize(s);
    }
    http_db_release(req->srv, st);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        http_reply_problem(out, 500, _("the user cannot be read"), NULL);
        return;
    }
    *out = (http_reply){.status = 200, .content_type = "application/json", .body = text, .len = strlen(text)};
}
