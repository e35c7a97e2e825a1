/*
 * bulk.c - batched multi-row inserts and the load mode of a new database; see bulk.h.
 *
 * Invariants: cells[0 .. nrows * ncols + col) hold the values of the pending rows
 * and of the current row; text cells point into buf by offset (buf may move while
 * it grows, so pointers are taken only when binding, just before the step).
 */
#include "store/bulk.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CELL_NULL, CELL_INT, CELL_TEXT };

typedef struct {
    int type;
    int64_t i;   /* CELL_INT value */
    size_t off;  /* CELL_TEXT: offset in buf */
    size_t len;  /* CELL_TEXT: length */
} cell;

struct bulk {
    store *st;
    char *table;
    char *columns;     /* "a, b, c" */
    int ncols;
    int batch;         /* rows per full statement */
    sqlite3_stmt *full; /* INSERT of `batch` rows */
    cell *cells;       /* batch * ncols */
    int nrows;         /* complete pending rows */
    int col;           /* values given in the current row */
    int overflow;      /* a row got more than ncols values */
    char *buf;
    size_t buflen, bufcap;
    int oom;
    int64_t count;
};

static char *sql_insert(const bulk *b, int rows)
{
    size_t row_len = (size_t)b->ncols * 2 + 3;
    size_t size = strlen(b->table) + strlen(b->columns) + 32 + row_len * (size_t)rows;
    char *sql = malloc(size);
    if (!sql)
        return NULL;
    size_t n = (size_t)snprintf(sql, size, "INSERT INTO %s (%s) VALUES ", b->table, b->columns);
    for (int r = 0; r < rows; r++) {
        sql[n++] = r ? ',' : ' ';
        sql[n++] = '(';
        for (int c = 0; c < b->ncols; c++) {
            if (c)
                sql[n++] = ',';
            sql[n++] = '?';
        }
        sql[n++] = ')';
    }
    sql[n] = '\0';
    return sql;
}

