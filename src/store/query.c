/*
 * query.c - filtered cursors, name scans and deal details; see query.h.
 * SQL is built from the kind tables; values are always bound, never spliced in, and
 * only column names from the static kind tables are written into the SQL text.
 */
#include "store/query.h"
#include "store/store_internal.h"

#include <sqlite3.h>

#include "core/i18n.h"
#include "core/period.h"
#include "core/tz.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_MAX 8192

struct store_query_cursor {
    store *st;
    const kind_def *kind;
    sqlite3_stmt *s;
};

static int stored(const field_def *f) { return f->column != NULL; }

static void bind_value(sqlite3_stmt *s, int pos, const field_def *f, const field_value *v)
{
    if (v->state != FV_SET)
        sqlite3_bind_null(s, pos);
    else if (field_is_text(f))
        sqlite3_bind_text(s, pos, v->s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(s, pos, v->i);
}


/* Appends printf output to buf[*n..size); returns 1 when it does not fit. */
__attribute__((format(printf, 4, 5))) static int append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = *n < size ? vsnprintf(buf + *n, size - *n, fmt, ap) : -1;
    va_end(ap);
    if (k < 0 || (size_t)k >= size - *n) {
        *n = size;
        return 1;
    }
    *n += (size_t)k;
    return 0;
}

static const char *op_sql(query_op op)
{
    static const char *const ops[] = {
        [QOP_EQ] = "=", [QOP_NE] = "<>", [QOP_LT] = "<", [QOP_LE] = "<=", [QOP_GT] = ">", [QOP_GE] = ">=",
    };
    return (unsigned)op < sizeof ops / sizeof ops[0] ? ops[op] : "=";
}

static int valid_field(const kind_def *kind, int i) { return i >= 0 && (size_t)i < kind->nfields && stored(&kind->fields[i]); }

/* emb_query_local_date(INSTANT): the day of an instant in the zone given as the
 * function's user data, as YYYY-MM-DD text; NULL for NULL. */
static void sql_local_date(sqlite3_context *c, int argc, sqlite3_value **v)
{
    (void)argc;
    if (sqlite3_value_type(v[0]) == SQLITE_NULL) {
        sqlite3_result_null(c);
        return;
    }
    char day[11];
    date_format_iso(tz_local_day(sqlite3_user_data(c), sqlite3_value_int64(v[0])), day);
    sqlite3_result_text(c, day, -1, SQLITE_TRANSIENT);
}

static void close_zone(void *zone) { tz_close(zone); }

/* Registers emb_query_local_date for the organisation's zone when a condition of q
 * compares an instant with a date. */
static emb_code prepare_functions(store *st, const kind_def *kind, const store_query *q, emb_err *err)
{
    int needed = 0;
    for (size_t c = 0; c < q->nconds; c++)
        needed |= q->conds[c].kind == QCOND_FIELD;
    if (!needed)
        return EMB_OK;
    tz *zone;
    emb_code rc = tz_open(store_org(st)->timezone, &zone, err);
    if (rc)
        return rc;
    if (sqlite3_create_function_v2(store_sqlite(st), "emb_query_local_date", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                   zone, sql_local_date, NULL, NULL, close_zone) != SQLITE_OK)
        return store_sql_error(st, store__kind_nouns(kind), err);
    return EMB_OK;
}

/* A column as compared with a field of type `with`: an instant against a date is
 * its local day. */
static const char *compared(const field_def *f, const field_def *with, char *buf, size_t size)
{
    if (f->type == FT_INSTANT && with->type == FT_DATE) {
        snprintf(buf, size, "emb_query_local_date(%s)", f->column);
        return buf;
    }
    return f->column;
}

#define STALE_SQL                                                                                              \
    "(status = 'open' AND NOT (EXISTS (SELECT 1 FROM activities sa WHERE sa.deal_id = %s.id AND sa.done IS NOT " \
    "NULL AND sa.done <= ? AND sa.done > ? - 14 * 86400) AND EXISTS (SELECT 1 FROM activities sa WHERE "        \
    "sa.deal_id = %s.id AND sa.due IS NOT NULL AND sa.due >= ? AND (sa.done IS NULL OR sa.done > ?))))"

