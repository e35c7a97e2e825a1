/*
 * webhooks.h - webhooks and their deliveries (tables of migration 0009): an admin
 * subscribes a URL to event types (store/events.h); every event of those types is
 * queued as a delivery (the event's JSON, fixed when queued), sent by the server's
 * webhook worker (http/webhook_worker.h), retried with exponential backoff for a
 * day, and logged (status, latency, attempts, next attempt, last error).
 *
 * Queueing follows the audit log like the event stream does: each hook keeps the
 * last audit row it considered (after_event, the last row at its creation), and
 * store_webhooks_enqueue() moves it on in the transaction that queues the
 * deliveries, so an event is queued once per hook whichever server (or how many)
 * runs the worker, and none is lost while no server runs. An inactive hook skips
 * the events of its inactive time. A delivery is claimed for the time of one
 * attempt (next_attempt moved past its timeout) before it is sent, so two
 * workers never send it at once, and one cut short by a stop is sent again.
 *
 * These writes are not record changes: they do not bump the generation (no
 * analytics snapshot goes stale); changes of hooks by people are audited (action
 * webhook-create, webhook-update, webhook-delete, webhook-replay; never the secret).
 *
 * Ownership: what is read lives in the arena given to the call.
 */
#ifndef EMB_WEBHOOKS_H
#define EMB_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "store/store.h"

/* A secret: "whsec_" and 64 hex digits; the key of HMAC-SHA256 is this text. */
enum { WEBHOOK_SECRET_SIZE = 6 + 64 + 1, WEBHOOK_URL_MAX = 2048 };

/* How long a delivery is retried after it was queued. */
enum { WEBHOOK_RETRY_FOR = 24 * 3600 };

typedef struct {
    int64_t id;
    const char *url;
    const char *events; /* JSON array of event type names */
    int active;
    const char *description; /* NULL for none */
    int64_t created;
    int64_t created_by;      /* 0: unknown */
} webhook;

/* What a change of a hook sets: a NULL text or events, or active < 0, leaves it as
 * it is. description "" clears it. */
typedef struct {
    const char *url;
    const char *events; /* JSON array text of known types (checked by the caller) */
    int active;
    const char *description;
} webhook_change;

typedef struct {
    int64_t id, webhook_id, event_id;
    const char *event_type;
    int64_t created;
    const char *status;   /* pending, delivered, failed */
    int64_t attempts;
    int64_t next_attempt; /* 0: none (not pending) */
    int64_t last_attempt; /* 0: none yet */
    int64_t last_status;  /* HTTP status of the last attempt, 0: no answer (or no attempt) */
    int64_t last_latency_ms; /* -1: no attempt yet */
    const char *last_error;  /* NULL: none */
    int64_t replay_of;       /* 0: not a replay */
} webhook_delivery;

/* A URL a hook may have: http:// or https:// with a host, printable ASCII
 * without spaces, at most WEBHOOK_URL_MAX bytes. 1 when it may, else 0. */
int webhook_url_valid(const char *url);

emb_code store_webhook_list(store *st, arena *a, webhook **out, size_t *n, emb_err *err);
/* EMB_NOT_FOUND when there is no hook id. */
emb_code store_webhook_get(store *st, int64_t id, arena *a, webhook *out, emb_err *err);
/* Creates a hook (c's url and events set; active 1 unless c->active is 0) by
 * user_id at now, with a new random secret written to secret (shown once). */
emb_code store_webhook_create(store *st, const webhook_change *c, int64_t user_id, int64_t now, int64_t *id,
                              char secret[WEBHOOK_SECRET_SIZE], emb_err *err);
emb_code store_webhook_update(store *st, int64_t id, const webhook_change *c, int64_t user_id, int64_t now,
                              emb_err *err);
/* Deletes the hook and its deliveries. */
emb_code store_webhook_delete(store *st, int64_t id, int64_t user_id, int64_t now, emb_err *err);

/* The deliveries of hook, newest first, with id < before_id (0: from the newest),
 * at most limit (1..1000). */
emb_code store_webhook_deliveries(store *st, int64_t hook, int64_t before_id, int64_t limit, arena *a,
                                  webhook_delivery **out, size_t *n, emb_err *err);
emb_code store_webhook_delivery_get(store *st, int64_t hook, int64_t id, arena *a, webhook_delivery *out,
                                    emb_err *err);
/* Queues delivery `id` of hook again, as a new delivery due now (its replay_of:
 * the delivery first queued for the event, also when id is itself a replay); *new_id. */
emb_code store_webhook_replay(store *st, int64_t hook, int64_t id, int64_t user_id, int64_t now, int64_t *new_id,
                              emb_err *err);

/* The deliveries pending (for /metrics). */
emb_code store_webhooks_pending(store *st, int64_t *out, emb_err *err);

/* ---- the worker's side ---------------------------------------------------------- */

/* How long a delivery that ended (delivered or failed) stays in the log. */
enum { WEBHOOK_KEEP = 30 * 24 * 3600 };

/* Deletes the deliveries that ended more than WEBHOOK_KEEP seconds before now
 * (by their last attempt); *removed counts them. */
emb_code store_webhooks_prune(store *st, int64_t now, int *removed, emb_err *err);

/* Queues the events after each hook's after_event (at most 500 audit rows per hook
 * and call) as deliveries due now; *queued counts them. */
emb_code store_webhooks_enqueue(store *st, int64_t now, int *queued, emb_err *err);

typedef struct {
    int64_t id, webhook_id;
    int64_t created;
    int64_t attempts;
    const char *url, *secret, *body, *event_type;
} webhook_job;

/* Claims up to max deliveries due at now of active hooks, oldest due first, at
 * most per_hook of one hook counting those the worker sends already (busy: the
 * hook of each delivery in flight, nbusy of them), so that a hook whose receiver
 * hangs holds only per_hook transfers. Their next attempt moves to now + lease
 * seconds (past the attempt's timeout), so no worker takes them again meanwhile. */
emb_code store_webhooks_claim(store *st, int64_t now, int64_t lease, size_t max, int per_hook,
                              const int64_t *busy, size_t nbusy, arena *a, webhook_job **out, size_t *n,
                              emb_err *err);

/* Records an attempt of delivery id at now: status (0: no answer), latency,
 * error (NULL for none). A 2xx delivers it; otherwise it is due again after
 * retry << (attempts - 1) seconds, or failed when that falls past
 * WEBHOOK_RETRY_FOR after its creation. */
emb_code store_webhook_attempted(store *st, int64_t id, int64_t now, long status, int64_t latency_ms,
                                 const char *error, int64_t retry, emb_err *err);

#endif
