/*
 * demo_people.c - the demo company's structure: regions, teams and managers,
 * seats and the reps who held them, accounts and contacts, products and prices,
 * exchange rates, and the calendar of demand.
 *
 * A seat is a sales position: it opens (before the history or while the company
 * grows) and is held by one rep at a time; when a rep leaves, the successor is
 * hired at that instant and takes over the seat's book of accounts and its open
 * deals. --reps counts seats, so it is also the number of active reps at the end.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/search.h"
#include "demo/demo_int.h"

const char *const demo_region_names[NREGIONS] = {"Centro",   "Cataluña",     "Andalucía",    "Levante",
                                                 "Norte",    "Portugal",     "UK & Ireland", "North America"};
const char *const demo_segment_names[NSEGMENTS] = {"SMB", "Mid-Market", "Enterprise"};
const char *const demo_industry_names[NINDUSTRIES] = {
    "Retail",       "Manufacturing",   "Logistics",             "Hospitality", "Healthcare",
    "Construction", "Food & Beverage", "Professional Services", "Education",   "Technology"};
const char *const demo_source_names[NSOURCES] = {"website",  "paid_ads", "trade_show", "webinar",
                                                 "referral", "partner",  "outbound",   "existing_customer"};
const char *const demo_currency_codes[NCURRENCIES] = {"EUR", "USD", "GBP"};

const demo_product demo_products[NPRODUCTS] = {
    {"SW-CRM-S", "CRM Starter (user/year)", "Software", 24000, 3000, PU_SEAT},
    {"SW-CRM-P", "CRM Professional (user/year)", "Software", 54000, 6000, PU_SEAT},
    {"SW-CRM-E", "CRM Enterprise (user/year)", "Software", 108000, 11000, PU_SEAT},
    {"SW-BI", "Analytics Add-on (user/year)", "Software", 30000, 4000, PU_SEAT},
    {"HW-POS", "POS Terminal T200", "Hardware", 69000, 47000, PU_UNIT},
    {"HW-SCN", "Barcode Scanner S3", "Hardware", 18000, 11800, PU_UNIT},
    {"HW-TAB", "Rugged Tablet R10", "Hardware", 125000, 90000, PU_UNIT},
    {"HW-PRN", "Label Printer L4", "Hardware", 42000, 29000, PU_UNIT},
    {"SV-IMP", "Implementation (day)", "Services", 85000, 43000, PU_DAY},
    {"SV-MIG", "Data Migration", "Services", 450000, 230000, PU_FLAT},
    {"SV-INT", "Custom Integration", "Services", 980000, 520000, PU_FLAT},
    {"TR-ADM", "Admin Training (day)", "Training", 120000, 45000, PU_DAY},
    {"TR-USR", "User Training (seat)", "Training", 15000, 4500, PU_SEAT},
    {"SP-PRE", "Premium Support (year)", "Support", 360000, 90000, PU_FLAT},
    {"SP-STD", "Standard Support (year)", "Support", 120000, 35000, PU_FLAT},
    {"SP-WAR", "Extended Warranty (unit)", "Support", 6000, 1500, PU_UNIT},
};

int demo_region_currency(int region) { return region == 6 ? CUR_GBP : region == 7 ? CUR_USD : CUR_EUR; }

/* ---- time and demand ---------------------------------------------------------- */

int64_t demo_month_index(const demo_gen *g, int64_t utc)
{
    int64_t m = demo_month_of_day(demo_local_day(utc)) - g->first_month;
    return m < 0 ? 0 : m >= g->nmonths ? g->nmonths - 1 : m;
}

int demo_year_index(const demo_gen *g, int64_t utc)
{
    int y, m, d;
    demo_civil_from_days(demo_local_day(utc), &y, &m, &d);
    int i = y - g->first_year;
    return i < 0 ? 0 : i >= MAX_YEARS ? MAX_YEARS - 1 : i;
}

static int64_t rate_at(const demo_gen *g, int cur, int64_t t) { return g->rate_e9[cur][demo_month_index(g, t) + 1]; }

