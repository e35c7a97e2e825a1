/*
 * import_log.c - the log of imports and their undo (import_log.h), SQLite backend.
 *
 * A row's saved image is built by SQLite itself (json_object over the table's
 * columns, from pragma table_info) and written back with json_extract, so any
 * table is saved and restored the same way, columns outside the kind tables
 * included.
 */
#include "store/import_log.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/kind.h"
#include "store/bulk.h"
#include "store/store_internal.h"

#define LOG_MAX_TABLES 64
#define LOG_SQL_MAX 8192

/* Tables whose rows an import's undo never deletes by range: the log itself, the
 * audit log, the organisation, deal_history (append-only: only the history of a
 * deal the undo deletes leaves it, for deal_history_archive) and that archive. */
static int table_logged(const char *t)
{
    static const char *const skip[] = {"imports", "import_created", "import_changed", "audit_log",
                                       "organisation", "deal_history", "deal_history_archive", NULL};
    for (int i = 0; skip[i]; i++)
        if (!strcmp(t, skip[i]))
            return 0;
    return strncmp(t, "sqlite_", 7) != 0;
}

struct import_log {
    store *st;
    int64_t id;
    int64_t changes; /* sqlite3_total_changes() once the imports row was written */
    size_t n;
    struct {
        char *table;
        int64_t above;
        sqlite3_stmt *save; /* prepared at the first row of the table the import changes */
    } t[LOG_MAX_TABLES];
};

/* Appends to buf, at *n, "'c1', "c1", 'c2', "c2" ..." for the columns of table (the
 * arguments of json_object). EMB_INTERNAL when buf is too small. */
static emb_code json_columns(store *st, const char *table, char *buf, size_t cap, size_t *n, emb_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &s,
                           NULL) != SQLITE_OK)
        return store_sql_error(st, _("import log"), err);
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    int first = 1;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        *n += (size_t)snprintf(buf + *n, *n < cap ? cap - *n : 0, "%s'%s', \"%s\"", first ? "" : ", ", c, c);
        first = 0;
    }
    sqlite3_finalize(s);
    if (*n >= cap)
        return emb_err_set(err, EMB_INTERNAL, _("table %s has too many columns for the import log"), table);
    return EMB_OK;
}

static emb_code step_once(store *st, sqlite3_stmt *s, emb_err *err)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? EMB_OK : store_sql_error(st, _("import log"), err);
}

emb_code import_log_begin(store *st, const import_log_info *info, import_log **out, emb_err *err)
{
    *out = NULL;
    import_log *l = calloc(1, sizeof *l);
    if (!l)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    l->st = st;
    sqlite3_stmt *s;
    emb_code rc = EMB_OK;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "INSERT INTO imports (at, user_id, kind, file, size, hash, options) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = store_sql_error(st, _("import log"), err);
        goto fail;
    }
    sqlite3_bind_int64(s, 1, info->at);
    if (info->user_id)
        sqlite3_bind_int64(s, 2, info->user_id);
    sqlite3_bind_text(s, 3, info->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, info->file, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, info->size);
    sqlite3_bind_text(s, 6, info->hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, info->options ? info->options : "[]", -1, SQLITE_TRANSIENT);
    rc = step_once(st, s, err);
    sqlite3_finalize(s);
    if (rc)
        goto fail;
    l->id = sqlite3_last_insert_rowid(store_sqlite(st));
    l->changes = sqlite3_total_changes64(store_sqlite(st));
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1, &s,
                           NULL) != SQLITE_OK) {
        rc = store_sql_error(st, _("import log"), err);
        goto fail;
    }
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (!table_logged(name))
            continue;
        if (l->n == LOG_MAX_TABLES) {
            rc = emb_err_set(err, EMB_INTERNAL, _("more than %d tables for the import log"), LOG_MAX_TABLES);
            break;
        }
        if (!(l->t[l->n].table = strdup(name)))
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        else
            rc = store__max_rowid(st, name, &l->t[l->n++].above, err);
    }
    sqlite3_finalize(s);
    if (rc)
        goto fail;
    *out = l;
    return EMB_OK;
fail:
    import_log_free(l);
    return rc;
}

