/*
 * route_records.c - reading records of every kind: GET /api/v1/{kind} (where,
 * sort, q, limit and a keyset cursor), GET /api/v1/{kind}/{id} and GET
 * /api/v1/deals/{id}/history. Records are written as `embudo export KIND
 * --format json` writes them (io/export.h): references by key, secrets never.
 *
 * A page's cursor is http/list_cursor.h's: a tampered one is a 400.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/list_cursor.h"
#include "http/records_int.h"
#include "io/emit.h"
#include "io/export.h"
#include "store/query.h"

enum { LIST_DEFAULT = 50, LIST_MAX = 500, LIST_CONDS = 32 };

/* Replies 403: role may not do op on what. */
static void forbid(http_reply *out, access_op op, access_role role, const char *what)
{
    char detail[256];
    const char *r = access_role_name(role);
    switch (op) {
    case ACCESS_READ: snprintf(detail, sizeof detail, _("a %s cannot see %s"), r, what); break;
    case ACCESS_CREATE: snprintf(detail, sizeof detail, _("a %s cannot create %s"), r, what); break;
    case ACCESS_UPDATE: snprintf(detail, sizeof detail, _("a %s cannot change %s"), r, what); break;
    default: snprintf(detail, sizeof detail, _("a %s cannot delete %s"), r, what); break;
    }
    http_reply_problem(out, 403, _("forbidden"), detail);
}

int records_open(records_req *rq, http_request *req, http_reply *out, const kind_def *kind, access_op op)
{
    *rq = (records_req){.req = req, .out = out, .kind = kind ? kind : kind_find(req->param[0]), .failed = -1};
    arena_init(&rq->a, 16 * 1024);
    emb_err_clear(&rq->err);
    if (!rq->kind) {
        http_reply_problem(out, 404, _("not found"), NULL);
        return -1;
    }
    if (http_db_acquire(req->srv, &rq->st, &rq->err)) {
        rq->st = NULL;
        http_reply_problem(out, 503, _("the database cannot be read"), rq->err.msg);
        return -1;
    }
    const tz *zone;
    if (http_server_zone(req->srv, store_org(rq->st)->timezone, &zone, &rq->err)) {
        http_reply_problem(out, 500, _("the organisation's time zone cannot be read"), rq->err.msg);
        return -1;
    }
    rtext_org_init(&rq->org, store_org(rq->st), zone, (int64_t)time(NULL));
    rq->org_open = 1;
    rq->text = (rtext){.st = rq->st, .kind = rq->kind, .org = &rq->org, .a = &rq->a, .err = &rq->err,
                       .failed = &rq->failed};
    int role = access_role_parse(req->role);
    if (role < 0 || access_scope_load(rq->st, req->user_id, (access_role)role, &rq->a, &rq->scope, &rq->err)) {
        if (role < 0 || rq->err.code == EMB_NOT_FOUND)
            http_reply_problem(out, 401, _("the user is not active"), NULL);
        else
            records_reply_error(rq, NULL);
        return -1;
    }
    if (!access_kind_allows(&rq->scope, rq->kind, op)) {
        forbid(out, op, rq->scope.role, rq->kind->name);
        return -1;
    }
    return 0;
}

int records_allowed(records_req *rq, int64_t id, access_op op)
{
    int ok = 0;
    if (access_record_allows(rq->st, &rq->scope, rq->kind, id, ACCESS_READ, &ok, &rq->err)) {
        records_reply_error(rq, NULL);
        return 0;
    }
    if (!ok) {
        http_reply_problem(rq->out, 404, _("not found"), NULL);
        return 0;
    }
    if (op == ACCESS_READ)
        return 1;
    if (access_record_allows(rq->st, &rq->scope, rq->kind, id, op, &ok, &rq->err)) {
        records_reply_error(rq, NULL);
        return 0;
    }
    if (!ok) {
        char what[64];
        snprintf(what, sizeof what, _("this %s"), rq->kind->singular);
        forbid(rq->out, op, rq->scope.role, what);
    }
    return ok;
}

