/*
 * record_batch.c - multi-row inserts of new records under the store's rules; see
 * record_batch.h.
 *
 * Invariants: q[0 .. n) are the queued records, copied with their text into mem
 * (reset after each flush) and numbered with consecutive ids from next_id - n;
 * rows_stmt[k] / hist_stmt[k], when prepared, insert k rows.
 */
#include "store/record_batch.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/store_internal.h"

enum {
    BATCH_ROWS = 64, /* rows per statement: measured best between 32 and 128 */
    HISTORY_COLUMNS = 10,
    MAX_REFS = 16,
};

/* The ids of one parent table (column `to`) known to exist: a set of positive
 * ids (open addressing, 0 = free), filled by looking each new value up once. */
typedef struct {
    char *table, *column;
    sqlite3_stmt *probe;
    int64_t *slots;
    size_t cap, count;
} id_set;

typedef struct {
    int field;      /* the kind's field */
    id_set *parent; /* in parents[] */
} fk_ref;

typedef struct {
    record *r;
    int64_t tag;
    records_history h[2];
    int nh;
    int refused;
} queued;

typedef struct {
    queued *q; /* the deal */
    const records_history *h;
} history_row;

struct record_batch {
    store *st;
    sqlite3 *db;
    const kind_def *kind;
    const change_ctx *ctx;
    record_batch_reject on_reject;
    void *ud;
    int is_deal;
    int *stored;  /* field indexes of the stored fields, in field order */
    int nstored;
    char *columns; /* "id, col, ..." */
    int64_t next_id;
    fk_ref refs[MAX_REFS];
    int nrefs;
    id_set parents[MAX_REFS];
    int nparents;
    arena mem;
    queued q[BATCH_ROWS];
    size_t n;
    sqlite3_stmt *rows_stmt[BATCH_ROWS + 1];
    sqlite3_stmt *hist_stmt[BATCH_ROWS + 1];
};

static sqlite3_stmt *rows_stmt(record_batch *b, int rows, emb_err *err)
{
    if (!b->rows_stmt[rows])
        b->rows_stmt[rows] = store__prepare_insert_rows(b->st, b->kind->table, b->columns, b->nstored + 1, rows, err);
    return b->rows_stmt[rows];
}

static sqlite3_stmt *hist_stmt(record_batch *b, int rows, emb_err *err)
{
    if (!b->hist_stmt[rows])
        b->hist_stmt[rows] = store__prepare_insert_rows(b->st, "deal_history", RECORDS_HISTORY_COLUMNS, HISTORY_COLUMNS,
                                                      rows, err);
    return b->hist_stmt[rows];
}

static int set_has(const id_set *p, int64_t id)
{
    if (!p->cap)
        return 0;
    for (size_t i = (size_t)id * 0x9E3779B97F4A7C15u & (p->cap - 1);; i = (i + 1) & (p->cap - 1)) {
        if (p->slots[i] == id)
            return 1;
        if (!p->slots[i])
            return 0;
    }
}

static int set_add(id_set *p, int64_t id)
{
    if ((p->count + 1) * 2 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        int64_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < p->cap; i++) {
            if (!p->slots[i])
                continue;
            size_t j = (size_t)p->slots[i] * 0x9E3779B97F4A7C15u & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = p->slots[i];
        }
        free(p->slots);
        p->slots = slots;
        p->cap = cap;
    }
    size_t i = (size_t)id * 0x9E3779B97F4A7C15u & (p->cap - 1);
    while (p->slots[i] && p->slots[i] != id)
        i = (i + 1) & (p->cap - 1);
    if (!p->slots[i])
        p->count++;
    p->slots[i] = id;
    return 0;
}

/* Whether id is a row of the parent table: 1 yes, 0 no, -1 with err set. */
static int parent_exists(record_batch *b, id_set *p, int64_t id, emb_err *err)
{
    if (id > 0 && set_has(p, id))
        return 1;
    sqlite3_bind_int64(p->probe, 1, id);
    int rc = sqlite3_step(p->probe);
    sqlite3_reset(p->probe);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        store_sql_error(b->st, p->table, err);
        return -1;
    }
    if (rc == SQLITE_ROW && id > 0 && set_add(p, id)) {
        emb_err_set(err, EMB_NOMEM, _("out of memory"));
        return -1;
    }
    return rc == SQLITE_ROW;
}

