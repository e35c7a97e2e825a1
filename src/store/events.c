/* events.c - events derived from the audit log; see events.h. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/kind.h"
#include "store/events.h"

static const char *const type_names[EV_NTYPES] = {
    [EV_DEAL_CREATED] = "deal.created",     [EV_DEAL_UPDATED] = "deal.updated",
    [EV_DEAL_STAGE_CHANGED] = "deal.stage_changed", [EV_DEAL_WON] = "deal.won",
    [EV_DEAL_LOST] = "deal.lost",           [EV_DEAL_AMOUNT_CHANGED] = "deal.amount_changed",
    [EV_DEAL_DELETED] = "deal.deleted",     [EV_ACTIVITY_LOGGED] = "activity.logged",
    [EV_IMPORT_FINISHED] = "import.finished",
};

const char *event_type_name(event_type t)
{
    return (unsigned)t < EV_NTYPES ? type_names[t] : NULL;
}

int event_type_parse(const char *name)
{
    for (int t = 0; name && t < EV_NTYPES; t++)
        if (!strcmp(type_names[t], name))
            return t;
    return -1;
}

/* The type of a deal's update from its detail's "after" object. */
static int deal_update_type(const char *detail)
{
    json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
    json_t *after = json_object_get(d, "after");
    const char *status = json_string_value(json_object_get(after, "status"));
    int t = EV_DEAL_UPDATED;
    if (status && !strcmp(status, "won"))
        t = EV_DEAL_WON;
    else if (status && !strcmp(status, "lost"))
        t = EV_DEAL_LOST;
    else if (json_object_get(after, "stage"))
        t = EV_DEAL_STAGE_CHANGED;
    else if (json_object_get(after, "amount"))
        t = EV_DEAL_AMOUNT_CHANGED;
    json_decref(d);
    return t;
}

int event_type_of(const char *action, const char *kind, const char *detail)
{
    if (!action || !kind)
        return -1;
    if (!strcmp(action, "import"))
        return EV_IMPORT_FINISHED;
    if (!strcmp(kind, "deals")) {
        if (!strcmp(action, "insert"))
            return EV_DEAL_CREATED;
        if (!strcmp(action, "update"))
            return deal_update_type(detail);
        if (!strcmp(action, "delete"))
            return EV_DEAL_DELETED;
        return -1;
    }
    if (!strcmp(kind, "activities") && !strcmp(action, "insert"))
        return EV_ACTIVITY_LOGGED;
    return -1;
}

emb_code store_events_last_id(store *st, int64_t *out, emb_err *err)
{
    *out = 0;
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM audit_log", -1, &s, NULL) != SQLITE_OK)
        return emb_err_set(err, EMB_IO, _("the audit log cannot be read: %s"), sqlite3_errmsg(db));
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return emb_err_set(err, EMB_IO, _("the audit log cannot be read: %s"), sqlite3_errmsg(db));
    return EMB_OK;
}

static const char *column_text(sqlite3_stmt *s, int col, arena *a, int *nomem)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    if (!t)
        return NULL;
    char *copy = arena_strdup(a, (const char *)t);
    if (!copy)
        *nomem = 1;
    return copy;
}

/* The rows events are made of, in (after, upto], oldest first. A record's key and
 * owner are read as the record is now; once deleted, from the detail of the
 * delete at or after the row (a deleted id may be given again to a new record). */
static const char *const events_sql =
    "SELECT l.id, l.at, coalesce(l.user_id, 0), u.email, u.name, l.action, l.kind, coalesce(l.record_id, 0),"
    " l.detail, g.detail IS NOT NULL,"
    " CASE WHEN g.detail IS NOT NULL THEN json_extract(g.detail, '$.before.id')"
    "  WHEN l.kind = 'deals' THEN (SELECT ext_id FROM deals WHERE id = l.record_id)"
    "  ELSE (SELECT ext_id FROM activities WHERE id = l.record_id) END,"
    " CASE WHEN g.detail IS NOT NULL THEN json_extract(g.detail, '$.before.owner')"
    "  WHEN l.kind = 'deals' THEN (SELECT owner_id FROM deals WHERE id = l.record_id)"
    "  ELSE (SELECT owner_id FROM activities WHERE id = l.record_id) END"
    " FROM audit_log l LEFT JOIN users u ON u.id = l.user_id"
    " LEFT JOIN audit_log g ON g.id = (SELECT d.id FROM audit_log d WHERE d.kind = l.kind"
    "  AND d.record_id = l.record_id AND d.action = 'delete' AND d.id >= l.id ORDER BY d.id LIMIT 1)"
    " WHERE l.id > ?1 AND l.id <= ?2"
    " AND (l.action = 'import' OR (l.kind = 'deals' AND l.action IN ('insert', 'update', 'delete'))"
    "  OR (l.kind = 'activities' AND l.action = 'insert'))"
    " ORDER BY l.id LIMIT ?3";

