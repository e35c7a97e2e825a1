/*
 * demo_plan.c - the company's plan and books: goals, expenses, exchange rates,
 * the organisation's settings and the audit row of the load.
 *
 * Goals: revenue_won and deals_won per rep, team and organisation for every month,
 * quarter and calendar year from the start of the history to the end of the
 * current year (the KPI engine matches a goal whose period is exactly the one
 * asked for). Teams' and the organisation's goals are the sums of their reps'. A seat's plan is its average month,
 * grown with the company and stretched by 10 %; new reps get half for their first
 * three months. So reps land around their goal, above or below with their skill,
 * luck and the seasons.
 * Expenses: marketing per month and lead source (cost per lead by channel, a
 * fixed website budget, partner commissions on partner-sourced revenue) and sales
 * costs (salaries, travel per meeting held, tools per user), for every full month.
 * Rates: USD and GBP against EUR on the first of every month.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "demo/demo_int.h"
#include "store/org.h"

static void month_text(int64_t month, char *period, size_t psize, char from[11], char to[11])
{
    int64_t day = demo_month_first_day(month);
    int y, m, d;
    demo_civil_from_days(day, &y, &m, &d);
    snprintf(period, psize, "%04d-%02d", y, m);
    demo_date(day, from);
    demo_date(demo_month_first_day(month + 1), to);
}

/* Company size factor of a month (per mille), as in the demand of demo_people.c. */
static int64_t growth(const demo_gen *g, int64_t month)
{
    return 1000 + (demo_month_first_day(month) + 15 - g->first_day) * 250 / 365;
}

typedef struct {
    int64_t *rev, *cnt; /* [rep * nplan + k] goals of rep in plan month k */
    int64_t plan_first, nplan; /* absolute month index of plan month 0, and count */
} plan;

static emb_code goal_row(bulk *b, const char *metric, const char *scope, int64_t team, int64_t user,
                         const char *period, const char *from, const char *to, int64_t target, emb_err *err)
{
    bulk_text(b, metric);
    bulk_text(b, scope);
    bulk_int_or_null(b, team > 0, team);
    bulk_int_or_null(b, user > 0, user);
    bulk_text(b, period);
    bulk_text(b, from);
    bulk_text(b, to);
    bulk_int(b, target);
    return bulk_end_row(b, err);
}

static void rep_plans(const demo_gen *g, plan *pl)
{
    int64_t last_full = g->nmonths - 2; /* the month before now's */
    for (int s = 0; s < g->nseats; s++) {
        const demo_seat *seat = &g->seats[s];
        int64_t from = demo_month_index(g, seat->opened > g->start * DAY ? seat->opened : g->start * DAY) + 1;
        int64_t rev = 0, cnt = 0, grow = 0, months = 0;
        for (int64_t m = from; m <= last_full; m++) {
            rev += g->won_eur[(int64_t)s * g->nmonths + m];
            cnt += g->won_count[(int64_t)s * g->nmonths + m];
            grow += growth(g, g->first_month + m);
            months++;
        }
        if (months == 0)
            continue;
        int64_t avg_grow = grow / months;
        for (int j = 0; j < seat->nreps; j++) {
            int ri = seat->first_rep + j;
            const demo_rep *rep = &g->reps[ri];
            for (int64_t k = 0; k < pl->nplan; k++) {
                int64_t month = pl->plan_first + k, first = demo_month_first_day(month) * DAY;
                int64_t next = demo_month_first_day(month + 1) * DAY;
                if (rep->hired >= next || (rep->left && rep->left < next) || seat->opened >= next)
                    continue;
                int64_t gm = growth(g, month);
                int64_t r_goal = rev * gm / avg_grow / months * 110 / 100;
                int64_t c_goal = (cnt * gm * 110 / 100 + avg_grow * months / 2) / (avg_grow * months);
                if (rep->hired > first - 60 * DAY) { /* ramping up */
                    r_goal /= 2;
                    c_goal /= 2;
                }
                r_goal = (r_goal + 50000) / 100000 * 100000; /* whole thousands of euros */
                pl->rev[(int64_t)ri * pl->nplan + k] = r_goal < 100000 ? 100000 : r_goal;
                pl->cnt[(int64_t)ri * pl->nplan + k] = c_goal < 1 ? 1 : c_goal;
            }
        }
    }
}

/* Emits the goals of one scope (rep, team or organisation) from its monthly plan
 * rev[k], cnt[k] (k = plan month): every month with a goal, and every quarter and
 * calendar year that lies wholly inside the plan and has some goal. */
