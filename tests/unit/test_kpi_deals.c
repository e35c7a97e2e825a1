/*
 * test_kpi_deals.c - the deal metrics on a small company whose figures are
 * worked out by hand below: time-zone boundaries, owner at close, currencies,
 * empty denominators.
 *
 * Organisation: EUR, Europe/Madrid (UTC+1 in winter, UTC+2 from 2026-03-29).
 *   D1 Ana  created 2026-01-10T10:00Z  won  2026-03-31T22:30Z (April 1st, 00:30 in Madrid) 1000.00 EUR
 *   D2 Ben  created 2026-02-01T00:00Z  won  2026-03-15T12:00Z  500.00 EUR; owner moved to Ana on 03-20
 *   D3 Ana  created 2026-03-01T00:00Z  lost 2026-03-20T09:00Z  200.00 EUR
 *   D4 Ben  created 2026-03-05T00:00Z  open                    300.00 USD
 *   D5 Ana  created 2026-03-02T00:00Z  won  2026-03-10T08:00Z  100.00 USD (rate 0.92 from 03-01: 92.00 EUR)
 * March 2026 in Madrid is [2026-02-28T23:00Z, 2026-03-31T22:00Z).
 *   deals_won 2 (D2, D5), deals_lost 1 (D3), revenue_won 592.00, win_rate 2/3,
 *   avg_deal_size 296.00; sales_cycle_days: D2 42.5 days, D5 8 1/3 days -> median =
 *   mean = 25.41666...; deals_created 3 (D3, D4, D5).
 *   by rep: Ana won 1 (92.00) lost 1 -> 0.5; Ben won 1 (500.00, credited at close
 *   although Ana owns it now) -> 1.0.
 * April 2026: deals_won 1 (D1, 1000.00).  2025: nothing -> win_rate null.
 * Deals inserted closed were open in the first stage (Prospecting, 10 %) until their
 * close; D4 is in Proposal (50 %); open USD amounts use the latest rate (0.90).
 *   As of 2026-03-12T00:00Z open: D1, D2, D3, D4 -> count 4, amount 1970.00; weighted
 *   1000 x .1 + 500 x .1 + 200 x .1 + 270 x .5 = 305.00.
 *   Waterfall of March: open_start 1500.00 (D1, D2); created 562.00 (D3, D4, D5);
 *   won 592.00 (D2, D5); lost 200.00 (D3); open_end 1270.00 (D1, D4).
 * Funnel of the deals created in March (D3 in Prospecting then lost, D4 straight
 * into Proposal, D5 Prospecting then won): reached Prospecting 3, Qualification 2,
 * Proposal 2, Negotiation 1, Won 1; conversion 2/3, 1, 1/2, 1, null.
 * Goals of revenue_won for 2026-03: organisation 1000.00, Ana 200.00, Ben 400.00.
 * As of 2026-03-15T12:00Z (a Sunday): March has 22 business days, 10 elapsed; won
 * so far 592.00 (D5 Ana 92.00, D2 Ben 500.00 at that very second) -> attainment
 * 0.592, pacing 592 / (1000 x 10/22) = 1.3024, projected 1302.40, needed per
 * remaining day (1000 - 592) / 12 = 34.00; Ana 0.46; Ben 1.25, needed -8.33.
 * Spend: marketing 310.00 for March (web), sales 300.00 for 2026-02-15..03-17, 16 of
 * its 30 days in March -> 160.00; one lead from the web in March -> cost_per_lead
 * 310.00; cost_per_sale = 160.00 / 2 = 80.00; no accounts -> no new customers, cac null.
 * Stage exits in March, all from Prospecting: D3 19.375 days, D5 8 1/3, D2 42.5 ->
 * median 19.375, mean 23.402777...
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/period.h"
#include "kpi_testlib.h"
#include "metrics/compare.h"
#include "metrics/snapshot.h"

static char path[128];
static store *st;
static snapshot *snap;
static int64_t ana, ben;

static int64_t at(const char *iso)
{
    int64_t d;
    int h = 0, m = 0;
    char day[11];
    memcpy(day, iso, 10);
    day[10] = '\0';
    assert_int_equal(date_parse_iso(day, &d), 0);
    if (strlen(iso) > 11)
        sscanf(iso + 11, "%d:%d", &h, &m);
    return d * 86400 + h * 3600 + m * 60;
}

static int64_t deal(arena *a, const char *title, int64_t owner, const char *created, const char *stage,
                    const char *closed, int64_t amount, const char *currency)
{
    int64_t stage_id;
    emb_err err;
    assert_int_equal(store_record_resolve(st, kind_find("stages"), stage, 0, &stage_id, &err), EMB_OK);
    change_ctx ctx = {.now = at(created)};
    return kt_insert(st, a, "deals", &ctx, 7, (const char *[]){"title", "owner", "created", "stage", "closed", "amount", "currency"},
                     (int64_t[]){0, owner, at(created), stage_id, closed ? at(closed) : INT64_MIN, amount, 0},
                     (const char *[]){title, NULL, NULL, NULL, NULL, NULL, currency});
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/embudo-kpi-deals-%d.db", (int)getpid());
    unlink(path);
    emb_err err;
    assert_int_equal(store_open(path, STORE_CREATE, &st, &err), EMB_OK);
    assert_int_equal(store_exec(st, "UPDATE organisation SET timezone = 'Europe/Madrid', currency = 'EUR'", &err), EMB_OK);
    assert_int_equal(store_reload_org(st, &err), EMB_OK);
    arena a;
    arena_init(&a, 0);
    change_ctx ctx = {.now = at("2026-01-01")};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    ana = kt_insert(st, &a, "users", &ctx, 1, (const char *[]){"name"}, NULL, (const char *[]){"Ana"});
    ben = kt_insert(st, &a, "users", &ctx, 1, (const char *[]){"name"}, NULL, (const char *[]){"Ben"});
    kt_insert(st, &a, "rates", &ctx, 3, (const char *[]){"currency", "date", "rate"}, (int64_t[]){0, 0, 920000000},
              (const char *[]){"USD", "2026-03-01", NULL});
    kt_insert(st, &a, "rates", &ctx, 3, (const char *[]){"currency", "date", "rate"}, (int64_t[]){0, 0, 900000000},
              (const char *[]){"USD", "2026-04-01", NULL});
    deal(&a, "D1", ana, "2026-01-10T10:00", "Won", "2026-03-31T22:30", 100000, "EUR");
    int64_t d2 = deal(&a, "D2", ben, "2026-02-01", "Won", "2026-03-15T12:00", 50000, "EUR");
    deal(&a, "D3", ana, "2026-03-01", "Lost", "2026-03-20T09:00", 20000, "EUR");
    deal(&a, "D4", ben, "2026-03-05", "Proposal", NULL, 30000, "USD");
    deal(&a, "D5", ana, "2026-03-02", "Won", "2026-03-10T08:00", 10000, "USD");
    const kind_def *k = kind_find("deals");
    record *u = record_new(&a, k);
    u->id = d2;
    record_set_int(u, kind_field_index(k, "owner"), ana);
    ctx.now = at("2026-03-20");
    assert_int_equal(store_record_update(st, u, &ctx, &err), EMB_OK);
    kt_insert(st, &a, "expenses", &ctx, 6, (const char *[]){"category", "channel", "from", "to", "amount", "currency"},
              (int64_t[]){0, 0, 0, 0, 31000, 0},
              (const char *[]){"marketing", "web", "2026-03-01", "2026-04-01", NULL, "EUR"});
    kt_insert(st, &a, "expenses", &ctx, 6, (const char *[]){"category", "channel", "from", "to", "amount", "currency"},
              (int64_t[]){0, 0, 0, 0, 30000, 0},
              (const char *[]){"sales", "web", "2026-02-15", "2026-03-17", NULL, "EUR"});
    kt_insert(st, &a, "leads", &ctx, 4, (const char *[]){"name", "created", "source", "status"},
              (int64_t[]){0, at("2026-03-05"), 0, 0}, (const char *[]){"L1", NULL, "web", "new"});
    const char *goal_fields[] = {"metric", "scope", "rep", "period", "from", "to", "target"};
    kt_insert(st, &a, "goals", &ctx, 7, goal_fields, (int64_t[]){0, 0, INT64_MIN, 0, 0, 0, 100000},
              (const char *[]){"revenue_won", "org", NULL, "2026-03", "2026-03-01", "2026-04-01", NULL});
    kt_insert(st, &a, "goals", &ctx, 7, goal_fields, (int64_t[]){0, 0, ana, 0, 0, 0, 20000},
              (const char *[]){"revenue_won", "rep", NULL, "2026-03", "2026-03-01", "2026-04-01", NULL});
    kt_insert(st, &a, "goals", &ctx, 7, goal_fields, (int64_t[]){0, 0, ben, 0, 0, 0, 40000},
              (const char *[]){"revenue_won", "rep", NULL, "2026-03", "2026-03-01", "2026-04-01", NULL});
    assert_int_equal(store_commit(st, &err), EMB_OK);
    arena_release(&a);
    assert_int_equal(snapshot_build(st, &snap, &err), EMB_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    snapshot_free(snap);
    store_close(st);
    unlink(path);
    return 0;
}

/* Runs the named metrics for a month of 2026 in Madrid (0 = all time), by dim (or -1). */
static kpi_result run(arena *a, const char *metrics, int month, int by, kpi_query *q)
{
    memset(q, 0, sizeof *q);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", metrics);
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        q->metrics[q->nmetrics] = kpi_metric_find(p);
        assert_non_null(q->metrics[q->nmetrics]);
        q->nmetrics++;
    }
    if (month == 0) {
        q->t0 = INT64_MIN;
        q->t1 = INT64_MAX;
    } else {
        int year = month < 0 ? 2025 : 2026, m = month < 0 ? 1 : month;
        q->t0 = tz_local_to_utc(snap->zone, days_from_civil(year, m, 1) * 86400);
        q->t1 = tz_local_to_utc(snap->zone, (month < 0 ? days_from_civil(2026, 1, 1) : days_from_civil(2026, m + 1, 1)) * 86400);
    }
    if (by >= 0)
        q->by[q->nby++] = (kpi_dim)by;
    q->as_of = month == 0 ? at("2026-12-31") : q->t1 - 1; /* instants: the end of the period */
    kpi_result r;
    emb_err err;
    if (kpi_run(snap, q, NULL, a, &r, &err))
        fail_msg("kpi_run: %s", err.msg);
    return r;
}

