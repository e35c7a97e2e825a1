/* route_webhooks.c - /api/v1/webhooks (admins only): hooks listed, created (with
 * their secret, shown once), read, changed and deleted; their deliveries listed and
 * replayed. Storage is store/webhooks.h; sending is http/webhook_worker.h. */
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/route.h"
#include "http/webhook_worker.h"
#include "store/events.h"
#include "store/webhooks.h"

enum { DESCRIPTION_MAX = 500, DELIVERIES_PAGE = 50 };

static json_t *iso_or_null(int64_t t)
{
    if (!t)
        return json_null();
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char text[32];
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(text);
}

static json_t *hook_json(const webhook *h)
{
    json_t *events = json_loads(h->events ? h->events : "[]", 0, NULL);
    json_t *o = json_pack("{s:I, s:s, s:o, s:b}", "id", (json_int_t)h->id, "url", h->url ? h->url : "", "events",
                          events ? events : json_array(), "active", h->active);
    if (!o)
        return NULL;
    json_object_set_new(o, "description", h->description ? json_string(h->description) : json_null());
    json_object_set_new(o, "created", iso_or_null(h->created));
    json_object_set_new(o, "created_by", h->created_by ? json_integer(h->created_by) : json_null());
    return o;
}

static json_t *delivery_json(const webhook_delivery *d)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)d->id, "event_id", (json_int_t)d->event_id,
                          "event_type", d->event_type ? d->event_type : "", "status", d->status ? d->status : "",
                          "attempts", (json_int_t)d->attempts);
    if (!o)
        return NULL;
    json_object_set_new(o, "created", iso_or_null(d->created));
    json_object_set_new(o, "next_attempt", iso_or_null(d->next_attempt));
    json_object_set_new(o, "last_attempt", iso_or_null(d->last_attempt));
    json_object_set_new(o, "last_status", d->last_status ? json_integer(d->last_status) : json_null());
    json_object_set_new(o, "latency_ms", d->last_latency_ms >= 0 ? json_integer(d->last_latency_ms) : json_null());
    json_object_set_new(o, "last_error", d->last_error ? json_string(d->last_error) : json_null());
    json_object_set_new(o, "replay_of", d->replay_of ? json_integer(d->replay_of) : json_null());
    return o;
}

/* 1 for an admin; else 0 with a 403 in out. */
static int admin_only(const http_request *req, http_reply *out)
{
    if (!strcmp(req->role, "admin"))
        return 1;
    http_reply_problem(out, 403, _("only admins manage webhooks"), NULL);
    return 0;
}

/* A positive id from a path segment, or 0. */
static int64_t path_id(const char *text)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    return *text >= '1' && *text <= '9' && !*end && v > 0 ? v : 0;
}

static void reply_store_error(http_reply *out, const emb_err *err)
{
    if (err->code == EMB_NOT_FOUND)
        http_reply_problem(out, 404, _("not found"), err->msg);
    else if (err->code == EMB_BUSY)
        http_reply_problem(out, 503, _("the database is busy"), err->msg);
    else
        http_reply_problem(out, 500, _("the webhooks cannot be read or written"), err->msg);
}

typedef struct {
    const char *field[8];
    const char *message[8];
    int n;
} field_errors;

static void field_error(field_errors *fe, const char *field, const char *message)
{
    if (fe->n < 8) {
        fe->field[fe->n] = field;
        fe->message[fe->n] = message;
        fe->n++;
    }
}

/* Reads a hook's fields from body into c (texts borrowed from body; events as a
 * JSON text the caller frees); creating: url and events are needed. */
