/* bulk.c - the bulk-load helpers of bulk.h (SQLite backend). */
#include "store/bulk.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/store_internal.h"

enum {
    SLOT_SAVEPOINT = BULK_SLOT_FIRST,
    SLOT_RELEASE,
    SLOT_ROLLBACK_TO,
};

static emb_code step_done(store *st, sqlite3_stmt *s, const char *what, emb_err *err)
{
    if (!s)
        return err ? err->code : EMB_DB;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? EMB_OK : store_sql_error(st, what, err);
}

emb_code store_savepoint(store *st, emb_err *err)
{
    return step_done(st, store__stmt(st, SLOT_SAVEPOINT, "SAVEPOINT emb_row", err), "savepoint", err);
}

emb_code store_savepoint_release(store *st, emb_err *err)
{
    return step_done(st, store__stmt(st, SLOT_RELEASE, "RELEASE emb_row", err), "savepoint", err);
}

void store_savepoint_rollback(store *st)
{
    step_done(st, store__stmt(st, SLOT_ROLLBACK_TO, "ROLLBACK TO emb_row", NULL), "savepoint", NULL);
    step_done(st, store__stmt(st, SLOT_RELEASE, "RELEASE emb_row", NULL), "savepoint", NULL);
}

emb_code store_bulk_keys(store *st, const kind_def *kind, const char *field, store_key_fn fn, void *ud,
                         emb_err *err)
{
    const field_def *f = kind_field(kind, field);
    if (!f || !f->column)
        return emb_err_set(err, EMB_INTERNAL, _("%s has no stored field '%s'"), kind->name, field);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s, id FROM %s WHERE %s IS NOT NULL", f->column, kind->table, f->column);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("reading keys"), err);
    int rc;
    emb_code code = EMB_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        size_t len = (size_t)sqlite3_column_bytes(s, 0);
        if (v && fn(ud, v, len, sqlite3_column_int64(s, 1))) {
            code = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
    }
    if (!code && rc != SQLITE_DONE)
        code = store_sql_error(st, _("reading keys"), err);
    sqlite3_finalize(s);
    return code;
}

struct store_finder {
    store *st;
    const kind_def *kind;
    sqlite3_stmt *s;
    int *fields;
    size_t n;
};

