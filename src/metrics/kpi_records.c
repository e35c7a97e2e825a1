/* kpi_records.c - the records behind a number; see kpi_records.h. */
#include "metrics/kpi_records.h"
#include "metrics/kpi_records_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "metrics/family.h"
#include "metrics/registry.h"

typedef enum {
    RS_NONE,
    RS_CREATED,
    RS_WON,
    RS_LOST,
    RS_CLOSED,
    RS_OPEN,
    RS_EXPECTED,
    RS_STALE,
    RS_SLIPPED,
    RS_LEADS,
    RS_ACTS,
    RS_LINES,
    RS_ORDERS,
    RS_FUNNEL,
    RS_EXITS,
    RS_WATERFALL,
    RS_NEW_CUSTOMERS,
    RS_ACCOUNTS,
    RS_LAST_TOUCH,
    RS_TOUCHES
} record_set;

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
    case M_PIPELINE_EXPECTED: return RS_EXPECTED;
    case M_STALE_DEALS: return RS_STALE;
    case M_SLIPPED_DEALS: return RS_SLIPPED;
    case M_LEADS_CREATED:
    case M_LEAD_QUALIFICATION_RATE:
    case M_LEAD_CONVERSION_RATE:
    case M_LEAD_RESPONSE_TIME: return RS_LEADS;
    case M_ACTIVITIES:
    case M_MEETINGS:
    case M_MEETING_HELD_RATE:
    case M_CALLS:
    case M_CALL_CONNECT_RATE:
    case M_AVG_CALL_DURATION:
    case M_COLD_CALLS:
    case M_EMAIL_OPEN_RATE:
    case M_EMAIL_REPLY_RATE:
    case M_TASK_COMPLETION:
    case M_OVERDUE_TASKS: return RS_ACTS;
    case M_REVENUE:
    case M_COGS:
    case M_GROSS_PROFIT:
    case M_GROSS_MARGIN:
    case M_AVG_ORDER_VALUE:
    case M_UNITS:
    case M_AVG_SELLING_PRICE:
    case M_AVG_DISCOUNT:
    case M_REVENUE_SHARE:
    case M_ABC_CLASS: return RS_LINES;
    case M_ORDERS: return RS_ORDERS;
    case M_STAGE_REACHED:
    case M_STAGE_CONVERSION: return RS_FUNNEL;
    case M_TIME_IN_STAGE: return RS_EXITS;
    case M_PIPELINE_WATERFALL: return RS_WATERFALL;
    case M_NEW_CUSTOMERS: return RS_NEW_CUSTOMERS;
    case M_ACCOUNTS_PER_REP: return RS_ACCOUNTS;
    case M_LAST_TOUCH: return RS_LAST_TOUCH;
    case M_ACTIVITIES_PER_DEAL_WON: return RS_TOUCHES;
    default: return RS_NONE;
    }
}

int kpi_metric_has_records(const kpi_metric *m) { return set_of(m) != RS_NONE; }

kpi_record_kind kpi_records_kind(const kpi_metric *m)
{
    switch (set_of(m)) {
    case RS_LEADS: return KR_LEAD;
    case RS_ACTS:
    case RS_LAST_TOUCH: return KR_ACTIVITY;
    case RS_NEW_CUSTOMERS:
    case RS_ACCOUNTS: return KR_ACCOUNT;
    case RS_TOUCHES: return KR_DEAL_ACTS;
    case RS_LINES: return KR_LINE;
    case RS_ORDERS: return KR_ORDER;
    default: return KR_DEAL;
    }
}

