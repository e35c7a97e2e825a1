/*
 * demo_int.h - what the files of the demo generator share (not for other modules).
 *
 * The build runs in passes over one demo_gen (see demo.c):
 *   1. setup    (demo_people.c): regions, teams, seats and the reps who held them,
 *                accounts and their books, products and prices, exchange rates;
 *   2. skeleton (demo_deals.c):  each deal's creation time, owner, account, source;
 *   3. leads    (demo_leads.c):  converted leads (one per lead-sourced deal) and the
 *                others, sorted by time, with their touches;
 *   4. deals    (demo_deals.c):  each deal's story: stages, amounts, owners, expected
 *                close, history rows, activities (demo_activities.c), products and
 *                orders (demo_orders.c);
 *   5. rest     (demo_people.c, demo_plan.c): accounts and contacts (dated by their
 *                first deal or lead), users, goals, expenses, rates, organisation.
 * Every random choice comes from a demo_rng seeded by (seed, stream, index), so a
 * record's content does not depend on how many numbers other records drew.
 * All arithmetic is integer: no floating point decides a stored value.
 */
#ifndef EMB_DEMO_INT_H
#define EMB_DEMO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "demo/demo.h"
#include "store/bulk_insert.h"

/* ---- random numbers (demo_rng.c) -------------------------------------------- */

typedef struct {
    uint64_t s[4]; /* xoshiro256** state, never all zero */
} demo_rng;

/* Streams: one per kind of record, so adding draws to one kind leaves the others alone. */
enum {
    RS_SETUP = 1, RS_REPS, RS_ACCOUNTS, RS_PRODUCTS, RS_RATES, RS_SKELETON, RS_LEAD_TIMES, RS_LEAD,
    RS_DEAL, RS_DEAL_ACTIVITIES, RS_ORDERS, RS_CONTACTS, RS_PLAN, RS_REORDERS,
};

void demo_rng_init(demo_rng *r, uint64_t seed, uint64_t stream, uint64_t index);
uint64_t demo_rng_next(demo_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t demo_rng_below(demo_rng *r, uint64_t n);
/* Uniform in [lo, hi]; lo <= hi. */
int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi);
/* 1 with probability bp / 10000. */
int demo_rng_chance(demo_rng *r, int bp);
/* An index in [0, n) with probability weights[i] / sum (weights >= 0, sum > 0). */
int demo_rng_weighted(demo_rng *r, const int *weights, int n);
/* A positive value around mean: the sum of three uniform draws in [0, 2 mean / 3]
 * (a bell between 0 and 2 x mean). */
int64_t demo_rng_spread(demo_rng *r, int64_t mean);
/* min of two uniform draws in [0, n): favours small indices (a few busy accounts). */
uint64_t demo_rng_skewed(demo_rng *r, uint64_t n);

/* ---- calendar and the Europe/Madrid clock (demo_cal.c) ---------------------- */

#define DAY 86400
int64_t demo_days_from_civil(int y, int m, int d);
void demo_civil_from_days(int64_t days, int *y, int *m, int *d);
int demo_weekday(int64_t days); /* 1 = Monday .. 7 = Sunday */
/* UTC offset of Europe/Madrid at a UTC instant (CET/CEST, EU rule since 1996). */
int demo_madrid_offset(int64_t utc);
int64_t demo_local_day(int64_t utc);
/* The UTC instant of local day `day` at `secs` seconds after local midnight. */
int64_t demo_local_to_utc(int64_t day, int64_t secs);
/* The first business moment (Mon-Fri, 08:30-19:00 local) at or after utc, with a
 * random time of day when it has to move to another day. */
int64_t demo_business(demo_rng *r, int64_t utc);
/* A random business moment on local day `day` (moved to Monday on weekends). */
int64_t demo_business_on(demo_rng *r, int64_t day);
void demo_date(int64_t day, char out[11]);
/* Month index: months since 1970-01 of a local day; and the first day of month m. */
int64_t demo_month_of_day(int64_t day);
int64_t demo_month_first_day(int64_t month);
/* Relative demand of a calendar month 1..12, percent (summer dip, December). */
int demo_month_season(int month);

/* ---- the model -------------------------------------------------------------- */

enum { NREGIONS = 8, NSTAGES = 6, NSEGMENTS = 3, NINDUSTRIES = 10 };
enum { SEG_SMB, SEG_MID, SEG_ENT };
enum { CUR_EUR, CUR_USD, CUR_GBP, NCURRENCIES };
enum { ST_PROSPECTING, ST_QUALIFICATION, ST_PROPOSAL, ST_NEGOTIATION, ST_WON, ST_LOST };

