/*
 * route_records_write.c - changing records of every kind: POST /api/v1/{kind}
 * (201 and the new record, Location naming it), PATCH /api/v1/{kind}/{id} (200 and
 * the record as it is now), DELETE /api/v1/{kind}/{id} (204).
 *
 * Each write is one transaction through the same calls as the CLI's: the body's
 * text read by io/record_text.h (the organisation's zone, currency and number
 * forms, references by key or name), the store's domain rules, one audit row whose
 * author is the request's user. A record other records still reference is not
 * deleted (409; the CLI's --force has no counterpart here).
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/record_body.h"
#include "http/records_int.h"
#include "store/query.h"

/* Reads the request's body into b; 0, or -1 with the 400 (415: not JSON) given. */
static int read_body(records_req *rq, record_body *b)
{
    if (!http_request_is_json(rq->req, rq->out))
        return -1;
    emb_code rc = record_body_parse(rq->kind, rq->req->body, rq->req->body_len, &rq->a, b);
    if (rc == EMB_NOMEM)
        http_reply_problem(rq->out, 503, _("out of memory"), NULL);
    else if (rc && b->problem)
        http_reply_problem(rq->out, 400, _("invalid body"), b->problem);
    else if (rc)
        http_reply_field_errors(rq->out, _("invalid fields"), b->err_field, b->err_msg, b->nerr);
    return rc ? -1 : 0;
}

/* Replies a failed fill or write, naming the field at fault when one is known. */
static void write_error(records_req *rq)
{
    int f = rq->failed;
    records_reply_error(rq, f >= 0 && (size_t)f < rq->kind->nfields ? rq->kind->fields[f].name : "");
}

/* The URL of record id: /api/v1/KIND/KEY with its key (external id or #N)
 * percent-encoded; malloc'd, NULL when out of memory. */
static char *location_of(records_req *rq, int64_t id)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *key = store_record_key(rq->st, rq->kind, id, &rq->a);
    if (!key)
        key = arena_printf(&rq->a, "#%lld", (long long)id);
    if (!key)
        return NULL;
    size_t size = strlen(rq->kind->name) + 3 * strlen(key) + 16;
    char *url = malloc(size);
    if (!url)
        return NULL;
    size_t n = (size_t)snprintf(url, size, "/api/v1/%s/", rq->kind->name);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            url[n++] = (char)*p;
        } else {
            url[n++] = '%';
            url[n++] = hex[*p >> 4];
            url[n++] = hex[*p & 15];
        }
    }
    url[n] = '\0';
    return url;
}

/* A new record of an owned kind created without an owner is the acting user's
 * (store/access.h asks front-ends to do so before checking). Always 1. */
static int default_owner(records_req *rq, record *r, int owner)
{
    if (owner >= 0 && rq->kind->fields[owner].type == FT_REF && !strcmp(rq->kind->fields[owner].ref, "users") &&
        r->v[owner].state == FV_UNSET && rq->req->user_id)
        record_set_int(r, owner, rq->req->user_id);
    return 1;
}

void route_records_create(http_request *req, http_reply *out)
{
    records_req rq;
    record_body b;
    if (records_open(&rq, req, out, NULL, ACCESS_CREATE) || read_body(&rq, &b)) {
        records_close(&rq);
        return;
    }
    change_ctx cc = {.now = (int64_t)time(NULL), .author_id = req->user_id};
    record *r = record_new(&rq.a, rq.kind);
    int owner = kind_field_index(rq.kind, "owner");
    if (!r) {
        http_reply_problem(out, 503, _("out of memory"), NULL);
    } else if (store_begin(rq.st, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else if (rtext_fill(&rq.text, b.args, b.nargs, NULL, r)) {
        write_error(&rq);
    } else if (!default_owner(&rq, r, owner) || !records_write_allowed(&rq, r)) {
        /* replied */
    } else if (store_record_insert(rq.st, r, &cc, &rq.err)) {
        write_error(&rq);
    } else if (store_commit(rq.st, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else {
        char *location = location_of(&rq, r->id);
        records_reply_record(&rq, 201, r->id);
        if (out->status == 201)
            out->location = location;
        else
            free(location);
    }
    records_close(&rq);
}

void route_records_update(http_request *req, http_reply *out)
{
    records_req rq;
    record_body b;
    int64_t id;
    if (records_open(&rq, req, out, NULL, ACCESS_UPDATE) || read_body(&rq, &b)) {
        records_close(&rq);
        return;
    }
    change_ctx cc = {.now = (int64_t)time(NULL), .author_id = req->user_id};
    record *before, *r = record_new(&rq.a, rq.kind);
    if (!r) {
        http_reply_problem(out, 503, _("out of memory"), NULL);
    } else if (store_begin(rq.st, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else if (!records_resolve(&rq, req->param[1], &id) || !records_allowed(&rq, id, ACCESS_UPDATE)) {
        /* replied */
    } else if (store_record_get(rq.st, rq.kind, id, &rq.a, &before, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else if ((r->id = id) == 0 || rtext_fill(&rq.text, b.args, b.nargs, before, r)) {
        write_error(&rq);
    } else if (!records_write_allowed(&rq, r)) {
        /* replied */
    } else if (store_record_update(rq.st, r, &cc, &rq.err)) {
        write_error(&rq);
    } else if (store_commit(rq.st, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else {
        records_reply_record(&rq, 200, id);
    }
    records_close(&rq);
}

void route_records_delete(http_request *req, http_reply *out)
{
    records_req rq;
    int64_t id;
    if (records_open(&rq, req, out, NULL, ACCESS_DELETE)) {
        records_close(&rq);
        return;
    }
    change_ctx cc = {.now = (int64_t)time(NULL), .author_id = req->user_id};
    char refs[1024];
    int64_t total = 0, in_deals = 0;
    const char *name = req->param[1];
    if (store_begin(rq.st, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else if (!records_resolve(&rq, name, &id) || !records_allowed(&rq, id, ACCESS_DELETE)) {
        /* replied */
    } else if (store_reference_count(rq.st, rq.kind, id, refs, sizeof refs, &total, &rq.err) ||
               (!strcmp(rq.kind->name, "products") && store_product_deal_count(rq.st, id, &in_deals, &rq.err))) {
        records_reply_error(&rq, NULL);
    } else if (total || in_deals) {
        char detail[1400];
        if (in_deals)
            snprintf(detail, sizeof detail,
                     ngettext("product '%s' is among the products of %lld deal; it cannot be deleted (set active "
                              "to false to retire it)",
                              "product '%s' is among the products of %lld deals; it cannot be deleted (set active "
                              "to false to retire it)",
                              (unsigned long)in_deals),
                     name, (long long)in_deals);
        else
            snprintf(detail, sizeof detail, _("%s '%s' is still referenced by %s; change or delete those first"),
                     rq.kind->singular, name, refs);
        http_reply_problem(out, 409, _("conflict"), detail);
    } else if (store_record_delete(rq.st, rq.kind, id, &cc, &rq.err) || store_commit(rq.st, &rq.err)) {
        records_reply_error(&rq, NULL);
    } else {
        *out = (http_reply){.status = 204};
    }
    records_close(&rq);
}
