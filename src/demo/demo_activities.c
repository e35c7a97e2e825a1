/*
 * demo_activities.c - calls, emails, meetings, tasks and notes on deals and leads.
 *
 * Deals: about --activities-per-deal touches spread over the deal's life (more
 * for won deals, fewer for lost ones, scaled by the rep's diligence), their type
 * following the stage (calls and emails early, meetings later); outcomes follow
 * the rep (calls connect at the rep's rate, cold calls less) and common rates
 * (emails: 37 % sent only, 40 % opened, 20 % replied, 3 % bounced; meetings: 76 %
 * held, 14 % cancelled, 10 % rejected); tasks are mostly done on time, some late,
 * some left overdue on open deals. Most open deals have a next step scheduled
 * after now; the others are the stale ones.
 * Leads: a first touch after a delay that shows the team's response time (some
 * leads are never touched), and a follow-up or two.
 * Every activity is created at or before now; only scheduled ones are due later.
 */
#include "demo/demo_int.h"

static const char *const activity_cols[] = {"type",     "subject", "owner_id", "deal_id", "lead_id",
                                            "account_id", "contact_id", "due",   "done",    "duration_s",
                                            "outcome",  "cold",    "created"};
const char *const *demo_activity_columns(int *n)
{
    *n = (int)(sizeof activity_cols / sizeof activity_cols[0]);
    return activity_cols;
}

typedef struct {
    const char *type, *subject, *outcome;
    int64_t owner, deal, lead, account, contact;
    int64_t due, done, duration, created; /* 0: NULL (duration: -1) */
    int cold;
} act;

static emb_code write_act(demo_gen *g, const act *a, emb_err *err)
{
    bulk *b = g->b_activities;
    bulk_text(b, a->type);
    bulk_text(b, a->subject);
    bulk_int(b, a->owner);
    bulk_int_or_null(b, a->deal > 0, a->deal);
    bulk_int_or_null(b, a->lead > 0, a->lead);
    bulk_int_or_null(b, a->account > 0, a->account);
    bulk_int_or_null(b, a->contact > 0, a->contact);
    bulk_int_or_null(b, a->due > 0, a->due);
    bulk_int_or_null(b, a->done > 0, a->done);
    bulk_int_or_null(b, a->duration >= 0, a->duration);
    bulk_text(b, a->outcome);
    bulk_int(b, a->cold);
    bulk_int(b, a->created);
    g->stats->activities++;
    return bulk_end_row(b, err);
}

enum { A_CALL, A_EMAIL, A_MEETING, A_TASK, A_NOTE };

static const char *call_subject(int stage)
{
    static const char *const s[] = {"Discovery call", "Qualification call", "Proposal follow-up call",
                                    "Pricing call"};
    return s[stage <= ST_NEGOTIATION ? stage : 0];
}

static void fill_call(const demo_gen *g, demo_rng *r, act *a, int rep, int cold, int64_t t)
{
    int connect = g->reps[rep].connect_bp - (cold ? 1800 : 0);
    a->type = "call";
    a->due = a->done = a->created = t;
    a->cold = cold;
    if (demo_rng_chance(r, connect)) {
        a->outcome = "connected";
        a->duration = 60 + demo_rng_spread(r, 540);
    } else {
        a->outcome = "no_answer";
        a->duration = demo_rng_range(r, 10, 45);
    }
}

static void fill_email(demo_rng *r, act *a, int64_t t)
{
    static const char *const outcomes[] = {"sent", "opened", "replied", "bounced"};
    static const int w[] = {37, 40, 20, 3};
    a->type = "email";
    a->due = a->done = a->created = t;
    a->outcome = outcomes[demo_rng_weighted(r, w, 4)];
    a->duration = -1;
}

