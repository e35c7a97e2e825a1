/*
 * snapshot_patch.c - catching a snapshot up with the store (snapshot_catch_up in
 * snapshot.h) by applying the deals the change log names, instead of rebuilding.
 *
 * Copy-on-write by column: the new snapshot starts as a clone of the old one,
 * sharing every column's block (snapshot_columns.h), and gets new arrays only for
 * the columns whose values change; the old snapshot is never written, so its
 * readers go on undisturbed, and the new one is published whole by the caller
 * (snap_current_swap).
 *
 * The changed deals are read in full (row, first product, history) into a small
 * snapshot of their own ("mini", deals 0..k-1 in the order of their indices in the
 * new snapshot) with the builder's own conversions, and the builder's derivations
 * (spans, moves, exits, close owners) run on it; its rows then replace the old
 * ones of those deals in every column and sorted list (snapshot_merge.c), so that
 * the result is what a rebuild gives. Whatever this cannot reproduce exactly is
 * refused with EMB_NOT_FOUND, and the caller rebuilds: a change logged as '*' or
 * missing from the log, other settings, a deal deleted or new with an id below
 * the last one, a reference to a user, account, stage, product or lead the old
 * snapshot does not know, a text (source, lost reason, currency) not in its
 * dictionaries, a new deal converted from a lead, a lead's status or an account's
 * first win that changes (cold calls and their rollups depend on it).
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/fx.h"
#include "metrics/snapshot.h"
#include "metrics/snapshot_build.h"
#include "metrics/snapshot_columns.h"
#include "metrics/snapshot_patch.h"

/* The position of id in the ascending ids[0..n), -1 when absent. */
static int32_t find_id(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id ? (int32_t)lo : -1;
}

/* The index of text in d, SNAP_NONE for NULL, -2 when absent. */
static int32_t find_text(const snap_dict *d, const char *text)
{
    if (!text)
        return SNAP_NONE;
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(snap_text(d, (int32_t)i), text))
            return (int32_t)i;
    return -2;
}

/* Reading the changed deals resolves references against the old snapshot: a
 * reference it does not know makes the patch impossible (unknown = 1). */
typedef struct {
    const snapshot *old;
    sqlite3_stmt *stmt;
    int unknown;
} resolver;

static int32_t ref(resolver *r, int col, const int64_t *ids, size_t n)
{
    if (sqlite3_column_type(r->stmt, col) == SQLITE_NULL)
        return SNAP_NONE;
    int32_t i = find_id(ids, n, sqlite3_column_int64(r->stmt, col));
    if (i < 0)
        r->unknown = 1;
    return i;
}

static int32_t text(resolver *r, int col, const snap_dict *d)
{
    int32_t i = find_text(d, build_col_text(r->stmt, col));
    if (i == -2) {
        r->unknown = 1;
        return SNAP_NONE;
    }
    return i;
}

/* The deal ids the change log names for the generations in (from, to], ascending
 * and distinct, in *ids; *unknown when a generation is missing or logged '*'. */
static emb_code read_change_log(store *st, int64_t from, int64_t to, int64_t **ids, size_t *n, int *unknown,
                                emb_err *err)
{
    *ids = NULL;
    *n = 0;
    *unknown = 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "SELECT generation, kind, row_id FROM change_log WHERE generation > ?1 AND generation <= ?2 "
                           "ORDER BY generation, row_id",
                           -1, &s, NULL) != SQLITE_OK) {
        *unknown = 1; /* a database without a change log */
        return EMB_OK;
    }
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    int64_t last = from;
    size_t cap = 0;
    emb_code rc = EMB_OK;
    int step;
    while (!*unknown && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t g = sqlite3_column_int64(s, 0);
        const char *kind = (const char *)sqlite3_column_text(s, 1);
        if (g != last && g != last + 1) {
            *unknown = 1;
            break;
        }
        last = g;
        if (!kind || !strcmp(kind, "*")) {
            *unknown = 1;
        } else if (!strcmp(kind, "deal")) {
            int64_t id = sqlite3_column_int64(s, 2);
            if (*n && (*ids)[*n - 1] >= id) { /* several generations: keep ascending and distinct */
                size_t k = 0;
                while (k < *n && (*ids)[k] < id)
                    k++;
                if (k < *n && (*ids)[k] == id)
                    continue;
            }
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                int64_t *g2 = realloc(*ids, cap * sizeof *g2);
                if (!g2) {
                    rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                    break;
                }
                *ids = g2;
            }
            size_t k = *n;
            while (k > 0 && (*ids)[k - 1] > id) {
                (*ids)[k] = (*ids)[k - 1];
                k--;
            }
            (*ids)[k] = id;
            (*n)++;
        }
    }
    sqlite3_finalize(s);
    if (rc == EMB_OK && last != to)
        *unknown = 1;
    return rc;
}

