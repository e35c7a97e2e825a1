/* webhooks.c - webhooks and their deliveries in SQLite; see webhooks.h. */
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/events.h"
#include "store/webhooks.h"

enum { ENQUEUE_ROWS = 500 };

int webhook_url_valid(const char *url)
{
    size_t len = url ? strlen(url) : 0;
    if (!len || len > WEBHOOK_URL_MAX)
        return 0;
    const char *host = !strncmp(url, "http://", 7) ? url + 7 : !strncmp(url, "https://", 8) ? url + 8 : NULL;
    if (!host || !*host || *host == '/' || *host == ':' || *host == '?' || *host == '#')
        return 0;
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        if (*c <= ' ' || *c >= 0x7f)
            return 0;
    return 1;
}

static emb_code sql_fail(store *st, emb_err *err)
{
    return emb_err_set(err, EMB_IO, _("the webhooks cannot be read or written: %s"), sqlite3_errmsg(store_sqlite(st)));
}

static emb_code prepare(store *st, const char *sql, sqlite3_stmt **s, emb_err *err)
{
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, s, NULL) != SQLITE_OK)
        return sql_fail(st, err);
    return EMB_OK;
}

/* A write transaction of its own: no generation bump (nothing here is a record). */
static emb_code begin(store *st, emb_err *err)
{
    if (sqlite3_exec(store_sqlite(st), "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_sql_error(st, _("starting a write"), err);
    return EMB_OK;
}

static emb_code commit(store *st, emb_err *err)
{
    if (sqlite3_exec(store_sqlite(st), "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        store_sql_error(st, _("committing"), err);
        store_rollback(st);
        return err->code;
    }
    return EMB_OK;
}

static emb_code step_done(store *st, sqlite3_stmt *s, emb_err *err)
{
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? EMB_OK : sql_fail(st, err);
}

static const char *text_of(sqlite3_stmt *s, int col, arena *a)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    return t ? arena_strdup(a, (const char *)t) : NULL;
}

/* The audit row of a change of hook id by user_id: detail {"after": ...} of the
 * change (never the secret). */
static emb_code audit(store *st, const char *action, int64_t id, const webhook_change *c, int64_t user_id,
                      int64_t now, emb_err *err)
{
    json_t *after = json_object();
    if (c && c->url)
        json_object_set_new(after, "url", json_string(c->url));
    if (c && c->events)
        json_object_set_new(after, "events", json_loads(c->events, 0, NULL));
    if (c && c->active >= 0)
        json_object_set_new(after, "active", json_integer(c->active));
    if (c && c->description)
        json_object_set_new(after, "description", json_string(c->description));
    json_t *o = json_object();
    json_object_set_new(o, "after", after);
    char *detail = c ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    sqlite3_stmt *s;
    emb_code rc = prepare(st, "INSERT INTO audit_log (at, user_id, action, kind, record_id, detail)"
                              " VALUES (?1, nullif(?2, 0), ?3, 'webhooks', ?4, ?5)", &s, err);
    if (!rc) {
        sqlite3_bind_int64(s, 1, now);
        sqlite3_bind_int64(s, 2, user_id);
        sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, id);
        if (detail)
            sqlite3_bind_text(s, 5, detail, -1, SQLITE_TRANSIENT);
        rc = step_done(st, s, err);
    }
    free(detail);
    return rc;
}

/* ---- hooks ----------------------------------------------------------------------- */

static const char *const hook_columns = "SELECT id, url, events, active, description, created, coalesce(created_by, 0)"
                                        " FROM webhooks";

static void read_hook(sqlite3_stmt *s, arena *a, webhook *h)
{
    *h = (webhook){.id = sqlite3_column_int64(s, 0), .url = text_of(s, 1, a), .events = text_of(s, 2, a),
                   .active = sqlite3_column_int(s, 3), .description = text_of(s, 4, a),
                   .created = sqlite3_column_int64(s, 5), .created_by = sqlite3_column_int64(s, 6)};
}

emb_code store_webhook_list(store *st, arena *a, webhook **out, size_t *n, emb_err *err)
{
    *out = NULL;
    *n = 0;
    char sql[200];
    snprintf(sql, sizeof sql, "%s ORDER BY id", hook_columns);
    sqlite3_stmt *s;
    if (prepare(st, sql, &s, err))
        return err->code;
    size_t cap = 0, count = 0;
    webhook *rows = NULL;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            webhook *more = arena_alloc(a, ncap * sizeof *more);
            if (!more) {
                sqlite3_finalize(s);
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            }
            if (count)
                memcpy(more, rows, count * sizeof *rows);
            rows = more;
            cap = ncap;
        }
        read_hook(s, a, &rows[count++]);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return sql_fail(st, err);
    *out = rows;
    *n = count;
    return EMB_OK;
}

