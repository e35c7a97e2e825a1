/* counters.c - the server's request counters; see counters.h. */
#include "http/counters.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int64_t http_latency_bounds_us[HTTP_LATENCY_BUCKETS] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000,
};

/* The statuses counted apart; the last five stand for the classes 1xx..5xx. */
static const int statuses[HTTP_COUNTER_STATUSES] = {
    200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500,
    1, 2, 3, 4, 5, /* any other NNN: class N */
};

static int status_index(int status)
{
    for (int i = 0; i < HTTP_COUNTER_STATUSES - 5; i++)
        if (statuses[i] == status)
            return i;
    int cls = status / 100;
    return cls >= 1 && cls <= 5 ? HTTP_COUNTER_STATUSES - 6 + cls : HTTP_COUNTER_STATUSES - 1;
}

void http_counters_init(http_counters *c, const char *const *names, int nroutes)
{
    memset(c, 0, sizeof *c);
    c->route_names = names;
    c->nroutes = nroutes < HTTP_COUNTER_ROUTES - 1 ? nroutes : HTTP_COUNTER_ROUTES - 1;
}

void http_counters_add(http_counters *c, int route, int status, int64_t micros)
{
    int r = route >= 0 && route < c->nroutes ? route : c->nroutes;
    atomic_fetch_add_explicit(&c->requests[r][status_index(status)], 1, memory_order_relaxed);
    int b = 0;
    while (b < HTTP_LATENCY_BUCKETS && micros > http_latency_bounds_us[b])
        b++;
    atomic_fetch_add_explicit(&c->latency[r][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->latency_sum_us[r], (uint_fast64_t)(micros > 0 ? micros : 0), memory_order_relaxed);
}

typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

char *http_counters_format(const http_counters *c, size_t *len)
{
    text t = {.cap = 4096};
    if (!(t.s = malloc(t.cap)))
        return NULL;
    put(&t, "# HELP embudo_http_requests_total HTTP requests answered, by route and status.\n"
            "# TYPE embudo_http_requests_total counter\n");
    for (int r = 0; r <= c->nroutes; r++)
        for (int i = 0; i < HTTP_COUNTER_STATUSES; i++) {
            uint_fast64_t n = atomic_load_explicit(&c->requests[r][i], memory_order_relaxed);
            if (!n)
                continue;
            const char *route = r < c->nroutes ? c->route_names[r] : "unmatched";
            if (i < HTTP_COUNTER_STATUSES - 5)
                put(&t, "embudo_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", route, statuses[i],
                    (unsigned long long)n);
            else
                put(&t, "embudo_http_requests_total{route=\"%s\",status=\"%dxx\"} %llu\n", route, statuses[i],
                    (unsigned long long)n);
        }
    put(&t, "# HELP embudo_http_request_duration_seconds Time from a request's headers to its answer, by route.\n"
            "# TYPE embudo_http_request_duration_seconds histogram\n");
    for (int r = 0; r <= c->nroutes; r++) {
        uint_fast64_t count = 0;
        for (int b = 0; b <= HTTP_LATENCY_BUCKETS; b++)
            count += atomic_load_explicit(&c->latency[r][b], memory_order_relaxed);
        if (!count)
            continue;
        const char *route = r < c->nroutes ? c->route_names[r] : "unmatched";
        uint_fast64_t cumulative = 0;
        for (int b = 0; b <= HTTP_LATENCY_BUCKETS; b++) {
            cumulative += atomic_load_explicit(&c->latency[r][b], memory_order_relaxed);
            if (b < HTTP_LATENCY_BUCKETS)
                put(&t, "embudo_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", route,
                    (double)http_latency_bounds_us[b] / 1e6, (unsigned long long)cumulative);
            else
                put(&t, "embudo_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", route,
                    (unsigned long long)cumulative);
        }
        put(&t, "embudo_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route,
            (double)atomic_load_explicit(&c->latency_sum_us[r], memory_order_relaxed) / 1e6);
        put(&t, "embudo_http_request_duration_seconds_count{route=\"%s\"} %llu\n", route, (unsigned long long)cumulative);
    }
    if (t.failed) {
        free(t.s);
        return NULL;
    }
    *len = t.len;
    return t.s;
}