emb_code import_log_save(import_log *l, const char *table, int64_t id, emb_err *err)
{
    if (!l)
        return EMB_OK;
    size_t i = 0;
    while (i < l->n && strcmp(l->t[i].table, table) != 0)
        i++;
    if (i == l->n || id > l->t[i].above)
        return EMB_OK; /* created by this import: its undo deletes it */
    if (!l->t[i].save) {
        char sql[LOG_SQL_MAX];
        size_t n = (size_t)snprintf(sql, sizeof sql,
                                    "INSERT OR IGNORE INTO import_changed (import_id, tbl, record_id, before) "
                                    "SELECT ?1, ?2, rowid, json_object(");
        emb_code rc = json_columns(l->st, table, sql, sizeof sql, &n, err);
        if (rc)
            return rc;
        n += (size_t)snprintf(sql + n, n < sizeof sql ? sizeof sql - n : 0, ") FROM \"%s\" WHERE rowid = ?3",
                              table);
        if (n >= sizeof sql)
            return emb_err_set(err, EMB_INTERNAL, _("table %s has too many columns for the import log"), table);
        if (sqlite3_prepare_v3(store_sqlite(l->st), sql, -1, SQLITE_PREPARE_PERSISTENT, &l->t[i].save, NULL) !=
            SQLITE_OK)
            return store_sql_error(l->st, _("import log"), err);
    }
    sqlite3_stmt *s = l->t[i].save;
    sqlite3_bind_int64(s, 1, l->id);
    sqlite3_bind_text(s, 2, l->t[i].table, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, id);
    return step_once(l->st, s, err);
}

emb_code import_log_end(import_log *l, const import_log_counts *c, emb_err *err)
{
    store *st = l->st;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "INSERT INTO import_created (import_id, tbl, above, last) VALUES (?,?,?,?)", -1, &s,
                           NULL) != SQLITE_OK)
        return store_sql_error(st, _("import log"), err);
    emb_code rc = EMB_OK;
    for (size_t i = 0; i < l->n && !rc; i++) {
        int64_t last;
        if ((rc = store__max_rowid(st, l->t[i].table, &last, err)) || last <= l->t[i].above)
            continue;
        sqlite3_bind_int64(s, 1, l->id);
        sqlite3_bind_text(s, 2, l->t[i].table, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, l->t[i].above);
        sqlite3_bind_int64(s, 4, last);
        rc = step_once(st, s, err);
    }
    sqlite3_finalize(s);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "UPDATE imports SET rows = ?, created = ?, updated = ?, unchanged = ?, rejected = ?, "
                           "refs = ?, hash = coalesce(?, hash), audit_id = (SELECT max(id) FROM audit_log) "
                           "WHERE id = ?",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("import log"), err);
    const int64_t v[] = {c->rows, c->created, c->updated, c->unchanged, c->rejected};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int64(s, i + 1, v[i]);
    if (c->refs)
        sqlite3_bind_text(s, 6, c->refs, -1, SQLITE_STATIC);
    if (c->hash)
        sqlite3_bind_text(s, 7, c->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 8, l->id);
    rc = step_once(st, s, err);
    sqlite3_finalize(s);
    return rc;
}

int import_log_wrote(const import_log *l) { return l && sqlite3_total_changes64(store_sqlite(l->st)) > l->changes; }

int64_t import_log_id(const import_log *l) { return l ? l->id : 0; }

void import_log_free(import_log *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        sqlite3_finalize(l->t[i].save);
        free(l->t[i].table);
    }
    free(l);
}

emb_code import_log_list(store *st, arena *a, import_log_row **rows, size_t *n, emb_err *err)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "SELECT i.id, i.at, i.size, i.rows, i.created, i.updated, i.unchanged, i.rejected, "
                           "coalesce(i.undone_at, 0), (SELECT count(*) FROM deal_history_archive h "
                           "WHERE h.undo_audit_id = i.undo_audit_id), "
                           "u.name, i.kind, i.file, i.hash, i.options, i.refs "
                           "FROM imports i LEFT JOIN users u ON u.id = i.user_id ORDER BY i.id",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("import log"), err);
    size_t cap = 0;
    emb_code rc = EMB_OK;
    int step;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            import_log_row *r = arena_alloc(a, ncap * sizeof *r);
            if (!r) {
                rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                break;
            }
            if (*n)
                memcpy(r, *rows, *n * sizeof *r);
            *rows = r;
            cap = ncap;
        }
        import_log_row *r = &(*rows)[(*n)++];
        int64_t *ints[] = {&r->id,        &r->at,       &r->size,      &r->rows,    &r->created,
                           &r->updated,   &r->unchanged, &r->rejected, &r->undone_at, &r->archived};
        for (int i = 0; i < 10; i++)
            *ints[i] = sqlite3_column_int64(s, i);
        const char **texts[] = {&r->user, &r->kind, &r->file, &r->hash, &r->options, &r->refs};
        for (int i = 0; i < 6; i++) {
            const char *t = (const char *)sqlite3_column_text(s, 10 + i);
            *texts[i] = t ? arena_strdup(a, t) : NULL;
            if (t && !*texts[i])
                rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = store_sql_error(st, _("import log"), err);
    sqlite3_finalize(s);
    return rc;
}
