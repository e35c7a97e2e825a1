/* route_session.c - POST /api/v1/session (log in: a session cookie and its CSRF
 * token) and DELETE /api/v1/session (log out). */
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/route.h"
#include "store/auth.h"

/* The Set-Cookie value of the session token (NULL: the one that ends it). */
static char *session_cookie(const char *token, int tls)
{
    char *c = NULL;
    if (asprintf(&c, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", HTTP_SESSION_COOKIE, token ? token : "",
                 token ? AUTH_SESSION_SECONDS : 0, tls ? "; Secure" : "") < 0)
        return NULL;
    return c;
}

void route_session_create(http_request *req, http_reply *out)
{
    json_t *body = http_request_json_object(req, out);
    if (!body)
        return;
    const char *fields[4], *messages[4];
    int n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "email") && strcmp(key, "password") && n < 4) {
            fields[n] = key;
            messages[n++] = _("unknown field: a login takes email and password");
        }
    }
    const char *email = json_string_value(json_object_get(body, "email"));
    const char *password = json_string_value(json_object_get(body, "password"));
    if (!email && n < 4) {
        fields[n] = "email";
        messages[n++] = _("needed: the user's email, as text");
    }
    if (!password && n < 4) {
        fields[n] = "password";
        messages[n++] = _("needed: the password, as text");
    }
    if (n) {
        http_reply_field_errors(out, _("the login is incomplete"), fields, messages, n);
        json_decref(body);
        return;
    }
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(req->srv, &st, &err)) {
        json_decref(body);
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return;
    }
    login_outcome lo;
    emb_code rc = store_login(st, email, password, (int64_t)time(NULL), &lo, &err);
    json_t *user = NULL;
    if (!rc && lo.result == LOGIN_OK) {
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(store_sqlite(st), "SELECT name, email, role FROM users WHERE id = ?1", -1, &s, NULL) ==
            SQLITE_OK) {
            sqlite3_bind_int64(s, 1, lo.user_id);
            if (sqlite3_step(s) == SQLITE_ROW)
                user = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)lo.user_id, "name",
                                 (const char *)sqlite3_column_text(s, 0), "email",
                                 (const char *)sqlite3_column_text(s, 1), "role",
                                 (const char *)sqlite3_column_text(s, 2));
            sqlite3_finalize(s);
        }
    }
    http_db_release(req->srv, st);
    json_decref(body);
    if (rc) {
        json_decref(user);
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return;
    }
    char detail[160];
    switch (lo.result) {
    case LOGIN_OK:
        http_reply_json(out, 200, json_pack("{s:o, s:s}", "user", user ? user : json_null(), "csrf_token", lo.csrf));
        out->set_cookie = session_cookie(lo.session, req->tls);
        sodium_memzero(lo.session, sizeof lo.session);
        return;
    case LOGIN_BAD:
        http_reply_problem(out, 401, _("wrong email or password"), NULL);
        return;
    case LOGIN_WAIT:
        snprintf(detail, sizeof detail, _("too many failed logins: try again in %lld s"), (long long)lo.retry_after);
        http_reply_problem(out, 429, _("too many failed logins"), detail);
        out->retry_after = (long)lo.retry_after;
        return;
    case LOGIN_LOCKED:
        snprintf(detail, sizeof detail,
                 _("the account is locked after too many failed logins: try again in %lld s, or ask an admin"),
                 (long long)lo.retry_after);
        http_reply_problem(out, 429, _("the account is locked"), detail);
        out->retry_after = (long)lo.retry_after;
        return;
    }
}

void route_session_delete(http_request *req, http_reply *out)
{
    const char *cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (cookie && !http_db_acquire(req->srv, &st, &err)) {
        store_session_end(st, cookie, &err);
        http_db_release(req->srv, st);
    }
    http_reply_text(out, 204, NULL, NULL, 0);
    out->set_cookie = session_cookie(NULL, req->tls);
}
