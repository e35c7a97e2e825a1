/*
 * webhook_worker.h - the server's webhook worker: one thread that queues the
 * events each hook subscribes to and sends the deliveries due (store/webhooks.h)
 * with libcurl, many at once (a curl multi handle), each with its own timeout and
 * at most PER_HOOK at a time per hook, so that a receiver that hangs delays only
 * its own deliveries and never a request of the API (which shares nothing with
 * this thread but the database, written in short transactions).
 *
 * A delivery is POSTed as JSON (the event, store/events.h) with the headers
 *   Content-Type: application/json
 *   Embudo-Event: TYPE
 *   Embudo-Delivery: ID          (a replay has an id of its own; the event id is in the body)
 *   Embudo-Signature: t=TIMESTAMP,v1=HEX
 * where HEX is the HMAC-SHA256 (libsodium crypto_auth_hmacsha256), in lower-case
 * hex, of "TIMESTAMP.BODY" keyed with the hook's secret (its text, "whsec_..."),
 * TIMESTAMP the Unix seconds of the attempt. A 2xx answer delivers it; anything
 * else (another status, no answer within the timeout, a refused connection) is
 * retried after retry, 2 retry, 4 retry ... seconds until a day after it was
 * queued, then it is failed. Redirects are not followed.
 *
 * Ownership: the server creates, starts, stops and frees the worker. Its thread
 * opens its own database connection. A stop abandons the transfers in flight; they
 * are claimed again (and sent again) once their lease ends, by this server after a
 * restart or by another one, so a delivery is sent at least once.
 */
#ifndef EMB_HTTP_WEBHOOK_WORKER_H
#define EMB_HTTP_WEBHOOK_WORKER_H

#include <stdint.h>

#include "core/error.h"

typedef struct http_webhooks http_webhooks;

/* A worker for the database at db_path (copied): each attempt may take timeout_s
 * seconds; the first retry comes retry_s seconds after a failure. NULL when out
 * of memory. */
http_webhooks *http_webhooks_new(const char *db_path, int64_t timeout_s, int64_t retry_s);
emb_code http_webhooks_start(http_webhooks *w, emb_err *err);
/* Asks the worker to look for due deliveries now (after a replay). Thread-safe. */
void http_webhooks_wake(http_webhooks *w);
/* Stops the thread (idempotent; NULL is fine). */
void http_webhooks_stop(http_webhooks *w);
void http_webhooks_free(http_webhooks *w);

/* The Embudo-Signature value of body signed with secret at t, into out (size
 * bytes, at least 100). */
void webhook_signature(const char *secret, int64_t t, const char *body, size_t len, char *out, size_t size);

#endif