/* Allocates every deal column of m for k deals (first[] and end[] too). */
static int alloc_mini_deals(snapshot *m, size_t k)
{
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
        const column_desc *c = &snap_columns[i];
        if (c->count == offsetof(snapshot, deals.n) && !(*snap_col_ptr(m, c) = calloc(k + c->extra, c->elem)))
            return -1;
    }
    m->deals.n = k;
    return 0;
}

/* Allocates every history column of m for nh rows. */
static int alloc_mini_history(snapshot *m, size_t nh)
{
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
        const column_desc *c = &snap_columns[i];
        if (c->count == offsetof(snapshot, history.n) && !(*snap_col_ptr(m, c) = calloc(nh ? nh : 1, c->elem)))
            return -1;
    }
    m->history.n = nh;
    return 0;
}

/* Reads the deal of store id into row j of the mini snapshot. index: its index in
 * the new snapshot (below old->deals.n: an existing deal). */
static emb_code read_deal(resolver *r, sqlite3_stmt *product, const fx_table *fx, snapshot *m, size_t j,
                          uint32_t index, int *found, emb_err *err)
{
    const snapshot *old = r->old;
    snap_deals *d = &m->deals;
    sqlite3_stmt *s = r->stmt;
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    if (step != SQLITE_ROW)
        return step == SQLITE_DONE ? EMB_OK : emb_err_set(err, EMB_IO, _("reading a changed deal"));
    d->id[j] = sqlite3_column_int64(s, 0);
    d->currency[j] = text(r, 12, &old->currencies);
    d->created[j] = sqlite3_column_int64(s, 1);
    d->closed[j] = sqlite3_column_type(s, 2) == SQLITE_NULL ? SNAP_OPEN_INSTANT : sqlite3_column_int64(s, 2);
    d->status[j] = build_parse_status(build_col_text(s, 3));
    d->owner[j] = d->close_owner[j] = ref(r, 4, old->users.id, old->users.n);
    d->account[j] = ref(r, 5, old->accounts.id, old->accounts.n);
    d->pipeline[j] = ref(r, 6, old->pipelines.id, old->pipelines.n);
    d->stage[j] = ref(r, 7, old->stages.id, old->stages.n);
    d->source[j] = text(r, 8, &old->sources);
    d->lead[j] = ref(r, 9, old->leads.id, old->leads.n);
    d->lost_reason[j] = text(r, 10, &old->lost_reasons);
    int money = build_deal_money(fx, s, 11, 12, d->closed[j], &d->amount[j]);
    d->amount_known[j] = money != 1;
    d->fx_missing[j] = money < 0;
    d->expected_close[j] = build_day_of(build_col_text(s, 13));
    d->probability_bp[j] = sqlite3_column_type(s, 14) == SQLITE_NULL ? -1 : (int16_t)sqlite3_column_int(s, 14);
    /* Its activities did not change (they would have been logged '*'): an
     * existing deal keeps its figures, a new one has none. */
    int existing = index < old->deals.n;
    d->done_activities[j] = existing ? old->deals.done_activities[index] : 0;
    d->sched_until[j] = existing ? old->deals.sched_until[index] : INT64_MIN;
    sqlite3_bind_int64(product, 1, d->id[j]);
    d->product[j] = SNAP_NONE;
    if (sqlite3_step(product) == SQLITE_ROW) {
        sqlite3_stmt *saved = r->stmt;
        r->stmt = product;
        d->product[j] = ref(r, 0, old->products.id, old->products.n);
        r->stmt = saved;
    }
    sqlite3_reset(product);
    return EMB_OK;
}

