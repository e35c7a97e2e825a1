/*
 * record_batch.h - inserting many new records of one kind with multi-row INSERT
 * statements (the importer), under the rules of store_record_insert().
 *
 * record_batch_add() applies the insert rules at once (so a rule error belongs to
 * the row being added), gives the record the next id and queues a copy of it; the
 * queued rows, with a deal's history and product, are written when the batch is
 * full and by record_batch_flush(). Writing many rows per statement saves SQLite's
 * per-statement work, which dominates a row-by-row load.
 *
 * Ids are assigned from one above the table's largest id when the batch opens, as
 * SQLite itself would. So while a batch is open nothing else may insert into the
 * kind's table, and whatever reads or changes that table or deal_history must
 * flush the batch first: the caller's duty (the caller's write transaction keeps
 * other connections out).
 *
 * The batch checks the references of its rows itself, as SQLite's foreign keys
 * would (each distinct id is looked up once in its parent table), so that a load
 * may write them with SQLite's checks off (bulk.h): a record naming a missing row
 * is refused by record_batch_add() with EMB_INVALID. The history and products it
 * writes for deals refer to the deal it wrote, to the context's author (checked
 * when the batch opens) and to the product it checked.
 *
 * When a multi-row statement is refused (a constraint: SQLite undoes the whole
 * statement), its rows are written again one at a time: each refused row is
 * reported to the reject callback with the caller's tag for it and the error, and
 * the other rows are written.
 *
 * Ownership: record_batch_open() allocates the batch and record_batch_free() frees
 * it without writing what is pending; it holds prepared statements, so it must be
 * freed before the store is closed. ctx must outlive the batch. Records given to
 * record_batch_add() are copied; the caller keeps its own.
 */
#ifndef EMB_RECORD_BATCH_H
#define EMB_RECORD_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/bulk.h"
#include "store/records.h"
#include "store/store.h"

typedef struct record_batch record_batch;

/* Called once per refused row; why holds the same error store_record_insert()
 * would have given for it. */
typedef void (*record_batch_reject)(void *ud, int64_t tag, const emb_err *why);

/* A batch for new records of kind, written with ctx (which needs ctx->bulk: no
 * audit row per record). */
emb_code record_batch_open(store *st, const kind_def *kind, const change_ctx *ctx, record_batch_reject on_reject,
                           void *ud, record_batch **out, emb_err *err);

/* Applies the insert rules to r (as store_record_insert does: r gets its defaults
 * and derived fields), sets r->id and queues r; writes the batch when it is full.
 * EMB_INVALID names the broken rule, and nothing is queued. */
emb_code record_batch_add(record_batch *b, record *r, int64_t tag, emb_err *err);

/* Writes the queued rows. Refused rows go to the reject callback and are not an
 * error; other failures (I/O, memory) are. */
emb_code record_batch_flush(record_batch *b, emb_err *err);

/* Leaves the tables the batch writes (its kind's; for deals also deal_history and
 * deal_products) out of store_bulk_fk_check(m), for a load whose rows of those
 * tables all went through this batch. */
void record_batch_verified(const record_batch *b, store_fk_mark *m);

/* Number of rows queued and not yet written. */
size_t record_batch_pending(const record_batch *b);

void record_batch_free(record_batch *b);

#endif