emb_code store_webhook_get(store *st, int64_t id, arena *a, webhook *out, emb_err *err)
{
    char sql[200];
    snprintf(sql, sizeof sql, "%s WHERE id = ?1", hook_columns);
    sqlite3_stmt *s;
    if (prepare(st, sql, &s, err))
        return err->code;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read_hook(s, a, out);
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return emb_err_set(err, EMB_NOT_FOUND, _("webhook %lld does not exist"), (long long)id);
    return rc == SQLITE_ROW ? EMB_OK : sql_fail(st, err);
}

emb_code store_webhook_create(store *st, const webhook_change *c, int64_t user_id, int64_t now, int64_t *id,
                              char secret[WEBHOOK_SECRET_SIZE], emb_err *err)
{
    if (sodium_init() < 0)
        return emb_err_set(err, EMB_INTERNAL, _("libsodium cannot start"));
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    memcpy(secret, "whsec_", 6);
    sodium_bin2hex(secret + 6, WEBHOOK_SECRET_SIZE - 6, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    if (begin(st, err))
        return err->code;
    sqlite3_stmt *s;
    emb_code rc = prepare(st, "INSERT INTO webhooks (url, events, active, secret, description, created, created_by,"
                              " after_event) VALUES (?1, ?2, ?3, ?4, nullif(?5, ''), ?6, nullif(?7, 0),"
                              " (SELECT coalesce(max(id), 0) FROM audit_log))", &s, err);
    if (!rc) {
        sqlite3_bind_text(s, 1, c->url, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, c->events, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 3, c->active == 0 ? 0 : 1);
        sqlite3_bind_text(s, 4, secret, -1, SQLITE_STATIC);
        if (c->description)
            sqlite3_bind_text(s, 5, c->description, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, now);
        sqlite3_bind_int64(s, 7, user_id);
        rc = step_done(st, s, err);
    }
    if (!rc) {
        *id = sqlite3_last_insert_rowid(store_sqlite(st));
        webhook_change shown = *c;
        shown.active = c->active == 0 ? 0 : 1;
        rc = audit(st, "webhook-create", *id, &shown, user_id, now, err);
    }
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return commit(st, err);
}

emb_code store_webhook_update(store *st, int64_t id, const webhook_change *c, int64_t user_id, int64_t now,
                              emb_err *err)
{
    if (begin(st, err))
        return err->code;
    sqlite3_stmt *s;
    /* A hook made active again starts from now: it skips the events of its inactive time. */
    emb_code rc = prepare(st, "UPDATE webhooks SET url = coalesce(?2, url), events = coalesce(?3, events),"
                              " after_event = CASE WHEN ?4 = 1 AND active = 0"
                              "  THEN (SELECT coalesce(max(id), 0) FROM audit_log) ELSE after_event END,"
                              " active = CASE WHEN ?4 < 0 THEN active ELSE ?4 END,"
                              " description = CASE WHEN ?5 IS NULL THEN description ELSE nullif(?5, '') END"
                              " WHERE id = ?1", &s, err);
    if (!rc) {
        sqlite3_bind_int64(s, 1, id);
        if (c->url)
            sqlite3_bind_text(s, 2, c->url, -1, SQLITE_STATIC);
        if (c->events)
            sqlite3_bind_text(s, 3, c->events, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, c->active);
        if (c->description)
            sqlite3_bind_text(s, 5, c->description, -1, SQLITE_STATIC);
        rc = step_done(st, s, err);
    }
    if (!rc && !sqlite3_changes(store_sqlite(st)))
        rc = emb_err_set(err, EMB_NOT_FOUND, _("webhook %lld does not exist"), (long long)id);
    if (!rc)
        rc = audit(st, "webhook-update", id, c, user_id, now, err);
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return commit(st, err);
}

emb_code store_webhook_delete(store *st, int64_t id, int64_t user_id, int64_t now, emb_err *err)
{
    if (begin(st, err))
        return err->code;
    sqlite3_stmt *s;
    emb_code rc = prepare(st, "DELETE FROM webhook_deliveries WHERE webhook_id = ?1", &s, err);
    if (!rc) {
        sqlite3_bind_int64(s, 1, id);
        rc = step_done(st, s, err);
    }
    if (!rc && !(rc = prepare(st, "DELETE FROM webhooks WHERE id = ?1", &s, err))) {
        sqlite3_bind_int64(s, 1, id);
        rc = step_done(st, s, err);
    }
    if (!rc && !sqlite3_changes(store_sqlite(st)))
        rc = emb_err_set(err, EMB_NOT_FOUND, _("webhook %lld does not exist"), (long long)id);
    if (!rc)
        rc = audit(st, "webhook-delete", id, NULL, user_id, now, err);
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return commit(st, err);
}

/* ---- deliveries ------------------------------------------------------------------- */

static const char *const delivery_columns =
    "SELECT id, webhook_id, event_id, event_type, created, status, attempts, coalesce(next_attempt, 0),"
    " coalesce(last_attempt, 0), coalesce(last_status, 0), coalesce(last_latency_ms, -1), last_error,"
    " coalesce(replay_of, 0) FROM webhook_deliveries";

static void read_delivery(sqlite3_stmt *s, arena *a, webhook_delivery *d)
{
    *d = (webhook_delivery){.id = sqlite3_column_int64(s, 0), .webhook_id = sqlite3_column_int64(s, 1),
                            .event_id = sqlite3_column_int64(s, 2), .event_type = text_of(s, 3, a),
                            .created = sqlite3_column_int64(s, 4), .status = text_of(s, 5, a),
                            .attempts = sqlite3_column_int64(s, 6), .next_attempt = sqlite3_column_int64(s, 7),
                            .last_attempt = sqlite3_column_int64(s, 8), .last_status = sqlite3_column_int64(s, 9),
                            .last_latency_ms = sqlite3_column_int64(s, 10), .last_error = text_of(s, 11, a),
                            .replay_of = sqlite3_column_int64(s, 12)};
}

emb_code store_webhook_deliveries(store *st, int64_t hook, int64_t before_id, int64_t limit, arena *a,
                                  webhook_delivery **out, size_t *n, emb_err *err)
{
    *out = NULL;
    *n = 0;
    limit = limit < 1 ? 1 : limit > 1000 ? 1000 : limit;
    char sql[512];
    snprintf(sql, sizeof sql, "%s WHERE webhook_id = ?1 AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
             delivery_columns);
    sqlite3_stmt *s;
    if (prepare(st, sql, &s, err))
        return err->code;
    sqlite3_bind_int64(s, 1, hook);
    sqlite3_bind_int64(s, 2, before_id);
    sqlite3_bind_int64(s, 3, limit);
    webhook_delivery *rows = arena_calloc(a, (size_t)limit, sizeof *rows);
    size_t count = 0;
    int rc = SQLITE_DONE;
    while (rows && (rc = sqlite3_step(s)) == SQLITE_ROW)
        read_delivery(s, a, &rows[count++]);
    sqlite3_finalize(s);
    if (!rows)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (rc != SQLITE_DONE)
        return sql_fail(st, err);
    *out = rows;
    *n = count;
    return EMB_OK;
}

emb_code store_webhook_delivery_get(store *st, int64_t hook, int64_t id, arena *a, webhook_delivery *out,
                                    emb_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "%s WHERE webhook_id = ?1 AND id = ?2", delivery_columns);
    sqlite3_stmt *s;
    if (prepare(st, sql, &s, err))
        return err->code;
    sqlite3_bind_int64(s, 1, hook);
    sqlite3_bind_int64(s, 2, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read_delivery(s, a, out);
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return emb_err_set(err, EMB_NOT_FOUND, _("webhook %lld has no delivery %lld"), (long long)hook,
                           (long long)id);
    return rc == SQLITE_ROW ? EMB_OK : sql_fail(st, err);
}

emb_code store_webhook_replay(store *st, int64_t hook, int64_t id, int64_t user_id, int64_t now, int64_t *new_id,
                              emb_err *err)
{
    if (begin(st, err))
        return err->code;
    sqlite3_stmt *s;
    emb_code rc = prepare(st, "INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body, created, status,"
                              " next_attempt, replay_of) SELECT webhook_id, event_id, event_type, body, ?3, 'pending',"
                              " ?3, coalesce(replay_of, id) FROM webhook_deliveries WHERE webhook_id = ?1 AND id = ?2", &s, err);
    if (!rc) {
        sqlite3_bind_int64(s, 1, hook);
        sqlite3_bind_int64(s, 2, id);
        sqlite3_bind_int64(s, 3, now);
        rc = step_done(st, s, err);
    }
    if (!rc && !sqlite3_changes(store_sqlite(st)))
        rc = emb_err_set(err, EMB_NOT_FOUND, _("webhook %lld has no delivery %lld"), (long long)hook,
                         (long long)id);
    if (!rc) {
        *new_id = sqlite3_last_insert_rowid(store_sqlite(st));
        rc = audit(st, "webhook-replay", hook, NULL, user_id, now, err);
    }
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return commit(st, err);
}

/* ---- the worker's side --------------------------------------------------------------- */

/* Whether type is in the JSON array of names events. */
static int subscribed(const json_t *events, const char *type)
{
    size_t i;
    json_t *v;
    json_array_foreach(events, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), type))
            return 1;
    return 0;
}

