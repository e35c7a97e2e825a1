/* compare.c - comparison periods and goals for a result; see compare.h. */
#include "metrics/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/snapshot.h"

static const char *const mode_names[] = {"none", "previous", "year", "goal", NULL};

int kpi_compare_parse(const char *text)
{
    for (int i = 1; mode_names[i]; i++)
        if (!strcmp(text, mode_names[i]))
            return i;
    return -1;
}

const char *kpi_compare_name(kpi_compare mode) { return mode_names[mode]; }

/* Pairs (median and mean) compare by their headline, the median. */
static int is_scalar(const kpi_value *v)
{
    return v->kind == KV_INT || v->kind == KV_MONEY || v->kind == KV_REAL || v->kind == KV_PAIR;
}
static double as_real(const kpi_value *v)
{
    return v->kind == KV_REAL ? v->x : v->kind == KV_PAIR ? v->median : (double)v->i;
}

/* Part by part: rel 0 the difference, 1 the relative change. */
static kpi_value parts_change(const kpi_value *cur, const kpi_value *cmp, int rel)
{
    kpi_value out = *cur;
    out.has_part_units = 1;
    for (int k = 0; k < KPI_MAX_PARTS; k++) {
        kpi_unit u = cur->part_unit[k];
        int real = kpi_unit_is_real(u);
        double a = real ? cur->xpart[k] : (double)cur->part[k], b = real ? cmp->xpart[k] : (double)cmp->part[k];
        if (((cur->part_null | cmp->part_null) >> k & 1) || (rel && b == 0)) {
            out.part_null |= 1u << k;
            out.part_unit[k] = rel ? UNIT_RATE : u;
            continue;
        }
        out.part_null &= ~(1u << k);
        if (rel) {
            out.part_unit[k] = UNIT_RATE;
            out.xpart[k] = (a - b) / fabs(b);
        } else if (real) {
            out.xpart[k] = a - b;
        } else {
            out.part[k] = cur->part[k] - cmp->part[k];
        }
    }
    return out;
}

/* Both values with parts, their units filled in from the metric when not given. */
static int both_parts(const kpi_value *cur, const kpi_value *cmp)
{
    return cur->kind == KV_PARTS && cmp->kind == KV_PARTS && cur->has_part_units && cmp->has_part_units;
}

kpi_value kpi_change(const kpi_value *cur, const kpi_value *cmp)
{
    if (both_parts(cur, cmp))
        return parts_change(cur, cmp, 0);
    if (!is_scalar(cur) || !is_scalar(cmp))
        return (kpi_value){.kind = KV_NULL};
    if (cur->kind == KV_REAL || cmp->kind == KV_REAL || cur->kind == KV_PAIR || cmp->kind == KV_PAIR)
        return (kpi_value){.kind = KV_REAL, .x = as_real(cur) - as_real(cmp)};
    return (kpi_value){.kind = cur->kind, .i = cur->i - cmp->i};
}

kpi_value kpi_change_relative(const kpi_value *cur, const kpi_value *cmp)
{
    if (both_parts(cur, cmp))
        return parts_change(cur, cmp, 1);
    if (!is_scalar(cur) || !is_scalar(cmp) || as_real(cmp) == 0)
        return (kpi_value){.kind = KV_NULL};
    return (kpi_value){.kind = KV_REAL, .x = (as_real(cur) - as_real(cmp)) / fabs(as_real(cmp))};
}

