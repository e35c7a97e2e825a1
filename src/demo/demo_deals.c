/*
 * demo_deals.c - deals: when they are created, by whom, for which account, and
 * their story through the pipeline, written as a deals row plus one deal_history
 * row per change, exactly as the records API would have recorded them:
 *  - the first history row is at creation ("created") with the initial state;
 *  - each later row holds the whole tracked state after a change and names the
 *    fields that changed (stage,status,amount,owner,expected_close, in that order);
 *  - rows are strictly increasing in time and none is after now; a close is dated
 *    by the deal's close time; the deals row equals the last history row.
 *
 * The story: each open stage lasts a while (by segment and rep speed; some deals
 * stall) and is passed with a probability that depends on the rep's skill and the
 * segment, otherwise the deal is lost with a reason typical of its stage. Closes
 * gather at quarter ends and avoid August; reps under-estimate the close date and
 * move it when it passes; amounts start as estimates, become the quote at
 * Proposal and the final order total when won; deals follow their seat when a
 * rep leaves, and a few are reassigned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "demo/demo_int.h"

enum { CH_STAGE, CH_AMOUNT, CH_OWNER, CH_EC };

typedef struct {
    int64_t at;
    int kind;      /* CH_* */
    int64_t value; /* stage, amount (-1: unknown), rep index, or day */
    int seq;       /* tie-break: order of creation */
} change;

/* Stage model: mean days in each open stage, and the chance to pass it. */
static const int stage_days[4] = {12, 20, 28, 20};
static const int stage_pass_bp[4] = {6500, 7000, 6500, 7000};
static const int segment_days_pm[NSEGMENTS] = {600, 1000, 1800};
static const int segment_pass_bp[NSEGMENTS] = {300, 0, -400};

int demo_stage_pass_bp(int stage, int rep_adj, int segment)
{
    int p = stage_pass_bp[stage] + rep_adj + segment_pass_bp[segment];
    return p < 1000 ? 1000 : p > 9500 ? 9500 : p;
}

/* ---- skeleton -------------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

emb_code demo_skeleton(demo_gen *g, emb_err *err)
{
    int64_t n = g->p->deals;
    g->ndeals = n;
    g->deals = calloc((size_t)n, sizeof *g->deals);
    int64_t *times = malloc((size_t)n * sizeof *times);
    if (!g->deals || !times) {
        free(times);
        return emb_err_set(err, EMB_NOMEM, _("out of memory for %lld deals"), (long long)n);
    }
    demo_rng r;
    demo_rng_init(&r, g->seed, RS_SKELETON, 0);
    for (int64_t i = 0; i < n; i++)
        times[i] = demo_pick_time(g, &r, 0);
    qsort(times, (size_t)n, sizeof *times, cmp_i64);
    static const int lead_src_w[NLEAD_SOURCES] = {30, 18, 12, 10, 16, 14};
    for (int64_t i = 0; i < n; i++) {
        demo_deal_seed *d = &g->deals[i];
        demo_rng_init(&r, g->seed, RS_SKELETON, (uint64_t)i + 1);
        d->created = times[i];
        int rep;
        int seat = demo_pick_seat(g, &r, d->created, &rep);
        d->rep = rep;
        d->account = (int32_t)(g->seats[seat].acc_first + (int64_t)demo_rng_skewed(&r, (uint64_t)g->seats[seat].acc_count));
        int64_t seen = d->created;
        if (demo_rng_chance(&r, 5000)) {
            d->source = (uint8_t)demo_rng_weighted(&r, lead_src_w, NLEAD_SOURCES);
            d->lead_id = -1; /* numbered when the leads are sorted */
            d->lead_created = d->created - 3600 - demo_rng_spread(&r, 20 * DAY);
            seen = d->lead_created;
        } else {
            d->source = demo_rng_chance(&r, 5500) ? SRC_OUTBOUND : SRC_EXISTING;
        }
        demo_account *acc = &g->accounts[d->account];
        if (seen < acc->first_seen)
            acc->first_seen = seen;
    }
    free(times);
    return EMB_OK;
}

/* ---- the story of one deal ---------------------------------------------------------- */

static int64_t quarter_end_day(int64_t day)
{
    int y, m, d;
    demo_civil_from_days(day, &y, &m, &d);
    int qm = ((m - 1) / 3) * 3 + 4; /* first month of the next quarter */
    return (qm > 12 ? demo_days_from_civil(y + 1, qm - 12, 1) : demo_days_from_civil(y, qm, 1)) - 1;
}

