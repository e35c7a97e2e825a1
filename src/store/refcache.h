/*
 * refcache.h - the text by which references are written: for each (kind, id) the
 * referenced record's key (store_record_key: ext id, "#id", or a stage's name) or
 * its label (name, title; the key when the label is empty).
 *
 * Exports and lists print a reference per row; a query per reference would make a
 * million-row export do millions of lookups, so names are cached in a hash map per
 * referenced kind, loaded whole with one scan on first use when the kind has at most
 * preload_max records (always, for exports), else looked up one id at a time and
 * remembered.
 *
 * Ownership: refcache_new() allocates; refcache_free() frees the cache and every
 * string it returned. The store must outlive the cache. Not thread-safe.
 */
#ifndef EMB_REFCACHE_H
#define EMB_REFCACHE_H

#include <stdint.h>

#include "core/error.h"
#include "core/kind.h"
#include "store/store.h"

typedef struct refcache refcache;

/* labels: 0 for keys, 1 for labels. preload_max: the largest kind loaded whole
 * (INT64_MAX: always; 0: never). */
emb_code refcache_new(store *st, int labels, int64_t preload_max, refcache **out, emb_err *err);
void refcache_free(refcache *c);

/* The key or label of record id of kind, owned by the cache; "#id" when no such
 * record exists (a dangling id is shown, never hidden). NULL with err set on a
 * database error or when out of memory. */
const char *refcache_get(refcache *c, const kind_def *kind, int64_t id, emb_err *err);

#endif
