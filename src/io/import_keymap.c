/* import_keymap.c - the text-to-id hash map of import_keymap.h (FNV-1a, linear probing). */
#include "io/import_keymap.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_of(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void keymap_init(keymap *m)
{
    m->slots = NULL;
    m->cap = m->count = 0;
    arena_init(&m->keys, 64 * 1024);
}

void keymap_release(keymap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
    arena_release(&m->keys);
}

static keymap_entry *find_slot(keymap_entry *slots, size_t cap, const char *key, size_t len, uint32_t h)
{
    size_t mask = cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        keymap_entry *e = &slots[i];
        if (!e->key || (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0))
            return e;
    }
}

keymap_entry *keymap_get(const keymap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    keymap_entry *e = find_slot(m->slots, m->cap, key, len, hash_of(key, len));
    return e->key ? e : NULL;
}

static int grow(keymap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    keymap_entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        keymap_entry *e = &m->slots[i];
        if (e->key)
            *find_slot(slots, cap, e->key, e->len, e->hash) = *e;
    }
    free(m->slots);
    m->slots = slots;
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
    keymap_entry *e = find_slot(m->slots, m->cap, key, len, h);
    if (e->key)
        return e;
    char *copy = arena_strndup(&m->keys, key, len);
    if (!copy)
        return NULL;
    *e = (keymap_entry){.key = copy, .len = (uint32_t)len, .hash = h};
    m->count++;
    *created = 1;
    return e;
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
