/*
 * counters.h - what the server counts for GET /metrics: requests by route and
 * status, and a latency histogram by route, in Prometheus' text format.
 *
 * Counting is lock-free (relaxed atomic increments), safe from every worker
 * thread; a reader sees each counter whole, though not all of them at one instant.
 *
 * Ownership: the caller owns the http_counters (inside its server) and frees its
 * route names only after the counters; http_counters_format() returns text the
 * caller frees.
 */
#ifndef EMB_HTTP_COUNTERS_H
#define EMB_HTTP_COUNTERS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum {
    HTTP_COUNTER_ROUTES = 32, /* routes counted apart; the last one: unmatched paths */
    HTTP_COUNTER_STATUSES = 20,
    HTTP_LATENCY_BUCKETS = 12,
};

/* Upper bounds of the histogram's buckets, in microseconds (then +Inf). */
extern const int64_t http_latency_bounds_us[HTTP_LATENCY_BUCKETS];

typedef struct {
    const char *const *route_names; /* nroutes names, then "unmatched" is added */
    int nroutes;
    atomic_uint_fast64_t requests[HTTP_COUNTER_ROUTES][HTTP_COUNTER_STATUSES];
    atomic_uint_fast64_t latency[HTTP_COUNTER_ROUTES][HTTP_LATENCY_BUCKETS + 1];
    atomic_uint_fast64_t latency_sum_us[HTTP_COUNTER_ROUTES];
} http_counters;

/* Zeroes c for nroutes routes (at most HTTP_COUNTER_ROUTES - 1) named by names. */
void http_counters_init(http_counters *c, const char *const *names, int nroutes);

/* Counts one answered request of route (-1: no route matched) with its status and
 * latency. Statuses outside the known list are counted as their class (2xx...). */
void http_counters_add(http_counters *c, int route, int status, int64_t micros);

/* The counters in Prometheus' text exposition format (version 0.0.4), with the
 * HELP and TYPE lines; NULL when out of memory. *len is its length. */
char *http_counters_format(const http_counters *c, size_t *len);

#endif