int records_write_allowed(records_req *rq, const record *r)
{
    int ok = 0;
    if (access_write_allows(rq->st, &rq->scope, r, &ok, &rq->err)) {
        records_reply_error(rq, NULL);
        return 0;
    }
    if (!ok)
        http_reply_problem(rq->out, 403, _("forbidden"),
                           _("your role may only write records owned by yourself or, as a manager, by your "
                             "people; a goal of your people or teams; a line of an order you may change"));
    return ok;
}

void records_close(records_req *rq)
{
    if (rq->org_open)
        rtext_org_close(&rq->org);
    if (rq->st)
        http_db_release(rq->req->srv, rq->st);
    arena_release(&rq->a);
}

void records_reply_error(records_req *rq, const char *field)
{
    emb_code c = rq->err.code;
    if (c == EMB_CONFLICT) {
        http_reply_problem(rq->out, 409, _("conflict"), rq->err.msg);
    } else if (c == EMB_USAGE || c == EMB_INVALID || (c == EMB_NOT_FOUND && field)) {
        const char *f = field ? field : "";
        const char *m = rq->err.msg;
        http_reply_field_errors(rq->out, _("invalid request"), &f, &m, 1);
    } else if (c == EMB_NOT_FOUND) {
        http_reply_problem(rq->out, 404, _("not found"), rq->err.msg);
    } else {
        int status = emb_http_status(c);
        http_reply_problem(rq->out, status >= 400 ? status : 500, emb_code_message(c), rq->err.msg);
    }
}

int records_resolve(records_req *rq, const char *key, int64_t *id)
{
    if (!rtext_resolve(&rq->text, key, id))
        return 1;
    if (rq->err.code == EMB_CONFLICT)
        http_reply_problem(rq->out, 400, _("ambiguous name"), rq->err.msg);
    else if (rq->err.code == EMB_NOT_FOUND)
        http_reply_problem(rq->out, 404, _("not found"), rq->err.msg);
    else
        records_reply_error(rq, NULL);
    return 0;
}

/* The exporter's JSON of r, NUL-terminated, malloc'd; NULL with rq->err set. */
static char *record_json(records_req *rq, exporter *ex, const record *r, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f) {
        emb_err_set(&rq->err, EMB_NOMEM, _("out of memory"));
        return NULL;
    }
    emb_code rc = export_record_json(ex, r, f, &rq->a, &rq->err);
    if (fclose(f) != 0 && !rc)
        rc = emb_err_set(&rq->err, EMB_NOMEM, _("out of memory"));
    if (rc) {
        free(buf);
        return NULL;
    }
    return buf;
}

void records_reply_record(records_req *rq, int status, int64_t id)
{
    exporter *ex = NULL;
    record *r;
    size_t len = 0;
    char *body = NULL;
    if (!export_open_keys(rq->st, &ex, &rq->err) && !store_record_get(rq->st, rq->kind, id, &rq->a, &r, &rq->err))
        body = record_json(rq, ex, r, &len);
    export_close(ex);
    if (!body) {
        records_reply_error(rq, NULL);
        return;
    }
    *rq->out = (http_reply){.status = status, .content_type = "application/json", .body = body, .len = len};
}

void route_records_get(http_request *req, http_reply *out)
{
    records_req rq;
    int64_t id;
    if (!records_open(&rq, req, out, NULL, ACCESS_READ) && records_resolve(&rq, req->param[1], &id) &&
        records_allowed(&rq, id, ACCESS_READ))
        records_reply_record(&rq, 200, id);
    records_close(&rq);
}

/* ---- lists ------------------------------------------------------------------------ */

typedef struct {
    records_req *rq;
    query_cond conds[LIST_CONDS];
    size_t nconds;
    int bad;                /* a parameter was refused (the reply is given) */
    const char *sort, *q, *limit, *cursor;
    char *query;            /* the other parameters, URL-encoded, for the next link (malloc'd) */
    size_t query_len;
} list_args;