const char *kpi_records_metric_list(void)
{
    return "deals_created, deals_won, deals_lost, revenue_won, win_rate, avg_deal_size, sales_cycle_days, "
           "lost_cycle_days, revenue, cogs, gross_profit, gross_margin, orders, avg_order_value, open_pipeline, "
           "weighted_pipeline, leads_created, lead_qualification_rate, lead_conversion_rate, lead_response_time, "
           "activities, meetings, meeting_held_rate, calls, call_connect_rate, avg_call_duration, cold_calls, "
           "email_open_rate, email_reply_rate, task_completion, overdue_tasks, lost_reasons, stale_deals, "
           "slipped_deals, pipeline_expected, units, avg_selling_price, avg_discount, revenue_share, abc_class, "
           "stage_reached, stage_conversion, time_in_stage, pipeline_waterfall, new_customers, accounts_per_rep, "
           "last_touch, activities_per_deal_won";
}

/* Role names: data names in JSON and CSV, marked for the catalogue in the context
 * "counted_as" (tables translate them). */
static const char *const ratio_roles[] = {NC_("counted_as", "denominator"), NC_("counted_as", "numerator"), NULL};
static const char *const meeting_roles[] = {NC_("counted_as", "scheduled"), NC_("counted_as", "held"),
                                            NC_("counted_as", "cancelled"), NC_("counted_as", "rejected"), NULL};
static const char *const qualification_roles[] = {NC_("counted_as", "denominator"), NC_("counted_as", "mql"),
                                                  NC_("counted_as", "sql"), NULL};
static const char *const conversion_roles[] = {NC_("counted_as", "denominator"), NC_("counted_as", "opportunity"),
                                               NC_("counted_as", "customer"), NULL};
static const char *const response_roles[] = {NC_("counted_as", "denominator"), NC_("counted_as", "touched"),
                                             NC_("counted_as", "within_sla"), NULL};
static const char *const waterfall_roles[] = {
    NC_("counted_as", "open_start"), NC_("counted_as", "created"), NC_("counted_as", "reopened"),
    NC_("counted_as", "increased"),  NC_("counted_as", "decreased"), NC_("counted_as", "won"),
    NC_("counted_as", "lost"),       NC_("counted_as", "open_end"), NULL};
static const char *const accounts_roles[] = {NC_("counted_as", "accounts"), NC_("counted_as", "active"), NULL};
static const char *const touch_roles[] = {NC_("counted_as", "days_since_last"), NC_("counted_as", "days_to_next"),
                                          NULL};

const char *const *kpi_records_roles(const kpi_metric *m)
{
    switch (m->id) {
    case M_WIN_RATE:
    case M_MEETING_HELD_RATE:
    case M_CALL_CONNECT_RATE:
    case M_EMAIL_OPEN_RATE:
    case M_EMAIL_REPLY_RATE:
    case M_TASK_COMPLETION:
    case M_STAGE_CONVERSION:
    case M_ACTIVITIES_PER_DEAL_WON: return ratio_roles;
    case M_PIPELINE_WATERFALL: return waterfall_roles;
    case M_ACCOUNTS_PER_REP: return accounts_roles;
    case M_LAST_TOUCH: return touch_roles;
    case M_MEETINGS: return meeting_roles;
    case M_LEAD_QUALIFICATION_RATE: return qualification_roles;
    case M_LEAD_CONVERSION_RATE: return conversion_roles;
    case M_LEAD_RESPONSE_TIME: return response_roles;
    default: return NULL;
    }
}

emb_code kr_push(record_list *l, arena *a, const kpi_record *r, emb_err *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        kpi_record *v = arena_calloc(a, cap, sizeof *v);
        if (!v)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        if (l->n)
            memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *r;
    return EMB_OK;
}

static int cmp_index(const void *x, const void *y)
{
    int32_t a = ((const kpi_record *)x)->index, b = ((const kpi_record *)y)->index;
    return (a > b) - (a < b);
}