static void march_totals(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    kpi_result r = run(&a, "deals_won,deals_lost,revenue_won,win_rate,avg_deal_size,sales_cycle_days,deals_created", 3, -1, &q);
    assert_int_equal(r.nrows, 1);
    kpi_value *v = r.rows[0].values;
    assert_int_equal(v[0].i, 2);
    assert_int_equal(v[1].i, 1);
    assert_int_equal(v[2].kind, KV_MONEY);
    assert_int_equal(v[2].i, 59200);
    assert_int_equal(v[3].kind, KV_REAL);
    assert_true(fabs(v[3].x - 2.0 / 3.0) < 1e-12);
    assert_int_equal(v[4].i, 29600);
    assert_int_equal(v[5].kind, KV_PAIR);
    double d2 = 42.5, d5 = 8.0 + 8.0 / 24.0;
    assert_true(fabs(v[5].median - (d2 + d5) / 2) < 1e-9);
    assert_true(fabs(v[5].mean - (d2 + d5) / 2) < 1e-9);
    assert_int_equal(v[6].i, 3);
    arena_release(&a);
}

static void by_rep_credits_owner_at_close(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    kpi_result r = run(&a, "deals_won,revenue_won,win_rate", 3, DIM_REP, &q);
    assert_int_equal(r.nrows, 2);
    for (int i = 0; i < 2; i++) {
        const char *name = kpi_dim_label(snap, DIM_REP, r.rows[i].key[0], &a);
        kpi_value *v = r.rows[i].values;
        assert_int_equal(v[0].i, 1);
        if (!strcmp(name, "Ana")) {
            assert_int_equal(v[1].i, 9200);
            assert_true(fabs(v[2].x - 0.5) < 1e-12);
        } else {
            assert_string_equal(name, "Ben");
            assert_int_equal(v[1].i, 50000);
            assert_true(fabs(v[2].x - 1.0) < 1e-12);
        }
    }
    arena_release(&a);
}

