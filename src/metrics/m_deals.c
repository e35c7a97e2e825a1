/*
 * m_deals.c - the deal families of the pipeline metrics: deals closed (won/lost)
 * and deals created in the period, and the projections of their metrics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "core/radix.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef struct {
    int64_t won, lost, won_sum, lost_sum;
    int64_t fx_missing_deal; /* index + 1 of a deal without exchange rate, 0 when none */
} closed_acc;

typedef struct {
    int64_t created, created_sum;
    int64_t fx_missing_deal;
} created_acc;

int eng_push_sample(eng_samples *s, int32_t group, int64_t value)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct eng_sample *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = (struct eng_sample){group, value};
    return 0;
}

/* Sorts samples by group, then value, through 64-bit keys (group << 40 | value +
 * 2^39) sorted by radix_sort_u64. Values beyond +-2^39 seconds (17,000 years) are
 * clamped. -1 when out of memory (the medians would then be wrong, so callers treat
 * a failed sort as out of memory). */
int eng_sort_samples(eng_samples *s)
{
    size_t n = s->n;
    if (n < 2)
        return 0;
    const int64_t lim = (int64_t)1 << 39;
    uint64_t *key = malloc(n * sizeof *key);
    if (!key)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int64_t v = s->v[i].value < -lim ? -lim : s->v[i].value >= lim ? lim - 1 : s->v[i].value;
        key[i] = (uint64_t)(uint32_t)s->v[i].group << 40 | (uint64_t)(v + lim);
    }
    if (radix_sort_u64(key, NULL, n)) {
        free(key);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        s->v[i] = (struct eng_sample){(int32_t)(key[i] >> 40), (int64_t)(key[i] & (((uint64_t)1 << 40) - 1)) - lim};
    free(key);
    return 0;
}

static void key_of(const snapshot *s, const kpi_query *q, size_t i, int64_t event, int32_t key[KPI_MAX_BY])
{
    for (int b = 0; b < q->nby; b++)
        key[b] = eng_deal_dim(s, i, q->by[b], event);
}

