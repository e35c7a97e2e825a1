/*
 * demo_orders.c - what deals sell and the orders they become.
 *
 * A deal's lines are chosen by its segment: software seats with add-ons,
 * hardware units with warranties, or a services project; quantities scale with
 * the segment and the rep, prices are the list prices of the year the deal was
 * created (converted for USD and GBP accounts), discounts follow the rep's habit.
 * A won deal becomes one order whose lines are the deal's final lines, so the
 * order's total equals the deal's amount to the cent. Later, software and support
 * renew every year (most customers stay) and hardware customers reorder; with
 * --reorders, customers also order part of the deal again now and then over the
 * following years (a stream of their own, so other data does not change).
 * Net amounts follow METRICS.md: quantity x unit price x (1 - discount), rounded
 * half away from zero per line.
 */
#include <string.h>

#include "demo/demo_int.h"

int64_t demo_line_net(const demo_line *l)
{
    __int128 v = (__int128)l->quantity * l->unit_price * (10000 - l->discount_bp);
    return (int64_t)((v + 5000) / 10000); /* all terms are >= 0 */
}

int64_t demo_lines_total(const demo_line *lines, int n)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += demo_line_net(&lines[i]);
    return total;
}

enum { P_CRM_S, P_CRM_P, P_CRM_E, P_BI, P_POS, P_SCN, P_TAB, P_PRN, P_IMP, P_MIG, P_INT, P_TR_ADM, P_TR_USR,
       P_SP_PRE, P_SP_STD, P_SP_WAR };

static int has_product(const demo_deal *d, int p)
{
    for (int i = 0; i < d->nlines; i++)
        if (d->lines[i].product == p)
            return 1;
    return 0;
}

static void add_line(demo_gen *g, demo_rng *r, demo_deal *d, const demo_rep *rep, int p, int64_t qty)
{
    if (d->nlines >= MAX_LINES || has_product(d, p))
        return;
    int year = demo_year_index(g, d->created);
    demo_line *l = &d->lines[d->nlines++];
    l->product = p;
    l->quantity = qty < 1 ? 1 : qty > 100000 ? 100000 : (int)qty;
    l->unit_price = demo_from_eur(g, d->currency, g->price[p][year], d->created);
    l->unit_cost = demo_from_eur(g, d->currency, g->cost[p][year], d->created);
    static const int seg_pm[NSEGMENTS] = {600, 1000, 1500};
    int64_t disc = (int64_t)rep->discount_bp * seg_pm[d->segment] / 1000 * demo_rng_range(r, 50, 150) / 100;
    if (!strcmp(demo_products[p].category, "Hardware"))
        disc /= 2;
    if (demo_rng_chance(r, 40)) /* now and then, a discount far above policy */
        disc = demo_rng_range(r, 4500, 6000);
    disc = disc / 50 * 50;
    l->discount_bp = (int)(disc > 6000 ? 6000 : disc);
}

