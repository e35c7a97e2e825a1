/*
 * import_keymap.h - a hash map from text keys to record ids, for the importer's
 * caches (external ids of the imported kind, names, references already resolved).
 *
 * Open addressing with linear probing; grows at 50 % load. Each entry carries an
 * id and a small tag the caller uses freely (e.g. "seen in this file"). Entries
 * are kept in insertion order in entries[0..count), which callers may walk.
 *
 * Ownership: the map owns copies of its keys (in its own arena) and its table;
 * keymap_release() frees both. Not thread-safe.
 */
#ifndef EMB_IMPORT_KEYMAP_H
#define EMB_IMPORT_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef struct {
    const char *key;
    uint32_t len;
    int tag;
    int64_t id;
} keymap_entry;

typedef struct {
    uint32_t hash;
    uint32_t entry; /* 1 + index into entries, 0: empty */
} keymap_slot;

typedef struct {
    keymap_slot *slots;    /* cap of them */
    keymap_entry *entries; /* count used, room for cap / 2 */
    size_t cap;            /* power of two, 0 before the first insert */
    size_t count;
    arena keys;
} keymap;

void keymap_init(keymap *m);
void keymap_release(keymap *m);

/* Asks the processor to bring in the slot where key would be, for a lookup a
 * little later (it has no other effect). */
void keymap_prefetch(const keymap *m, const char *key, size_t len);
/* The entry of key[0..len), or NULL. */
keymap_entry *keymap_get(const keymap *m, const char *key, size_t len);
/* The entry of key, created with id 0 and tag 0 when absent (*created = 1); NULL
 * when out of memory. Pointers to entries are valid until the next insertion. */
keymap_entry *keymap_put(keymap *m, const char *key, size_t len, int *created);

/* Records that key names record id: the entry takes id when new or without a record
 * (id 0), and becomes -1 ("several records") when it names another one. 0, or -1
 * when out of memory. */
int keymap_put_record(keymap *m, const char *key, size_t len, int64_t id);

/* An exact map and, optionally (norm may be NULL), one of the normalised keys
 * (keymap_norm) for loose matching. */
typedef struct {
    keymap *exact, *norm;
} keymap_pair;

/* keymap_put_record of value[0..len) into pair->exact and of its normalised form
 * into pair->norm; pair is a keymap_pair. The shape of store_bulk_keys()'s callback,
 * to load the keys of stored records. */
int keymap_pair_put(void *pair, const char *value, size_t len, int64_t id);

/* Writes to out (at least len + 1 bytes) the normalised form of s[0..len) used for
 * loose name matching, the same as the store's emb_norm(): ASCII letters lower-cased,
 * ASCII characters other than letters and digits dropped, other bytes kept
 * ("GTX Pro" and "gtx-pro" -> "gtxpro"). Returns the length written. */
size_t keymap_norm(const char *s, size_t len, char *out);

#endif
