/*
 * m_leads.c - top of the funnel, over the cohort of leads created in the period:
 * leads_created, lead_qualification_rate (reached MQL; reached SQL),
 * lead_conversion_rate (became an opportunity; became a won deal) and
 * lead_response_time (first completed call, email or meeting minus creation:
 * median and 90th percentile (nearest rank) in hours over the leads touched, and
 * the share of the whole cohort answered within the SLA; leads never touched
 * count as not answered).
 * A lead's rep is its owner; its team and region are the owner's.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/registry.h"

#define SLA_SECONDS 3600 /* METRICS.md: default SLA 1 h */

typedef struct {
    int64_t n, mql, sql, converted, won, within_sla;
} leads_acc;

int32_t eng_lead_dim(const snapshot *s, size_t i, kpi_dim d)
{
    const snap_leads *l = &s->leads;
    int32_t v;
    if (eng_rep_dim(s, l->owner[i], d, &v))
        return v;
    return d == DIM_SOURCE ? l->source[i] : eng_time_bucket(s, d, l->created[i]);
}

emb_code eng_eval_leads(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_leads *l = &s->leads;
    if (eng_groups_init(&out->groups, q->nby, sizeof(leads_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t key[KPI_MAX_BY] = {0};
    for (size_t i = 0; i < l->n; i++) {
        if (l->created[i] < q->t0 || l->created[i] >= q->t1)
            continue;
        int pass = 1;
        for (int f = 0; f < q->nfilters && pass; f++) {
            int32_t v = eng_lead_dim(s, i, q->filters[f].dim);
            pass = 0;
            for (int k = 0; k < q->filters[f].nvalues && !pass; k++)
                pass = q->filters[f].values[k] == v;
        }
        if (!pass)
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_lead_dim(s, i, q->by[b]);
        leads_acc *acc = eng_group(&out->groups, key);
        if (!acc)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        acc->n++;
        acc->mql += l->mql_at[i] != SNAP_OPEN_INSTANT;
        acc->sql += l->sql_at[i] != SNAP_OPEN_INSTANT;
        acc->converted += l->converted[i];
        acc->won += l->won[i];
        if (l->first_touch[i] != SNAP_OPEN_INSTANT) {
            int64_t t = l->first_touch[i] - l->created[i];
            acc->within_sla += t <= SLA_SECONDS;
            if (eng_push_sample(&out->won_cycles, (int32_t)(acc - (leads_acc *)out->groups.accs), t))
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
    }
    if (eng_sort_samples(&out->won_cycles))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    return EMB_OK;
}

static kpi_value rates(double a, double b)
{
    return (kpi_value){.kind = KV_PARTS, .xpart = {a, b}};
}

emb_code reg_project_leads(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const leads_acc *c = (const leads_acc *)(r->groups.accs + g * sizeof(leads_acc));
    double n = (double)c->n;
    switch (id) {
    case M_LEADS_CREATED:
        *out = (kpi_value){.kind = KV_INT, .i = c->n};
        return EMB_OK;
    case M_LEAD_QUALIFICATION_RATE:
        *out = rates((double)c->mql / n, (double)c->sql / n);
        return EMB_OK;
    case M_LEAD_CONVERSION_RATE:
        *out = rates((double)c->converted / n, (double)c->won / n);
        return EMB_OK;
    case M_LEAD_RESPONSE_TIME: {
        const eng_samples *smp = &r->won_cycles;
        size_t end, lo = eng_samples_of(smp, (int32_t)g, &end);
        size_t k = end - lo;
        *out = (kpi_value){.kind = KV_PARTS, .xpart = {0, 0, (double)c->within_sla / n}};
        if (k == 0) {
            out->part_null = 3; /* nobody touched: no median, no percentile */
        } else {
            double median = k % 2 ? (double)smp->v[lo + k / 2].value
                                  : ((double)smp->v[lo + k / 2 - 1].value + (double)smp->v[lo + k / 2].value) / 2;
            out->xpart[0] = median / 3600.0;
            out->xpart[1] = (double)smp->v[lo + (9 * k + 9) / 10 - 1].value / 3600.0;
        }
        return EMB_OK;
    }
    default:
        return emb_err_set(err, EMB_INTERNAL, _("metric %d is not a lead metric"), (int)id);
    }
}

kpi_value reg_empty_leads(metric_id id)
{
    switch (id) {
    case M_LEADS_CREATED:
        return (kpi_value){.kind = KV_INT, .i = 0};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
