/* webhook_worker.c - queues and sends webhook deliveries with libcurl; see webhook_worker.h. */
#include "http/webhook_worker.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "store/webhooks.h"

enum {
    IN_FLIGHT = 32, /* transfers at once */
    PER_HOOK = 4,   /* of one hook at once */
    POLL_MS = 250,  /* how often the worker looks for new events and due deliveries */
    PRUNE_EVERY = 3600 /* seconds between removals of old ended deliveries */
};

typedef struct {
    CURL *easy;
    int64_t id, hook;
    char *body;
    struct curl_slist *headers;
    char error[CURL_ERROR_SIZE];
} transfer;

struct http_webhooks {
    char *db_path;
    int64_t timeout_s, retry_s;
    pthread_t thread;
    int started;
    atomic_int stopping;
    CURLM *multi; /* the worker thread's; other threads only call curl_multi_wakeup on it */
    transfer slots[IN_FLIGHT];
};

void webhook_signature(const char *secret, int64_t t, const char *body, size_t len, char *out, size_t size)
{
    char stamp[24];
    int n = snprintf(stamp, sizeof stamp, "%lld.", (long long)t);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)stamp, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&state, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&state, mac);
    char hex[2 * sizeof mac + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    snprintf(out, size, "t=%lld,v1=%s", (long long)t, hex);
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
    (void)ptr;
    (void)ud;
    return size * nmemb;
}

static void transfer_end(http_webhooks *w, transfer *t)
{
    if (!t->easy)
        return;
    curl_multi_remove_handle(w->multi, t->easy);
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    free(t->body);
    *t = (transfer){0};
}

/* Starts sending job in slot t; 0, or -1 (nothing started) when out of memory. */
static int transfer_start(http_webhooks *w, transfer *t, const webhook_job *job)
{
    *t = (transfer){.id = job->id, .hook = job->webhook_id};
    size_t len = strlen(job->body);
    char line[256], sig[128];
    if (!(t->easy = curl_easy_init()) || !(t->body = strdup(job->body)))
        goto fail;
    webhook_signature(job->secret, (int64_t)time(NULL), t->body, len, sig, sizeof sig);
    const char *fixed[] = {"Content-Type: application/json", "User-Agent: embudo-webhooks/1", "Expect:"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        struct curl_slist *h = curl_slist_append(t->headers, fixed[i]);
        if (!h)
            goto fail;
        t->headers = h;
    }
    const char *names[] = {"Embudo-Event", "Embudo-Delivery", "Embudo-Signature"};
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)job->id);
    const char *values[] = {job->event_type, id, sig};
    for (size_t i = 0; i < 3; i++) {
        snprintf(line, sizeof line, "%s: %s", names[i], values[i]);
        struct curl_slist *h = curl_slist_append(t->headers, line);
        if (!h)
            goto fail;
        t->headers = h;
    }
    curl_easy_setopt(t->easy, CURLOPT_URL, job->url);
    curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT, (long)w->timeout_s);
    curl_easy_setopt(t->easy, CURLOPT_POST, 1L);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    if (curl_multi_add_handle(w->multi, t->easy) != CURLM_OK)
        goto fail;
    return 0;
fail:
    if (t->easy)
        curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    free(t->body);
    *t = (transfer){0};
    return -1;
}

/* Records the attempts that ended. */
static void collect(http_webhooks *w, store *st)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(w->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        transfer *t = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        if (!t)
            continue;
        long status = 0;
        curl_off_t micros = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &micros);
        char error[CURL_ERROR_SIZE + 32];
        if (msg->data.result != CURLE_OK)
            snprintf(error, sizeof error, "%s", t->error[0] ? t->error : curl_easy_strerror(msg->data.result));
        else if (status < 200 || status >= 300)
            snprintf(error, sizeof error, "HTTP %ld", status);
        else
            error[0] = '\0';
        if (msg->data.result != CURLE_OK)
            status = 0; /* no complete answer */
        emb_err err;
        emb_err_clear(&err);
        /* On failure (the database busy for long) the delivery stays claimed and is
         * sent again when its lease ends. */
        if (st)
            store_webhook_attempted(st, t->id, (int64_t)time(NULL), status, (int64_t)(micros / 1000),
                                    error[0] ? error : NULL, w->retry_s, &err);
        transfer_end(w, t);
    }
}

