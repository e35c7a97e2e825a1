/*
 * m_revenue.c - the order-line family: revenue, cogs, gross profit and margin,
 * orders and average order value, for orders dated in the period.
 *
 * Lines without a recorded cost are left out of cogs, gross profit and gross
 * margin (which are null when no line of the group has a cost). units: sum of
 * quantities; avg_selling_price = revenue / units; avg_discount = 1 - net / (quantity
 * x unit price) over the lines with a unit price (a revenue-weighted discount);
 * revenue_share = the group's revenue / the revenue of every line of the query. A line's region
 * is its order's region, else its account's, else its rep's.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef struct {
    int64_t c[LINE_WIDTH]; /* enum line_counter; LINE_ORDERS: distinct orders with a line in the group;
                              LINE_FX_MISSING: the least index + 1 of a line without exchange rate */
} lines_acc;

int32_t eng_line_dim(const snapshot *s, size_t i, kpi_dim d)
{
    const snap_lines *l = &s->lines;
    if (d == DIM_PRODUCT) /* the common ones first */
        return l->product[i];
    if (d == DIM_REP)
        return l->rep[i];
    int32_t rep = l->rep[i], acc = l->account[i], v;
    if (eng_party_dim(s, rep, acc, d, &v))
        return v;
    switch (d) {
    case DIM_REGION:
        if (l->region[i] >= 0)
            return l->region[i];
        if (acc >= 0 && s->accounts.region[acc] >= 0)
            return s->accounts.region[acc];
        return rep >= 0 ? s->users.region[rep] : SNAP_NONE;
    case DIM_PRODUCT:
        return l->product[i];
    case DIM_CATEGORY:
        return l->product[i] >= 0 ? s->products.category[l->product[i]] : SNAP_NONE;
    case DIM_DAY:
    case DIM_WEEK:
    case DIM_MONTH:
    case DIM_QUARTER:
    case DIM_YEAR:
        return eng_time_bucket(s, d, l->ordered[i]);
    default:
        return SNAP_NONE;
    }
}

static int line_passes(const snapshot *s, const kpi_query *q, size_t i)
{
    for (int f = 0; f < q->nfilters; f++) {
        int32_t v = eng_line_dim(s, i, q->filters[f].dim);
        int hit = eng_filter_has(&q->filters[f], v);
        if (!hit)
            return 0;
    }
    return 1;
}

static emb_code lines_abc(eng_family_result *out, emb_err *err);

/* The lines of q from the day rollups, when they answer it exactly: by rep or team
 * (or nothing), no filter, a period of whole days. 1 when done (rc set), 0 when the
 * lines must be scanned. */
static int from_rollups(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_code *rc, emb_err *err)
{
    const snap_rollup *roll = &s->lines.roll;
    int64_t d0, d1;
    if (!roll->nok || !roll->ok[0] || q->nfilters || q->nby > 1 ||
        (q->nby == 1 && q->by[0] != DIM_REP && q->by[0] != DIM_TEAM) || !eng_whole_days(s, q->t0, q->t1, &d0, &d1))
        return 0;
    size_t lo = eng_rollup_from(roll, d0);
    int32_t key[KPI_MAX_BY] = {0};
    *rc = EMB_OK;
    for (size_t k = lo; k < roll->ndays && roll->days[k] < d1; k++)
        for (size_t cell = roll->first[k]; cell < roll->first[k + 1]; cell++) {
            int32_t rep = roll->owner[cell];
            if (q->nby)
                key[0] = q->by[0] == DIM_REP ? rep : rep < 0 ? SNAP_NONE : s->users.team[rep];
            const int64_t *c = &roll->values[cell * LINE_WIDTH];
            lines_acc *acc = eng_group(&out->groups, key);
            if (!acc) {
                *rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                return 1;
            }
            for (int j = 0; j < LINE_WIDTH; j++)
                if (j != LINE_FX_MISSING)
                    acc->c[j] += c[j];
            if (c[LINE_FX_MISSING] && (!acc->c[LINE_FX_MISSING] || c[LINE_FX_MISSING] < acc->c[LINE_FX_MISSING]))
                acc->c[LINE_FX_MISSING] = c[LINE_FX_MISSING];
            out->total += c[LINE_REVENUE];
        }
    return 1;
}