static id_set *parent_of(record_batch *b, const char *table, const char *column, emb_err *err)
{
    for (int i = 0; i < b->nparents; i++)
        if (!strcmp(b->parents[i].table, table) && !strcmp(b->parents[i].column, column))
            return &b->parents[i];
    if (b->nparents == MAX_REFS) {
        emb_err_set(err, EMB_INTERNAL, _("%s refers to too many tables"), b->kind->table);
        return NULL;
    }
    id_set *p = &b->parents[b->nparents];
    *p = (id_set){.table = strdup(table), .column = strdup(column)};
    if (!p->table || !p->column) {
        free(p->table);
        free(p->column);
        emb_err_set(err, EMB_NOMEM, _("out of memory"));
        return NULL;
    }
    b->nparents++;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE \"%s\" = ?", table, column);
    if (sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &p->probe, NULL) != SQLITE_OK) {
        store_sql_error(b->st, table, err);
        return NULL;
    }
    return p;
}

/* The references of the kind's table (its foreign keys onto fields of the kind),
 * and for deals the product their virtual field names. */
static emb_code load_refs(record_batch *b, emb_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(b->db, "SELECT \"from\", \"table\", coalesce(\"to\", 'rowid') FROM "
                                  "pragma_foreign_key_list(?1)",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(b->st, b->kind->table, err);
    sqlite3_bind_text(s, 1, b->kind->table, -1, SQLITE_STATIC);
    emb_code rc = EMB_OK;
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(s, 0);
        for (size_t f = 0; f < b->kind->nfields; f++) {
            const char *col = b->kind->fields[f].column;
            if (!col || strcmp(col, from))
                continue;
            id_set *p = parent_of(b, (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2), err);
            if (!p || b->nrefs == MAX_REFS) {
                rc = p ? emb_err_set(err, EMB_INTERNAL, _("%s has too many references"), b->kind->table) : err->code;
                break;
            }
            b->refs[b->nrefs++] = (fk_ref){(int)f, p};
        }
    }
    sqlite3_finalize(s);
    int product = kind_field_index(b->kind, "product");
    if (!rc && b->is_deal && product >= 0) {
        id_set *p = parent_of(b, "products", "id", err);
        if (!p)
            return err->code;
        b->refs[b->nrefs++] = (fk_ref){product, p};
    }
    return rc;
}

/* Checks r's references against their parent tables, as SQLite's foreign-key
 * checks would (the batch's rows are written with them off: bulk.h). */
static emb_code check_refs(record_batch *b, const record *r, emb_err *err)
{
    for (int i = 0; i < b->nrefs; i++) {
        const field_value *v = &r->v[b->refs[i].field];
        if (v->state != FV_SET)
            continue;
        int ok = parent_exists(b, b->refs[i].parent, v->i, err);
        if (ok < 0)
            return err->code;
        if (!ok)
            return emb_err_set(err, EMB_INVALID,
                               _("field '%s' of the %s refers to row %lld of %s, which does not exist"),
                               b->kind->fields[b->refs[i].field].name, store__kind_noun(b->kind), (long long)v->i,
                               b->refs[i].parent->table);
    }
    return EMB_OK;
}

