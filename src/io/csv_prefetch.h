/*
 * csv_prefetch.h - reads the records of a csv_reader on a second thread, some
 * thousands of rows ahead of the caller, so that parsing the file overlaps what
 * the caller does with the rows (an import's validation and writes).
 *
 * csv_prefetch_next() keeps the contract of csv_reader_next(): 1 and a row, 0 at
 * the end, -1 with the reader's error; the same result again after the end or an
 * error. The rows and their fields are copies made by the reading thread; a row
 * stays valid until the next call to csv_prefetch_next() or csv_prefetch_stop().
 *
 * Ownership: csv_prefetch_start() borrows the reader: nothing else may use it
 * until csv_prefetch_stop(), which ends the thread (also in the middle of the
 * file) and frees the prefetcher; the caller then still owns and closes the
 * reader. Memory: at most CSV_PREFETCH_CHUNKS chunks of rows, each closed after
 * 2,048 rows or once it holds 1 MiB of text (plus the reader's own bound).
 */
#ifndef EMB_CSV_PREFETCH_H
#define EMB_CSV_PREFETCH_H

#include <stdint.h>

#include "core/error.h"
#include "io/csv_reader.h"

enum { CSV_PREFETCH_CHUNKS = 4 };

typedef struct csv_prefetch csv_prefetch;

/* Starts reading r on a new thread; EMB_NOMEM or EMB_INTERNAL (no thread). */
emb_code csv_prefetch_start(csv_reader *r, csv_prefetch **out, emb_err *err);
int csv_prefetch_next(csv_prefetch *p, const csv_row **row, emb_err *err);
/* Bytes of input read up to the end of the rows handed out so far (about: the
 * offset where the reader stood when their chunk closed), for progress reports. */
int64_t csv_prefetch_offset(const csv_prefetch *p);
/* Stops the thread and frees p (NULL is fine). */
void csv_prefetch_stop(csv_prefetch *p);

#endif