int64_t demo_to_eur(const demo_gen *g, int cur, int64_t amount, int64_t t)
{
    if (cur == CUR_EUR)
        return amount;
    __int128 v = (__int128)amount * rate_at(g, cur, t);
    return (int64_t)((v + 500000000) / 1000000000);
}

int64_t demo_from_eur(const demo_gen *g, int cur, int64_t eur, int64_t t)
{
    if (cur == CUR_EUR)
        return eur;
    int64_t rate = rate_at(g, cur, t);
    __int128 v = (__int128)eur * 1000000000 + rate / 2;
    return (int64_t)(v / rate);
}

/* Demand of a day, relative: growth of 25 % a year, seasons, quiet weekends and
 * Christmas. */
static uint64_t day_weight(const demo_gen *g, int64_t day)
{
    int y, m, d;
    demo_civil_from_days(day, &y, &m, &d);
    uint64_t w = (uint64_t)(1000 + (day - g->first_day) * 250 / 365) * (uint64_t)demo_month_season(m);
    int wd = demo_weekday(day);
    w = w * (wd == 6 ? 15 : wd == 7 ? 10 : 100);
    if ((m == 12 && d >= 24) || (m == 1 && d <= 6))
        w = w * 40 / 100;
    return w;
}

/* The cumulative weights fit in int64_t: a day weighs about 10^6 at most. */
static int64_t cum_weight(const void *day_cum, size_t p) { return (int64_t)((const uint64_t *)day_cum)[p]; }

int64_t demo_pick_time(const demo_gen *g, demo_rng *r, int anytime)
{
    for (;;) {
        uint64_t x = demo_rng_below(r, g->day_cum[g->ndays - 1]);
        /* The first day whose cumulative weight passes x (the last when none). */
        size_t lo = search_upper(g->day_cum, cum_weight, 0, g->ndays - 1, (int64_t)x);
        int64_t day = g->first_day + (int64_t)lo, t;
        if (anytime) /* most in the day, some in the evening and at night */
            t = demo_local_to_utc(day, demo_rng_chance(r, 8000) ? demo_rng_range(r, 8 * 3600, 20 * 3600)
                                                                 : demo_rng_range(r, 0, DAY - 1));
        else
            t = demo_business_on(r, day);
        if (t < g->now)
            return t;
    }
}

/* ---- seats and reps ------------------------------------------------------------ */

int demo_seat_holder(const demo_gen *g, int seat, int64_t t)
{
    const demo_seat *s = &g->seats[seat];
    if (t < s->opened)
        return -1;
    for (int j = 0; j < s->nreps - 1; j++)
        if (t < g->reps[s->first_rep + j].left)
            return s->first_rep + j;
    return s->first_rep + s->nreps - 1;
}

int demo_pick_seat(const demo_gen *g, demo_rng *r, int64_t t, int *rep)
{
    for (int tries = 0; tries < 1000; tries++) {
        int s = (int)demo_rng_below(r, (uint64_t)g->nseats);
        int holder = demo_seat_holder(g, s, t);
        if (holder < 0)
            continue;
        int cap = g->seats[s].capacity;
        if (t - g->reps[holder].hired < 90 * DAY)
            cap /= 2; /* ramping up */
        if ((int)demo_rng_below(r, 130) < cap) {
            *rep = holder;
            return s;
        }
    }
    *rep = demo_seat_holder(g, 0, t);
    return 0;
}