static int64_t weekday_back(int64_t day)
{
    int wd = demo_weekday(day);
    return wd >= 6 ? day - (wd - 5) : day;
}

/* Reps work to close by the quarter's end: some closes move to its last days, and
 * some early in a quarter are pulled back into the one before. */
static int64_t quarter_pull(demo_rng *r, int64_t t, int64_t not_before)
{
    int64_t day = demo_local_day(t);
    int y, m, d;
    demo_civil_from_days(day, &y, &m, &d);
    int qm = (m - 1) % 3;
    if (qm < 2 && demo_rng_chance(r, 2500)) {
        int64_t target = weekday_back(quarter_end_day(day) - demo_rng_range(r, 0, 9));
        if (target > day && target - day <= 50)
            return demo_business_on(r, target);
    } else if (qm == 0 && d <= 12 && demo_rng_chance(r, 3500)) {
        int64_t target = weekday_back(day - d - demo_rng_range(r, 0, 4));
        int64_t t2 = demo_business_on(r, target);
        if (t2 > not_before + DAY && t2 < t)
            return t2;
    }
    return t;
}

/* Little closes in August: most of what would happen then waits for September. */
static int64_t summer_wait(demo_rng *r, int64_t t)
{
    int y, m, d;
    demo_civil_from_days(demo_local_day(t), &y, &m, &d);
    if (m == 8 && demo_rng_chance(r, 6000))
        return demo_business_on(r, demo_days_from_civil(y, 9, 1) + demo_rng_range(r, 0, 10));
    return t;
}

static const char *lost_reason(demo_rng *r, int stage)
{
    static const char *const early[] = {"No budget", "No response", "Not a fit", "Timing", "Competitor"};
    static const int early_w[] = {30, 30, 25, 15, 5};
    static const char *const late[] = {"Price", "Competitor", "No decision", "Timing", "No budget"};
    static const int late_w[] = {35, 30, 20, 10, 5};
    return stage <= ST_QUALIFICATION ? early[demo_rng_weighted(r, early_w, 5)] : late[demo_rng_weighted(r, late_w, 5)];
}

typedef struct {
    change ch[MAX_EVENTS * 2];
    int n;
    int full;
} change_list;

static void add_change(change_list *l, int64_t at, int kind, int64_t value)
{
    if (l->n >= (int)(sizeof l->ch / sizeof l->ch[0])) {
        l->full = 1;
        return;
    }
    l->ch[l->n] = (change){at, kind, value, l->n};
    l->n++;
}

/* Insertion sort by (at, seq): lists are short, and qsort would allocate. */
static void sort_changes(change *c, int n)
{
    for (int i = 1; i < n; i++) {
        change x = c[i];
        int j = i - 1;
        while (j >= 0 && (c[j].at > x.at || (c[j].at == x.at && c[j].seq > x.seq))) {
            c[j + 1] = c[j];
            j--;
        }
        c[j + 1] = x;
    }
}

typedef struct {
    int outcome;         /* ST_WON, ST_LOST or -1 (open at now) */
    int64_t close_at;    /* when won or lost (may be after now: then open) */
    int last_open_stage; /* the stage it was lost from */
    int zombie;
    int64_t proposal_at; /* first entry into Proposal, 0 if never */
    const char *lost_reason;
} walk_result;

