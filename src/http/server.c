/*
 * server.c - the HTTP server: libmicrohttpd's daemon, the one path every request
 * takes (time, route, answer, log, count), the pool of database connections and the
 * graceful stop; see server.h.
 *
 * Threads: the daemon's pool of workers (settings.threads), each its own epoll
 * loop. Per request, the handler's state is a request_ctx owned by its connection
 * (allocated on the first call, freed when the request completes). Shared state:
 * the counters (atomic), in_flight (atomic), the pool (its mutex), the access log
 * (stdio locks each line's write).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "http/counters.h"
#include "http/event_stream.h"
#include "http/webhook_worker.h"
#include <curl/curl.h>
#include "http/route.h"
#include "core/tz.h"
#include "http/snapshots.h"
#include "store/auth.h"

enum { POOL_MAX = 256, REQUEST_BODY_MAX = 1 << 20 };

struct http_server {
    struct MHD_Daemon *daemon;
    server_settings set;
    char *db_path;
    FILE *msgs;
    FILE *log;   /* NULL: no access log */
    int own_log; /* log is a file we opened */
    int port;
    int tls;
    char *cert_pem, *key_pem;
    http_counters counters;
    const char *route_names[HTTP_COUNTER_ROUTES];
    atomic_int in_flight; /* requests whose headers arrived and that are not answered yet */
    pthread_mutex_t pool_lock;
    store *pool[POOL_MAX]; /* idle connections */
    int npool;
    char *spool_dir;   /* where upload routes' bodies are received: $TMPDIR, else the database's directory */
    http_snaps *snaps; /* the analytics snapshot of the metric routes */
    tz_cache *zones;   /* the time zones the routes read text and write dates in */
    http_events *events; /* the event streams */
    http_webhooks *webhooks; /* the webhook worker */
};

typedef struct {
    int64_t start_ns;
    int route;
    int status; /* 0 until answered */
    size_t bytes;
    size_t body_seen; /* bytes of body received; kept in body (or spool) up to body_max */
    size_t body_max;  /* REQUEST_BODY_MAX, or the import-max-bytes setting for an upload route */
    char *body;
    size_t body_cap;
    int spool;        /* an upload route's body: its temporary file (unlinked), -1 for none */
    int discard;      /* an upload from a caller who may not upload: counted, not kept */
    char *map;        /* the spooled body mapped, map_len bytes (the body and a NUL) */
    size_t map_len;
    char method[16];
    char user[24]; /* "#ID" of the authenticated user, "-" for none */
    char *path;
} request_ctx;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- the database pool ----------------------------------------------------------- */

