/*
 * m_spend.c - spend and new customers, the inputs of cost_per_lead, cac,
 * cost_per_sale and sales_roi (m_derived.c).
 *
 * marketing_spend / sales_spend: expenses of that category in the period; an
 * expense covering [from, to) counts in proportion to the days it shares with the
 * period (rounded half away from zero to the cent, per expense). Its channel is
 * the `source` dimension, so marketing spend meets the leads of that source.
 * new_customers: accounts whose first won deal closes in the period.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef struct {
    int64_t marketing, sales, customers;
    int64_t fx_missing_expense; /* index + 1 */
} spend_acc;

static int passes(const kpi_query *q, kpi_dim d, int32_t v)
{
    for (int f = 0; f < q->nfilters; f++) {
        if (q->filters[f].dim != d)
            continue;
        int hit = eng_filter_has(&q->filters[f], v);
        if (!hit)
            return 0;
    }
    return 1;
}

emb_code eng_eval_spend(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_expenses *e = &s->expenses;
    if (eng_groups_init(&out->groups, q->nby, sizeof(spend_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int64_t from = q->t0 == INT64_MIN ? INT64_MIN : tz_local_day(s->zone, q->t0);
    int64_t to = q->t1 == INT64_MAX ? INT64_MAX : tz_local_day(s->zone, q->t1);
    int32_t key[KPI_MAX_BY] = {0};
    for (size_t i = 0; i < e->n; i++) {
        int64_t lo = e->from[i] > from ? e->from[i] : from, hi = e->to[i] < to ? e->to[i] : to;
        int64_t days = (int64_t)e->to[i] - e->from[i];
        if (hi <= lo || days <= 0 || e->category[i] == EXP_OTHER || !passes(q, DIM_SOURCE, e->channel[i]))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = e->channel[i]; /* the only dimension of spend is its channel */
        spend_acc *acc = eng_group(&out->groups, key);
        if (!acc)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        int64_t part = fx_div_round((__int128)e->amount[i] * (hi - lo), days);
        if (e->category[i] == EXP_MARKETING)
            acc->marketing += part;
        else
            acc->sales += part;
        if (e->fx_missing[i] && !acc->fx_missing_expense)
            acc->fx_missing_expense = (int64_t)i + 1;
    }
    return EMB_OK;
}

int32_t eng_account_dim(const snapshot *s, int32_t acc, kpi_dim d)
{
    switch (d) {
    case DIM_ACCOUNT:
        return acc;
    case DIM_SEGMENT:
        return s->accounts.segment[acc];
    case DIM_INDUSTRY:
        return s->accounts.industry[acc];
    default: /* DIM_REGION */
        return s->accounts.region[acc];
    }
}

emb_code eng_eval_new_customers(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    size_t n = s->accounts.n;
    const int64_t *first = s->accounts.first_won;
    if (eng_groups_init(&out->groups, q->nby, sizeof(spend_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    for (size_t a = 0; a < n; a++) {
        if (first[a] == INT64_MAX || first[a] < q->t0 || first[a] >= q->t1)
            continue;
        int pass = 1;
        for (int f = 0; f < q->nfilters && pass; f++)
            pass = passes(q, q->filters[f].dim, eng_account_dim(s, (int32_t)a, q->filters[f].dim));
        if (!pass)
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_account_dim(s, (int32_t)a, q->by[b]);
        spend_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        acc->customers++;
    }
    return rc;
}

emb_code reg_project_spend(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const spend_acc *c = (const spend_acc *)(r->groups.accs + g * sizeof(spend_acc));
    if (c->fx_missing_expense) {
        const snap_expenses *e = &r->snap->expenses;
        char day[11];
        date_format_iso(e->from[c->fx_missing_expense - 1], day);
        return emb_err_set(err, EMB_INVALID, _("no exchange rate to %s for an expense of %s; add one with "
                                               "`embudo import rates`"), r->snap->currency, day);
    }
    switch (id) {
    case M_MARKETING_SPEND:
        *out = (kpi_value){.kind = KV_MONEY, .i = c->marketing};
        return EMB_OK;
    case M_SALES_SPEND:
        *out = (kpi_value){.kind = KV_MONEY, .i = c->sales};
        return EMB_OK;
    case M_NEW_CUSTOMERS:
        *out = (kpi_value){.kind = KV_INT, .i = c->customers};
        return EMB_OK;
    default:
        return emb_err_set(err, EMB_INTERNAL, _("metric %d is not a spend metric"), (int)id);
    }
}

/* accounts_per_rep at the instant: accounts owned, and those active (an order or a
 * won deal in the 90 days up to the instant), by the account owner. */
#define ACTIVE_DAYS 90

typedef struct {
    int64_t accounts, active;
} accounts_acc;

int32_t eng_owned_dim(const snapshot *s, int32_t acc, kpi_dim d)
{
    int32_t v;
    return eng_rep_dim(s, s->accounts.owner[acc], d, &v) ? v : eng_account_dim(s, acc, d); /* segment, industry */
}

uint8_t *eng_accounts_active(const snapshot *s, int64_t as_of)
{
    size_t n = s->accounts.n;
    uint8_t *active = calloc(n ? n : 1, 1);
    if (!active)
        return NULL;
    int64_t since = as_of - ACTIVE_DAYS * 86400;
    /* Lines and won deals in (since, as_of], from their time orders. */
    const snap_lines *l = &s->lines;
    int64_t after = since == INT64_MAX ? since : since + 1;
    for (size_t k = eng_order_from(l->by_ordered, l->n, l->ordered, after); k < l->n; k++) {
        size_t i = l->by_ordered[k];
        if (l->ordered[i] > as_of)
            break;
        if (l->account[i] >= 0)
            active[l->account[i]] = 1;
    }
    const snap_deals *d = &s->deals;
    for (size_t k = eng_order_from(d->by_closed, d->nclosed, d->closed, after); k < d->nclosed; k++) {
        size_t i = d->by_closed[k];
        if (d->closed[i] > as_of)
            break;
        if (d->account[i] >= 0 && d->status[i] == DEAL_WON)
            active[d->account[i]] = 1;
    }
    return active;
}

emb_code eng_eval_accounts(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    size_t n = s->accounts.n;
    uint8_t *active = eng_accounts_active(s, q->as_of);
    if (!active || eng_groups_init(&out->groups, q->nby, sizeof(accounts_acc))) {
        free(active);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    for (size_t a = 0; a < n; a++) {
        int pass = 1;
        for (int f = 0; f < q->nfilters && pass; f++)
            pass = passes(q, q->filters[f].dim, eng_owned_dim(s, (int32_t)a, q->filters[f].dim));
        if (!pass)
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_owned_dim(s, (int32_t)a, q->by[b]);
        accounts_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        acc->accounts++;
        acc->active += active[a];
    }
    free(active);
    return rc;
}

emb_code reg_project_accounts(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    (void)id;
    (void)err;
    const accounts_acc *c = (const accounts_acc *)(r->groups.accs + g * sizeof(accounts_acc));
    *out = (kpi_value){.kind = KV_PARTS, .part = {c->accounts, c->active}};
    return EMB_OK;
}

/* last_touch at the instant, per account: days since its last completed activity
 * and days to its next scheduled one (activities on the account or on its deals). */
typedef struct {
    int64_t last_done, next_due; /* INT64_MIN / INT64_MAX when none */
} touch_acc;

static void touch(eng_touch *t, int32_t acc, const snap_activities *a, size_t i, int64_t as_of)
{
    eng_touch *x = &t[acc];
    if (a->done[i] != SNAP_OPEN_INSTANT && a->done[i] <= as_of && a->done[i] > x->last_done) {
        x->last_done = a->done[i];
        x->last = (int32_t)i;
    }
    if (a->due[i] != SNAP_OPEN_INSTANT && a->due[i] >= as_of &&
        (a->done[i] == SNAP_OPEN_INSTANT || a->done[i] > as_of) && a->due[i] < x->next_due) {
        x->next_due = a->due[i];
        x->next = (int32_t)i;
    }
}

eng_touch *eng_touches_at(const snapshot *s, int64_t as_of)
{
    size_t n = s->accounts.n;
    eng_touch *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return NULL;
    for (size_t k = 0; k < n; k++)
        t[k] = (eng_touch){.last_done = INT64_MIN, .next_due = INT64_MAX, .last = -1, .next = -1};
    const snap_activities *a = &s->activities;
    for (size_t i = 0; i < a->n; i++) {
        int32_t acc = a->account[i], via_deal = a->deal[i] >= 0 ? s->deals.account[a->deal[i]] : -1;
        if (acc >= 0)
            touch(t, acc, a, i, as_of);
        if (via_deal >= 0 && via_deal != acc)
            touch(t, via_deal, a, i, as_of);
    }
    return t;
}

emb_code eng_eval_touches_by_account(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    size_t n = s->accounts.n;
    eng_touch *at = eng_touches_at(s, q->as_of);
    if (!at || eng_groups_init(&out->groups, q->nby, sizeof(touch_acc))) {
        free(at);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    for (size_t k = 0; k < n; k++) {
        int pass = 1;
        for (int f = 0; f < q->nfilters && pass; f++)
            pass = passes(q, q->filters[f].dim, eng_account_dim(s, (int32_t)k, q->filters[f].dim));
        if (!pass)
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_account_dim(s, (int32_t)k, q->by[b]);
        touch_acc *t = eng_group(&out->groups, key);
        if (!t) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        t->last_done = at[k].last_done;
        t->next_due = at[k].next_due;
    }
    free(at);
    return rc;
}

emb_code reg_project_touch(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    (void)id;
    (void)err;
    const touch_acc *t = (const touch_acc *)(r->groups.accs + g * sizeof(touch_acc));
    int64_t as_of = r->query->as_of;
    *out = (kpi_value){.kind = KV_PARTS};
    if (t->last_done == INT64_MIN)
        out->part_null |= 1u;
    else
        out->xpart[0] = (double)(as_of - t->last_done) / 86400.0;
    if (t->next_due == INT64_MAX)
        out->part_null |= 2u;
    else
        out->xpart[1] = (double)(t->next_due - as_of) / 86400.0;
    if (out->part_null == 3u) /* no activity at all */
        *out = (kpi_value){.kind = KV_NULL};
    return EMB_OK;
}

kpi_value reg_empty_spend(metric_id id)
{
    switch (id) {
    case M_MARKETING_SPEND:
    case M_SALES_SPEND:
        return (kpi_value){.kind = KV_MONEY, .i = 0};
    case M_NEW_CUSTOMERS:
        return (kpi_value){.kind = KV_INT, .i = 0};
    case M_ACCOUNTS_PER_REP:
        return (kpi_value){.kind = KV_PARTS};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