/* The stage walk; appends CH_STAGE changes (the close included). */
static void walk_stages(const demo_gen *g, demo_rng *r, const demo_deal *d, const demo_rep *rep, int start_stage,
                        change_list *l, walk_result *w)
{
    int stage = start_stage, regressed = 0;
    int zombie_stage = demo_rng_chance(r, 300) ? (int)demo_rng_range(r, stage, ST_NEGOTIATION) : -1;
    int64_t t = d->created, negotiation_at = 0;
    memset(w, 0, sizeof *w);
    w->outcome = -1;
    w->zombie = zombie_stage >= 0;
    int ramp = d->created - rep->hired < 90 * DAY ? -500 : 0;
    for (int steps = 0; steps < 12; steps++) {
        int64_t mean = (int64_t)stage_days[stage] * DAY * segment_days_pm[d->segment] / 1000 * rep->speed_pm / 1000;
        if (stage == zombie_stage)
            mean *= demo_rng_range(r, 5, 12);
        int64_t dur = demo_rng_spread(r, mean) + demo_rng_range(r, 2 * 3600, DAY);
        if (!demo_rng_chance(r, demo_stage_pass_bp(stage, rep->win_adj_bp + ramp, d->segment))) {
            w->outcome = ST_LOST;
            w->last_open_stage = stage;
            w->close_at = summer_wait(r, demo_business(r, t + dur * 16 / 10));
            w->lost_reason = lost_reason(r, stage);
            add_change(l, w->close_at, CH_STAGE, ST_LOST);
            return;
        }
        t = summer_wait(r, demo_business(r, t + dur));
        if (t > g->now)
            return; /* still in this stage now */
        int next = stage + 1;
        if (stage == ST_NEGOTIATION) {
            if (!regressed && demo_rng_chance(r, 300)) {
                regressed = 1; /* back to a new proposal */
                next = ST_PROPOSAL;
            } else {
                w->outcome = ST_WON;
                w->close_at = quarter_pull(r, t, negotiation_at);
                add_change(l, w->close_at, CH_STAGE, ST_WON);
                return;
            }
        } else if (stage == ST_QUALIFICATION && demo_rng_chance(r, 500)) {
            next = ST_NEGOTIATION; /* skips Proposal */
        }
        if (next == ST_PROPOSAL && !w->proposal_at)
            w->proposal_at = t;
        if (next == ST_NEGOTIATION)
            negotiation_at = t;
        add_change(l, t, CH_STAGE, next);
        stage = next;
    }
    w->outcome = -1; /* a deal that went round too long stays open */
}

/* The rep's first guess at the close date, and moves when it passes. */
static int64_t first_expected_close(demo_rng *r, const demo_deal *d, int start_stage)
{
    int64_t days = 0;
    for (int s = start_stage; s <= ST_NEGOTIATION; s++)
        days += (int64_t)stage_days[s] * segment_days_pm[d->segment] / 1000;
    days = days * demo_rng_range(r, 55, 100) / 100;
    int64_t ec = demo_local_day(d->created) + (days < 7 ? 7 : days);
    if (demo_rng_chance(r, 4000)) { /* reps like month ends */
        int y, m, dd;
        demo_civil_from_days(ec, &y, &m, &dd);
        ec = (m == 12 ? demo_days_from_civil(y + 1, 1, 1) : demo_days_from_civil(y, m + 1, 1)) - 1;
    }
    return ec;
}

static void slip_expected_close(const demo_gen *g, demo_rng *r, int64_t ec, int64_t end, change_list *l)
{
    int64_t end_day = demo_local_day(end);
    for (int k = 0; k < 5 && ec < end_day; k++) {
        int64_t tv = demo_business_on(r, ec + demo_rng_range(r, 1, 6));
        if (tv >= end || tv > g->now)
            return;
        int64_t next = demo_local_day(tv) + demo_rng_range(r, 10, 45);
        if (k >= 1 && demo_rng_chance(r, 4000))
            next = quarter_end_day(next);
        add_change(l, tv, CH_EC, next);
        ec = next;
    }
}

int demo_deal_owner_at(const demo_deal *d, int64_t t)
{
    int owner = d->ev[0].rep;
    for (int i = 0; i < d->nev && d->ev[i].at <= t; i++)
        owner = d->ev[i].rep;
    return owner;
}

int demo_deal_stage_at(const demo_deal *d, int64_t t)
{
    int stage = d->ev[0].stage;
    for (int i = 0; i < d->nev && d->ev[i].at <= t; i++)
        stage = d->ev[i].stage;
    return stage;
}

static int64_t round_estimate(int64_t v)
{
    int64_t unit = v >= 10000000 ? 500000 : 10000; /* 5,000 or 100 euros */
    int64_t e = (v + unit / 2) / unit * unit;
    return e < unit ? unit : e;
}

/* Builds d->ev (the history) from the changes: the changes at one instant are one
 * update (one row); an update at or before the previous one moves a second later;
 * nothing after a close or after now. Sets d->closed. */
