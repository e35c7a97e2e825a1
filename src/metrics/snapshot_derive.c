/*
 * snapshot_derive.c - the parts of the analytics snapshot derived from what was
 * read (see snapshot_build.h): open spans and expected-close moves from the deal
 * history, and per-lead and per-deal figures from the activities.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/radix.h"
#include "metrics/snapshot_build.h"

/* A span (key: its end; val: its index in the order found) or a move (key: the
 * day moved from; val: the day moved to) being sorted. */
typedef struct {
    int64_t key;
    int32_t deal, val;
} sort_item;

/* Sorts items by key, stably (radix_sort_u64 over their positions). */
static int sort_items(sort_item *items, size_t n)
{
    if (n < 2)
        return 0;
    uint64_t *key = malloc(n * sizeof *key);
    uint32_t *pos = malloc(n * sizeof *pos);
    sort_item *out = malloc(n * sizeof *out);
    int rc = -1;
    if (key && pos && out && n <= UINT32_MAX) {
        for (size_t i = 0; i < n; i++) {
            key[i] = radix_key_i64(items[i].key);
            pos[i] = (uint32_t)i;
        }
        if (radix_sort_u64(key, pos, n) == 0) {
            for (size_t i = 0; i < n; i++)
                out[i] = items[pos[i]];
            memcpy(items, out, n * sizeof *out);
            rc = 0;
        }
    }
    free(key);
    free(pos);
    free(out);
    return rc;
}

emb_code build_spans_and_moves(build_ctx *b, snapshot *snap)
{
    snap_history *h = &snap->history;
    size_t ndeals = snap->deals.n;
    /* Counts first, then the spans and moves in deal order, then sorted. */
    size_t nspans = 0, nmoves = 0;
    for (size_t i = 0; i < ndeals; i++) {
        int open = 0;
        for (size_t r = h->first[i]; r < h->end[i]; r++) {
            int now_open = h->status[r] == DEAL_OPEN;
            nspans += now_open && !open;
            open = now_open;
            if (r > h->first[i]) {
                int32_t before = h->expected_close[r - 1], after = h->expected_close[r];
                nmoves += before != INT32_MIN && after != INT32_MIN && after > before;
            }
        }
    }
    sort_item *spans = malloc((nspans ? nspans : 1) * sizeof *spans);
    sort_item *moves = malloc((nmoves ? nmoves : 1) * sizeof *moves);
    int64_t *from = malloc((nspans ? nspans : 1) * sizeof *from);
    if (!spans || !moves || !from || nspans > INT32_MAX) {
        free(spans);
        free(moves);
        free(from);
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    }
    size_t ns = 0, nm = 0;
    for (size_t i = 0; i < ndeals; i++) {
        int open = 0;
        for (size_t r = h->first[i]; r < h->end[i]; r++) {
            int now_open = h->status[r] == DEAL_OPEN;
            if (now_open && !open) {
                from[ns] = h->at[r];
                spans[ns] = (sort_item){.key = INT64_MAX, .deal = (int32_t)i, .val = (int32_t)ns};
                ns++;
            } else if (!now_open && open) {
                spans[ns - 1].key = h->at[r];
            }
            open = now_open;
            if (r > h->first[i]) {
                int32_t before = h->expected_close[r - 1], after = h->expected_close[r];
                if (before != INT32_MIN && after != INT32_MIN && after > before)
                    moves[nm++] = (sort_item){.key = before, .deal = (int32_t)i, .val = after};
            }
        }
    }
    /* Sorted by key; found in deal order, so a stable sort leaves ties by deal. */
    if (sort_items(spans, ns) || sort_items(moves, nm)) {
        free(spans);
        free(moves);
        free(from);
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    }
    h->nspans = ns;
    h->nmoves = nm;
    emb_code rc = EMB_OK;
#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof *(ptr)))
    if (!ALLOC(h->span_deal, ns) || !ALLOC(h->span_from, ns) || !ALLOC(h->span_to, ns) ||
        !ALLOC(h->move_deal, nm) || !ALLOC(h->move_from, nm) || !ALLOC(h->move_to, nm)) {
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    } else {
        for (size_t k = 0; k < ns; k++) {
            h->span_deal[k] = spans[k].deal;
            h->span_from[k] = from[spans[k].val];
            h->span_to[k] = spans[k].key;
        }
        for (size_t k = 0; k < nm; k++) {
            h->move_deal[k] = moves[k].deal;
            h->move_from[k] = (int32_t)moves[k].key;
            h->move_to[k] = moves[k].val;
        }
    }
#undef ALLOC
    free(spans);
    free(moves);
    free(from);
    return rc;
}

