/*
 * import_keys.c - how a row finds the stored record it updates, so that importing
 * a file twice never duplicates. Keys:
 *  - with an `id` column: the external id; existing ids of the kind are loaded
 *    into a hash map once, so the row loop does no lookups;
 *  - without one, kinds people name (regions, users, teams, accounts, contacts,
 *    leads, pipelines, products) by their first match field that has a value:
 *    users, contacts and leads by email then name, products by sku then name,
 *    the others by name; exactly, then ignoring case and punctuation;
 *  - the rest by a natural key of the mapped fields among: stages (pipeline,
 *    name), deals (title, account, created), activities (type, subject, owner,
 *    deal, lead, account, contact, due, done, created), orders (account, date),
 *    order lines (order, product), goals (metric, scope, team, rep, period),
 *    expenses (category, channel, from, to), rates (currency, date).
 * Empty cells never erase stored values: they leave the field as it is (on
 * insert, its default).
 *
 * A key that an earlier row of the file wrote (the entry's tag is that row's
 * number) is a repeat: identical values merge ("repeated" in the summary), other
 * values are an error naming both rows unless --last-wins. A row keyed by a
 * natural key whose file columns are all empty has no usable key and is refused.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/import_internal.h"

static const char *const match_keys[][3] = {
    {"regions", "name", NULL},  {"users", "email", "name"},    {"teams", "name", NULL},
    {"accounts", "name", NULL}, {"contacts", "email", "name"}, {"leads", "email", "name"},
    {"pipelines", "name", NULL}, {"products", "sku", "name"},
};

/* Natural keys; a leading '!' marks a field the importer always sets. */
static const char *const natural_keys[][11] = {
    {"stages", "!pipeline", "name"},
    {"deals", "!title", "account", "created"},
    {"activities", "type", "subject", "owner", "deal", "lead", "account", "contact", "due", "done", "created"},
    {"orders", "account", "date"},
    {"order_lines", "order", "product"},
    {"goals", "metric", "!scope", "team", "rep", "period"},
    {"expenses", "category", "channel", "!from", "!to"},
    {"rates", "currency", "date"},
};

static int field_given(const import_job *j, int idx) { return idx >= 0 && j->slot[idx] >= 0; }

/* The natural key of the kind that the mapping gives: its field indexes in idx,
 * their count returned (0: none). */
static size_t natural_key(const import_job *j, int idx[10])
{
    const kind_def *k = j->kind;
    for (size_t m = 0; m < sizeof natural_keys / sizeof natural_keys[0]; m++) {
        if (strcmp(natural_keys[m][0], k->name))
            continue;
        size_t n = 0;
        for (int i = 1; i < 11 && natural_keys[m][i]; i++) {
            const char *name = natural_keys[m][i];
            int always = name[0] == '!';
            int fi = kind_field_index(k, name + always);
            if (fi >= 0 && (always || field_given(j, fi)) && k->fields[fi].column)
                idx[n++] = fi;
        }
        return n;
    }
    return 0;
}

int import_key_mode(const import_job *j)
{
    const kind_def *k = j->kind;
    int iid = kind_field_index(k, "id");
    if (iid >= 0 && field_given(j, iid) && j->fields[j->slot[iid]].ncols)
        return KEY_EXT;
    for (size_t m = 0; m < sizeof match_keys / sizeof match_keys[0]; m++)
        if (!strcmp(match_keys[m][0], k->name))
            return KEY_MATCH;
    int idx[10];
    return natural_key(j, idx) ? KEY_NATURAL : KEY_NONE;
}

emb_code import_keys_setup(import_job *j, emb_err *err)
{
    const kind_def *k = j->kind;
    j->key_mode = import_key_mode(j);
    if (j->key_mode == KEY_EXT) {
        j->key_fields[0] = kind_field_index(k, "id");
        j->nkey_fields = 1;
        keymap_pair kl = {&j->keys[0], NULL};
        return store_bulk_keys(j->st, k, "id", keymap_pair_put, &kl, err);
    }
    if (j->key_mode == KEY_MATCH) {
        for (size_t m = 0; m < sizeof match_keys / sizeof match_keys[0]; m++) {
            if (strcmp(match_keys[m][0], k->name))
                continue;
            for (int i = 1; i < 3 && match_keys[m][i]; i++) {
                int idx = kind_field_index(k, match_keys[m][i]);
                if (!field_given(j, idx))
                    continue;
                size_t n = j->nkey_fields++;
                j->key_fields[n] = idx;
                keymap_pair kl = {&j->keys[n], &j->norm_keys[n]};
                if (store_bulk_keys(j->st, k, match_keys[m][i], keymap_pair_put, &kl, err))
                    return err->code;
            }
        }
        return EMB_OK;
    }
    if (j->key_mode == KEY_NATURAL) {
        int idx[10];
        size_t n = natural_key(j, idx);
        return store_finder_new(j->st, k, idx, n, &j->finder, err);
    }
    return EMB_OK;
}

