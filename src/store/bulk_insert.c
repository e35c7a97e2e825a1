/*
 * bulk_insert.c - batched multi-row inserts and the load mode of a new database; see bulk_insert.h.
 *
 * Invariants: cells[0 .. nrows * ncols + col) hold the values of the pending rows
 * and of the current row; text cells point into buf by offset (buf may move while
 * it grows, so pointers are taken only when binding, just before the step).
 */
#include "store/bulk_insert.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/store_internal.h"

enum { CELL_NULL, CELL_INT, CELL_TEXT };

typedef struct {
    int type;
    int64_t i;  /* CELL_INT value */
    size_t off; /* CELL_TEXT: offset in buf */
    size_t len; /* CELL_TEXT: length */
} cell;

typedef struct {
    cell *cells; /* batch_rows * ncols */
    int nrows;   /* complete rows */
    char *buf;   /* text of the batch's cells */
    size_t buflen, bufcap;
} batch;

struct bulk {
    store *st;
    sqlite3 *db;
    char *table;
    char *columns;      /* "a, b, c" */
    int ncols;
    int batch_rows;     /* rows per full statement */
    sqlite3_stmt *full; /* INSERT of batch_rows rows */
    batch bt;           /* the pending rows */
    int col;            /* values given in the current row */
    int overflow;       /* a row got more than ncols values */
    int oom;
    int64_t count;
};

