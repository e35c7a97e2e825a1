/*
 * server.h - `embudo serve`: the HTTP server on libmicrohttpd (a pool of worker
 * threads, each with its own epoll loop), its access log, its counters for
 * /metrics, and its graceful stop.
 *
 * Every request goes through one path (server.c): it is timed from its headers to
 * its last byte, routed by the table of routes.c, answered, logged in one access-log
 * line (time, user, method, path, status, bytes, microseconds) and counted by route
 * and status, with its latency in a histogram.
 *
 * Ownership: http_server_start() allocates the server, opens the access log and
 * starts its threads; http_server_stop() stops them and frees everything. The
 * settings and the database path are copied. Nothing here is global: handlers get
 * the server through their request.
 */
#ifndef EMB_HTTP_SERVER_H
#define EMB_HTTP_SERVER_H

#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "http/settings.h"

typedef struct http_server http_server;

/* Starts serving the database at db_path (which must exist: it is opened once
 * here to check it) as s says. Messages of the HTTP library go to msgs.
 * EMB_USAGE for a setting the system refuses (an address in use, a TLS file that
 * cannot be read), with the setting named. */
emb_code http_server_start(const server_settings *s, const char *db_path, FILE *msgs, http_server **out,
                           emb_err *err);

/* The port the server listens on (the one the system chose for port 0). */
int http_server_port(const http_server *srv);
/* "http" or "https". */
const char *http_server_scheme(const http_server *srv);

/* Stops accepting connections, waits up to the settings' shutdown_grace seconds
 * for the requests in flight to be answered, then stops the threads and frees
 * srv (NULL is fine). Returns the number of requests cut short (0 normally). */
int http_server_stop(http_server *srv);

#endif
