/*
 * refcache.c - per-kind hash maps from record id to key or label; see refcache.h.
 * Maps are open-addressed with linear probing on the id; id 0 marks an empty slot
 * (row ids start at 1). Strings live in the cache's arena.
 */
#include "store/refcache.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "store/query.h"
#include "store/records.h"

typedef struct {
    int64_t id;
    const char *text;
} slot;

typedef struct {
    int loaded;   /* 1 when the whole kind was scanned */
    int decided;  /* 1 once loaded or chosen to look up one by one */
    slot *slots;
    size_t cap;   /* power of two, or 0 */
    size_t count;
} idmap;

#define MAX_KINDS 64

struct refcache {
    store *st;
    int labels;
    int64_t preload_max;
    idmap maps[MAX_KINDS];
    arena a;
};

static size_t kind_slot(const kind_def *kind)
{
    const kind_def *const *all = kind_all();
    for (size_t i = 0; all[i] && i < MAX_KINDS; i++)
        if (all[i] == kind)
            return i;
    return MAX_KINDS;
}

static size_t hash_id(int64_t id)
{
    uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;
    return (size_t)(x ^ (x >> 29));
}

static int grow(idmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 256;
    slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].id)
            continue;
        size_t j = hash_id(m->slots[i].id) & (cap - 1);
        while (s[j].id)
            j = (j + 1) & (cap - 1);
        s[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

static slot *find(idmap *m, int64_t id)
{
    if (!m->cap)
        return NULL;
    size_t j = hash_id(id) & (m->cap - 1);
    while (m->slots[j].id) {
        if (m->slots[j].id == id)
            return &m->slots[j];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

typedef struct {
    refcache *c;
    idmap *m;
    const char *last; /* text stored by the latest put */
} put_ctx;

static emb_code put(void *ud, int64_t id, const char *text, emb_err *err)
{
    put_ctx *p = ud;
    idmap *m = p->m;
    if ((m->count + 1) * 4 > m->cap * 3 && grow(m))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    const char *copy = arena_strdup(&p->c->a, text);
    if (!copy)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    size_t j = hash_id(id) & (m->cap - 1);
    while (m->slots[j].id && m->slots[j].id != id)
        j = (j + 1) & (m->cap - 1);
    if (!m->slots[j].id)
        m->count++;
    m->slots[j] = (slot){id, copy};
    p->last = copy;
    return EMB_OK;
}

emb_code refcache_new(store *st, int labels, int64_t preload_max, refcache **out, emb_err *err)
{
    refcache *c = calloc(1, sizeof *c);
    if (!c)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    c->st = st;
    c->labels = labels;
    c->preload_max = preload_max;
    arena_init(&c->a, 256 * 1024);
    *out = c;
    return EMB_OK;
}

void refcache_free(refcache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < MAX_KINDS; i++)
        free(c->maps[i].slots);
    arena_release(&c->a);
    free(c);
}

const char *refcache_get(refcache *c, const kind_def *kind, int64_t id, emb_err *err)
{
    size_t k = kind_slot(kind);
    if (k >= MAX_KINDS) {
        emb_err_set(err, EMB_INTERNAL, _("unknown kind %s"), kind->name);
        return NULL;
    }
    idmap *m = &c->maps[k];
    put_ctx p = {c, m, NULL};
    if (!m->decided) {
        int64_t count = 0;
        if (c->preload_max > 0 && store_record_count(c->st, kind, &count, err))
            return NULL;
        if (c->preload_max > 0 && count <= c->preload_max) {
            if (store_scan_names(c->st, kind, c->labels, 0, put, &p, err))
                return NULL;
            m->loaded = 1;
        }
        m->decided = 1;
    }
    slot *s = find(m, id);
    if (s)
        return s->text;
    if (!m->loaded) {
        if (store_scan_names(c->st, kind, c->labels, id, put, &p, err))
            return NULL;
        if (p.last)
            return p.last;
    }
    /* No such record: remember its "#id" too, so a dangling id costs one lookup. */
    char hash[32];
    snprintf(hash, sizeof hash, "#%lld", (long long)id);
    if (put(&p, id, hash, err))
        return NULL;
    return p.last;
}