static void refuse(list_args *la, const char *field, const char *msg)
{
    if (la->bad)
        return;
    la->bad = 1;
    http_reply_field_errors(la->rq->out, _("invalid request"), &field, &msg, 1);
}

/* Appends key=value, URL-encoded, to la->query. */
static void keep_param(list_args *la, const char *key, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t need = la->query_len + 3 * (strlen(key) + strlen(value)) + 3;
    char *q = realloc(la->query, need);
    if (!q) {
        refuse(la, key, _("out of memory"));
        return;
    }
    la->query = q;
    size_t n = la->query_len;
    if (n)
        q[n++] = '&';
    for (int part = 0; part < 2; part++) {
        for (const unsigned char *p = (const unsigned char *)(part ? value : key); *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
                q[n++] = (char)*p;
            } else {
                q[n++] = '%';
                q[n++] = hex[*p >> 4];
                q[n++] = hex[*p & 15];
            }
        }
        if (!part)
            q[n++] = '=';
    }
    q[n] = '\0';
    la->query_len = n;
}

static enum MHD_Result one_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    list_args *la = cls;
    records_req *rq = la->rq;
    if (la->bad)
        return MHD_NO;
    if (!value)
        value = "";
    if (!strcmp(key, "cursor")) {
        la->cursor = value;
        return MHD_YES;
    }
    keep_param(la, key, value);
    if (!strcmp(key, "where")) {
        size_t n = 0;
        if (rtext_parse_where(&rq->text, value, la->conds + la->nconds, LIST_CONDS - la->nconds, &n))
            refuse(la, "where", rq->err.msg);
        la->nconds += n;
    } else if (!strcmp(key, "sort") || !strcmp(key, "q") || !strcmp(key, "limit")) {
        const char **slot = key[0] == 's' ? &la->sort : key[0] == 'q' ? &la->q : &la->limit;
        if (*slot)
            refuse(la, key, arena_printf(&rq->a, _("'%s' is given twice"), key));
        *slot = value;
    } else {
        refuse(la, key, arena_printf(&rq->a, _("unknown parameter '%s'; use where, sort, q, limit or cursor"), key));
    }
    return la->bad ? MHD_NO : MHD_YES;
}

/* Reads the list's parameters into q; 0 or -1 with the reply given. */
static int list_query(list_args *la, store_query *q, int64_t *limit)
{
    records_req *rq = la->rq;
    MHD_get_connection_values(rq->req->conn, MHD_GET_ARGUMENT_KIND, one_param, la);
    if (la->bad)
        return -1;
    *q = (store_query){.conds = la->conds, .nconds = la->nconds, .sort_field = -1};
    if (la->sort) {
        const char *s = la->sort;
        if (*s == '-' || *s == '+')
            q->descending = *s++ == '-';
        int f = rtext_field_by_name(rq->kind, s, strlen(s));
        if (f < 0 || !rq->kind->fields[f].column || (rq->kind->fields[f].flags & FF_SECRET)) {
            refuse(la, "sort", arena_printf(&rq->a, _("cannot sort by '%s'; fields: %s"), la->sort,
                                            rtext_field_list(rq->kind, 1, &rq->a)));
            return -1;
        }
        q->sort_field = f;
    }
    *limit = LIST_DEFAULT;
    if (la->limit) {
        char *end;
        long long n = strtoll(la->limit, &end, 10);
        if (!*la->limit || *end || n < 1 || n > LIST_MAX) {
            refuse(la, "limit", arena_printf(&rq->a, _("limit '%s' must be a whole number from 1 to %d"), la->limit,
                                             LIST_MAX));
            return -1;
        }
        *limit = n;
    }
    if (la->q && *la->q)
        q->search = la->q;
    if (la->cursor && list_cursor_decode(la->cursor, rq->kind, q, &rq->a)) {
        refuse(la, "cursor", _("the cursor is not valid; start again without it"));
        return -1;
    }
    q->limit = *limit + 1; /* one more tells whether there is a next page */
    return 0;
}