/* Queues hook h's events after its after_event; within the caller's transaction. */
static emb_code enqueue_hook(store *st, int64_t hook, int64_t after, int active, const char *events_text, int64_t now,
                             int *queued, emb_err *err)
{
    arena a;
    arena_init(&a, 0);
    store_event *ev;
    size_t n;
    int64_t next;
    emb_code rc = store_events_after(st, NULL, after, ENQUEUE_ROWS, &a, &ev, &n, &next, err);
    json_t *events = json_loads(events_text, 0, NULL);
    sqlite3_stmt *ins = NULL, *upd = NULL;
    if (!rc && n && active)
        rc = prepare(st, "INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_id, event_type, body, created,"
                         " status, next_attempt) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?5)", &ins, err);
    for (size_t i = 0; !rc && active && i < n; i++) {
        const char *type = event_type_name(ev[i].type);
        if (!subscribed(events, type))
            continue;
        char *body = event_json(&ev[i], 1);
        if (!body) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, hook);
        sqlite3_bind_int64(ins, 2, ev[i].id);
        sqlite3_bind_text(ins, 3, type, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, body, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 5, now);
        int step = sqlite3_step(ins);
        free(body);
        if (step != SQLITE_DONE)
            rc = sql_fail(st, err);
        else
            *queued += sqlite3_changes(store_sqlite(st));
    }
    sqlite3_finalize(ins);
    if (!rc && next > after && !(rc = prepare(st, "UPDATE webhooks SET after_event = ?2 WHERE id = ?1", &upd, err))) {
        sqlite3_bind_int64(upd, 1, hook);
        sqlite3_bind_int64(upd, 2, next);
        rc = step_done(st, upd, err);
    }
    json_decref(events);
    arena_release(&a);
    return rc;
}

