/* audit.c - the audit log's change details and its reading; see audit.h. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/audit.h"

static int shown(const field_def *f)
{
    return f->column && !(f->flags & FF_SECRET);
}

static json_t *value_json(const field_def *f, const field_value *v)
{
    if (v->state != FV_SET)
        return json_null();
    if (field_is_text(f))
        return json_string(v->s ? v->s : "");
    return json_integer((json_int_t)v->i);
}

static int same_value(const field_def *f, const field_value *a, const field_value *b)
{
    int aset = a->state == FV_SET, bset = b->state == FV_SET;
    if (aset != bset)
        return 0;
    if (!aset)
        return 1;
    return field_is_text(f) ? !strcmp(a->s ? a->s : "", b->s ? b->s : "") : a->i == b->i;
}

char *audit_change_detail(const record *before, const record *after)
{
    const kind_def *k = after ? after->kind : before ? before->kind : NULL;
    if (!k)
        return NULL;
    json_t *o = json_object(), *was = before ? json_object() : NULL, *is = after ? json_object() : NULL;
    int any = 0;
    for (size_t i = 0; o && i < k->nfields; i++) {
        const field_def *f = &k->fields[i];
        if (!shown(f))
            continue;
        const field_value *b = before ? &before->v[i] : NULL, *a = after ? &after->v[i] : NULL;
        if (a && a->state == FV_UNSET)
            continue; /* not set by an insert, or left as it was by an update */
        if (b && a && same_value(f, b, a))
            continue;
        if (b)
            json_object_set_new(was, f->name, value_json(f, b));
        if (a)
            json_object_set_new(is, f->name, value_json(f, a));
        any = 1;
    }
    if (was)
        json_object_set_new(o, "before", was);
    if (is)
        json_object_set_new(o, "after", is);
    char *text = any && o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return text;
}

static const char *column_text(sqlite3_stmt *s, int col, arena *a)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    return t ? arena_strdup(a, (const char *)t) : NULL;
}

emb_code store_audit_list(store *st, const audit_filter *f, arena *a, audit_entry **out, size_t *n, emb_err *err)
{
    *out = NULL;
    *n = 0;
    int64_t limit = f->limit < 1 ? 1 : f->limit > 1000 ? 1000 : f->limit;
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *s;
    const char *sql = "SELECT l.id, l.at, l.user_id, u.email, u.name, l.action, l.kind, l.record_id, l.detail"
                      " FROM audit_log l LEFT JOIN users u ON u.id = l.user_id"
                      " WHERE (?1 = 0 OR l.at >= ?1) AND (?2 = 0 OR l.at < ?2) AND (?3 = 0 OR l.user_id = ?3)"
                      " AND (?4 IS NULL OR l.kind = ?4) AND (?5 = 0 OR l.record_id = ?5)"
                      " AND (?6 IS NULL OR l.action = ?6) AND (?7 = 0 OR l.id < ?7)"
                      " ORDER BY l.id DESC LIMIT ?8";
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return emb_err_set(err, EMB_IO, _("the audit log cannot be read: %s"), sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, f->since);
    sqlite3_bind_int64(s, 2, f->until);
    sqlite3_bind_int64(s, 3, f->user_id);
    if (f->kind)
        sqlite3_bind_text(s, 4, f->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, f->record_id);
    if (f->action)
        sqlite3_bind_text(s, 6, f->action, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 7, f->before_id);
    sqlite3_bind_int64(s, 8, limit);
    audit_entry *rows = arena_calloc(a, (size_t)limit, sizeof *rows);
    int rc = SQLITE_DONE;
    size_t count = 0;
    while (rows && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        audit_entry *e = &rows[count++];
        e->id = sqlite3_column_int64(s, 0);
        e->at = sqlite3_column_int64(s, 1);
        e->user_id = sqlite3_column_int64(s, 2);
        e->user_email = column_text(s, 3, a);
        e->user_name = column_text(s, 4, a);
        e->action = column_text(s, 5, a);
        e->kind = column_text(s, 6, a);
        e->record_id = sqlite3_column_int64(s, 7);
        e->detail = column_text(s, 8, a);
        if (!e->action || !e->kind) {
            rows = NULL;
            break;
        }
    }
    sqlite3_finalize(s);
    if (!rows)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (rc != SQLITE_DONE)
        return emb_err_set(err, EMB_IO, _("the audit log cannot be read: %s"), sqlite3_errmsg(db));
    *out = rows;
    *n = count;
    return EMB_OK;
}