emb_code http_db_acquire(http_server *srv, store **out, emb_err *err)
{
    pthread_mutex_lock(&srv->pool_lock);
    store *st = srv->npool ? srv->pool[--srv->npool] : NULL;
    pthread_mutex_unlock(&srv->pool_lock);
    /* A pooled connection read the organisation's settings when it opened: read
     * them again, since a request or another process may have changed them. */
    if (st && store_reload_org(st, err)) {
        store_close(st);
        return err->code;
    }
    if (!st) {
        if (store_open(srv->db_path, 0, &st, err))
            return err->code;
        /* A pooled connection serves many requests: reading the file through a map
         * and a larger page cache saves reading the same pages again. */
        if (store_exec(st, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -32768", err)) {
            store_close(st);
            return err->code;
        }
    }
    *out = st;
    return EMB_OK;
}

void http_db_release(http_server *srv, store *st)
{
    if (!st)
        return;
    store_rollback(st); /* a handler that failed midway leaves nothing open */
    pthread_mutex_lock(&srv->pool_lock);
    if (srv->npool < POOL_MAX) {
        srv->pool[srv->npool++] = st;
        st = NULL;
    }
    pthread_mutex_unlock(&srv->pool_lock);
    store_close(st);
}

const char *http_server_db_path(const http_server *srv) { return srv->db_path; }

http_snaps *http_server_snaps(http_server *srv) { return srv->snaps; }

http_events *http_server_events(http_server *srv) { return srv->events; }

http_webhooks *http_server_webhooks(http_server *srv) { return srv->webhooks; }

const server_settings *http_server_settings(const http_server *srv) { return &srv->set; }

emb_code http_server_zone(http_server *srv, const char *name, const tz **out, emb_err *err)
{
    return tz_cache_get(srv->zones, name, out, err);
}

char *http_server_counters_text(const http_server *srv, size_t *len)
{
    return http_counters_format(&srv->counters, len);
}

int http_server_port(const http_server *srv) { return srv->port; }

const char *http_server_scheme(const http_server *srv) { return srv->tls ? "https" : "http"; }

/* ---- one request ------------------------------------------------------------------- */

/* The access-log line of a finished request: UTC time, user, method, path (bytes
 * outside printable ASCII, spaces and quotes as %XX), status, bytes, microseconds. */
static void log_request(http_server *srv, const request_ctx *rq, int64_t micros)
{
    if (!srv->log)
        return;
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    struct tm tm;
    gmtime_r(&wall.tv_sec, &tm);
    char when[40], path[1024];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(rq->path ? rq->path : "-"); *p && n + 4 < sizeof path; p++)
        if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '%')
            n += (size_t)snprintf(path + n, sizeof path - n, "%%%02X", *p);
        else
            path[n++] = (char)*p;
    path[n] = '\0';
    fprintf(srv->log, "%s.%03ldZ %s %s %s %d %zu %lld\n", when, wall.tv_nsec / 1000000, rq->user[0] ? rq->user : "-",
            rq->method, path, rq->status, rq->bytes, (long long)micros);
    fflush(srv->log);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    http_server *srv = cls;
    request_ctx *rq = *con_cls;
    if (!rq)
        return;
    int64_t micros = (now_ns() - rq->start_ns) / 1000;
    log_request(srv, rq, micros);
    if (rq->status)
        http_counters_add(&srv->counters, rq->route, rq->status, micros);
    free(rq->path);
    free(rq->body);
    if (rq->map)
        munmap(rq->map, rq->map_len);
    if (rq->spool >= 0)
        close(rq->spool);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* A streamed reply's state, owned by its MHD response. */
typedef struct {
    ssize_t (*read)(void *cls, char *buf, size_t max);
    void (*free)(void *cls);
    void *cls;
    size_t *bytes; /* the request's count of body bytes, for the access log */
} stream_ctx;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream_ctx *sc = cls;
    ssize_t n = sc->read(sc->cls, buf, max);
    if (n == HTTP_STREAM_END)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (n <= 0 || (size_t)n > max)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    *sc->bytes += (size_t)n;
    return n;
}

static void stream_free(void *cls)
{
    stream_ctx *sc = cls;
    if (sc->free)
        sc->free(sc->cls);
    free(sc);
}

/* The MHD response of reply: from its body, or from its stream (whose state it
 * then owns); NULL when out of memory, with the stream freed. */
static struct MHD_Response *response_of(http_reply *reply, request_ctx *rq)
{
    if (!reply->stream)
        return MHD_create_response_from_buffer(reply->len, reply->body,
                                               reply->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    stream_ctx *sc = malloc(sizeof *sc);
    struct MHD_Response *resp = NULL;
    if (sc) {
        *sc = (stream_ctx){.read = reply->stream, .free = reply->stream_free, .cls = reply->stream_cls,
                           .bytes = &rq->bytes};
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, sc, stream_free);
        if (!resp)
            free(sc);
    }
    if (!resp && reply->stream_free)
        reply->stream_free(reply->stream_cls);
    reply->stream = NULL;
    reply->stream_free = NULL;
    return resp;
}

