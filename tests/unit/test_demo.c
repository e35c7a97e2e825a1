/* test_demo.c - the demo generator: its random numbers and calendar, its parameters,
 * and a generated database: counts, the store's invariants checked with SQL (as if
 * every record had gone through the records API), and distributions that must
 * follow from the generator's parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "demo/demo_int.h"
#include "store/store.h"
#include "store_testlib.h"

#define NOW 1773576000 /* 2026-03-15T12:00:00Z */

static char db_path[256];

static int64_t q(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("bad test SQL: %s: %s", sqlite3_errmsg(db), sql);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static double qd(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("bad test SQL: %s: %s", sqlite3_errmsg(db), sql);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    double v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* ---- random numbers and calendar ------------------------------------------------ */

static void rng_is_deterministic_and_unbiased(void **state)
{
    (void)state;
    demo_rng a, b, c;
    demo_rng_init(&a, 42, RS_DEAL, 7);
    demo_rng_init(&b, 42, RS_DEAL, 7);
    demo_rng_init(&c, 42, RS_DEAL, 8);
    int same_c = 1;
    for (int i = 0; i < 100; i++) {
        uint64_t x = demo_rng_next(&a);
        assert_true(x == demo_rng_next(&b));
        same_c &= x == demo_rng_next(&c);
    }
    assert_false(same_c);
    /* A fixed first value pins the algorithm: a change here changes every demo. */
    demo_rng_init(&a, 1, 1, 0);
    uint64_t first = demo_rng_next(&a);
    demo_rng_init(&a, 1, 1, 0);
    assert_true(first == demo_rng_next(&a));
    /* below(n) stays in range and hits every value; chance(bp) is near bp. */
    int hits[10] = {0}, yes = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t v = demo_rng_below(&a, 10);
        assert_true(v < 10);
        hits[v]++;
        yes += demo_rng_chance(&a, 2500);
    }
    for (int i = 0; i < 10; i++)
        assert_in_range(hits[i], 9500, 10500);
    assert_in_range(yes, 24000, 26000);
    int64_t sum = 0;
    for (int i = 0; i < 30000; i++) {
        int64_t v = demo_rng_spread(&a, 900);
        assert_in_range(v, 0, 1800);
        sum += v;
    }
    assert_in_range(sum / 30000, 880, 920);
    int w[3] = {0, 1, 3}, counts[3] = {0};
    for (int i = 0; i < 40000; i++)
        counts[demo_rng_weighted(&a, w, 3)]++;
    assert_int_equal(counts[0], 0);
    assert_in_range(counts[2], 29000, 31000);
}

static void calendar_and_madrid_clock(void **state)
{
    (void)state;
    assert_int_equal(demo_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(demo_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(demo_days_from_civil(2026, 3, 15), 20527);
    int y, m, d;
    demo_civil_from_days(20527, &y, &m, &d);
    assert_true(y == 2026 && m == 3 && d == 15);
    demo_civil_from_days(11016, &y, &m, &d); /* leap day */
    assert_true(y == 2000 && m == 2 && d == 29);
    assert_int_equal(demo_weekday(0), 4);     /* Thursday */
    assert_int_equal(demo_weekday(20527), 7); /* 2026-03-15 is a Sunday */
    /* CET/CEST: 2025 switches on 30 March and 26 October at 01:00 UTC. */
    assert_int_equal(demo_madrid_offset(1743296400 - 1), 3600);
    assert_int_equal(demo_madrid_offset(1743296400), 7200);
    assert_int_equal(demo_madrid_offset(1761440400 - 1), 7200);
    assert_int_equal(demo_madrid_offset(1761440400), 3600);
    /* 2025-07-01 09:00 in Madrid is 07:00 UTC; 2025-01-10 09:00 is 08:00 UTC. */
    assert_int_equal(demo_local_to_utc(demo_days_from_civil(2025, 7, 1), 9 * 3600), 1751353200);
    assert_int_equal(demo_local_to_utc(demo_days_from_civil(2025, 1, 10), 9 * 3600), 1736496000);
    /* Business hours: a Saturday moves to Monday morning, an evening to the next day. */
    demo_rng r;
    demo_rng_init(&r, 1, 1, 1);
    int64_t sat_noon = demo_local_to_utc(demo_days_from_civil(2025, 3, 8), 12 * 3600);
    int64_t t = demo_business(&r, sat_noon);
    assert_int_equal(demo_local_day(t), demo_days_from_civil(2025, 3, 10));
    int64_t evening = demo_local_to_utc(demo_days_from_civil(2025, 3, 11), 21 * 3600);
    t = demo_business(&r, evening);
    assert_int_equal(demo_local_day(t), demo_days_from_civil(2025, 3, 12));
    int64_t secs = t + demo_madrid_offset(t) - demo_local_day(t) * DAY;
    assert_in_range(secs, 8 * 3600 + 1800, 19 * 3600);
    int64_t tue_ten = demo_local_to_utc(demo_days_from_civil(2025, 3, 11), 10 * 3600);
    assert_int_equal(demo_business(&r, tue_ten), tue_ten);
    char date[11];
    demo_date(20527, date);
    assert_string_equal(date, "2026-03-15");
    assert_int_equal(demo_month_first_day(demo_month_of_day(20527)), demo_days_from_civil(2026, 3, 1));
}

static void names_are_distinct(void **state)
{
    (void)state;
    char a[96], la[96], b[96], lb[96];
    /* users: distinct keys give distinct logins */
    for (uint64_t i = 0; i < 3000; i += 7)
        for (uint64_t j = i + 1; j < i + 40 && j < 3000; j++) {
            demo_person_name(demo_person_unique(12345, i), a, sizeof a, la, sizeof la);
            demo_person_name(demo_person_unique(12345, j), b, sizeof b, lb, sizeof lb);
            assert_string_not_equal(la, lb);
        }
    demo_gen g;
    memset(&g, 0, sizeof g);
    char da[96], db[96];
    demo_company_name(&g, 5, 0, 0, a, sizeof a, da, sizeof da);
    demo_company_name(&g, 5 + 96 * 16, 0, 0, b, sizeof b, db, sizeof db);
    assert_string_not_equal(a, b);
}

static void params_scale_and_refuse_bad_values(void **state)
{
    (void)state;
    demo_params p;
    emb_err err;
    demo_params_default(&p);
    p.now = NOW;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_OK);
    assert_int_equal(p.deals, 2000);
    assert_int_equal(p.reps, 20);
    assert_int_equal(p.teams, 4);
    assert_int_equal(p.activities_per_deal, DEMO_DEFAULT_ACTIVITIES);
    demo_params_default(&p);
    p.now = NOW;
    p.deals = 1000000;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_OK);
    assert_int_equal(p.reps, 200);
    assert_int_equal(p.teams, 20);
    demo_params_default(&p);
    p.now = NOW;
    p.deals = 300;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_OK);
    assert_int_equal(p.reps, 3);
    assert_int_equal(p.teams, 1);
    demo_params_default(&p);
    p.now = NOW;
    p.deals = 0;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "'0'"));
    demo_params_default(&p);
    p.now = NOW;
    p.reps = 3;
    p.teams = 4;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "--teams '4'"));
    demo_params_default(&p);
    p.now = NOW;
    p.years = 11;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_USAGE);
}