static int cmp_int32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* Deals open at q->as_of (RS_OPEN, RS_EXPECTED, RS_STALE), with their state then. */
static emb_code open_deals(const snapshot *s, const kpi_query *q, record_set set, arena *a, record_list *l,
                           emb_err *err)
{
    const snap_deals *d = &s->deals;
    const snap_history *h = &s->history;
    int64_t from_day = INT64_MIN, to_day = INT64_MAX; /* as eng_eval_open */
    if (q->t0 != INT64_MIN && q->t1 != INT64_MAX) {
        from_day = tz_local_day(s->zone, q->t0);
        to_day = tz_local_day(s->zone, q->t1);
    }
    uint8_t *stale_ok = NULL; /* the deals that are not stale */
    if (set == RS_STALE && !(stale_ok = eng_stale_recent(s, q->as_of)))
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    emb_code rc = EMB_OK;
    for (size_t k = eng_first_span_after(h, q->as_of); k < h->nspans && !rc; k++) {
        size_t i = (size_t)h->span_deal[k];
        if (h->span_from[k] > q->as_of || (stale_ok && stale_ok[i] && d->sched_until[i] >= q->as_of))
            continue;
        size_t row = eng_row_at(h, i, q->as_of);
        if (row == (size_t)-1 || h->status[row] != DEAL_OPEN || (q->nfilters && !eng_open_passes(s, q, i, row)))
            continue;
        int32_t ec = h->expected_close[row];
        if (set == RS_EXPECTED && (ec == INT32_MIN || ec < from_day || ec >= to_day))
            continue;
        kpi_record r = {.index = (int32_t)i, .amount = h->amount[row]};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = eng_open_dim(s, i, row, q->by[b]);
        r.rep = eng_open_dim(s, i, row, DIM_REP);
        r.stage = eng_open_dim(s, i, row, DIM_STAGE);
        rc = kr_push(l, a, &r, err);
    }
    free(stale_ok);
    /* spans are in order of their end: list the deals in deal order */
    if (!rc && l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_index);
    return rc;
}

/* Deals whose expected close moved from a day of the period to a later one, as
 * eng_eval_slipped counts them. */
static emb_code slipped_deals(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err)
{
    const snap_history *h = &s->history;
    int64_t from = q->t0 == INT64_MIN ? INT64_MIN : tz_local_day(s->zone, q->t0);
    int64_t to = q->t1 == INT64_MAX ? INT64_MAX : tz_local_day(s->zone, q->t1);
    size_t n = 0;
    int32_t *deals = arena_calloc(a, h->nmoves ? h->nmoves : 1, sizeof *deals);
    if (!deals)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (size_t k = 0; k < h->nmoves; k++)
        if (h->move_from[k] >= from && h->move_from[k] < to && h->move_to[k] >= to)
            deals[n++] = h->move_deal[k];
    qsort(deals, n, sizeof *deals, cmp_int32);
    for (size_t k = 0; k < n; k++) {
        size_t i = (size_t)deals[k];
        if ((k > 0 && deals[k - 1] == deals[k]) || (q->nfilters && !eng_deal_passes(s, q, i, 0)))
            continue;
        kpi_record r = {.index = (int32_t)i, .amount = s->deals.amount[i], .stage = s->deals.stage[i]};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = eng_deal_dim(s, i, q->by[b], 0);
        r.rep = eng_deal_dim(s, i, DIM_REP, 0);
        emb_code rc = kr_push(l, a, &r, err);
        if (rc)
            return rc;
    }
    return EMB_OK;
}

/* Deals created, won, lost or closed in the period. */
static emb_code period_deals(const snapshot *s, const kpi_query *q, record_set set, arena *a, record_list *l,
                             emb_err *err)
{
    const snap_deals *d = &s->deals;
    for (size_t i = 0; i < d->n; i++) {
        int64_t event = set == RS_CREATED ? d->created[i] : d->closed[i];
        if (set != RS_CREATED && (d->status[i] == DEAL_OPEN || (set == RS_WON && d->status[i] != DEAL_WON) ||
                                  (set == RS_LOST && d->status[i] != DEAL_LOST)))
            continue;
        if (event < q->t0 || event >= q->t1 || (q->nfilters && !eng_deal_passes(s, q, i, event)))
            continue;
        kpi_record r = {.index = (int32_t)i, .stage = d->stage[i], .amount = d->amount[i]};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = eng_deal_dim(s, i, q->by[b], event);
        r.rep = eng_deal_dim(s, i, DIM_REP, event);
        if (set == RS_CLOSED)
            r.role = d->status[i] == DEAL_WON ? 3u : 1u;
        emb_code rc = kr_push(l, a, &r, err);
        if (rc)
            return rc;
    }
    return EMB_OK;
}

