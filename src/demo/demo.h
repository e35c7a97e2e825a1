/*
 * demo.h - the demo data generator: a believable company selling software,
 * hardware and services in Spain and abroad, over a few years ending now.
 *
 * What it writes (`embudo demo --help`): organisation settings, regions, teams with
 * managers, reps of varied skill (some leave and are replaced), accounts and
 * contacts, leads from several sources with their status history, products with
 * different margins and yearly price changes, deals moving through the default
 * pipeline with a history row for every change, calls, emails, meetings, tasks
 * and notes with outcomes, orders with lines for won deals (and reorders and
 * support renewals), goals per rep, team and organisation, expenses per month and
 * channel, and monthly USD and GBP exchange rates.
 *
 * Determinism: the output depends only on demo_params (seed, counts and now): it
 * uses its own seeded generator (splitmix64 + xoshiro256**) and integer
 * arithmetic only, so the same parameters give a byte-identical logical database
 * on every machine (all but organisation.instance, which migration 0002 makes
 * random for every database file, by design).
 *
 * Ownership: demo_create() and demo_generate() keep nothing after they return.
 */
#ifndef EMB_DEMO_H
#define EMB_DEMO_H

#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

typedef void (*demo_progress_fn)(void *user, const char *phase, int64_t done, int64_t total);

typedef struct {
    int64_t deals;           /* number of deals, 1 .. DEMO_MAX_DEALS */
    uint64_t seed;           /* any value */
    int years;               /* length of the history, 1 .. 10 */
    int reps;                /* sales seats (active reps at the end); 0: scale with deals */
    int teams;               /* 0: scale with reps */
    int activities_per_deal; /* mean activities logged per deal, 0 .. 50; -1: default */
    int reorders;            /* mean repeat orders after each won deal, 0 .. 20 (0: none) */
    int64_t now;             /* end of the history, Unix seconds UTC */
    const char *locale;      /* the organisation's locale, "en" or "es" (Spanish stage
                              * names); NULL: "en" */
    demo_progress_fn progress; /* optional, called now and then during the build */
    void *progress_user;
} demo_params;

#define DEMO_MAX_DEALS 20000000
#define DEMO_DEFAULT_DEALS 2000
#define DEMO_DEFAULT_ACTIVITIES 5
#define DEMO_MAX_REPS 5000

/* Counts of what was written, for the summary. */
typedef struct {
    int64_t regions, users, reps, teams, accounts, contacts, leads, products;
    int64_t deals, deals_won, deals_lost, deals_open, history;
    int64_t deal_products, activities, orders, order_lines, goals, expenses, rates;
} demo_stats;

/* Defaults: DEMO_DEFAULT_DEALS deals, seed 1, 3 years, reps and teams scaled,
 * DEMO_DEFAULT_ACTIVITIES activities per deal, now = 0 (the caller sets it). */
void demo_params_default(demo_params *p);

/* Checks the parameters (EMB_USAGE naming the bad one) and fills the scaled
 * defaults: reps 20 for 2,000 deals, growing to 200 for 1,000,000 (fewer for
 * small counts); teams one per 5 reps up to 20 reps, then one per 10. */
emb_code demo_params_resolve(demo_params *p, emb_err *err);

/* Fills st, a store just created by store_open (empty but for the schema), with
 * the demo company in one transaction. p must be resolved. demo_create() puts the
 * store in load mode first (store/bulk_insert.h); without it this is slower but the same. */
emb_code demo_generate(store *st, const demo_params *p, demo_stats *stats, emb_err *err);

/* Builds a new database file at path with the demo company: into a temporary file
 * beside it (fast load mode, see store/bulk_insert.h), then renamed over path, so a
 * failure leaves path as it was. An existing path that holds records is refused
 * with EMB_CONFLICT unless force is set; one made by `embudo init` alone, with no
 * records, is replaced. p must be resolved. */
emb_code demo_create(const char *path, const demo_params *p, int force, demo_stats *stats, emb_err *err);

#endif
