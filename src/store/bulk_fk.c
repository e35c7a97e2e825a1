/*
 * bulk_fk.c - foreign keys checked once per load instead of row by row (bulk.h).
 *
 * SQLite checks a foreign key by seeking the parent row for every row written,
 * which costs a large load as much as writing its rows. A loader that resolves
 * every reference itself turns those checks off and runs, before its commit, one
 * query per table over the rows it added: the mark holds each table's largest
 * rowid when the load began.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/bulk.h"
#include "store/store_internal.h"

struct store_fk_mark {
    size_t n;
    struct {
        char *table;
        int64_t max_rowid;
        int verified; /* the loader checked the rows it added itself */
    } t[];
};

emb_code store_bulk_fk_enforce(store *st, int on, emb_err *err)
{
    return store_exec(st, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", err);
}

emb_code store__max_rowid(store *st, const char *table, int64_t *out, emb_err *err)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(rowid), 0) FROM \"%s\"", table);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, table, err);
    int rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? EMB_OK : store_sql_error(st, table, err);
}

emb_code store_bulk_fk_mark(store *st, arena *a, store_fk_mark **out, emb_err *err)
{
    *out = NULL;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                           "EXISTS (SELECT 1 FROM pragma_foreign_key_list(name)) ORDER BY name",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("foreign keys"), err);
    size_t cap = 64;
    store_fk_mark *m = arena_alloc(a, sizeof *m + cap * sizeof m->t[0]);
    if (!m) {
        sqlite3_finalize(s);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    m->n = 0;
    emb_code rc = EMB_OK;
    int step;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        if (m->n == cap) {
            rc = emb_err_set(err, EMB_INTERNAL, _("more than %zu tables with foreign keys"), cap);
            break;
        }
        char *name = arena_strdup(a, (const char *)sqlite3_column_text(s, 0));
        if (!name)
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        else if (!(rc = store__max_rowid(st, name, &m->t[m->n].max_rowid, err))) {
            m->t[m->n].verified = 0;
            m->t[m->n++].table = name;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = store_sql_error(st, _("foreign keys"), err);
    sqlite3_finalize(s);
    if (!rc)
        *out = m;
    return rc;
}

/* The query that finds the first row of table above rowid ?1 whose reference
 * names no parent row: columns rowid, the column's name, its value. NULL with err
 * set on failure; malloc'ed. */
static char *check_sql(store *st, const char *table, emb_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq", -1,
                           &s, NULL) != SQLITE_OK) {
        store_sql_error(st, _("foreign keys"), err);
        return NULL;
    }
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    size_t cap = 4096, n = 0;
    char *sql = malloc(cap);
    if (sql)
        n = (size_t)snprintf(sql, cap, "SELECT r, bad, CASE bad");
    char *cases = malloc(cap);
    size_t nc = cases ? (size_t)snprintf(cases, cap, "CASE") : 0;
    int step;
    while (sql && cases && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(s, 0);
        const char *parent = (const char *)sqlite3_column_text(s, 1);
        const char *to = (const char *)sqlite3_column_text(s, 2);
        n += (size_t)snprintf(sql + n, n < cap ? cap - n : 0, " WHEN '%s' THEN \"%s\"", from, from);
        nc += (size_t)snprintf(cases + nc, nc < cap ? cap - nc : 0,
                               " WHEN \"%s\" IS NOT NULL AND \"%s\" NOT IN (SELECT \"%s\" FROM \"%s\") THEN '%s'", from,
                               from, to ? to : "rowid", parent, from);
    }
    sqlite3_finalize(s);
    if (sql && cases)
        n += (size_t)snprintf(sql + n, n < cap ? cap - n : 0,
                              " END FROM (SELECT *, rowid AS r, %s END AS bad FROM \"%s\" WHERE rowid > ?1) "
                              "WHERE bad IS NOT NULL LIMIT 1",
                              cases, table);
    free(cases);
    if (!sql || !cases || n >= cap || nc >= cap) {
        free(sql);
        emb_err_set(err, EMB_NOMEM, _("cannot build the foreign-key check of %s"), table);
        return NULL;
    }
    return sql;
}

void store_bulk_fk_verified(store_fk_mark *m, const char *table)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->t[i].table, table))
            m->t[i].verified = 1;
}

emb_code store_bulk_fk_check(store *st, const store_fk_mark *m, emb_err *err)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->t[i].verified)
            continue;
        int64_t now;
        if (store__max_rowid(st, m->t[i].table, &now, err))
            return err->code;
        if (now <= m->t[i].max_rowid)
            continue;
        char *sql = check_sql(st, m->t[i].table, err);
        if (!sql)
            return err->code;
        sqlite3_stmt *s;
        int rc = sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL);
        free(sql);
        if (rc != SQLITE_OK)
            return store_sql_error(st, m->t[i].table, err);
        sqlite3_bind_int64(s, 1, m->t[i].max_rowid);
        rc = sqlite3_step(s);
        emb_code out = EMB_OK;
        if (rc == SQLITE_ROW)
            out = emb_err_set(err, EMB_INTERNAL, _("row %lld of %s refers in column %s to %s, which does not exist"),
                              (long long)sqlite3_column_int64(s, 0), m->t[i].table,
                              (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2));
        else if (rc != SQLITE_DONE)
            out = store_sql_error(st, m->t[i].table, err);
        sqlite3_finalize(s);
        if (out)
            return out;
    }
    return EMB_OK;
}
