/*
 * records_int.h - what the record routes (route_records.c: lists, one record, a
 * deal's history; route_records_write.c: create, update, delete) share: one
 * request's store, organisation, arena and error, and the replies they give.
 *
 * Ownership: a records_req lives on the handler's stack; records_open() acquires
 * the store and opens the organisation's conventions, records_close() releases
 * both and the arena. Everything allocated for the request lives in its arena.
 */
#ifndef EMB_HTTP_RECORDS_INT_H
#define EMB_HTTP_RECORDS_INT_H

#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/error.h"
#include "http/route.h"
#include "io/record_text.h"
#include "store/access.h"

typedef struct {
    http_request *req;
    http_reply *out;
    const kind_def *kind;
    store *st;
    rtext_org org;
    int org_open;
    arena a;
    emb_err err;
    int failed; /* rtext_fill's field at fault, or -1 */
    rtext text; /* the library's context for the above, without CLI hints */
    access_scope scope; /* what the request's user may see and change */
} records_req;

/* Opens rq for kind (NULL: the kind named by the path's {kind}) and loads the
 * request's access scope; 0, or -1 with the reply given (404 unknown kind, 403 a
 * role that may not do op on any record of the kind, 401 a user no longer active,
 * 503 no database). */
int records_open(records_req *rq, http_request *req, http_reply *out, const kind_def *kind, access_op op);

/* Record-level: 1 when the scope may do op on record id; else 0 with a 404 (it may
 * not even read it, or there is none) or a 403 (it may read, not change) given. */
int records_allowed(records_req *rq, int64_t id, access_op op);

/* For a write: 1 when the values r sets are the scope's to set
 * (access_write_allows); else 0 with a 403 given. */
int records_write_allowed(records_req *rq, const record *r);
void records_close(records_req *rq);

/* Replies rq->err: a 400 naming field (NULL: no field) for what the client sent
 * wrong, 404, 409, or the code's status. */
void records_reply_error(records_req *rq, const char *field);

/* Resolves the path's record key (ext id, #N, a name, or a bare number as the
 * id): 1 with *id, or 0 with a 404 (or 400 for an ambiguous name) given. */
int records_resolve(records_req *rq, const char *key, int64_t *id);

/* Replies 200 (or status) with record id of rq->kind in the JSON of `embudo
 * export`, read in a transaction of its own. */
void records_reply_record(records_req *rq, int status, int64_t id);

#endif