/* Whether q's search looks in field f: the label and the match fields, stored. */
static int searched(const kind_def *kind, const field_def *f)
{
    return stored(f) && !(f->flags & FF_SECRET) &&
           ((f->flags & FF_MATCH) || (kind->label && !strcmp(kind->label, f->name)));
}

/* Binds "%TEXT%" with LIKE's wildcards and escape character escaped by '\'. */
static void bind_like(sqlite3_stmt *s, int pos, const char *text)
{
    size_t len = strlen(text);
    char *p = malloc(2 * len + 3);
    if (!p) {
        sqlite3_bind_null(s, pos); /* matches nothing */
        return;
    }
    size_t n = 0;
    p[n++] = '%';
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
            p[n++] = '\\';
        p[n++] = text[i];
    }
    p[n++] = '%';
    sqlite3_bind_text(s, pos, p, (int)n, free);
}

/* Appends " WHERE ..." for q's conditions, search and keyset; returns non-zero (err
 * set) on failure. */
static int where_clause(const kind_def *kind, const store_query *q, char *sql, size_t size, size_t *n,
                        emb_err *err)
{
    int bad = 0;
    for (size_t c = 0; c < q->nconds; c++) {
        const query_cond *qc = &q->conds[c];
        if (qc->kind == QCOND_STALE) {
            if (strcmp(kind->table, "deals"))
                return emb_err_set(err, EMB_INVALID, _("only deals can be stale"));
            bad |= append(sql, size, n, "%s%s" STALE_SQL, c ? " AND " : " WHERE ", qc->op == QOP_NE ? "NOT " : "",
                          kind->table, kind->table);
            continue;
        }
        if (!valid_field(kind, qc->field))
            return emb_err_set(err, EMB_INVALID, _("cannot filter %s on field #%d"), store__kind_nouns(kind),
                               qc->field);
        const field_def *f = &kind->fields[qc->field];
        if (qc->kind == QCOND_FIELD) {
            if (!valid_field(kind, qc->other_field))
                return emb_err_set(err, EMB_INVALID, _("cannot compare %s with field #%d"),
                                   store__kind_nouns(kind), qc->other_field);
            const field_def *g = &kind->fields[qc->other_field];
            char b1[128], b2[128];
            bad |= append(sql, size, n, "%s%s %s %s", c ? " AND " : " WHERE ", compared(f, g, b1, sizeof b1),
                          op_sql(qc->op), compared(g, f, b2, sizeof b2));
            continue;
        }
        bad |= append(sql, size, n, "%s%s", c ? " AND " : " WHERE ", f->column);
        if (qc->value.state != FV_SET)
            bad |= append(sql, size, n, "%s", qc->op == QOP_NE ? " IS NOT NULL" : " IS NULL");
        else if (f->type == FT_TEXT && (qc->op == QOP_EQ || qc->op == QOP_NE))
            bad |= append(sql, size, n, " %s ? COLLATE NOCASE", op_sql(qc->op));
        else
            bad |= append(sql, size, n, " %s ?", op_sql(qc->op));
    }
    const char *glue = q->nconds ? " AND " : " WHERE ";
    if (q->filter_sql) {
        bad |= append(sql, size, n, "%s(%s)", glue, q->filter_sql);
        glue = " AND ";
    }
    if (q->search) {
        int fields = 0;
        for (size_t i = 0; i < kind->nfields; i++) {
            if (!searched(kind, &kind->fields[i]))
                continue;
            bad |= append(sql, size, n, "%s%s%s LIKE ? ESCAPE '\\'", fields ? " OR " : glue, fields ? "" : "(",
                          kind->fields[i].column);
            fields++;
        }
        if (!fields)
            return emb_err_set(err, EMB_INVALID, _("%s cannot be searched; filter with where"), kind->name);
        bad |= append(sql, size, n, ")");
        glue = " AND ";
    }
    if (q->after) {
        if (q->sort_field >= 0 && !valid_field(kind, q->sort_field))
            return emb_err_set(err, EMB_INVALID, _("cannot sort %s on field #%d"), store__kind_nouns(kind),
                               q->sort_field);
        const char *col = q->sort_field >= 0 ? kind->fields[q->sort_field].column : NULL;
        /* ORDER BY col ASC|DESC, id (NULLs first ascending, last descending), or BY id */
        if (!col)
            bad |= append(sql, size, n, "%sid %s ?", glue, q->descending ? "<" : ">");
        else if (q->after_value.state != FV_SET && q->descending)
            bad |= append(sql, size, n, "%s(%s IS NULL AND id > ?)", glue, col);
        else if (q->after_value.state != FV_SET)
            bad |= append(sql, size, n, "%s(%s IS NOT NULL OR id > ?)", glue, col);
        else if (q->descending)
            bad |= append(sql, size, n, "%s(%s < ? OR %s IS NULL OR (%s = ? AND id > ?))", glue, col, col, col);
        else
            bad |= append(sql, size, n, "%s(%s > ? OR (%s = ? AND id > ?))", glue, col, col);
    }
    if (bad)
        return emb_err_set(err, EMB_INVALID, _("query on %s is too long"), store__kind_nouns(kind));
    return 0;
}

