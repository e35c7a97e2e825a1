/* kpi_records.c - the deals behind a number; see kpi_records.h. */
#include "metrics/kpi_records.h"

#include <stdlib.h>
#include <string.h>

#include "metrics/engine_internal.h"
#include "metrics/registry.h"

typedef enum { RS_NONE, RS_CREATED, RS_WON, RS_LOST, RS_CLOSED, RS_OPEN, RS_STALE } record_set;

static record_set set_of(const kpi_metric *m)
{
    switch (m->id) {
    case M_DEALS_CREATED: return RS_CREATED;
    case M_DEALS_WON:
    case M_REVENUE_WON:
    case M_AVG_DEAL_SIZE:
    case M_SALES_CYCLE_DAYS: return RS_WON;
    case M_DEALS_LOST:
    case M_LOST_CYCLE_DAYS:
    case M_LOST_REASONS: return RS_LOST;
    case M_WIN_RATE: return RS_CLOSED;
    case M_OPEN_PIPELINE:
    case M_WEIGHTED_PIPELINE: return RS_OPEN;
    case M_STALE_DEALS: return RS_STALE;
    default: return RS_NONE;
    }
}

int kpi_metric_has_records(const kpi_metric *m) { return set_of(m) != RS_NONE; }

const char *kpi_records_metric_list(void)
{
    return "deals_created, deals_won, deals_lost, revenue_won, win_rate, avg_deal_size, sales_cycle_days, "
           "lost_cycle_days, lost_reasons, open_pipeline, weighted_pipeline, stale_deals";
}

typedef struct {
    kpi_record *v;
    size_t n, cap;
} record_list;

static int push(record_list *l, arena *a, const kpi_record *r)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        kpi_record *v = arena_calloc(a, cap, sizeof *v);
        if (!v)
            return -1;
        if (l->n)
            memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *r;
    return 0;
}

static int cmp_deal(const void *x, const void *y)
{
    int32_t a = ((const kpi_record *)x)->deal, b = ((const kpi_record *)y)->deal;
    return (a > b) - (a < b);
}

emb_code kpi_records(const snapshot *s, const kpi_query *q, const kpi_metric *m, arena *a, kpi_record **out,
                     size_t *n, emb_err *err)
{
    record_set set = set_of(m);
    *out = NULL;
    *n = 0;
    if (set == RS_NONE)
        return emb_err_set(err, EMB_USAGE, "'%s' does not list its records; these do: %s", m->name,
                           kpi_records_metric_list());
    for (int b = 0; b < q->nby; b++)
        if (!kpi_metric_has_dim(m, q->by[b]))
            return emb_err_set(err, EMB_USAGE, "metric '%s' cannot be broken down by '%s'", m->name,
                               kpi_dim_name(q->by[b]));
    const snap_deals *d = &s->deals;
    const snap_history *h = &s->history;
    record_list l = {0};
    kpi_record r;
    if (set == RS_OPEN || set == RS_STALE) {
        uint8_t *stale_ok = NULL; /* the deals that are not stale */
        if (set == RS_STALE && !(stale_ok = eng_stale_recent(s, q->as_of)))
            return emb_err_set(err, EMB_NOMEM, "out of memory");
        for (size_t k = eng_first_span_after(h, q->as_of); k < h->nspans; k++) {
            size_t i = (size_t)h->span_deal[k];
            if (h->span_from[k] > q->as_of || (stale_ok && stale_ok[i] && d->sched_until[i] >= q->as_of))
                continue;
            size_t row = eng_row_at(h, i, q->as_of);
            if (row == (size_t)-1 || h->status[row] != DEAL_OPEN || (q->nfilters && !eng_open_passes(s, q, i, row)))
                continue;
            memset(&r, 0, sizeof r);
            r.deal = (int32_t)i;
            for (int b = 0; b < q->nby; b++)
                r.key[b] = eng_open_dim(s, i, row, q->by[b]);
            r.rep = eng_open_dim(s, i, row, DIM_REP);
            r.stage = eng_open_dim(s, i, row, DIM_STAGE);
            r.amount = h->amount[row];
            if (push(&l, a, &r)) {
                free(stale_ok);
                return emb_err_set(err, EMB_NOMEM, "out of memory");
            }
        }
        free(stale_ok);
        /* spans are in order of their end: list the deals in deal order */
        if (l.n > 1)
            qsort(l.v, l.n, sizeof *l.v, cmp_deal);
    } else {
        for (size_t i = 0; i < d->n; i++) {
            int64_t event = set == RS_CREATED ? d->created[i] : d->closed[i];
            if (set != RS_CREATED && (d->status[i] == DEAL_OPEN || (set == RS_WON && d->status[i] != DEAL_WON) ||
                                      (set == RS_LOST && d->status[i] != DEAL_LOST)))
                continue;
            if (event < q->t0 || event >= q->t1 || (q->nfilters && !eng_deal_passes(s, q, i, event)))
                continue;
            memset(&r, 0, sizeof r);
            r.deal = (int32_t)i;
            for (int b = 0; b < q->nby; b++)
                r.key[b] = eng_deal_dim(s, i, q->by[b], event);
            r.rep = eng_deal_dim(s, i, DIM_REP, event);
            r.stage = d->stage[i];
            r.amount = d->amount[i];
            if (push(&l, a, &r))
                return emb_err_set(err, EMB_NOMEM, "out of memory");
        }
    }
    *out = l.v;
    *n = l.n;
    return EMB_OK;
}