static enum MHD_Result answer(struct MHD_Connection *conn, request_ctx *rq, http_reply *reply)
{
    rq->bytes = reply->len;
    struct MHD_Response *resp = reply->response;
    if (resp) {
        free(reply->body);
        reply->body = NULL;
        reply->len = 0;
    } else {
        resp = response_of(reply, rq);
    }
    if (!resp) {
        free(reply->body);
        free(reply->set_cookie);
        free(reply->link);
        free(reply->location);
        free(reply->disposition);
        return MHD_NO;
    }
    if (reply->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, reply->content_type);
    if (reply->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, reply->allow);
    if (reply->set_cookie)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, reply->set_cookie);
    free(reply->set_cookie);
    reply->set_cookie = NULL;
    if (reply->link)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LINK, reply->link);
    free(reply->link);
    reply->link = NULL;
    if (reply->location)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, reply->location);
    free(reply->location);
    reply->location = NULL;
    if (reply->disposition)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, reply->disposition);
    free(reply->disposition);
    reply->disposition = NULL;
    if (reply->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", reply->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    if (reply->status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"embudo\"");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (reply->etag[0]) { /* the client may keep it and ask again with If-None-Match */
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, reply->etag);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-cache");
    } else {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    enum MHD_Result r = MHD_queue_response(conn, (unsigned)reply->status, resp);
    MHD_destroy_response(resp);
    rq->status = reply->status;
    return r;
}

/* The 413 of a body over max bytes. */
static void too_large(http_reply *reply, size_t max)
{
    char detail[160];
    if (max >= (1u << 20))
        snprintf(detail, sizeof detail, _("send at most %zu MiB"), max >> 20);
    else
        snprintf(detail, sizeof detail, _("send at most %zu bytes"), max);
    http_reply_problem(reply, 413, _("the request's body is too large"), detail);
}

/* A new temporary file in srv->spool_dir, already unlinked (so nothing is left
 * behind, whatever happens to the process): its descriptor, or -1. */
static int spool_open(http_server *srv)
{
    size_t n = strlen(srv->spool_dir) + 32;
    char *path = malloc(n);
    if (!path)
        return -1;
    snprintf(path, n, "%s/embudo-upload-XXXXXX", srv->spool_dir);
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path);
    free(path);
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Maps the spooled body, with a NUL after it, as rq->map; 0 or -1. */
static int spool_map(request_ctx *rq)
{
    if (write_all(rq->spool, "", 1) < 0)
        return -1;
    rq->map_len = rq->body_seen + 1;
    void *m = mmap(NULL, rq->map_len, PROT_READ, MAP_PRIVATE, rq->spool, 0);
    if (m == MAP_FAILED)
        return -1;
    rq->map = m;
    return 0;
}

/* Whether method changes something (and so, under a session cookie, needs the
 * session's CSRF token in X-CSRF-Token). */
static int unsafe_method(const char *method)
{
    return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* Sets req's user and role from the request's `Authorization: Bearer TOKEN` or,
 * without one, its session cookie (whose writes must carry the session's CSRF
 * token): 1; or 0 with a 401 reply (no credentials, or ones unknown, revoked,
 * expired or of an inactive user: the answer does not say which), a 403 (a write
 * without the CSRF token) or a 503 (no database). */
static int authenticate(http_server *srv, struct MHD_Connection *conn, http_request *req, http_reply *reply)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
    int bearer = h && !strncasecmp(h, "Bearer ", 7);
    if (!bearer && !cookie) {
        http_reply_problem(reply, 401, _("authentication needed"),
                           _("log in (POST /api/v1/session), or send `Authorization: Bearer TOKEN` with a token from "
                             "`embudo token create`"));
        return 0;
    }
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(srv, &st, &err)) {
        http_reply_problem(reply, 503, _("the database cannot be read"), err.msg);
        return 0;
    }
    char csrf[AUTH_TOKEN_SIZE] = "";
    emb_code rc;
    if (bearer) {
        const char *token = h + 7;
        while (*token == ' ')
            token++;
        rc = store_token_check(st, token, (int64_t)time(NULL), &req->user_id, req->role, &err);
    } else {
        rc = store_session_check(st, cookie, (int64_t)time(NULL), &req->user_id, req->role, csrf, &err);
    }
    http_db_release(srv, st);
    if (rc) {
        req->user_id = 0;
        if (rc == EMB_NOT_FOUND)
            http_reply_problem(reply, 401, bearer ? _("the token is not valid") : _("the session is not valid"),
                               bearer ? _("it is unknown, revoked, or its user is not active")
                                      : _("it ended or expired: log in again"));
        else
            http_reply_problem(reply, 503, _("the database cannot be read"), err.msg);
        return 0;
    }
    if (!bearer && unsafe_method(req->method)) {
        const char *sent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!sent || strlen(sent) != strlen(csrf) || sodium_memcmp(sent, csrf, strlen(csrf)) != 0) {
            req->user_id = 0;
            http_reply_problem(reply, 403, _("the CSRF token is missing or wrong"),
                               _("a change made with the session cookie must send the csrf_token of the login in "
                                 "the X-CSRF-Token header"));
            return 0;
        }
    }
    return 1;
}

