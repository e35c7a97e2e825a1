/*
 * import_undo.c - undoing one import (import_log_undo in import_log.h).
 *
 * Order of work, in one transaction with SQLite's foreign-key actions off (so
 * that deleting many records does not scan, per record, child tables that have no
 * index on their reference; the checks below stand in for them):
 *   1. the import exists and is in effect;
 *   2. no later change forbids it: a later import in effect saved a row this one
 *      created or changed; a later edit (audit_log update/delete) touched one;
 *   3. the rows it changed are written back from their saved images; a deal whose
 *      tracked fields come back gets a deal_history row; the restored tables must
 *      still satisfy their foreign keys;
 *   4. no row outside the import's ranges refers to a record it created (checked
 *      after 3, which takes back the references the import itself made; deal_history
 *      aside: the history of a deleted deal goes with it); then the undo's audit row
 *      is written (its detail filled in at 5), and the rows it created are deleted
 *      by range, a created deal's products with it and its history moved, row for
 *      row, every column, to deal_history_archive with the id of that audit row
 *      (nothing is deleted from the history: it leaves deal_history, which the
 *      reports read);
 *   5. the import is marked undone (imports.undo_audit_id: its undo's audit row),
 *      whose detail says {"import", "deleted", "restored", "history",
 *      "history_saved": the deals whose history step 4 archived, "history_archived":
 *      its rows}.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/kind.h"
#include "store/bulk.h"
#include "store/import_log.h"
#include "store/store_internal.h"

#define UNDO_SQL_MAX 8192

typedef struct {
    char table[64];
    int64_t above, last;
} undo_range;

typedef struct {
    store *st;
    int64_t id;
    char kind[64];
    int64_t audit_id;
    int64_t undo_audit_id; /* the undo's own audit row (step 4) */
    undo_range *r;
    size_t nr;
    struct {
        char table[64];
        sqlite3_stmt *s; /* restore_sql of the table, prepared at its first row */
    } restore[16];
    size_t nrestore;
} undo_job;

static const kind_def *kind_of_table(const char *table)
{
    for (const kind_def *const *k = kind_all(); *k; k++)
        if (!strcmp((*k)->table, table))
            return *k;
    return NULL;
}

/* "deal #12" for a row of a kind's table, else "row 12 of table". */
static void describe(const char *table, int64_t id, char *buf, size_t size)
{
    const kind_def *k = kind_of_table(table);
    if (k)
        snprintf(buf, size, "%s #%lld", store__kind_noun(k), (long long)id);
    else
        snprintf(buf, size, _("row %lld of %s"), (long long)id, table);
}

static const undo_range *range_of(const undo_job *u, const char *table)
{
    for (size_t i = 0; i < u->nr; i++)
        if (!strcmp(u->r[i].table, table))
            return &u->r[i];
    return NULL;
}

static int created_by(const undo_job *u, const char *table, int64_t id)
{
    const undo_range *r = range_of(u, table);
    return r && id > r->above && id <= r->last;
}

static emb_code prepare(store *st, const char *sql, sqlite3_stmt **s, emb_err *err)
{
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("undo"), err);
    return EMB_OK;
}

