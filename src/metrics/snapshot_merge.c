/*
 * snapshot_merge.c - applying changed deals to a clone of a snapshot (see
 * snapshot_patch.h): their columns, history, spans, moves, exits and time
 * orders, each given a new array only when its values change.
 *
 * Every sorted list of the snapshot is ordered by (key, deal index, position
 * within the deal) (the builder's stable radix sorts): the entries of the changed
 * deals are dropped from the old list and their new ones, in that same order,
 * merged in; a list whose entries for those deals are the same keeps its arrays.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/snapshot_build.h"
#include "metrics/snapshot_columns.h"
#include "metrics/snapshot_patch.h"

typedef struct {
    const snapshot *old;
    snapshot *s, *m;
    const uint32_t *index; /* m's deal j is s's deal index[j] */
    size_t k, n, total;    /* changed deals, old deals, new deals */
    uint8_t *changed;      /* bit per deal of s: one of the changed */
    emb_err *err;
} patch;

static int is_changed(const patch *p, size_t deal) { return p->changed[deal >> 3] >> (deal & 7) & 1; }

static emb_code nomem(patch *p) { return emb_err_set(p->err, EMB_NOMEM, _("out of memory")); }

/* ---- columns of deals ------------------------------------------------------------- */

/* Gives s new arrays for the deal columns whose values change (every one when
 * deals are added). */
static emb_code patch_deal_columns(patch *p)
{
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
        const column_desc *c = &snap_columns[i];
        int of_deals = c->ptr >= offsetof(snapshot, deals) && c->ptr < offsetof(snapshot, deals) + sizeof(snap_deals);
        if (!of_deals || c->count != offsetof(snapshot, deals.n) || c->ptr == offsetof(snapshot, deals.by_created))
            continue; /* history.first and end too: patch_history's */
        const char *was = *snap_col_ptr((snapshot *)p->old, c), *now = *snap_col_ptr(p->m, c);
        int differs = p->total > p->n;
        for (size_t j = 0; !differs && j < p->k; j++)
            differs = memcmp(was + (size_t)p->index[j] * c->elem, now + j * c->elem, c->elem) != 0;
        if (!differs)
            continue;
        char *mem = snap_column_alloc(p->s, p->total * c->elem);
        if (!mem)
            return nomem(p);
        memcpy(mem, was, p->n * c->elem);
        for (size_t j = 0; j < p->k; j++)
            memcpy(mem + (size_t)p->index[j] * c->elem, now + j * c->elem, c->elem);
        if (snap_set_column(p->s, snap_col_ptr(p->s, c), mem))
            return nomem(p);
    }
    p->s->deals.n = p->total;
    return EMB_OK;
}

/* ---- history ------------------------------------------------------------------------ */

/* 1 when the changed deals' history rows in m are those of old (no deal added). */
static int same_history(const patch *p)
{
    const snap_history *oh = &p->old->history, *mh = &p->m->history;
    if (p->total > p->n)
        return 0;
    for (size_t j = 0; j < p->k; j++) {
        size_t o = oh->first[p->index[j]], oe = oh->end[p->index[j]];
        size_t r = mh->first[j], re = mh->end[j];
        if (oe - o != re - r)
            return 0;
        for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
            const column_desc *c = &snap_columns[i];
            if (c->count != offsetof(snapshot, history.n) || c->ptr == offsetof(snapshot, history.deal))
                continue;
            const char *x = *snap_col_ptr((snapshot *)p->old, c), *y = *snap_col_ptr(p->m, c);
            if (memcmp(x + o * c->elem, y + r * c->elem, (oe - o) * c->elem))
                return 0;
        }
    }
    return 1;
}

/* Copies m's rows (runs of its deals, in order) to dst's column c from row at on,
 * with s's deal indices. */
static void copy_mini_rows(const patch *p, const column_desc *c, char *dst, size_t at)
{
    const snap_history *mh = &p->m->history;
    const char *now = *snap_col_ptr(p->m, c);
    memcpy(dst + at * c->elem, now, mh->n * c->elem);
    if (c->ptr == offsetof(snapshot, history.deal))
        for (size_t j = 0; j < p->k; j++)
            for (size_t r = mh->first[j]; r < mh->end[j]; r++)
                ((int32_t *)(void *)dst)[at + r] = (int32_t)p->index[j];
}