emb_code store_finder_new(store *st, const kind_def *kind, const int *fields, size_t n, store_finder **out,
                          emb_err *err)
{
    *out = NULL;
    char sql[1024];
    size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE ", kind->table);
    for (size_t i = 0; i < n; i++) {
        const field_def *f = &kind->fields[fields[i]];
        if (!f->column)
            return emb_err_set(err, EMB_INTERNAL, _("field '%s' is not stored"), f->name);
        len += (size_t)snprintf(sql + len, len < sizeof sql ? sizeof sql - len : 0, "%s%s IS ?%zu",
                                i ? " AND " : "", f->column, i + 1);
    }
    if (n == 0 || len + 16 >= sizeof sql)
        return emb_err_set(err, EMB_INTERNAL, _("bad natural key for %s"), kind->name);
    snprintf(sql + len, sizeof sql - len, " LIMIT 2");
    store_finder *fd = calloc(1, sizeof *fd);
    if (!fd || !(fd->fields = malloc(n * sizeof *fd->fields))) {
        free(fd);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    if (sqlite3_prepare_v3(store_sqlite(st), sql, -1, SQLITE_PREPARE_PERSISTENT, &fd->s, NULL) != SQLITE_OK) {
        free(fd->fields);
        free(fd);
        return store_sql_error(st, _("lookup"), err);
    }
    memcpy(fd->fields, fields, n * sizeof *fields);
    fd->st = st;
    fd->kind = kind;
    fd->n = n;
    *out = fd;
    return EMB_OK;
}

emb_code store_finder_find(store_finder *fd, const record *r, int64_t *id, emb_err *err)
{
    *id = 0;
    sqlite3_reset(fd->s);
    for (size_t i = 0; i < fd->n; i++) {
        const field_def *f = &fd->kind->fields[fd->fields[i]];
        const field_value *v = &r->v[fd->fields[i]];
        int pos = (int)i + 1;
        if (v->state != FV_SET)
            sqlite3_bind_null(fd->s, pos);
        else if (field_is_text(f))
            sqlite3_bind_text(fd->s, pos, v->s, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(fd->s, pos, v->i);
    }
    int rc, count = 0;
    while ((rc = sqlite3_step(fd->s)) == SQLITE_ROW)
        if (count++ == 0)
            *id = sqlite3_column_int64(fd->s, 0);
    sqlite3_reset(fd->s);
    sqlite3_clear_bindings(fd->s);
    if (rc != SQLITE_DONE)
        return store_sql_error(fd->st, _("lookup"), err);
    if (count > 1) {
        *id = 0;
        return emb_err_set(err, EMB_CONFLICT, _("several %s match"), store__kind_nouns(fd->kind));
    }
    return EMB_OK;
}

void store_finder_free(store_finder *fd)
{
    if (!fd)
        return;
    sqlite3_finalize(fd->s);
    free(fd->fields);
    free(fd);
}

emb_code store_bulk_audit(store *st, const kind_def *kind, const char *action, const change_ctx *ctx,
                          const char *detail, emb_err *err)
{
    return records__audit(st, kind, action, 0, detail, ctx, err);
}

emb_code store_bulk_tune(store *st, int on, emb_err *err)
{
    /* 256 MiB of page cache keeps the pages of a load of a million deals with their
     * history in memory until the commit, instead of writing them to the WAL early
     * and reading them back for the index rebuild (measured: 0.35 s of 6 s saved
     * against 64 MiB, with 170 MB more resident memory). */
    return store_exec(st, on ? "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY"
                             : "PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT",
                      err);
}

/* The journal mode PRAGMA journal_mode = mode leaves: "wal", "delete" ... ("" when
 * the statement fails). */
static void set_journal_mode(sqlite3 *db, const char *mode, char out[16])
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", mode);
    out[0] = '\0';
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, 16, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

emb_code store_bulk_journal_direct(store *st, int *direct, emb_err *err)
{
    *direct = 0;
    sqlite3 *db = store_sqlite(st);
    char mode[16];
    sqlite3_busy_timeout(db, 0); /* another connection: stay in WAL at once */
    set_journal_mode(db, "DELETE", mode);
    sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
    if (strcmp(mode, "delete") != 0)
        return EMB_OK;
    *direct = 1;
    if (store_exec(st, "PRAGMA synchronous = FULL", err)) {
        store_bulk_journal_wal(st, direct);
        return err->code;
    }
    return EMB_OK;
}

void store_bulk_journal_wal(store *st, int *direct)
{
    if (!*direct)
        return;
    sqlite3 *db = store_sqlite(st);
    char mode[16];
    set_journal_mode(db, "WAL", mode);
    if (strcmp(mode, "wal") == 0 && sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) == SQLITE_OK)
        *direct = 0;
}

emb_code store_bulk_is_empty(store *st, const char *table, int *empty, emb_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", table);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, table, err);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    *empty = rc == SQLITE_DONE;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EMB_OK : store_sql_error(st, table, err);
}

emb_code store_bulk_indexes_drop(store *st, const char *table, arena *a, const char ***sqls, size_t *n,
                                 emb_err *err)
{
    *sqls = NULL;
    *n = 0;
    sqlite3 *db = store_sqlite(st);
    int empty;
    if (store_bulk_is_empty(st, table, &empty, err))
        return err->code;
    if (!empty)
        return EMB_OK; /* rebuilding its indexes would cost more than it saves */
    char sql[256];
    sqlite3_stmt *s;
    int rc;
    if (sqlite3_prepare_v2(db,
                           "SELECT m.name, m.sql FROM pragma_index_list(?1) AS il JOIN sqlite_master AS m "
                           "ON m.name = il.name AND m.type = 'index' "
                           "WHERE il.\"unique\" = 0 AND il.origin = 'c' AND il.partial = 0 AND m.sql IS NOT NULL "
                           "ORDER BY m.name",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("reading indexes"), err);
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    size_t cap = 0, count = 0;
    const char **names = NULL, **out = NULL;
    emb_code code = EMB_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            const char **nn = arena_alloc(a, ncap * sizeof *nn), **no = arena_alloc(a, ncap * sizeof *no);
            if (!nn || !no) {
                code = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                break;
            }
            if (count) {
                memcpy(nn, names, count * sizeof *nn);
                memcpy(no, out, count * sizeof *no);
            }
            names = nn;
            out = no;
            cap = ncap;
        }
        names[count] = arena_strdup(a, (const char *)sqlite3_column_text(s, 0));
        out[count] = arena_strdup(a, (const char *)sqlite3_column_text(s, 1));
        if (!names[count] || !out[count]) {
            code = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        count++;
    }
    if (!code && rc != SQLITE_DONE)
        code = store_sql_error(st, _("reading indexes"), err);
    sqlite3_finalize(s);
    for (size_t i = 0; !code && i < count; i++) {
        snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", names[i]);
        if ((code = store_exec(st, sql, err)))
            break;
        *n = i + 1; /* the ones dropped so far are restored by the caller */
    }
    *sqls = out;
    return code;
}

emb_code store_bulk_indexes_restore(store *st, const char *const *sqls, size_t n, emb_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (store_exec(st, sqls[i], err))
            return err->code;
    return EMB_OK;
}
