/*
 * event_stream.h - the server's event streams (GET /api/v1/events): Server-Sent
 * Events of store/events.h, pushed to each listener as the audit log grows,
 * whoever wrote (this server, another server, the CLI).
 *
 * How a stream waits without holding a worker: its response is produced by a
 * content reader (libmicrohttpd calls it on the connection's worker when the
 * socket can take more). With nothing to send it suspends its connection
 * (MHD_suspend_connection: the connection leaves its worker's event loop, which
 * goes on serving other connections) and returns 0 bytes. One watcher thread per
 * server reads the audit log's last id every POLL_MS (one indexed read) and
 * resumes the streams that have something to read or a heartbeat due. (Returning
 * 0 bytes without suspending would make the worker call the reader again at
 * once, busy, for as long as the stream is idle.) Suspended streams do not count
 * against the workers; they do count against max-connections.
 *
 * A stream reads what it sends on the worker that resumed it, through a pooled
 * connection, filtered by its user's scope read again for every batch (a user
 * deactivated meanwhile ends the stream). Its wire format:
 *   retry: 2000            (once, first)
 *   id: AUDIT_ID / event: TYPE / data: JSON (event_json)   per event, then a blank line
 *   : heartbeat            after events-heartbeat seconds without anything sent
 *
 * Threads and ownership: the hub is created and freed by the server (one per
 * server). Its mutex guards the list of streams, each stream's suspended flag,
 * the last id and the stop flag; a stream's buffers belong to the worker running
 * its reader. A stream is freed by libmicrohttpd's free callback when its
 * connection ends (unlinked from the hub first). http_events_stop() ends every
 * stream (resuming the suspended ones, which then end the response) and joins the
 * watcher; it must run before the daemon stops, which requires no suspended
 * connection.
 */
#ifndef EMB_HTTP_EVENT_STREAM_H
#define EMB_HTTP_EVENT_STREAM_H

#include <stdint.h>

#include "core/error.h"
#include "http/server.h"
#include "store/access.h"

typedef struct http_events http_events;

struct MHD_Connection;
struct MHD_Response;

/* A hub for srv (not started: no thread yet), heartbeats every heartbeat_s
 * seconds; NULL when out of memory. */
http_events *http_events_new(http_server *srv, int64_t heartbeat_s);
/* Starts the watcher thread. EMB_* with err set when the audit log cannot be read. */
emb_code http_events_start(http_events *h, emb_err *err);
/* Ends every stream and joins the watcher (idempotent; NULL is fine). */
void http_events_stop(http_events *h);
/* Frees the hub after http_events_stop() and after the daemon stopped. */
void http_events_free(http_events *h);

/* A response streaming the events after audit row after_id that user_id, acting
 * with role, may see, on conn (the request's connection, which the stream
 * suspends while idle); NULL when out of memory or stopping. The caller queues it
 * and destroys its own reference, as with any response. */
struct MHD_Response *http_events_response(http_events *h, struct MHD_Connection *conn, int64_t user_id,
                                          access_role role, int64_t after_id);

/* Streams open now (for /metrics and tests). */
int http_events_open(http_events *h);

#endif