emb_code eng_eval_closed(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_deals *d = &s->deals;
    if (eng_groups_init(&out->groups, q->nby, sizeof(closed_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t key[KPI_MAX_BY] = {0};
    /* The cycle samples only when a metric of the query takes their median. */
    int won_cycles = 0, lost_cycles = 0;
    for (int m = 0; m < q->nmetrics; m++) {
        won_cycles |= q->metrics[m]->id == M_SALES_CYCLE_DAYS;
        lost_cycles |= q->metrics[m]->id == M_LOST_CYCLE_DAYS;
    }
    /* The deals closed in the period (in close order or index order: sums and sorted
     * samples do not depend on it, and fx_missing_deal keeps the least deal). */
    eng_period_iter it;
    eng_period_begin(&it, d->by_closed, d->nclosed, d->closed, d->n, q->t0, q->t1);
    size_t i;
    while (eng_period_next(&it, &i)) {
        if (d->status[i] == DEAL_OPEN) /* a scan meets the open deals too */
            continue;
        if (q->nfilters && !eng_deal_passes(s, q, i, d->closed[i]))
            continue;
        key_of(s, q, i, d->closed[i], key);
        closed_acc *acc = eng_group(&out->groups, key);
        if (!acc)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        int32_t group = (int32_t)(((unsigned char *)acc - out->groups.accs) / sizeof *acc);
        int64_t cycle = d->closed[i] - d->created[i];
        if (d->fx_missing[i] && (!acc->fx_missing_deal || (int64_t)i + 1 < acc->fx_missing_deal))
            acc->fx_missing_deal = (int64_t)i + 1;
        if (d->status[i] == DEAL_WON) {
            acc->won++;
            acc->won_sum += d->amount[i];
            if (won_cycles && eng_push_sample(&out->won_cycles, group, cycle))
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        } else {
            acc->lost++;
            acc->lost_sum += d->amount[i];
            if (lost_cycles && eng_push_sample(&out->lost_cycles, group, cycle))
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
    }
    if (eng_sort_samples(&out->won_cycles) || eng_sort_samples(&out->lost_cycles))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    return EMB_OK;
}

emb_code eng_eval_created(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_deals *d = &s->deals;
    if (eng_groups_init(&out->groups, q->nby, sizeof(created_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t key[KPI_MAX_BY] = {0};
    eng_period_iter it;
    eng_period_begin(&it, d->by_created, d->n, d->created, d->n, q->t0, q->t1);
    size_t i;
    while (eng_period_next(&it, &i)) {
        if (q->nfilters && !eng_deal_passes(s, q, i, d->created[i]))
            continue;
        key_of(s, q, i, d->created[i], key);
        created_acc *acc = eng_group(&out->groups, key);
        if (!acc)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        acc->created++;
        acc->created_sum += d->amount[i];
        if (d->fx_missing[i] && (!acc->fx_missing_deal || (int64_t)i + 1 < acc->fx_missing_deal))
            acc->fx_missing_deal = (int64_t)i + 1;
    }
    return EMB_OK;
}

/* ---- projections ------------------------------------------------------------------- */

static kpi_value v_int(int64_t i) { return (kpi_value){.kind = KV_INT, .i = i}; }
static kpi_value v_money(int64_t i) { return (kpi_value){.kind = KV_MONEY, .i = i}; }
static kpi_value v_null(void) { return (kpi_value){.kind = KV_NULL}; }

static int64_t sample_group(const void *smp, size_t p) { return ((const eng_samples *)smp)->v[p].group; }

size_t eng_samples_of(const eng_samples *smp, int32_t group, size_t *end)
{
    *end = search_upper(smp, sample_group, 0, smp->n, group);
    return search_lower(smp, sample_group, 0, *end, group);
}

/* Mean and median, in days, of the samples of one group. */
kpi_value eng_days_summary(const eng_samples *smp, int32_t group)
{
    size_t end, lo = eng_samples_of(smp, group, &end);
    size_t n = end - lo;
    if (n == 0)
        return v_null();
    int64_t sum = 0;
    for (size_t k = lo; k < end; k++)
        sum += smp->v[k].value;
    double median = n % 2 ? (double)smp->v[lo + n / 2].value
                          : ((double)smp->v[lo + n / 2 - 1].value + (double)smp->v[lo + n / 2].value) / 2.0;
    return (kpi_value){.kind = KV_PAIR, .mean = (double)sum / (double)n / 86400.0, .median = median / 86400.0};
}

emb_code eng_fx_error(const snapshot *s, int64_t deal_plus_one, emb_err *err)
{
    size_t i = (size_t)(deal_plus_one - 1);
    int64_t at = s->deals.closed[i] == SNAP_OPEN_INSTANT ? s->deals.created[i] : s->deals.closed[i];
    char day[11];
    date_format_iso(eng_time_bucket(s, DIM_DAY, at), day);
    const char *cur = s->deals.currency[i] >= 0 ? snap_text(&s->currencies, s->deals.currency[i]) : "?";
    if (s->deals.status[i] == DEAL_OPEN)
        return emb_err_set(err, EMB_INVALID,
                           _("no exchange rate from %s to %s for the latest date (deal #%lld); add one with "
                             "`embudo import rates`"),
                           cur, s->currency, (long long)s->deals.id[i]);
    return emb_err_set(err, EMB_INVALID,
                       _("no exchange rate from %s to %s for %s (deal #%lld); add one with `embudo import rates`"), cur,
                       s->currency, day, (long long)s->deals.id[i]);
}

emb_code reg_project_deals(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const snapshot *s = r->snap;
    if (id == M_DEALS_CREATED) {
        const created_acc *c = (const created_acc *)(r->groups.accs + g * sizeof(created_acc));
        *out = v_int(c->created);
        return EMB_OK;
    }
    const closed_acc *c = (const closed_acc *)(r->groups.accs + g * sizeof(closed_acc));
    int needs_money = id == M_REVENUE_WON || id == M_AVG_DEAL_SIZE || id == M_LOST_REASONS;
    if (needs_money && c->fx_missing_deal)
        return eng_fx_error(s, c->fx_missing_deal, err);
    switch (id) {
    case M_DEALS_WON:
        *out = v_int(c->won);
        break;
    case M_DEALS_LOST:
        *out = v_int(c->lost);
        break;
    case M_REVENUE_WON:
        *out = v_money(c->won_sum);
        break;
    case M_WIN_RATE:
        *out = c->won + c->lost ? (kpi_value){.kind = KV_REAL, .x = (double)c->won / (double)(c->won + c->lost)}
                                : v_null();
        break;
    case M_AVG_DEAL_SIZE:
        *out = c->won ? v_money(fx_div_round(c->won_sum, c->won)) : v_null();
        break;
    case M_SALES_CYCLE_DAYS:
        *out = eng_days_summary(&r->won_cycles, (int32_t)g);
        break;
    case M_LOST_CYCLE_DAYS:
        *out = eng_days_summary(&r->lost_cycles, (int32_t)g);
        break;
    case M_LOST_REASONS:
        *out = (kpi_value){.kind = KV_PARTS, .part = {c->lost, c->lost_sum}};
        break;
    default:
        return emb_err_set(err, EMB_INTERNAL, _("metric %d is not a deal metric"), (int)id);
    }
    return EMB_OK;
}

kpi_value reg_empty_deals(metric_id id)
{
    switch (id) {
    case M_DEALS_CREATED:
    case M_DEALS_WON:
    case M_DEALS_LOST:
        return (kpi_value){.kind = KV_INT, .i = 0};
    case M_REVENUE_WON:
        return (kpi_value){.kind = KV_MONEY, .i = 0};
    case M_LOST_REASONS:
        return (kpi_value){.kind = KV_PARTS};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