/* Lead and deal sources. */
enum { SRC_WEBSITE, SRC_PAID_ADS, SRC_TRADE_SHOW, SRC_WEBINAR, SRC_REFERRAL, SRC_PARTNER, SRC_OUTBOUND,
       SRC_EXISTING, NSOURCES };
#define NLEAD_SOURCES SRC_OUTBOUND

typedef struct {
    int64_t user_id;
    int seat, team;
    int64_t hired;      /* may precede the history */
    int64_t left;       /* 0 while still here; the successor is hired at this instant */
    int win_adj_bp;     /* added to each stage's advance probability, -800 .. 800 */
    int size_pm;        /* quantities, per mille of the usual */
    int speed_pm;       /* stage durations, per mille (lower is faster) */
    int diligence_pm;   /* activities logged, per mille */
    int connect_bp;     /* share of calls that connect */
    int discount_bp;    /* usual discount */
    int name_index;     /* for the name and email */
} demo_rep;

typedef struct {
    int team;
    int64_t opened;     /* when the seat started selling */
    int capacity;       /* relative share of new deals, 70 .. 130 */
    int first_rep, nreps; /* its occupants, in time order, in gen->reps */
    int64_t acc_first, acc_count; /* its book of accounts (indices) */
} demo_seat;

typedef struct {
    int64_t id;
    int64_t manager_user;
    int regions[NREGIONS], nregions; /* regions it covers; the first is its own */
    char name[48];
} demo_team;

typedef struct {
    int32_t seat;
    uint8_t segment, industry, region, ncontacts;
    int64_t first_contact; /* id of its first contact */
    int64_t first_seen;    /* earliest lead or deal, INT64_MAX if none */
} demo_account;

typedef struct {
    const char *sku, *name, *category;
    int64_t price, cost; /* EUR cents in the first year of the history */
    int unit;            /* enum product_unit */
} demo_product;
enum { PU_SEAT, PU_UNIT, PU_DAY, PU_FLAT };
#define NPRODUCTS 16
#define MAX_YEARS 12

typedef struct {
    int64_t created;
    int32_t rep;     /* owner at creation */
    int32_t account;
    int64_t lead_id; /* 0: not from a lead */
    int64_t lead_created;
    uint8_t source;
} demo_deal_seed;

typedef struct demo_gen {
    const demo_params *p;
    store *st;
    uint64_t seed;
    int64_t now, now_day;
    int64_t start;        /* first local day of the nominal history */
    int64_t first_day;    /* first day deals and leads may be created (a little earlier) */
    int first_year;       /* calendar year of first_day: year index 0 of prices */
    int64_t first_month, nmonths; /* month indices first_day .. now_day */

    demo_rep *reps;
    int nreps;
    demo_seat *seats;
    int nseats;
    demo_team *teams;
    int nteams;
    int64_t head_user, viewer_user, nusers;
    demo_account *accounts;
    int64_t naccounts, ncontacts;

    int64_t price[NPRODUCTS][MAX_YEARS], cost[NPRODUCTS][MAX_YEARS];
    int64_t *rate_e9[NCURRENCIES]; /* per month since first_month - 1: value of one unit in EUR x 1e9 */

    uint64_t *day_cum;    /* cumulative creation weight per day since first_day */
    int64_t ndays;

    demo_deal_seed *deals;
    int64_t ndeals;
    int64_t nleads;

    /* Per month since first_month, for expenses and goals. */
    int64_t *leads_by_source;  /* [month * NLEAD_SOURCES + source] */
    int64_t *meetings_held;    /* [month] */
    int64_t *won_eur;          /* [seat * nmonths + month], amounts won in EUR cents */
    int64_t *won_count;        /* [seat * nmonths + month] */
    int64_t *partner_won_eur;  /* [month] */

    int64_t stage_id[NSTAGES];
    int64_t stage_prob[NSTAGES];
    int64_t pipeline_id;

    bulk *b_deals, *b_history, *b_activities, *b_deal_products, *b_orders, *b_order_lines;
    int64_t next_order_id;
    demo_stats *stats;
} demo_gen;

extern const char *const demo_region_names[NREGIONS];
extern const char *const demo_segment_names[NSEGMENTS];
extern const char *const demo_industry_names[NINDUSTRIES];
extern const char *const demo_source_names[NSOURCES];
extern const char *const demo_currency_codes[NCURRENCIES];
extern const demo_product demo_products[NPRODUCTS];
int demo_region_currency(int region);