/* The history rows of s. In place when every history column has room after its
 * last row (snap_column_room): the changed deals' new runs are appended there
 * and the old runs left unread. Otherwise all rows are copied to new arrays
 * (with room to grow) laid out as a build lays them out, in deal order, which
 * also drops the unread rows. Either way first[] and end[] are new arrays. */
static emb_code patch_history(patch *p)
{
    const snap_history *oh = &p->old->history, *mh = &p->m->history;
    snapshot *s = p->s;
    if (same_history(p))
        return EMB_OK;
    uint32_t *first = snap_column_alloc(s, p->total * sizeof *first);
    uint32_t *end = snap_column_alloc(s, p->total * sizeof *end);
    if (!first || !end) {
        snap_column_free(s, first);
        snap_column_free(s, end);
        return nomem(p);
    }
    int in_place = oh->n + mh->n <= UINT32_MAX;
    for (int claim = 0; claim < 2 && in_place; claim++)
        for (size_t i = 0; i < SNAP_NCOLUMNS && in_place; i++) {
            const column_desc *c = &snap_columns[i];
            if (c->count == offsetof(snapshot, history.n))
                in_place = snap_column_room(s, snap_col_ptr(s, c), oh->n * c->elem, mh->n * c->elem, claim) != NULL;
        }
    size_t total;
    if (in_place) {
        for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
            const column_desc *c = &snap_columns[i];
            if (c->count == offsetof(snapshot, history.n))
                copy_mini_rows(p, c, *snap_col_ptr(s, c), oh->n);
        }
        memcpy(first, oh->first, p->n * sizeof *first);
        memcpy(end, oh->end, p->n * sizeof *end);
        for (size_t j = 0; j < p->k; j++) {
            first[p->index[j]] = (uint32_t)(oh->n + mh->first[j]);
            end[p->index[j]] = (uint32_t)(oh->n + mh->end[j]);
        }
        total = oh->n + mh->n;
    } else {
        /* Laid out anew: each deal's run in deal order, the changed ones from m. */
        total = 0;
        for (size_t d = 0, j = 0; d < p->total; d++) {
            int changed = j < p->k && p->index[j] == d;
            size_t rows = changed ? mh->end[j] - mh->first[j] : oh->end[d] - oh->first[d];
            first[d] = (uint32_t)total;
            end[d] = (uint32_t)(total + rows);
            total += rows;
            j += changed;
        }
        if (total > UINT32_MAX) {
            snap_column_free(s, first);
            snap_column_free(s, end);
            return nomem(p);
        }
        size_t room = total + total / 8 + 1024; /* later catch-ups append in place */
        for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
            const column_desc *c = &snap_columns[i];
            if (c->count != offsetof(snapshot, history.n))
                continue;
            const char *was = *snap_col_ptr((snapshot *)p->old, c), *now = *snap_col_ptr(p->m, c);
            char *mem = snap_column_alloc(s, room * c->elem);
            if (!mem) {
                snap_column_free(s, first);
                snap_column_free(s, end);
                return nomem(p);
            }
            for (size_t d = 0, j = 0; d < p->total; d++) {
                int changed = j < p->k && p->index[j] == d;
                const char *from = changed ? now + (size_t)mh->first[j] * c->elem : was + (size_t)oh->first[d] * c->elem;
                size_t rows = end[d] - first[d];
                if (changed && c->ptr == offsetof(snapshot, history.deal))
                    for (size_t r = 0; r < rows; r++)
                        ((int32_t *)(void *)mem)[first[d] + r] = (int32_t)d;
                else
                    memcpy(mem + (size_t)first[d] * c->elem, from, rows * c->elem);
                j += changed;
            }
            if (snap_set_column(s, snap_col_ptr(s, c), mem) ||
                snap_column_set_used(s, snap_col_ptr(s, c), total * c->elem)) {
                snap_column_free(s, first);
                snap_column_free(s, end);
                return nomem(p);
            }
        }
    }
    if (snap_set_column(s, &s->history.first, first)) {
        snap_column_free(s, end);
        return nomem(p);
    }
    if (snap_set_column(s, &s->history.end, end))
        return nomem(p);
    s->history.n = total;
    return EMB_OK;
}

