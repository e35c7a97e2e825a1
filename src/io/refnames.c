/*
 * refnames.c - names of referenced records for exports; see refnames.h.
 * Per kind: a keymap of external ids and one per match field (keymap_put_record
 * marks a value several records share with id -1), then a map from record id to
 * the value chosen for it by rule 2, open-addressed on the id (id 0: empty slot).
 * Chosen names point into the match keymaps' arenas.
 */
#include "io/refnames.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/import_keymap.h"
#include "store/bulk.h"

enum { MAX_KINDS = 64, MAX_MATCH = 4 };

typedef struct {
    int64_t id;
    const char *name;
} named;

typedef struct {
    int loaded;
    keymap exts;
    keymap match[MAX_MATCH]; /* in the kind's field order */
    size_t nmatch;
    named *slots; /* cap of them, a power of two */
    size_t cap, count;
} kind_names;

struct refnames {
    store *st;
    refcache *keys;
    kind_names k[MAX_KINDS];
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

static const char *find(const kind_names *kn, int64_t id)
{
    if (!kn->cap)
        return NULL;
    for (size_t j = hash_id(id) & (kn->cap - 1); kn->slots[j].id; j = (j + 1) & (kn->cap - 1))
        if (kn->slots[j].id == id)
            return kn->slots[j].name;
    return NULL;
}

static int put(kind_names *kn, int64_t id, const char *name)
{
    if ((kn->count + 1) * 2 > kn->cap) {
        size_t cap = kn->cap ? kn->cap * 2 : 256;
        named *s = calloc(cap, sizeof *s);
        if (!s)
            return -1;
        for (size_t i = 0; i < kn->cap; i++) {
            if (!kn->slots[i].id)
                continue;
            size_t j = hash_id(kn->slots[i].id) & (cap - 1);
            while (s[j].id)
                j = (j + 1) & (cap - 1);
            s[j] = kn->slots[i];
        }
        free(kn->slots);
        kn->slots = s;
        kn->cap = cap;
    }
    size_t j = hash_id(id) & (kn->cap - 1);
    while (kn->slots[j].id)
        j = (j + 1) & (kn->cap - 1);
    kn->slots[j] = (named){id, name};
    kn->count++;
    return 0;
}

static int put_value(void *map, const char *value, size_t len, int64_t id)
{
    return len ? keymap_put_record(map, value, len, id) : 0;
}

/* Value e of match field m names its record: rule 2 of refnames.h. */
static int names_alone(const kind_names *kn, size_t m, const keymap_entry *e)
{
    if (e->id <= 0 || e->key[0] == '#' || keymap_get(&kn->exts, e->key, e->len))
        return 0;
    for (size_t g = 0; g < m; g++) {
        const keymap_entry *first = keymap_get(&kn->match[g], e->key, e->len);
        if (first && first->id != e->id)
            return 0;
    }
    return 1;
}

static emb_code load(refnames *n, kind_names *kn, const kind_def *kind, emb_err *err)
{
    kn->loaded = 1;
    keymap_init(&kn->exts);
    if (kind_field_index(kind, "id") >= 0 && store_bulk_keys(n->st, kind, "id", put_value, &kn->exts, err))
        return err->code;
    for (size_t i = 0; i < kind->nfields && kn->nmatch < MAX_MATCH; i++) {
        const field_def *f = &kind->fields[i];
        if (!(f->flags & FF_MATCH) || !f->column)
            continue;
        keymap *m = &kn->match[kn->nmatch++];
        keymap_init(m);
        if (store_bulk_keys(n->st, kind, f->name, put_value, m, err))
            return err->code;
    }
    for (size_t m = 0; m < kn->nmatch; m++)
        for (size_t i = 0; i < kn->match[m].count; i++) {
            const keymap_entry *e = &kn->match[m].entries[i];
            if (names_alone(kn, m, e) && !find(kn, e->id) && put(kn, e->id, e->key))
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
    return EMB_OK;
}

emb_code refnames_new(store *st, refcache *keys, refnames **out, emb_err *err)
{
    refnames *n = calloc(1, sizeof *n);
    if (!n)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    n->st = st;
    n->keys = keys;
    *out = n;
    return EMB_OK;
}

void refnames_free(refnames *n)
{
    if (!n)
        return;
    for (size_t k = 0; k < MAX_KINDS; k++) {
        kind_names *kn = &n->k[k];
        if (!kn->loaded)
            continue;
        keymap_release(&kn->exts);
        for (size_t m = 0; m < kn->nmatch; m++)
            keymap_release(&kn->match[m]);
        free(kn->slots);
    }
    free(n);
}

/* "#" followed by digits only: an internal number. */
static int is_number_key(const char *key)
{
    if (key[0] != '#' || !key[1])
        return 0;
    for (const char *p = key + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

const char *refnames_get(refnames *n, const kind_def *kind, int64_t id, emb_err *err)
{
    const char *key = refcache_get(n->keys, kind, id, err);
    if (!key || !is_number_key(key))
        return key;
    size_t k = kind_slot(kind);
    if (k >= MAX_KINDS) {
        emb_err_set(err, EMB_INTERNAL, _("unknown kind %s"), kind->name);
        return NULL;
    }
    if (!n->k[k].loaded && load(n, &n->k[k], kind, err))
        return NULL;
    const char *name = find(&n->k[k], id);
    return name ? name : key;
}