/* The cohort of leads created in the period, as eng_eval_leads reads it. */
static emb_code leads(const snapshot *s, const kpi_query *q, const kpi_metric *m, arena *a, record_list *l,
                      emb_err *err)
{
    const snap_leads *ld = &s->leads;
    for (size_t i = 0; i < ld->n; i++) {
        if (ld->created[i] < q->t0 || ld->created[i] >= q->t1)
            continue;
        int pass = 1;
        for (int f = 0; f < q->nfilters && pass; f++)
            pass = eng_filter_has(&q->filters[f], eng_lead_dim(s, i, q->filters[f].dim));
        if (!pass)
            continue;
        kpi_record r = {.index = (int32_t)i, .stage = SNAP_NONE};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = eng_lead_dim(s, i, q->by[b]);
        r.rep = eng_lead_dim(s, i, DIM_REP);
        switch (m->id) {
        case M_LEAD_QUALIFICATION_RATE:
            r.role = 1u | (ld->mql_at[i] != SNAP_OPEN_INSTANT ? 2u : 0u) | (ld->sql_at[i] != SNAP_OPEN_INSTANT ? 4u : 0u);
            break;
        case M_LEAD_CONVERSION_RATE:
            r.role = 1u | (ld->converted[i] ? 2u : 0u) | (ld->won[i] ? 4u : 0u);
            break;
        case M_LEAD_RESPONSE_TIME:
            r.role = 1u;
            if (ld->first_touch[i] != SNAP_OPEN_INSTANT)
                r.role |= 2u | (ld->first_touch[i] - ld->created[i] <= 3600 ? 4u : 0u); /* m_leads.c's SLA */
            break;
        default:
            break;
        }
        emb_code rc = kr_push(l, a, &r, err);
        if (rc)
            return rc;
    }
    return EMB_OK;
}

/* The family of an activity metric. */
static eng_family act_family(metric_id id)
{
    switch (id) {
    case M_ACTIVITIES:
    case M_MEETINGS:
    case M_MEETING_HELD_RATE: return FAM_ACT_TIME;
    case M_TASK_COMPLETION: return FAM_ACT_DUE;
    case M_OVERDUE_TASKS: return FAM_ACT_OVERDUE;
    default: return FAM_ACT_DONE;
    }
}

/* The role of activity i for metric id from its counters c (eng_activity_count):
 * 0 when it does not count in the metric. */
static uint32_t act_role(metric_id id, const int64_t *c)
{
    switch (id) {
    case M_ACTIVITIES: return c[ROLL_ACTS] ? 1u : 0u; /* no roles: any non-zero value lists it */
    case M_MEETINGS:
        for (int p = 0; p < 4; p++)
            if (c[ROLL_MEET_SCHEDULED + p])
                return 1u << p;
        return 0;
    case M_MEETING_HELD_RATE:
        return c[ROLL_MEET_HELD] ? 3u : (c[ROLL_MEET_CANCELLED] || c[ROLL_MEET_REJECTED]) ? 1u : 0u;
    case M_CALLS: return c[ROLL_CALLS] ? 1u : 0u;
    case M_CALL_CONNECT_RATE: return c[ROLL_CALLS] ? (c[ROLL_CONNECTED] ? 3u : 1u) : 0u;
    case M_AVG_CALL_DURATION: return c[ROLL_DUR_N] ? 1u : 0u;
    case M_COLD_CALLS: return c[ROLL_COLD_CALLS] ? 1u : 0u;
    case M_EMAIL_OPEN_RATE: return c[ROLL_EMAILS] ? (c[ROLL_OPENED] ? 3u : 1u) : 0u;
    case M_EMAIL_REPLY_RATE: return c[ROLL_EMAILS] ? (c[ROLL_REPLIED] ? 3u : 1u) : 0u;
    case M_TASK_COMPLETION: return c[ROLL_TASKS_DUE] ? (c[ROLL_TASKS_ON_TIME] ? 3u : 1u) : 0u;
    default: return 0;
    }
}

