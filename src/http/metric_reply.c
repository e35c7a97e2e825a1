/* metric_reply.c - the steps the metric routes share; see metric_reply.h. */
#include "http/metric_reply.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/i18n.h"
#include "http/snapshots.h"
#include "store/access.h"

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

int http_metric_scope(http_request *req, http_reply *out, store *st, const snapshot *s, kpi_filter *f,
                      int *restricted)
{
    *restricted = 0;
    int role = access_role_parse(req->role);
    if (role == ROLE_ADMIN || role == ROLE_VIEWER)
        return 0;
    arena a;
    arena_init(&a, 0);
    access_scope scope;
    emb_err err;
    emb_err_clear(&err);
    if (role < 0 || access_scope_load(st, req->user_id, (access_role)role, &a, &scope, &err)) {
        arena_release(&a);
        http_reply_problem(out, 503, _("access rights cannot be read"), err.msg);
        return -1;
    }
    if (!access_metrics_restricted(&scope)) {
        arena_release(&a);
        return 0;
    }
    *restricted = 1;
    *f = (kpi_filter){.dim = DIM_REP};
    for (size_t i = 0; i < s->users.n; i++) {
        int seen = 0;
        for (size_t k = 0; k < scope.nowners && !seen; k++)
            seen = scope.owners[k] == s->users.id[i];
        if (!seen)
            continue;
        if (f->nvalues == KPI_MAX_FILTER_VALUES) {
            arena_release(&a);
            char detail[160];
            snprintf(detail, sizeof detail, _("your metrics cover more than %d people; an admin or a viewer sees "
                                              "the whole organisation"), KPI_MAX_FILTER_VALUES);
            http_reply_problem(out, 403, _("too many people in scope"), detail);
            return -1;
        }
        f->values[f->nvalues++] = (int32_t)i;
    }
    arena_release(&a);
    return 0;
}