static void apply_changes(const demo_gen *g, demo_deal *d, change_list *l, const demo_state *initial)
{
    sort_changes(l->ch, l->n);
    d->ev[0] = *initial;
    d->nev = 1;
    demo_state cur = *initial;
    for (int i = 0; i < l->n && d->nev < MAX_EVENTS && cur.stage != ST_WON && cur.stage != ST_LOST;) {
        int64_t at = l->ch[i].at;
        demo_state next = cur;
        int owner_change = 0;
        for (; i < l->n && l->ch[i].at == at; i++) {
            const change *c = &l->ch[i];
            switch (c->kind) {
            case CH_STAGE:
                next.stage = (int)c->value;
                break;
            case CH_AMOUNT:
                next.has_amount = c->value >= 0;
                next.amount = c->value >= 0 ? c->value : 0;
                break;
            case CH_OWNER:
                next.rep = (int)c->value;
                owner_change = 1;
                break;
            default:
                next.ec_day = c->value;
            }
        }
        if (at <= cur.at)
            at = cur.at + 1;
        if (at > g->now)
            break;
        if (next.stage == cur.stage && next.has_amount == cur.has_amount && next.amount == cur.amount &&
            next.rep == cur.rep && next.ec_day == cur.ec_day)
            continue;
        next.at = at;
        next.author = owner_change ? g->teams[g->reps[next.rep].team].manager_user : g->reps[cur.rep].user_id;
        d->ev[d->nev++] = next;
        cur = next;
    }
    if (cur.stage == ST_WON || cur.stage == ST_LOST)
        d->closed = cur.at;
}

typedef struct {
    int outcome;
    const char *lost_reason;
    int zombie;
} story_result;

/* The whole story of deal i into d. */
static void deal_story(demo_gen *g, int64_t i, demo_deal *d, story_result *res)
{
    const demo_deal_seed *sk = &g->deals[i];
    const demo_account *acc = &g->accounts[sk->account];
    const demo_rep *rep = &g->reps[sk->rep];
    demo_rng r;
    demo_rng_init(&r, g->seed, RS_DEAL, (uint64_t)i);
    memset(d, 0, sizeof *d);
    d->id = i + 1;
    d->created = sk->created;
    d->account = sk->account;
    d->contact = acc->first_contact + (int64_t)demo_rng_below(&r, acc->ncontacts);
    d->segment = acc->segment;
    d->currency = demo_region_currency(acc->region);
    d->source = sk->source;
    demo_deal_lines(g, &r, d, rep);
    int start_stage = sk->lead_id && demo_rng_chance(&r, 5000) ? ST_QUALIFICATION : ST_PROSPECTING;
    d->cold = sk->source == SRC_OUTBOUND;

    change_list l = {.n = 0};
    walk_result w;
    walk_stages(g, &r, d, rep, start_stage, &l, &w);
    int64_t end = w.outcome >= 0 && w.close_at <= g->now ? w.close_at : g->now;

    /* Amounts: an estimate (sometimes unknown at first), the quote at Proposal, a
     * re-scope now and then, the final total when won. */
    int64_t quote = demo_lines_total(d->lines, d->nlines);
    demo_state init = {.at = d->created, .stage = start_stage, .rep = sk->rep, .author = rep->user_id};
    init.ec_day = first_expected_close(&r, d, start_stage);
    if (demo_rng_chance(&r, 800)) {
        init.has_amount = 0;
        add_change(&l, d->created + demo_rng_range(&r, DAY, 10 * DAY), CH_AMOUNT,
                   round_estimate(quote * demo_rng_range(&r, 85, 125) / 100));
    } else {
        init.has_amount = 1;
        init.amount = round_estimate(quote * demo_rng_range(&r, 85, 125) / 100);
    }
    if (w.proposal_at && w.proposal_at <= end)
        add_change(&l, w.proposal_at, CH_AMOUNT, quote);
    if (w.proposal_at && demo_rng_chance(&r, 800)) {
        int64_t tr = w.proposal_at + (int64_t)demo_rng_below(&r, (uint64_t)(end - w.proposal_at + 1));
        if (tr > w.proposal_at && tr < end) {
            demo_line *ln = &d->lines[demo_rng_below(&r, (uint64_t)d->nlines)];
            int q = ln->quantity * (int)demo_rng_range(&r, 70, 130) / 100;
            ln->quantity = q < 1 ? 1 : q;
            add_change(&l, tr, CH_AMOUNT, demo_lines_total(d->lines, d->nlines));
        }
    }
    if (w.outcome == ST_WON && w.close_at <= g->now) {
        /* Last-minute discounts, bigger at a quarter's end. */
        int64_t day = demo_local_day(w.close_at);
        int extra = demo_rng_chance(&r, 4000) ? (int)demo_rng_range(&r, 2, 10) * 50 : 0;
        if (quarter_end_day(day) - day < 14)
            extra += (int)demo_rng_range(&r, 4, 10) * 50;
        for (int k = 0; k < d->nlines && extra; k++) {
            int disc = d->lines[k].discount_bp + extra;
            d->lines[k].discount_bp = disc > 6000 ? 6000 : disc;
        }
        add_change(&l, w.close_at, CH_AMOUNT, demo_lines_total(d->lines, d->nlines)); /* one update */
    }

    /* Owners: the seat's next holder takes over when a rep leaves; a few deals are
     * reassigned within the team. */
    int owner = sk->rep, moved = 0;
    while (g->reps[owner].left && g->reps[owner].left < end && owner + 1 < g->nreps &&
           g->reps[owner + 1].seat == g->reps[owner].seat) {
        add_change(&l, g->reps[owner].left, CH_OWNER, owner + 1);
        owner++;
        moved = 1;
    }
    if (!moved && end - d->created > 2 * DAY && demo_rng_chance(&r, 150)) {
        int64_t t = d->created + DAY + (int64_t)demo_rng_below(&r, (uint64_t)(end - d->created - DAY));
        int seat = (int)demo_rng_below(&r, (uint64_t)g->nseats);
        int other = demo_seat_holder(g, seat, t);
        if (other >= 0 && other != owner && g->seats[seat].team == rep->team)
            add_change(&l, demo_business(&r, t), CH_OWNER, other);
    }
    slip_expected_close(g, &r, init.ec_day, end, &l);
    apply_changes(g, d, &l, &init);
    const demo_state *last = &d->ev[d->nev - 1];
    res->outcome = last->stage == ST_WON || last->stage == ST_LOST ? last->stage : -1;
    res->lost_reason = w.lost_reason;
    res->zombie = w.zombie;
}