/* Binds q's condition values from position 1; returns the next position. */
static int bind_conds(sqlite3_stmt *s, const kind_def *kind, const store_query *q)
{
    int pos = 1;
    for (size_t c = 0; c < q->nconds; c++) {
        const query_cond *qc = &q->conds[c];
        if (qc->kind == QCOND_STALE)
            for (int k = 0; k < 4; k++)
                sqlite3_bind_int64(s, pos++, qc->value.i);
        else if (qc->kind == QCOND_VALUE && qc->value.state == FV_SET)
            bind_value(s, pos++, &kind->fields[qc->field], &qc->value);
    }
    if (q->search)
        for (size_t i = 0; i < kind->nfields; i++)
            if (searched(kind, &kind->fields[i]))
                bind_like(s, pos++, q->search);
    if (q->after) {
        if (q->sort_field >= 0 && q->after_value.state == FV_SET) {
            bind_value(s, pos++, &kind->fields[q->sort_field], &q->after_value);
            bind_value(s, pos++, &kind->fields[q->sort_field], &q->after_value);
        }
        sqlite3_bind_int64(s, pos++, q->after_id);
    }
    return pos;
}

emb_code store_query_open(store *st, const kind_def *kind, const store_query *q, store_query_cursor **out,
                          emb_err *err)
{
    char sql[SQL_MAX];
    size_t n = 0;
    int bad = append(sql, sizeof sql, &n, "SELECT id");
    for (size_t i = 0; i < kind->nfields; i++)
        if (stored(&kind->fields[i]))
            bad |= append(sql, sizeof sql, &n, ", %s", kind->fields[i].column);
    bad |= append(sql, sizeof sql, &n, " FROM %s", kind->table);
    if (!bad && where_clause(kind, q, sql, sizeof sql, &n, err))
        return err->code;
    if (prepare_functions(st, kind, q, err))
        return err->code;
    if (q->sort_field >= 0) {
        if (!valid_field(kind, q->sort_field))
            return emb_err_set(err, EMB_INVALID, _("cannot sort %s on field #%d"), store__kind_nouns(kind),
                               q->sort_field);
        bad |= append(sql, sizeof sql, &n, " ORDER BY %s %s, id", kind->fields[q->sort_field].column,
                      q->descending ? "DESC" : "ASC");
    } else {
        bad |= append(sql, sizeof sql, &n, " ORDER BY id %s", q->descending ? "DESC" : "ASC");
    }
    if (q->limit > 0)
        bad |= append(sql, sizeof sql, &n, " LIMIT ?");
    if (bad)
        return emb_err_set(err, EMB_INVALID, _("query on %s is too long"), store__kind_nouns(kind));

    store_query_cursor *cur = calloc(1, sizeof *cur);
    if (!cur)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    cur->st = st;
    cur->kind = kind;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &cur->s, NULL) != SQLITE_OK) {
        free(cur);
        return store_sql_error(st, _("list"), err);
    }
    int pos = bind_conds(cur->s, kind, q);
    if (q->limit > 0)
        sqlite3_bind_int64(cur->s, pos, q->limit);
    *out = cur;
    return EMB_OK;
}

