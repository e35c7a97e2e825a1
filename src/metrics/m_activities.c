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

#include "metrics/engine_internal.h"
#include "metrics/registry.h"

typedef struct {
    int64_t acts, calls, connected, dur_sum, dur_n, cold_calls;
    int64_t emails, opened, replied;
    int64_t meet[4]; /* scheduled, held, cancelled, rejected */
    int64_t tasks_due, tasks_on_time, overdue;
    int64_t touches, deals_won;
} acts_acc;

int32_t eng_activity_dim(const snapshot *s, size_t i, kpi_dim d, int64_t event)
{
    const snap_activities *a = &s->activities;
    int32_t rep = a->owner[i];
    switch (d) {
    case DIM_REP:
        return rep;
    case DIM_TEAM:
        return rep >= 0 ? s->users.team[rep] : SNAP_NONE;
    case DIM_REGION:
        return rep >= 0 ? s->users.region[rep] : SNAP_NONE;
    case DIM_ACTIVITY_TYPE:
        return a->type[i];
    case DIM_OUTCOME:
        return a->outcome[i] == OUT_NONE ? SNAP_NONE : a->outcome[i];
    default:
        return eng_time_bucket(s, d, event);
    }
}

static int activity_passes(const snapshot *s, const kpi_query *q, size_t i, int64_t event)
{
    for (int f = 0; f < q->nfilters; f++) {
        int32_t v = eng_activity_dim(s, i, q->filters[f].dim, event);
        int hit = eng_filter_has(&q->filters[f], v);
        if (!hit)
            return 0;
    }
    return 1;
}

/* The instant an activity counts at for family f, or SNAP_OPEN_INSTANT when it does
 * not count there. */
static int64_t activity_event(const snap_activities *a, size_t i, eng_family f)
{
    switch (f) {
    case FAM_ACT_TIME:
        return a->done[i] != SNAP_OPEN_INSTANT ? a->done[i] : a->due[i];
    case FAM_ACT_DONE:
        return a->done[i];
    case FAM_ACT_OVERDUE:
        return a->type[i] == ACT_TASK && a->done[i] == SNAP_OPEN_INSTANT ? a->due[i] : SNAP_OPEN_INSTANT;
    default:
        return a->type[i] == ACT_TASK ? a->due[i] : SNAP_OPEN_INSTANT;
    }
}

static void accumulate(acts_acc *acc, eng_family f, const snap_activities *a, size_t i)
{
    uint8_t t = a->type[i], o = a->outcome[i];
    switch (f) {
    case FAM_ACT_TIME:
        acc->acts++;
        if (t == ACT_MEETING && o >= OUT_SCHEDULED)
            acc->meet[o - OUT_SCHEDULED]++;
        break;
    case FAM_ACT_DONE:
        if (t == ACT_CALL) {
            acc->calls++;
            if (o == OUT_CONNECTED) {
                acc->connected++;
                if (a->duration[i] >= 0) {
                    acc->dur_sum += a->duration[i];
                    acc->dur_n++;
                }
            }
            acc->cold_calls += a->cold[i]; /* at its completion: snapshot.h */
        } else if (t == ACT_EMAIL) {
            acc->emails++;
            acc->opened += o == OUT_OPENED || o == OUT_REPLIED;
            acc->replied += o == OUT_REPLIED;
        }
        break;
    case FAM_ACT_DUE:
        acc->tasks_due++;
        acc->tasks_on_time += a->done[i] != SNAP_OPEN_INSTANT && a->done[i] <= a->due[i];
        break;
    default:
        acc->overdue++;
        break;
    }
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
                return emb_err_set(err, EMB_NOMEM, "out of memory");
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
            if (q->nfilters && !activity_passes(s, q, i, a->due[i]))
                continue;
            for (int b = 0; b < q->nby; b++)
                key[b] = eng_activity_dim(s, i, q->by[b], a->due[i]);
            acts_acc *acc = eng_group(&out[FAM_ACT_OVERDUE].groups, key);
            if (!acc)
                rc = emb_err_set(err, EMB_NOMEM, "out of memory");
            else
                acc->overdue++;
        }
        nf -= fams[nf - 1] == FAM_ACT_OVERDUE; /* the scan below leaves it out */
    }
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
            int64_t event = activity_event(a, i, f);
            if (event == SNAP_OPEN_INSTANT)
                continue;
            if (f == FAM_ACT_OVERDUE ? event >= q->as_of : (event < q->t0 || event >= q->t1))
                continue;
            if (!keyed || time_dims) {
                passes = !q->nfilters || activity_passes(s, q, i, event);
                for (int b = 0; b < q->nby; b++)
                    key[b] = eng_activity_dim(s, i, q->by[b], event);
                keyed = 1;
            }
            if (!passes)
                continue;
            acts_acc *acc = eng_group(&out[f].groups, key);
            if (!acc) {
                rc = emb_err_set(err, EMB_NOMEM, "out of memory");
                break;
            }
            accumulate(acc, f, a, i);
        }
    }
    return rc;
}