emb_code store_webhooks_enqueue(store *st, int64_t now, int *queued, emb_err *err)
{
    *queued = 0;
    /* Read first without a lock: most calls find nothing to do. */
    sqlite3_stmt *s;
    if (prepare(st, "SELECT count(*) FROM webhooks WHERE after_event < (SELECT coalesce(max(id), 0) FROM audit_log)",
                &s, err))
        return err->code;
    int rc = sqlite3_step(s);
    int64_t behind = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return sql_fail(st, err);
    if (!behind)
        return EMB_OK;
    if (begin(st, err))
        return err->code;
    emb_code code = prepare(st, "SELECT id, after_event, active, events FROM webhooks"
                                " WHERE after_event < (SELECT coalesce(max(id), 0) FROM audit_log) ORDER BY id", &s, err);
    arena a;
    arena_init(&a, 0);
    typedef struct {
        int64_t id, after;
        int active;
        const char *events;
    } behind_hook;
    behind_hook *hooks = code ? NULL : arena_calloc(&a, (size_t)behind + 1, sizeof *hooks);
    size_t nh = 0;
    while (!code && hooks && nh <= (size_t)behind && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        hooks[nh] = (behind_hook){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int(s, 2),
                                  text_of(s, 3, &a)};
        nh++;
    }
    if (!code)
        sqlite3_finalize(s);
    if (!code && !hooks)
        code = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (size_t i = 0; !code && i < nh; i++)
        code = enqueue_hook(st, hooks[i].id, hooks[i].after, hooks[i].active, hooks[i].events ? hooks[i].events : "[]",
                            now, queued, err);
    arena_release(&a);
    if (code) {
        store_rollback(st);
        return code;
    }
    return commit(st, err);
}