/* An id "#N" that no external id matches names record N itself, as export writes
 * the key of a record without an external id: that record is updated and keeps
 * no external id. Otherwise "#N" is an ordinary external id. */
static emb_code internal_id(import_job *j, record *r, const char *key, size_t len, int64_t *id,
                            keymap_entry **entry, emb_err *err)
{
    char *end;
    long long n = strtoll(key + 1, &end, 10);
    if (key[1] < '0' || key[1] > '9' || *end || n <= 0)
        return EMB_OK;
    record *stored;
    emb_code rc = import_flush(j, err); /* N may be a queued record */
    if (!rc)
        rc = store_record_get(j->st, j->kind, n, &j->row, &stored, err);
    if (rc == EMB_NOT_FOUND)
        return EMB_OK;
    if (rc)
        return rc;
    int created;
    keymap_entry *e = keymap_put(&j->keys[0], key, len, &created);
    if (!e || (created && import_note_undo(j, &j->keys[0], e->key, e->len, -1)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    e->id = n;
    *id = n;
    *entry = e;
    j->row_key = e->key; /* remembered after the write, though not stored */
    r->v[j->key_fields[0]].state = FV_UNSET; /* not an external id */
    return EMB_OK;
}

emb_code import_keys_find(import_job *j, record *r, int64_t *id, keymap_entry **entry, emb_err *err)
{
    *id = 0;
    *entry = NULL;
    j->row_key = NULL;
    if (j->key_mode == KEY_EXT) {
        const field_value *v = &r->v[j->key_fields[0]];
        if (v->state != FV_SET) {
            import_row_error_why(j, &j->fields[j->slot[j->key_fields[0]]], NULL,
                                 _("is empty, but every row needs its id: it is the key that makes importing again "
                                   "update instead of duplicating"),
                                 EMB_WHY_NONE, j->kind->fields[j->key_fields[0]].name);
            return EMB_OK;
        }
        size_t len = strlen(v->s);
        keymap_entry *e = keymap_get(&j->keys[0], v->s, len);
        if (e && e->id < 0) {
            import_row_error(j, &j->fields[j->slot[j->key_fields[0]]], v->s, _("several records have this id"));
        } else if (e && e->id > 0) {
            *id = e->id;
            *entry = e;
        } else if (v->s[0] == '#') {
            return internal_id(j, r, v->s, len, id, entry, err);
        }
        return EMB_OK;
    }
    if (j->key_mode == KEY_MATCH) {
        for (size_t i = 0; i < j->nkey_fields; i++) {
            const field_value *v = &r->v[j->key_fields[i]];
            if (v->state != FV_SET)
                continue;
            size_t len = strlen(v->s);
            keymap_entry *e = keymap_get(&j->keys[i], v->s, len);
            if (!e || e->id == 0) {
                char *norm = arena_alloc(&j->row, len + 1);
                if (!norm)
                    return emb_err_set(err, EMB_NOMEM, _("out of memory"));
                size_t n = keymap_norm(v->s, len, norm);
                e = n ? keymap_get(&j->norm_keys[i], norm, n) : NULL;
            }
            if (e && e->id < 0) {
                import_row_error(j, &j->fields[j->slot[j->key_fields[i]]], v->s,
                                 _("several records already have this value; add an id column to tell them apart"));
            } else if (e && e->id > 0) {
                *id = e->id;
                *entry = e;
            }
            return EMB_OK;
        }
        return EMB_OK;
    }
    if (j->key_mode == KEY_NATURAL) {
        int idx[10];
        size_t n = natural_key(j, idx), given = 0, filled = 0;
        const char *names = "";
        for (size_t i = 0; i < n; i++)
            if (j->slot[idx[i]] >= 0) {
                given++;
                filled += r->v[idx[i]].state == FV_SET;
                names = arena_printf(&j->row, "%s%s%s", names, *names ? ", " : "", j->kind->fields[idx[i]].name);
            }
        if (given && !filled) {
            import_row_error(j, NULL, NULL,
                             arena_printf(&j->row,
                                          _("the row has no value in any of the fields that identify it (%s), so "
                                            "it would be merged with others; fill one, or give an id column with "
                                            "--map id=COLUMN"),
                                          names ? names : ""));
            return EMB_OK;
        }
        emb_code rc = store_finder_find(j->finder, r, id, err);
        if (rc == EMB_CONFLICT) {
            import_row_error(j, NULL, NULL,
                             _("several stored records match this row; add an id column to tell them apart"));
            return EMB_OK;
        }
        if (rc)
            return rc;
        if (*id) /* the record's entry tells whether an earlier row touched it */
            *entry = keymap_get(&j->keys[0], (const char *)id, sizeof *id);
    }
    return EMB_OK;
}

static emb_code remember(import_job *j, keymap *m, const char *key, size_t len, int64_t id, emb_err *err)
{
    int created;
    keymap_entry *e = keymap_put(m, key, len, &created);
    if (!e || import_note_undo(j, m, e->key, e->len, -1))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    e->id = id;
    e->tag = j->row_no > INT_MAX ? INT_MAX : (int)j->row_no;
    return EMB_OK;
}

static int same_value(const field_def *f, const field_value *a, const field_value *b)
{
    if (a->state != b->state)
        return 0;
    if (a->state != FV_SET)
        return 1;
    return field_is_text(f) ? !strcmp(a->s, b->s) : a->i == b->i;
}

emb_code import_keys_repeat(import_job *j, record *r, int64_t id, int earlier_row, emb_err *err)
{
    record *stored;
    emb_code rc = import_flush(j, err);
    if (!rc)
        rc = store_record_get(j->st, j->kind, id, &j->row, &stored, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < j->nfields; i++) {
        const import_field *fld = &j->fields[i];
        const field_value *v = &r->v[fld->idx];
        int is_key = 0;
        for (size_t k = 0; k < j->nkey_fields; k++)
            is_key |= j->key_fields[k] == fld->idx; /* matched, maybe loosely ("zed" is "Zed") */
        if (is_key || v->state != FV_SET || !fld->f->column || same_value(fld->f, v, &stored->v[fld->idx]))
            continue;
        const char *was = fld->f->type == FT_REF ? NULL
                                                 : value_format_field(fld->f, &stored->v[fld->idx],
                                                                      import_record_currency(j, stored), j->zone, &j->row);
        const char *why =
            was && *was ? arena_printf(&j->row,
                                       _("the row's key repeats row %d with another value ('%s' there); keep one row "
                                         "per key, or let the later row win with --last-wins"),
                                       earlier_row, was)
            : was ? arena_printf(&j->row,
                                 _("the row's key repeats row %d with another value (empty there); keep one row per "
                                   "key, or let the later row win with --last-wins"),
                                 earlier_row)
                  : arena_printf(&j->row,
                                 _("the row's key repeats row %d with another value; keep one row per key, or let "
                                   "the later row win with --last-wins"),
                                 earlier_row);
        import_row_error(j, fld, j->cell_text[i], why);
        return EMB_OK; /* one difference is enough to refuse the row */
    }
    return EMB_OK;
}

emb_code import_keys_remember(import_job *j, record *r, emb_err *err)
{
    if (j->key_mode == KEY_NATURAL)
        return remember(j, &j->keys[0], (const char *)&r->id, sizeof r->id, r->id, err);
    if (j->row_key)
        return remember(j, &j->keys[0], j->row_key, strlen(j->row_key), r->id, err);
    for (size_t i = 0; i < j->nkey_fields; i++) {
        const field_value *v = &r->v[j->key_fields[i]];
        if (v->state != FV_SET)
            continue;
        size_t len = strlen(v->s);
        if (remember(j, &j->keys[i], v->s, len, r->id, err))
            return err->code;
        if (j->key_mode == KEY_MATCH) {
            char *norm = arena_alloc(&j->row, len + 1);
            if (!norm)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            size_t n = keymap_norm(v->s, len, norm);
            if (n && remember(j, &j->norm_keys[i], norm, n, r->id, err))
                return err->code;
        }
    }
    return EMB_OK;
}