/* Activities counted at an instant of the period (or overdue at the instant), by
 * the counting rule of eng_eval_activities. */
static emb_code activities(const snapshot *s, const kpi_query *q, const kpi_metric *m, arena *a, record_list *l,
                           emb_err *err)
{
    const snap_activities *act = &s->activities;
    eng_family f = act_family(m->id);
    for (size_t i = 0; i < act->n; i++) {
        int64_t event = eng_activity_event(act, i, f);
        if (event == SNAP_OPEN_INSTANT)
            continue;
        if (f == FAM_ACT_OVERDUE ? event >= q->as_of : (event < q->t0 || event >= q->t1))
            continue;
        if (q->nfilters && !eng_activity_passes(s, q, i, event))
            continue;
        uint32_t role = 1u;
        if (f != FAM_ACT_OVERDUE) {
            int64_t c[ROLL_WIDTH] = {0};
            eng_activity_count(c, f, act, i);
            if (!(role = act_role(m->id, c)))
                continue;
        }
        kpi_record r = {.index = (int32_t)i, .stage = SNAP_NONE, .role = kpi_records_roles(m) ? role : 0};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = eng_activity_dim(s, i, q->by[b], event);
        r.rep = eng_activity_dim(s, i, DIM_REP, event);
        emb_code rc = kr_push(l, a, &r, err);
        if (rc)
            return rc;
    }
    return EMB_OK;
}

/* Order lines of the orders dated in the period (RS_ORDERS: one record per order
 * and group, the net of its lines there), as eng_eval_lines reads them. */
static emb_code lines(const snapshot *s, const kpi_query *q, const kpi_metric *m, record_set set, arena *a,
                      record_list *l, emb_err *err)
{
    const snap_lines *ln = &s->lines;
    for (size_t i = 0; i < ln->n; i++) {
        if (ln->ordered[i] < q->t0 || ln->ordered[i] >= q->t1)
            continue;
        int pass = 1;
        for (int f = 0; f < q->nfilters && pass; f++)
            pass = eng_filter_has(&q->filters[f], eng_line_dim(s, i, q->filters[f].dim));
        if (!pass)
            continue;
        if ((m->id == M_COGS || m->id == M_GROSS_PROFIT || m->id == M_GROSS_MARGIN) && !ln->cost_known[i])
            continue;
        if (m->id == M_AVG_DISCOUNT && !ln->gross[i])
            continue;
        kpi_record r = {.index = (int32_t)i, .stage = SNAP_NONE};
        for (int b = 0; b < q->nby; b++)
            r.key[b] = eng_line_dim(s, i, q->by[b]);
        r.rep = eng_line_dim(s, i, DIM_REP);
        if (set == RS_ORDERS) { /* the order's record in this group, if met already */
            kpi_record *same = NULL;
            for (size_t k = l->n; k-- > 0 && ln->order[l->v[k].index] == ln->order[i];)
                if (!memcmp(l->v[k].key, r.key, sizeof r.key))
                    same = &l->v[k];
            if (same) {
                same->amount += ln->net[i];
                continue;
            }
            r.amount = ln->net[i];
        }
        emb_code rc = kr_push(l, a, &r, err);
        if (rc)
            return rc;
    }
    return EMB_OK;
}

typedef struct {
    const snapshot *s;
    const kpi_query *q;
    int conversion;
    arena *a;
    record_list *l;
    emb_err *err;
} stage_walk;

static int stage_record(void *ud, size_t deal, int32_t stage, int reached_next, const int32_t *key)
{
    stage_walk *w = ud;
    kpi_record r = {.index = (int32_t)deal, .stage = stage, .amount = w->s->deals.amount[deal]};
    memcpy(r.key, key, sizeof r.key);
    r.rep = eng_deal_dim(w->s, deal, DIM_REP, w->s->deals.created[deal]);
    if (w->conversion)
        r.role = reached_next ? 3u : 1u;
    return kr_push(w->l, w->a, &r, w->err) != EMB_OK;
}