static emb_code setup_seats(demo_gen *g, emb_err *err)
{
    const demo_params *p = g->p;
    g->nteams = p->teams;
    g->nseats = p->reps;
    g->teams = calloc((size_t)g->nteams, sizeof *g->teams);
    g->seats = calloc((size_t)g->nseats, sizeof *g->seats);
    g->reps = calloc((size_t)g->nseats * 3, sizeof *g->reps);
    if (!g->teams || !g->seats || !g->reps)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (int t = 0; t < g->nteams; t++) {
        demo_team *tm = &g->teams[t];
        if (g->nteams <= NREGIONS) {
            for (int r = t; r < NREGIONS; r += g->nteams)
                tm->regions[tm->nregions++] = r;
            snprintf(tm->name, sizeof tm->name, "%s", demo_region_names[t]);
        } else {
            tm->regions[tm->nregions++] = t % NREGIONS;
            snprintf(tm->name, sizeof tm->name, "%s %d", demo_region_names[t % NREGIONS], t / NREGIONS + 1);
        }
    }
    int64_t hist_start = g->start * DAY, end = g->now;
    int64_t window = end - hist_start;
    for (int s = 0; s < g->nseats; s++) {
        demo_rng r;
        demo_rng_init(&r, g->seed, RS_REPS, (uint64_t)s);
        demo_seat *seat = &g->seats[s];
        seat->team = s % g->nteams;
        seat->capacity = (int)demo_rng_range(&r, 70, 130);
        int grows = s >= g->nteams && demo_rng_chance(&r, 1800);
        seat->opened = grows ? hist_start + (int64_t)demo_rng_below(&r, (uint64_t)(window * 2 / 3))
                             : g->first_day * DAY - (int64_t)demo_rng_range(&r, 30, 2000) * DAY;
        seat->first_rep = g->nreps;
        int64_t hired = seat->opened;
        for (int occ = 0; occ < 3; occ++) {
            demo_rep *rep = &g->reps[g->nreps++];
            seat->nreps++;
            rep->seat = s;
            rep->team = seat->team;
            rep->hired = hired;
            rep->win_adj_bp = (int)demo_rng_range(&r, -800, 800);
            rep->size_pm = (int)demo_rng_range(&r, 800, 1250);
            rep->speed_pm = (int)demo_rng_range(&r, 750, 1400);
            rep->diligence_pm = (int)demo_rng_range(&r, 700, 1300);
            rep->connect_bp = (int)demo_rng_range(&r, 3500, 6500);
            rep->discount_bp = (int)demo_rng_range(&r, 200, 1500);
            /* Some reps leave; the successor starts the same day. */
            int64_t earliest = (hired > hist_start ? hired : hist_start) + 120 * DAY, latest = end - 45 * DAY;
            if (occ < 2 && earliest < latest && demo_rng_chance(&r, occ == 0 ? 2200 : 900)) {
                rep->left = earliest + (int64_t)demo_rng_below(&r, (uint64_t)(latest - earliest));
                hired = rep->left;
            } else {
                break;
            }
        }
    }
    return EMB_OK;
}

/* ---- accounts --------------------------------------------------------------- */

static emb_code setup_accounts(demo_gen *g, emb_err *err)
{
    int64_t n = g->p->deals / 4;
    g->naccounts = n < 20 ? 20 : n;
    g->accounts = calloc((size_t)g->naccounts, sizeof *g->accounts);
    if (!g->accounts)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int64_t total_cap = 0, cum = 0;
    for (int s = 0; s < g->nseats; s++)
        total_cap += g->seats[s].capacity;
    for (int s = 0; s < g->nseats; s++) {
        int64_t from = g->naccounts * cum / total_cap;
        cum += g->seats[s].capacity;
        int64_t to = g->naccounts * cum / total_cap;
        if (to <= from) /* every seat has at least one account */
            to = from + 1;
        g->seats[s].acc_first = from;
        g->seats[s].acc_count = to - from;
    }
    g->seats[g->nseats - 1].acc_count = g->naccounts - g->seats[g->nseats - 1].acc_first;
    static const int seg_w[NSEGMENTS] = {55, 33, 12};
    static const int ind_w[NINDUSTRIES] = {14, 13, 10, 10, 8, 9, 11, 10, 5, 10};
    int64_t contact = 1;
    for (int s = 0; s < g->nseats; s++) {
        const demo_team *tm = &g->teams[g->seats[s].team];
        int reg_w[NREGIONS];
        for (int i = 0; i < tm->nregions; i++)
            reg_w[i] = i == 0 ? 3 : 1;
        for (int64_t a = g->seats[s].acc_first; a < g->seats[s].acc_first + g->seats[s].acc_count; a++) {
            demo_rng r;
            demo_rng_init(&r, g->seed, RS_ACCOUNTS, (uint64_t)a);
            demo_account *acc = &g->accounts[a];
            acc->seat = s;
            acc->segment = (uint8_t)demo_rng_weighted(&r, seg_w, NSEGMENTS);
            acc->industry = (uint8_t)demo_rng_weighted(&r, ind_w, NINDUSTRIES);
            acc->region = (uint8_t)tm->regions[demo_rng_weighted(&r, reg_w, tm->nregions)];
            acc->ncontacts = (uint8_t)(acc->segment == SEG_ENT ? demo_rng_range(&r, 2, 5)
                                       : acc->segment == SEG_MID ? demo_rng_range(&r, 1, 3)
                                                                 : demo_rng_range(&r, 1, 2));
            acc->first_contact = contact;
            contact += acc->ncontacts;
            acc->first_seen = INT64_MAX;
        }
    }
    g->ncontacts = contact - 1;
    return EMB_OK;
}