/* Reads the history of mini deal j (store id) into m's rows from *nh on, sorted
 * by (at, id); m has room for every row counted beforehand (at most cap). */
static emb_code read_history(resolver *r, const fx_table *fx, snapshot *m, size_t j, size_t *nh, size_t cap,
                             emb_err *err)
{
    snap_history *h = &m->history;
    sqlite3_stmt *s = r->stmt;
    size_t start = *nh;
    h->first[j] = (uint32_t)start;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*nh == cap) {
            r->unknown = 1; /* rows appeared since they were counted: cannot be, in one transaction */
            return EMB_OK;
        }
    size_t i = (*nh)++;
        h->deal[i] = (int32_t)j;
        h->at[i] = sqlite3_column_int64(s, 0);
        h->stage[i] = ref(r, 1, r->old->stages.id, r->old->stages.n);
        h->owner[i] = ref(r, 2, r->old->users.id, r->old->users.n);
        h->status[i] = build_parse_status(build_col_text(s, 3));
        build_deal_money(fx, s, 4, 5, m->deals.closed[j], &h->amount[i]);
        h->expected_close[i] = build_day_of(build_col_text(s, 6));
        /* Read in id order: an insertion sort by instant keeps id order among equals. */
        for (size_t k = i; k > start && h->at[k - 1] > h->at[k]; k--) {
#define SWAP(col) do { __typeof__(h->col[0]) t_ = h->col[k]; h->col[k] = h->col[k - 1]; h->col[k - 1] = t_; } while (0)
            SWAP(at);
            SWAP(stage);
            SWAP(owner);
            SWAP(status);
            SWAP(amount);
            SWAP(expected_close);
#undef SWAP
        }
    }
    if (step != SQLITE_DONE)
        return emb_err_set(err, EMB_IO, _("reading a changed deal's history"));
    h->end[j] = (uint32_t)*nh;
    /* The owner at close: that of the last row at or before the close. */
    for (size_t k = start; k < *nh; k++)
        if (m->deals.status[j] != DEAL_OPEN && h->at[k] <= m->deals.closed[j])
            m->deals.close_owner[j] = h->owner[k];
    return EMB_OK;
}

/* Reads the changed deals (ids ascending) into a new mini snapshot *out, with
 * their indices in the new snapshot in index[]; *unknown when one cannot be
 * patched in. */