/* ---- sorted lists of deal events (spans, moves, exits) ----------------------------- */

/* One column of a list: its member in a snapshot, and its element size. */
typedef struct {
    size_t member; /* offsetof in snapshot */
    size_t elem;
} list_col;

static void *list_ptr(const snapshot *s, size_t member) { return *(void *const *)((const char *)s + member); }

static int64_t key_at(const void *col, size_t elem, size_t i)
{
    return elem == 8 ? ((const int64_t *)col)[i] : ((const int32_t *)col)[i];
}

/* Replaces the list (cols[0]: key, cols[1]: deal index; count at member count) of
 * the changed deals by m's (deal indices already those of s), unless equal. */
static emb_code merge_list(patch *p, const list_col *cols, size_t ncols, size_t count)
{
    size_t nold = *(const size_t *)((const char *)p->old + count);
    size_t nnew = *(const size_t *)((const char *)p->m + count);
    const int32_t *odeal = list_ptr(p->old, cols[1].member), *mdeal = list_ptr(p->m, cols[1].member);
    const void *okey = list_ptr(p->old, cols[0].member), *mkey = list_ptr(p->m, cols[0].member);
    size_t removed = 0, q = 0;
    int differs = 0;
    for (size_t i = 0; i < nold; i++) {
        if (!is_changed(p, (size_t)odeal[i]))
            continue;
        removed++;
        if (differs || q >= nnew) {
            differs = 1;
            continue;
        }
        for (size_t c = 0; c < ncols && !differs; c++) {
            size_t e = cols[c].elem;
            differs = memcmp((const char *)list_ptr(p->old, cols[c].member) + i * e,
                             (const char *)list_ptr(p->m, cols[c].member) + q * e, e) != 0;
        }
        q++;
    }
    if (!differs && q == nnew)
        return EMB_OK;
    size_t total = nold - removed + nnew, room = total + total / 8 + 1024; /* later appends in place */
    char *mem[4] = {0};
    for (size_t c = 0; c < ncols; c++)
        if (!(mem[c] = snap_column_alloc(p->s, room * cols[c].elem))) {
            for (size_t f = 0; f < c; f++)
                snap_column_free(p->s, mem[f]);
            return nomem(p);
        }
    size_t i = 0, out = 0;
    q = 0;
    while (i < nold || q < nnew) {
        while (i < nold && is_changed(p, (size_t)odeal[i]))
            i++;
        int take_new;
        if (i >= nold && q >= nnew)
            break;
        if (i >= nold)
            take_new = 1;
        else if (q >= nnew)
            take_new = 0;
        else {
            int64_t ko = key_at(okey, cols[0].elem, i), kn = key_at(mkey, cols[0].elem, q);
            take_new = kn < ko || (kn == ko && mdeal[q] < odeal[i]);
        }
        const snapshot *from = take_new ? p->m : p->old;
        size_t at = take_new ? q++ : i++;
        for (size_t c = 0; c < ncols; c++)
            memcpy(mem[c] + out * cols[c].elem, (const char *)list_ptr(from, cols[c].member) + at * cols[c].elem,
                   cols[c].elem);
        out++;
    }
    int failed = 0;
    for (size_t c = 0; c < ncols; c++)
        failed |= snap_set_column(p->s, (char *)p->s + cols[c].member, mem[c]) ||
                  snap_column_set_used(p->s, (char *)p->s + cols[c].member, total * cols[c].elem);
    if (failed)
        return nomem(p);
    *(size_t *)((char *)p->s + count) = total;
    return EMB_OK;
}

#define LCOL(member) {offsetof(snapshot, member), sizeof(*((snapshot *)0)->member)}

/* 1 when entry i of list a equals entry k of list b in every column. */
static int same_entry(const snapshot *a, size_t i, const snapshot *b, size_t k, const list_col *cols, size_t ncols)
{
    for (size_t c = 0; c < ncols; c++) {
        size_t e = cols[c].elem;
        if (memcmp((const char *)list_ptr(a, cols[c].member) + i * e, (const char *)list_ptr(b, cols[c].member) + k * e,
                   e))
            return 0;
    }
    return 1;
}