/* ---- products and rates -------------------------------------------------------- */

static int64_t round_to(int64_t v, int64_t unit) { return (v + unit / 2) / unit * unit; }

static void setup_prices(demo_gen *g)
{
    for (int p = 0; p < NPRODUCTS; p++) {
        demo_rng r;
        demo_rng_init(&r, g->seed, RS_PRODUCTS, (uint64_t)p);
        g->price[p][0] = demo_products[p].price;
        g->cost[p][0] = demo_products[p].cost;
        for (int y = 1; y < MAX_YEARS; y++) {
            int64_t unit = g->price[p][y - 1] >= 100000 ? 1000 : 100; /* whole tens or units of euros */
            g->price[p][y] = round_to(g->price[p][y - 1] * (10000 + demo_rng_range(&r, 200, 600)) / 10000, unit);
            g->cost[p][y] = round_to(g->cost[p][y - 1] * (10000 + demo_rng_range(&r, 100, 500)) / 10000, 100);
        }
    }
}

static emb_code setup_rates(demo_gen *g, emb_err *err)
{
    static const int64_t base[NCURRENCIES] = {1000000000, 920000000, 1160000000};
    for (int c = 0; c < NCURRENCIES; c++) {
        g->rate_e9[c] = calloc((size_t)g->nmonths + 1, sizeof *g->rate_e9[c]);
        if (!g->rate_e9[c])
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        demo_rng r;
        demo_rng_init(&r, g->seed, RS_RATES, (uint64_t)c);
        int64_t rate = base[c];
        for (int64_t m = 0; m <= g->nmonths; m++) {
            g->rate_e9[c][m] = rate;
            if (c == CUR_EUR)
                continue;
            int64_t drift = rate > base[c] * 21 / 20 ? -60 : rate < base[c] * 19 / 20 ? 60 : 0;
            rate = rate * (10000 + drift + demo_rng_range(&r, -220, 220)) / 10000;
        }
    }
    return EMB_OK;
}

/* ---- the pipeline ------------------------------------------------------------ */

static emb_code read_stages(demo_gen *g, emb_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(g->st),
                           "SELECT s.id, s.kind, s.probability_bp, p.id FROM stages s JOIN pipelines p "
                           "ON p.id = s.pipeline_id WHERE p.is_default = 1 ORDER BY s.position",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(g->st, "reading the pipeline", err);
    int open = 0, won = 0, lost = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(s, 1);
        int idx = -1;
        if (!strcmp(kind, "won"))
            idx = won++ ? -1 : ST_WON;
        else if (!strcmp(kind, "lost"))
            idx = lost++ ? -1 : ST_LOST;
        else
            idx = open < 4 ? open : -1, open++;
        if (idx >= 0) {
            g->stage_id[idx] = sqlite3_column_int64(s, 0);
            g->stage_prob[idx] = sqlite3_column_int64(s, 2);
            g->pipeline_id = sqlite3_column_int64(s, 3);
        }
    }
    sqlite3_finalize(s);
    if (open != 4 || won != 1 || lost != 1)
        return emb_err_set(err, EMB_INTERNAL,
                           _("the demo needs a default pipeline of 4 open stages, 1 won and 1 lost; it has %d, %d "
                             "and %d"),
                           open, won, lost);
    return EMB_OK;
}