/* ---- writing ---------------------------------------------------------------------- */

static const char *status_of(int stage) { return stage == ST_WON ? "won" : stage == ST_LOST ? "lost" : "open"; }

static void history_row(demo_gen *g, const demo_deal *d, const demo_state *s, const char *changed)
{
    bulk *b = g->b_history;
    char ec[11];
    demo_date(s->ec_day, ec);
    bulk_int(b, d->id);
    bulk_int(b, s->at);
    bulk_int(b, s->author);
    bulk_text(b, changed);
    bulk_int(b, g->stage_id[s->stage]);
    bulk_text(b, status_of(s->stage));
    bulk_int_or_null(b, s->has_amount, s->amount);
    bulk_text(b, demo_currency_codes[d->currency]);
    bulk_int(b, g->reps[s->rep].user_id);
    bulk_text(b, ec);
}

/* The fields that differ between two states, in the records API's order. */
static void changed_list(const demo_state *a, const demo_state *b, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
#define ADD(name)                                                                     \
    do {                                                                              \
        size_t len = strlen(name);                                                    \
        if (n + len + 2 < size) {                                                     \
            if (n)                                                                    \
                out[n++] = ',';                                                       \
            memcpy(out + n, name, len + 1);                                           \
            n += len;                                                                 \
        }                                                                             \
    } while (0)
    if (a->stage != b->stage)
        ADD("stage");
    if (strcmp(status_of(a->stage), status_of(b->stage)))
        ADD("status");
    if (a->has_amount != b->has_amount || a->amount != b->amount)
        ADD("amount");
    if (a->rep != b->rep)
        ADD("owner");
    if (a->ec_day != b->ec_day)
        ADD("expected_close");
#undef ADD
}

static const char *forecast_category(demo_rng *r, int stage, int zombie)
{
    if (stage == ST_WON)
        return "commit";
    if (stage == ST_LOST || zombie)
        return "omitted";
    if (stage == ST_NEGOTIATION)
        return demo_rng_chance(r, 6500) ? "commit" : "best_case";
    if (stage == ST_PROPOSAL)
        return demo_rng_chance(r, 5000) ? "best_case" : "pipeline";
    return demo_rng_chance(r, 9000) ? "pipeline" : "omitted";
}