/* The list of s (cols, length at member count) given the changed deals' entries
 * before (in o) and after (in m), both with s's deal indices and in list order:
 * kept when they are equal; when the old ones lead the new ones and the rest sort
 * after the list's last entry (a stage left now), the rest is appended in place
 * if the columns have room (snap_column_room); else merged (merge_list). */
static emb_code update_list(patch *p, const snapshot *o, const list_col *cols, size_t ncols, size_t count)
{
    size_t nold = *(const size_t *)((const char *)p->old + count);
    size_t no = *(const size_t *)((const char *)o + count), nm = *(const size_t *)((const char *)p->m + count);
    size_t lead = 0;
    while (lead < no && lead < nm && same_entry(o, lead, p->m, lead, cols, ncols))
        lead++;
    if (lead == no && lead == nm)
        return EMB_OK;
    if (lead == no && nold) {
        const void *okey = list_ptr(p->old, cols[0].member), *mkey = list_ptr(p->m, cols[0].member);
        int64_t last = key_at(okey, cols[0].elem, nold - 1), first_new = key_at(mkey, cols[0].elem, lead);
        int32_t last_deal = ((const int32_t *)list_ptr(p->old, cols[1].member))[nold - 1];
        int32_t first_deal = ((const int32_t *)list_ptr(p->m, cols[1].member))[lead];
        /* At the same key, entries go by deal, and a deal's own in the order found
         * (a later row of the same deal after an earlier one). */
        int after = first_new > last || (first_new == last && first_deal >= last_deal);
        size_t add = nm - lead;
        for (int claim = 0; claim < 2 && after; claim++)
            for (size_t c = 0; c < ncols && after; c++)
                after = snap_column_room(p->s, (char *)p->s + cols[c].member, nold * cols[c].elem,
                                         add * cols[c].elem, claim) != NULL;
        if (after) {
            for (size_t c = 0; c < ncols; c++) {
                size_t e = cols[c].elem;
                memcpy((char *)list_ptr(p->s, cols[c].member) + nold * e,
                       (const char *)list_ptr(p->m, cols[c].member) + lead * e, add * e);
            }
            *(size_t *)((char *)p->s + count) = nold + add;
            return EMB_OK;
        }
    }
    return merge_list(p, cols, ncols, count);
}

/* The changed deals' old runs (existing deals; new ones have none) as a snapshot
 * of their own, deals 0..k-1 as in m, with the spans, moves and exits derived
 * from them; NULL when out of memory. */
static snapshot *old_runs(patch *p)
{
    const snap_history *oh = &p->old->history;
    snapshot *o = calloc(1, sizeof *o);
    size_t rows = 0;
    for (size_t j = 0; j < p->k; j++)
        if (p->index[j] < p->n)
            rows += oh->end[p->index[j]] - oh->first[p->index[j]];
    if (!o)
        return NULL;
    o->deals.n = p->k;
    o->history.n = rows;
    int failed = !(o->history.first = calloc(p->k ? p->k : 1, sizeof *o->history.first)) ||
                 !(o->history.end = calloc(p->k ? p->k : 1, sizeof *o->history.end));
    for (size_t i = 0; i < SNAP_NCOLUMNS && !failed; i++) {
        const column_desc *c = &snap_columns[i];
        if (c->count != offsetof(snapshot, history.n))
            continue;
        char *mem = malloc((rows ? rows : 1) * c->elem);
        *snap_col_ptr(o, c) = mem;
        if (!mem) {
            failed = 1;
            break;
        }
        const char *was = *snap_col_ptr((snapshot *)p->old, c);
        size_t at = 0;
        for (size_t j = 0; j < p->k; j++) {
            uint32_t d = p->index[j];
            size_t n = d < p->n ? oh->end[d] - oh->first[d] : 0;
            if (n)
                memcpy(mem + at * c->elem, was + (size_t)oh->first[d] * c->elem, n * c->elem);
            o->history.first[j] = (uint32_t)at;
            o->history.end[j] = (uint32_t)(at + n);
            at += n;
        }
    }
    build_ctx b = {.err = p->err};
    if (failed || build_spans_and_moves(&b, o) || build_exits(&b, o)) {
        snapshot_free(o);
        return NULL;
    }
    return o;
}

/* Gives m's (or o's) spans, moves and exits s's deal indices: the map is
 * increasing, so their orders hold. */