emb_code record_batch_open(store *st, const kind_def *kind, const change_ctx *ctx, record_batch_reject on_reject,
                           void *ud, record_batch **out, emb_err *err)
{
    *out = NULL;
    if (!ctx->bulk)
        return emb_err_set(err, EMB_INTERNAL, _("a record batch needs a bulk change context"));
    record_batch *b = calloc(1, sizeof *b);
    if (!b)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    *b = (record_batch){.st = st, .db = store_sqlite(st), .kind = kind, .ctx = ctx, .on_reject = on_reject,
                        .ud = ud, .is_deal = !strcmp(kind->name, "deals")};
    arena_init(&b->mem, 64 * 1024);
    size_t len = 8;
    b->stored = malloc(kind->nfields * sizeof *b->stored);
    for (size_t i = 0; i < kind->nfields; i++)
        if (kind->fields[i].column) {
            if (b->stored)
                b->stored[b->nstored++] = (int)i;
            len += strlen(kind->fields[i].column) + 2;
        }
    b->columns = malloc(len);
    if (!b->stored || !b->columns) {
        record_batch_free(b);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    size_t n = (size_t)snprintf(b->columns, len, "id");
    for (int i = 0; i < b->nstored; i++)
        n += (size_t)snprintf(b->columns + n, len - n, ", %s", kind->fields[b->stored[i]].column);

    emb_code rc = store__max_rowid(st, kind->table, &b->next_id, err);
    b->next_id++;
    if (!rc)
        rc = load_refs(b, err);
    if (!rc && b->is_deal && ctx->author_id) { /* the author of every history row */
        id_set *users = parent_of(b, "users", "id", err);
        int ok = users ? parent_exists(b, users, ctx->author_id, err) : -1;
        if (!ok)
            rc = emb_err_set(err, EMB_INVALID, _("user #%lld does not exist"), (long long)ctx->author_id);
        else if (ok < 0)
            rc = err->code;
    }
    if (rc) {
        record_batch_free(b);
        return rc;
    }
    *out = b;
    return EMB_OK;
}

void record_batch_free(record_batch *b)
{
    if (!b)
        return;
    for (int i = 0; i <= BATCH_ROWS; i++) {
        sqlite3_finalize(b->rows_stmt[i]);
        sqlite3_finalize(b->hist_stmt[i]);
    }
    for (int i = 0; i < b->nparents; i++) {
        sqlite3_finalize(b->parents[i].probe);
        free(b->parents[i].table);
        free(b->parents[i].column);
        free(b->parents[i].slots);
    }
    arena_release(&b->mem);
    free(b->stored);
    free(b->columns);
    free(b);
}

size_t record_batch_pending(const record_batch *b) { return b->n; }

void record_batch_verified(const record_batch *b, store_fk_mark *m)
{
    store_bulk_fk_verified(m, b->kind->table);
    if (b->is_deal) {
        store_bulk_fk_verified(m, "deal_history");
        store_bulk_fk_verified(m, "deal_products");
    }
}

/* A copy of r whose text lives in a; NULL when out of memory. */
static record *copy_record(arena *a, const record *r)
{
    record *c = record_new(a, r->kind);
    if (!c)
        return NULL;
    c->id = r->id;
    for (size_t i = 0; i < r->kind->nfields; i++) {
        c->v[i] = r->v[i];
        if (r->v[i].state == FV_SET && r->v[i].s && !(c->v[i].s = arena_strdup(a, r->v[i].s)))
            return NULL;
    }
    return c;
}

emb_code record_batch_add(record_batch *b, record *r, int64_t tag, emb_err *err)
{
    if (r->id)
        return emb_err_set(err, EMB_INTERNAL, _("a batched %s already has an id"), b->kind->singular);
    if (records__prepare_insert(b->st, r, b->ctx, err) || check_refs(b, r, err))
        return err->code;
    queued *q = &b->q[b->n];
    *q = (queued){.r = copy_record(&b->mem, r), .tag = tag};
    if (!q->r)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    q->r->id = b->next_id;
    if (b->is_deal && records__implied_history(b->st, q->r, b->ctx, &b->mem, q->h, &q->nh, err))
        return err->code;
    r->id = b->next_id++;
    if (++b->n == BATCH_ROWS)
        return record_batch_flush(b, err);
    return EMB_OK;
}

/* Steps s (its parameters bound). 0 when done, 1 when SQLite refused the rows (a
 * constraint; *why says which, as store_record_insert would), -1 with err set for
 * any other failure. */
static int run(record_batch *b, sqlite3_stmt *s, emb_err *why, emb_err *err)
{
    int rc = sqlite3_step(s);
    int refused = rc != SQLITE_DONE && (rc & 0xff) == SQLITE_CONSTRAINT;
    if (refused)
        records__constraint_error(b->st, b->kind, why);
    else if (rc != SQLITE_DONE)
        store_sql_error(b->st, b->kind->table, err);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : refused ? 1 : -1;
}

static void bind_row(const record_batch *b, sqlite3_stmt *s, int pos, const record *r)
{
    sqlite3_bind_int64(s, pos++, r->id);
    for (int i = 0; i < b->nstored; i++) {
        int f = b->stored[i];
        records__bind_value(s, pos++, &b->kind->fields[f], &r->v[f]);
    }
}

static void refuse(record_batch *b, queued *q, const emb_err *why)
{
    q->refused = 1;
    if (b->on_reject)
        b->on_reject(b->ud, q->tag, why);
}

/* Writes the queued records in one statement, else one by one. */
static emb_code write_records(record_batch *b, emb_err *err)
{
    int per_row = b->nstored + 1;
    sqlite3_stmt *s = rows_stmt(b, (int)b->n, err);
    if (!s)
        return err->code;
    for (size_t i = 0; i < b->n; i++)
        bind_row(b, s, 1 + (int)i * per_row, b->q[i].r);
    emb_err why;
    int rc = run(b, s, &why, err);
    if (rc <= 0)
        return rc ? err->code : EMB_OK;
    if (!(s = rows_stmt(b, 1, err)))
        return err->code;
    for (size_t i = 0; i < b->n; i++) {
        bind_row(b, s, 1, b->q[i].r);
        if ((rc = run(b, s, &why, err)) < 0)
            return err->code;
        if (rc)
            refuse(b, &b->q[i], &why);
    }
    return EMB_OK;
}

/* Writes the history rows of the written deals, BATCH_ROWS per statement; a
 * statement refused is written again one row at a time. */
static emb_code write_history(record_batch *b, emb_err *err)
{
    history_row rows[2 * BATCH_ROWS];
    int n = 0;
    for (size_t i = 0; i < b->n; i++)
        for (int k = 0; !b->q[i].refused && k < b->q[i].nh; k++)
            rows[n++] = (history_row){&b->q[i], &b->q[i].h[k]};
    for (int from = 0; from < n; from += BATCH_ROWS) {
        int count = n - from < BATCH_ROWS ? n - from : BATCH_ROWS;
        sqlite3_stmt *s = hist_stmt(b, count, err);
        if (!s)
            return err->code;
        for (int i = 0; i < count; i++) {
            const records_history *h = rows[from + i].h;
            records__bind_history(s, 1 + i * HISTORY_COLUMNS, rows[from + i].q->r->id, h->at, h->changed, h->state,
                                  b->ctx);
        }
        emb_err why;
        int rc = run(b, s, &why, err);
        if (rc < 0)
            return err->code;
        if (!rc)
            continue;
        if (!(s = hist_stmt(b, 1, err)))
            return err->code;
        for (int i = 0; i < count; i++) {
            const records_history *h = rows[from + i].h;
            records__bind_history(s, 1, rows[from + i].q->r->id, h->at, h->changed, h->state, b->ctx);
            if ((rc = run(b, s, &why, err)) < 0)
                return err->code;
            if (rc)
                refuse(b, rows[from + i].q, &why);
        }
    }
    return EMB_OK;
}

emb_code record_batch_flush(record_batch *b, emb_err *err)
{
    if (!b->n)
        return EMB_OK;
    emb_code rc = write_records(b, err);
    if (!rc && b->is_deal)
        rc = write_history(b, err);
    for (size_t i = 0; !rc && b->is_deal && i < b->n; i++) {
        if (b->q[i].refused)
            continue;
        emb_err why;
        emb_code prc = records__add_deal_product(b->st, b->q[i].r, &why);
        if (prc == EMB_CONFLICT || prc == EMB_INVALID)
            refuse(b, &b->q[i], &why);
        else if (prc)
            rc = emb_err_set(err, prc, "%s", why.msg);
    }
    b->n = 0;
    arena_reset(&b->mem);
    return rc;
}
