/*
 * m_activities.c - activity and rep-productivity metrics.
 *
 * Attribution (METRICS.md): a completed activity belongs to its completion time,
 * a scheduled one to its due time. So `activities` and `meetings` use the
 * completion time, else the due time; calls and emails count when completed in
 * the period; tasks belong to their due time; overdue_tasks is counted at the
 * query's instant. A call is cold when flagged, or when it is to an account with
 * no deal won before the call, or to a lead without an account.
 * activities_per_deal_won: completed activities on the deals won in the period,
 * per deal won (credited to the rep who owned the deal at its close).
 * An activity's rep is its owner; team and region are the owner's.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef struct {
    int64_t c[ROLL_WIDTH]; /* enum roll_counter */
    int64_t overdue, touches, deals_won;
} acts_acc;

int32_t eng_activity_dim(const snapshot *s, size_t i, kpi_dim d, int64_t event)
{
    const snap_activities *a = &s->activities;
    int32_t v;
    if (eng_rep_dim(s, a->owner[i], d, &v))
        return v;
    switch (d) {
    case DIM_ACTIVITY_TYPE:
        return a->type[i];
    case DIM_OUTCOME:
        return a->outcome[i] == OUT_NONE ? SNAP_NONE : a->outcome[i];
    default:
        return eng_time_bucket(s, d, event);
    }
}

int eng_activity_passes(const snapshot *s, const kpi_query *q, size_t i, int64_t event)
{
    for (int f = 0; f < q->nfilters; f++) {
        int32_t v = eng_activity_dim(s, i, q->filters[f].dim, event);
        int hit = eng_filter_has(&q->filters[f], v);
        if (!hit)
            return 0;
    }
    return 1;
}

/* The activity families of q from the day rollups, when they answer it exactly:
 * at most one dimension among rep, team and region, no filter, a period of whole
 * days. 1 when done (rc set), 0 when the scan must answer. */
static int from_rollups(const snapshot *s, const kpi_query *q, const int *used, eng_family_result *out,
                        emb_code *rc, emb_err *err)
{
    const snap_rollup *roll = &s->activities.roll;
    int64_t d0, d1;
    if (!roll->nok || !roll->ok[0] || q->nfilters || q->nby > 1 ||
        (q->nby == 1 && q->by[0] != DIM_REP && q->by[0] != DIM_TEAM && q->by[0] != DIM_REGION) ||
        !eng_whole_days(s, q->t0, q->t1, &d0, &d1))
        return 0;
    static const eng_family fams[] = {FAM_ACT_TIME, FAM_ACT_DONE, FAM_ACT_DUE};
    /* Each family's counters run from first[f] to last[f]; the first counts every
     * activity of the family, so a cell the family saw has it non-zero. */
    static const int first[] = {ROLL_ACTS, ROLL_DONE, ROLL_TASKS_DUE};
    static const int last[] = {ROLL_MEET_REJECTED, ROLL_REPLIED, ROLL_TASKS_ON_TIME};
    size_t lo = eng_rollup_from(roll, d0);
    int32_t key[KPI_MAX_BY] = {0};
    *rc = EMB_OK;
    for (size_t k = lo; k < roll->ndays && roll->days[k] < d1; k++)
        for (size_t cell = roll->first[k]; cell < roll->first[k + 1]; cell++) {
            int32_t owner = roll->owner[cell];
            if (q->nby)
                key[0] = q->by[0] == DIM_REP ? owner
                         : owner < 0         ? SNAP_NONE
                         : q->by[0] == DIM_TEAM ? s->users.team[owner]
                                                : s->users.region[owner];
            const int64_t *c = &roll->values[cell * ROLL_WIDTH];
            for (int f = 0; f < 3; f++) {
                if (!used[fams[f]] || !c[first[f]])
                    continue;
                acts_acc *acc = eng_group(&out[fams[f]].groups, key);
                if (!acc) {
                    *rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                    return 1;
                }
                for (int j = first[f]; j <= last[f]; j++)
                    acc->c[j] += c[j];
            }
        }
    return 1;
}