/* 1. Which import, and its ranges. */
static emb_code load_import(undo_job *u, int64_t id, emb_err *err)
{
    store *st = u->st;
    sqlite3_stmt *s;
    emb_code rc;
    if (!id) {
        if ((rc = prepare(st, "SELECT id FROM imports WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1", &s, err)))
            return rc;
        if (sqlite3_step(s) == SQLITE_ROW)
            id = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        if (!id)
            return emb_err_set(err, EMB_NOT_FOUND, "%s",
                               _("there is no import to undo; `embudo import list` shows the imports and their "
                                 "state"));
    }
    if ((rc = prepare(st, "SELECT kind, undone_at, coalesce(audit_id, 0) FROM imports WHERE id = ?", &s, err)))
        return rc;
    sqlite3_bind_int64(s, 1, id);
    int step = sqlite3_step(s);
    int64_t undone = step == SQLITE_ROW ? sqlite3_column_int64(s, 1) : 0;
    if (step == SQLITE_ROW) {
        snprintf(u->kind, sizeof u->kind, "%s", (const char *)sqlite3_column_text(s, 0));
        u->audit_id = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_ROW)
        return emb_err_set(err, EMB_NOT_FOUND, _("there is no import %lld; `embudo import list` shows the imports"),
                           (long long)id);
    if (undone)
        return emb_err_set(err, EMB_CONFLICT,
                           _("import %lld was undone already; to bring its records back, import its file again"),
                           (long long)id);
    u->id = id;
    if ((rc = prepare(st, "SELECT tbl, above, last FROM import_created WHERE import_id = ? ORDER BY tbl", &s, err)))
        return rc;
    sqlite3_bind_int64(s, 1, id);
    size_t cap = 0;
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        if (u->nr == cap) {
            cap = cap ? 2 * cap : 16;
            undo_range *r = realloc(u->r, cap * sizeof *r);
            if (!r) {
                rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                break;
            }
            u->r = r;
        }
        undo_range *r = &u->r[u->nr++];
        snprintf(r->table, sizeof r->table, "%s", (const char *)sqlite3_column_text(s, 0));
        r->above = sqlite3_column_int64(s, 1);
        r->last = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Whether this import saved row id of table (it changed it). */
static emb_code changed_by(undo_job *u, sqlite3_stmt *s, const char *table, int64_t id, int *yes, emb_err *err)
{
    sqlite3_bind_int64(s, 1, u->id);
    sqlite3_bind_text(s, 2, table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, id);
    int rc = sqlite3_step(s);
    *yes = rc == SQLITE_ROW;
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EMB_OK : store_sql_error(u->st, _("undo"), err);
}

/* 2a. A later import still in effect changed a row this one created or changed. */
static emb_code check_later_imports(undo_job *u, emb_err *err)
{
    sqlite3_stmt *s, *mine;
    emb_code rc = prepare(u->st,
                          "SELECT c.import_id, c.tbl, c.record_id FROM import_changed c JOIN imports i "
                          "ON i.id = c.import_id WHERE c.import_id > ? AND i.undone_at IS NULL ORDER BY c.import_id",
                          &s, err);
    if (rc)
        return rc;
    if ((rc = prepare(u->st, "SELECT 1 FROM import_changed WHERE import_id = ? AND tbl = ? AND record_id = ?", &mine,
                      err))) {
        sqlite3_finalize(s);
        return rc;
    }
    sqlite3_bind_int64(s, 1, u->id);
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        int64_t later = sqlite3_column_int64(s, 0), id = sqlite3_column_int64(s, 2);
        char table[64];
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(s, 1));
        int mine_too = created_by(u, table, id);
        if (!mine_too && (rc = changed_by(u, mine, table, id, &mine_too, err)))
            break;
        if (mine_too) {
            char what[96];
            describe(table, id, what, sizeof what);
            rc = emb_err_set(err, EMB_CONFLICT,
                             _("cannot undo import %lld: import %lld changed %s after it; undo import %lld first"),
                             (long long)u->id, (long long)later, what, (long long)later);
        }
    }
    sqlite3_finalize(s);
    sqlite3_finalize(mine);
    return rc;
}

/* 2b. A later edit (one audit row per record: update or delete) touched a row this
 * import created or changed. */
static emb_code check_later_edits(undo_job *u, emb_err *err)
{
    sqlite3_stmt *s, *mine;
    emb_code rc = prepare(u->st,
                          "SELECT kind, record_id, action FROM audit_log WHERE id > ? AND record_id IS NOT NULL "
                          "AND (action = 'update' OR action = 'delete') ORDER BY id",
                          &s, err);
    if (rc)
        return rc;
    if ((rc = prepare(u->st, "SELECT 1 FROM import_changed WHERE import_id = ? AND tbl = ? AND record_id = ?", &mine,
                      err))) {
        sqlite3_finalize(s);
        return rc;
    }
    sqlite3_bind_int64(s, 1, u->audit_id);
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        const kind_def *k = kind_find((const char *)sqlite3_column_text(s, 0));
        int64_t id = sqlite3_column_int64(s, 1);
        if (!k)
            continue;
        int mine_too = created_by(u, k->table, id);
        if (!mine_too && (rc = changed_by(u, mine, k->table, id, &mine_too, err)))
            break;
        if (mine_too)
            rc = emb_err_set(err, EMB_CONFLICT,
                             !strcmp((const char *)sqlite3_column_text(s, 2), "delete")
                                 ? _("cannot undo import %lld: %s #%lld was deleted after it; undoing would lose "
                                     "that change")
                                 : _("cannot undo import %lld: %s #%lld was edited after it; undoing would lose "
                                     "that change"),
                             (long long)u->id, store__kind_noun(k), (long long)id);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(mine);
    return rc;
}

