/* route_metrics.c - GET /metrics: the server's counters and the database's size
 * and generation, in Prometheus' text format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "http/route.h"

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
    long long generation = -1;
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (!http_db_acquire(req->srv, &st, &err)) {
        generation = store_generation(st);
        http_db_release(req->srv, st);
    }
    char tail[1024];
    int n = snprintf(tail, sizeof tail,
                     "# HELP embudo_database_size_bytes Size of the database file and its write-ahead log.\n"
                     "# TYPE embudo_database_size_bytes gauge\n"
                     "embudo_database_size_bytes{file=\"main\"} %lld\n"
                     "embudo_database_size_bytes{file=\"wal\"} %lld\n"
                     "# HELP embudo_database_generation Committed write transactions of the database so far "
                     "(-1: it cannot be read).\n"
                     "# TYPE embudo_database_generation gauge\n"
                     "embudo_database_generation %lld\n",
                     file_size(db), file_size(wal), generation);
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