emb_code store_webhooks_claim(store *st, int64_t now, int64_t lease, size_t max, int per_hook,
                              const int64_t *busy, size_t nbusy, arena *a, webhook_job **out, size_t *n,
                              emb_err *err)
{
    *out = NULL;
    *n = 0;
    if (begin(st, err))
        return err->code;
    sqlite3_stmt *s, *upd = NULL;
    emb_code rc = prepare(st, "SELECT d.id, d.webhook_id, d.created, d.attempts, h.url, h.secret, d.body, d.event_type"
                              " FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook_id"
                              " WHERE d.status = 'pending' AND d.next_attempt <= ?1 AND h.active = 1"
                              " ORDER BY d.next_attempt, d.id", &s, err);
    if (rc) {
        store_rollback(st);
        return rc;
    }
    sqlite3_bind_int64(s, 1, now);
    webhook_job *jobs = arena_calloc(a, max ? max : 1, sizeof *jobs);
    size_t count = 0;
    int step = SQLITE_DONE;
    while (jobs && count < max && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t hook = sqlite3_column_int64(s, 1);
        int taken = 0;
        for (size_t i = 0; i < nbusy; i++)
            taken += busy[i] == hook;
        for (size_t i = 0; i < count; i++)
            taken += jobs[i].webhook_id == hook;
        if (taken >= per_hook)
            continue;
        jobs[count++] = (webhook_job){.id = sqlite3_column_int64(s, 0), .webhook_id = hook,
                                      .created = sqlite3_column_int64(s, 2), .attempts = sqlite3_column_int64(s, 3),
                                      .url = text_of(s, 4, a), .secret = text_of(s, 5, a), .body = text_of(s, 6, a),
                                      .event_type = text_of(s, 7, a)};
    }
    sqlite3_finalize(s);
    if (!jobs)
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    else if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = sql_fail(st, err);
    if (!rc && count)
        rc = prepare(st, "UPDATE webhook_deliveries SET next_attempt = ?2 WHERE id = ?1", &upd, err);
    for (size_t i = 0; !rc && i < count; i++) {
        sqlite3_reset(upd);
        sqlite3_bind_int64(upd, 1, jobs[i].id);
        sqlite3_bind_int64(upd, 2, now + lease);
        if (sqlite3_step(upd) != SQLITE_DONE)
            rc = sql_fail(st, err);
    }
    sqlite3_finalize(upd);
    if (rc) {
        store_rollback(st);
        return rc;
    }
    if (commit(st, err))
        return err->code;
    *out = jobs;
    *n = count;
    return EMB_OK;
}