/* The goal target of metric m for a row's scope and exactly these days. */
static kpi_value goal_of(const snapshot *s, const kpi_query *q, const kpi_metric *m, const int32_t *key,
                         period_range days)
{
    enum goal_scope scope = GOAL_ORG;
    int32_t who = -1;
    if (q->nby == 1 && q->by[0] == DIM_REP) {
        scope = GOAL_REP;
        who = key[0];
    } else if (q->nby == 1 && q->by[0] == DIM_TEAM) {
        scope = GOAL_TEAM;
        who = key[0];
    } else if (q->nby != 0) {
        return (kpi_value){.kind = KV_NULL};
    }
    int64_t target;
    if (!eng_goal_target(s, kpi_metric_name(m), scope, who, (int32_t)days.from, (int32_t)days.to, &target))
        return (kpi_value){.kind = KV_NULL};
    switch (kpi_metric_unit(m)) {
    case UNIT_MONEY:
        return (kpi_value){.kind = KV_MONEY, .i = target};
    case UNIT_RATE:
        return (kpi_value){.kind = KV_REAL, .x = (double)target / 10000.0};
    case UNIT_COUNT:
        return (kpi_value){.kind = KV_INT, .i = target};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}

kpi_value kpi_value_empty(const kpi_metric *m, const kpi_value *v)
{
    if (!kpi_metric_is_additive(m))
        return (kpi_value){.kind = KV_NULL};
    if (v->kind == KV_INT || v->kind == KV_MONEY)
        return (kpi_value){.kind = v->kind, .i = 0};
    if (v->kind != KV_PARTS || !kpi_metric_parts(m))
        return (kpi_value){.kind = KV_NULL};
    kpi_value out = {.kind = KV_PARTS, .has_part_units = 1};
    for (int k = 0; kpi_metric_parts(m)[k]; k++) {
        out.part_unit[k] = v->has_part_units ? v->part_unit[k] : kpi_metric_part_unit(m, k);
        if (out.part_unit[k] != UNIT_COUNT && out.part_unit[k] != UNIT_MONEY)
            out.part_null |= 1u << k;
    }
    return out;
}

/* Fills the part units of a value with parts from its metric (kpi_change needs them). */
static void set_part_units(const kpi_metric *m, kpi_value *v)
{
    if (v->kind != KV_PARTS || v->has_part_units || !kpi_metric_parts(m))
        return;
    v->has_part_units = 1;
    for (int k = 0; kpi_metric_parts(m)[k]; k++)
        v->part_unit[k] = kpi_metric_part_unit(m, k);
}

emb_code kpi_compare_run(const snapshot *s, const kpi_query *q, const exec *ex, kpi_compare mode, period_range days,
                         kpi_result *base, arena *a, kpi_value **out, emb_err *err)
{
    size_t n = (size_t)base->nrows * (size_t)q->nmetrics;
    kpi_value *v = arena_calloc(a, n ? n : 1, sizeof *v);
    if (!v)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    *out = v;
    for (int b = 0; b < q->nby; b++)
        if (q->by[b] >= DIM_DAY)
            return emb_err_set(err, EMB_USAGE, _("a breakdown by %s cannot be compared with another period"),
                               kpi_dim_name(q->by[b]));
    if (q->t0 == INT64_MIN || q->t1 == INT64_MAX)
        return emb_err_set(err, EMB_USAGE, _("--period all has nothing to compare with"));
    if (mode == KPI_COMPARE_GOAL) {
        for (int r = 0; r < base->nrows; r++)
            for (int m = 0; m < q->nmetrics; m++)
                v[(size_t)r * q->nmetrics + m] = goal_of(s, q, q->metrics[m], base->rows[r].key, days);
        return EMB_OK;
    }
    period_range other = mode == KPI_COMPARE_YEAR ? period_year_before(days) : period_previous(days);
    kpi_query q2 = *q;
    q2.t0 = tz_local_to_utc(s->zone, other.from * 86400);
    q2.t1 = tz_local_to_utc(s->zone, other.to * 86400);
    /* Instant metrics: at the end of the other period, the last state it saw. */
    q2.as_of = q2.t1 - 1;
    /* A period in progress is compared to date: with as much of the other period as
     * has elapsed of this one. */
    if (q->as_of >= q->t0 && q->as_of < q->t1 - 1 && q2.t0 + (q->as_of + 1 - q->t0) < q2.t1)
        q2.t1 = q2.t0 + (q->as_of + 1 - q->t0);
    kpi_result r2;
    emb_code rc = kpi_run(s, &q2, ex, a, &r2, err);
    if (rc)
        return rc;
    eng_groups index; /* key -> row of r2 (+ 1) */
    if (eng_groups_init(&index, q->nby, sizeof(int32_t)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (int k = 0; k < r2.nrows; k++) {
        int32_t *slot = eng_group(&index, r2.rows[k].key);
        if (!slot) {
            eng_groups_free(&index);
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
        *slot = k + 1;
    }
    /* Rows of the other period missing here (lapsed customers), and the matches. */
    int extra = 0;
    char *matched = arena_calloc(a, (size_t)r2.nrows + 1, 1);
    if (!matched) {
        eng_groups_free(&index);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    for (int r = 0; r < base->nrows; r++) {
        const int32_t *slot = eng_group_find(&index, base->rows[r].key);
        if (slot)
            matched[*slot - 1] = 1;
    }
    for (int k = 0; k < r2.nrows; k++)
        extra += !matched[k];
    if (extra) {
        size_t total = (size_t)base->nrows + (size_t)extra;
        kpi_row *rows = arena_calloc(a, total, sizeof *rows);
        kpi_value *vals = arena_calloc(a, (size_t)extra * (size_t)q->nmetrics, sizeof *vals);
        kpi_value *nv = arena_calloc(a, total * (size_t)q->nmetrics, sizeof *nv);
        if (!rows || !vals || !nv) {
            eng_groups_free(&index);
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
        memcpy(rows, base->rows, (size_t)base->nrows * sizeof *rows);
        int nrows = base->nrows;
        for (int k = 0; k < r2.nrows; k++) {
            if (matched[k])
                continue;
            kpi_row *row = &rows[nrows++];
            memcpy(row->key, r2.rows[k].key, sizeof row->key);
            row->values = vals;
            vals += q->nmetrics;
            for (int m = 0; m < q->nmetrics; m++)
                row->values[m] = kpi_value_empty(q->metrics[m], &r2.rows[k].values[m]);
        }
        base->rows = rows;
        base->nrows = nrows;
        v = nv;
        *out = v;
    }
    for (int r = 0; r < base->nrows; r++) {
        const int32_t *slot = eng_group_find(&index, base->rows[r].key);
        const kpi_row *match = slot ? &r2.rows[*slot - 1] : NULL;
        for (int m = 0; m < q->nmetrics; m++) {
            kpi_value *dst = &v[(size_t)r * q->nmetrics + m];
            kpi_value *cur = &base->rows[r].values[m];
            *dst = match ? match->values[m] : kpi_value_empty(q->metrics[m], cur);
            set_part_units(q->metrics[m], cur);
            set_part_units(q->metrics[m], dst);
        }
    }
    eng_groups_free(&index);
    return EMB_OK;
}
