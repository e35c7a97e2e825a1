/*
 * query.h - reading records for lists and exports: filtered, sorted and limited
 * cursors, bulk scans of record keys and labels, and a deal's history and products.
 *
 * Complements records.h (one record at a time) with what front-ends need to print
 * many records fast. All SQL stays here, built from the kind tables.
 *
 * Ownership: a query cursor is freed by store_query_close(); records and strings it
 * returns live in the arena given to each call. Conditions and their values are
 * read during store_query_open() only.
 */
#ifndef EMB_QUERY_H
#define EMB_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "store/records.h"
#include "store/store.h"

typedef enum { QOP_EQ, QOP_NE, QOP_LT, QOP_LE, QOP_GT, QOP_GE } query_op;

/* What a condition tests: a field against a value, a field against another field
 * of the same record, or a computed property. */
typedef enum {
    QCOND_VALUE = 0,
    QCOND_FIELD, /* field op other_field; an instant against a date compares the
                    instant's local day (the organisation's zone) with the date */
    QCOND_STALE, /* deals only: stale at instant value.i (as the stale_deals metric:
                    open, and no activity completed in the 14 days up to it or none
                    scheduled from it on); op QOP_EQ or QOP_NE against value.s "1" */
} query_cond_kind;

typedef struct {
    int field;         /* index of a stored field of the kind */
    query_op op;
    field_value value; /* storage form; FV_NULL with QOP_EQ / QOP_NE tests for NULL */
    query_cond_kind kind;
    int other_field;   /* QCOND_FIELD: index of the stored field compared with */
} query_cond;

typedef struct {
    const query_cond *conds; /* all must hold */
    size_t nconds;
    int sort_field;          /* index of a stored field, or -1 for the internal id */
    int descending;
    int64_t limit;           /* 0: no limit */
    const char *search;      /* NULL, or only records whose label or a FF_MATCH field contains
                                it (LIKE: ASCII case-insensitive; %, _ and \ are literal);
                                EMB_INVALID for a kind with neither */
    int after;               /* keyset paging: only the records after (after_value, after_id)
                                in q's order, as the last record of a page gives them */
    field_value after_value; /* the sort field's value (storage form), FV_NULL for NULL;
                                unused when sorting by id */
    int64_t after_id;
    const char *filter_sql;  /* NULL, or one more SQL condition over the kind's table (its
                                columns unqualified), trusted: built by the library from
                                integers only (access_sql_filter), never from input */
} store_query;

typedef struct store_query_cursor store_query_cursor;

/* Number of records of kind matching q's conditions (its order and limit ignored). */
emb_code store_query_count(store *st, const kind_def *kind, const store_query *q, int64_t *count, emb_err *err);

/* Opens a cursor over the records of kind matching q, in q's order (ties by id).
 * EMB_INVALID when a field index is not a stored field. */
emb_code store_query_open(store *st, const kind_def *kind, const store_query *q, store_query_cursor **out,
                          emb_err *err);
/* 1 with the next record (in arena a), 0 at the end, -1 on error. */
int store_query_next(store_query_cursor *c, arena *a, record **out, emb_err *err);
void store_query_close(store_query_cursor *c);

/* Calls fn(ud, id, text) for each record of kind (or only record `id` when id > 0)
 * with text = its key as store_record_key() gives it (labels == 0), or its label
 * field (labels == 1) when that is not NULL, else its key. text is only valid
 * during the call. Stops and returns fn's non-zero code (with err set by fn). */
typedef emb_code (*store_name_fn)(void *ud, int64_t id, const char *text, emb_err *err);
emb_code store_scan_names(store *st, const kind_def *kind, int labels, int64_t id, store_name_fn fn, void *ud,
                          emb_err *err);

/* One row of a deal's history (deal_history table): the tracked fields right after
 * a change. Text fields are NULL when the column is NULL; *_set say whether the
 * integer ones are. */
typedef struct {
    int64_t at;
    int64_t author_id; /* 0 when unknown */
    const char *changed; /* comma list: created,stage,status,amount,owner,expected_close */
    int64_t stage_id;
    const char *status;
    int64_t amount;
    int amount_set;
    const char *currency;
    int64_t owner_id; /* 0 when none */
    const char *expected_close;
} deal_history_row;

/* The history of a deal, oldest first (by time, then order of writing). */
emb_code store_deal_history(store *st, int64_t deal_id, arena *a, deal_history_row **rows, size_t *n,
                            emb_err *err);

typedef struct {
    int64_t product_id;
    int64_t quantity;
    int64_t unit_price; /* minor units of the deal's currency */
    int unit_price_set;
    int64_t discount_bp;
} deal_product_row;

/* The products of a deal, in the order they were added. */
emb_code store_deal_products(store *st, int64_t deal_id, arena *a, deal_product_row **rows, size_t *n,
                             emb_err *err);

/* Counts the records of every kind whose references point at record id of kind
 * into *total, and writes a summary such as "3 deals (field account), 1 contact
 * (field account)" into buf (size bytes, cut when longer). */
emb_code store_reference_count(store *st, const kind_def *kind, int64_t id, char *buf, size_t size, int64_t *total,
                               emb_err *err);

/* Number of deals that list product_id among their products. */
emb_code store_product_deal_count(store *st, int64_t product_id, int64_t *count, emb_err *err);

#endif
