/*
 * recfmt.h - a stored record's fields as text, the same way for every printer:
 * exports (io/export.h), the CLI's list and show. Values go through
 * value_format_field() (the exact inverse of value_parse_field(): money in the
 * record's currency, instants in the organisation's zone, basis points as
 * fractions); references through a refcache (keys for files, labels for people).
 *
 * Ownership: a recfmt only borrows the store, zone and cache given to it; strings
 * it returns live in the arena of each call or in the cache.
 */
#ifndef EMB_RECFMT_H
#define EMB_RECFMT_H

#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "core/tz.h"
#include "io/refnames.h"
#include "store/records.h"
#include "store/refcache.h"
#include "store/store.h"

typedef struct {
    store *st;                /* to read the currency of an order line's order */
    const tz *zone;           /* the organisation's zone */
    const char *org_currency; /* currency of money fields when the record has none */
    refcache *refs;           /* names of referenced records */
    refnames *names;          /* when set, references are named by it instead (exports) */
    int64_t order_id;         /* cache: the order last looked up, and its currency */
    char order_currency[4];
} recfmt;

/* The currency of r's money fields: its currency field when the kind has one and it
 * is set; for an order line its order's (the importer reads lines the same way);
 * else the organisation's. */
const char *recfmt_currency(recfmt *fmt, const record *r);

/* The key of a stored record: its external id, or "#<id>" when it has none (as
 * store_record_key() writes references to it). */
const char *recfmt_key(const record *r, arena *a, emb_err *err);

/* Field i of r as text; NULL for a NULL or unset value (and for errors, with err
 * set: err->code tells them apart). The external-id field ("id") gives the record's
 * key, so every printed or exported record has one. */
const char *recfmt_field(recfmt *fmt, const record *r, int i, arena *a, emb_err *err);

/* How a field's text should be typed in JSON: 1 number, 2 boolean, 0 string. */
int recfmt_json_type(const field_def *f);

/* True for the fields exports write: stored and not secret. Import reads them all
 * back except the derived ones (a deal's status, a goal's from and to), which are
 * there for people and ignored by import. */
int recfmt_exported(const field_def *f);

#endif