sqlite3_stmt *store__prepare_insert_rows(store *st, const char *table, const char *columns, int ncols, int rows,
                                        emb_err *err)
{
    size_t size = strlen(table) + strlen(columns) + 32 + (size_t)rows * ((size_t)ncols * 2 + 3);
    char *sql = malloc(size);
    if (!sql) {
        emb_err_set(err, EMB_NOMEM, _("out of memory"));
        return NULL;
    }
    size_t n = (size_t)snprintf(sql, size, "INSERT INTO %s (%s) VALUES ", table, columns);
    for (int r = 0; r < rows; r++) {
        sql[n++] = r ? ',' : ' ';
        sql[n++] = '(';
        for (int c = 0; c < ncols; c++) {
            if (c)
                sql[n++] = ',';
            sql[n++] = '?';
        }
        sql[n++] = ')';
    }
    sql[n] = '\0';
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v3(store_sqlite(st), sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
        store_sql_error(st, table, err);
    free(sql);
    return s;
}

static sqlite3_stmt *prepare_rows(bulk *b, int rows, emb_err *err)
{
    return store__prepare_insert_rows(b->st, b->table, b->columns, b->ncols, rows, err);
}

static emb_code bulk_init(bulk *b, store *st, const char *table, const char *const *columns, int ncols,
                          int rows_per_stmt, emb_err *err)
{
    b->st = st;
    b->db = store_sqlite(st);
    b->ncols = ncols;
    int max_rows = 32766 / ncols; /* SQLite's default limit on bound parameters */
    b->batch_rows = rows_per_stmt > 0 ? rows_per_stmt : 64;
    if (b->batch_rows > max_rows)
        b->batch_rows = max_rows;
    size_t len = 1;
    for (int i = 0; i < ncols; i++)
        len += strlen(columns[i]) + 2;
    b->table = strdup(table);
    b->columns = malloc(len);
    if (!b->table || !b->columns)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    size_t n = 0;
    for (int i = 0; i < ncols; i++)
        n += (size_t)snprintf(b->columns + n, len - n, "%s%s", i ? ", " : "", columns[i]);
    b->bt.cells = calloc((size_t)b->batch_rows * (size_t)ncols, sizeof *b->bt.cells);
    b->bt.bufcap = 4096;
    b->bt.buf = malloc(b->bt.bufcap);
    if (!b->bt.cells || !b->bt.buf)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    return EMB_OK;
}

emb_code bulk_open(store *st, const char *table, const char *const *columns, int ncols, int rows_per_stmt,
                   bulk **out, emb_err *err)
{
    *out = NULL;
    if (ncols <= 0)
        return emb_err_set(err, EMB_INTERNAL, _("bulk insert into %s without columns"), table);
    bulk *b = calloc(1, sizeof *b);
    if (!b)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    emb_code rc = bulk_init(b, st, table, columns, ncols, rows_per_stmt, err);
    if (!rc && !(b->full = prepare_rows(b, b->batch_rows, err)))
        rc = err->code;
    if (rc) {
        bulk_free(b);
        return rc;
    }
    *out = b;
    return EMB_OK;
}

void bulk_free(bulk *b)
{
    if (!b)
        return;
    sqlite3_finalize(b->full);
    free(b->table);
    free(b->columns);
    free(b->bt.cells);
    free(b->bt.buf);
    free(b);
}

static cell *next_cell(bulk *b)
{
    if (b->col >= b->ncols) {
        b->overflow = 1;
        return NULL;
    }
    return &b->bt.cells[(size_t)b->bt.nrows * (size_t)b->ncols + (size_t)b->col++];
}

void bulk_int(bulk *b, int64_t v)
{
    cell *c = next_cell(b);
    if (c)
        *c = (cell){CELL_INT, v, 0, 0};
}

void bulk_null(bulk *b)
{
    cell *c = next_cell(b);
    if (c)
        *c = (cell){CELL_NULL, 0, 0, 0};
}

void bulk_int_or_null(bulk *b, int has, int64_t v)
{
    if (has)
        bulk_int(b, v);
    else
        bulk_null(b);
}

void bulk_textn(bulk *b, const char *s, size_t n)
{
    cell *c = next_cell(b);
    if (!c)
        return;
    batch *bt = &b->bt;
    if (bt->buflen + n + 1 > bt->bufcap) {
        size_t cap = bt->bufcap * 2;
        while (cap < bt->buflen + n + 1)
            cap *= 2;
        char *nb = realloc(bt->buf, cap);
        if (!nb) {
            b->oom = 1;
            *c = (cell){CELL_NULL, 0, 0, 0};
            return;
        }
        bt->buf = nb;
        bt->bufcap = cap;
    }
    memcpy(bt->buf + bt->buflen, s, n);
    *c = (cell){CELL_TEXT, 0, bt->buflen, n};
    bt->buflen += n;
}

void bulk_text(bulk *b, const char *s)
{
    if (s)
        bulk_textn(b, s, strlen(s));
    else
        bulk_null(b);
}

/* Binds the rows of bt to s and runs it. */
static emb_code run_rows(bulk *b, sqlite3_stmt *s, const batch *bt, emb_err *err)
{
    int pos = 1;
    size_t ncells = (size_t)bt->nrows * (size_t)b->ncols;
    for (size_t i = 0; i < ncells; i++, pos++) {
        const cell *c = &bt->cells[i];
        if (c->type == CELL_INT)
            sqlite3_bind_int64(s, pos, c->i);
        else if (c->type == CELL_TEXT)
            sqlite3_bind_text(s, pos, bt->buf + c->off, (int)c->len, SQLITE_STATIC);
        else
            sqlite3_bind_null(s, pos);
    }
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(b->st, b->table, err);
    return EMB_OK;
}

/* Writes a batch (full or not) on b->db. */
static emb_code write_batch(bulk *b, const batch *bt, emb_err *err)
{
    if (bt->nrows == 0)
        return EMB_OK;
    if (bt->nrows == b->batch_rows)
        return run_rows(b, b->full, bt, err);
    sqlite3_stmt *s = prepare_rows(b, bt->nrows, err);
    if (!s)
        return err->code;
    emb_code rc = run_rows(b, s, bt, err);
    sqlite3_finalize(s);
    return rc;
}

/* ---- writing -------------------------------------------------------------------- */

emb_code bulk_end_row(bulk *b, emb_err *err)
{
    if (b->oom)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (b->overflow || b->col != b->ncols)
        return emb_err_set(err, EMB_INTERNAL, _("bulk row for %s has %d values, not %d"), b->table,
                           b->overflow ? b->ncols + 1 : b->col, b->ncols);
    batch *bt = &b->bt;
    b->col = 0;
    bt->nrows++;
    b->count++;
    if (bt->nrows < b->batch_rows)
        return EMB_OK;
    emb_code rc = run_rows(b, b->full, bt, err);
    bt->nrows = 0;
    bt->buflen = 0;
    return rc;
}

emb_code bulk_flush(bulk *b, emb_err *err)
{
    batch *bt = &b->bt;
    if (bt->nrows == 0)
        return EMB_OK;
    emb_code rc = write_batch(b, bt, err);
    bt->nrows = 0;
    bt->buflen = 0;
    return rc;
}

int64_t bulk_count(const bulk *b) { return b->count; }

/* ---- load mode --------------------------------------------------------------- */

/* CHECK constraints cost a lot in bulk: SQLite builds a temporary table for each
 * IN (...) list of a CHECK for every row inserted. Loaders in load mode write rows
 * that satisfy them by construction (tests verify it by copying a loaded database
 * into a checked one). */
emb_code bulk_load_begin(store *st, emb_err *err)
{
    return store_exec(st,
                      "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; "
                      "PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY; PRAGMA ignore_check_constraints = ON",
                      err);
}

emb_code bulk_load_end(store *st, emb_err *err)
{
    return store_exec(st,
                      "PRAGMA cache_size = -2000; PRAGMA ignore_check_constraints = OFF; PRAGMA foreign_keys = ON; "
                      "PRAGMA journal_mode = WAL; "
                      "PRAGMA synchronous = NORMAL",
                      err);
}