static emb_code write_deal(demo_gen *g, const demo_deal *d, const story_result *res, emb_err *err)
{
    const demo_state *last = &d->ev[d->nev - 1];
    const demo_account *acc = &g->accounts[d->account];
    const demo_deal_seed *sk = &g->deals[d->id - 1];
    demo_rng r;
    demo_rng_init(&r, g->seed, RS_DEAL, (uint64_t)(g->ndeals + d->id));
    char title[256], company[160], domain[96], ec[11];
    demo_company_name(g, (uint64_t)d->account, acc->industry, acc->region, company, sizeof company, domain,
                      sizeof domain);
    snprintf(title, sizeof title, "%s - %s", company, demo_products[d->lines[0].product].name);
    demo_date(last->ec_day, ec);
    bulk *b = g->b_deals;
    bulk_int(b, d->id);
    bulk_text(b, title);
    bulk_int(b, d->account + 1);
    bulk_int(b, d->contact);
    bulk_int(b, g->reps[last->rep].user_id);
    bulk_int(b, g->pipeline_id);
    bulk_int(b, g->stage_id[last->stage]);
    bulk_text(b, status_of(last->stage));
    bulk_int_or_null(b, last->has_amount, last->amount);
    bulk_text(b, demo_currency_codes[d->currency]);
    bulk_text(b, ec);
    int own_prob = (last->stage == ST_PROPOSAL || last->stage == ST_NEGOTIATION) && demo_rng_chance(&r, 1000);
    int64_t prob = g->stage_prob[last->stage] + demo_rng_range(&r, -15, 15) * 100;
    bulk_int_or_null(b, own_prob, prob < 0 ? 0 : prob > 10000 ? 10000 : prob);
    bulk_text(b, forecast_category(&r, last->stage, res->zombie));
    bulk_text(b, last->stage == ST_LOST ? res->lost_reason : NULL);
    bulk_text(b, demo_source_names[d->source]);
    bulk_int_or_null(b, sk->lead_id > 0, sk->lead_id);
    bulk_int(b, d->created);
    bulk_int_or_null(b, d->closed != 0, d->closed);
    emb_code rc = bulk_end_row(b, err);
    char changed[96];
    for (int k = 0; k < d->nev && !rc; k++) {
        if (k == 0)
            memcpy(changed, "created", 8);
        else
            changed_list(&d->ev[k - 1], &d->ev[k], changed, sizeof changed);
        history_row(g, d, &d->ev[k], changed);
        rc = bulk_end_row(g->b_history, err);
    }
    for (int k = 0; k < d->nlines && !rc; k++) {
        const demo_line *ln = &d->lines[k];
        bulk_int(g->b_deal_products, d->id);
        bulk_int(g->b_deal_products, ln->product + 1);
        bulk_int(g->b_deal_products, ln->quantity);
        bulk_int(g->b_deal_products, ln->unit_price);
        bulk_int(g->b_deal_products, ln->discount_bp);
        rc = bulk_end_row(g->b_deal_products, err);
    }
    g->stats->history += d->nev;
    g->stats->deal_products += d->nlines;
    return rc;
}

emb_code demo_write_deals(demo_gen *g, emb_err *err)
{
    demo_deal *d = malloc(sizeof *d);
    if (!d)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    emb_code rc = EMB_OK;
    int64_t step = g->ndeals / 100 + 1;
    for (int64_t i = 0; i < g->ndeals && !rc; i++) {
        story_result res;
        deal_story(g, i, d, &res);
        rc = write_deal(g, d, &res, err);
        if (!rc)
            rc = demo_deal_activities(g, d, err);
        const demo_state *last = &d->ev[d->nev - 1];
        if (last->stage == ST_WON) {
            int seat = g->reps[last->rep].seat;
            int64_t m = demo_month_index(g, d->closed);
            int64_t eur = demo_to_eur(g, d->currency, last->amount, d->closed);
            g->won_eur[(int64_t)seat * g->nmonths + m] += eur;
            g->won_count[(int64_t)seat * g->nmonths + m]++;
            if (d->source == SRC_PARTNER)
                g->partner_won_eur[m] += eur;
            g->stats->deals_won++;
            if (!rc)
                rc = demo_deal_orders(g, d, err);
        } else if (last->stage == ST_LOST) {
            g->stats->deals_lost++;
        } else {
            g->stats->deals_open++;
        }
        g->stats->deals++;
        if (g->p->progress && i % step == 0)
            g->p->progress(g->p->progress_user, "deals", i, g->ndeals);
    }
    free(d);
    return rc;
}