static void remap_lists(const patch *p, snapshot *x)
{
    snap_history *h = &x->history;
    for (size_t i = 0; i < h->nspans; i++)
        h->span_deal[i] = (int32_t)p->index[h->span_deal[i]];
    for (size_t i = 0; i < h->nmoves; i++)
        h->move_deal[i] = (int32_t)p->index[h->move_deal[i]];
    for (size_t i = 0; i < h->nexits; i++)
        h->exit_deal[i] = (int32_t)p->index[h->exit_deal[i]];
}

static emb_code patch_lists(patch *p)
{
    build_ctx b = {.err = p->err};
    emb_code rc = build_spans_and_moves(&b, p->m);
    if (rc == EMB_OK)
        rc = build_exits(&b, p->m);
    if (rc)
        return rc;
    snapshot *o = old_runs(p);
    if (!o)
        return nomem(p);
    remap_lists(p, p->m);
    remap_lists(p, o);
    static const list_col spans[] = {LCOL(history.span_to), LCOL(history.span_deal), LCOL(history.span_from)};
    static const list_col moves[] = {LCOL(history.move_from), LCOL(history.move_deal), LCOL(history.move_to)};
    static const list_col exits[] = {LCOL(history.exit_at), LCOL(history.exit_deal), LCOL(history.exit_stage),
                                     LCOL(history.exit_entered)};
    if ((rc = update_list(p, o, spans, 3, offsetof(snapshot, history.nspans))) == EMB_OK &&
        (rc = update_list(p, o, moves, 3, offsetof(snapshot, history.nmoves))) == EMB_OK)
        rc = update_list(p, o, exits, 4, offsetof(snapshot, history.nexits));
    snapshot_free(o);
    return rc;
}

/* ---- time orders: deals by creation and by close ------------------------------------ */

typedef struct {
    int64_t key;
    uint32_t deal;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->deal > b->deal) - (a->deal < b->deal);
}

/* Replaces the order *order (n_old entries, deals sorted by key then index) of s:
 * the changed deals leave it and those in it after the change (in_now) come back
 * at their new key; keys of unchanged deals are the same in old and s. */
static emb_code merge_order(patch *p, uint32_t **order, size_t *count, const uint32_t *old_order, size_t n_old,
                            const int64_t *key_now, int (*in_now)(const snapshot *, size_t))
{
    keyed *add = malloc((p->k ? p->k : 1) * sizeof *add);
    if (!add)
        return nomem(p);
    size_t nadd = 0;
    for (size_t j = 0; j < p->k; j++)
        if (in_now(p->s, p->index[j]))
            add[nadd++] = (keyed){key_now[p->index[j]], p->index[j]};
    qsort(add, nadd, sizeof *add, cmp_keyed);
    size_t removed = 0;
    for (size_t i = 0; i < n_old; i++)
        removed += is_changed(p, old_order[i]);
    size_t total = n_old - removed + nadd;
    uint32_t *mem = snap_column_alloc(p->s, total * sizeof *mem);
    if (!mem) {
        free(add);
        return nomem(p);
    }
    size_t i = 0, q = 0, out = 0;
    for (;;) {
        while (i < n_old && is_changed(p, old_order[i]))
            i++;
        if (i >= n_old && q >= nadd)
            break;
        int take_new = i >= n_old ||
                       (q < nadd && (add[q].key < key_now[old_order[i]] ||
                                     (add[q].key == key_now[old_order[i]] && add[q].deal < old_order[i])));
        mem[out++] = take_new ? add[q++].deal : old_order[i++];
    }
    free(add);
    if (snap_set_column(p->s, order, mem))
        return nomem(p);
    *count = total;
    return EMB_OK;
}

static int always(const snapshot *s, size_t deal)
{
    (void)s;
    (void)deal;
    return 1;
}

static int closed_now(const snapshot *s, size_t deal) { return s->deals.status[deal] != DEAL_OPEN; }

