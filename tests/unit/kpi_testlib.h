/* kpi_testlib.h - helpers for KPI tests: building records and comparing results. */
#ifndef KPI_TESTLIB_H
#define KPI_TESTLIB_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/engine.h"
#include "store/records.h"

/* Inserts a record of kind with "field=value" text pairs already in storage form:
 * ints for integer types, text otherwise. Fails the test on error. */
static inline int64_t kt_insert(store *st, arena *a, const char *kind_name, const change_ctx *ctx, int n,
                                const char *const *fields, const int64_t *ints, const char *const *texts)
{
    const kind_def *k = kind_find(kind_name);
    record *r = record_new(a, k);
    for (int i = 0; i < n; i++) {
        int idx = kind_field_index(k, fields[i]);
        if (idx < 0) {
            fprintf(stderr, "no field %s in %s\n", fields[i], kind_name);
            return -1;
        }
        if (texts && texts[i])
            record_set_text(r, idx, texts[i]);
        else if (ints[i] == INT64_MIN)
            record_set_null(r, idx);
        else
            record_set_int(r, idx, ints[i]);
    }
    emb_err err;
    if (store_record_insert(st, r, ctx, &err) != EMB_OK) {
        fprintf(stderr, "insert %s: %s\n", kind_name, err.msg);
        return -1;
    }
    return r->id;
}

/* Compares two values; returns 1 when equal (reals to a relative 1e-9). */
static inline int kt_value_equal(const kpi_value *x, const kpi_value *y)
{
    if (x->kind != y->kind)
        return 0;
    switch (x->kind) {
    case KV_NULL:
        return 1;
    case KV_INT:
    case KV_MONEY:
        return x->i == y->i;
    case KV_REAL:
        return fabs(x->x - y->x) <= 1e-9 * fmax(1.0, fabs(x->x));
    case KV_PAIR:
        return fabs(x->mean - y->mean) <= 1e-9 * fmax(1.0, fabs(x->mean)) &&
               fabs(x->median - y->median) <= 1e-9 * fmax(1.0, fabs(x->median));
    case KV_PARTS:
        if (memcmp(x->part, y->part, sizeof x->part) || x->part_null != y->part_null)
            return 0;
        for (int k = 0; k < KPI_MAX_PARTS; k++)
            if (!(x->part_null >> k & 1) && fabs(x->xpart[k] - y->xpart[k]) > 1e-9 * fmax(1.0, fabs(x->xpart[k])))
                return 0;
        return 1;
    }
    return 0;
}

static inline void kt_print_value(const kpi_value *v, char *buf, size_t n)
{
    switch (v->kind) {
    case KV_NULL: snprintf(buf, n, "null"); break;
    case KV_INT: snprintf(buf, n, "%lld", (long long)v->i); break;
    case KV_MONEY: snprintf(buf, n, "%lld minor", (long long)v->i); break;
    case KV_REAL: snprintf(buf, n, "%.12g", v->x); break;
    case KV_PAIR: snprintf(buf, n, "median %.9g mean %.9g", v->median, v->mean); break;
    case KV_PARTS:
        snprintf(buf, n, "[%lld %lld %lld %lld %lld %lld %lld %lld | %.6g %.6g %.6g %.6g null %x]",
                 (long long)v->part[0], (long long)v->part[1], (long long)v->part[2], (long long)v->part[3],
                 (long long)v->part[4], (long long)v->part[5], (long long)v->part[6], (long long)v->part[7],
                 v->xpart[0], v->xpart[1], v->xpart[2], v->xpart[3], v->part_null);
        break;
    }
}

/* Finds the row with key in r, or NULL. */
static inline const kpi_row *kt_find_row(const kpi_result *r, const int32_t *key, int nby)
{
    for (int i = 0; i < r->nrows; i++)
        if (!memcmp(r->rows[i].key, key, (size_t)nby * sizeof *key))
            return &r->rows[i];
    return NULL;
}

/* Checks that a and b hold the same rows and values; a row missing on one side
 * must hold only the metrics' empty values on the other. Prints the first
 * difference to stderr and returns 0, or returns 1. */
static inline int kt_results_equal(const kpi_query *q, const kpi_result *a, const kpi_result *b, const char *what)
{
    const kpi_result *sides[2] = {a, b};
    for (int side = 0; side < 2; side++) {
        const kpi_result *x = sides[side], *y = sides[1 - side];
        for (int i = 0; i < x->nrows; i++) {
            const kpi_row *other = kt_find_row(y, x->rows[i].key, q->nby);
            for (int m = 0; m < q->nmetrics; m++) {
                kpi_value empty = {0};
                const kpi_value *v = &x->rows[i].values[m];
                const kpi_value *w = other ? &other->values[m] : NULL;
                if (!w) {
                    /* Absent on the other side: only an empty value is acceptable. */
                    static const int64_t zeros[KPI_MAX_PARTS];
                    if (v->kind == KV_NULL || ((v->kind == KV_INT || v->kind == KV_MONEY) && v->i == 0) ||
                        (v->kind == KV_PARTS && !memcmp(v->part, zeros, sizeof zeros) && !v->part_null &&
                         v->xpart[0] == 0 && v->xpart[1] == 0 && v->xpart[2] == 0))
                        continue;
                    w = &empty;
                }
                if (!kt_value_equal(v, w)) {
                    char s1[96], s2[96];
                    kt_print_value(v, s1, sizeof s1);
                    kt_print_value(w, s2, sizeof s2);
                    fprintf(stderr, "%s: metric %s, row key [%d %d]: %s %s vs %s %s\n", what,
                            kpi_metric_name(q->metrics[m]), x->rows[i].key[0], x->rows[i].key[1],
                            side ? "sql" : "engine", s1, side ? "engine" : "sql", other ? s2 : "(no row)");
                    return 0;
                }
            }
        }
    }
    return 1;
}

#endif