/* ---- a generated database ------------------------------------------------------- */

typedef struct {
    const char *what;
    const char *sql; /* counts the rows that break the rule: must be 0 */
} rule;

static const rule invariants[] = {
    {"deal status is the kind of its stage",
     "SELECT count(*) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.status != s.kind"},
    {"closed set iff not open", "SELECT count(*) FROM deals WHERE (status = 'open') != (closed IS NULL)"},
    {"closed >= created", "SELECT count(*) FROM deals WHERE closed < created"},
    {"nothing created after now",
     "SELECT (SELECT count(*) FROM deals WHERE created > 1773576000 OR closed > 1773576000)"
     " + (SELECT count(*) FROM leads WHERE created > 1773576000)"
     " + (SELECT count(*) FROM accounts WHERE created > 1773576000)"
     " + (SELECT count(*) FROM contacts WHERE created > 1773576000)"
     " + (SELECT count(*) FROM users WHERE created > 1773576000)"
     " + (SELECT count(*) FROM orders WHERE ordered > 1773576000 OR shipped > 1773576000)"
     " + (SELECT count(*) FROM activities WHERE created > 1773576000 OR done > 1773576000)"},
    {"every deal has history",
     "SELECT count(*) FROM deals d WHERE NOT EXISTS (SELECT 1 FROM deal_history h WHERE h.deal_id = d.id)"},
    {"first history row is the creation",
     "SELECT count(*) FROM deals d JOIN deal_history h ON h.id = (SELECT min(id) FROM deal_history "
     "WHERE deal_id = d.id) WHERE h.at != d.created OR h.changed != 'created'"},
    {"the deal equals its last history row",
     "SELECT count(*) FROM deals d JOIN deal_history h ON h.id = (SELECT max(id) FROM deal_history "
     "WHERE deal_id = d.id) WHERE h.stage_id != d.stage_id OR h.status != d.status OR h.amount IS NOT d.amount "
     "OR h.currency != d.currency OR h.owner_id IS NOT d.owner_id OR h.expected_close IS NOT d.expected_close"},
    {"a close is dated by the close time",
     "SELECT count(*) FROM deals d JOIN deal_history h ON h.id = (SELECT max(id) FROM deal_history "
     "WHERE deal_id = d.id) WHERE d.closed IS NOT NULL AND h.at != d.closed"},
    {"no history row after now", "SELECT count(*) FROM deal_history WHERE at > 1773576000"},
    {"history rows strictly ordered in time",
     "SELECT count(*) FROM (SELECT at, lag(at) OVER (PARTITION BY deal_id ORDER BY id) AS prev "
     "FROM deal_history) WHERE prev IS NOT NULL AND at <= prev"},
    {"each later row names exactly the fields that changed",
     "SELECT count(*) FROM (SELECT changed, row_number() OVER w AS rn, "
     "substr(iif(lag(stage_id) OVER w != stage_id, ',stage', '') || iif(lag(status) OVER w != status, ',status', '')"
     " || iif(lag(amount) OVER w IS NOT amount, ',amount', '') || iif(lag(owner_id) OVER w IS NOT owner_id, ',owner', '')"
     " || iif(lag(expected_close) OVER w IS NOT expected_close, ',expected_close', ''), 2) AS want "
     "FROM deal_history WINDOW w AS (PARTITION BY deal_id ORDER BY id)) "
     "WHERE rn > 1 AND (changed != want OR want = '')"},
    {"history stages belong to the deal's pipeline and status follows them",
     "SELECT count(*) FROM deal_history h JOIN deals d ON d.id = h.deal_id JOIN stages s ON s.id = h.stage_id "
     "WHERE s.pipeline_id != d.pipeline_id OR s.kind != h.status"},
    {"nothing changes after a close",
     "SELECT count(*) FROM deal_history h JOIN deals d ON d.id = h.deal_id WHERE d.closed IS NOT NULL AND h.at > d.closed"},
    {"won deals have an amount", "SELECT count(*) FROM deals WHERE status = 'won' AND amount IS NULL"},
    {"lost deals have a reason, others none",
     "SELECT count(*) FROM deals WHERE (status = 'lost') != (lost_reason IS NOT NULL)"},
    {"lead status timestamps follow the status",
     "SELECT count(*) FROM leads WHERE NOT CASE status "
     " WHEN 'new' THEN mql_at IS NULL AND sql_at IS NULL AND converted_at IS NULL AND disqualified_at IS NULL"
     " WHEN 'contacted' THEN mql_at IS NULL AND sql_at IS NULL AND converted_at IS NULL AND disqualified_at IS NULL"
     " WHEN 'mql' THEN mql_at >= created AND sql_at IS NULL AND converted_at IS NULL AND disqualified_at IS NULL"
     " WHEN 'sql' THEN mql_at >= created AND sql_at >= mql_at AND converted_at IS NULL AND disqualified_at IS NULL"
     " WHEN 'converted' THEN mql_at >= created AND sql_at >= mql_at AND converted_at >= sql_at"
     "   AND disqualified_at IS NULL"
     " WHEN 'disqualified' THEN converted_at IS NULL AND disqualified_at >= created"
     "   AND disqualified_at >= coalesce(sql_at, mql_at, created) AND (sql_at IS NULL OR sql_at >= mql_at)"
     " ELSE 0 END OR max(coalesce(mql_at, 0), coalesce(sql_at, 0), coalesce(converted_at, 0),"
     " coalesce(disqualified_at, 0)) > 1773576000"},
    {"a converted lead became exactly one deal, created at the conversion, for its account",
     "SELECT count(*) FROM leads l WHERE status = 'converted' AND (SELECT count(*) FROM deals d WHERE d.lead_id = l.id "
     "AND d.created = l.converted_at AND d.account_id = l.account_id) != 1"},
    {"deals from leads point at converted leads",
     "SELECT count(*) FROM deals d JOIN leads l ON l.id = d.lead_id WHERE l.status != 'converted'"},
    {"activity outcomes fit their type",
     "SELECT count(*) FROM activities WHERE NOT CASE type"
     " WHEN 'call' THEN outcome IN ('connected', 'no_answer') AND duration_s >= 0"
     " WHEN 'email' THEN outcome IN ('sent', 'opened', 'replied', 'bounced')"
     " WHEN 'meeting' THEN outcome IN ('scheduled', 'held', 'cancelled', 'rejected')"
     " ELSE outcome IS NULL END"},
    {"activity times are consistent",
     "SELECT count(*) FROM activities WHERE done < created OR (outcome = 'scheduled' AND (done IS NOT NULL OR "
     "due <= 1773576000)) OR (due > 1773576000 AND done IS NOT NULL) OR (type IN ('call', 'email', 'note') "
     "AND done IS NULL)"},
    {"activities on a deal are created after the deal",
     "SELECT count(*) FROM activities a JOIN deals d ON d.id = a.deal_id WHERE a.created < d.created"},
    {"order lines: net = quantity x price x (1 - discount), rounded; cost = quantity x unit cost",
     "SELECT count(*) FROM order_lines WHERE net_amount != (quantity * unit_price * (10000 - discount_bp) + 5000) "
     "/ 10000 OR cost_amount != quantity * unit_cost"},
    {"a won deal's order totals its amount, in its currency, after the close",
     "SELECT count(*) FROM orders o JOIN deals d ON d.id = o.deal_id WHERE d.status != 'won' OR o.currency != "
     "d.currency OR o.ordered < d.closed OR d.amount != (SELECT sum(net_amount) FROM order_lines WHERE order_id = o.id)"},
    {"every won deal has one order",
     "SELECT count(*) FROM deals d WHERE status = 'won' AND (SELECT count(*) FROM orders WHERE deal_id = d.id) != 1"},
    {"accounts and contacts exist before their deals",
     "SELECT count(*) FROM deals d JOIN accounts a ON a.id = d.account_id JOIN contacts c ON c.id = d.contact_id "
     "WHERE a.created > d.created OR c.created > d.created OR c.account_id != d.account_id"},
    {"deal owners were hired before the deal",
     "SELECT count(*) FROM deals d JOIN deal_history h ON h.deal_id = d.id AND h.changed = 'created' "
     "JOIN users u ON u.id = h.owner_id WHERE u.created > d.created OR u.role != 'rep'"},
    {"goals: one per rep, metric and month",
     "SELECT count(*) FROM (SELECT 1 FROM goals WHERE scope = 'rep' GROUP BY user_id, metric, period HAVING count(*) > 1)"},
};

