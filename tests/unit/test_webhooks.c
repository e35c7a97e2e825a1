/* test_webhooks.c - webhooks in the store (store/webhooks.h): URLs accepted, the
 * secret, events queued once per hook and only those subscribed, inactive hooks
 * skipping, claims limited per hook and leased, the backoff of failed attempts and
 * the end after a day, replays, deletion; every expected value worked out by hand
 * from the rows written below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/webhooks.h"
#include "store_testlib.h"

static char db[256];
static store *st;
static arena a;

static int setup(void **state)
{
    (void)state;
    snprintf(db, sizeof db, "/tmp/embudo-test-webhooks-%d.db", (int)getpid());
    st_remove_db(db);
    emb_err err;
    assert_int_equal(store_open(db, STORE_CREATE, &st, &err), EMB_OK);
    /* one audit row before any hook: no hook gets it */
    char *msg = NULL;
    if (sqlite3_exec(store_sqlite(st),
                     "INSERT INTO users (id, name, email, role, active, created) VALUES (1, 'Ada', 'ada@x', 'admin', 1, 0);"
                     "INSERT INTO audit_log (id, at, user_id, action, kind, record_id, detail) VALUES"
                     " (100, 0, 1, 'insert', 'deals', 7, '{\"after\":{\"title\":\"old\"}}');",
                     NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("fixture: %s", msg);
    arena_init(&a, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&a);
    store_close(st);
    st_remove_db(db);
    return 0;
}

static void exec(const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(store_sqlite(st), sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

static void urls(void **state)
{
    (void)state;
    assert_true(webhook_url_valid("http://127.0.0.1:9000/hook"));
    assert_true(webhook_url_valid("https://hooks.example.com/a?b=c"));
    assert_false(webhook_url_valid("ftp://x.com/"));
    assert_false(webhook_url_valid("http://"));
    assert_false(webhook_url_valid("https:///path"));
    assert_false(webhook_url_valid("http://x.com/a b"));
    assert_false(webhook_url_valid("http://x.com/\xc3\xa9"));
    assert_false(webhook_url_valid("x.com"));
    assert_false(webhook_url_valid(""));
    assert_false(webhook_url_valid(NULL));
}

static int64_t q(const char *sql) { return st_query_int(st, sql); }

static void queue_claim_attempt(void **state)
{
    (void)state;
    emb_err err;
    int64_t a_id, b_id;
    char secret[WEBHOOK_SECRET_SIZE];
    webhook_change ca = {.url = "http://127.0.0.1:1/a", .events = "[\"deal.created\",\"deal.won\"]", .active = -1};
    assert_int_equal(store_webhook_create(st, &ca, 1, 1000, &a_id, secret, &err), EMB_OK);
    assert_int_equal(strlen(secret), 70);
    assert_memory_equal(secret, "whsec_", 6);
    assert_int_equal(strspn(secret + 6, "0123456789abcdef"), 64);
    /* after_event: the last audit row at creation (its own audit row came after it) */
    assert_int_equal(q("SELECT after_event FROM webhooks WHERE id = 1"), 100);
    webhook_change cb = {.url = "http://127.0.0.1:1/b", .events = "[\"deal.created\"]", .active = 0};
    assert_int_equal(store_webhook_create(st, &cb, 1, 1000, &b_id, secret, &err), EMB_OK);

    exec("INSERT INTO audit_log (id, at, user_id, action, kind, record_id, detail) VALUES"
         " (200, 1000, 1, 'insert', 'deals', 8, '{\"after\":{\"id\":\"D8\",\"owner\":1}}'),"
         " (201, 1000, 1, 'update', 'deals', 8, '{\"before\":{\"amount\":1},\"after\":{\"amount\":2}}'),"
         " (202, 1000, 1, 'update', 'deals', 8, '{\"before\":{\"status\":\"open\"},\"after\":{\"status\":\"won\"}}'),"
         " (203, 1000, 1, 'password', 'users', 1, NULL);");
    int queued;
    assert_int_equal(store_webhooks_enqueue(st, 1000, &queued, &err), EMB_OK);
    assert_int_equal(queued, 2); /* hook a: 200 created, 202 won; hook b is inactive */
    assert_int_equal(q("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 1 AND event_id = 200"
                       " AND event_type = 'deal.created' AND status = 'pending' AND next_attempt = 1000"),
                     1);
    assert_int_equal(q("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = 1 AND event_id = 202"
                       " AND event_type = 'deal.won' AND json_extract(body, '$.id') = 202"),
                     1);
    assert_int_equal(q("SELECT after_event FROM webhooks WHERE id = 2"), 203); /* skipped */
    assert_int_equal(store_webhooks_enqueue(st, 1001, &queued, &err), EMB_OK);
    assert_int_equal(queued, 0);

    /* one per hook: the oldest */
    webhook_job *jobs;
    size_t n;
    assert_int_equal(store_webhooks_claim(st, 1000, 15, 10, 1, NULL, 0, &a, &jobs, &n, &err), EMB_OK);
    assert_int_equal(n, 1);
    int64_t d1 = jobs[0].id;
    assert_string_equal(jobs[0].event_type, "deal.created");
    assert_string_equal(jobs[0].url, "http://127.0.0.1:1/a");
    assert_memory_equal(jobs[0].secret, "whsec_", 6);
    assert_int_equal(q("SELECT next_attempt FROM webhook_deliveries WHERE event_id = 200"), 1015); /* leased */
    /* the hook busy with one already: none with a limit of 1, the other with 4 */
    int64_t busy[] = {1};
    assert_int_equal(store_webhooks_claim(st, 1000, 15, 10, 1, busy, 1, &a, &jobs, &n, &err), EMB_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_webhooks_claim(st, 1000, 15, 10, 4, busy, 1, &a, &jobs, &n, &err), EMB_OK);
    assert_int_equal(n, 1);
    int64_t d2 = jobs[0].id;
    assert_string_equal(jobs[0].event_type, "deal.won");

    /* backoff: 30 s, then 60 s; a 2xx delivers */
    assert_int_equal(store_webhook_attempted(st, d1, 1000, 500, 12, "HTTP 500", 30, &err), EMB_OK);
    assert_int_equal(q("SELECT next_attempt FROM webhook_deliveries WHERE event_id = 200"), 1030);
    assert_int_equal(store_webhook_attempted(st, d1, 1030, 0, 10000, "Timeout was reached", 30, &err), EMB_OK);
    webhook_delivery d;
    assert_int_equal(store_webhook_delivery_get(st, 1, d1, &a, &d, &err), EMB_OK);
    assert_string_equal(d.status, "pending");
    assert_int_equal(d.attempts, 2);
    assert_int_equal(d.next_attempt, 1090);
    assert_int_equal(d.last_status, 0);
    assert_int_equal(d.last_latency_ms, 10000);
    assert_string_equal(d.last_error, "Timeout was reached");
    assert_int_equal(store_webhook_attempted(st, d1, 1090, 204, 5, NULL, 30, &err), EMB_OK);
    assert_int_equal(store_webhook_delivery_get(st, 1, d1, &a, &d, &err), EMB_OK);
    assert_string_equal(d.status, "delivered");
    assert_int_equal(d.attempts, 3);
    assert_int_equal(d.next_attempt, 0);
    assert_int_equal(d.last_status, 204);
    assert_null(d.last_error);
    /* a retry that would come more than a day after queueing: failed */
    assert_int_equal(store_webhook_attempted(st, d2, 1000 + 86400 - 10, 503, 1, "HTTP 503", 30, &err), EMB_OK);
    assert_int_equal(store_webhook_delivery_get(st, 1, d2, &a, &d, &err), EMB_OK);
    assert_string_equal(d.status, "failed");

    /* a replay: a new delivery of the same event and body, due now */
    int64_t r;
    assert_int_equal(store_webhook_replay(st, 1, d1, 1, 2000, &r, &err), EMB_OK);
    assert_int_equal(store_webhook_delivery_get(st, 1, r, &a, &d, &err), EMB_OK);
    assert_int_equal(d.replay_of, d1);
    assert_int_equal(d.event_id, 200);
    assert_string_equal(d.status, "pending");
    assert_int_equal(d.next_attempt, 2000);
    assert_int_equal(q("SELECT count(*) FROM webhook_deliveries a JOIN webhook_deliveries b ON b.id = a.replay_of"
                       " WHERE a.body = b.body"),
                     1);
    assert_int_equal(store_webhook_replay(st, 2, d1, 1, 2000, &r, &err), EMB_NOT_FOUND);
    webhook_delivery *list;
    assert_int_equal(store_webhook_deliveries(st, 1, 0, 2, &a, &list, &n, &err), EMB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, r); /* newest first */
    assert_int_equal(store_webhook_deliveries(st, 1, list[1].id, 10, &a, &list, &n, &err), EMB_OK);
    assert_int_equal(n, 1);

    /* a replay of a replay names the first delivery too */
    int64_t r2;
    assert_int_equal(store_webhook_replay(st, 1, r, 1, 2001, &r2, &err), EMB_OK);
    assert_int_equal(store_webhook_delivery_get(st, 1, r2, &a, &d, &err), EMB_OK);
    assert_int_equal(d.replay_of, d1);
    int64_t pending;
    assert_int_equal(store_webhooks_pending(st, &pending, &err), EMB_OK);
    assert_int_equal(pending, 2); /* the two replays */
    /* pruning: what ended more than 30 days ago. d1 (delivered at 1090) is named by
     * the replays, still pending; d2 failed at 87390. */
    int removed;
    assert_int_equal(store_webhooks_prune(st, 2100 + WEBHOOK_KEEP, &removed, &err), EMB_OK);
    assert_int_equal(removed, 0);
    exec("UPDATE webhook_deliveries SET status = 'delivered', last_attempt = 2050 WHERE replay_of IS NOT NULL");
    assert_int_equal(store_webhooks_prune(st, 2051 + WEBHOOK_KEEP, &removed, &err), EMB_OK);
    assert_int_equal(removed, 3); /* the replays, then d1 */
    assert_int_equal(q("SELECT group_concat(id) FROM webhook_deliveries"), d2);

    /* a change: deactivated, then active again from the last row on */
    webhook_change off = {.active = 0};
    assert_int_equal(store_webhook_update(st, 1, &off, 1, 3000, &err), EMB_OK);
    exec("INSERT INTO audit_log (id, at, user_id, action, kind, record_id, detail) VALUES"
         " (300, 3000, 1, 'insert', 'deals', 9, '{\"after\":{\"id\":\"D9\"}}')");
    webhook_change on = {.active = 1, .description = "again"};
    assert_int_equal(store_webhook_update(st, 1, &on, 1, 3001, &err), EMB_OK);
    assert_int_equal(store_webhooks_enqueue(st, 3002, &queued, &err), EMB_OK);
    assert_int_equal(queued, 0);
    webhook h;
    assert_int_equal(store_webhook_get(st, 1, &a, &h, &err), EMB_OK);
    assert_string_equal(h.description, "again");
    assert_int_equal(h.active, 1);
    assert_int_equal(store_webhook_update(st, 9, &on, 1, 3001, &err), EMB_NOT_FOUND);

    assert_int_equal(store_webhook_delete(st, 1, 1, 4000, &err), EMB_OK);
    assert_int_equal(q("SELECT count(*) FROM webhook_deliveries"), 0);
    assert_int_equal(store_webhook_get(st, 1, &a, &h, &err), EMB_NOT_FOUND);
    assert_int_equal(store_webhook_delete(st, 1, 1, 4000, &err), EMB_NOT_FOUND);
    assert_int_equal(q("SELECT count(*) FROM audit_log WHERE kind = 'webhooks' AND detail LIKE '%whsec%'"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urls),
        cmocka_unit_test(queue_claim_attempt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