void route_records_list(http_request *req, http_reply *out)
{
    records_req rq;
    if (records_open(&rq, req, out, NULL, ACCESS_READ)) {
        records_close(&rq);
        return;
    }
    list_args la = {.rq = &rq};
    store_query q;
    int64_t limit;
    exporter *ex = NULL;
    store_query_cursor *cur = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    if (list_query(&la, &q, &limit))
        goto done;
    q.filter_sql = access_sql_filter(&rq.scope, rq.kind, &rq.a);
    if (export_open_keys(rq.st, &ex, &rq.err) || store_query_open(rq.st, rq.kind, &q, &cur, &rq.err)) {
        records_reply_error(&rq, q.search ? "q" : NULL);
        goto done;
    }
    if (!(f = open_memstream(&buf, &len))) {
        http_reply_problem(out, 503, _("out of memory"), NULL);
        goto done;
    }
    fputs("{\"data\":[", f);
    record *r, *last = NULL;
    int got;
    int64_t n = 0;
    const char *next = NULL;
    while ((got = store_query_next(cur, &rq.a, &r, &rq.err)) == 1) {
        if (n == limit) {
            next = list_cursor_encode(&q, last, &rq.a);
            break;
        }
        if (n)
            putc(',', f);
        if (export_record_json(ex, r, f, &rq.a, &rq.err)) {
            got = -1;
            break;
        }
        last = r;
        n++;
    }
    if (got < 0) {
        records_reply_error(&rq, NULL);
        goto done;
    }
    char *link = NULL;
    if (next) {
        link = arena_printf(&rq.a, "/api/v1/%s?%s%scursor=%s", rq.kind->name, la.query ? la.query : "",
                            la.query_len ? "&" : "", next);
        fputs("],\"next\":", f);
        json_t *s = json_string(link);
        char *t = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
        fputs(t ? t : "null", f);
        free(t);
        json_decref(s);
        fputs("}", f);
    } else {
        fputs("],\"next\":null}", f);
    }
    if (fclose(f) != 0) {
        f = NULL;
        http_reply_problem(out, 503, _("out of memory"), NULL);
        goto done;
    }
    f = NULL;
    *out = (http_reply){.status = 200, .content_type = "application/json", .body = buf, .len = len};
    buf = NULL;
    if (link && (out->link = malloc(strlen(link) + 16)))
        snprintf(out->link, strlen(link) + 16, "<%s>; rel=\"next\"", link);
done:
    if (f)
        fclose(f);
    free(buf);
    free(la.query);
    store_query_close(cur);
    export_close(ex);
    records_close(&rq);
}

/* ---- a deal's history --------------------------------------------------------------- */

/* "name": the key of record id of kind, or null for 0. */
static void key_member(FILE *f, const char *name, exporter *ex, const char *kind, int64_t id, emb_err *err)
{
    fprintf(f, ",\"%s\":", name);
    emit_json_string(f, export_ref(ex, kind_find(kind), id, err));
}

static void text_member(FILE *f, const char *name, const char *value)
{
    fprintf(f, ",\"%s\":", name);
    emit_json_string(f, value);
}

static void number_member(FILE *f, const char *name, const char *value)
{
    fprintf(f, ",\"%s\":", name);
    emit_json_number(f, value);
}

/* The deal's history rows (oldest first), its products and its activities (by id)
 * into f; EMB_* with rq->err set on failure. */
