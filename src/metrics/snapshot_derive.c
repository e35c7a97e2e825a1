/*
 * snapshot_derive.c - the parts of the analytics snapshot derived from what was
 * read (see snapshot_build.h): open spans and expected-close moves from the deal
 * history, and per-lead and per-deal figures from the activities.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics/snapshot_build.h"

/* A span (key: its end; val: its index in the order found) or a move (key: the
 * day moved from; val: the day moved to) being sorted. */
typedef struct {
    int64_t key;
    int32_t deal, val;
} sort_item;

static int cmp_item(const void *x, const void *y)
{
    const sort_item *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->deal != b->deal)
        return a->deal < b->deal ? -1 : 1;
    return (a->val > b->val) - (a->val < b->val);
}

emb_code build_spans_and_moves(build_ctx *b, snapshot *snap)
{
    snap_history *h = &snap->history;
    size_t ndeals = snap->deals.n;
    /* Counts first, then the spans and moves in deal order, then sorted. */
    size_t nspans = 0, nmoves = 0;
    for (size_t i = 0; i < ndeals; i++) {
        int open = 0;
        for (size_t r = h->first[i]; r < h->first[i + 1]; r++) {
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
        return emb_err_set(b->err, EMB_NOMEM, "out of memory");
    }
    size_t ns = 0, nm = 0;
    for (size_t i = 0; i < ndeals; i++) {
        int open = 0;
        for (size_t r = h->first[i]; r < h->first[i + 1]; r++) {
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
    qsort(spans, ns, sizeof *spans, cmp_item);
    qsort(moves, nm, sizeof *moves, cmp_item);
    h->nspans = ns;
    h->nmoves = nm;
    emb_code rc = EMB_OK;
#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof *(ptr)))
    if (!ALLOC(h->span_deal, ns) || !ALLOC(h->span_from, ns) || !ALLOC(h->span_to, ns) ||
        !ALLOC(h->move_deal, nm) || !ALLOC(h->move_from, nm) || !ALLOC(h->move_to, nm)) {
        rc = emb_err_set(b->err, EMB_NOMEM, "out of memory");
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

/* After the activities are loaded: the first completed call, email or meeting of
 * each lead, and the completed activities of each deal. */
void build_derive_from_activities(snapshot *snap)
{
    snap_leads *l = &snap->leads;
    const snap_activities *a = &snap->activities;
    for (size_t i = 0; i < l->n; i++)
        l->first_touch[i] = SNAP_OPEN_INSTANT;
    for (size_t i = 0; i < a->n; i++) {
        int32_t lead = a->lead[i];
        if (lead < 0 || a->done[i] == SNAP_OPEN_INSTANT || a->type[i] > ACT_MEETING)
            continue;
        if (l->first_touch[lead] == SNAP_OPEN_INSTANT || a->done[i] < l->first_touch[lead])
            l->first_touch[lead] = a->done[i];
    }
    for (size_t i = 0; i < snap->deals.n; i++)
        snap->deals.done_activities[i] = 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->deal[i] >= 0 && a->done[i] != SNAP_OPEN_INSTANT)
            snap->deals.done_activities[a->deal[i]]++;
}