static void april_and_empty_periods(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    kpi_result r = run(&a, "deals_won,revenue_won", 4, -1, &q);
    assert_int_equal(r.rows[0].values[0].i, 1);
    assert_int_equal(r.rows[0].values[1].i, 100000);
    r = run(&a, "deals_won,win_rate,avg_deal_size,sales_cycle_days", -1, -1, &q);
    assert_int_equal(r.nrows, 1);
    assert_int_equal(r.rows[0].values[0].kind, KV_INT);
    assert_int_equal(r.rows[0].values[0].i, 0);
    assert_int_equal(r.rows[0].values[1].kind, KV_NULL);
    assert_int_equal(r.rows[0].values[2].kind, KV_NULL);
    assert_int_equal(r.rows[0].values[3].kind, KV_NULL);
    r = run(&a, "deals_won", 3, DIM_MONTH, &q); /* one bucket, March */
    assert_int_equal(r.nrows, 1);
    assert_string_equal(kpi_dim_label(snap, DIM_MONTH, r.rows[0].key[0], &a), "2026-03");
    arena_release(&a);
}

static void pipeline_as_of_and_waterfall(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    memset(&q, 0, sizeof q);
    q.metrics[q.nmetrics++] = kpi_metric_find("open_pipeline");
    q.metrics[q.nmetrics++] = kpi_metric_find("weighted_pipeline");
    q.t0 = INT64_MIN;
    q.t1 = INT64_MAX;
    q.as_of = at("2026-03-12");
    kpi_result r;
    emb_err err;
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_OK);
    assert_int_equal(r.rows[0].values[0].kind, KV_PARTS);
    assert_int_equal(r.rows[0].values[0].part[0], 4);
    assert_int_equal(r.rows[0].values[0].part[1], 197000);
    assert_int_equal(r.rows[0].values[1].i, 30500);
    kpi_result w = run(&a, "pipeline_waterfall", 3, -1, &q);
    const int64_t *p = w.rows[0].values[0].part;
    const int64_t want[8] = {150000, 56200, 0, 0, 0, 59200, 20000, 127000};
    for (int k = 0; k < 8; k++)
        assert_int_equal(p[k], want[k]);
    arena_release(&a);
}