/* Claims due deliveries into the free slots. */
static void claim(http_webhooks *w, store *st)
{
    int64_t busy[IN_FLIGHT];
    size_t nbusy = 0, nfree = 0;
    for (int i = 0; i < IN_FLIGHT; i++) {
        if (w->slots[i].easy)
            busy[nbusy++] = w->slots[i].hook;
        else
            nfree++;
    }
    if (!nfree)
        return;
    arena a;
    arena_init(&a, 0);
    webhook_job *jobs;
    size_t n = 0;
    emb_err err;
    emb_err_clear(&err);
    if (!store_webhooks_claim(st, (int64_t)time(NULL), w->timeout_s + 5, nfree, PER_HOOK, busy, nbusy, &a, &jobs, &n,
                              &err)) {
        size_t next = 0;
        for (int i = 0; i < IN_FLIGHT && next < n; i++)
            if (!w->slots[i].easy)
                transfer_start(w, &w->slots[i], &jobs[next++]); /* one not started is sent after its lease */
    }
    arena_release(&a);
}

static void *work(void *arg)
{
    http_webhooks *w = arg;
    store *st = NULL;
    int64_t pruned = 0;
    while (!atomic_load(&w->stopping)) {
        emb_err err;
        emb_err_clear(&err);
        if (!st && store_open(w->db_path, 0, &st, &err))
            st = NULL;
        if (st) {
            int queued = 0;
            if (store_webhooks_enqueue(st, (int64_t)time(NULL), &queued, &err) == EMB_IO) {
                store_close(st); /* opened again next time */
                st = NULL;
            }
        }
        if (st)
            claim(w, st);
        int64_t now = (int64_t)time(NULL);
        if (st && now - pruned >= PRUNE_EVERY) {
            int removed;
            if (!store_webhooks_prune(st, now, &removed, &err))
                pruned = now;
        }
        int running = 0;
        curl_multi_perform(w->multi, &running);
        collect(w, st);
        curl_multi_poll(w->multi, NULL, 0, POLL_MS, NULL);
        curl_multi_perform(w->multi, &running);
        collect(w, st);
    }
    for (int i = 0; i < IN_FLIGHT; i++)
        transfer_end(w, &w->slots[i]);
    store_close(st);
    return NULL;
}

http_webhooks *http_webhooks_new(const char *db_path, int64_t timeout_s, int64_t retry_s)
{
    http_webhooks *w = calloc(1, sizeof *w);
    if (!w || !(w->db_path = strdup(db_path)) || !(w->multi = curl_multi_init())) {
        if (w)
            free(w->db_path);
        free(w);
        return NULL;
    }
    w->timeout_s = timeout_s;
    w->retry_s = retry_s;
    return w;
}

emb_code http_webhooks_start(http_webhooks *w, emb_err *err)
{
    if (pthread_create(&w->thread, NULL, work, w))
        return emb_err_set(err, EMB_INTERNAL, _("cannot start the thread that sends webhooks"));
    w->started = 1;
    return EMB_OK;
}

void http_webhooks_wake(http_webhooks *w)
{
    if (w)
        curl_multi_wakeup(w->multi);
}

void http_webhooks_stop(http_webhooks *w)
{
    if (!w || !w->started)
        return;
    atomic_store(&w->stopping, 1);
    curl_multi_wakeup(w->multi);
    pthread_join(w->thread, NULL);
    w->started = 0;
}

void http_webhooks_free(http_webhooks *w)
{
    if (!w)
        return;
    curl_multi_cleanup(w->multi);
    free(w->db_path);
    free(w);
}