/* The rep (index into gen->reps) holding seat s at instant t; -1 before it opened. */
int demo_seat_holder(const demo_gen *g, int seat, int64_t t);
/* A seat chosen for a new deal or lead at t, in proportion to capacity (ramping
 * reps get less); its holder in *rep. */
int demo_pick_seat(const demo_gen *g, demo_rng *r, int64_t t, int *rep);
/* A random creation instant before now, following growth and seasons: in business
 * hours, or (anytime) at any hour of any day, weekends being quieter. */
int64_t demo_pick_time(const demo_gen *g, demo_rng *r, int anytime);
/* Month index (0 .. nmonths-1) of an instant, clamped. */
int64_t demo_month_index(const demo_gen *g, int64_t utc);
/* Year index of an instant for prices, clamped to 0 .. MAX_YEARS-1. */
int demo_year_index(const demo_gen *g, int64_t utc);
/* Converts minor units of currency cur at instant t to EUR cents (rounded). */
int64_t demo_to_eur(const demo_gen *g, int cur, int64_t amount, int64_t t);
/* EUR cents to minor units of cur at t, rounded. */
int64_t demo_from_eur(const demo_gen *g, int cur, int64_t eur, int64_t t);

/* Names (demo_names.c); out buffers of the given sizes, always NUL-terminated. */
void demo_person_name(uint64_t k, char *name, size_t nsize, char *login, size_t lsize);
/* A random name key (first name and one or two surnames, never numbered). */
uint64_t demo_person_any(demo_rng *r);
/* The name key of the i-th user: distinct for distinct i, spread by base. */
uint64_t demo_person_unique(uint64_t base, uint64_t i);
void demo_company_name(const demo_gen *g, uint64_t k, int industry, int region, char *name, size_t nsize,
                       char *domain, size_t dsize);
void demo_phone(demo_rng *r, int region, char *out, size_t size);
const char *demo_city(demo_rng *r, int region, const char **country);

/* Passes. */
emb_code demo_setup(demo_gen *g, emb_err *err);
void demo_setup_free(demo_gen *g);
emb_code demo_skeleton(demo_gen *g, emb_err *err);
emb_code demo_write_leads(demo_gen *g, emb_err *err);
emb_code demo_write_deals(demo_gen *g, emb_err *err);
emb_code demo_write_people(demo_gen *g, emb_err *err);
emb_code demo_write_accounts(demo_gen *g, emb_err *err);
emb_code demo_write_plan(demo_gen *g, emb_err *err);

/* One deal's timeline, shared by demo_deals.c, demo_activities.c, demo_orders.c. */
#define MAX_EVENTS 32
#define MAX_LINES 4
typedef struct {
    int64_t at;
    int stage;          /* ST_* */
    int has_amount;
    int64_t amount;
    int rep;            /* owner */
    int64_t ec_day;     /* expected close, local day */
    int64_t author;     /* user id */
} demo_state;

typedef struct {
    int product, quantity, discount_bp;
    int64_t unit_price, unit_cost; /* in the deal's currency */
} demo_line;

typedef struct {
    int64_t id, created, closed; /* closed 0 while open */
    int32_t account;
    int64_t contact;
    int source, segment, currency, cold;
    demo_state ev[MAX_EVENTS];
    int nev;
    demo_line lines[MAX_LINES];
    int nlines;
} demo_deal;

/* The owner of d at instant t (the state in force then). */
int demo_deal_owner_at(const demo_deal *d, int64_t t);
int demo_deal_stage_at(const demo_deal *d, int64_t t);

/* The columns demo_deal_activities and demo_lead_activities write, and their count. */
const char *const *demo_activity_columns(int *n);
emb_code demo_deal_activities(demo_gen *g, const demo_deal *d, emb_err *err);
emb_code demo_lead_activities(demo_gen *g, demo_rng *r, int64_t lead_id, int rep, int64_t created, int64_t end,
                              int touched, emb_err *err);
emb_code demo_deal_orders(demo_gen *g, const demo_deal *d, emb_err *err);
/* Chooses a deal's products and quantities (list prices of the creation year). */
void demo_deal_lines(demo_gen *g, demo_rng *r, demo_deal *d, const demo_rep *rep);
/* The chance (bp) that a deal passes an open stage, for a rep's skill and a segment. */
int demo_stage_pass_bp(int stage, int rep_adj, int segment);
/* Net amount of lines with their discounts, each rounded half away from zero. */
int64_t demo_lines_total(const demo_line *lines, int n);
int64_t demo_line_net(const demo_line *l);

#endif