emb_code eng_eval_lines(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_lines *l = &s->lines;
    if (eng_groups_init(&out->groups, q->nby, sizeof(lines_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    emb_code rolled;
    if (from_rollups(s, q, out, &rolled, err)) {
        if (rolled)
            return rolled;
        return lines_abc(out, err);
    }
    /* Groups already credited with the current order (an order counts once per group). */
    size_t seen_n = 0, seen_cap = 16;
    size_t *seen = malloc(seen_cap * sizeof *seen); /* group indices */
    if (!seen)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t current_order = -1;
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    /* The lines of the period, by date or in line order; either way the lines of an
     * order stay together (same date, line order among ties). */
    eng_period_iter it;
    eng_period_begin(&it, l->by_ordered, l->n, l->ordered, l->n, q->t0, q->t1);
    size_t i;
    while (eng_period_next(&it, &i)) {
        if (q->nfilters && !line_passes(s, q, i))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_line_dim(s, i, q->by[b]);
        lines_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        if (l->order[i] != current_order) {
            current_order = l->order[i];
            seen_n = 0;
        }
        /* Accumulators move when the table grows: remember group indices, not pointers. */
        size_t gi = (size_t)((unsigned char *)acc - out->groups.accs) / sizeof *acc;
        int counted = 0;
        for (size_t k = 0; k < seen_n && !counted; k++)
            counted = seen[k] == gi;
        if (!counted) {
            if (seen_n == seen_cap) {
                size_t *grown = realloc(seen, seen_cap * 2 * sizeof *seen);
                if (!grown) {
                    rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                    break;
                }
                seen = grown;
                seen_cap *= 2;
            }
            seen[seen_n++] = gi;
        }
        count_line(acc->c, l, i, !counted);
        out->total += l->net[i];
    }
    free(seen);
    return rc ? rc : lines_abc(out, err);
}

/* ABC classes of the groups by revenue: A while the revenue of the groups earning
 * strictly more is below 80 % of the total, B below 95 %, else C. */
static emb_code lines_abc(eng_family_result *out, emb_err *err)
{
    size_t n = out->groups.n;
    out->abc = calloc(n ? n : 1, 1);
    int64_t *rev = malloc((n ? n : 1) * sizeof *rev);
    if (!out->abc || !rev) {
        free(rev);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    int64_t total = 0;
    for (size_t g = 0; g < n; g++) {
        rev[g] = ((const lines_acc *)(out->groups.accs + g * sizeof(lines_acc)))->c[LINE_REVENUE];
        total += rev[g];
    }
    for (size_t g = 0; g < n && total > 0; g++) {
        __int128 above = 0;
        for (size_t k = 0; k < n; k++)
            if (rev[k] > rev[g])
                above += rev[k];
        out->abc[g] = above * 100 < (__int128)total * 80 ? 1 : above * 100 < (__int128)total * 95 ? 2 : 3;
    }
    free(rev);
    return EMB_OK;
}

static emb_code fx_error(const snapshot *s, int64_t line_plus_one, emb_err *err)
{
    size_t i = (size_t)(line_plus_one - 1);
    int32_t cur = s->lines.order_currency[s->lines.order[i]];
    return emb_err_set(err, EMB_INVALID,
                       _("no exchange rate from %s to %s for order #%lld; add one with `embudo import rates`"),
                       cur >= 0 ? snap_text(&s->currencies, cur) : "?", s->currency,
                       (long long)s->lines.order_id[s->lines.order[i]]);
}

emb_code reg_project_lines(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const snapshot *s = r->snap;
    const lines_acc *c = (const lines_acc *)(r->groups.accs + g * sizeof(lines_acc));
    if (c->c[LINE_FX_MISSING] && id != M_ORDERS)
        return fx_error(s, c->c[LINE_FX_MISSING], err);
    switch (id) {
    case M_REVENUE:
        *out = (kpi_value){.kind = KV_MONEY, .i = c->c[LINE_REVENUE]};
        break;
    case M_COGS:
        *out = c->c[LINE_COSTED_LINES] ? (kpi_value){.kind = KV_MONEY, .i = c->c[LINE_COGS]} : (kpi_value){.kind = KV_NULL};
        break;
    case M_GROSS_PROFIT:
        *out = c->c[LINE_COSTED_LINES] ? (kpi_value){.kind = KV_MONEY, .i = c->c[LINE_COSTED_REVENUE] - c->c[LINE_COGS]}
                               : (kpi_value){.kind = KV_NULL};
        break;
    case M_GROSS_MARGIN:
        *out = c->c[LINE_COSTED_REVENUE] ? (kpi_value){.kind = KV_REAL,
                                               .x = (double)(c->c[LINE_COSTED_REVENUE] - c->c[LINE_COGS]) / (double)c->c[LINE_COSTED_REVENUE]}
                                 : (kpi_value){.kind = KV_NULL};
        break;
    case M_ORDERS:
        *out = (kpi_value){.kind = KV_INT, .i = c->c[LINE_ORDERS]};
        break;
    case M_UNITS:
        *out = (kpi_value){.kind = KV_INT, .i = c->c[LINE_UNITS]};
        break;
    case M_AVG_SELLING_PRICE:
        *out = c->c[LINE_UNITS] ? (kpi_value){.kind = KV_MONEY, .i = fx_div_round(c->c[LINE_REVENUE], c->c[LINE_UNITS])}
                        : (kpi_value){.kind = KV_NULL};
        break;
    case M_AVG_DISCOUNT:
        *out = c->c[LINE_GROSS] ? (kpi_value){.kind = KV_REAL, .x = 1.0 - (double)c->c[LINE_PRICED_REVENUE] / (double)c->c[LINE_GROSS]}
                        : (kpi_value){.kind = KV_NULL};
        break;
    case M_ABC_CLASS:
        *out = r->abc && r->abc[g] ? (kpi_value){.kind = KV_INT, .i = r->abc[g]} : (kpi_value){.kind = KV_NULL};
        break;
    case M_REVENUE_SHARE:
        *out = r->total ? (kpi_value){.kind = KV_REAL, .x = (double)c->c[LINE_REVENUE] / (double)r->total}
                        : (kpi_value){.kind = KV_NULL};
        break;
    case M_AVG_ORDER_VALUE:
        *out = c->c[LINE_ORDERS] ? (kpi_value){.kind = KV_MONEY, .i = fx_div_round(c->c[LINE_REVENUE], c->c[LINE_ORDERS])}
                         : (kpi_value){.kind = KV_NULL};
        break;
    default:
        return emb_err_set(err, EMB_INTERNAL, _("metric %d is not an order metric"), (int)id);
    }
    return EMB_OK;
}

kpi_value reg_empty_lines(metric_id id)
{
    switch (id) {
    case M_ORDERS:
    case M_UNITS:
        return (kpi_value){.kind = KV_INT, .i = 0};
    case M_REVENUE:
        return (kpi_value){.kind = KV_MONEY, .i = 0};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
