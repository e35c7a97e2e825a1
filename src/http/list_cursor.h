/*
 * list_cursor.h - the opaque cursor of a list page (GET /api/v1/{kind}): the
 * keyset of the last record a page gave (its sort field's value and its id), for
 * store_query.after, as base64url of the JSON [sort field, descending, id, value].
 *
 * A cursor is only read back as that shape and for the same sort, with a value of
 * the sort field's type, so a tampered or foreign one is refused, never trusted:
 * its values are bound as SQL parameters.
 *
 * Ownership: strings written or read live in the arena given.
 */
#ifndef EMB_HTTP_LIST_CURSOR_H
#define EMB_HTTP_LIST_CURSOR_H

#include "core/arena.h"
#include "core/kind.h"
#include "store/query.h"
#include "store/records.h"

/* The cursor after record r in q's order (q->sort_field, q->descending), in a;
 * NULL when out of memory. */
const char *list_cursor_encode(const store_query *q, const record *r, arena *a);

/* Sets q->after, after_value and after_id from text when it is a cursor of kind
 * for q's sort: 0; else -1 and q unchanged. */
int list_cursor_decode(const char *text, const kind_def *kind, store_query *q, arena *a);

#endif
