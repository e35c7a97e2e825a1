/* route_audit.c - GET /api/v1/audit: the audit log for admins (store/audit.h),
 * newest first, paged by `before`. */
#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/kind.h"
#include "core/tz.h"
#include "core/value.h"
#include "http/route.h"
#include "store/audit.h"

static const char *const audit_params[] = {"kind", "record", "user", "action", "since", "until", "limit", "before",
                                           NULL};

typedef struct {
    const char *unknown; /* the first parameter the route does not know */
} param_check;

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    param_check *pc = cls;
    for (const char *const *p = audit_params; *p; p++)
        if (!strcmp(*p, key))
            return MHD_YES;
    if (!pc->unknown)
        pc->unknown = key;
    return MHD_YES;
}

/* A positive integer parameter; 0 when absent, -1 when not one. */
static int64_t positive(const char *text)
{
    if (!text)
        return 0;
    if (text[0] == '#')
        text++;
    char *end;
    long long v = strtoll(text, &end, 10);
    return *text && !*end && v > 0 && text[0] != '+' && text[0] != '-' ? v : -1;
}

typedef struct {
    char *text; /* the link so far, in a; NULL when out of memory */
    arena *a;
} next_link;

/* Appends "&key=value" (percent-encoded) for each parameter but before. */
static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    next_link *link = cls;
    if (!link->text || !strcmp(key, "before"))
        return MHD_YES;
    const char *parts[2] = {key, value ? value : ""};
    char *enc[2];
    for (int i = 0; i < 2; i++) {
        size_t len = strlen(parts[i]);
        char *e = arena_alloc(link->a, 3 * len + 1), *w = e;
        if (!e) {
            link->text = NULL;
            return MHD_YES;
        }
        for (const unsigned char *c = (const unsigned char *)parts[i]; *c; c++)
            if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                strchr("-._~", *c))
                *w++ = (char)*c;
            else
                w += snprintf(w, 4, "%%%02X", *c);
        *w = '\0';
        enc[i] = e;
    }
    link->text = arena_printf(link->a, "%s&%s=%s", link->text, enc[0], enc[1]);
    return MHD_YES;
}

static void iso_utc(int64_t t, char out[24])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads the query into f; a 400 in out and 0 when a parameter is wrong. */
static int read_filter(http_request *req, store *st, const tz *zone, audit_filter *f, http_reply *out)
{
    param_check pc = {0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    const char *field = NULL, *message = NULL;
    char msg[256];
    emb_err err;
    *f = (audit_filter){.limit = 50};
#define ARG(name) MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name)
    const char *kind = ARG("kind"), *record_text = ARG("record"), *user = ARG("user"), *since = ARG("since"),
               *until = ARG("until"), *limit = ARG("limit"), *before = ARG("before");
    f->action = ARG("action");
#undef ARG
    const kind_def *k = kind ? kind_find(kind) : NULL;
    if (pc.unknown) {
        field = pc.unknown;
        message = _("unknown parameter; use kind, record, user, action, since, until, limit or before");
    } else if (kind && !k) {
        field = "kind";
        snprintf(msg, sizeof msg, _("unknown kind '%s'"), kind);
        message = msg;
    } else if ((f->record_id = positive(record_text)) < 0) {
        field = "record";
        message = _("a record id (a positive number)");
    } else if (limit && ((f->limit = positive(limit)) < 1 || f->limit > 1000)) {
        field = "limit";
        message = _("a number from 1 to 1000");
    } else if ((f->before_id = positive(before)) < 0) {
        field = "before";
        message = _("an audit entry id (a positive number)");
    } else if (since && value_parse_instant(since, DATE_ISO, NULL, zone, &f->since, &err)) {
        field = "since";
        message = _("a date or time (2026-07-14, 2026-07-14T10:30:00Z)");
    } else if (until && value_parse_instant(until, DATE_ISO, NULL, zone, &f->until, &err)) {
        field = "until";
        message = _("a date or time (2026-07-14, 2026-07-14T10:30:00Z)");
    } else if (user) {
        int64_t id = positive(user);
        if (id > 0)
            f->user_id = id;
        else if (store_record_resolve(st, kind_find("users"), user, 0, &f->user_id, &err)) {
            field = "user";
            message = err.msg;
        }
    }
    if (field) {
        http_reply_field_errors(out, _("the query is not valid"), &field, &message, 1);
        return 0;
    }
    f->kind = k ? k->name : NULL;
    return 1;
}

void route_audit(http_request *req, http_reply *out)
{
    if (strcmp(req->role, "admin")) {
        http_reply_problem(out, 403, _("the audit log is for admins"), NULL);
        return;
    }
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(req->srv, &st, &err)) {
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return;
    }
    const tz *zone = NULL;
    arena a;
    arena_init(&a, 0);
    audit_filter f;
    audit_entry *rows = NULL;
    size_t n = 0;
    if (http_server_zone(req->srv, store_org(st)->timezone, &zone, &err)) {
        http_reply_problem(out, 500, _("the organisation's time zone cannot be read"), err.msg);
        goto done;
    }
    if (!read_filter(req, st, zone, &f, out))
        goto done;
    if (store_audit_list(st, &f, &a, &rows, &n, &err)) {
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        goto done;
    }
    json_t *entries = json_array();
    for (size_t i = 0; i < n; i++) {
        const audit_entry *e = &rows[i];
        char at[24];
        iso_utc(e->at, at);
        json_t *detail = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
        json_array_append_new(entries,
                              json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:o}", "id", (json_int_t)e->id, "at", at,
                                        "user_id", e->user_id ? json_integer(e->user_id) : json_null(), "user",
                                        e->user_email ? json_string(e->user_email) : json_null(), "action",
                                        e->action, "kind", e->kind, "record_id",
                                        e->record_id ? json_integer(e->record_id) : json_null(), "detail",
                                        detail ? detail : json_null()));
    }
    json_t *body = json_pack("{s:o}", "entries", entries);
    if (body && n == (size_t)f.limit) {
        /* The next page: the same filters, older than the last entry. */
        next_link link = {.text = arena_printf(&a, "/api/v1/audit?before=%lld", (long long)rows[n - 1].id), .a = &a};
        MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_param, &link);
        json_object_set_new(body, "next", link.text ? json_string(link.text) : json_null());
    }
    http_reply_json(out, 200, body);
done:
    arena_release(&a);
    http_db_release(req->srv, st);
}