/* Whether the caller of an upload route may send it a file: an admin (whose
 * credentials are checked again, with the route's own rules, once the body is
 * read). Others' bodies are not written to disk. */
static int may_upload(http_server *srv, struct MHD_Connection *conn, const char *method)
{
    http_request req = {.srv = srv, .conn = conn, .method = method};
    http_reply reply = {0};
    int ok = authenticate(srv, conn, &req, &reply) && !strcmp(req.role, "admin");
    free(reply.body);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    http_server *srv = cls;
    request_ctx *rq = *con_cls;
    if (!rq) { /* the headers have arrived: the request begins */
        if (!(rq = calloc(1, sizeof *rq)))
            return MHD_NO;
        rq->start_ns = now_ns();
        rq->route = -1;
        rq->spool = -1;
        rq->body_max = REQUEST_BODY_MAX;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        rq->path = strdup(url);
        *con_cls = rq;
        atomic_fetch_add(&srv->in_flight, 1);
        char allow[128];
        int route = http_route_find(method, url, NULL, allow, sizeof allow);
        if (route >= 0 && http_routes[route].upload)
            rq->body_max = (size_t)srv->set.import_max_bytes;
        /* A client that waits for "100 Continue" before a body too large is told
         * 413 now and sends nothing. Others are read to the end and told then: an
         * answer while they still send would be lost with the connection. */
        const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
        const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (expect && !strcasecmp(expect, "100-continue") && length && strtoull(length, NULL, 10) > rq->body_max) {
            http_reply reply;
            too_large(&reply, rq->body_max);
            return answer(conn, rq, &reply);
        }
        if (route >= 0 && http_routes[route].upload && !may_upload(srv, conn, method)) {
            rq->discard = 1; /* answered 401 or 403 once the body is read */
        } else if (route >= 0 && http_routes[route].upload && (rq->spool = spool_open(srv)) < 0) {
            http_reply reply;
            http_reply_problem(&reply, 503, _("the request's body cannot be received"),
                               _("the server cannot create a temporary file: see its TMPDIR"));
            return answer(conn, rq, &reply);
        }
        return MHD_YES;
    }
    if (*upload_data_size && rq->discard) {
        rq->body_seen += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size && rq->spool >= 0) { /* written to the spool up to body_max, then only counted (413) */
        size_t n = *upload_data_size;
        if (rq->body_seen + n <= rq->body_max && write_all(rq->spool, upload_data, n) < 0) {
            close(rq->spool);
            rq->spool = -1;
            rq->body_max = 0; /* answered 507 at the end */
        }
        rq->body_seen += n;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) { /* kept up to body_max, then only counted (413) */
        size_t n = *upload_data_size;
        if (rq->body_seen + n <= rq->body_max) {
            if (rq->body_seen + n + 1 > rq->body_cap) {
                size_t cap = rq->body_cap ? rq->body_cap : 1024;
                while (cap < rq->body_seen + n + 1)
                    cap *= 2;
                char *b = realloc(rq->body, cap);
                if (!b)
                    return MHD_NO;
                rq->body = b;
                rq->body_cap = cap;
            }
            memcpy(rq->body + rq->body_seen, upload_data, n);
            rq->body[rq->body_seen + n] = '\0';
        }
        rq->body_seen += n;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->status) /* answered already (413) */
        return MHD_YES;
    http_reply reply;
    if (!rq->path) {
        http_reply_problem(&reply, 500, _("out of memory"), NULL);
        return answer(conn, rq, &reply);
    }
    if (rq->body_seen > rq->body_max) {
        if (rq->body_max)
            too_large(&reply, rq->body_max);
        else
            http_reply_problem(&reply, 507, _("the request's body cannot be received"),
                               _("the server's temporary file cannot be written (is its disk full?)"));
        return answer(conn, rq, &reply);
    }
    if (rq->spool >= 0 && spool_map(rq) < 0) {
        http_reply_problem(&reply, 507, _("the request's body cannot be received"),
                           _("the server's temporary file cannot be written (is its disk full?)"));
        return answer(conn, rq, &reply);
    }
    char allow[128];
    http_request req = {.srv = srv, .conn = conn, .method = method, .path = url,
                        .body = rq->map ? rq->map : rq->body ? rq->body : "",
                        .body_len = rq->discard ? 0 : rq->body_seen, .tls = srv->tls};
    rq->route = http_route_find(method, url, req.param, allow, sizeof allow);
    if (rq->route < 0) {
        if (*allow) {
            char detail[256];
            snprintf(detail, sizeof detail, _("%s answers %s"), url, allow);
            http_reply_problem(&reply, 405, _("method not allowed"), detail);
            reply.allow = allow;
        } else {
            http_reply_problem(&reply, 404, _("not found"), NULL);
        }
        return answer(conn, rq, &reply);
    }
    if (http_routes[rq->route].auth && !authenticate(srv, conn, &req, &reply))
        return answer(conn, rq, &reply);
    if (req.user_id)
        snprintf(rq->user, sizeof rq->user, "#%lld", (long long)req.user_id);
    http_routes[rq->route].fn(&req, &reply);
    return answer(conn, rq, &reply);
}