/* 4a. After the restore: a row this import did not create refers to a record it
 * created. */
static emb_code check_references(undo_job *u, emb_err *err)
{
    sqlite3_stmt *fk;
    emb_code rc = prepare(u->st,
                          "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_schema m, "
                          "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name",
                          &fk, err);
    while (!rc && sqlite3_step(fk) == SQLITE_ROW) {
        const char *child = (const char *)sqlite3_column_text(fk, 0);
        const char *col = (const char *)sqlite3_column_text(fk, 1);
        const char *parent = (const char *)sqlite3_column_text(fk, 2);
        const undo_range *p = range_of(u, parent);
        if (!p || !strcmp(child, "deal_history") || !strncmp(child, "import", 6) || !strcmp(child, "audit_log"))
            continue;
        const undo_range *c = range_of(u, child);
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT rowid, \"%s\" FROM \"%s\" WHERE \"%s\" > ?1 AND \"%s\" <= ?2 AND NOT (rowid > ?3 AND "
                 "rowid <= ?4) LIMIT 1",
                 col, child, col, col);
        sqlite3_stmt *s;
        if ((rc = prepare(u->st, sql, &s, err)))
            break;
        sqlite3_bind_int64(s, 1, p->above);
        sqlite3_bind_int64(s, 2, p->last);
        sqlite3_bind_int64(s, 3, c ? c->above : 0);
        sqlite3_bind_int64(s, 4, c ? c->last : 0);
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW) {
            char who[96], whom[96];
            describe(child, sqlite3_column_int64(s, 0), who, sizeof who);
            describe(parent, sqlite3_column_int64(s, 1), whom, sizeof whom);
            rc = emb_err_set(err, EMB_CONFLICT,
                             _("cannot undo import %lld: %s, added or changed after it, refers to %s, which it "
                               "created; delete or change %s first"),
                             (long long)u->id, who, whom, who);
        } else if (step != SQLITE_DONE) {
            rc = store_sql_error(u->st, _("undo"), err);
        }
        sqlite3_finalize(s);
    }
    sqlite3_finalize(fk);
    return rc;
}

/* "UPDATE table SET c = json_extract(?1, '$.c'), ... WHERE rowid = ?2" (malloc'ed). */
static char *restore_sql(store *st, const char *table, emb_err *err)
{
    sqlite3_stmt *s;
    if (prepare(st, "SELECT name FROM pragma_table_info(?1) WHERE pk = 0 ORDER BY cid", &s, err))
        return NULL;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    char *sql = malloc(UNDO_SQL_MAX);
    size_t n = sql ? (size_t)snprintf(sql, UNDO_SQL_MAX, "UPDATE \"%s\" SET ", table) : 0;
    int first = 1;
    while (sql && sqlite3_step(s) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        n += (size_t)snprintf(sql + n, n < UNDO_SQL_MAX ? UNDO_SQL_MAX - n : 0, "%s\"%s\" = json_extract(?1, '$.%s')",
                              first ? "" : ", ", c, c);
        first = 0;
    }
    sqlite3_finalize(s);
    if (sql)
        n += (size_t)snprintf(sql + n, n < UNDO_SQL_MAX ? UNDO_SQL_MAX - n : 0, " WHERE rowid = ?2");
    if (!sql || n >= UNDO_SQL_MAX) {
        free(sql);
        emb_err_set(err, EMB_INTERNAL, _("cannot build the undo of table %s"), table);
        return NULL;
    }
    return sql;
}

/* Writes one saved row back; for a deal, the history of the change. */
static emb_code restore_row(undo_job *u, const char *table, int64_t id, const char *image, const change_ctx *ctx,
                            import_undo_result *res, emb_err *err)
{
    store *st = u->st;
    const kind_def *k = kind_of_table(table);
    int is_deal = k && !strcmp(k->name, "deals");
    arena a;
    arena_init(&a, 2048);
    record *before = NULL, *after = NULL;
    emb_code rc = is_deal ? store_record_get(st, k, id, &a, &before, err) : EMB_OK;
    size_t t = 0;
    while (t < u->nrestore && strcmp(u->restore[t].table, table) != 0)
        t++;
    if (!rc && t == u->nrestore) {
        char *sql = t < 16 ? restore_sql(st, table, err) : NULL;
        if (t == 16)
            rc = emb_err_set(err, EMB_INTERNAL, _("an import changed rows of more than 16 tables"));
        else if (!sql)
            rc = err->code;
        else if (!(rc = prepare(st, sql, &u->restore[t].s, err)))
            snprintf(u->restore[u->nrestore++].table, sizeof u->restore[0].table, "%s", table);
        free(sql);
    }
    if (!rc) {
        sqlite3_stmt *s = u->restore[t].s;
        sqlite3_bind_text(s, 1, image, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, id);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_sql_error(st, _("undo"), err);
        sqlite3_reset(s);
    }
    int appended = 0;
    if (!rc && is_deal && !(rc = store_record_get(st, k, id, &a, &after, err)))
        rc = store_deal_history_change(st, before, after, ctx, &appended, err);
    res->history += appended;
    if (!rc && k)
        res->restored++;
    arena_release(&a);
    return rc;
}