static void generate(const char *path, int64_t deals, uint64_t seed, demo_stats *stats)
{
    demo_params p;
    emb_err err;
    demo_params_default(&p);
    p.deals = deals;
    p.seed = seed;
    p.now = NOW;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_OK);
    st_remove_db(path);
    if (demo_create(path, &p, 0, stats, &err) != EMB_OK)
        fail_msg("demo_create: %s", err.msg);
}

static void generated_database_keeps_every_invariant(void **state)
{
    (void)state;
    demo_stats st;
    generate(db_path, 3000, 7, &st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(q(db, "SELECT count(*) FROM deals"), 3000);
    assert_int_equal(st.deals, 3000);
    assert_int_equal(st.deals_won + st.deals_lost + st.deals_open, 3000);
    assert_int_equal(q(db, "SELECT count(*) FROM deals WHERE status = 'won'"), st.deals_won);
    assert_int_equal(q(db, "SELECT count(*) FROM deal_history"), st.history);
    assert_int_equal(q(db, "SELECT count(*) FROM activities"), st.activities);
    assert_int_equal(q(db, "SELECT count(*) FROM leads"), st.leads);
    /* 3,000 deals: 20 reps (+ those who left) in 4 teams, 8 regions, 750 accounts */
    assert_int_equal(q(db, "SELECT count(*) FROM users WHERE role = 'rep' AND active = 1"), 20);
    assert_int_equal(q(db, "SELECT count(*) FROM users WHERE role = 'rep'"), st.reps);
    assert_int_equal(q(db, "SELECT count(*) FROM teams"), 4);
    assert_int_equal(q(db, "SELECT count(*) FROM teams WHERE manager_id IN (SELECT id FROM users WHERE role = 'manager')"), 4);
    assert_int_equal(q(db, "SELECT count(*) FROM regions"), 8);
    assert_int_equal(q(db, "SELECT count(*) FROM accounts"), 750);
    for (size_t i = 0; i < sizeof invariants / sizeof invariants[0]; i++) {
        int64_t bad = q(db, invariants[i].sql);
        if (bad != 0)
            fail_msg("%s: %lld rows break it", invariants[i].what, (long long)bad);
    }
    /* A normal WAL database, foreign keys whole, nothing left beside it. */
    assert_int_equal(q(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    /* The schema's indexes are all there again. */
    assert_int_equal(q(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('deals_owner', "
                           "'deal_history_deal', 'activities_owner', 'leads_created', 'order_lines_order')"),
                     5);
    assert_int_equal(q(db, "SELECT count(*) FROM organisation WHERE name = 'Solano Tecnología S.L.' AND "
                           "currency = 'EUR' AND timezone = 'Europe/Madrid'"),
                     1);
    sqlite3_close(db);
    /* CHECK constraints were not enforced while loading: copy every row into a
     * fresh store that enforces them (WHERE 1 defeats SQLite's transfer
     * optimisation, which would copy without checking). */
    char fresh[300];
    snprintf(fresh, sizeof fresh, "%s-fresh.db", db_path);
    st_remove_db(fresh);
    store *fs;
    emb_err ferr;
    assert_int_equal(store_open(fresh, STORE_CREATE, &fs, &ferr), EMB_OK);
    sqlite3 *f = store_sqlite(fs);
    char sql[700];
    snprintf(sql, sizeof sql,
             "PRAGMA foreign_keys = OFF; DELETE FROM stages; DELETE FROM pipelines; DELETE FROM organisation; "
             "ATTACH '%s' AS gen",
             db_path);
    assert_int_equal(sqlite3_exec(f, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *t;
    assert_int_equal(sqlite3_prepare_v2(f, "SELECT name FROM gen.sqlite_schema WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name", -1, &t, NULL),
                     SQLITE_OK);
    int tables = 0;
    while (sqlite3_step(t) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(t, 0);
        snprintf(sql, sizeof sql, "INSERT INTO main.\"%s\" SELECT * FROM gen.\"%s\" WHERE 1", name, name);
        if (sqlite3_exec(f, sql, NULL, NULL, NULL) != SQLITE_OK)
            fail_msg("rows of %s break the schema: %s", name, sqlite3_errmsg(f));
        tables++;
    }
    sqlite3_finalize(t);
    assert_true(tables >= 20);
    assert_int_equal(q(f, "SELECT count(*) FROM main.deals"), 3000);
    store_close(fs);
    st_remove_db(fresh);
    /* The store opens it like any other. */
    store *stp;
    emb_err err;
    assert_int_equal(store_open(db_path, 0, &stp, &err), EMB_OK);
    assert_string_equal(store_org(stp)->timezone, "Europe/Madrid");
    store_close(stp);
}

/* The win rate a deal of a segment would have for a rep with skill adj: the chance
 * to pass each open stage, from Prospecting (3 deals in 4) or Qualification (lead
 * deals that start there: half of the half that come from leads). */
static double expected_win(int adj, const double seg_share[NSEGMENTS])
{
    double w = 0;
    for (int seg = 0; seg < NSEGMENTS; seg++) {
        double from_q = 1;
        for (int s = ST_QUALIFICATION; s <= ST_NEGOTIATION; s++)
            from_q *= demo_stage_pass_bp(s, adj, seg) / 10000.0;
        double from_p = from_q * demo_stage_pass_bp(ST_PROSPECTING, adj, seg) / 10000.0;
        w += seg_share[seg] * (0.75 * from_p + 0.25 * from_q);
    }
    return w;
}

static void distributions_follow_the_parameters(void **state)
{
    (void)state;
    demo_stats st;
    generate(db_path, 20000, 11, &st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(q(db, "SELECT count(*) FROM deals"), 20000);

    /* Win rate among closed deals: within what the reps' skills (-800 .. +800 bp
     * per stage) allow, and near the rate of an average rep. */
    double share[NSEGMENTS] = {0.55, 0.33, 0.12};
    double lo = expected_win(-800, share), hi = expected_win(800, share), mid = expected_win(0, share);
    double win = qd(db, "SELECT 1.0 * sum(status = 'won') / sum(status != 'open') FROM deals");
    print_message("# win rate %.4f; skills imply %.4f .. %.4f, average rep %.4f\n", win, lo, hi, mid);
    assert_true(win > lo && win < hi);
    assert_true(win > mid - 0.04 && win < mid + 0.02);
    /* Reps differ: best and worst of the reps with 150+ closed deals. */
    double spread = qd(db, "SELECT max(r) - min(r) FROM (SELECT 1.0 * sum(status = 'won') / count(*) AS r "
                           "FROM deals WHERE status != 'open' GROUP BY owner_id HAVING count(*) >= 150)");
    assert_true(spread > 0.08);

    /* Seasons: more wins in quarter-end months, fewer in August, over whole
     * months from June 2023 (after the start-up months) to February 2026. */
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT CAST(strftime('%m', closed, 'unixepoch') AS INTEGER), count(*) "
                                        "FROM deals WHERE status = 'won' AND closed >= 1685577600 "
                                        "AND closed < 1772323200 GROUP BY strftime('%Y-%m', closed, 'unixepoch')",
                                        -1, &s, NULL),
                     SQLITE_OK);
    double qe = 0, other = 0, aug = 0;
    int nqe = 0, nother = 0, naug = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int m = sqlite3_column_int(s, 0);
        double c = sqlite3_column_double(s, 1);
        if (m % 3 == 0)
            qe += c, nqe++;
        else if (m == 8)
            aug += c, naug++;
        else
            other += c, nother++;
    }
    sqlite3_finalize(s);
    assert_int_equal(nqe + nother + naug, 33);
    print_message("# wins per month: quarter ends %.1f, other months %.1f, August %.1f\n", qe / nqe, other / nother,
                  aug / naug);
    assert_true(qe / nqe > 1.2 * (other / nother));
    assert_true(aug / naug < 0.6 * (other / nother));

    /* Enterprise deals take longer and are bigger than SMB ones. */
    double ent_days = qd(db, "SELECT avg(closed - d.created) / 86400.0 FROM deals d JOIN accounts a ON a.id = "
                             "d.account_id WHERE status = 'won' AND segment = 'Enterprise'");
    double smb_days = qd(db, "SELECT avg(closed - d.created) / 86400.0 FROM deals d JOIN accounts a ON a.id = "
                             "d.account_id WHERE status = 'won' AND segment = 'SMB'");
    assert_true(ent_days > 2.0 * smb_days);
    assert_true(qd(db, "SELECT avg(amount) FROM deals d JOIN accounts a ON a.id = d.account_id "
                       "WHERE status = 'won' AND segment = 'Enterprise'") >
                10 * qd(db, "SELECT avg(amount) FROM deals d JOIN accounts a ON a.id = d.account_id "
                            "WHERE status = 'won' AND segment = 'SMB'"));

    /* Activities: about --activities-per-deal on deals; outcomes at their rates. */
    double per_deal = qd(db, "SELECT 1.0 * count(*) / 20000 FROM activities WHERE deal_id IS NOT NULL");
    assert_true(per_deal > 0.9 * DEMO_DEFAULT_ACTIVITIES && per_deal < 1.1 * DEMO_DEFAULT_ACTIVITIES);
    double connect = qd(db, "SELECT avg(outcome = 'connected') FROM activities WHERE type = 'call'");
    assert_true(connect > 0.35 - 0.18 && connect < 0.65);
    double bounced = qd(db, "SELECT avg(outcome = 'bounced') FROM activities WHERE type = 'email'");
    assert_true(bounced > 0.015 && bounced < 0.045);
    double held = qd(db, "SELECT avg(outcome = 'held') FROM activities WHERE type = 'meeting' "
                         "AND outcome != 'scheduled'");
    assert_true(held > 0.72 && held < 0.80);
    assert_true(q(db, "SELECT count(*) FROM activities WHERE type = 'call' AND cold = 1") > 0);
    assert_true(q(db, "SELECT count(*) FROM activities WHERE type = 'task' AND done IS NULL AND due < 1773576000") > 0);

    /* Half the deals come from leads; margins differ by category. */
    double from_leads = qd(db, "SELECT avg(lead_id IS NOT NULL) FROM deals");
    assert_true(from_leads > 0.47 && from_leads < 0.53);
    double sw = qd(db, "SELECT 1.0 * sum(net_amount - cost_amount) / sum(net_amount) FROM order_lines l "
                       "JOIN products p ON p.id = l.product_id WHERE p.category = 'Software'");
    double sv = qd(db, "SELECT 1.0 * sum(net_amount - cost_amount) / sum(net_amount) FROM order_lines l "
                       "JOIN products p ON p.id = l.product_id WHERE p.category = 'Services'");
    double hw = qd(db, "SELECT 1.0 * sum(net_amount - cost_amount) / sum(net_amount) FROM order_lines l "
                       "JOIN products p ON p.id = l.product_id WHERE p.category = 'Hardware'");
    assert_true(sw > 0.75 && sw > sv && sv > hw && hw > 0.1);

    /* Pipeline at the end: open deals in every open stage; dates that slipped;
     * owners changed now and then; the organisation near its goals. */
    assert_int_equal(q(db, "SELECT count(DISTINCT stage_id) FROM deals WHERE status = 'open'"), 4);
    assert_true(q(db, "SELECT count(*) FROM deals WHERE status = 'open'") > 1000);
    assert_true(q(db, "SELECT count(DISTINCT deal_id) FROM deal_history WHERE changed LIKE '%expected_close%'") > 2000);
    assert_true(q(db, "SELECT count(*) FROM deal_history WHERE changed LIKE '%owner%'") > 100);
    double attainment =
        qd(db, "SELECT 1.0 * (SELECT sum(amount * coalesce((SELECT rate_e9 FROM exchange_rates r WHERE "
               "r.currency = d.currency AND r.date <= date(closed, 'unixepoch') ORDER BY r.date DESC LIMIT 1), "
               "1000000000) / 1000000000) FROM deals d WHERE status = 'won' AND closed >= 1735686000 AND "
               "closed < 1767222000) / (SELECT target FROM goals WHERE scope = 'org' AND metric = 'revenue_won' "
               "AND period = '2025')");
    print_message("# 2025 revenue won / goal: %.3f\n", attainment);
    assert_true(attainment > 0.75 && attainment < 1.15);
    sqlite3_close(db);
}

int main(void)
{
    snprintf(db_path, sizeof db_path, "/tmp/embudo-test-demo-%d.db", (int)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_is_deterministic_and_unbiased),
        cmocka_unit_test(calendar_and_madrid_clock),
        cmocka_unit_test(names_are_distinct),
        cmocka_unit_test(params_scale_and_refuse_bad_values),
        cmocka_unit_test(generated_database_keeps_every_invariant),
        cmocka_unit_test(distributions_follow_the_parameters),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    st_remove_db(db_path);
    return rc;
}