static emb_code emit_scope(bulk *b, const plan *pl, const char *scope, int64_t team, int64_t user,
                           const int64_t *rev, const int64_t *cnt, emb_err *err)
{
    char period[16], from[11], to[11];
    emb_code rc = EMB_OK;
    for (int64_t k = 0; k < pl->nplan && !rc; k++) {
        int64_t month = pl->plan_first + k;
        static const int spans[3] = {1, 3, 12};
        for (int sp = 0; sp < 3 && !rc; sp++) {
            int len = spans[sp];
            int mon = (int)(month % 12) + 1, year = (int)(month / 12) + 1970;
            if (mon % len != 0 || k + 1 < len)
                continue; /* not the last month of a whole period inside the plan */
            int64_t r = 0, c = 0;
            for (int64_t j = k + 1 - len; j <= k; j++) {
                r += rev[j];
                c += cnt[j];
            }
            if (r == 0)
                continue;
            if (len == 1)
                snprintf(period, sizeof period, "%04d-%02d", year, mon);
            else if (len == 3)
                snprintf(period, sizeof period, "%04d-Q%d", year, mon / 3);
            else
                snprintf(period, sizeof period, "%04d", year);
            demo_date(demo_month_first_day(month + 1 - len), from);
            demo_date(demo_month_first_day(month + 1), to);
            rc = goal_row(b, "revenue_won", scope, team, user, period, from, to, r, err);
            if (!rc)
                rc = goal_row(b, "deals_won", scope, team, user, period, from, to, c, err);
        }
    }
    return rc;
}

static emb_code write_goals(demo_gen *g, emb_err *err)
{
    static const char *const cols[] = {"metric", "scope", "team_id", "user_id", "period",
                                       "period_from", "period_to", "target"};
    int y, m, d;
    demo_civil_from_days(g->now_day, &y, &m, &d);
    plan pl = {.plan_first = demo_month_of_day(g->start)};
    pl.nplan = ((int64_t)y - 1970) * 12 + 12 - pl.plan_first; /* to the end of this year */
    size_t n = (size_t)pl.nplan;
    pl.rev = calloc((size_t)g->nreps * n, sizeof(int64_t));
    pl.cnt = calloc((size_t)g->nreps * n, sizeof(int64_t));
    int64_t *sum_rev = calloc((size_t)(g->nteams + 1) * n, sizeof(int64_t));
    int64_t *sum_cnt = calloc((size_t)(g->nteams + 1) * n, sizeof(int64_t));
    bulk *b = NULL;
    emb_code rc = EMB_OK;
    if (!pl.rev || !pl.cnt || !sum_rev || !sum_cnt)
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (!rc)
        rc = bulk_open(g->st, "goals", cols, 8, 0, &b, err);
    if (!rc)
        rep_plans(g, &pl);
    /* Teams and the organisation (index nteams) add up their reps. */
    for (int ri = 0; ri < g->nreps && !rc; ri++)
        for (size_t k = 0; k < n; k++) {
            size_t t = (size_t)g->reps[ri].team, o = (size_t)g->nteams;
            sum_rev[t * n + k] += pl.rev[(size_t)ri * n + k];
            sum_cnt[t * n + k] += pl.cnt[(size_t)ri * n + k];
            sum_rev[o * n + k] += pl.rev[(size_t)ri * n + k];
            sum_cnt[o * n + k] += pl.cnt[(size_t)ri * n + k];
        }
    for (int ri = 0; ri < g->nreps && !rc; ri++)
        rc = emit_scope(b, &pl, "rep", 0, g->reps[ri].user_id, pl.rev + (size_t)ri * n, pl.cnt + (size_t)ri * n, err);
    for (int t = 0; t < g->nteams && !rc; t++)
        rc = emit_scope(b, &pl, "team", g->teams[t].id, 0, sum_rev + (size_t)t * n, sum_cnt + (size_t)t * n, err);
    if (!rc)
        rc = emit_scope(b, &pl, "org", 0, 0, sum_rev + (size_t)g->nteams * n, sum_cnt + (size_t)g->nteams * n, err);
    if (!rc)
        rc = bulk_flush(b, err);
    if (b)
        g->stats->goals = bulk_count(b);
    bulk_free(b);
    free(pl.rev);
    free(pl.cnt);
    free(sum_rev);
    free(sum_cnt);
    return rc;
}

static emb_code expense_row(bulk *b, const char *category, const char *channel, const char *from, const char *to,
                            int64_t amount, const char *note, emb_err *err)
{
    if (amount <= 0)
        return EMB_OK;
    bulk_text(b, category);
    bulk_text(b, channel);
    bulk_text(b, from);
    bulk_text(b, to);
    bulk_int(b, amount);
    bulk_text(b, "EUR");
    bulk_text(b, note);
    return bulk_end_row(b, err);
}