/* EMB_USAGE for a metric without records, saying what lists what it is made of. */
static emb_code no_records(const kpi_metric *m, emb_err *err)
{
    if (m->family == FAM_DERIVED) {
        const char *const *c = reg_components(m);
        char list[256] = "";
        size_t k = 0;
        for (; c && *c; c++)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", *c);
        return emb_err_set(err, EMB_USAGE,
                           _("'%s' is computed from %s; list the records of each of them with `embudo kpi METRIC "
                             "--records`"),
                           m->name, list);
    }
    if (m->family == FAM_GOALS)
        return emb_err_set(err, EMB_USAGE,
                           _("'%s' compares goals with the metric they follow; list the goals with `embudo goal "
                             "list` and that metric's records with `embudo kpi METRIC --records` (default "
                             "revenue_won)"),
                           m->name);
    if (m->family == FAM_SPEND)
        return emb_err_set(err, EMB_USAGE,
                           _("'%s' adds up expenses, not records of sales; list them with `embudo expense list`"),
                           m->name);
    return emb_err_set(err, EMB_USAGE, _("'%s' does not list its records; these do: %s"), m->name,
                       kpi_records_metric_list());
}

emb_code kpi_records(const snapshot *s, const kpi_query *q, const kpi_metric *m, arena *a, kpi_record **out,
                     size_t *n, emb_err *err)
{
    record_set set = set_of(m);
    *out = NULL;
    *n = 0;
    if (set == RS_NONE)
        return no_records(m, err);
    int need = kpi_metric_required_dim(m), found = need < 0;
    for (int b = 0; b < q->nby; b++) {
        if (!kpi_metric_has_dim(m, q->by[b]))
            return emb_err_set(err, EMB_USAGE, _("metric '%s' cannot be broken down by '%s'"), m->name,
                               kpi_dim_name(q->by[b]));
        found |= q->by[b] == (kpi_dim)need;
    }
    if (!found)
        return emb_err_set(err, EMB_USAGE, _("metric '%s' is broken down by %s: add --by %s"), m->name,
                           kpi_dim_name((kpi_dim)need), kpi_dim_name((kpi_dim)need));
    record_list l = {0};
    emb_code rc;
    switch (set) {
    case RS_OPEN:
    case RS_EXPECTED:
    case RS_STALE: rc = open_deals(s, q, set, a, &l, err); break;
    case RS_SLIPPED: rc = slipped_deals(s, q, a, &l, err); break;
    case RS_LEADS: rc = leads(s, q, m, a, &l, err); break;
    case RS_ACTS: rc = activities(s, q, m, a, &l, err); break;
    case RS_LINES:
    case RS_ORDERS: rc = lines(s, q, m, set, a, &l, err); break;
    case RS_FUNNEL:
    case RS_EXITS: {
        stage_walk w = {s, q, m->id == M_STAGE_CONVERSION, a, &l, err};
        rc = eng_stage_each(s, q, set == RS_FUNNEL ? FAM_FUNNEL : FAM_STAGE_EXITS, stage_record, &w, err);
        break;
    }
    case RS_WATERFALL: rc = kr_waterfall(s, q, a, &l, err); break;
    case RS_NEW_CUSTOMERS: rc = kr_new_customers(s, q, a, &l, err); break;
    case RS_ACCOUNTS: rc = kr_accounts(s, q, a, &l, err); break;
    case RS_LAST_TOUCH: rc = kr_last_touch(s, q, a, &l, err); break;
    case RS_TOUCHES: rc = kr_touches(s, q, a, &l, err); break;
    default: rc = period_deals(s, q, set, a, &l, err); break;
    }
    if (rc)
        return rc;
    *out = l.v;
    *n = l.n;
    return EMB_OK;
}