/* Completed activities on the deals won in the period, per deal won. */
emb_code eng_eval_touches(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err)
{
    const snap_deals *d = &s->deals;
    if (eng_groups_init(&out->groups, q->nby, sizeof(acts_acc)))
        return emb_err_set(err, EMB_NOMEM, "out of memory");
    int32_t key[KPI_MAX_BY] = {0};
    emb_code rc = EMB_OK;
    for (size_t k = eng_order_from(d->by_closed, d->nclosed, d->closed, q->t0); k < d->nclosed; k++) {
        size_t i = d->by_closed[k];
        if (d->closed[i] >= q->t1)
            break;
        if (d->status[i] != DEAL_WON)
            continue;
        if (q->nfilters && !eng_deal_passes(s, q, i, d->closed[i]))
            continue;
        for (int b = 0; b < q->nby; b++)
            key[b] = eng_deal_dim(s, i, q->by[b], d->closed[i]);
        acts_acc *acc = eng_group(&out->groups, key);
        if (!acc) {
            rc = emb_err_set(err, EMB_NOMEM, "out of memory");
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
        *out = (kpi_value){.kind = KV_INT, .i = c->acts};
        break;
    case M_CALLS:
        *out = (kpi_value){.kind = KV_INT, .i = c->calls};
        break;
    case M_COLD_CALLS:
        *out = (kpi_value){.kind = KV_INT, .i = c->cold_calls};
        break;
    case M_CALL_CONNECT_RATE:
        *out = ratio(c->connected, c->calls);
        break;
    case M_AVG_CALL_DURATION:
        *out = c->dur_n ? (kpi_value){.kind = KV_REAL, .x = (double)c->dur_sum / (double)c->dur_n / 60.0}
                        : (kpi_value){.kind = KV_NULL};
        break;
    case M_EMAIL_OPEN_RATE:
        *out = ratio(c->opened, c->emails);
        break;
    case M_EMAIL_REPLY_RATE:
        *out = ratio(c->replied, c->emails);
        break;
    case M_MEETINGS:
        *out = (kpi_value){.kind = KV_PARTS, .part = {c->meet[0], c->meet[1], c->meet[2], c->meet[3]}};
        break;
    case M_MEETING_HELD_RATE:
        *out = ratio(c->meet[1], c->meet[1] + c->meet[2] + c->meet[3]);
        break;
    case M_TASK_COMPLETION:
        *out = ratio(c->tasks_on_time, c->tasks_due);
        break;
    case M_OVERDUE_TASKS:
        *out = (kpi_value){.kind = KV_INT, .i = c->overdue};
        break;
    case M_ACTIVITIES_PER_DEAL_WON:
        *out = ratio(c->touches, c->deals_won);
        break;
    default:
        return emb_err_set(err, EMB_INTERNAL, "metric %d is not an activity metric", (int)id);
    }
    return EMB_OK;
}
