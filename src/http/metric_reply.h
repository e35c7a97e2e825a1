/*
 * metric_reply.h - what the metric routes (kpi, dashboard, leaderboard) share:
 * their query parameters, the database and snapshot of a request, ETags and 304,
 * and a document written to a stream as the reply.
 *
 * An ETag is "G-H": G the generation of the snapshot that answered, H a hash of
 * the route, the normalised query (the request as resolved: metrics, bounds,
 * dimensions, filter values ...) and the caller's access scope (the organisation
 * for admins and viewers, the user for managers and reps). A request whose
 * If-None-Match holds it (or "*") is answered 304 without a body.
 *
 * Ownership: http_metric_open() gives a store and an acquired snapshot that
 * http_metric_close() gives back; the handler calls it before returning.
 */
#ifndef EMB_HTTP_METRIC_REPLY_H
#define EMB_HTTP_METRIC_REPLY_H

#include <stdio.h>

#include "core/arena.h"
#include "http/route.h"
#include "metrics/kpi.h"
#include "metrics/snapshot.h"

/* Calls fn(cls, key, value) for each query parameter, in order (value "" for a
 * key without '='); stops at the first non-zero return, which it returns. */
int http_query_each(http_request *req, int (*fn)(void *cls, const char *key, const char *value), void *cls);

/* The request's store and the server's snapshot caught up with it: 0, or -1 with
 * a 503 reply in *out. */
int http_metric_open(http_request *req, http_reply *out, store **st, const snapshot **snap);
void http_metric_close(http_request *req, store *st, const snapshot *snap);

/* The caller's access scope for metrics (store/access.h): *restricted = 0 for
 * admins and viewers (the whole organisation); for managers and reps 1, with *f a
 * rep filter of the people whose facts they see (their indices in s; none of them
 * there: no value, so nothing counts). 0, or -1 with a reply in *out (503, or 403
 * for a scope of more people than a filter holds). */
int http_metric_scope(http_request *req, http_reply *out, store *st, const snapshot *s, kpi_filter *f,
                      int *restricted);

/* Sets etag (48 bytes) for route and the normalised query text of s's answer to
 * req; returns 1 when the request's If-None-Match names it (reply 304 then). */
int http_metric_etag(http_request *req, const snapshot *s, const char *route, const char *normalised,
                     char etag[48]);

/* The reply of a 304 with etag. */
void http_reply_not_modified(http_reply *out, const char *etag);

/* A stream the handler writes a document to, and the 200 application/json reply
 * of what it wrote, with etag; a 500 when it could not be written. */
FILE *http_doc_open(char **buf, size_t *len);
void http_reply_doc(http_reply *out, FILE *f, char **buf, size_t *len, const char *etag);

/* A 400 for the query parameter key (the parameter "query" when "" or NULL) with
 * message. */
void http_reply_bad_param(http_reply *out, const char *key, const char *message);

#endif