/* 3. The rows it changed, back as they were; their tables' references checked. */
static emb_code restore_changed(undo_job *u, const change_ctx *ctx, import_undo_result *res, emb_err *err)
{
    sqlite3_stmt *s;
    emb_code rc = prepare(u->st, "SELECT tbl, record_id, before FROM import_changed WHERE import_id = ? ORDER BY rowid",
                          &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, u->id);
    char tables[16][64];
    size_t ntables = 0;
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(s, 0);
        int64_t id = sqlite3_column_int64(s, 1);
        if (created_by(u, table, id))
            continue;
        size_t t = 0;
        while (t < ntables && strcmp(tables[t], table) != 0)
            t++;
        if (t == ntables && ntables < 16)
            snprintf(tables[ntables++], sizeof tables[0], "%s", table);
        rc = restore_row(u, table, id, (const char *)sqlite3_column_text(s, 2), ctx, res, err);
    }
    sqlite3_finalize(s);
    for (size_t t = 0; t < ntables && !rc; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT rowid, \"table\" FROM pragma_foreign_key_check('%s') LIMIT 1", tables[t]);
        if ((rc = prepare(u->st, sql, &s, err)))
            break;
        if (sqlite3_step(s) == SQLITE_ROW) {
            char who[96];
            describe(tables[t], sqlite3_column_int64(s, 0), who, sizeof who);
            rc = emb_err_set(err, EMB_CONFLICT,
                             _("cannot undo import %lld: %s would refer again to a record of %s that was deleted "
                               "after the import"),
                             (long long)u->id, who, (const char *)sqlite3_column_text(s, 1));
        }
        sqlite3_finalize(s);
    }
    return rc;
}

/* 4b. The undo's audit row, written before the rows go so that the archived
 * history can name it; mark_undone fills in its detail. */
static emb_code begin_audit(undo_job *u, const change_ctx *ctx, emb_err *err)
{
    const kind_def *k = kind_find(u->kind);
    if (!k)
        return emb_err_set(err, EMB_INTERNAL, "undo: unknown kind %s", u->kind);
    emb_code rc = records__audit(u->st, k, "undo", 0, "{}", ctx, err);
    u->undo_audit_id = sqlite3_last_insert_rowid(store_sqlite(u->st));
    return rc;
}

/* 4c. The rows it created: the records of each range, a created deal's products
 * with it and its history moved to deal_history_archive. */