emb_code store_webhook_attempted(store *st, int64_t id, int64_t now, long status, int64_t latency_ms,
                                 const char *error, int64_t retry, emb_err *err)
{
    if (begin(st, err))
        return err->code;
    sqlite3_stmt *s;
    emb_code rc = prepare(st, "SELECT attempts, created FROM webhook_deliveries WHERE id = ?1", &s, err);
    int64_t attempts = 0, created = now;
    int found = 0;
    if (!rc) {
        sqlite3_bind_int64(s, 1, id);
        if ((found = sqlite3_step(s) == SQLITE_ROW)) {
            attempts = sqlite3_column_int64(s, 0) + 1;
            created = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
    }
    if (!rc && !found) { /* its hook was deleted meanwhile */
        store_rollback(st);
        return EMB_OK;
    }
    int ok = status >= 200 && status < 300;
    int shift = attempts - 1 < 20 ? (int)(attempts - 1) : 20;
    int64_t next = now + (retry << shift);
    const char *state = ok ? "delivered" : next > created + WEBHOOK_RETRY_FOR ? "failed" : "pending";
    if (!rc)
        rc = prepare(st, "UPDATE webhook_deliveries SET attempts = ?2, last_attempt = ?3, last_status = nullif(?4, 0),"
                         " last_latency_ms = ?5, last_error = ?6, status = ?7,"
                         " next_attempt = CASE WHEN ?7 = 'pending' THEN ?8 END WHERE id = ?1", &s, err);
    if (!rc) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, attempts);
        sqlite3_bind_int64(s, 3, now);
        sqlite3_bind_int64(s, 4, status);
        sqlite3_bind_int64(s, 5, latency_ms);
        if (error)
            sqlite3_bind_text(s, 6, error, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 7, state, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 8, next);
        rc = step_done(st, s, err);
    }
    if (rc) {
        store_rollback(st);
        return rc;
    }
    return commit(st, err);
}

emb_code store_webhooks_pending(store *st, int64_t *out, emb_err *err)
{
    *out = 0;
    sqlite3_stmt *s;
    if (prepare(st, "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'", &s, err))
        return err->code;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? EMB_OK : sql_fail(st, err);
}

emb_code store_webhooks_prune(store *st, int64_t now, int *removed, emb_err *err)
{
    *removed = 0;
    /* Replays name the delivery first queued (never another replay): replays go
     * first, then the deliveries no replay names any more, so that no replay_of is
     * ever set to NULL (which would make it count as the event's one delivery). */
    static const char *const sql[] = {
        "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND coalesce(last_attempt, created) < ?1"
        " AND replay_of IS NOT NULL",
        "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND coalesce(last_attempt, created) < ?1"
        " AND replay_of IS NULL AND NOT EXISTS (SELECT 1 FROM webhook_deliveries r WHERE r.replay_of = webhook_deliveries.id)",
    };
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *s;
        if (prepare(st, sql[i], &s, err))
            return err->code;
        sqlite3_bind_int64(s, 1, now - WEBHOOK_KEEP);
        int rc = sqlite3_step(s);
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE)
            return sql_fail(st, err);
        *removed += sqlite3_changes(store_sqlite(st));
    }
    return EMB_OK;
}
