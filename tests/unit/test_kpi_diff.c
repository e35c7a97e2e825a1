/*
 * test_kpi_diff.c - differential tests: on 100 random datasets (seeded, so a
 * failure names its seed and can be replayed with KPI_SEED=n), every metric, with
 * and without dimensions and filters, equals its reference SQL run by SQLite.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "kpi_testlib.h"
#include "metrics/reference.h"
#include "core/period.h"
#include "metrics/snapshot.h"

#include "test_rng.h"

#define BASE 1640995200 /* 2022-01-01T00:00:00Z */
#define DAY 86400

static int64_t stage_id(store *st, const char *name)
{
    int64_t id;
    emb_err err;
    assert_int_equal(store_record_resolve(st, kind_find("stages"), name, 0, &id, &err), EMB_OK);
    return id;
}

static void update_deal_text(store *st, arena *a, int64_t id, const char *field, const char *v, int64_t now)
{
    const kind_def *k = kind_find("deals");
    record *r = record_new(a, k);
    r->id = id;
    record_set_text(r, kind_field_index(k, field), v);
    change_ctx ctx = {.now = now, .bulk = 1};
    emb_err err;
    if (store_record_update(st, r, &ctx, &err))
        fail_msg("update deal %lld %s: %s", (long long)id, field, err.msg);
}

static const char *day_text(arena *a, int64_t instant)
{
    char *t = arena_alloc(a, 11);
    date_format_iso(instant / DAY, t);
    return t;
}

static void update_deal(store *st, arena *a, int64_t id, const char *field, int64_t v, int64_t now)
{
    const kind_def *k = kind_find("deals");
    record *r = record_new(a, k);
    r->id = id;
    if (v == INT64_MIN)
        record_set_null(r, kind_field_index(k, field));
    else
        record_set_int(r, kind_field_index(k, field), v);
    change_ctx ctx = {.now = now, .bulk = 1};
    emb_err err;
    if (store_record_update(st, r, &ctx, &err))
        fail_msg("update deal %lld %s: %s", (long long)id, field, err.msg);
}