emb_code store_query_count(store *st, const kind_def *kind, const store_query *q, int64_t *count, emb_err *err)
{
    char sql[SQL_MAX];
    size_t n = 0;
    *count = 0;
    if (append(sql, sizeof sql, &n, "SELECT count(*) FROM %s", kind->table))
        return emb_err_set(err, EMB_INVALID, _("query on %s is too long"), store__kind_nouns(kind));
    if (where_clause(kind, q, sql, sizeof sql, &n, err) || prepare_functions(st, kind, q, err))
        return err->code;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("count"), err);
    bind_conds(s, kind, q);
    emb_code rc = EMB_OK;
    if (sqlite3_step(s) == SQLITE_ROW)
        *count = sqlite3_column_int64(s, 0);
    else
        rc = store_sql_error(st, _("count"), err);
    sqlite3_finalize(s);
    return rc;
}

int store_query_next(store_query_cursor *c, arena *a, record **out, emb_err *err)
{
    return store__step_record(c->st, c->s, c->kind, a, out, err);
}

void store_query_close(store_query_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->s);
    free(c);
}

emb_code store_scan_names(store *st, const kind_def *kind, int labels, int64_t id, store_name_fn fn, void *ud,
                          emb_err *err)
{
    /* Column 1: the ext id (or, for kinds without one, the label); column 2: the label. */
    const field_def *ext = kind_field(kind, "id");
    const field_def *label = kind->label ? kind_field(kind, kind->label) : NULL;
    if (label && !stored(label))
        label = NULL;
    const char *key_col = ext ? ext->column : label ? label->column : "NULL";
    const char *label_col = labels && label ? label->column : "NULL";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT id, %s, %s FROM %s%s", key_col, label_col, kind->table,
             id > 0 ? " WHERE id = ?" : "");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, store__kind_nouns(kind), err);
    if (id > 0)
        sqlite3_bind_int64(s, 1, id);
    emb_code code = EMB_OK;
    int rc;
    char hash[32];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t rid = sqlite3_column_int64(s, 0);
        const char *text = (const char *)sqlite3_column_text(s, 2);
        if (!text || !*text)
            text = (const char *)sqlite3_column_text(s, 1);
        if (!text || !*text) {
            snprintf(hash, sizeof hash, "#%lld", (long long)rid);
            text = hash;
        }
        if ((code = fn(ud, rid, text, err)) != EMB_OK)
            break;
    }
    if (!code && rc != SQLITE_DONE)
        code = store_sql_error(st, store__kind_nouns(kind), err);
    sqlite3_finalize(s);
    return code;
}

static const char *col_text(sqlite3_stmt *s, int i, arena *a)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? arena_strdup(a, (const char *)t) : NULL;
}

/* Reads one row of a deal's rows into out. */
typedef void (*deal_row_fn)(sqlite3_stmt *s, arena *a, void *out);

/* Runs sql (the deal id bound to ?, the row count in its last column, ncols) and
 * fills an arena array of elem_size-byte rows with read_row; *rows NULL when none. */
static emb_code read_deal_rows(store *st, const char *sql, const char *what, int ncols, int64_t deal_id,
                               size_t elem_size, deal_row_fn read_row, arena *a, void **rows, size_t *n,
                               emb_err *err)
{
    sqlite3_stmt *s;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, what, err);
    sqlite3_bind_int64(s, 1, deal_id);
    emb_code code = EMB_OK;
    int rc;
    size_t i = 0;
    char *out = NULL;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (!out && !(out = arena_calloc(a, (size_t)sqlite3_column_int64(s, ncols - 1), elem_size))) {
            code = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        read_row(s, a, out + i++ * elem_size);
    }
    if (!code && rc != SQLITE_DONE)
        code = store_sql_error(st, what, err);
    sqlite3_finalize(s);
    *rows = out;
    *n = code ? 0 : i;
    return code;
}

