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
} records_req;

/* Opens rq for kind (NULL: the kind named by the path's {kind}); 0, or -1 with
 * the reply given (404 unknown kind, 503 no database). */
int records_open(records_req *rq, http_request *req, http_reply *out, const kind_def *kind);
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
