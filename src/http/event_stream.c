/* event_stream.c - Server-Sent Events streams, suspended while idle; see event_stream.h. */
#include "http/event_stream.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "http/route.h"
#include "store/events.h"

enum {
    POLL_MS = 200,    /* how often the watcher reads the audit log's last id */
    BATCH = 200,      /* audit rows read per batch of a stream */
    BLOCK = 16 * 1024 /* bytes libmicrohttpd asks for at most per call */
};

typedef struct ev_stream {
    http_events *hub;
    struct MHD_Connection *conn;
    int64_t user_id;
    access_role role;
    int64_t after;         /* the last audit row handled */
    int64_t last_write_ns; /* when something was last produced */
    char *buf;             /* bytes produced, not yet handed over: [pos, len) */
    size_t pos, len, cap;
    int ended;             /* the stream ends at the next call (its user is gone, or an error) */
    int suspended;         /* guarded by hub->lock */
    struct ev_stream *prev, *next; /* guarded by hub->lock */
} ev_stream;

struct http_events {
    http_server *srv;
    int64_t heartbeat_ns;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int started, stopping;
    int64_t last_id; /* the audit log's last id when the watcher last read it */
    ev_stream *streams;
    int nstreams;
};

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- one stream ----------------------------------------------------------------------- */

static int append(ev_stream *s, const char *text, size_t n)
{
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n)
            cap *= 2;
        char *b = realloc(s->buf, cap);
        if (!b)
            return -1;
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, text, n);
    s->len += n;
    return 0;
}

static int append_str(ev_stream *s, const char *text) { return append(s, text, strlen(text)); }

/* Reads the events after s->after that the stream's user may see into s->buf. On a
 * failure the stream ends (the client reconnects with its last id). */
static void fill(ev_stream *s)
{
    http_server *srv = s->hub->srv;
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(srv, &st, &err)) {
        s->ended = 1;
        return;
    }
    arena a;
    arena_init(&a, 0);
    access_scope scope;
    store_event *ev;
    size_t n = 0;
    int64_t next = s->after;
    if (access_scope_load(st, s->user_id, s->role, &a, &scope, &err) ||
        store_events_after(st, &scope, s->after, BATCH, &a, &ev, &n, &next, &err)) {
        s->ended = 1;
    } else {
        char head[96];
        for (size_t i = 0; i < n && !s->ended; i++) {
            char *json = event_json(&ev[i], s->role == ROLE_ADMIN);
            snprintf(head, sizeof head, "id: %lld\nevent: %s\ndata: ", (long long)ev[i].id,
                     event_type_name(ev[i].type));
            if (!json || append_str(s, head) || append_str(s, json) || append(s, "\n\n", 2))
                s->ended = 1;
            free(json);
        }
        s->after = next;
    }
    arena_release(&a);
    http_db_release(srv, st);
}

static ssize_t hand_over(ev_stream *s, char *buf, size_t max)
{
    size_t n = s->len - s->pos < max ? s->len - s->pos : max;
    memcpy(buf, s->buf + s->pos, n);
    s->pos += n;
    if (s->pos == s->len)
        s->pos = s->len = 0;
    s->last_write_ns = now_ns();
    return (ssize_t)n;
}

static ssize_t reader(void *cls, uint64_t offset, char *buf, size_t max)
{
    (void)offset;
    ev_stream *s = cls;
    http_events *h = s->hub;
    if (s->pos < s->len)
        return hand_over(s, buf, max);
    pthread_mutex_lock(&h->lock);
    int stopping = h->stopping;
    int64_t last = h->last_id;
    pthread_mutex_unlock(&h->lock);
    if (s->ended || stopping)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (last > s->after)
        fill(s);
    if (s->len)
        return hand_over(s, buf, max);
    if (s->ended)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (now_ns() - s->last_write_ns >= h->heartbeat_ns) {
        if (append_str(s, ": heartbeat\n\n"))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        return hand_over(s, buf, max);
    }
    /* Nothing to send: leave the worker's loop until the watcher resumes us. The
     * decision and the suspension are made under the lock the watcher resumes
     * under, so no wake-up falls between them. */
    pthread_mutex_lock(&h->lock);
    if (!h->stopping && h->last_id <= s->after) {
        s->suspended = 1;
        MHD_suspend_connection(s->conn);
    }
    pthread_mutex_unlock(&h->lock);
    return 0;
}