static emb_code archive_history(undo_job *u, const undo_range *r, import_undo_result *res, emb_err *err)
{
    sqlite3_stmt *s;
    emb_code rc = prepare(u->st, "SELECT count(DISTINCT deal_id) FROM deal_history WHERE deal_id > ?1 AND deal_id <= ?2",
                          &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, r->above);
    sqlite3_bind_int64(s, 2, r->last);
    if (sqlite3_step(s) == SQLITE_ROW)
        res->history_saved += sqlite3_column_int64(s, 0);
    else
        rc = store_sql_error(u->st, "undo: archiving the history of deleted deals", err);
    sqlite3_finalize(s);
    if (rc || (rc = prepare(u->st,
                            "INSERT INTO deal_history_archive (id, deal_id, at, author_id, changed, stage_id, status, "
                            "amount, currency, owner_id, expected_close, undo_audit_id) "
                            "SELECT id, deal_id, at, author_id, changed, stage_id, status, amount, currency, owner_id, "
                            "expected_close, ?3 FROM deal_history WHERE deal_id > ?1 AND deal_id <= ?2 ORDER BY id",
                            &s, err)))
        return rc;
    sqlite3_bind_int64(s, 1, r->above);
    sqlite3_bind_int64(s, 2, r->last);
    sqlite3_bind_int64(s, 3, u->undo_audit_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_sql_error(u->st, "undo: archiving the history of deleted deals", err);
    else
        res->history_archived += sqlite3_changes(store_sqlite(u->st));
    sqlite3_finalize(s);
    return rc;
}

static emb_code delete_created(undo_job *u, import_undo_result *res, emb_err *err)
{
    emb_code rc = EMB_OK;
    for (size_t i = 0; i < u->nr && !rc; i++) {
        const undo_range *r = &u->r[i];
        sqlite3_stmt *s;
        char sql[256];
        if (!strcmp(r->table, "deals") && (rc = archive_history(u, r, res, err)))
            break;
        if (!strcmp(r->table, "deals")) {
            static const char *const children[] = {"deal_history", "deal_products"};
            for (int c = 0; c < 2 && !rc; c++) {
                snprintf(sql, sizeof sql, "DELETE FROM %s WHERE deal_id > ?1 AND deal_id <= ?2", children[c]);
                if (!(rc = prepare(u->st, sql, &s, err))) {
                    sqlite3_bind_int64(s, 1, r->above);
                    sqlite3_bind_int64(s, 2, r->last);
                    if (sqlite3_step(s) != SQLITE_DONE)
                        rc = store_sql_error(u->st, _("undo"), err);
                    sqlite3_finalize(s);
                }
            }
        }
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE rowid > ?1 AND rowid <= ?2", r->table);
        if (rc || (rc = prepare(u->st, sql, &s, err)))
            break;
        sqlite3_bind_int64(s, 1, r->above);
        sqlite3_bind_int64(s, 2, r->last);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_sql_error(u->st, _("undo"), err);
        else if (kind_of_table(r->table))
            res->deleted += sqlite3_changes(store_sqlite(u->st));
        sqlite3_finalize(s);
    }
    return rc;
}

/* 5. Marked undone; the undo's audit row says what it did. */
static emb_code mark_undone(undo_job *u, const change_ctx *ctx, const import_undo_result *res, emb_err *err)
{
    sqlite3_stmt *s;
    emb_code rc = prepare(u->st, "UPDATE imports SET undone_at = ?, undone_by = ?, undo_audit_id = ? WHERE id = ?",
                          &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, ctx->now);
    if (ctx->author_id)
        sqlite3_bind_int64(s, 2, ctx->author_id);
    sqlite3_bind_int64(s, 3, u->undo_audit_id);
    sqlite3_bind_int64(s, 4, u->id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_sql_error(u->st, _("undo"), err);
    sqlite3_finalize(s);
    if (rc || (rc = prepare(u->st, "UPDATE audit_log SET detail = ? WHERE id = ?", &s, err)))
        return rc;
    char detail[256];
    snprintf(detail, sizeof detail,
             "{\"import\":%lld,\"deleted\":%lld,\"restored\":%lld,\"history\":%lld,\"history_saved\":%lld,"
             "\"history_archived\":%lld}",
             (long long)u->id, (long long)res->deleted, (long long)res->restored, (long long)res->history,
             (long long)res->history_saved, (long long)res->history_archived);
    sqlite3_bind_text(s, 1, detail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, u->undo_audit_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_sql_error(u->st, _("undo"), err);
    sqlite3_finalize(s);
    return rc;
}

emb_code import_log_undo(store *st, int64_t id, const change_ctx *ctx, import_undo_result *res, emb_err *err)
{
    *res = (import_undo_result){0};
    undo_job u = {.st = st};
    emb_code rc = store_bulk_fk_enforce(st, 0, err);
    if (rc)
        return rc;
    if ((rc = store_begin(st, err))) {
        store_bulk_fk_enforce(st, 1, NULL);
        return rc;
    }
    if (!(rc = load_import(&u, id, err)) && !(rc = check_later_imports(&u, err)) &&
        !(rc = check_later_edits(&u, err)) && !(rc = restore_changed(&u, ctx, res, err)) &&
        !(rc = check_references(&u, err)) && !(rc = begin_audit(&u, ctx, err)) &&
        !(rc = delete_created(&u, res, err)) &&
        !(rc = mark_undone(&u, ctx, res, err)))
        rc = store_commit(st, err);
    else
        store_rollback(st);
    res->id = u.id;
    free(u.r);
    for (size_t t = 0; t < u.nrestore; t++)
        sqlite3_finalize(u.restore[t].s);
    store_bulk_fk_enforce(st, 1, NULL);
    return rc;
}