static sqlite3_stmt *prepare_rows(bulk *b, int rows, emb_err *err)
{
    char *sql = sql_insert(b, rows);
    if (!sql) {
        emb_err_set(err, EMB_NOMEM, "out of memory");
        return NULL;
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v3(store_sqlite(b->st), sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
        store_sql_error(b->st, b->table, err);
    free(sql);
    return s;
}

emb_code bulk_open(store *st, const char *table, const char *const *columns, int ncols, int rows_per_stmt,
                   bulk **out, emb_err *err)
{
    *out = NULL;
    if (ncols <= 0)
        return emb_err_set(err, EMB_INTERNAL, "bulk insert into %s without columns", table);
    bulk *b = calloc(1, sizeof *b);
    if (!b)
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    b->st = st;
    b->ncols = ncols;
    int max_rows = 32766 / ncols; /* SQLite's default limit on bound parameters */
    b->batch = rows_per_stmt > 0 ? rows_per_stmt : 64;
    if (b->batch > max_rows)
        b->batch = max_rows;
    size_t len = 1;
    for (int i = 0; i < ncols; i++)
        len += strlen(columns[i]) + 2;
    b->table = strdup(table);
    b->columns = malloc(len);
    b->cells = calloc((size_t)b->batch * (size_t)ncols, sizeof *b->cells);
    b->bufcap = 4096;
    b->buf = malloc(b->bufcap);
    if (!b->table || !b->columns || !b->cells || !b->buf) {
        bulk_free(b);
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    }
    size_t n = 0;
    for (int i = 0; i < ncols; i++)
        n += (size_t)snprintf(b->columns + n, len - n, "%s%s", i ? ", " : "", columns[i]);
    if (!(b->full = prepare_rows(b, b->batch, err))) {
        bulk_free(b);
        return err->code;
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
    free(b->cells);
    free(b->buf);
    free(b);
}

static cell *next_cell(bulk *b)
{
    if (b->col >= b->ncols) {
        b->overflow = 1;
        return NULL;
    }
    return &b->cells[(size_t)b->nrows * (size_t)b->ncols + (size_t)b->col++];
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
    if (b->buflen + n + 1 > b->bufcap) {
        size_t cap = b->bufcap * 2;
        while (cap < b->buflen + n + 1)
            cap *= 2;
        char *nb = realloc(b->buf, cap);
        if (!nb) {
            b->oom = 1;
            *c = (cell){CELL_NULL, 0, 0, 0};
            return;
        }
        b->buf = nb;
        b->bufcap = cap;
    }
    memcpy(b->buf + b->buflen, s, n);
    *c = (cell){CELL_TEXT, 0, b->buflen, n};
    b->buflen += n;
}

void bulk_text(bulk *b, const char *s)
{
    if (s)
        bulk_textn(b, s, strlen(s));
    else
        bulk_null(b);
}

/* Binds rows [0, rows) to s and runs it. */
static emb_code run_rows(bulk *b, sqlite3_stmt *s, int rows, emb_err *err)
{
    int pos = 1;
    size_t ncells = (size_t)rows * (size_t)b->ncols;
    for (size_t i = 0; i < ncells; i++, pos++) {
        const cell *c = &b->cells[i];
        if (c->type == CELL_INT)
            sqlite3_bind_int64(s, pos, c->i);
        else if (c->type == CELL_TEXT)
            sqlite3_bind_text(s, pos, b->buf + c->off, (int)c->len, SQLITE_STATIC);
        else
            sqlite3_bind_null(s, pos);
    }
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(b->st, b->table, err);
    return EMB_OK;
}

emb_code bulk_end_row(bulk *b, emb_err *err)
{
    if (b->oom)
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    if (b->overflow || b->col != b->ncols)
        return emb_err_set(err, EMB_INTERNAL, "bulk row for %s has %d values, not %d", b->table,
                           b->overflow ? b->ncols + 1 : b->col, b->ncols);
    b->col = 0;
    b->nrows++;
    b->count++;
    if (b->nrows < b->batch)
        return EMB_OK;
    emb_code rc = run_rows(b, b->full, b->nrows, err);
    b->nrows = 0;
    b->buflen = 0;
    return rc;
}

emb_code bulk_flush(bulk *b, emb_err *err)
{
    if (b->nrows == 0)
        return EMB_OK;
    sqlite3_stmt *s = prepare_rows(b, b->nrows, err);
    if (!s)
        return err->code;
    emb_code rc = run_rows(b, s, b->nrows, err);
    sqlite3_finalize(s);
    b->nrows = 0;
    b->buflen = 0;
    return rc;
}

int64_t bulk_count(const bulk *b) { return b->count; }

/* ---- load mode --------------------------------------------------------------- */

struct bulk_load {
    char **index_sql; /* CREATE INDEX statements of the dropped indexes */
    size_t nindex;
};

void bulk_load_abandon(bulk_load *load)
{
    if (!load)
        return;
    for (size_t i = 0; i < load->nindex; i++)
        free(load->index_sql[i]);
    free(load->index_sql);
    free(load);
}

emb_code bulk_load_begin(store *st, bulk_load **out, emb_err *err)
{
    *out = NULL;
    bulk_load *load = calloc(1, sizeof *load);
    if (!load)
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    emb_code rc = store_exec(st,
                             "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; "
                             "PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY",
                             err);
    if (rc)
        goto fail;
    /* Explicit secondary indexes (not the automatic ones of UNIQUE constraints,
     * whose sql is NULL): drop them now and build them once at the end. */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                           "ORDER BY rowid",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = store_sql_error(st, "reading the schema", err);
        goto fail;
    }
    char **names = NULL;
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        char **ni = realloc(load->index_sql, (n + 1) * sizeof *ni);
        char **nn = ni ? realloc(names, (n + 1) * sizeof *nn) : NULL;
        if (ni)
            load->index_sql = ni;
        if (nn)
            names = nn;
        if (!ni || !nn) {
            rc = emb_err_set(err, EMB_NOMEM, "out of memory");
            break;
        }
        names[n] = strdup((const char *)sqlite3_column_text(s, 0));
        load->index_sql[n] = strdup((const char *)sqlite3_column_text(s, 1));
        load->nindex = ++n;
        if (!names[n - 1] || !load->index_sql[n - 1]) {
            rc = emb_err_set(err, EMB_NOMEM, "out of memory");
            break;
        }
    }
    sqlite3_finalize(s);
    for (size_t i = 0; i < n && !rc; i++) {
        char sql[512];
        snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", names[i]);
        rc = store_exec(st, sql, err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc)
        goto fail;
    *out = load;
    return EMB_OK;
fail:
    bulk_load_abandon(load);
    return rc;
}

emb_code bulk_load_end(store *st, bulk_load *load, emb_err *err)
{
    emb_code rc = store_begin(st, err);
    for (size_t i = 0; i < load->nindex && !rc; i++)
        rc = store_exec(st, load->index_sql[i], err);
    if (!rc)
        rc = store_commit(st, err);
    else
        store_rollback(st);
    bulk_load_abandon(load);
    if (rc)
        return rc;
    return store_exec(st, "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err);
}