static void stream_free(void *cls)
{
    ev_stream *s = cls;
    http_events *h = s->hub;
    pthread_mutex_lock(&h->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        h->streams = s->next;
    if (s->next)
        s->next->prev = s->prev;
    h->nstreams--;
    pthread_mutex_unlock(&h->lock);
    free(s->buf);
    free(s);
}

struct MHD_Response *http_events_response(http_events *h, struct MHD_Connection *conn, int64_t user_id,
                                          access_role role, int64_t after_id)
{
    ev_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    *s = (ev_stream){.hub = h, .conn = conn, .user_id = user_id, .role = role, .after = after_id,
                     .last_write_ns = now_ns()};
    /* The client's reconnection delay, and a first line so that it knows the
     * stream is open; then whatever it missed, at the first call. */
    if (append_str(s, "retry: 2000\n: connected\n\n")) {
        free(s);
        return NULL;
    }
    pthread_mutex_lock(&h->lock);
    int stopping = h->stopping;
    if (!stopping) {
        s->next = h->streams;
        if (h->streams)
            h->streams->prev = s;
        h->streams = s;
        h->nstreams++;
    }
    pthread_mutex_unlock(&h->lock);
    if (stopping) {
        free(s->buf);
        free(s);
        return NULL;
    }
    /* The first call reads the backlog even if the watcher has not seen it yet. */
    fill(s);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK, reader, s, stream_free);
    if (!r)
        stream_free(s);
    return r;
}

/* ---- the watcher ------------------------------------------------------------------------ */

/* Resumes the suspended streams that have something to read or a heartbeat due
 * (all of them when stopping). Called with the lock held. */
static void wake_streams(http_events *h)
{
    int64_t now = now_ns();
    for (ev_stream *s = h->streams; s; s = s->next)
        if (s->suspended && (h->stopping || h->last_id > s->after || now - s->last_write_ns >= h->heartbeat_ns)) {
            s->suspended = 0;
            MHD_resume_connection(s->conn);
        }
}

static void *watch(void *arg)
{
    http_events *h = arg;
    store *st = NULL;
    for (;;) {
        int64_t last = -1;
        emb_err err;
        emb_err_clear(&err);
        if (!st && store_open(http_server_db_path(h->srv), STORE_READONLY, &st, &err))
            st = NULL;
        if (st && store_events_last_id(st, &last, &err)) {
            store_close(st); /* opened again next time */
            st = NULL;
            last = -1;
        }
        pthread_mutex_lock(&h->lock);
        if (last > h->last_id)
            h->last_id = last;
        wake_streams(h);
        if (!h->stopping) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += POLL_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&h->wake, &h->lock, &until);
        }
        int stop = h->stopping;
        pthread_mutex_unlock(&h->lock);
        if (stop)
            break;
    }
    store_close(st);
    return NULL;
}

http_events *http_events_new(http_server *srv, int64_t heartbeat_s)
{
    http_events *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->srv = srv;
    h->heartbeat_ns = heartbeat_s * 1000000000LL;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    return h;
}

emb_code http_events_start(http_events *h, emb_err *err)
{
    if (pthread_create(&h->thread, NULL, watch, h))
        return emb_err_set(err, EMB_INTERNAL, _("cannot start the thread of the event streams"));
    h->started = 1;
    return EMB_OK;
}

void http_events_stop(http_events *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stopping = 1;
    wake_streams(h);
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    if (h->started)
        pthread_join(h->thread, NULL);
    h->started = 0;
}

void http_events_free(http_events *h)
{
    if (!h)
        return;
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->wake);
    free(h);
}

int http_events_open(http_events *h)
{
    pthread_mutex_lock(&h->lock);
    int n = h->nstreams;
    pthread_mutex_unlock(&h->lock);
    return n;
}
