/*
 * store_internal.h - helpers shared by the files of the SQLite backend
 * (src/store/ only).
 */
#ifndef EMB_STORE_INTERNAL_H
#define EMB_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/records.h"

/* Reads column col of the current row of s as the storage form of field f; text is
 * copied into a (NULL text in a FV_SET value means a was out of memory). */
void store__read_value(sqlite3_stmt *s, int col, const field_def *f, field_value *v, arena *a);

/* Reads the current row of s as a record of kind: column 0 is the row id, the next
 * ones the stored fields in field order. NULL when a is out of memory. */
record *store__read_record(sqlite3_stmt *s, const kind_def *kind, arena *a);

/* Steps s and reads its row as a record of kind (see store__read_record): 1 with
 * *out, 0 at the end, -1 with err set. */
int store__step_record(store *st, sqlite3_stmt *s, const kind_def *kind, arena *a, record **out, emb_err *err);

#endif
