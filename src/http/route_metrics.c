/* route_metrics.c - GET /metrics: the server's counters and the database's size
 * and generation, in Prometheus' text format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "http/route.h"
#include "http/event_stream.h"
#include "http/snapshots.h"
#include "store/webhooks.h"

/* Size of path in bytes, 0 when it does not exist. */
static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

void route_metrics(http_request *req, http_reply *out)
{
    size_t len = 0;
    char *counters = http_server_counters_text(req->srv, &len);
    if (!counters) {
        http_reply_problem(out, 500, _("out of memory"), NULL);
        return;
    }
    const char *db = http_server_db_path(req->srv);
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", db);
    long long generation = -1, pending = -1;
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (!http_db_acquire(req->srv, &st, &err)) {
        generation = store_generation(st);
        int64_t p;
        if (!store_webhooks_pending(st, &p, &err))
            pending = p;
        http_db_release(req->srv, st);
    }
    http_snaps *snaps = http_server_snaps(req->srv);
    char tail[3072];
    int n = snprintf(tail, sizeof tail,
                     "# HELP embudo_database_size_bytes Size of the database file and its write-ahead log.\n"
                     "# TYPE embudo_database_size_bytes gauge\n"
                     "embudo_database_size_bytes{file=\"main\"} %lld\n"
                     "embudo_database_size_bytes{file=\"wal\"} %lld\n"
                     "# HELP embudo_database_generation Committed write transactions of the database so far "
                     "(-1: it cannot be read).\n"
                     "# TYPE embudo_database_generation gauge\n"
                     "embudo_database_generation %lld\n"
                     "# HELP embudo_snapshot_generation Generation of the database the analytics snapshot "
                     "reflects (-1: none built yet).\n"
                     "# TYPE embudo_snapshot_generation gauge\n"
                     "embudo_snapshot_generation %lld\n"
                     "# HELP embudo_snapshot_builds_total Times the snapshot was built whole from the database.\n"
                     "# TYPE embudo_snapshot_builds_total counter\n"
                     "embudo_snapshot_builds_total %lld\n"
                     "# HELP embudo_snapshot_build_seconds How long the last whole build of the snapshot took.\n"
                     "# TYPE embudo_snapshot_build_seconds gauge\n"
                     "embudo_snapshot_build_seconds %.6f\n"
                     "# HELP embudo_snapshot_catch_ups_total Times the snapshot was caught up with the "
                     "changes logged since it.\n"
                     "# TYPE embudo_snapshot_catch_ups_total counter\n"
                     "embudo_snapshot_catch_ups_total %lld\n"
                     "# HELP embudo_snapshot_catch_up_seconds How long the last catch-up of the snapshot took.\n"
                     "# TYPE embudo_snapshot_catch_up_seconds gauge\n"
                     "embudo_snapshot_catch_up_seconds %.6f\n"
                     "# HELP embudo_event_streams Event streams (GET /api/v1/events) open.\n"
                     "# TYPE embudo_event_streams gauge\n"
                     "embudo_event_streams %d\n"
                     "# HELP embudo_webhook_deliveries_pending Webhook deliveries waiting for an attempt or a "
                     "retry (-1: the database cannot be read).\n"
                     "# TYPE embudo_webhook_deliveries_pending gauge\n"
                     "embudo_webhook_deliveries_pending %lld\n",
                     file_size(db), file_size(wal), generation, (long long)http_snaps_generation(snaps),
                     (long long)http_snaps_builds(snaps), (double)http_snaps_last_build_us(snaps) / 1e6,
                     (long long)http_snaps_catch_ups(snaps), (double)http_snaps_last_catch_up_us(snaps) / 1e6,
                     http_events_open(http_server_events(req->srv)), pending);
    char *body = realloc(counters, len + (size_t)n);
    if (!body) {
        free(counters);
        http_reply_problem(out, 500, _("out of memory"), NULL);
        return;
    }
    memcpy(body + len, tail, (size_t)n);
    *out = (http_reply){.status = 200, .content_type = "text/plain; version=0.0.4; charset=utf-8", .body = body,
                        .len = len + (size_t)n};
}
