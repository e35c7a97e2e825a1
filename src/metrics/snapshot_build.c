/*
 * snapshot_build.c - what the builders of the snapshot's parts share (see
 * snapshot_build.h): dictionaries of interned text, maps from store ids to dense
 * indices, and statements of the build's read transaction.
 */
#include "metrics/snapshot_build.h"

#include "core/period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

/* ---- dictionaries ------------------------------------------------------------ */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int interner_grow(interner *in)
{
    size_t cap = in->cap ? in->cap * 2 : 64;
    int32_t *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0xff, cap * sizeof *slots);
    for (size_t i = 0; i < in->dict->n; i++) {
        size_t h = hash_str(snap_text(in->dict, (int32_t)i)) & (cap - 1);
        while (slots[h] >= 0)
            h = (h + 1) & (cap - 1);
        slots[h] = (int32_t)i;
    }
    free(in->slots);
    in->slots = slots;
    in->cap = cap;
    return 0;
}

/* Index of text in the dictionary, adding it if new; -1 for NULL, -2 on OOM. */
int32_t build_intern(interner *in, const char *text)
{
    if (!text)
        return SNAP_NONE;
    if ((in->dict->n + 1) * 2 > in->cap && interner_grow(in))
        return -2;
    size_t h = hash_str(text) & (in->cap - 1);
    snap_dict *d = in->dict;
    while (in->slots[h] >= 0) {
        if (!strcmp(snap_text(d, in->slots[h]), text))
            return in->slots[h];
        h = (h + 1) & (in->cap - 1);
    }
    if ((d->n & (d->n - 1)) == 0) {
        size_t cap = d->n ? d->n * 2 : 16;
        uint32_t *o = realloc(d->offset, cap * sizeof *o);
        if (!o)
            return -2;
        d->offset = o;
    }
    size_t len = strlen(text) + 1;
    if (d->blob_len + len > in->blob_cap) {
        size_t cap = in->blob_cap ? in->blob_cap * 2 : 1024;
        while (cap < d->blob_len + len)
            cap *= 2;
        char *b = realloc(d->blob, cap);
        if (!b)
            return -2;
        d->blob = b;
        in->blob_cap = cap;
    }
    if (d->blob_len + len > UINT32_MAX)
        return -2;
    memcpy(d->blob + d->blob_len, text, len);
    int32_t idx = (int32_t)d->n++;
    d->offset[idx] = (uint32_t)d->blob_len;
    d->blob_len += len;
    in->slots[h] = idx;
    return idx;
}


/* ---- id maps ----------------------------------------------------------------- */

emb_code build_prepare(build_ctx *b, const char *sql, sqlite3_stmt **s)
{
    if (sqlite3_prepare_v2(store_sqlite(b->st), sql, -1, s, NULL) != SQLITE_OK)
        return store_sql_error(b->st, _("building the analytics snapshot"), b->err);
    return EMB_OK;
}

int64_t build_scalar(build_ctx *b, const char *sql)
{
    sqlite3_stmt *s;
    if (build_prepare(b, sql, &s))
        return -1;
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return v;
}

/* Allocates an id map for table and returns the row count in *n. */
emb_code build_make_map(build_ctx *b, const char *table, id_map *m, size_t *n)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM %s", table);
    m->max_id = build_scalar(b, sql);
    if (m->max_id < 0)
        return b->err->code ? b->err->code : EMB_DB;
    m->idx = malloc(((size_t)m->max_id + 1) * sizeof *m->idx);
    if (!m->idx)
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory building the snapshot"));
    memset(m->idx, 0xff, ((size_t)m->max_id + 1) * sizeof *m->idx);
    snprintf(sql, sizeof sql, "SELECT id FROM %s ORDER BY id", table);
    sqlite3_stmt *s;
    if (build_prepare(b, sql, &s))
        return b->err->code;
    size_t i = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (id >= 0 && id <= m->max_id)
            m->idx[id] = (int32_t)i;
        i++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(b->st, _("building the analytics snapshot"), b->err);
    *n = i;
    return EMB_OK;
}

uint8_t build_parse_status(const char *t)
{
    if (!t)
        return DEAL_OPEN;
    return t[0] == 'w' && !strcmp(t, "won") ? DEAL_WON : t[0] == 'l' && !strcmp(t, "lost") ? DEAL_LOST : DEAL_OPEN;
}

int32_t build_day_of(const char *iso)
{
    int64_t d;
    return iso && date_parse_iso(iso, &d) == 0 ? (int32_t)d : INT32_MIN;
}

int build_deal_money(const fx_table *fx, sqlite3_stmt *s, int col, int currency_col, int64_t closed, int64_t *out)
{
    *out = 0;
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        return 1;
    int64_t at = closed == SNAP_OPEN_INSTANT ? INT64_MAX : closed;
    if (fx_convert(fx, build_col_text(s, currency_col), sqlite3_column_int64(s, col), at, out) != 0) {
        *out = 0;
        return -1;
    }
    return 0;
}