void build_first_won(snapshot *snap)
{
    const snap_deals *d = &snap->deals;
    int64_t *first_won = snap->accounts.first_won;
    for (size_t k = 0; k < snap->accounts.n; k++)
        first_won[k] = INT64_MAX;
    for (size_t i = 0; i < d->n; i++)
        if (d->status[i] == DEAL_WON && d->account[i] >= 0 && d->closed[i] < first_won[d->account[i]])
            first_won[d->account[i]] = d->closed[i];
}

emb_code build_deal_orders(build_ctx *b, snapshot *snap)
{
    snap_deals *d = &snap->deals;
    size_t n = d->n;
    d->nclosed = 0;
    for (size_t i = 0; i < n; i++)
        d->nclosed += d->status[i] != DEAL_OPEN;
    uint64_t *key = malloc((n ? n : 1) * sizeof *key);
    uint32_t *val = malloc((n ? n : 1) * sizeof *val);
    d->by_created = malloc((n ? n : 1) * sizeof *d->by_created);
    d->by_closed = malloc((d->nclosed ? d->nclosed : 1) * sizeof *d->by_closed);
    emb_code rc = EMB_OK;
    if (!key || !val || !d->by_created || !d->by_closed || n > UINT32_MAX) {
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        key[i] = radix_key_i64(d->created[i]);
        val[i] = (uint32_t)i;
    }
    if (radix_sort_u64(key, val, n)) {
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    memcpy(d->by_created, val, n * sizeof *val);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (d->status[i] != DEAL_OPEN) {
            key[k] = radix_key_i64(d->closed[i]);
            val[k++] = (uint32_t)i;
        }
    if (radix_sort_u64(key, val, k))
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    else
        memcpy(d->by_closed, val, k * sizeof *val);
done:
    free(key);
    free(val);
    return rc;
}

emb_code build_exits(build_ctx *b, snapshot *snap)
{
    snap_history *h = &snap->history;
    size_t n = snap->deals.n, nexits = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t r = h->first[i] + 1; r < h->end[i]; r++)
            nexits += h->stage[r] != h->stage[r - 1] ? 1 : 0;
    /* Stays: a run of rows in one stage; an exit where the stage changes. The
     * exits are found in deal order, then ordered by time (stably). */
    size_t cap = nexits ? nexits : 1;
    uint64_t *key = malloc(cap * sizeof *key);
    uint32_t *val = malloc(cap * sizeof *val);
    int32_t *deal = malloc(cap * sizeof *deal), *stage = malloc(cap * sizeof *stage);
    int64_t *entered = malloc(cap * sizeof *entered);
    h->exit_deal = malloc(cap * sizeof *h->exit_deal);
    h->exit_stage = malloc(cap * sizeof *h->exit_stage);
    h->exit_at = malloc(cap * sizeof *h->exit_at);
    h->exit_entered = malloc(cap * sizeof *h->exit_entered);
    h->nexits = nexits;
    emb_code rc = EMB_OK;
    if (!key || !val || !deal || !stage || !entered || !h->exit_deal || !h->exit_stage || !h->exit_at ||
        !h->exit_entered || nexits > UINT32_MAX) {
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first = h->first[i], end = h->end[i];
        if (end - first < 2)
            continue;
        int32_t run_stage = h->stage[first];
        int64_t since = h->at[first];
        for (size_t r = first + 1; r < end; r++) {
            if (h->stage[r] == run_stage)
                continue;
            deal[k] = (int32_t)i;
            stage[k] = run_stage;
            entered[k] = since;
            key[k] = radix_key_i64(h->at[r]);
            val[k] = (uint32_t)k;
            k++;
            run_stage = h->stage[r];
            since = h->at[r];
        }
    }
    if (radix_sort_u64(key, val, k)) {
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    for (size_t e = 0; e < k; e++) {
        h->exit_deal[e] = deal[val[e]];
        h->exit_stage[e] = stage[val[e]];
        h->exit_entered[e] = entered[val[e]];
        h->exit_at[e] = radix_i64(key[e]);
    }
done:
    free(key);
    free(val);
    free(deal);
    free(stage);
    free(entered);
    return rc;
}

emb_code build_time_orders(build_ctx *b, snapshot *snap)
{
    build_first_won(snap);
    emb_code rc = build_deal_orders(b, snap);
    return rc ? rc : build_exits(b, snap);
}

emb_code build_line_order(build_ctx *b, snapshot *snap)
{
    snap_lines *l = &snap->lines;
    size_t n = l->n;
    uint64_t *key = malloc((n ? n : 1) * sizeof *key);
    l->by_ordered = malloc((n ? n : 1) * sizeof *l->by_ordered);
    if (!key || !l->by_ordered || n > UINT32_MAX) {
        free(key);
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    }
    for (size_t i = 0; i < n; i++) {
        key[i] = radix_key_i64(l->ordered[i]);
        l->by_ordered[i] = (uint32_t)i;
    }
    int failed = radix_sort_u64(key, l->by_ordered, n);
    free(key);
    return failed ? emb_err_set(b->err, EMB_NOMEM, _("out of memory")) : EMB_OK;
}

/* After the activities are loaded: the first completed call, email or meeting of
 * each lead, the completed activities of each deal, and whether each activity is
 * cold at its completion. */
void build_derive_from_activities(snapshot *snap)
{
    snap_leads *l = &snap->leads;
    snap_activities *a = &snap->activities;
    snap_deals *d = &snap->deals;
    for (size_t i = 0; i < l->n; i++)
        l->first_touch[i] = SNAP_OPEN_INSTANT;
    for (size_t i = 0; i < a->n; i++) {
        int32_t lead = a->lead[i];
        if (lead < 0 || a->done[i] == SNAP_OPEN_INSTANT || a->type[i] > ACT_MEETING)
            continue;
        if (l->first_touch[lead] == SNAP_OPEN_INSTANT || a->done[i] < l->first_touch[lead])
            l->first_touch[lead] = a->done[i];
    }
    for (size_t i = 0; i < d->n; i++) {
        d->done_activities[i] = 0;
        d->sched_until[i] = INT64_MIN;
    }
    for (size_t i = 0; i < a->n; i++) {
        int32_t deal = a->deal[i];
        if (deal < 0)
            continue;
        if (a->done[i] != SNAP_OPEN_INSTANT)
            d->done_activities[deal]++;
        if (a->due[i] != SNAP_OPEN_INSTANT) {
            int64_t until = a->done[i] == SNAP_OPEN_INSTANT || a->done[i] - 1 > a->due[i] ? a->due[i] : a->done[i] - 1;
            if (until > d->sched_until[deal])
                d->sched_until[deal] = until;
        }
    }
    /* Cold (METRICS.md): flagged, or to an account with no deal won before it, or to
     * a lead without an account. */
    const int64_t *first_won = snap->accounts.first_won;
    for (size_t i = 0; i < a->n; i++) {
        int32_t account = a->account[i];
        a->cold[i] = a->cold[i] || (account >= 0 && first_won[account] >= a->done[i]) ||
                     (account < 0 && a->lead[i] >= 0);
    }
}