static emb_code deal_details(records_req *rq, exporter *ex, int64_t id, FILE *f)
{
    deal_history_row *h;
    deal_product_row *dp;
    size_t nh, np;
    record *deal;
    if (store_record_get(rq->st, rq->kind, id, &rq->a, &deal, &rq->err) ||
        store_deal_history(rq->st, id, &rq->a, &h, &nh, &rq->err) ||
        store_deal_products(rq->st, id, &rq->a, &dp, &np, &rq->err))
        return rq->err.code;
    fputs("{\"deal\":", f);
    if (export_record_json(ex, deal, f, &rq->a, &rq->err))
        return rq->err.code;
    fputs(",\"history\":[", f);
    for (size_t i = 0; i < nh; i++) {
        fputs(i ? ",{\"at\":" : "{\"at\":", f);
        emit_json_string(f, value_format_instant(h[i].at, rq->org.zone, 0, &rq->a));
        key_member(f, "author", ex, "users", h[i].author_id, &rq->err);
        fputs(",\"changed\":[", f);
        int first = 1;
        for (const char *p = h[i].changed ? h[i].changed : ""; *p;) {
            size_t l = strcspn(p, ",");
            fputs(first ? "" : ",", f);
            emit_json_string(f, arena_strndup(&rq->a, p, l));
            first = 0;
            p += l + (p[l] == ',');
        }
        putc(']', f);
        key_member(f, "stage", ex, "stages", h[i].stage_id, &rq->err);
        text_member(f, "status", h[i].status);
        number_member(f, "amount", h[i].amount_set ? value_format_money(h[i].amount, h[i].currency, &rq->a) : NULL);
        text_member(f, "currency", h[i].currency);
        key_member(f, "owner", ex, "users", h[i].owner_id, &rq->err);
        text_member(f, "expected_close", h[i].expected_close);
        putc('}', f);
        if (rq->err.code)
            return rq->err.code;
    }
    fputs("],\"products\":[", f);
    const char *currency = record_get(deal, "currency")->state == FV_SET ? record_get(deal, "currency")->s
                                                                          : store_org(rq->st)->currency;
    for (size_t i = 0; i < np; i++) {
        fputs(i ? "," : "", f);
        fputs("{\"product\":", f);
        emit_json_string(f, export_ref(ex, kind_find("products"), dp[i].product_id, &rq->err));
        number_member(f, "quantity", arena_printf(&rq->a, "%lld", (long long)dp[i].quantity));
        number_member(f, "unit_price",
                      dp[i].unit_price_set ? value_format_money(dp[i].unit_price, currency, &rq->a) : NULL);
        number_member(f, "discount", value_format_bp(dp[i].discount_bp, &rq->a));
        putc('}', f);
        if (rq->err.code)
            return rq->err.code;
    }
    fputs("],\"activities\":[", f);
    const kind_def *acts = kind_find("activities");
    query_cond c = {.field = kind_field_index(acts, "deal"), .op = QOP_EQ, .value = {FV_SET, id, NULL}};
    store_query q = {.conds = &c, .nconds = 1, .sort_field = -1,
                     .filter_sql = access_sql_filter(&rq->scope, acts, &rq->a)};
    store_query_cursor *cur;
    if (store_query_open(rq->st, acts, &q, &cur, &rq->err))
        return rq->err.code;
    record *r;
    int got, n = 0;
    while ((got = store_query_next(cur, &rq->a, &r, &rq->err)) == 1) {
        fputs(n++ ? "," : "", f);
        if (export_record_json(ex, r, f, &rq->a, &rq->err)) {
            got = -1;
            break;
        }
    }
    store_query_close(cur);
    if (got < 0)
        return rq->err.code;
    fputs("]}", f);
    return EMB_OK;
}

void route_deal_history(http_request *req, http_reply *out)
{
    records_req rq;
    int64_t id;
    if (records_open(&rq, req, out, kind_find("deals"), ACCESS_READ) || !records_resolve(&rq, req->param[0], &id) ||
        !records_allowed(&rq, id, ACCESS_READ)) {
        records_close(&rq);
        return;
    }
    exporter *ex = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    if (export_open_keys(rq.st, &ex, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else if (!(f = open_memstream(&buf, &len))) {
        http_reply_problem(out, 503, _("out of memory"), NULL);
    } else {
        emb_code rc = deal_details(&rq, ex, id, f);
        if (fclose(f) != 0 && !rc)
            rc = emb_err_set(&rq.err, EMB_NOMEM, _("out of memory"));
        if (rc) {
            records_reply_error(&rq, NULL);
        } else {
            *out = (http_reply){.status = 200, .content_type = "application/json", .body = buf, .len = len};
            buf = NULL;
        }
    }
    free(buf);
    export_close(ex);
    records_close(&rq);
}
