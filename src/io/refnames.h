/*
 * refnames.h - the text by which an export names a referenced record, so that a
 * person reads it and `embudo import` finds the record again, in this database or
 * in an empty one filled from the export:
 *
 *  1. its external id, unless it has none or only "#N" (the internal number an
 *     earlier export wrote as its id);
 *  2. else the value of its first match field (a user's name then e-mail, a
 *     product's sku then name, an account's name, a deal's title ...) that finds
 *     this record and no other the way import resolves references: no record has
 *     it as external id, it does not start with '#', and in the first match field
 *     where any record has it, only this record has it;
 *  3. else its key ("#N"), the one text left that finds it.
 *
 * Each referenced kind is loaded whole on first use (its external ids and match
 * fields, one scan each), so memory is bounded by those values.
 *
 * Ownership: refnames_new() allocates; refnames_free() frees it and every string it
 * returned. The store and the key cache must outlive it. Not thread-safe.
 */
#ifndef EMB_REFNAMES_H
#define EMB_REFNAMES_H

#include <stdint.h>

#include "core/error.h"
#include "core/kind.h"
#include "store/refcache.h"
#include "store/store.h"

typedef struct refnames refnames;

/* keys: a refcache of keys (labels 0) of the same store, used for rule 1 and 3. */
emb_code refnames_new(store *st, refcache *keys, refnames **out, emb_err *err);
void refnames_free(refnames *n);

/* The name of record id of kind (see above); NULL with err set on a database error
 * or when out of memory. */
const char *refnames_get(refnames *n, const kind_def *kind, int64_t id, emb_err *err);

#endif