static void read_change(json_t *body, int creating, webhook_change *c, char **events_text, field_errors *fe)
{
    *c = (webhook_change){.active = -1};
    *events_text = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (!strcmp(key, "url")) {
            if (!json_is_string(v) || !webhook_url_valid(json_string_value(v)))
                field_error(fe, "url", _("an http:// or https:// URL, without spaces"));
            else
                c->url = json_string_value(v);
        } else if (!strcmp(key, "events")) {
            int ok = json_is_array(v) && json_array_size(v) > 0;
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
            {
                ok = ok && json_is_string(e) && event_type_parse(json_string_value(e)) >= 0;
                for (size_t j = 0; ok && j < i; j++)
                    ok = strcmp(json_string_value(json_array_get(v, j)), json_string_value(e)) != 0;
            }
            if (!ok)
                field_error(fe, "events",
                            _("a list of event types, each once: deal.created, deal.updated, deal.stage_changed, "
                              "deal.won, deal.lost, deal.amount_changed, deal.deleted, activity.logged, "
                              "import.finished"));
            else if (!(*events_text = json_dumps(v, JSON_COMPACT)))
                field_error(fe, "events", _("out of memory"));
            else
                c->events = *events_text;
        } else if (!strcmp(key, "active")) {
            if (!json_is_boolean(v))
                field_error(fe, "active", _("true or false"));
            else
                c->active = json_is_true(v);
        } else if (!strcmp(key, "description")) {
            if (json_is_null(v))
                c->description = "";
            else if (!json_is_string(v) || strlen(json_string_value(v)) > DESCRIPTION_MAX)
                field_error(fe, "description", _("a text of at most 500 bytes"));
            else
                c->description = json_string_value(v);
        } else {
            field_error(fe, key, _("unknown field; use url, events, active or description"));
        }
    }
    if (creating && !c->url && !json_object_get(body, "url"))
        field_error(fe, "url", _("needed: the URL to send the events to"));
    if (creating && !c->events && !json_object_get(body, "events"))
        field_error(fe, "events", _("needed: the event types to send"));
}

static int open_db(http_request *req, http_reply *out, store **st, emb_err *err)
{
    emb_err_clear(err);
    if (!http_db_acquire(req->srv, st, err))
        return 1;
    http_reply_problem(out, 503, _("the database cannot be read"), err->msg);
    return 0;
}

/* Answers hook id as it is now, with status. */
static void reply_hook(http_request *req, store *st, int64_t id, int status, const char *secret, http_reply *out)
{
    arena a;
    arena_init(&a, 0);
    webhook h;
    emb_err err;
    emb_err_clear(&err);
    if (store_webhook_get(st, id, &a, &h, &err)) {
        reply_store_error(out, &err);
    } else {
        json_t *o = hook_json(&h);
        if (o && secret)
            json_object_set_new(o, "secret", json_string(secret));
        http_reply_json(out, status, o);
        if (status == 201 && out->status == 201) {
            char location[64];
            snprintf(location, sizeof location, "/api/v1/webhooks/%lld", (long long)id);
            out->location = strdup(location);
        }
    }
    arena_release(&a);
    (void)req;
}

void route_webhooks_list(http_request *req, http_reply *out)
{
    if (!admin_only(req, out))
        return;
    store *st;
    emb_err err;
    if (!open_db(req, out, &st, &err))
        return;
    arena a;
    arena_init(&a, 0);
    webhook *hooks;
    size_t n;
    if (store_webhook_list(st, &a, &hooks, &n, &err)) {
        reply_store_error(out, &err);
    } else {
        json_t *data = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(data, hook_json(&hooks[i]));
        http_reply_json(out, 200, json_pack("{s:o}", "data", data));
    }
    arena_release(&a);
    http_db_release(req->srv, st);
}

void route_webhooks_create(http_request *req, http_reply *out)
{
    if (!admin_only(req, out))
        return;
    json_t *body = http_request_json_object(req, out);
    if (!body)
        return;
    webhook_change c;
    char *events = NULL;
    field_errors fe = {0};
    read_change(body, 1, &c, &events, &fe);
    if (fe.n) {
        http_reply_field_errors(out, _("the webhook has errors"), fe.field, fe.message, fe.n);
    } else {
        store *st;
        emb_err err;
        if (open_db(req, out, &st, &err)) {
            int64_t id;
            char secret[WEBHOOK_SECRET_SIZE];
            if (store_webhook_create(st, &c, req->user_id, (int64_t)time(NULL), &id, secret, &err))
                reply_store_error(out, &err);
            else
                reply_hook(req, st, id, 201, secret, out);
            sodium_memzero(secret, sizeof secret);
            http_db_release(req->srv, st);
        }
    }
    free(events);
    json_decref(body);
}

/* The hook of the path's first parameter: its id, or 0 with a 404 in out. */
static int64_t hook_of_path(const http_request *req, http_reply *out)
{
    int64_t id = path_id(req->param[0]);
    if (!id)
        http_reply_problem(out, 404, _("not found"), NULL);
    return id;
}

void route_webhooks_get(http_request *req, http_reply *out)
{
    int64_t id;
    store *st;
    emb_err err;
    if (!admin_only(req, out) || !(id = hook_of_path(req, out)) || !open_db(req, out, &st, &err))
        return;
    reply_hook(req, st, id, 200, NULL, out);
    http_db_release(req->srv, st);
}

