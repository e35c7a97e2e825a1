/*
 * snapshot_lines.c - the order lines of the analytics snapshot (see snapshot_build.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/fx.h"
#include "metrics/snapshot_build.h"

#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof *(ptr)))

/* The lines of each order, in order then line id: the orders and the lines are
 * read in rowid order (sequential pages, no join), then the lines are put in their
 * orders' order by a stable counting sort. */
emb_code build_load_lines(build_ctx *b, snapshot *snap, const fx_table *fx)
{
    snap_lines *l = &snap->lines;
    id_map orders = {0};
    size_t norders;
    if (build_make_map(b, "orders", &orders, &norders))
        return b->err->code;
    int64_t nlines = build_scalar(b, "SELECT count(*) FROM order_lines");
    if (nlines < 0) {
        free(orders.idx);
        return b->err->code;
    }
    size_t n = (size_t)nlines;
    int64_t *o_ordered = malloc((norders ? norders : 1) * sizeof *o_ordered), *o_id = NULL;
    int32_t *o_rep = NULL, *o_account = NULL, *o_region = NULL, *o_cur = NULL, *line_order = NULL;
    uint32_t *start = NULL, *perm = NULL;
    void *tmp = NULL;
    emb_code rc = EMB_OK;
    sqlite3_stmt *s = NULL;
    if (!o_ordered || !ALLOC(o_id, norders) || !ALLOC(o_rep, norders) || !ALLOC(o_account, norders) ||
        !ALLOC(o_region, norders) || !ALLOC(o_cur, norders) || !ALLOC(line_order, n) || !ALLOC(start, norders + 1) ||
        !ALLOC(perm, n) || !(tmp = malloc((n ? n : 1) * sizeof(int64_t))) || !ALLOC(l->order, n) ||
        !ALLOC(l->ordered, n) || !ALLOC(l->rep, n) || !ALLOC(l->account, n) || !ALLOC(l->region, n) ||
        !ALLOC(l->product, n) || !ALLOC(l->net, n) || !ALLOC(l->cost, n) || !ALLOC(l->quantity, n) ||
        !ALLOC(l->gross, n) || !ALLOC(l->cost_known, n) || !ALLOC(l->fx_missing, n) || !ALLOC(l->order_id, norders) ||
        !ALLOC(l->order_currency, norders) || n > UINT32_MAX) {
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    if ((rc = build_prepare(b, "SELECT id, ordered, owner_id, account_id, region_id, currency FROM orders ORDER BY id",
                            &s)))
        goto done;
    for (size_t k = 0; k < norders && sqlite3_step(s) == SQLITE_ROW; k++) {
        o_id[k] = sqlite3_column_int64(s, 0);
        o_ordered[k] = sqlite3_column_int64(s, 1);
        o_rep[k] = build_map_get(&b->users, s, 2);
        o_account[k] = build_map_get(&b->accounts, s, 3);
        o_region[k] = build_map_get(&b->regions, s, 4);
        o_cur[k] = build_intern(&b->currencies, build_col_text(s, 5));
    }
    sqlite3_finalize(s);
    s = NULL;
    if ((rc = build_prepare(b,
                            "SELECT order_id, product_id, net_amount, cost_amount, quantity, quantity * unit_price "
                            "FROM order_lines ORDER BY id",
                            &s)))
        goto done;
    size_t i = 0;
    while (i < n && sqlite3_step(s) == SQLITE_ROW) {
        int32_t k = build_map_get(&orders, s, 0);
        if (k < 0)
            continue; /* no such order */
        line_order[i] = k;
        l->product[i] = build_map_get(&b->products, s, 1);
        l->quantity[i] = sqlite3_column_int64(s, 4);
        const char *cur = o_cur[k] >= 0 ? snap_text(&snap->currencies, o_cur[k]) : NULL;
        int64_t at = o_ordered[k];
        if (sqlite3_column_type(s, 5) != SQLITE_NULL && fx_convert(fx, cur, sqlite3_column_int64(s, 5), at, &l->gross[i]) != 0)
            l->gross[i] = 0;
        if (fx_convert(fx, cur, sqlite3_column_int64(s, 2), at, &l->net[i]) != 0)
            l->fx_missing[i] = 1;
        l->cost_known[i] = sqlite3_column_type(s, 3) != SQLITE_NULL;
        if (l->cost_known[i] && fx_convert(fx, cur, sqlite3_column_int64(s, 3), at, &l->cost[i]) != 0)
            l->fx_missing[i] = 1;
        i++;
    }
    n = l->n = i;
    for (i = 0; i < n; i++)
        start[line_order[i] + 1]++;
    for (size_t k = 0; k < norders; k++)
        start[k + 1] += start[k];
    for (i = 0; i < n; i++)
        perm[start[line_order[i]]++] = (uint32_t)i;
    BUILD_PERMUTE(l->product, perm, n, tmp);
    BUILD_PERMUTE(l->quantity, perm, n, tmp);
    BUILD_PERMUTE(l->gross, perm, n, tmp);
    BUILD_PERMUTE(l->net, perm, n, tmp);
    BUILD_PERMUTE(l->cost, perm, n, tmp);
    BUILD_PERMUTE(l->cost_known, perm, n, tmp);
    BUILD_PERMUTE(l->fx_missing, perm, n, tmp);
    /* The order's own columns, and the orders that have lines numbered in turn. */
    int32_t last = -1;
    for (i = 0; i < n; i++) {
        int32_t k = line_order[perm[i]];
        if (k != last) {
            l->order_id[l->norders] = o_id[k];
            l->order_currency[l->norders] = o_cur[k];
            l->norders++;
            last = k;
        }
        l->order[i] = (int32_t)(l->norders - 1);
        l->ordered[i] = o_ordered[k];
        l->rep[i] = o_rep[k];
        l->account[i] = o_account[k];
        l->region[i] = o_region[k];
    }
done:
    if (s)
        sqlite3_finalize(s);
    free(orders.idx);
    free(o_ordered);
    free(o_id);
    free(o_rep);
    free(o_account);
    free(o_region);
    free(o_cur);
    free(line_order);
    free(start);
    free(perm);
    free(tmp);
    return rc;
}