static void funnel_and_time_in_stage(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    kpi_result r = run(&a, "stage_reached,stage_conversion", 3, DIM_STAGE, &q);
    static const char *const names[] = {"Prospecting", "Qualification", "Proposal", "Negotiation", "Won"};
    static const int64_t reached[] = {3, 2, 2, 1, 1};
    static const double conversion[] = {2.0 / 3.0, 1.0, 0.5, 1.0, -1};
    assert_int_equal(r.nrows, 5);
    for (int k = 0; k < 5; k++) {
        int found = 0;
        for (int i = 0; i < r.nrows; i++) {
            if (strcmp(kpi_dim_label(snap, DIM_STAGE, r.rows[i].key[0], &a), names[k]))
                continue;
            found = 1;
            assert_int_equal(r.rows[i].values[0].i, reached[k]);
            if (conversion[k] < 0)
                assert_int_equal(r.rows[i].values[1].kind, KV_NULL);
            else
                assert_true(fabs(r.rows[i].values[1].x - conversion[k]) < 1e-12);
        }
        assert_true(found);
    }
    emb_err err;
    q.nby = 0;
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_USAGE); /* the funnel is by stage */
    r = run(&a, "time_in_stage", 3, DIM_STAGE, &q);
    assert_int_equal(r.nrows, 1);
    assert_string_equal(kpi_dim_label(snap, DIM_STAGE, r.rows[0].key[0], &a), "Prospecting");
    assert_true(fabs(r.rows[0].values[0].median - 19.375) < 1e-9);
    assert_true(fabs(r.rows[0].values[0].mean - (19.375 + 25.0 / 3.0 + 42.5) / 3.0) < 1e-9);
    arena_release(&a);
}