emb_code demo_deal_activities(demo_gen *g, const demo_deal *d, emb_err *err)
{
    demo_rng r;
    demo_rng_init(&r, g->seed, RS_DEAL_ACTIVITIES, (uint64_t)d->id);
    const demo_state *last = &d->ev[d->nev - 1];
    int64_t end = d->closed ? d->closed : g->now;
    int64_t life = end - d->created;
    /* won deals get more touches, lost ones fewer; on average A per deal with the
     * next steps of open deals */
    int factor = last->stage == ST_WON ? 1550 : last->stage == ST_LOST ? 830 : 1000;
    int64_t n_pm = (int64_t)g->p->activities_per_deal * factor * g->reps[d->ev[0].rep].diligence_pm / 1000;
    int64_t n = n_pm / 1000 + (demo_rng_below(&r, 1000) < (uint64_t)(n_pm % 1000));
    static const int type_w[4][5] = {{45, 40, 5, 7, 3}, {35, 35, 18, 9, 3}, {20, 35, 25, 15, 5}, {25, 30, 25, 15, 5}};
    static const char *const meeting_subjects[] = {"Intro meeting", "Product demo", "Proposal review",
                                                   "Negotiation meeting"};
    static const char *const task_subjects[] = {"Research account", "Prepare demo", "Prepare proposal",
                                                "Send contract"};
    static const char *const email_subjects[] = {"Intro email", "Follow-up email", "Proposal sent",
                                                 "Contract sent"};
    static const char *const notes[] = {"Budget confirmed", "Decision maker identified", "Competitor involved",
                                        "Needs legal review"};
    emb_code rc = EMB_OK;
    for (int64_t k = 0; k < n && !rc && life > 0; k++) {
        int64_t t = demo_business(&r, d->created + (int64_t)demo_rng_below(&r, (uint64_t)life));
        if (t >= end)
            continue;
        int stage = demo_deal_stage_at(d, t);
        int owner = demo_deal_owner_at(d, t);
        if (stage > ST_NEGOTIATION)
            stage = ST_NEGOTIATION;
        act a = {.owner = g->reps[owner].user_id, .deal = d->id, .account = d->account + 1, .contact = d->contact,
                 .duration = -1};
        switch (demo_rng_weighted(&r, type_w[stage], 5)) {
        case A_CALL: {
            int cold = d->cold && stage == ST_PROSPECTING;
            fill_call(g, &r, &a, owner, cold, t);
            a.subject = cold ? "Cold call" : call_subject(stage);
            break;
        }
        case A_EMAIL:
            fill_email(&r, &a, t);
            a.subject = email_subjects[stage];
            break;
        case A_MEETING: {
            static const char *const outcomes[] = {"held", "cancelled", "rejected"};
            static const int w[] = {76, 14, 10};
            a.type = "meeting";
            a.subject = meeting_subjects[stage];
            a.due = t = t - t % 900; /* on the quarter hour */
            a.created = t - demo_rng_range(&r, 2, 10) * DAY;
            if (a.created < d->created)
                a.created = d->created;
            a.outcome = outcomes[demo_rng_weighted(&r, w, 3)];
            if (a.outcome[0] == 'h') {
                a.duration = demo_rng_range(&r, 2, 6) * 900;
                a.done = t + a.duration > g->now ? g->now : t + a.duration;
                g->meetings_held[demo_month_index(g, t)]++;
            } else {
                a.done = t - demo_rng_range(&r, 3600, 2 * DAY);
                if (a.done < a.created)
                    a.done = a.created;
            }
            break;
        }
        case A_TASK: {
            a.type = "task";
            a.subject = task_subjects[stage];
            a.due = t;
            a.created = t - demo_rng_range(&r, 0, 3 * DAY);
            if (a.created < d->created)
                a.created = d->created;
            int how = (int)demo_rng_below(&r, 100);
            if (how < 75)
                a.done = t - demo_rng_range(&r, 0, 8 * 3600);
            else if (how < 90 || d->closed)
                a.done = t + demo_rng_range(&r, DAY, 5 * DAY);
            if (a.done && a.done < a.created)
                a.done = a.created;
            if (a.done > g->now)
                a.done = 0; /* late, still open: overdue */
            break;
        }
        default:
            a.type = "note";
            a.subject = notes[demo_rng_below(&r, 4)];
            a.created = a.done = t;
        }
        rc = write_act(g, &a, err);
    }
    /* The next step of an open deal. */
    if (!rc && !d->closed && g->p->activities_per_deal > 0 && demo_rng_chance(&r, 8500)) {
        int stage = last->stage > ST_NEGOTIATION ? ST_NEGOTIATION : last->stage;
        act a = {.owner = g->reps[last->rep].user_id, .deal = d->id, .account = d->account + 1,
                 .contact = d->contact, .duration = -1};
        a.due = demo_business_on(&r, g->now_day + demo_rng_range(&r, 1, 14));
        a.created = g->now - demo_rng_range(&r, 0, 5 * DAY);
        if (a.created < d->created)
            a.created = d->created;
        if (demo_rng_chance(&r, 4000)) {
            a.due -= a.due % 900;
            a.type = "meeting";
            a.subject = meeting_subjects[stage];
            a.outcome = "scheduled";
        } else {
            a.type = "task";
            a.subject = task_subjects[stage];
        }
        rc = write_act(g, &a, err);
    }
    return rc;
}

emb_code demo_lead_activities(demo_gen *g, demo_rng *r, int64_t lead_id, int rep, int64_t created, int64_t end,
                              int touched, emb_err *err)
{
    if (!touched)
        return EMB_OK;
    static const int64_t delay[4][2] = {{300, 3300}, {3600, 8 * 3600}, {DAY, 3 * DAY}, {3 * DAY, 10 * DAY}};
    static const int delay_w[4] = {35, 35, 20, 10};
    int band = demo_rng_weighted(r, delay_w, 4);
    int64_t t = demo_business(r, created + demo_rng_range(r, delay[band][0], delay[band][1]));
    int n = 1 + demo_rng_chance(r, 4000) + demo_rng_chance(r, 1500);
    int seat = g->reps[rep].seat;
    emb_code rc = EMB_OK;
    for (int k = 0; k < n && !rc && t < end && t <= g->now; k++) {
        int holder = demo_seat_holder(g, seat, t);
        int owner = holder >= 0 ? holder : rep;
        act a = {.owner = g->reps[owner].user_id, .lead = lead_id, .duration = -1};
        if (demo_rng_chance(r, 5500)) {
            fill_call(g, r, &a, owner, 0, t);
            a.subject = k ? "Lead follow-up call" : "Lead first call";
        } else {
            fill_email(r, &a, t);
            a.subject = k ? "Lead follow-up email" : "Lead intro email";
        }
        rc = write_act(g, &a, err);
        t = demo_business(r, t + demo_rng_range(r, DAY, 7 * DAY));
    }
    return rc;
}