void demo_deal_lines(demo_gen *g, demo_rng *r, demo_deal *d, const demo_rep *rep)
{
    static const int main_w[NSEGMENTS][3] = {{50, 40, 10}, {55, 30, 15}, {50, 20, 30}};
    static const int64_t seats[NSEGMENTS][2] = {{3, 25}, {15, 120}, {60, 600}};
    static const int64_t units[NSEGMENTS][2] = {{1, 12}, {8, 80}, {30, 300}};
    int seg = d->segment;
    int kind = demo_rng_weighted(r, main_w[seg], 3);
    d->nlines = 0;
    if (kind == 0) {
        static const int crm_w[NSEGMENTS][3] = {{60, 40, 0}, {0, 70, 30}, {0, 45, 55}};
        int p = P_CRM_S + demo_rng_weighted(r, crm_w[seg], 3);
        int64_t n = demo_rng_range(r, seats[seg][0], seats[seg][1]) * rep->size_pm / 1000;
        add_line(g, r, d, rep, p, n);
        if (demo_rng_chance(r, 3000))
            add_line(g, r, d, rep, P_BI, n / 2);
        if (demo_rng_chance(r, 5000))
            add_line(g, r, d, rep, P_IMP, 2 + n / 20);
        if (demo_rng_chance(r, 3000))
            add_line(g, r, d, rep, P_TR_USR, n);
        if (seg == SEG_ENT ? demo_rng_chance(r, 6000) : demo_rng_chance(r, 4000))
            add_line(g, r, d, rep, seg == SEG_ENT ? P_SP_PRE : P_SP_STD, 1);
    } else if (kind == 1) {
        static const int hw_w[4] = {35, 25, 20, 20};
        int p = P_POS + demo_rng_weighted(r, hw_w, 4);
        int64_t n = demo_rng_range(r, units[seg][0], units[seg][1]) * rep->size_pm / 1000;
        add_line(g, r, d, rep, p, n);
        if (demo_rng_chance(r, 4500))
            add_line(g, r, d, rep, P_SP_WAR, n);
        if (demo_rng_chance(r, 3000))
            add_line(g, r, d, rep, P_POS + demo_rng_weighted(r, hw_w, 4), n / 2);
        if (demo_rng_chance(r, 2000))
            add_line(g, r, d, rep, P_IMP, demo_rng_range(r, 1, 5));
    } else {
        static const int64_t days[NSEGMENTS][2] = {{3, 10}, {8, 30}, {15, 60}};
        if (demo_rng_chance(r, 5000))
            add_line(g, r, d, rep, P_INT, seg == SEG_ENT ? demo_rng_range(r, 1, 3) : 1);
        else
            add_line(g, r, d, rep, P_MIG, 1);
        add_line(g, r, d, rep, P_IMP, demo_rng_range(r, days[seg][0], days[seg][1]) * rep->size_pm / 1000);
        if (demo_rng_chance(r, 4000))
            add_line(g, r, d, rep, P_TR_ADM, demo_rng_range(r, 1, 5));
    }
}

/* ---- orders ---------------------------------------------------------------------- */

static emb_code order_row(demo_gen *g, int64_t id, const demo_deal *d, int64_t deal_id, int owner, int64_t at,
                          int64_t shipped, emb_err *err)
{
    const demo_account *acc = &g->accounts[d->account];
    bulk *b = g->b_orders;
    bulk_int(b, id);
    bulk_int(b, d->account + 1);
    bulk_int(b, g->reps[owner].user_id);
    bulk_int_or_null(b, deal_id > 0, deal_id);
    bulk_int(b, acc->region + 1);
    bulk_int(b, at);
    bulk_int_or_null(b, shipped > 0, shipped);
    bulk_text(b, demo_currency_codes[d->currency]);
    g->stats->orders++;
    return bulk_end_row(b, err);
}

static emb_code line_row(demo_gen *g, int64_t order_id, const demo_line *l, emb_err *err)
{
    bulk *b = g->b_order_lines;
    bulk_int(b, order_id);
    bulk_int(b, l->product + 1);
    bulk_int(b, l->quantity);
    bulk_int(b, l->unit_price);
    bulk_int(b, l->discount_bp);
    bulk_int(b, l->unit_cost);
    bulk_int(b, demo_line_net(l));
    bulk_int(b, (int64_t)l->quantity * l->unit_cost);
    g->stats->order_lines++;
    return bulk_end_row(b, err);
}

static int64_t ship_time(const demo_gen *g, demo_rng *r, int64_t ordered)
{
    int64_t t = demo_business(r, ordered + demo_rng_range(r, 2, 20) * DAY);
    return t <= g->now ? t : 0;
}

/* A line as sold again at instant t: that year's list price, the usual small discount. */
static demo_line repriced(const demo_gen *g, demo_rng *r, const demo_deal *d, const demo_line *l, int64_t t)
{
    demo_line n = *l;
    int year = demo_year_index(g, t);
    n.unit_price = demo_from_eur(g, d->currency, g->price[l->product][year], t);
    n.unit_cost = demo_from_eur(g, d->currency, g->cost[l->product][year], t);
    n.discount_bp = (int)demo_rng_range(r, 0, 10) * 50;
    return n;
}

