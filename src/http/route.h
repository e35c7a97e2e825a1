/*
 * route.h - what the server's routes share: the request a handler answers, the
 * reply it fills, the table of routes, and the database connections of the pool.
 *
 * A handler runs on a worker thread, once per request, after the whole request has
 * arrived. It fills *out: a status, a content type (a static string) and a body it
 * allocated with malloc (the server frees it). It never writes to the connection
 * itself and never calls exit(); a failure of its own is a reply (a problem+json
 * 5xx when the fault is the server's, which the tests treat as a bug).
 *
 * Ownership: the request and the strings it points to belong to the server and
 * live until the handler returns. A store from http_db_acquire() is the handler's
 * alone until http_db_release(), which it must call before returning.
 */
#ifndef EMB_HTTP_ROUTE_H
#define EMB_HTTP_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "core/tz.h"
#include "http/server.h"
#include "store/store.h"

struct MHD_Connection;
struct MHD_Response;

/* The name of the session cookie. */
#define HTTP_SESSION_COOKIE "embudo_session"

/* Path parameters: at most HTTP_PARAMS per route, each shorter than HTTP_PARAM_MAX
 * bytes (a longer segment matches no route). */
enum { HTTP_PARAMS = 2, HTTP_PARAM_MAX = 256 };

typedef struct {
    http_server *srv;
    struct MHD_Connection *conn; /* for the query string and headers */
    const char *method;          /* "GET" ... (HEAD is answered as GET without the body) */
    const char *path;            /* decoded, without the query string */
    const char *body;            /* the request's body (NUL-terminated), body_len bytes; for an
                                    upload route, mapped from its temporary file */
    size_t body_len;
    int64_t user_id;             /* the authenticated user (routes with auth), else 0 */
    char role[16];               /* their role for this request (a token's may be lower) */
    int tls;                     /* the request came over HTTPS */
    char param[HTTP_PARAMS][HTTP_PARAM_MAX]; /* the route's {kind} and {id}, in path order */
} http_request;

typedef struct {
    int status;
    const char *content_type;
    char *body; /* malloc'd, len bytes; may be NULL when len is 0 */
    size_t len;
    const char *allow; /* for 405: the methods the path accepts */
    char *set_cookie;  /* malloc'd Set-Cookie value, or NULL */
    char *link;        /* malloc'd Link header value, or NULL */
    char *location;    /* malloc'd Location header value, or NULL */
    long retry_after;  /* seconds for a Retry-After header (429), 0 none */
    char etag[48];     /* an ETag header (quoted), "" for none; with one, Cache-Control: private, no-cache */
    struct MHD_Response *response; /* a streamed response (http/event_stream.h) sent instead of body, or
                                      NULL; the server queues it and drops the handler's reference */
    char *disposition; /* malloc'd Content-Disposition value, or NULL */
    /* A body written while it is sent, for answers too large to hold (an export):
     * with stream set, body is NULL and len 0. The server calls stream(stream_cls,
     * buf, max) on its worker thread, one call at a time, until it returns
     * HTTP_STREAM_END (the body is whole) or HTTP_STREAM_ERROR (the connection is
     * cut, so the client sees an answer cut short, never a short one that looks
     * whole); other returns are the bytes put in buf (1 to max). stream_free
     * (stream_cls) is called once when the answer is done or abandoned, also when
     * it never started. */
    ssize_t (*stream)(void *cls, char *buf, size_t max);
    void (*stream_free)(void *cls);
    void *stream_cls;
} http_reply;

enum { HTTP_STREAM_END = -1, HTTP_STREAM_ERROR = -2 };

typedef void (*http_handler)(http_request *req, http_reply *out);

typedef struct {
    const char *method; /* "GET", "POST" ... */
    const char *path;   /* the path, where a segment {NAME} is a parameter: {kind} matches the
                           plural name of a kind of the store (kind_find), any other name one
                           non-empty segment; /metrics counts requests by this pattern */
    http_handler fn;
    int auth;           /* 1: only for a known user (`Authorization: Bearer TOKEN`), else 401 */
    int upload;         /* 1: the body may be a file of up to the import-max-bytes setting (not
                           1 MiB), received into a temporary file (removed at once; only the
                           request holds it) and mapped as req->body */
} http_route;

/* The routes, in the order /metrics lists them. */
extern const http_route http_routes[];
extern const int http_nroutes;

