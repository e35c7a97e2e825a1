/* import_keymap.c - the text-to-id hash map of import_keymap.h.
 *
 * Layout: entries[] holds the entries in insertion order; slots[] is the open-
 * addressing table (linear probing, at most half full) of 8-byte slots, each the
 * 32-bit hash of a key and 1 + its entry's index (0: empty slot). Small slots keep
 * the table of a million keys within the processor's last-level cache, so a lookup
 * of a new key, the common case of a first import, costs one cache line. */
#include "io/import_keymap.h"

#include <stdlib.h>
#include <string.h>

/* Word-at-a-time multiplicative hash (the lengths and bytes of the key; not for
 * adversarial input, which only makes probing slower). */
static uint32_t hash_of(const char *s, size_t len)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = (uint64_t)len * k;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, s, len);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    h *= k;
    return (uint32_t)(h >> 32);
}

void keymap_init(keymap *m)
{
    *m = (keymap){0};
    arena_init(&m->keys, 64 * 1024);
}

void keymap_release(keymap *m)
{
    free(m->slots);
    free(m->entries);
    arena_release(&m->keys);
    *m = (keymap){0};
}

/* The slot of key: its own, or the empty one where it would go. */
static keymap_slot *find_slot(const keymap *m, const char *key, size_t len, uint32_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        keymap_slot *s = &m->slots[i];
        if (!s->entry)
            return s;
        if (s->hash == h) {
            const keymap_entry *e = &m->entries[s->entry - 1];
            if (e->len == len && memcmp(e->key, key, len) == 0)
                return s;
        }
    }
}

void keymap_prefetch(const keymap *m, const char *key, size_t len)
{
    if (m->cap)
        __builtin_prefetch(&m->slots[hash_of(key, len) & (m->cap - 1)]);
}

keymap_entry *keymap_get(const keymap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    const keymap_slot *s = find_slot(m, key, len, hash_of(key, len));
    return s->entry ? &m->entries[s->entry - 1] : NULL;
}

static int grow(keymap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    if (cap / 2 > UINT32_MAX)
        return -1;
    keymap_slot *slots = calloc(cap, sizeof *slots);
    keymap_entry *entries = realloc(m->entries, cap / 2 * sizeof *entries);
    if (!slots || !entries) {
        free(slots);
        if (entries)
            m->entries = entries;
        return -1;
    }
    size_t mask = cap - 1;
    for (size_t i = 0; i < m->cap; i++) {
        keymap_slot s = m->slots[i];
        if (!s.entry)
            continue;
        size_t k = s.hash & mask;
        while (slots[k].entry)
            k = (k + 1) & mask;
        slots[k] = s;
    }
    free(m->slots);
    m->slots = slots;
    m->entries = entries;
    m->cap = cap;
    return 0;
}

keymap_entry *keymap_put(keymap *m, const char *key, size_t len, int *created)
{
    *created = 0;
    if (len > UINT32_MAX)
        return NULL;
    if ((m->count + 1) * 2 > m->cap && grow(m))
        return NULL;
    uint32_t h = hash_of(key, len);
    keymap_slot *s = find_slot(m, key, len, h);
    if (s->entry)
        return &m->entries[s->entry - 1];
    char *copy = arena_strndup(&m->keys, key, len);
    if (!copy)
        return NULL;
    keymap_entry *e = &m->entries[m->count];
    *e = (keymap_entry){.key = copy, .len = (uint32_t)len};
    *s = (keymap_slot){.hash = h, .entry = (uint32_t)++m->count};
    *created = 1;
    return e;
}

int keymap_put_record(keymap *m, const char *key, size_t len, int64_t id)
{
    int created;
    keymap_entry *e = keymap_put(m, key, len, &created);
    if (!e)
        return -1;
    if (created || e->id == 0)
        e->id = id;
    else if (e->id != id)
        e->id = -1;
    return 0;
}

int keymap_pair_put(void *pair, const char *value, size_t len, int64_t id)
{
    const keymap_pair *p = pair;
    if (keymap_put_record(p->exact, value, len, id))
        return -1;
    if (!p->norm)
        return 0;
    char small[256];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf)
        return -1;
    size_t n = keymap_norm(value, len, buf);
    int rc = n ? keymap_put_record(p->norm, buf, n, id) : 0;
    if (buf != small)
        free(buf);
    return rc;
}

size_t keymap_norm(const char *s, size_t len, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            out[k++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
            out[k++] = (char)c;
    }
    out[k] = '\0';
    return k;
}