static void goals_attainment_and_pacing(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    memset(&q, 0, sizeof q);
    q.metrics[q.nmetrics++] = kpi_metric_find("goal_attainment");
    q.metrics[q.nmetrics++] = kpi_metric_find("goal_pacing");
    q.t0 = tz_local_to_utc(snap->zone, days_from_civil(2026, 3, 1) * 86400);
    q.t1 = tz_local_to_utc(snap->zone, days_from_civil(2026, 4, 1) * 86400);
    q.as_of = at("2026-03-15T12:00");
    kpi_result r;
    emb_err err;
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_OK);
    assert_true(fabs(r.rows[0].values[0].x - 0.592) < 1e-12);
    const kpi_value *p = &r.rows[0].values[1];
    assert_int_equal(p->part[0], 100000);
    assert_int_equal(p->part[1], 59200);
    assert_true(fabs(p->xpart[2] - 10.0 / 22.0) < 1e-12);
    assert_true(fabs(p->xpart[3] - 1.3024) < 1e-12);
    assert_int_equal(p->part[4], 130240);
    assert_int_equal(p->part[5], 3400);
    q.by[q.nby++] = DIM_REP;
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_OK);
    assert_int_equal(r.nrows, 2);
    for (int i = 0; i < 2; i++) {
        const char *name = kpi_dim_label(snap, DIM_REP, r.rows[i].key[0], &a);
        double want = !strcmp(name, "Ana") ? 0.46 : 1.25;
        assert_true(fabs(r.rows[i].values[0].x - want) < 1e-12);
        if (!strcmp(name, "Ben")) /* 125 % of the goal: nothing more is needed, never a negative amount */
            assert_int_equal(r.rows[i].values[1].part[5], 0);
    }
    q.by[0] = DIM_SOURCE; /* goals are not per source */
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_USAGE);
    arena_release(&a);
}

/* Sales velocity in March, as of its end: open then D1 (closing 30 minutes later) and
 * D4 -> 2 x 2/3 x 296.00 / 25.41666 days = 15.5278... -> 15.53 a day. Coverage: no
 * open deal expects to close in March -> 0 / (1000.00 - 592.00) = 0. */
static void derived_velocity_and_coverage(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    kpi_result r = run(&a, "sales_velocity,pipeline_coverage,deals_won", 3, -1, &q);
    assert_int_equal(r.rows[0].values[0].kind, KV_MONEY);
    double want = 2.0 * (2.0 / 3.0) * 29600.0 / ((42.5 + 25.0 / 3.0) / 2.0);
    assert_int_equal(r.rows[0].values[0].i, (int64_t)(want + 0.5));
    assert_int_equal(r.rows[0].values[0].i, 1553);
    assert_int_equal(r.rows[0].values[1].kind, KV_REAL);
    assert_true(r.rows[0].values[1].x == 0.0);
    assert_int_equal(r.rows[0].values[2].i, 2);
    r = run(&a, "sales_velocity", -1, -1, &q); /* 2025: no closes, no win rate */
    assert_int_equal(r.rows[0].values[0].kind, KV_NULL);
    arena_release(&a);
}

static void spend_metrics(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    kpi_query q;
    kpi_result r = run(&a, "marketing_spend,sales_spend,cost_per_sale,cac,new_customers,sales_roi", 3, -1, &q);
    kpi_value *v = r.rows[0].values;
    assert_int_equal(v[0].i, 31000);
    assert_int_equal(v[1].i, 16000);
    assert_int_equal(v[2].kind, KV_MONEY);
    assert_int_equal(v[2].i, 8000);
    assert_int_equal(v[3].kind, KV_NULL);
    assert_int_equal(v[4].i, 0);
    assert_int_equal(v[5].kind, KV_NULL);
    r = run(&a, "cost_per_lead", 3, DIM_SOURCE, &q);
    assert_int_equal(r.nrows, 1);
    assert_string_equal(kpi_dim_label(snap, DIM_SOURCE, r.rows[0].key[0], &a), "web");
    assert_int_equal(r.rows[0].values[0].i, 31000);
    arena_release(&a);
}