emb_code demo_setup(demo_gen *g, emb_err *err)
{
    g->now_day = demo_local_day(g->now);
    g->start = demo_month_first_day(demo_month_of_day(g->now_day) - 12 * (int64_t)g->p->years);
    g->first_day = g->start - 91;
    int y, m, d;
    demo_civil_from_days(g->first_day, &y, &m, &d);
    g->first_year = y;
    g->first_month = demo_month_of_day(g->first_day);
    g->nmonths = demo_month_of_day(g->now_day) - g->first_month + 1;
    g->ndays = g->now_day - g->first_day;
    g->day_cum = calloc((size_t)g->ndays, sizeof *g->day_cum);
    g->leads_by_source = calloc((size_t)g->nmonths * NLEAD_SOURCES, sizeof(int64_t));
    g->meetings_held = calloc((size_t)g->nmonths, sizeof(int64_t));
    g->partner_won_eur = calloc((size_t)g->nmonths, sizeof(int64_t));
    if (!g->day_cum || !g->leads_by_source || !g->meetings_held || !g->partner_won_eur)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    uint64_t cum = 0;
    for (int64_t i = 0; i < g->ndays; i++)
        g->day_cum[i] = cum += day_weight(g, g->first_day + i);
    emb_code rc = read_stages(g, err);
    if (!rc)
        rc = setup_seats(g, err);
    if (!rc) {
        g->won_eur = calloc((size_t)g->nseats * (size_t)g->nmonths, sizeof(int64_t));
        g->won_count = calloc((size_t)g->nseats * (size_t)g->nmonths, sizeof(int64_t));
        if (!g->won_eur || !g->won_count)
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    if (!rc)
        rc = setup_accounts(g, err);
    if (!rc)
        rc = setup_rates(g, err);
    setup_prices(g);
    /* User ids: the head of sales, the managers, the reps, then a viewer. */
    g->head_user = 1;
    for (int t = 0; t < g->nteams; t++) {
        g->teams[t].id = t + 1;
        g->teams[t].manager_user = 2 + t;
    }
    for (int i = 0; i < g->nreps; i++)
        g->reps[i].user_id = 2 + g->nteams + i;
    g->viewer_user = 2 + g->nteams + g->nreps;
    g->nusers = g->viewer_user;
    return rc;
}

void demo_setup_free(demo_gen *g)
{
    free(g->teams);
    free(g->seats);
    free(g->reps);
    free(g->accounts);
    free(g->day_cum);
    free(g->deals);
    free(g->leads_by_source);
    free(g->meetings_held);
    free(g->partner_won_eur);
    free(g->won_eur);
    free(g->won_count);
    for (int c = 0; c < NCURRENCIES; c++)
        free(g->rate_e9[c]);
}

/* ---- writing the people -------------------------------------------------------- */

static emb_code write_regions_teams(demo_gen *g, emb_err *err)
{
    static const char *const rcols[] = {"id", "name"};
    static const char *const tcols[] = {"id", "name", "manager_id", "region_id"};
    bulk *b = NULL;
    emb_code rc = bulk_open(g->st, "regions", rcols, 2, 0, &b, err);
    for (int r = 0; r < NREGIONS && !rc; r++) {
        bulk_int(b, r + 1);
        bulk_text(b, demo_region_names[r]);
        rc = bulk_end_row(b, err);
    }
    if (!rc)
        rc = bulk_flush(b, err);
    bulk_free(b);
    b = NULL;
    if (!rc)
        rc = bulk_open(g->st, "teams", tcols, 4, 0, &b, err);
    for (int t = 0; t < g->nteams && !rc; t++) {
        bulk_int(b, g->teams[t].id);
        bulk_text(b, g->teams[t].name);
        bulk_int(b, g->teams[t].manager_user);
        bulk_int(b, g->teams[t].regions[0] + 1);
        rc = bulk_end_row(b, err);
    }
    if (!rc)
        rc = bulk_flush(b, err);
    bulk_free(b);
    g->stats->regions = NREGIONS;
    g->stats->teams = g->nteams;
    return rc;
}

static void user_row(bulk *b, int64_t id, uint64_t key, const char *role, int64_t team, int64_t manager,
                     int64_t region, const char *title, int active, int64_t created)
{
    char name[96], login[96], email[128];
    demo_person_name(key, name, sizeof name, login, sizeof login);
    snprintf(email, sizeof email, "%s@solanotec.es", login);
    bulk_int(b, id);
    bulk_text(b, name);
    bulk_text(b, email);
    bulk_text(b, role);
    bulk_int_or_null(b, team > 0, team);
    bulk_int_or_null(b, manager > 0, manager);
    bulk_int_or_null(b, region > 0, region);
    bulk_text(b, title);
    bulk_int(b, active);
    bulk_int(b, created);
}

static emb_code write_users(demo_gen *g, emb_err *err)
{
    static const char *const cols[] = {"id",        "name",  "email",  "role",   "team_id",
                                       "manager_id", "region_id", "title", "active", "created"};
    bulk *b = NULL;
    emb_code rc = bulk_open(g->st, "users", cols, 10, 0, &b, err);
    if (rc)
        return rc;
    demo_rng r;
    demo_rng_init(&r, g->seed, RS_SETUP, 1);
    uint64_t base = demo_rng_next(&r);
    uint64_t i = 0;
    int64_t long_ago = (g->first_day - 2000) * DAY;
    user_row(b, g->head_user, demo_person_unique(base, i++), "admin", 0, 0, 1, "Head of Sales", 1,
             demo_business(&r, long_ago));
    rc = bulk_end_row(b, err);
    for (int t = 0; t < g->nteams && !rc; t++) {
        user_row(b, g->teams[t].manager_user, demo_person_unique(base, i++), "manager", g->teams[t].id,
                 g->head_user, g->teams[t].regions[0] + 1, "Sales Manager", 1,
                 demo_business(&r, long_ago + demo_rng_range(&r, 0, 1500) * DAY));
        rc = bulk_end_row(b, err);
    }
    for (int k = 0; k < g->nreps && !rc; k++) {
        const demo_rep *rep = &g->reps[k];
        const demo_team *tm = &g->teams[rep->team];
        int senior = rep->hired < g->start * DAY - 730 * DAY;
        user_row(b, rep->user_id, demo_person_unique(base, i++), "rep", tm->id, tm->manager_user,
                 tm->regions[0] + 1, senior ? "Senior Account Executive" : "Account Executive", rep->left == 0,
                 rep->hired);
        rc = bulk_end_row(b, err);
    }
    if (!rc) {
        user_row(b, g->viewer_user, demo_person_unique(base, i++), "viewer", 0, 0, 1, "Financial Controller", 1,
                 demo_business(&r, long_ago + 400 * DAY));
        rc = bulk_end_row(b, err);
    }
    if (!rc)
        rc = bulk_flush(b, err);
    bulk_free(b);
    g->stats->users = g->nusers;
    g->stats->reps = g->nreps;
    return rc;
}

emb_code demo_write_people(demo_gen *g, emb_err *err)
{
    emb_code rc = write_regions_teams(g, err);
    return rc ? rc : write_users(g, err);
}

/* Accounts are dated a little before their first lead or deal (or long before the
 * history, for old customers), contacts between the account and its first deal. */
emb_code demo_write_accounts(demo_gen *g, emb_err *err)
{
    static const char *const acols[] = {"id",      "name",    "industry", "segment",   "region_id",
                                        "owner_id", "country", "city",     "employees", "created"};
    static const char *const ccols[] = {"id", "name", "email", "phone", "title", "account_id", "owner_id", "created"};
    static const char *const titles[] = {"CEO",        "CFO",           "IT Manager",    "Purchasing Manager",
                                         "Operations Director", "Office Manager", "Head of Sales", "CTO",
                                         "Store Manager", "Owner"};
    static const int64_t employees[NSEGMENTS][2] = {{3, 49}, {50, 499}, {500, 25000}};
    bulk *ba = NULL, *bc = NULL;
    emb_code rc = bulk_open(g->st, "accounts", acols, 10, 0, &ba, err);
    if (!rc)
        rc = bulk_open(g->st, "contacts", ccols, 8, 0, &bc, err);
    for (int64_t a = 0; a < g->naccounts && !rc; a++) {
        const demo_account *acc = &g->accounts[a];
        demo_rng r;
        demo_rng_init(&r, g->seed, RS_CONTACTS, (uint64_t)a);
        int64_t created;
        if (acc->first_seen == INT64_MAX)
            created = demo_pick_time(g, &r, 0);
        else if (demo_rng_chance(&r, 3000))
            created = demo_business_on(&r, g->first_day - demo_rng_range(&r, 30, 1500));
        else
            created = demo_business_on(&r, demo_local_day(acc->first_seen) - demo_rng_range(&r, 1, 30));
        if (created >= acc->first_seen)
            created = acc->first_seen - 60;
        int owner = demo_seat_holder(g, acc->seat, g->now);
        char name[160], domain[96];
        const char *country;
        demo_company_name(g, (uint64_t)a, acc->industry, acc->region, name, sizeof name, domain, sizeof domain);
        const char *city = demo_city(&r, acc->region, &country);
        bulk_int(ba, a + 1);
        bulk_text(ba, name);
        bulk_text(ba, demo_industry_names[acc->industry]);
        bulk_text(ba, demo_segment_names[acc->segment]);
        bulk_int(ba, acc->region + 1);
        bulk_int_or_null(ba, owner >= 0, owner >= 0 ? g->reps[owner].user_id : 0);
        bulk_text(ba, country);
        bulk_text(ba, city);
        bulk_int(ba, demo_rng_range(&r, employees[acc->segment][0], employees[acc->segment][1]));
        bulk_int(ba, created);
        if ((rc = bulk_end_row(ba, err)))
            break;
        int64_t until = acc->first_seen == INT64_MAX ? g->now : acc->first_seen;
        for (int c = 0; c < acc->ncontacts && !rc; c++) {
            char cname[96], login[96], email[200], phone[32];
            demo_person_name(demo_person_any(&r), cname, sizeof cname, login, sizeof login);
            snprintf(email, sizeof email, "%s@%s", login, domain);
            demo_phone(&r, acc->region, phone, sizeof phone);
            int64_t cc = created + (int64_t)demo_rng_below(&r, (uint64_t)(until - created));
            bulk_int(bc, acc->first_contact + c);
            bulk_text(bc, cname);
            bulk_text(bc, email);
            bulk_text(bc, phone);
            bulk_text(bc, titles[demo_rng_below(&r, sizeof titles / sizeof titles[0])]);
            bulk_int(bc, a + 1);
            bulk_int_or_null(bc, owner >= 0, owner >= 0 ? g->reps[owner].user_id : 0);
            bulk_int(bc, cc);
            rc = bulk_end_row(bc, err);
        }
    }
    if (!rc)
        rc = bulk_flush(ba, err);
    if (!rc)
        rc = bulk_flush(bc, err);
    bulk_free(ba);
    bulk_free(bc);
    g->stats->accounts = g->naccounts;
    g->stats->contacts = g->ncontacts;
    return rc;
}
