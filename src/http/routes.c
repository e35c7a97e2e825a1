/* routes.c - the table of the server's routes and the replies they share; see route.h. */
#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "http/route.h"

#include "core/kind.h"

const http_route http_routes[] = {
    {"GET", "/healthz", route_healthz, 0},
    {"GET", "/metrics", route_metrics, 0},
    {"GET", "/api/v1/me", route_me, 1},
    {"POST", "/api/v1/session", route_session_create, 0},
    {"DELETE", "/api/v1/session", route_session_delete, 1},
    {"GET", "/api/v1/openapi.json", route_openapi, 0},
    {"GET", "/api/v1/kpi", route_kpi, 1},
    {"GET", "/api/v1/leaderboard", route_leaderboard, 1},
    {"GET", "/api/v1/audit", route_audit, 1},
    {"GET", "/api/v1/dashboard", route_dashboard, 1},
    {"GET", "/api/v1/settings", route_settings_get, 1},
    {"PATCH", "/api/v1/settings", route_settings_patch, 1},
    {"GET", "/api/v1/events", route_events, 1},
    {"GET", "/api/v1/webhooks", route_webhooks_list, 1},
    {"POST", "/api/v1/webhooks", route_webhooks_create, 1},
    {"GET", "/api/v1/webhooks/{id}", route_webhooks_get, 1},
    {"PATCH", "/api/v1/webhooks/{id}", route_webhooks_update, 1},
    {"DELETE", "/api/v1/webhooks/{id}", route_webhooks_delete, 1},
    {"GET", "/api/v1/webhooks/{id}/deliveries", route_webhook_deliveries, 1},
    {"POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/replay", route_webhook_replay, 1},
    {"GET", "/api/v1/deals/{id}/history", route_deal_history, 1},
    {"POST", "/api/v1/import/{kind}", route_import, 1, .upload = 1},
    {"GET", "/api/v1/export/{kind}", route_export, 1},
    {"GET", "/api/v1/{kind}", route_records_list, 1},
    {"POST", "/api/v1/{kind}", route_records_create, 1},
    {"GET", "/api/v1/{kind}/{id}", route_records_get, 1},
    {"PATCH", "/api/v1/{kind}/{id}", route_records_update, 1},
    {"DELETE", "/api/v1/{kind}/{id}", route_records_delete, 1},
};
const int http_nroutes = sizeof http_routes / sizeof http_routes[0];

/* Whether name is the plural name of a kind, exactly (as kind_all() gives it). */
static int is_kind(const char *name)
{
    for (const kind_def *const *k = kind_all(); *k; k++)
        if (!strcmp((*k)->name, name))
            return 1;
    return 0;
}

/* Whether path matches pattern (see http_route); the parameters' values go to
 * param. */
static int match(const char *pattern, const char *path, char param[][HTTP_PARAM_MAX])
{
    int np = 0;
    while (*pattern) {
        if (*pattern != '{') {
            if (*pattern++ != *path++)
                return 0;
            continue;
        }
        const char *name = pattern + 1, *end = strchr(name, '}');
        if (!end || np == HTTP_PARAMS)
            return 0;
        size_t len = strcspn(path, "/");
        if (!len || len >= HTTP_PARAM_MAX)
            return 0;
        memcpy(param[np], path, len);
        param[np][len] = '\0';
        if ((size_t)(end - name) == 4 && !strncmp(name, "kind", 4) && !is_kind(param[np]))
            return 0;
        np++;
        path += len;
        pattern = end + 1;
    }
    return *path == '\0';
}

int http_route_find(const char *method, const char *path, char param[][HTTP_PARAM_MAX], char *allow, size_t size)
{
    size_t n = 0;
    allow[0] = '\0';
    char scratch[HTTP_PARAMS][HTTP_PARAM_MAX];
    /* Pass 0: routes of exact path; pass 1, when none has the path: patterns. */
    for (int pass = 0; pass < 2 && !n; pass++) {
        for (int i = 0; i < http_nroutes; i++) {
            int literal = !strchr(http_routes[i].path, '{');
            if (literal != (pass == 0))
                continue;
            if (literal ? strcmp(http_routes[i].path, path) != 0 : !match(http_routes[i].path, path, scratch))
                continue;
            int get = !strcmp(http_routes[i].method, "GET");
            if (!strcmp(http_routes[i].method, method) || (!strcmp(method, "HEAD") && get)) {
                if (param && !literal)
                    memcpy(param, scratch, sizeof scratch);
                allow[0] = '\0';
                return i;
            }
            n += (size_t)snprintf(allow + n, n < size ? size - n : 0, "%s%s%s", n ? ", " : "",
                                  http_routes[i].method, get ? ", HEAD" : "");
        }
    }
    return -1;
}

void http_reply_text(http_reply *out, int status, const char *content_type, const char *text, size_t len)
{
    *out = (http_reply){.status = status, .content_type = content_type};
    if (!len)
        return;
    if (!(out->body = malloc(len))) {
        *out = (http_reply){.status = 500, .content_type = "text/plain"};
        return;
    }
    memcpy(out->body, text, len);
    out->len = len;
}

void http_reply_problem(http_reply *out, int status, const char *title, const char *detail)
{
    json_t *o = json_pack("{s:s, s:s, s:i}", "type", "about:blank", "title", title, "status", status);
    if (o && detail)
        json_object_set_new(o, "detail", json_string(detail));
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        *out = (http_reply){.status = 500, .content_type = "text/plain"};
        return;
    }
    *out = (http_reply){.status = status, .content_type = "application/problem+json", .body = text,
                        .len = strlen(text)};
}

void http_reply_json(http_reply *out, int status, void *o)
{
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        *out = (http_reply){.status = 500, .content_type = "text/plain"};
        return;
    }
    *out = (http_reply){.status = status, .content_type = "application/json", .body = text, .len = strlen(text)};
}

void http_reply_field_errors(http_reply *out, const char *title, const char *const *fields,
                             const char *const *messages, int n)
{
    json_t *errors = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(errors, json_pack("{s:s, s:s}", "field", fields[i], "message", messages[i]));
    json_t *o = json_pack("{s:s, s:s, s:i, s:o}", "type", "about:blank", "title", title, "status", 400, "errors",
                          errors);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        *out = (http_reply){.status = 500, .content_type = "text/plain"};
        return;
    }
    *out = (http_reply){.status = 400, .content_type = "application/problem+json", .body = text, .len = strlen(text)};
}

int http_request_is_json(const http_request *req, http_reply *out)
{
    const char *type = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (type && !strncmp(type, "application/json", 16))
        return 1;
    http_reply_problem(out, 415, _("the body must be JSON"), _("send Content-Type: application/json"));
    return 0;
}

json_t *http_request_json_object(const http_request *req, http_reply *out)
{
    if (!http_request_is_json(req, out))
        return NULL;
    json_error_t jerr;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (body && json_is_object(body))
        return body;
    char detail[256];
    snprintf(detail, sizeof detail, body ? _("the body must be a JSON object") : _("line %d, column %d: %s"),
             jerr.line, jerr.column, jerr.text);
    json_decref(body);
    http_reply_problem(out, 400, _("the body is not valid JSON"), detail);
    return NULL;
}