emb_code store_events_after(store *st, const access_scope *scope, int64_t after_id, size_t limit, arena *a,
                            store_event **out, size_t *n, int64_t *next, emb_err *err)
{
    *out = NULL;
    *n = 0;
    *next = after_id;
    limit = limit < 1 ? 1 : limit > 1000 ? 1000 : limit;
    int64_t upto;
    if (store_events_last_id(st, &upto, err))
        return err->code;
    if (upto <= after_id)
        return EMB_OK;
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, events_sql, -1, &s, NULL) != SQLITE_OK)
        return emb_err_set(err, EMB_IO, _("the audit log cannot be read: %s"), sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, after_id);
    sqlite3_bind_int64(s, 2, upto);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
    store_event *rows = arena_calloc(a, limit, sizeof *rows);
    int rc = SQLITE_DONE, nomem = !rows;
    size_t count = 0, seen = 0;
    int64_t last = after_id;
    while (!nomem && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        seen++;
        last = sqlite3_column_int64(s, 0);
        const char *action = (const char *)sqlite3_column_text(s, 5), *kind = (const char *)sqlite3_column_text(s, 6),
                   *detail = (const char *)sqlite3_column_text(s, 8);
        int type = event_type_of(action, kind, detail);
        const kind_def *k = kind ? kind_find(kind) : NULL;
        if (type < 0 || !k)
            continue;
        int64_t user_id = sqlite3_column_int64(s, 2), owner = sqlite3_column_int64(s, 11);
        if (scope && !access_event_allows(scope, k, owner, type == EV_IMPORT_FINISHED, user_id))
            continue;
        store_event *e = &rows[count++];
        e->id = last;
        e->at = sqlite3_column_int64(s, 1);
        e->type = (event_type)type;
        e->kind = k->name;
        e->user_id = user_id;
        e->user_email = column_text(s, 3, a, &nomem);
        e->user_name = column_text(s, 4, a, &nomem);
        e->detail = column_text(s, 8, a, &nomem);
        e->owner_id = owner;
        if (type != EV_IMPORT_FINISHED) {
            e->record_id = sqlite3_column_int64(s, 7);
            const char *key = column_text(s, 10, a, &nomem);
            e->record_key = key ? key : arena_printf(a, "#%lld", (long long)e->record_id);
            if (!e->record_key)
                nomem = 1;
        }
    }
    sqlite3_finalize(s);
    if (nomem)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (rc != SQLITE_DONE)
        return emb_err_set(err, EMB_IO, _("the audit log cannot be read: %s"), sqlite3_errmsg(db));
    *out = rows;
    *n = count;
    *next = seen < limit ? upto : last;
    return EMB_OK;
}

char *event_json(const store_event *e, int with_file)
{
    char at[32];
    time_t t = (time_t)e->at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)e->id, "type", event_type_name(e->type), "at", at,
                          "kind", e->kind);
    if (!o)
        return NULL;
    json_object_set_new(o, "record",
                        e->record_key ? json_pack("{s:I, s:s}", "id", (json_int_t)e->record_id, "key", e->record_key)
                                      : json_null());
    json_t *user = json_null();
    if (e->user_id) {
        user = json_pack("{s:I}", "id", (json_int_t)e->user_id);
        json_object_set_new(user, "email", e->user_email ? json_string(e->user_email) : json_null());
        json_object_set_new(user, "name", e->user_name ? json_string(e->user_name) : json_null());
    }
    json_object_set_new(o, "user", user);
    json_t *detail = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
    if (e->type == EV_IMPORT_FINISHED) {
        json_t *imp = json_object();
        static const char *const counts[] = {"rows", "created", "updated", "rejected"};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            json_t *v = json_object_get(detail, counts[i]);
            json_object_set_new(imp, counts[i], json_integer(json_is_integer(v) ? json_integer_value(v) : 0));
        }
        json_t *file = json_object_get(detail, "file");
        if (with_file && json_is_string(file))
            json_object_set(imp, "file", file);
        json_object_set_new(o, "import", imp);
    } else {
        json_t *changes = json_object();
        json_t *before = json_object_get(detail, "before"), *after = json_object_get(detail, "after");
        if (before)
            json_object_set(changes, "before", before);
        if (after)
            json_object_set(changes, "after", after);
        json_object_set_new(o, "changes", changes);
    }
    json_decref(detail);
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}