static emb_code write_expenses(demo_gen *g, emb_err *err)
{
    static const char *const cols[] = {"category", "channel", "period_from", "period_to", "amount", "currency",
                                       "note"};
    /* cost per lead by source, cents (website: plus a fixed budget) */
    static const int64_t cpl[NLEAD_SOURCES] = {1500, 9500, 24000, 4500, 6000, 0};
    bulk *b = NULL;
    emb_code rc = bulk_open(g->st, "expenses", cols, 7, 0, &b, err);
    char period[16], from[11], to[11];
    for (int64_t m = 0; m + 1 < g->nmonths && !rc; m++) {
        demo_rng r;
        demo_rng_init(&r, g->seed, RS_PLAN, (uint64_t)m);
        int64_t month = g->first_month + m;
        month_text(month, period, sizeof period, from, to);
        for (int s = 0; s < NLEAD_SOURCES && !rc; s++) {
            int64_t leads = g->leads_by_source[m * NLEAD_SOURCES + s];
            int64_t amount = leads * cpl[s] * demo_rng_range(&r, 85, 115) / 100;
            if (s == SRC_WEBSITE)
                amount += 400000;
            if (s == SRC_WEBINAR)
                amount += 80000;
            if (s == SRC_PARTNER)
                amount = g->partner_won_eur[m] / 10; /* 10 % commission */
            rc = expense_row(b, "marketing", demo_source_names[s], from, to, amount,
                             s == SRC_PARTNER ? "partner commissions" : NULL, err);
        }
        int64_t t0 = demo_month_first_day(month) * DAY + DAY;
        int64_t reps = 0;
        for (int s = 0; s < g->nseats; s++)
            reps += demo_seat_holder(g, s, t0) >= 0;
        if (!rc)
            rc = expense_row(b, "sales", "salaries", from, to,
                             reps * 520000 + g->nteams * 700000 + 900000, "reps, managers and head of sales", err);
        if (!rc)
            rc = expense_row(b, "sales", "travel", from, to, g->meetings_held[m] * 11000 * demo_rng_range(&r, 80, 120) / 100,
                             NULL, err);
        if (!rc)
            rc = expense_row(b, "sales", "tools", from, to, (reps + g->nteams + 2) * 9500, "CRM and sales tools", err);
    }
    if (!rc)
        rc = bulk_flush(b, err);
    if (b)
        g->stats->expenses = bulk_count(b);
    bulk_free(b);
    return rc;
}

static emb_code write_rates(demo_gen *g, emb_err *err)
{
    static const char *const cols[] = {"currency", "date", "rate_e9"};
    bulk *b = NULL;
    emb_code rc = bulk_open(g->st, "exchange_rates", cols, 3, 0, &b, err);
    for (int c = CUR_USD; c < NCURRENCIES && !rc; c++)
        for (int64_t m = 0; m <= g->nmonths && !rc; m++) {
            char date[11];
            demo_date(demo_month_first_day(g->first_month - 1 + m), date);
            bulk_text(b, demo_currency_codes[c]);
            bulk_text(b, date);
            bulk_int(b, g->rate_e9[c][m]);
            rc = bulk_end_row(b, err);
        }
    if (!rc)
        rc = bulk_flush(b, err);
    if (b)
        g->stats->rates = bulk_count(b);
    bulk_free(b);
    return rc;
}

static emb_code write_org(demo_gen *g, emb_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(g->st),
                           "UPDATE organisation SET name = 'Solano Tecnología S.L.', currency = 'EUR', "
                           "timezone = 'Europe/Madrid', fiscal_year_start = 1, week_start = 1 "
                           "WHERE id = 1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(g->st, "organisation", err);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return store_sql_error(g->st, "organisation", err);
    if (store_org_set_locale(g->st, g->p->locale ? g->p->locale : "en", NULL, err))
        return err->code;
    char detail[256];
    snprintf(detail, sizeof detail, "{\"source\":\"demo\",\"seed\":%llu,\"deals\":%lld,\"years\":%d,\"reps\":%d}",
             (unsigned long long)g->p->seed, (long long)g->p->deals, g->p->years, g->p->reps);
    if (sqlite3_prepare_v2(store_sqlite(g->st),
                           "INSERT INTO audit_log (at, user_id, action, kind, record_id, detail) "
                           "VALUES (?, ?, 'import', 'deals', NULL, ?)",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(g->st, "audit log", err);
    sqlite3_bind_int64(s, 1, g->now);
    sqlite3_bind_int64(s, 2, g->head_user); /* the owner, its first admin, loads the demo */
    sqlite3_bind_text(s, 3, detail, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return store_sql_error(g->st, "audit log", err);
    return EMB_OK;
}

static emb_code write_products(demo_gen *g, emb_err *err)
{
    static const char *const cols[] = {"id", "sku", "name", "category", "price", "cost", "currency", "active"};
    bulk *b = NULL;
    emb_code rc = bulk_open(g->st, "products", cols, 8, 0, &b, err);
    int year = demo_year_index(g, g->now);
    for (int p = 0; p < NPRODUCTS && !rc; p++) {
        bulk_int(b, p + 1);
        bulk_text(b, demo_products[p].sku);
        bulk_text(b, demo_products[p].name);
        bulk_text(b, demo_products[p].category);
        bulk_int(b, g->price[p][year]);
        bulk_int(b, g->cost[p][year]);
        bulk_text(b, "EUR");
        bulk_int(b, 1);
        rc = bulk_end_row(b, err);
    }
    if (!rc)
        rc = bulk_flush(b, err);
    bulk_free(b);
    g->stats->products = NPRODUCTS;
    return rc;
}

emb_code demo_write_plan(demo_gen *g, emb_err *err)
{
    emb_code rc = write_products(g, err);
    if (!rc)
        rc = write_goals(g, err);
    if (!rc)
        rc = write_expenses(g, err);
    if (!rc)
        rc = write_rates(g, err);
    if (!rc)
        rc = write_org(g, err);
    return rc;
}