/* The route of method and path: its index, with its parameters' values in param
 * (may be NULL), or -1. A route of exact path wins over one with parameters. For a
 * path served under other methods only, allow (size bytes) lists them ("GET, HEAD")
 * and -1 is returned; otherwise allow is "". */
int http_route_find(const char *method, const char *path, char param[][HTTP_PARAM_MAX], char *allow, size_t size);

/* Replies. They set out whole; when out of memory the reply is a bodiless 500. */
void http_reply_text(http_reply *out, int status, const char *content_type, const char *text, size_t len);
/* An RFC 9457 problem (application/problem+json): title and detail for people. */
void http_reply_problem(http_reply *out, int status, const char *title, const char *detail);
/* A 400 problem listing field errors: "errors": [{"field": F, "message": M}...],
 * fields[i] and messages[i] for i < n. */
void http_reply_field_errors(http_reply *out, const char *title, const char *const *fields,
                             const char *const *messages, int n);
/* 1 when the request says its body is JSON (Content-Type: application/json), else
 * 0 with a 415 problem in out. */
int http_request_is_json(const http_request *req, http_reply *out);
/* The request's body as a JSON object (the caller's to json_decref), or NULL with
 * the 415 or 400 problem (not JSON, a name given twice, not an object) in out. */
struct json_t *http_request_json_object(const http_request *req, http_reply *out);
/* A JSON reply of o (which it takes), or a 500 when it cannot be written. */
void http_reply_json(http_reply *out, int status, void *o);

/* A connection to the server's database, opened for the calling thread's use
 * until released. EMB_* with err set when the database cannot be opened. */
emb_code http_db_acquire(http_server *srv, store **out, emb_err *err);
void http_db_release(http_server *srv, store *st);

/* The server's event streams (http/event_stream.h). */
struct http_events *http_server_events(http_server *srv);
/* The server's webhook worker (http/webhook_worker.h). */
struct http_webhooks *http_server_webhooks(http_server *srv);
/* The server's settings (copied at start, read-only). */
const server_settings *http_server_settings(const http_server *srv);

/* The server's analytics snapshot (http/snapshots.h). */
struct http_snaps *http_server_snaps(http_server *srv);

/* The time zone named, opened once per server and shared by the requests (it lives
 * as long as the server; never closed by the caller). */
emb_code http_server_zone(http_server *srv, const char *name, const tz **out, emb_err *err);

/* The database's path, and the counters' text for /metrics (server.c). */
const char *http_server_db_path(const http_server *srv);
char *http_server_counters_text(const http_server *srv, size_t *len);

/* The handlers (one file per resource). */
void route_healthz(http_request *req, http_reply *out);
void route_metrics(http_request *req, http_reply *out);
void route_me(http_request *req, http_reply *out);
void route_session_create(http_request *req, http_reply *out);
void route_session_delete(http_request *req, http_reply *out);
void route_openapi(http_request *req, http_reply *out);
void route_kpi(http_request *req, http_reply *out);
void route_leaderboard(http_request *req, http_reply *out);
void route_audit(http_request *req, http_reply *out);
/* Records of every kind (route_records.c, route_records_write.c). */
void route_records_list(http_request *req, http_reply *out);
void route_records_get(http_request *req, http_reply *out);
void route_records_create(http_request *req, http_reply *out);
void route_records_update(http_request *req, http_reply *out);
void route_records_delete(http_request *req, http_reply *out);
void route_deal_history(http_request *req, http_reply *out);
void route_dashboard(http_request *req, http_reply *out);
void route_settings_get(http_request *req, http_reply *out);
void route_settings_patch(http_request *req, http_reply *out);
void route_events(http_request *req, http_reply *out);
/* Webhooks (route_webhooks.c), admins only. */
void route_webhooks_list(http_request *req, http_reply *out);
void route_webhooks_create(http_request *req, http_reply *out);
void route_webhooks_get(http_request *req, http_reply *out);
void route_webhooks_update(http_request *req, http_reply *out);
void route_webhooks_delete(http_request *req, http_reply *out);
void route_webhook_deliveries(http_request *req, http_reply *out);
void route_webhook_replay(http_request *req, http_reply *out);
/* Import and export of whole files (route_import.c, route_export.c). */
void route_import(http_request *req, http_reply *out);
void route_export(http_request *req, http_reply *out);

#endif
