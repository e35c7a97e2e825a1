/* metric_reply.c - the steps the metric routes share; see metric_reply.h. */
#include "http/metric_reply.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/i18n.h"
#include "http/snapshots.h"

typedef struct {
    int (*fn)(void *cls, const char *key, const char *value);
    void *cls;
    int rc;
} each_ctx;

static enum MHD_Result each_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    each_ctx *c = cls;
    c->rc = c->fn(c->cls, key, value ? value : "");
    return c->rc ? MHD_NO : MHD_YES;
}

int http_query_each(http_request *req, int (*fn)(void *cls, const char *key, const char *value), void *cls)
{
    each_ctx c = {.fn = fn, .cls = cls};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, each_value, &c);
    return c.rc;
}

int http_metric_open(http_request *req, http_reply *out, store **st, const snapshot **snap)
{
    emb_err err;
    emb_err_clear(&err);
    *snap = NULL;
    if (http_db_acquire(req->srv, st, &err)) {
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return -1;
    }
    if (http_snaps_acquire(http_server_snaps(req->srv), *st, snap, &err)) {
        http_db_release(req->srv, *st);
        *st = NULL;
        http_reply_problem(out, 503, _("the analytics snapshot cannot be built"), err.msg);
        return -1;
    }
    return 0;
}

void http_metric_close(http_request *req, store *st, const snapshot *snap)
{
    http_snaps_release(http_server_snaps(req->srv), snap);
    http_db_release(req->srv, st);
}

/* Whether the list of entity tags in header (If-None-Match) holds etag or "*";
 * weak tags (W/"...") compare by their opaque part. */
static int etag_listed(const char *header, const char *etag)
{
    size_t n = strlen(etag);
    for (const char *p = header; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (!strncmp(p, "W/", 2))
            p += 2;
        if (!strncmp(p, etag, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

int http_metric_etag(http_request *req, const snapshot *s, const char *route, const char *normalised,
                     char etag[48])
{
    int restricted = !strcmp(req->role, "manager") || !strcmp(req->role, "rep");
    XXH3_state_t *h = XXH3_createState();
    uint64_t hash = 0;
    if (h) {
        char scope[64];
        snprintf(scope, sizeof scope, "%s:%lld", restricted ? "user" : "org",
                 restricted ? (long long)req->user_id : 0LL);
        XXH3_64bits_reset(h);
        XXH3_64bits_update(h, route, strlen(route) + 1);
        XXH3_64bits_update(h, normalised, strlen(normalised) + 1);
        XXH3_64bits_update(h, scope, strlen(scope) + 1);
        hash = XXH3_64bits_digest(h);
        XXH3_freeState(h);
    }
    snprintf(etag, 48, "\"%lld-%016llx\"", (long long)s->generation, (unsigned long long)hash);
    const char *inm = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    return inm && etag_listed(inm, etag);
}

void http_reply_not_modified(http_reply *out, const char *etag)
{
    *out = (http_reply){.status = 304};
    snprintf(out->etag, sizeof out->etag, "%s", etag);
}

FILE *http_doc_open(char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    return open_memstream(buf, len);
}

void http_reply_doc(http_reply *out, FILE *f, char **buf, size_t *len, const char *etag)
{
    int bad = !f || ferror(f);
    if (f)
        fclose(f);
    if (bad || !*buf) {
        free(*buf);
        http_reply_problem(out, 500, _("the answer cannot be written"), NULL);
        return;
    }
    *out = (http_reply){.status = 200, .content_type = "application/json", .body = *buf, .len = *len};
    if (etag)
        snprintf(out->etag, sizeof out->etag, "%s", etag);
    *buf = NULL;
}

void http_reply_bad_param(http_reply *out, const char *key, const char *message)
{
    const char *field = key && *key ? key : "query";
    http_reply_field_errors(out, _("a query parameter is not valid"), &field, &message, 1);
}
