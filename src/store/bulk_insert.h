/*
 * bulk_insert.h - fast loading of many rows into the SQLite store (the demo generator;
 * usable by any loader that writes rows it has already validated).
 *
 * A bulk inserter batches rows into multi-row `INSERT INTO t (...) VALUES (...),
 * (...)` statements: values are appended one by one (bulk_int, bulk_text, ...),
 * bulk_end_row() closes a row and runs the statement when the batch is full, and
 * bulk_flush() writes what is left. Text values are copied into the inserter's own
 * buffer, so callers may pass temporary strings.
 *
 * The load mode (bulk_load_begin / bulk_load_end) is for building a NEW database
 * file that nobody else has open: no journal, no sync, no foreign-key or CHECK
 * constraint checks while loading (the loader's rows must satisfy them), then the
 * file back in WAL mode with synchronous=NORMAL and every check on. If the load
 * fails, the file must be thrown away (it may be inconsistent).
 *
 * Ownership: bulk_open() allocates an inserter that the caller frees with
 * bulk_free(); it holds its own prepared statements, so it must be freed before
 * the store is closed. It writes inside the caller's transaction.
 */
#ifndef EMB_BULK_INSERT_H
#define EMB_BULK_INSERT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

typedef struct bulk bulk;

/* An inserter for table (columns...), ncols columns named in columns[]. Rows are
 * sent in batches of up to rows_per_stmt (0: a good default). */
emb_code bulk_open(store *st, const char *table, const char *const *columns, int ncols, int rows_per_stmt,
                   bulk **out, emb_err *err);
/* Frees the inserter without writing pending rows (call bulk_flush first). NULL is fine. */
void bulk_free(bulk *b);

/* Appends the next value of the current row. */
void bulk_int(bulk *b, int64_t v);
void bulk_null(bulk *b);
void bulk_text(bulk *b, const char *s); /* NULL s gives NULL */
void bulk_textn(bulk *b, const char *s, size_t n);
/* An integer, or NULL when has is 0. */
void bulk_int_or_null(bulk *b, int has, int64_t v);

/* Ends the current row (it must have exactly ncols values: EMB_INTERNAL otherwise);
 * writes the batch when it is full. */
emb_code bulk_end_row(bulk *b, emb_err *err);
/* Writes the pending rows. */
emb_code bulk_flush(bulk *b, emb_err *err);
/* Rows written or pending since bulk_open. */
int64_t bulk_count(const bulk *b);

/* Load mode for a new, private file, outside any transaction: journal and sync off,
 * foreign keys and CHECK constraints not enforced, a large page cache. */
emb_code bulk_load_begin(store *st, emb_err *err);
/* Back to normal: WAL, synchronous=NORMAL, foreign keys and CHECKs enforced, the
 * usual cache. */
emb_code bulk_load_end(store *st, emb_err *err);

#endif