static void missing_rate_is_an_error_naming_currency_and_date(void **state)
{
    (void)state;
    emb_err err;
    arena a;
    arena_init(&a, 0);
    change_ctx ctx = {.now = at("2026-03-01")};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    deal(&a, "D6", ben, "2026-03-01", "Won", "2026-03-25T10:00", 5000, "GBP");
    assert_int_equal(store_commit(st, &err), EMB_OK);
    (void)ctx;
    snapshot *s2;
    assert_int_equal(snapshot_build(st, &s2, &err), EMB_OK);
    snapshot *keep = snap;
    snap = s2;
    kpi_query q;
    kpi_result r = run(&a, "deals_won", 3, -1, &q); /* counts need no rate */
    assert_int_equal(r.rows[0].values[0].i, 3);
    q.metrics[0] = kpi_metric_find("revenue_won");
    assert_int_equal(kpi_run(snap, &q, NULL, &a, &r, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "GBP"));
    assert_non_null(strstr(err.msg, "2026-03-25"));
    snap = keep;
    snapshot_free(s2);
    arena_release(&a);
}

/* Values of one metric ordered best first (direction, main part, nulls last), and
 * the value of a group with no facts. */
static void value_order_and_empty(void **state)
{
    (void)state;
    const kpi_metric *won = kpi_metric_find("revenue_won"), *cycle = kpi_metric_find("sales_cycle_days");
    const kpi_metric *open = kpi_metric_find("open_pipeline"), *rate = kpi_metric_find("win_rate");
    kpi_value a = {.kind = KV_MONEY, .i = 500}, b = {.kind = KV_MONEY, .i = 700}, none = {.kind = KV_NULL};
    assert_true(kpi_value_cmp_best(won, &b, &a) < 0); /* more revenue first */
    assert_true(kpi_value_cmp_best(won, &a, &none) < 0 && kpi_value_cmp_best(won, &none, &a) > 0);
    assert_int_equal(kpi_value_cmp_best(won, &a, &a), 0);
    kpi_value fast = {.kind = KV_PAIR, .median = 5, .mean = 40}, slow = {.kind = KV_PAIR, .median = 9, .mean = 9};
    assert_true(kpi_value_cmp_best(cycle, &fast, &slow) < 0); /* shorter median first, whatever the mean */
    assert_true(kpi_value_cmp_best(cycle, &slow, &none) < 0);
    kpi_value few_big = {.kind = KV_PARTS, .part = {1, 90000}}, many_small = {.kind = KV_PARTS, .part = {5, 100}};
    assert_true(kpi_value_cmp_best(open, &few_big, &many_small) < 0); /* by amount, the main part */
    kpi_value m = kpi_value_main(open, &few_big);
    assert_int_equal(m.kind, KV_MONEY);
    assert_int_equal(m.i, 90000);
    kpi_value e = kpi_value_empty(won, &b);
    assert_int_equal(e.kind, KV_MONEY);
    assert_int_equal(e.i, 0);
    kpi_value r = {.kind = KV_REAL, .x = 0.5};
    assert_int_equal(kpi_value_empty(rate, &r).kind, KV_NULL); /* no denominator: null, not 0 */
    assert_int_equal(kpi_value_empty(cycle, &fast).kind, KV_NULL);
    assert_int_equal(kpi_value_empty(kpi_metric_find("avg_deal_size"), &b).kind, KV_NULL);
    e = kpi_value_empty(open, &few_big);
    assert_int_equal(e.kind, KV_PARTS);
    assert_true(e.part[0] == 0 && e.part[1] == 0 && e.part_null == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(march_totals),
        cmocka_unit_test(value_order_and_empty),
        cmocka_unit_test(by_rep_credits_owner_at_close),
        cmocka_unit_test(april_and_empty_periods),
        cmocka_unit_test(pipeline_as_of_and_waterfall),
        cmocka_unit_test(funnel_and_time_in_stage),
        cmocka_unit_test(goals_attainment_and_pacing),
        cmocka_unit_test(derived_velocity_and_coverage),
        cmocka_unit_test(spend_metrics),
        cmocka_unit_test(missing_rate_is_an_error_naming_currency_and_date),
    };
    return cmocka_run_group_tests_name("kpi_deals", tests, setup, teardown);
}