void route_webhooks_update(http_request *req, http_reply *out)
{
    int64_t id;
    if (!admin_only(req, out) || !(id = hook_of_path(req, out)))
        return;
    json_t *body = http_request_json_object(req, out);
    if (!body)
        return;
    webhook_change c;
    char *events = NULL;
    field_errors fe = {0};
    read_change(body, 0, &c, &events, &fe);
    store *st;
    emb_err err;
    if (fe.n) {
        http_reply_field_errors(out, _("the webhook has errors"), fe.field, fe.message, fe.n);
    } else if (open_db(req, out, &st, &err)) {
        if (store_webhook_update(st, id, &c, req->user_id, (int64_t)time(NULL), &err))
            reply_store_error(out, &err);
        else
            reply_hook(req, st, id, 200, NULL, out);
        http_db_release(req->srv, st);
    }
    free(events);
    json_decref(body);
}

void route_webhooks_delete(http_request *req, http_reply *out)
{
    int64_t id;
    store *st;
    emb_err err;
    if (!admin_only(req, out) || !(id = hook_of_path(req, out)) || !open_db(req, out, &st, &err))
        return;
    if (store_webhook_delete(st, id, req->user_id, (int64_t)time(NULL), &err))
        reply_store_error(out, &err);
    else
        http_reply_text(out, 204, NULL, NULL, 0);
    http_db_release(req->srv, st);
}

/* A whole number query parameter in [1, max]: its value, 0 when absent, -1 when bad. */
static int64_t query_number(const http_request *req, const char *name, int64_t max)
{
    const char *text = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
    if (!text)
        return 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    return *text >= '1' && *text <= '9' && !*end && v >= 1 && v <= max ? v : -1;
}

typedef struct {
    const char *unknown;
} param_check;

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    param_check *pc = cls;
    if (strcmp(key, "limit") && strcmp(key, "before") && !pc->unknown)
        pc->unknown = key;
    return MHD_YES;
}

void route_webhook_deliveries(http_request *req, http_reply *out)
{
    int64_t id;
    if (!admin_only(req, out) || !(id = hook_of_path(req, out)))
        return;
    param_check pc = {0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    int64_t limit = query_number(req, "limit", 1000), before = query_number(req, "before", INT64_MAX);
    const char *field = NULL, *message = NULL;
    if (pc.unknown)
        field = pc.unknown, message = _("unknown parameter; use limit or before");
    else if (limit < 0)
        field = "limit", message = _("a number from 1 to 1000");
    else if (before < 0)
        field = "before", message = _("a delivery id (a positive number)");
    if (field) {
        http_reply_field_errors(out, _("a query parameter is not valid"), &field, &message, 1);
        return;
    }
    if (!limit)
        limit = DELIVERIES_PAGE;
    store *st;
    emb_err err;
    if (!open_db(req, out, &st, &err))
        return;
    arena a;
    arena_init(&a, 0);
    webhook h;
    webhook_delivery *d;
    size_t n;
    if (store_webhook_get(st, id, &a, &h, &err) || store_webhook_deliveries(st, id, before, limit, &a, &d, &n, &err)) {
        reply_store_error(out, &err);
    } else {
        json_t *data = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(data, delivery_json(&d[i]));
        json_t *o = json_pack("{s:o}", "data", data);
        if (o && n == (size_t)limit) {
            char next[128];
            snprintf(next, sizeof next, "/api/v1/webhooks/%lld/deliveries?limit=%lld&before=%lld", (long long)id,
                     (long long)limit, (long long)d[n - 1].id);
            json_object_set_new(o, "next", json_string(next));
        }
        http_reply_json(out, 200, o);
    }
    arena_release(&a);
    http_db_release(req->srv, st);
}

void route_webhook_replay(http_request *req, http_reply *out)
{
    int64_t id, delivery = path_id(req->param[1]);
    if (!admin_only(req, out) || !(id = hook_of_path(req, out)))
        return;
    if (!delivery) {
        http_reply_problem(out, 404, _("not found"), NULL);
        return;
    }
    store *st;
    emb_err err;
    if (!open_db(req, out, &st, &err))
        return;
    int64_t new_id;
    arena a;
    arena_init(&a, 0);
    webhook_delivery d;
    if (store_webhook_replay(st, id, delivery, req->user_id, (int64_t)time(NULL), &new_id, &err) ||
        store_webhook_delivery_get(st, id, new_id, &a, &d, &err)) {
        reply_store_error(out, &err);
    } else {
        http_reply_json(out, 202, delivery_json(&d));
        http_webhooks_wake(http_server_webhooks(req->srv));
    }
    arena_release(&a);
    http_db_release(req->srv, st);
}