static emb_code patch_orders(patch *p)
{
    const snap_deals *od = &p->old->deals;
    snap_deals *d = &p->s->deals;
    int created_moved = p->total > p->n, closed_moved = 0;
    for (size_t j = 0; j < p->k; j++) {
        size_t i = p->index[j];
        int was_closed = i < p->n && od->status[i] != DEAL_OPEN, is_closed = d->status[i] != DEAL_OPEN;
        created_moved |= i < p->n && od->created[i] != d->created[i];
        closed_moved |= was_closed != is_closed || (is_closed && od->closed[i] != d->closed[i]);
    }
    emb_code rc = EMB_OK;
    if (created_moved) {
        size_t n = p->n;
        rc = merge_order(p, &d->by_created, &n, od->by_created, p->n, d->created, always);
    }
    if (rc == EMB_OK && closed_moved)
        rc = merge_order(p, &d->by_closed, &d->nclosed, od->by_closed, od->nclosed, d->closed, closed_now);
    return rc;
}

/* ---- what the changed deals feed elsewhere ------------------------------------------ */

/* 1 when a changed deal was or is won and its close (or with by_account, its
 * account) changed: only then may an account's first win or a lead's won flag. */
static int won_moved(const patch *p, int by_account)
{
    const snap_deals *od = &p->old->deals, *md = &p->m->deals;
    for (size_t j = 0; j < p->k; j++) {
        uint32_t i = p->index[j];
        int is = md->status[j] == DEAL_WON;
        if (i >= p->n) {
            if (is)
                return 1;
            continue;
        }
        int was = od->status[i] == DEAL_WON;
        if (was != is || (is && (od->closed[i] != md->closed[j] ||
                                 (by_account && od->account[i] != md->account[j]))))
            return 1;
    }
    return 0;
}

/* *unknown when an account of a changed deal (before or after) gets another first
 * won deal: the cold flags of its activities, and their rollups, would move. */
static emb_code check_first_won(patch *p, int *unknown)
{
    const snapshot *old = p->old;
    if (!won_moved(p, 1))
        return EMB_OK;
    const snap_deals *d = &p->s->deals;
    size_t na = old->accounts.n;
    uint8_t *mark = calloc(na / 8 + 1, 1);
    int64_t *first = malloc((p->k * 2 + 1) * sizeof *first);
    int32_t *which = malloc((p->k * 2 + 1) * sizeof *which);
    if (!mark || !first || !which) {
        free(mark);
        free(first);
        free(which);
        return nomem(p);
    }
    size_t nmarked = 0;
    for (size_t j = 0; j < p->k; j++) {
        int32_t acc[2] = {p->index[j] < p->n ? old->deals.account[p->index[j]] : SNAP_NONE, p->m->deals.account[j]};
        for (int t = 0; t < 2; t++)
            if (acc[t] >= 0 && !(mark[acc[t] >> 3] >> (acc[t] & 7) & 1)) {
                mark[acc[t] >> 3] |= (uint8_t)(1u << (acc[t] & 7));
                which[nmarked] = acc[t];
                first[nmarked++] = INT64_MAX;
            }
    }
    if (nmarked) {
        for (size_t i = 0; i < d->n; i++) {
            int32_t a = d->account[i];
            if (a < 0 || d->status[i] != DEAL_WON || !(mark[a >> 3] >> (a & 7) & 1))
                continue;
            for (size_t t = 0; t < nmarked; t++)
                if (which[t] == a && d->closed[i] < first[t])
                    first[t] = d->closed[i];
        }
        for (size_t t = 0; t < nmarked; t++)
            if (first[t] != old->accounts.first_won[which[t]])
                *unknown = 1;
    }
    free(mark);
    free(first);
    free(which);
    return EMB_OK;
}

/* The leads of changed deals: a deal moved to another lead makes *unknown (the
 * lead's converted flag depends on its stored status); a won flag that changes is
 * written to a new leads.won. */