/* libmicrohttpd's own messages (printf formats of its own). */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    http_server *srv = cls;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    fprintf(srv->msgs, _("embudo serve: %s\n"), line);
}

/* ---- start and stop ------------------------------------------------------------------ */

/* The whole file at path, NUL-terminated (malloc'd), or NULL with err set. */
static char *read_pem(const char *setting, const char *path, emb_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        emb_err_set(err, EMB_USAGE, _("%s: cannot read '%s': %s"), setting, path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    size_t got;
    while (s && (got = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *t = cap < (1u << 20) ? realloc(s, cap *= 2) : NULL;
            if (!t) {
                free(s);
                s = NULL;
            } else {
                s = t;
            }
        }
    }
    fclose(f);
    if (!s) {
        emb_err_set(err, EMB_USAGE, _("%s: '%s' is too large for a PEM file"), setting, path);
        return NULL;
    }
    s[len] = '\0';
    if (!strstr(s, "-----BEGIN ")) {
        free(s);
        emb_err_set(err, EMB_USAGE, _("%s: '%s' is not a PEM file (no -----BEGIN line)"), setting, path);
        return NULL;
    }
    return s;
}

/* Where upload bodies are received: $TMPDIR when set, else the directory of the
 * database (malloc'd; NULL when out of memory). */
static char *spool_dir_of(const char *db_path)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp && *tmp)
        return strdup(tmp);
    const char *slash = strrchr(db_path, '/');
    if (!slash)
        return strdup(".");
    if (slash == db_path)
        return strdup("/");
    return strndup(db_path, (size_t)(slash - db_path));
}

static void server_free(http_server *srv)
{
    if (!srv)
        return;
    for (int i = 0; i < srv->npool; i++)
        store_close(srv->pool[i]);
    http_snaps_free(srv->snaps);
    tz_cache_free(srv->zones);
    http_events_free(srv->events);
    http_webhooks_free(srv->webhooks);
    pthread_mutex_destroy(&srv->pool_lock);
    if (srv->own_log && srv->log)
        fclose(srv->log);
    free(srv->cert_pem);
    if (srv->key_pem) /* the private key leaves no copy behind */
        sodium_memzero(srv->key_pem, strlen(srv->key_pem));
    free(srv->key_pem);
    free(srv->db_path);
    free(srv->spool_dir);
    free(srv);
}