emb_code eng_eval_activities(const snapshot *s, const kpi_query *q, const int *used, eng_family_result *out,
                             emb_err *err)
{
    const snap_activities *a = &s->activities;
    eng_family fams[4];
    int nf = 0, time_dims = 0;
    for (int f = FAM_ACT_TIME; f <= FAM_ACT_OVERDUE; f++)
        if (used[f]) {
            fams[nf++] = (eng_family)f;
            out[f].snap = s;
            out[f].query = q;
            if (eng_groups_init(&out[f].groups, q->nby, sizeof(acts_acc)))
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
    for (int b = 0; b < q->nby; b++)
        time_dims |= q->by[b] >= DIM_DAY;
    for (int f = 0; f < q->nfilters; f++)
        time_dims |= q->filters[f].dim >= DIM_DAY;
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    /* One pass for every activity family used; the key is computed once per activity
     * unless it depends on the family's instant (time buckets). */
    int ranged = used[FAM_ACT_TIME] || used[FAM_ACT_DONE] || used[FAM_ACT_DUE];
    /* Overdue tasks come from the list of open tasks by due time. */
    if (used[FAM_ACT_OVERDUE]) {
        for (size_t k = 0; k < a->nopen_tasks && !rc; k++) {
            size_t i = a->open_tasks[k];
            if (a->due[i] >= q->as_of)
                break;
            if (q->nfilters && !eng_activity_passes(s, q, i, a->due[i]))
                continue;
            for (int b = 0; b < q->nby; b++)
                key[b] = eng_activity_dim(s, i, q->by[b], a->due[i]);
            acts_acc *acc = eng_group(&out[FAM_ACT_OVERDUE].groups, key);
            if (!acc)
                rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            else
                acc->overdue++;
        }
        nf -= fams[nf - 1] == FAM_ACT_OVERDUE; /* the scan below leaves it out */
    }
    if (ranged && !rc && from_rollups(s, q, used, out, &rc, err))
        ranged = 0;
    for (size_t i = 0; i < a->n && ranged && !rc; i++) {
        if (i % SNAP_BLOCK == 0) { /* skip blocks that no family can use */
            size_t k = i / SNAP_BLOCK;
            int maybe = a->block_max[k] >= q->t0 && a->block_min[k] < q->t1;
            if (!maybe) {
                i += SNAP_BLOCK - 1;
                continue;
            }
        }
        int keyed = 0, passes = 1;
        for (int k = 0; k < nf; k++) {
            eng_family f = fams[k];
            int64_t event = eng_activity_event(a, i, f);
            if (event == SNAP_OPEN_INSTANT)
                continue;
            if (f == FAM_ACT_OVERDUE ? event >= q->as_of : (event < q->t0 || event >= q->t1))
                continue;
            if (!keyed || time_dims) {
                passes = !q->nfilters || eng_activity_passes(s, q, i, event);
                for (int b = 0; b < q->nby; b++)
                    key[b] = eng_activity_dim(s, i, q->by[b], event);
                keyed = 1;
            }
            if (!passes)
                continue;
            acts_acc *acc = eng_group(&out[f].groups, key);
            if (!acc) {
                rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                break;
            }
            if (f == FAM_ACT_OVERDUE)
                acc->overdue++;
            else
                eng_activity_count(acc->c, f, a, i);
        }
    }
    return rc;
}

/* Completed activities on the deals won in the period, per deal won. */
emb_code eng_eval_touches(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_deals *d = &s->deals;
    if (eng_groups_init(&out->groups, q->nby, sizeof(acts_acc)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    eng_period_iter it;
    eng_period_begin(&it, d->by_closed, d->nclosed, d->closed, d->n, q->t0, q->t1);
    size_t i;
    while (eng_period_next(&it, &i)) {
        if (d->status[i] != DEAL_WON)
            continue;
        if (q->nfilters && !eng_deal_passes(s, q, i, d->closed[i]))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], d->closed[i]);
        acts_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        acc->deals_won++;
        acc->touches += d->done_activities[i];
    }
    return rc;
}

static kpi_value ratio(int64_t num, int64_t den)
{
    return den ? (kpi_value){.kind = KV_REAL, .x = (double)num / (double)den} : (kpi_value){.kind = KV_NULL};
}

emb_code reg_project_activities(metric_id id, const eng_family_result *r, size_t g, kpi_value *out, emb_err *err)
{
    const acts_acc *c = (const acts_acc *)(r->groups.accs + g * sizeof(acts_acc));
    switch (id) {
    case M_ACTIVITIES:
        *out = (kpi_value){.kind = KV_INT, .i = c->c[ROLL_ACTS]};
        break;
    case M_CALLS:
        *out = (kpi_value){.kind = KV_INT, .i = c->c[ROLL_CALLS]};
        break;
    case M_COLD_CALLS:
        *out = (kpi_value){.kind = KV_INT, .i = c->c[ROLL_COLD_CALLS]};
        break;
    case M_CALL_CONNECT_RATE:
        *out = ratio(c->c[ROLL_CONNECTED], c->c[ROLL_CALLS]);
        break;
    case M_AVG_CALL_DURATION:
        *out = c->c[ROLL_DUR_N] ? (kpi_value){.kind = KV_REAL, .x = (double)c->c[ROLL_DUR_SUM] / (double)c->c[ROLL_DUR_N] / 60.0}
                        : (kpi_value){.kind = KV_NULL};
        break;
    case M_EMAIL_OPEN_RATE:
        *out = ratio(c->c[ROLL_OPENED], c->c[ROLL_EMAILS]);
        break;
    case M_EMAIL_REPLY_RATE:
        *out = ratio(c->c[ROLL_REPLIED], c->c[ROLL_EMAILS]);
        break;
    case M_MEETINGS:
        *out = (kpi_value){.kind = KV_PARTS, .part = {c->c[ROLL_MEET_SCHEDULED], c->c[ROLL_MEET_HELD], c->c[ROLL_MEET_CANCELLED], c->c[ROLL_MEET_REJECTED]}};
        break;
    case M_MEETING_HELD_RATE:
        *out = ratio(c->c[ROLL_MEET_HELD], c->c[ROLL_MEET_HELD] + c->c[ROLL_MEET_CANCELLED] + c->c[ROLL_MEET_REJECTED]);
        break;
    case M_TASK_COMPLETION:
        *out = ratio(c->c[ROLL_TASKS_ON_TIME], c->c[ROLL_TASKS_DUE]);
        break;
    case M_OVERDUE_TASKS:
        *out = (kpi_value){.kind = KV_INT, .i = c->overdue};
        break;
    case M_ACTIVITIES_PER_DEAL_WON:
        *out = ratio(c->touches, c->deals_won);
        break;
    default:
        return emb_err_set(err, EMB_INTERNAL, _("metric %d is not an activity metric"), (int)id);
    }
    return EMB_OK;
}

kpi_value reg_empty_activities(metric_id id)
{
    switch (id) {
    case M_ACTIVITIES:
    case M_CALLS:
    case M_COLD_CALLS:
    case M_OVERDUE_TASKS:
        return (kpi_value){.kind = KV_INT, .i = 0};
    case M_MEETINGS:
        return (kpi_value){.kind = KV_PARTS};
    default:
        return (kpi_value){.kind = KV_NULL};
    }
}