static emb_code patch_leads(patch *p, int *unknown)
{
    const snapshot *old = p->old;
    const snap_deals *d = &p->s->deals;
    int32_t *lead = malloc((p->k ? p->k : 1) * sizeof *lead);
    uint8_t *won = calloc(p->k ? p->k : 1, 1);
    if (!lead || !won) {
        free(lead);
        free(won);
        return nomem(p);
    }
    size_t nleads = 0;
    for (size_t j = 0; j < p->k && !*unknown; j++) {
        uint32_t i = p->index[j];
        int32_t was = i < p->n ? old->deals.lead[i] : SNAP_NONE, now = d->lead[i];
        if (was != now)
            *unknown = 1;
        else if (now >= 0)
            lead[nleads++] = now;
    }
    int differs = 0;
    if (!*unknown && nleads && won_moved(p, 0)) {
        for (size_t i = 0; i < d->n; i++)
            if (d->lead[i] >= 0 && d->status[i] == DEAL_WON)
                for (size_t t = 0; t < nleads; t++)
                    won[t] |= d->lead[i] == lead[t];
        for (size_t t = 0; t < nleads; t++)
            differs |= won[t] != old->leads.won[lead[t]];
    }
    emb_code rc = EMB_OK;
    if (differs) {
        uint8_t *mem = snap_column_alloc(p->s, old->leads.n);
        if (!mem)
            rc = nomem(p);
        else {
            memcpy(mem, old->leads.won, old->leads.n);
            for (size_t t = 0; t < nleads; t++)
                mem[lead[t]] = won[t];
            if (snap_set_column(p->s, &p->s->leads.won, mem))
                rc = nomem(p);
        }
    }
    free(lead);
    free(won);
    return rc;
}

static unsigned __int128 magnitudes(const int64_t *v, size_t from, size_t to)
{
    unsigned __int128 sum = 0;
    for (size_t i = from; i < to; i++)
        sum += v[i] < 0 ? (uint64_t)0 - (uint64_t)v[i] : (uint64_t)v[i];
    return sum;
}

/* exact[0] (snapshot.h): kept from the sums of magnitudes of the two money
 * columns a catch-up changes, updated by what it took out and put in. */
static emb_code patch_exact(patch *p)
{
    const snapshot *old = p->old;
    snapshot *s = p->s;
    if (!old->mags_known) {
        s->mag_deals = magnitudes(old->deals.amount, 0, old->deals.n);
        s->mag_history = magnitudes(old->history.amount, 0, old->history.n);
    }
    s->mags_known = 1;
    const snap_history *oh = &old->history, *mh = &p->m->history;
    for (size_t j = 0; j < p->k; j++) {
        uint32_t d = p->index[j];
        if (d < p->n) {
            s->mag_deals -= magnitudes(old->deals.amount, d, (size_t)d + 1);
            s->mag_history -= magnitudes(oh->amount, oh->first[d], oh->end[d]);
        }
        s->mag_deals += magnitudes(p->m->deals.amount, j, j + 1);
        s->mag_history += magnitudes(mh->amount, mh->first[j], mh->end[j]);
    }
    int fits = old->exact[0] ? s->mag_deals <= (unsigned __int128)SNAP_SUM_MAX &&
                                   s->mag_history <= (unsigned __int128)SNAP_SUM_MAX
                             : snapshot_sums_fit(s);
    if ((uint8_t)fits == old->exact[0])
        return EMB_OK;
    uint8_t *mem = snap_column_alloc(s, 1);
    if (!mem)
        return nomem(p);
    *mem = (uint8_t)fits;
    return snap_set_column(s, &s->exact, mem) ? nomem(p) : EMB_OK;
}

emb_code snap_apply_deals(snapshot *s, const snapshot *old, snapshot *m, const uint32_t *index, int *unknown,
                          emb_err *err)
{
    *unknown = 0;
    patch p = {.old = old, .s = s, .m = m, .index = index, .k = m->deals.n, .n = old->deals.n, .err = err};
    p.total = p.n;
    for (size_t j = 0; j < p.k; j++)
        if (index[j] >= p.total)
            p.total = (size_t)index[j] + 1;
    if (!(p.changed = calloc(p.total / 8 + 1, 1)))
        return nomem(&p);
    for (size_t j = 0; j < p.k; j++)
        p.changed[index[j] >> 3] |= (uint8_t)(1u << (index[j] & 7));
    emb_code rc = patch_deal_columns(&p);
    if (rc == EMB_OK)
        rc = check_first_won(&p, unknown);
    if (rc == EMB_OK && !*unknown)
        rc = patch_leads(&p, unknown);
    if (rc == EMB_OK && !*unknown)
        rc = patch_history(&p);
    if (rc == EMB_OK && !*unknown)
        rc = patch_lists(&p);
    if (rc == EMB_OK && !*unknown)
        rc = patch_orders(&p);
    if (rc == EMB_OK && !*unknown)
        rc = patch_exact(&p);
    free(p.changed);
    return rc;
}