emb_code http_server_start(const server_settings *s, const char *db_path, FILE *msgs, http_server **out,
                           emb_err *err)
{
    *out = NULL;
    char addr_text[256];
    int port;
    if (settings_check(s, err) || settings_split_listen(s->listen, addr_text, sizeof addr_text, &port, err))
        return err->code;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned ipv6 = 0;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr_text, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, addr_text, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        ipv6 = MHD_USE_IPv6;
    } else {
        return emb_err_set(err, EMB_USAGE,
                           _("listen: '%s' is not an IP address; write one such as 127.0.0.1, 0.0.0.0 or ::1"),
                           addr_text);
    }

    http_server *srv = calloc(1, sizeof *srv);
    if (!srv || !(srv->db_path = strdup(db_path)) || !(srv->spool_dir = spool_dir_of(db_path))) {
        if (srv)
            free(srv->db_path);
        free(srv);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    pthread_mutex_init(&srv->pool_lock, NULL);
    if (!(srv->snaps = http_snaps_new(db_path)) || !(srv->zones = tz_cache_new()) ||
        !(srv->events = http_events_new(srv, s->events_heartbeat)) ||
        curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        !(srv->webhooks = http_webhooks_new(db_path, s->webhook_timeout, s->webhook_retry))) {
        server_free(srv);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    srv->set = *s;
    srv->msgs = msgs;
    for (int i = 0; i < http_nroutes && i < HTTP_COUNTER_ROUTES - 1; i++)
        srv->route_names[i] = http_routes[i].path;
    http_counters_init(&srv->counters, srv->route_names, http_nroutes);

    /* The database is opened once now, so that a wrong path fails here and not on
     * the first request. */
    store *st;
    if (http_db_acquire(srv, &st, err)) {
        server_free(srv);
        return err->code;
    }
    http_db_release(srv, st);

    if (!strcmp(s->access_log, "-")) {
        srv->log = stderr;
    } else if (*s->access_log) {
        if (!(srv->log = fopen(s->access_log, "a"))) {
            emb_err_set(err, EMB_USAGE, _("access-log: cannot open '%s': %s"), s->access_log, strerror(errno));
            server_free(srv);
            return err->code;
        }
        srv->own_log = 1;
    }
    /* Suspend and resume: an idle event stream leaves its worker (event_stream.h). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | ipv6;
    if (*s->tls_cert) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
            emb_err_set(err, EMB_USAGE, _("tls-cert: this libmicrohttpd was built without TLS"));
            server_free(srv);
            return err->code;
        }
        if (!(srv->cert_pem = read_pem("tls-cert", s->tls_cert, err)) ||
            !(srv->key_pem = read_pem("tls-key", s->tls_key, err))) {
            server_free(srv);
            return err->code;
        }
        flags |= MHD_USE_TLS;
        srv->tls = 1;
    }
    struct MHD_OptionItem tls_opts[] = {
        {srv->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)s->connection_timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->max_connections,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!srv->daemon) {
        emb_err_set(err, EMB_IO,
                    srv->tls ? _("cannot serve HTTPS on %s (is the address in use, or the key not the certificate's?)")
                             : _("cannot listen on %s (is the address in use, or not this machine's?)"),
                    s->listen);
        server_free(srv);
        return err->code;
    }
    if (http_events_start(srv->events, err) || http_webhooks_start(srv->webhooks, err)) {
        http_events_stop(srv->events);
        MHD_stop_daemon(srv->daemon);
        server_free(srv);
        return err->code;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info && info->port ? info->port : port;
    *out = srv;
    return EMB_OK;
}

int http_server_stop(http_server *srv)
{
    if (!srv)
        return 0;
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon); /* no new connections from now on */
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    http_events_stop(srv->events); /* event streams end now: they are never done otherwise */
    http_webhooks_stop(srv->webhooks); /* transfers in flight are sent again later */
    int64_t deadline = now_ns() + srv->set.shutdown_grace * 1000000000LL;
    while (atomic_load(&srv->in_flight) > 0 && now_ns() < deadline) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    int cut = atomic_load(&srv->in_flight);
    MHD_stop_daemon(srv->daemon);
    server_free(srv);
    return cut;
}