emb_code demo_deal_orders(demo_gen *g, const demo_deal *d, emb_err *err)
{
    demo_rng r;
    demo_rng_init(&r, g->seed, RS_ORDERS, (uint64_t)d->id);
    const demo_state *last = &d->ev[d->nev - 1];
    int64_t ordered = demo_business(&r, d->closed + demo_rng_range(&r, 0, 2 * DAY));
    if (ordered > g->now)
        ordered = d->closed;
    int64_t id = g->next_order_id++;
    emb_code rc = order_row(g, id, d, d->id, last->rep, ordered, ship_time(g, &r, ordered), err);
    for (int i = 0; i < d->nlines && !rc; i++) {
        demo_line final = d->lines[i];
        /* the cost as recorded when ordered */
        final.unit_cost = demo_from_eur(g, d->currency, g->cost[final.product][demo_year_index(g, ordered)], ordered);
        rc = line_row(g, id, &final, err);
    }
    /* Renewals of software and support, year after year, until the customer leaves. */
    demo_line renew[MAX_LINES];
    int nrenew = 0;
    for (int i = 0; i < d->nlines; i++) {
        const char *cat = demo_products[d->lines[i].product].category;
        if (d->lines[i].product != P_SP_WAR && (!strcmp(cat, "Software") || !strcmp(cat, "Support")))
            renew[nrenew++] = d->lines[i];
    }
    int seat = g->accounts[d->account].seat;
    for (int year = 1; nrenew && !rc && year < MAX_YEARS; year++) {
        int64_t t = demo_business(&r, ordered + (int64_t)year * 365 * DAY - demo_rng_range(&r, 0, 10) * DAY);
        if (t > g->now || !demo_rng_chance(&r, 8800))
            break;
        int owner = demo_seat_holder(g, seat, t);
        id = g->next_order_id++;
        rc = order_row(g, id, d, 0, owner < 0 ? last->rep : owner, t, 0, err);
        for (int i = 0; i < nrenew && !rc; i++) {
            demo_line l = repriced(g, &r, d, &renew[i], t);
            rc = line_row(g, id, &l, err);
        }
    }
    /* Repeat orders (--reorders): part of the deal's lines again, at that day's prices. */
    demo_rng rr;
    demo_rng_init(&rr, g->seed, RS_REORDERS, (uint64_t)d->id);
    int nre = g->p->reorders && d->nlines ? (int)demo_rng_range(&rr, 0, 2 * g->p->reorders) : 0;
    for (int k = 0; k < nre && !rc; k++) {
        int64_t t = demo_business(&rr, ordered + demo_rng_range(&rr, 30, 3 * 365) * DAY);
        if (t > g->now)
            continue;
        int owner = demo_seat_holder(g, seat, t);
        id = g->next_order_id++;
        rc = order_row(g, id, d, 0, owner < 0 ? last->rep : owner, t, ship_time(g, &rr, t), err);
        int first = (int)demo_rng_range(&rr, 0, d->nlines - 1);
        for (int i = first; i < d->nlines && !rc; i++) {
            demo_line l = repriced(g, &rr, d, &d->lines[i], t);
            int q = l.quantity * (int)demo_rng_range(&rr, 10, 60) / 100;
            l.quantity = q < 1 ? 1 : q;
            rc = line_row(g, id, &l, err);
        }
    }
    /* Hardware customers order more of the same. */
    for (int i = 0; i < d->nlines && !rc; i++) {
        if (strcmp(demo_products[d->lines[i].product].category, "Hardware") || !demo_rng_chance(&r, 3000))
            continue;
        int64_t t = demo_business(&r, ordered + demo_rng_range(&r, 60, 270) * DAY);
        if (t > g->now)
            continue;
        int owner = demo_seat_holder(g, seat, t);
        demo_line l = repriced(g, &r, d, &d->lines[i], t);
        int q = l.quantity * (int)demo_rng_range(&r, 20, 50) / 100;
        l.quantity = q < 1 ? 1 : q;
        id = g->next_order_id++;
        rc = order_row(g, id, d, 0, owner < 0 ? last->rep : owner, t, ship_time(g, &r, t), err);
        if (!rc)
            rc = line_row(g, id, &l, err);
    }
    return rc;
}