/* A random company; returns the number of deals. */
static int generate(store *st, rng *r)
{
    static const char *const zones[] = {"UTC", "Europe/Madrid", "America/New_York", "Asia/Tokyo"};
    sqlite3_stmt *s;
    sqlite3_prepare_v2(store_sqlite(st), "UPDATE organisation SET timezone = ?", -1, &s, NULL);
    sqlite3_bind_text(s, 1, pick(r, zones, 4), -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    emb_err err;
    assert_int_equal(store_reload_org(st, &err), EMB_OK);

    arena a;
    arena_init(&a, 0);
    change_ctx ctx = {.now = BASE, .bulk = 1};
    int64_t regions[2], teams[2], users[5], accounts[8], products[4];
    const char *names[] = {"North", "South"};
    for (int i = 0; i < 2; i++)
        regions[i] = kt_insert(st, &a, "regions", &ctx, 1, (const char *[]){"name"}, NULL, (const char *[]){names[i]});
    for (int i = 0; i < 2; i++)
        teams[i] = kt_insert(st, &a, "teams", &ctx, 2, (const char *[]){"name", "region"},
                             (int64_t[]){0, regions[i]}, (const char *[]){i ? "Team B" : "Team A", NULL});
    for (int i = 0; i < 5; i++) {
        int64_t team = below(r, 3) == 0 ? INT64_MIN : teams[below(r, 2)];
        int64_t region = below(r, 3) == 0 ? INT64_MIN : regions[below(r, 2)];
        users[i] = kt_insert(st, &a, "users", &ctx, 3, (const char *[]){"name", "team", "region"},
                             (int64_t[]){0, team, region}, (const char *[]){arena_printf(&a, "Rep %d", i), NULL, NULL});
    }
    static const char *const segments[] = {"SMB", "Enterprise", NULL};
    static const char *const industries[] = {"retail", "health", NULL};
    for (int i = 0; i < 8; i++)
        accounts[i] = kt_insert(st, &a, "accounts", &ctx, 5,
                                (const char *[]){"name", "segment", "industry", "region", "owner"},
                                (int64_t[]){0, INT64_MIN, INT64_MIN, below(r, 3) ? regions[below(r, 2)] : INT64_MIN,
                                            below(r, 4) ? users[below(r, 5)] : INT64_MIN},
                                (const char *[]){arena_printf(&a, "Account %d", i), pick(r, segments, 3),
                                                 pick(r, industries, 3), NULL, NULL});
    static const char *const categories[] = {"Hardware", "Services", NULL};
    for (int i = 0; i < 4; i++)
        products[i] = kt_insert(st, &a, "products", &ctx, 2, (const char *[]){"name", "category"}, (int64_t[]){0, INT64_MIN},
                                (const char *[]){arena_printf(&a, "Product %d", i), pick(r, categories, 3)});
    for (int i = 0; i < 6; i++) {
        const char *date = arena_printf(&a, "%04d-%02d-01", i == 0 ? 2000 : 2021 + i / 2, i % 2 ? 7 : 1);
        kt_insert(st, &a, "rates", &ctx, 3, (const char *[]){"currency", "date", "rate"},
                  (int64_t[]){0, 0, 800000000 + below(r, 400000001)}, (const char *[]){"USD", date, NULL});
    }
    static const char *const statuses[] = {"new", "contacted", "mql", "sql", "converted", "disqualified"};
    int nleads = 10 + (int)below(r, 40);
    int64_t leads[64], lead_created[64];
    for (int i = 0; i < nleads; i++) {
        int64_t created = BASE + below(r, 900) * DAY + (below(r, 3) ? below(r, DAY) : 0);
        int64_t owner = below(r, 4) == 0 ? INT64_MIN : users[below(r, 5)];
        const char *status = pick(r, statuses, 6);
        const char *source = pick(r, (const char *const[]){"web", "referral", "event", NULL}, 4);
        int64_t mql = !strcmp(status, "new") || below(r, 2) ? INT64_MIN : created + below(r, 10) * DAY;
        lead_created[i] = created;
        leads[i] = kt_insert(st, &a, "leads", &ctx, 6,
                             (const char *[]){"name", "created", "owner", "status", "source", "mql_at"},
                             (int64_t[]){0, created, owner, 0, source ? 0 : INT64_MIN, mql},
                             (const char *[]){"Lead", NULL, NULL, status, source, NULL});
    }
    int64_t open_stages[4] = {stage_id(st, "Prospecting"), stage_id(st, "Qualification"), stage_id(st, "Proposal"),
                              stage_id(st, "Negotiation")};
    int64_t won = stage_id(st, "Won"), lost = stage_id(st, "Lost");
    static const char *const sources[] = {"web", "referral", "event", NULL};
    static const char *const reasons[] = {"price", "timing", NULL};
    int ndeals = 20 + (int)below(r, 60);
    int64_t deal_account[80], deal_closed[80];
    for (int i = 0; i < ndeals; i++) {
        arena_reset(&a);
        /* Times fall on midnights a third of the time, where queries' instants also fall. */
        int64_t created = BASE + below(r, 900) * DAY + (below(r, 3) ? below(r, DAY) : 0);
        int64_t kind = below(r, 20); /* 0-7 open, 8-13 won, 14-19 lost */
        int64_t closed = created + below(r, 200) * DAY + (below(r, 3) ? below(r, DAY) : 0);
        int64_t owner = below(r, 6) == 0 ? INT64_MIN : users[below(r, 5)];
        int64_t amount = below(r, 10) == 0 ? INT64_MIN : below(r, 2000000);
        const char *currency = below(r, 5) == 0 ? "USD" : "EUR";
        int64_t account = below(r, 5) == 0 ? INT64_MIN : accounts[below(r, 8)];
        int64_t product = below(r, 3) == 0 ? INT64_MIN : products[below(r, 4)];
        int staged = below(r, 3) == 0; /* created open, then moved and closed by updates */
        int64_t stage = kind < 8 || staged ? open_stages[below(r, 4)] : kind < 14 ? won : lost;
        int64_t lead = below(r, 3) == 0 ? leads[below(r, nleads)] : INT64_MIN;
        const char *fields[] = {"title", "stage", "created", "closed", "owner", "amount", "currency",
                                "account", "source", "lost_reason", "lead", "product"};
        int64_t ints[] = {0, stage, created, kind < 8 || staged ? INT64_MIN : closed, owner, amount, 0, account,
                          0, 0, lead, product};
        const char *texts[] = {"Deal", NULL, NULL, NULL, NULL, NULL, currency, NULL,
                               pick(r, sources, 4), kind >= 14 ? pick(r, reasons, 3) : NULL, NULL, NULL};
        if (!texts[8])
            ints[8] = INT64_MIN;
        if (!texts[9])
            ints[9] = INT64_MIN;
        int n = product == INT64_MIN ? 11 : 12;
        ctx.now = created;
        int64_t id = kt_insert(st, &a, "deals", &ctx, n, fields, ints, texts);
        assert_true(id > 0);
        deal_account[i] = account;
        deal_closed[i] = closed;
        update_deal_text(st, &a, id, "expected_close", day_text(&a, created + below(r, 120) * DAY), created);
        if (below(r, 2)) /* the expected close moves, sometimes later (a slip) */
            update_deal_text(st, &a, id, "expected_close", day_text(&a, created + below(r, 240) * DAY),
                             created + below(r, 30) * DAY);
        if (staged) {
            int64_t mid = created + (closed - created) / 2;
            update_deal(st, &a, id, "owner", users[below(r, 5)], mid);
            if (below(r, 2))
                update_deal(st, &a, id, "amount", below(r, 2000000), mid + 1);
            if (kind >= 8) {
                const kind_def *k = kind_find("deals"); /* close and change the amount at once */
                record *u = record_new(&a, k);
                u->id = id;
                record_set_int(u, kind_field_index(k, "stage"), kind < 14 ? won : lost);
                if (below(r, 2))
                    record_set_int(u, kind_field_index(k, "amount"), below(r, 2000000));
                change_ctx uctx = {.now = closed, .bulk = 1};
                if (store_record_update(st, u, &uctx, &err))
                    fail_msg("close deal: %s", err.msg);
                if (below(r, 4) == 0) /* reopened a day later */
                    update_deal(st, &a, id, "stage", open_stages[below(r, 4)], closed + DAY);
            }
            if (below(r, 2)) /* a change after the close: not the owner at close */
                update_deal(st, &a, id, "owner", users[below(r, 5)], closed + 2 * DAY);
        }
    }
    static const char *const types[] = {"call", "email", "meeting", "task", "note"};
    static const char *const by_type[][4] = {{"connected", "no_answer", NULL, NULL},
                                             {"sent", "opened", "replied", "bounced"},
                                             {"scheduled", "held", "cancelled", "rejected"},
                                             {NULL, NULL, NULL, NULL},
                                             {NULL, NULL, NULL, NULL}};
    int nacts = 30 + (int)below(r, 120);
    for (int i = 0; i < nacts; i++) {
        arena_reset(&a);
        int t = (int)below(r, 5);
        int64_t due = BASE + below(r, 900) * DAY + (below(r, 3) ? below(r, DAY) : 0);
        int64_t done = below(r, 4) == 0 ? INT64_MIN : due + below(r, 3 * DAY) - DAY;
        const char *outcome = by_type[t][below(r, 4)];
        int64_t lead_i = below(r, nleads), lead = below(r, 3) == 0 ? leads[lead_i] : INT64_MIN;
        int64_t deal = below(r, 3) == 0 ? (int64_t)(1 + below(r, ndeals)) : INT64_MIN;
        if (lead != INT64_MIN && below(r, 2)) /* touches around the 1 h SLA, on its edge too */
            done = lead_created[lead_i] + (below(r, 2) ? 3600 : below(r, 3 * 3600));
        else if (done != INT64_MIN && below(r, 4) == 0) /* done exactly when due */
            done = due;
        int64_t account = INT64_MIN;
        if (below(r, 2)) { /* on a deal's account, sometimes at the very instant it was closed */
            int64_t k = below(r, ndeals);
            account = deal_account[k];
            if (account != INT64_MIN && below(r, 2))
                done = due = deal_closed[k];
        }
        kt_insert(st, &a, "activities", &ctx, 10,
                  (const char *[]){"type", "owner", "due", "done", "duration", "outcome", "cold", "lead", "deal",
                                   "account"},
                  (int64_t[]){0, below(r, 5) ? users[below(r, 5)] : INT64_MIN, due, done,
                              below(r, 4) ? below(r, 3600) : INT64_MIN, outcome ? 0 : INT64_MIN, below(r, 4) == 0,
                              lead, deal, account},
                  (const char *[]){types[t], NULL, NULL, NULL, NULL, outcome, NULL, NULL, NULL, NULL});
    }
    static const char *const exp_categories[] = {"marketing", "sales", "other"};
    static const char *const channels[] = {"web", "referral", "event", NULL};
    int nexpenses = 5 + (int)below(r, 20);
    for (int i = 0; i < nexpenses; i++) {
        arena_reset(&a);
        int64_t from = BASE + below(r, 900) * DAY, to = from + (1 + below(r, 90)) * DAY;
        const char *channel = pick(r, channels, 4);
        kt_insert(st, &a, "expenses", &ctx, 6, (const char *[]){"category", "channel", "from", "to", "amount", "currency"},
                  (int64_t[]){0, channel ? 0 : INT64_MIN, 0, 0, below(r, 5000000), 0},
                  (const char *[]){pick(r, exp_categories, 3), channel, day_text(&a, from), day_text(&a, to), NULL,
                                   below(r, 4) ? "EUR" : "USD"});
    }
    int norders = 10 + (int)below(r, 40);
    for (int i = 0; i < norders; i++) {
        arena_reset(&a);
        ctx.now = BASE;
        int64_t ordered = BASE + below(r, 900) * DAY + below(r, DAY);
        int64_t owner = below(r, 5) == 0 ? INT64_MIN : users[below(r, 5)];
        int64_t account = below(r, 5) == 0 ? INT64_MIN : accounts[below(r, 8)];
        int64_t region = below(r, 2) ? INT64_MIN : regions[below(r, 2)];
        const char *currency = below(r, 5) == 0 ? "USD" : "EUR";
        int64_t order = kt_insert(st, &a, "orders", &ctx, 5, (const char *[]){"date", "owner", "account", "region", "currency"},
                                  (int64_t[]){ordered, owner, account, region, 0},
                                  (const char *[]){NULL, NULL, NULL, NULL, currency});
        int nlines = 1 + (int)below(r, 4);
        for (int k = 0; k < nlines; k++) {
            int64_t net = below(r, 500000);
            int64_t cost = below(r, 4) == 0 ? INT64_MIN : net - below(r, 200000);
            int64_t product = below(r, 6) == 0 ? INT64_MIN : products[below(r, 4)];
            int64_t qty = 1 + below(r, 9), price = below(r, 3) ? net / qty + below(r, 5000) : INT64_MIN;
            kt_insert(st, &a, "order_lines", &ctx, 6,
                      (const char *[]){"order", "product", "quantity", "amount", "total_cost", "unit_price"},
                      (int64_t[]){order, product, qty, net, cost, price}, NULL);
        }
    }
    arena_release(&a);
    return ndeals;
}

static int32_t random_code(rng *r, const snapshot *s, kpi_dim d)
{
    size_t n = 0;
    switch (d) {
    case DIM_REP: n = s->users.n; break;
    case DIM_TEAM: n = s->teams.n; break;
    case DIM_ACCOUNT: n = s->accounts.n; break;
    case DIM_SEGMENT: n = s->segments.n; break;
    case DIM_INDUSTRY: n = s->industries.n; break;
    case DIM_REGION: n = s->regions.n; break;
    case DIM_SOURCE: n = s->sources.n; break;
    case DIM_STAGE: n = s->stages.n; break;
    case DIM_PIPELINE: n = s->pipelines.n; break;
    case DIM_PRODUCT: n = s->products.n; break;
    case DIM_CATEGORY: n = s->categories.n; break;
    case DIM_LOST_REASON: n = s->lost_reasons.n; break;
    case DIM_ACTIVITY_TYPE: return (int32_t)below(r, 5);
    case DIM_OUTCOME: return below(r, 5) == 0 ? SNAP_NONE : (int32_t)(1 + below(r, 10));
    case DIM_MONTH: return (int32_t)(2022 * 12 + below(r, 36));
    case DIM_QUARTER: return (int32_t)(2022 * 4 + below(r, 12));
    case DIM_YEAR: return (int32_t)(2022 + below(r, 3));
    default: return (int32_t)(BASE / DAY + below(r, 900));
    }
    return n == 0 || below(r, 4) == 0 ? SNAP_NONE : (int32_t)below(r, (int64_t)n);
}

static void one_dataset(uint64_t seed)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/embudo-kpi-diff-%d.db", (int)getpid());
    unlink(path);
    store *st;
    emb_err err;
    assert_int_equal(store_open(path, STORE_CREATE, &st, &err), EMB_OK);
    rng r = {seed * 7919};
    assert_int_equal(store_begin(st, &err), EMB_OK);
    generate(st, &r);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    snapshot *built, *snap;
    if (snapshot_build(st, &built, &err))
        fail_msg("seed %llu: snapshot: %s", (unsigned long long)seed, err.msg);
    /* Queries run on the persisted, memory-mapped copy; the built one must agree. */
    char snap_path[160];
    snprintf(snap_path, sizeof snap_path, "%s.snapshot", path);
    assert_int_equal(snapshot_write(built, snap_path, &err), EMB_OK);
    if (snapshot_map(snap_path, &snap, &err))
        fail_msg("seed %llu: map: %s", (unsigned long long)seed, err.msg);
    assert_non_null(snap->map);
    const kpi_metric *const *all = kpi_metrics();
    int nall = 0;
    while (all[nall])
        nall++;
    const exec threads = exec_threads(2); /* the engine as the CLI runs it; the in-memory snapshot inline */
    for (int qi = 0; qi < 20; qi++) {
        kpi_query q;
        memset(&q, 0, sizeof q);
        /* An anchor metric and others with the same dimensions. */
        const kpi_metric *anchor = all[(size_t)(qi + (int)seed) % (size_t)nall];
        for (int k = 1; !kpi_metric_has_reference(anchor); k++)
            anchor = all[(size_t)(qi + (int)seed + k) % (size_t)nall];
        q.metrics[q.nmetrics++] = anchor;
        for (int m = 0; m < nall; m++) {
            int same = all[m] != anchor;
            for (int d = 0; d < DIM__COUNT && same; d++)
                same = kpi_metric_has_dim(all[m], (kpi_dim)d) == kpi_metric_has_dim(anchor, (kpi_dim)d);
            if (same && kpi_metric_has_reference(all[m]) && below(&r, 2))
                q.metrics[q.nmetrics++] = all[m];
        }
        q.as_of = BASE + below(&r, 1000) * DAY + (below(&r, 2) ? below(&r, DAY) : 0);
        if (qi % 3 == 0) {
            q.t0 = INT64_MIN;
            q.t1 = INT64_MAX;
        } else {
            q.t0 = BASE + below(&r, 800) * DAY + (below(&r, 2) ? below(&r, DAY) : 0);
            q.t1 = q.t0 + (1 + below(&r, 400)) * DAY;
        }
        kpi_dim dims[DIM__COUNT];
        int ndims = 0;
        for (int d = 0; d < DIM__COUNT; d++)
            if (kpi_metric_has_dim(q.metrics[0], (kpi_dim)d))
                dims[ndims++] = (kpi_dim)d;
        q.nby = ndims ? (int)below(&r, 3) : 0;
        for (int b = 0; b < q.nby; b++)
            q.by[b] = dims[below(&r, ndims)];
        if (q.nby == 2 && q.by[0] == q.by[1])
            q.nby = 1;
        for (int m = 0; m < q.nmetrics; m++) { /* the funnel needs its stage */
            int need = kpi_metric_required_dim(q.metrics[m]), found = need < 0;
            for (int b = 0; b < q.nby && !found; b++)
                found = q.by[b] == (kpi_dim)need;
            if (!found)
                q.by[q.nby++] = (kpi_dim)need;
        }
        if (ndims && below(&r, 2)) {
            kpi_filter *f = &q.filters[q.nfilters++];
            f->dim = dims[below(&r, ndims)];
            f->nvalues = 1 + (int)below(&r, 2);
            for (int k = 0; k < f->nvalues; k++)
                f->values[k] = random_code(&r, snap, f->dim);
        }
        arena a;
        arena_init(&a, 0);
        kpi_result fast, ref;
        if (kpi_run(snap, &q, &threads, &a, &fast, &err))
            fail_msg("seed %llu query %d: engine: %s", (unsigned long long)seed, qi, err.msg);
        if (kpi_reference_run(st, snap, &q, &a, &ref, &err))
            fail_msg("seed %llu query %d: reference: %s", (unsigned long long)seed, qi, err.msg);
        char what[64];
        snprintf(what, sizeof what, "seed %llu query %d", (unsigned long long)seed, qi);
        if (!kt_results_equal(&q, &fast, &ref, what))
            fail_msg("%s: engine and reference SQL differ (replay with KPI_SEED=%llu)", what,
                     (unsigned long long)seed);
        for (int m = 0; m < q.nmetrics; m++) /* the waterfall identity, to the cent */
            if (!strcmp(kpi_metric_name(q.metrics[m]), "pipeline_waterfall"))
                for (int row = 0; row < fast.nrows; row++) {
                    const int64_t *p = fast.rows[row].values[m].part;
                    if (p[7] != p[0] + p[1] + p[2] + p[3] - p[4] - p[5] - p[6])
                        fail_msg("%s: waterfall identity broken in row %d", what, row);
                }
        kpi_result in_memory;
        if (kpi_run(built, &q, NULL, &a, &in_memory, &err))
            fail_msg("%s: in-memory engine: %s", what, err.msg);
        if (!kt_results_equal(&q, &fast, &in_memory, what))
            fail_msg("%s: mapped and in-memory snapshots differ", what);
        arena_release(&a);
    }
    snapshot_free(snap);
    snapshot_free(built);
    store_close(st);
    unlink(snap_path);
    unlink(path);
}

static void engine_equals_reference_sql(void **state)
{
    (void)state;
    const char *one = getenv("KPI_SEED");
    if (one && *one) {
        one_dataset(strtoull(one, NULL, 10));
        return;
    }
    for (uint64_t seed = 1; seed <= 100; seed++)
        one_dataset(seed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(engine_equals_reference_sql),
    };
    return cmocka_run_group_tests_name("kpi_diff", tests, NULL, NULL);
}