static void read_history_row(sqlite3_stmt *s, arena *a, void *out)
{
    deal_history_row *h = out;
    h->at = sqlite3_column_int64(s, 0);
    h->author_id = sqlite3_column_int64(s, 1);
    h->changed = col_text(s, 2, a);
    h->stage_id = sqlite3_column_int64(s, 3);
    h->status = col_text(s, 4, a);
    h->amount_set = sqlite3_column_type(s, 5) != SQLITE_NULL;
    h->amount = sqlite3_column_int64(s, 5);
    h->currency = col_text(s, 6, a);
    h->owner_id = sqlite3_column_int64(s, 7);
    h->expected_close = col_text(s, 8, a);
}

emb_code store_deal_history(store *st, int64_t deal_id, arena *a, deal_history_row **rows, size_t *n,
                            emb_err *err)
{
    void *out;
    emb_code code = read_deal_rows(st,
                                   "SELECT at, author_id, changed, stage_id, status, amount, currency, owner_id, "
                                   "expected_close, count(*) OVER () FROM deal_history WHERE deal_id = ? "
                                   "ORDER BY at, id",
                                   _("deal history"), 10, deal_id, sizeof **rows, read_history_row, a, &out, n, err);
    *rows = out;
    return code;
}

static void read_product_row(sqlite3_stmt *s, arena *a, void *out)
{
    (void)a;
    deal_product_row *p = out;
    p->product_id = sqlite3_column_int64(s, 0);
    p->quantity = sqlite3_column_int64(s, 1);
    p->unit_price_set = sqlite3_column_type(s, 2) != SQLITE_NULL;
    p->unit_price = sqlite3_column_int64(s, 2);
    p->discount_bp = sqlite3_column_int64(s, 3);
}

emb_code store_deal_products(store *st, int64_t deal_id, arena *a, deal_product_row **rows, size_t *n,
                             emb_err *err)
{
    void *out;
    emb_code code = read_deal_rows(st,
                                   "SELECT product_id, quantity, unit_price, discount_bp, count(*) OVER () "
                                   "FROM deal_products WHERE deal_id = ? ORDER BY id",
                                   _("deal products"), 5, deal_id, sizeof **rows, read_product_row, a, &out, n, err);
    *rows = out;
    return code;
}

emb_code store_product_deal_count(store *st, int64_t product_id, int64_t *count, emb_err *err)
{
    sqlite3_stmt *s;
    *count = 0;
    if (sqlite3_prepare_v2(store_sqlite(st), "SELECT count(*) FROM deal_products WHERE product_id = ?", -1, &s,
                           NULL) != SQLITE_OK)
        return store_sql_error(st, _("deal products"), err);
    sqlite3_bind_int64(s, 1, product_id);
    emb_code rc = EMB_OK;
    if (sqlite3_step(s) == SQLITE_ROW)
        *count = sqlite3_column_int64(s, 0);
    else
        rc = store_sql_error(st, _("deal products"), err);
    sqlite3_finalize(s);
    return rc;
}

emb_code store_reference_count(store *st, const kind_def *kind, int64_t id, char *buf, size_t size, int64_t *total,
                               emb_err *err)
{
    size_t n = 0;
    *total = 0;
    buf[0] = '\0';
    for (const kind_def *const *k = kind_all(); *k; k++) {
        for (size_t i = 0; i < (*k)->nfields; i++) {
            const field_def *f = &(*k)->fields[i];
            if (f->type != FT_REF || !f->column || strcmp(f->ref, kind->name))
                continue;
            query_cond c = {.field = (int)i, .op = QOP_EQ, .value = {FV_SET, id, NULL}};
            store_query q = {.conds = &c, .nconds = 1, .sort_field = -1};
            int64_t count;
            if (store_query_count(st, *k, &q, &count, err))
                return err->code;
            if (!count)
                continue;
            *total += count;
            int w = snprintf(buf + n, n < size ? size - n : 0, _("%s%lld %s (field %s)"), n ? ", " : "",
                             (long long)count, count == 1 ? (*k)->singular : (*k)->name, f->name);
            n += w > 0 ? (size_t)w : 0;
        }
    }
    return EMB_OK;
}