static emb_code read_changed(store *st, const snapshot *old, const int64_t *ids, size_t k, uint32_t *index,
                             snapshot **out, int *unknown, emb_err *err)
{
    *out = NULL;
    *unknown = 0;
    const snap_deals *od = &old->deals;
    int64_t last_id = od->n ? od->id[od->n - 1] : 0;
    size_t appended = 0;
    for (size_t j = 0; j < k; j++) {
        int32_t i = find_id(od->id, od->n, ids[j]);
        if (i >= 0)
            index[j] = (uint32_t)i;
        else if (ids[j] > last_id && od->n + appended < UINT32_MAX)
            index[j] = (uint32_t)(od->n + appended++);
        else
            *unknown = 1; /* an id below the last one: not at the end of a rebuild's order */
    }
    if (*unknown)
        return EMB_OK;
    snapshot *m = calloc(1, sizeof *m);
    if (!m || alloc_mini_deals(m, k)) {
        snapshot_free(m);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    const org_settings *org = store_org(st);
    fx_table *fx = NULL;
    sqlite3_stmt *deal = NULL, *product = NULL, *history = NULL, *count = NULL;
    sqlite3 *db = store_sqlite(st);
    emb_code rc = fx_load(st, org->currency, org->timezone, &fx, err);
    if (rc == EMB_OK &&
        (sqlite3_prepare_v2(db,
                            "SELECT d.id, d.created, d.closed, d.status, d.owner_id, d.account_id, d.pipeline_id, "
                            "d.stage_id, d.source, d.lead_id, d.lost_reason, d.amount, d.currency, d.expected_close, "
                            "d.probability_bp FROM deals d WHERE d.id = ?",
                            -1, &deal, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, "SELECT product_id FROM deal_products WHERE deal_id = ? ORDER BY id LIMIT 1", -1,
                            &product, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db,
                            "SELECT at, stage_id, owner_id, status, amount, currency, expected_close "
                            "FROM deal_history WHERE deal_id = ? ORDER BY id",
                            -1, &history, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, "SELECT count(*) FROM deal_history WHERE deal_id = ?", -1, &count, NULL) !=
             SQLITE_OK))
        rc = store_sql_error(st, _("reading the changed deals"), err);
    size_t cap = 0;
    for (size_t j = 0; rc == EMB_OK && j < k; j++) {
        sqlite3_bind_int64(count, 1, ids[j]);
        if (sqlite3_step(count) == SQLITE_ROW)
            cap += (size_t)sqlite3_column_int64(count, 0);
        sqlite3_reset(count);
    }
    if (rc == EMB_OK && (cap > UINT32_MAX || alloc_mini_history(m, cap)))
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    resolver r = {.old = old};
    size_t nh = 0;
    for (size_t j = 0; rc == EMB_OK && !r.unknown && j < k; j++) {
        int found;
        r.stmt = deal;
        sqlite3_bind_int64(deal, 1, ids[j]);
        rc = read_deal(&r, product, fx, m, j, index[j], &found, err);
        sqlite3_reset(deal);
        if (rc == EMB_OK && !found)
            r.unknown = 1; /* deleted since */
        if (rc == EMB_OK && !r.unknown && index[j] >= od->n && m->deals.lead[j] >= 0)
            r.unknown = 1; /* a lead converted: its flags and funnel move with it */
        if (rc == EMB_OK && !r.unknown) {
            r.stmt = history;
            sqlite3_bind_int64(history, 1, ids[j]);
            rc = read_history(&r, fx, m, j, &nh, cap, err);
            sqlite3_reset(history);
        }
    }
    m->history.n = nh;
    sqlite3_finalize(deal);
    sqlite3_finalize(product);
    sqlite3_finalize(history);
    sqlite3_finalize(count);
    fx_free(fx);
    *unknown = r.unknown;
    if (rc || *unknown) {
        snapshot_free(m);
        return rc;
    }
    *out = m;
    return EMB_OK;
}

/* 1 when the settings the snapshot was built with are the store's. */
static int same_settings(store *st, const snapshot *old)
{
    const org_settings *org = store_org(st);
    return !strcmp(org->currency, old->currency) && !strcmp(org->timezone, old->timezone) &&
           !strcmp(org->instance, old->instance) && org->fiscal_year_start == old->fiscal_year_start &&
           org->week_start == old->week_start;
}

emb_code snapshot_catch_up(store *st, const snapshot *old, snapshot **out, emb_err *err)
{
    *out = NULL;
    if (sqlite3_exec(store_sqlite(st), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_sql_error(st, _("catching up the analytics snapshot"), err);
    int64_t generation = store_generation(st);
    int64_t *ids = NULL;
    uint32_t *index = NULL;
    size_t k = 0;
    int unknown = 0;
    snapshot *m = NULL, *s = NULL;
    emb_code rc = EMB_OK;
    if (generation < old->generation || !old->blocks || !same_settings(st, old))
        unknown = 1;
    else if (generation > old->generation)
        rc = read_change_log(st, old->generation, generation, &ids, &k, &unknown, err);
    if (rc == EMB_OK && !unknown && k) {
        if (!(index = malloc(k * sizeof *index)))
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        else
            rc = read_changed(st, old, ids, k, index, &m, &unknown, err);
    }
    sqlite3_exec(store_sqlite(st), "COMMIT", NULL, NULL, NULL);
    if (rc == EMB_OK && !unknown) {
        if (!(s = snap_clone(old)))
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        else if (m)
            rc = snap_apply_deals(s, old, m, index, &unknown, err);
    }
    snapshot_free(m);
    free(ids);
    free(index);
    if (rc || unknown) {
        snapshot_free(s);
        return rc ? rc : emb_err_set(err, EMB_NOT_FOUND, _("the changes need a rebuild"));
    }
    s->generation = generation;
    *out = s;
    return EMB_OK;
}
