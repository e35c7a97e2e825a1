/*
 * snapshot_load.c - building the analytics snapshot from SQLite, and opening the
 * snapshot of a database: its file when current, else a build written to it (see
 * snapshot.h). The builders of its parts (snapshot_activities.c, snapshot_lines.c,
 * snapshot_derive.c, snapshot_rollup.c) and their helpers (snapshot_build.c) lie
 * below; the file format (snapshot_file.c) too.
 *
 * Store row ids are mapped to dense indices through arrays indexed by id (ids are
 * dense in practice; a sparse id space only costs memory proportional to max id).
 */
#include "metrics/snapshot.h"
#include "metrics/snapshot_build.h"
#include "metrics/snapshot_columns.h"

#include <sys/stat.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/fx.h"

#define ALLOC(ptr, n) ((ptr) = calloc((n) ? (n) : 1, sizeof *(ptr)))

/* ---- dimensions ---------------------------------------------------------------- */

static emb_code load_dimensions(build_ctx *b, snapshot *snap)
{
    size_t n;
    sqlite3_stmt *s;
    if (build_make_map(b, "regions", &b->regions, &n))
        return b->err->code;
    snap->regions.n = n;
    if (!ALLOC(snap->regions.id, n) || !ALLOC(snap->regions.name, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (build_prepare(b, "SELECT id, name FROM regions ORDER BY id", &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        snap->regions.id[i] = sqlite3_column_int64(s, 0);
        snap->regions.name[i] = build_intern(&b->names, build_col_text(s, 1));
    }
    sqlite3_finalize(s);

    if (build_make_map(b, "users", &b->users, &n) || build_make_map(b, "teams", &b->teams, &snap->teams.n))
        return b->err->code;
    snap->users.n = n;
    if (!ALLOC(snap->users.id, n) || !ALLOC(snap->users.team, n) || !ALLOC(snap->users.region, n) ||
        !ALLOC(snap->users.name, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (build_prepare(b, "SELECT id, name, team_id, region_id FROM users ORDER BY id", &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        snap->users.id[i] = sqlite3_column_int64(s, 0);
        snap->users.name[i] = build_intern(&b->names, build_col_text(s, 1));
        snap->users.team[i] = build_map_get(&b->teams, s, 2);
        snap->users.region[i] = build_map_get(&b->regions, s, 3);
    }
    sqlite3_finalize(s);

    n = snap->teams.n;
    if (!ALLOC(snap->teams.id, n) || !ALLOC(snap->teams.name, n) || !ALLOC(snap->teams.region, n) ||
        !ALLOC(snap->teams.manager, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (build_prepare(b, "SELECT id, name, region_id, manager_id FROM teams ORDER BY id", &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        snap->teams.id[i] = sqlite3_column_int64(s, 0);
        snap->teams.name[i] = build_intern(&b->names, build_col_text(s, 1));
        snap->teams.region[i] = build_map_get(&b->regions, s, 2);
        snap->teams.manager[i] = build_map_get(&b->users, s, 3);
    }
    sqlite3_finalize(s);

    if (build_make_map(b, "accounts", &b->accounts, &n))
        return b->err->code;
    snap->accounts.n = n;
    if (!ALLOC(snap->accounts.id, n) || !ALLOC(snap->accounts.name, n) || !ALLOC(snap->accounts.segment, n) ||
        !ALLOC(snap->accounts.industry, n) || !ALLOC(snap->accounts.region, n) || !ALLOC(snap->accounts.owner, n) ||
        !ALLOC(snap->accounts.first_won, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (build_prepare(b, "SELECT id, name, segment, industry, region_id, owner_id FROM accounts ORDER BY id", &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        snap->accounts.id[i] = sqlite3_column_int64(s, 0);
        snap->accounts.name[i] = build_intern(&b->names, build_col_text(s, 1));
        snap->accounts.segment[i] = build_intern(&b->segments, build_col_text(s, 2));
        snap->accounts.industry[i] = build_intern(&b->industries, build_col_text(s, 3));
        snap->accounts.region[i] = build_map_get(&b->regions, s, 4);
        snap->accounts.owner[i] = build_map_get(&b->users, s, 5);
    }
    sqlite3_finalize(s);

    if (build_make_map(b, "products", &b->products, &n))
        return b->err->code;
    snap->products.n = n;
    if (!ALLOC(snap->products.id, n) || !ALLOC(snap->products.name, n) || !ALLOC(snap->products.category, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (build_prepare(b, "SELECT id, name, category FROM products ORDER BY id", &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        snap->products.id[i] = sqlite3_column_int64(s, 0);
        snap->products.name[i] = build_intern(&b->names, build_col_text(s, 1));
        snap->products.category[i] = build_intern(&b->categories, build_col_text(s, 2));
    }
    sqlite3_finalize(s);

    if (build_make_map(b, "pipelines", &b->pipelines, &snap->pipelines.n))
        return b->err->code;
    if (!ALLOC(snap->pipelines.id, snap->pipelines.n) || !ALLOC(snap->pipelines.name, snap->pipelines.n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (build_prepare(b, "SELECT id, name FROM pipelines ORDER BY id", &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        snap->pipelines.id[i] = sqlite3_column_int64(s, 0);
        snap->pipelines.name[i] = build_intern(&b->names, build_col_text(s, 1));
    }
    sqlite3_finalize(s);
    if (build_make_map(b, "stages", &b->stages, &n))
        return b->err->code;
    snap->stages.n = n;
    if (!ALLOC(snap->stages.id, n) || !ALLOC(snap->stages.pipeline, n) || !ALLOC(snap->stages.position, n) ||
        !ALLOC(snap->stages.probability_bp, n) || !ALLOC(snap->stages.kind, n) || !ALLOC(snap->stages.name, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    if (build_prepare(b, "SELECT pipeline_id, position, probability_bp, kind, name, id FROM stages ORDER BY id", &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        snap->stages.pipeline[i] = build_map_get(&b->pipelines, s, 0);
        snap->stages.position[i] = sqlite3_column_int(s, 1);
        snap->stages.probability_bp[i] = (int16_t)sqlite3_column_int(s, 2);
        const char *k = build_col_text(s, 3);
        snap->stages.kind[i] = !strcmp(k, "won") ? DEAL_WON : !strcmp(k, "lost") ? DEAL_LOST : DEAL_OPEN;
        snap->stages.name[i] = build_intern(&b->names, build_col_text(s, 4));
        snap->stages.id[i] = sqlite3_column_int64(s, 5);
    }
    sqlite3_finalize(s);
    size_t nleads;
    if (build_make_map(b, "leads", &b->leads, &nleads))
        return b->err->code;
    return build_make_map(b, "deals", &b->deals, &b->ndeals);
}

#define parse_status build_parse_status
#define day_of build_day_of

/* ---- deals and history --------------------------------------------------------------- */

/* Sorts the history rows, read in id order, by (deal, at) keeping id order among
 * equals: a counting sort by deal, then an insertion sort by instant within each
 * deal (its rows are nearly always already in time order). */
static emb_code sort_history(build_ctx *b, snap_history *h, size_t ndeals)
{
    size_t n = h->n;
    uint32_t *start = calloc(ndeals + 1, sizeof *start);
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    void *tmp = malloc((n ? n : 1) * sizeof(int64_t));
    emb_code rc = EMB_OK;
    if (!start || !order || !tmp || n > UINT32_MAX) {
        rc = emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        start[h->deal[i] + 1]++;
    for (size_t k = 0; k < ndeals; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++)
        order[start[h->deal[i]]++] = (uint32_t)i;
    /* start[k] is now the end of deal k's rows; order within a deal is id order. */
    for (size_t k = 0, lo = 0; k < ndeals; lo = start[k++]) {
        for (size_t r = lo + 1; r < start[k]; r++) {
            uint32_t v = order[r];
            size_t j = r;
            for (; j > lo && h->at[order[j - 1]] > h->at[v]; j--)
                order[j] = order[j - 1];
            order[j] = v;
        }
    }
    BUILD_PERMUTE(h->deal, order, n, tmp);
    BUILD_PERMUTE(h->at, order, n, tmp);
    BUILD_PERMUTE(h->stage, order, n, tmp);
    BUILD_PERMUTE(h->owner, order, n, tmp);
    BUILD_PERMUTE(h->status, order, n, tmp);
    BUILD_PERMUTE(h->amount, order, n, tmp);
    BUILD_PERMUTE(h->expected_close, order, n, tmp);
done:
    free(start);
    free(order);
    free(tmp);
    return rc;
}

static emb_code load_deals(build_ctx *b, snapshot *snap, const fx_table *fx)
{
    size_t n = b->ndeals;
    snap_deals *d = &snap->deals;
    d->n = n;
    if (!ALLOC(d->id, n) || !ALLOC(d->currency, n) || !ALLOC(d->created, n) || !ALLOC(d->closed, n) || !ALLOC(d->status, n) || !ALLOC(d->owner, n) ||
        !ALLOC(d->close_owner, n) || !ALLOC(d->account, n) || !ALLOC(d->pipeline, n) || !ALLOC(d->stage, n) ||
        !ALLOC(d->source, n) || !ALLOC(d->lead, n) || !ALLOC(d->product, n) || !ALLOC(d->lost_reason, n) ||
        !ALLOC(d->amount, n) || !ALLOC(d->amount_known, n) || !ALLOC(d->fx_missing, n) ||
        !ALLOC(d->expected_close, n) || !ALLOC(d->probability_bp, n) || !ALLOC(d->done_activities, n) ||
        !ALLOC(d->sched_until, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    sqlite3_stmt *s;
    if (build_prepare(b,
                "SELECT d.id, d.created, d.closed, d.status, d.owner_id, d.account_id, d.pipeline_id, d.stage_id, "
                "d.source, d.lead_id, d.lost_reason, d.amount, d.currency, d.expected_close, d.probability_bp "
                "FROM deals d ORDER BY d.id",
                &s))
        return b->err->code;
    for (size_t i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
        d->id[i] = sqlite3_column_int64(s, 0);
        d->currency[i] = build_intern(&b->currencies, build_col_text(s, 12));
        d->created[i] = sqlite3_column_int64(s, 1);
        d->closed[i] = sqlite3_column_type(s, 2) == SQLITE_NULL ? SNAP_OPEN_INSTANT : sqlite3_column_int64(s, 2);
        d->status[i] = parse_status(build_col_text(s, 3));
        d->owner[i] = d->close_owner[i] = build_map_get(&b->users, s, 4);
        d->account[i] = build_map_get(&b->accounts, s, 5);
        d->pipeline[i] = build_map_get(&b->pipelines, s, 6);
        d->stage[i] = build_map_get(&b->stages, s, 7);
        d->source[i] = build_intern(&b->sources, build_col_text(s, 8));
        d->lead[i] = build_map_get(&b->leads, s, 9);
        d->product[i] = SNAP_NONE;
        d->lost_reason[i] = build_intern(&b->lost_reasons, build_col_text(s, 10));
        int money = build_deal_money(fx, s, 11, 12, d->closed[i], &d->amount[i]);
        d->amount_known[i] = money != 1;
        d->fx_missing[i] = money < 0;
        d->expected_close[i] = day_of(build_col_text(s, 13));
        d->probability_bp[i] = sqlite3_column_type(s, 14) == SQLITE_NULL ? -1 : (int16_t)sqlite3_column_int(s, 14);
    }
    sqlite3_finalize(s);
    /* A deal's product is its first linked product (lowest link id). */
    if (build_prepare(b, "SELECT deal_id, product_id FROM deal_products ORDER BY id", &s))
        return b->err->code;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int32_t deal = build_map_get(&b->deals, s, 0);
        if (deal >= 0 && d->product[deal] == SNAP_NONE)
            d->product[deal] = build_map_get(&b->products, s, 1);
    }
    sqlite3_finalize(s);

    snap_history *h = &snap->history;
    int64_t count = build_scalar(b, "SELECT count(*) FROM deal_history");
    if (count < 0)
        return b->err->code;
    h->n = (size_t)count;
    if (!ALLOC(h->deal, h->n) || !ALLOC(h->at, h->n) || !ALLOC(h->stage, h->n) || !ALLOC(h->owner, h->n) ||
        !ALLOC(h->status, h->n) || !ALLOC(h->amount, h->n) || !ALLOC(h->expected_close, h->n) ||
        !ALLOC(h->first, n) || !ALLOC(h->end, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    /* Read in rowid order (sequential pages, no join), then sort by (deal, at, id)
     * in memory: rowid order is id order, so a stable sort by (deal, at) suffices. */
    if (build_prepare(b,
                "SELECT deal_id, at, stage_id, owner_id, status, amount, currency, expected_close "
                "FROM deal_history ORDER BY id",
                &s))
        return b->err->code;
    size_t i = 0;
    while (i < h->n && sqlite3_step(s) == SQLITE_ROW) {
        int32_t deal = build_map_get(&b->deals, s, 0);
        if (deal < 0)
            continue; /* no such deal: not part of any deal's history */
        h->deal[i] = deal;
        h->at[i] = sqlite3_column_int64(s, 1);
        h->stage[i] = build_map_get(&b->stages, s, 2);
        h->owner[i] = build_map_get(&b->users, s, 3);
        h->status[i] = parse_status(build_col_text(s, 4));
        build_deal_money(fx, s, 5, 6, d->closed[deal], &h->amount[i]);
        h->expected_close[i] = day_of(build_col_text(s, 7));
        i++;
    }
    sqlite3_finalize(s);
    h->n = i;
    if (sort_history(b, h, n))
        return b->err->code;
    /* Each deal's run; the owner at close is the owner of the last row at or before the close. */
    size_t r = 0;
    for (size_t deal = 0; deal < n; deal++) {
        h->first[deal] = (uint32_t)r;
        while (r < h->n && h->deal[r] == (int32_t)deal) {
            if (d->status[deal] != DEAL_OPEN && h->at[r] <= d->closed[deal])
                d->close_owner[deal] = h->owner[r];
            r++;
        }
        h->end[deal] = (uint32_t)r;
    }
    if (build_spans_and_moves(b, snap))
        return b->err->code;
    return build_time_orders(b, snap);
}

/* ---- orders ------------------------------------------------------------------------------ */

/* ---- leads and activities ------------------------------------------------------------------ */

static emb_code load_leads(build_ctx *b, snapshot *snap)
{
    snap_leads *l = &snap->leads;
    size_t n = 0;
    for (size_t i = 0; i <= (size_t)b->leads.max_id; i++)
        n += b->leads.idx[i] >= 0;
    l->n = n;
    if (!ALLOC(l->id, n) || !ALLOC(l->created, n) || !ALLOC(l->mql_at, n) || !ALLOC(l->sql_at, n) || !ALLOC(l->converted_at, n) ||
        !ALLOC(l->first_touch, n) || !ALLOC(l->source, n) || !ALLOC(l->owner, n) || !ALLOC(l->won, n) ||
        !ALLOC(l->converted, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    sqlite3_stmt *s;
    if (build_prepare(b,
                "SELECT created, mql_at, sql_at, converted_at, NULL, source, owner_id, 0, status = 'converted', id "
                "FROM leads ORDER BY id",
                &s))
        return b->err->code;
    for (size_t i = 0; i < n && sqlite3_step(s) == SQLITE_ROW; i++) {
        l->created[i] = sqlite3_column_int64(s, 0);
        l->mql_at[i] = build_instant_or_none(s, 1);
        l->sql_at[i] = build_instant_or_none(s, 2);
        l->converted_at[i] = build_instant_or_none(s, 3);
        l->first_touch[i] = build_instant_or_none(s, 4);
        l->source[i] = build_intern(&b->sources, build_col_text(s, 5));
        l->owner[i] = build_map_get(&b->users, s, 6);
        l->won[i] = (uint8_t)sqlite3_column_int(s, 7);
        l->converted[i] = (uint8_t)sqlite3_column_int(s, 8);
        l->id[i] = sqlite3_column_int64(s, 9);
    }
    sqlite3_finalize(s);
    /* From the deals: a lead named by a deal became an opportunity; by a won deal, a customer. */
    for (size_t i = 0; i < snap->deals.n; i++) {
        int32_t lead = snap->deals.lead[i];
        if (lead < 0)
            continue;
        l->converted[lead] = 1;
        if (snap->deals.status[i] == DEAL_WON)
            l->won[lead] = 1;
    }
    return EMB_OK;
}

static int cmp_goal(const void *x, const void *y, void *arg)
{
    const snap_goals *g = arg;
    uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
    if (g->from[i] != g->from[j])
        return g->from[i] < g->from[j] ? -1 : 1;
    if (g->to[i] != g->to[j])
        return g->to[i] < g->to[j] ? -1 : 1;
    return (i > j) - (i < j);
}

/* Orders the goals by period (from, to), then id: the goals of a period are then
 * found by a binary search (snapshot.h). */
static emb_code sort_goals(build_ctx *b, snap_goals *g)
{
    size_t n = g->n;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    int64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!order || !tmp || n > UINT32_MAX) {
        free(order);
        free(tmp);
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, cmp_goal, g);
    BUILD_PERMUTE(g->metric, order, n, tmp);
    BUILD_PERMUTE(g->scope, order, n, tmp);
    BUILD_PERMUTE(g->team, order, n, tmp);
    BUILD_PERMUTE(g->rep, order, n, tmp);
    BUILD_PERMUTE(g->from, order, n, tmp);
    BUILD_PERMUTE(g->to, order, n, tmp);
    BUILD_PERMUTE(g->target, order, n, tmp);
    free(order);
    free(tmp);
    return EMB_OK;
}

static emb_code load_goals(build_ctx *b, snapshot *snap)
{
    snap_goals *g = &snap->goals;
    int64_t count = build_scalar(b, "SELECT count(*) FROM goals");
    if (count < 0)
        return b->err->code;
    size_t n = (size_t)count;
    if (!ALLOC(g->metric, n) || !ALLOC(g->scope, n) || !ALLOC(g->team, n) || !ALLOC(g->rep, n) ||
        !ALLOC(g->from, n) || !ALLOC(g->to, n) || !ALLOC(g->target, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    sqlite3_stmt *s;
    if (build_prepare(b, "SELECT metric, scope, team_id, user_id, period_from, period_to, target FROM goals ORDER BY id", &s))
        return b->err->code;
    size_t i = 0;
    for (; i < n && sqlite3_step(s) == SQLITE_ROW; i++) {
        g->metric[i] = build_intern(&b->metrics, build_col_text(s, 0));
        const char *scope = build_col_text(s, 1);
        g->scope[i] = scope && !strcmp(scope, "rep") ? GOAL_REP : scope && !strcmp(scope, "team") ? GOAL_TEAM : GOAL_ORG;
        g->team[i] = build_map_get(&b->teams, s, 2);
        g->rep[i] = build_map_get(&b->users, s, 3);
        g->from[i] = day_of(build_col_text(s, 4));
        g->to[i] = day_of(build_col_text(s, 5));
        g->target[i] = sqlite3_column_int64(s, 6);
    }
    sqlite3_finalize(s);
    g->n = i;
    return sort_goals(b, g);
}

static emb_code load_expenses(build_ctx *b, snapshot *snap, const fx_table *fx)
{
    snap_expenses *e = &snap->expenses;
    int64_t count = build_scalar(b, "SELECT count(*) FROM expenses");
    if (count < 0)
        return b->err->code;
    size_t n = (size_t)count;
    if (!ALLOC(e->category, n) || !ALLOC(e->channel, n) || !ALLOC(e->from, n) || !ALLOC(e->to, n) ||
        !ALLOC(e->amount, n) || !ALLOC(e->fx_missing, n))
        return emb_err_set(b->err, EMB_NOMEM, _("out of memory"));
    sqlite3_stmt *s;
    if (build_prepare(b, "SELECT category, channel, period_from, period_to, amount, currency FROM expenses ORDER BY id", &s))
        return b->err->code;
    size_t i = 0;
    for (; i < n && sqlite3_step(s) == SQLITE_ROW; i++) {
        const char *cat = build_col_text(s, 0);
        e->category[i] = cat && !strcmp(cat, "marketing") ? EXP_MARKETING : cat && !strcmp(cat, "sales") ? EXP_SALES
                                                                                                      : EXP_OTHER;
        e->channel[i] = build_intern(&b->sources, build_col_text(s, 1));
        e->from[i] = day_of(build_col_text(s, 2));
        e->to[i] = day_of(build_col_text(s, 3));
        int64_t at = tz_local_to_utc(snap->zone, (int64_t)e->from[i] * 86400);
        if (fx_convert(fx, build_col_text(s, 5), sqlite3_column_int64(s, 4), at, &e->amount[i]) != 0) {
            e->fx_missing[i] = 1;
            e->amount[i] = 0;
        }
    }
    sqlite3_finalize(s);
    e->n = i;
    return EMB_OK;
}

static void free_build(build_ctx *b)
{
    interner *ins[] = {&b->names,        &b->sources,    &b->segments, &b->industries,
                       &b->categories,   &b->lost_reasons, &b->currencies, &b->metrics};
    for (size_t i = 0; i < sizeof ins / sizeof *ins; i++)
        free(ins[i]->slots);
    id_map *maps[] = {&b->users, &b->teams, &b->regions, &b->accounts, &b->products,
                      &b->stages, &b->pipelines, &b->deals, &b->leads};
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
        free(maps[i]->idx);
}

/* A second thread reading activities through its own read-only connection while
 * the calling thread loads the rest (then joins in). */
typedef struct {
    build_ctx b;
    act_loader *loader;
    emb_err err;
    emb_code rc;
} activity_job;

static void *activity_thread(void *arg)
{
    activity_job *job = arg;
    job->rc = build_activities_work(&job->b, job->loader);
    return NULL;
}

/* Opens a second connection to the main one's file, in a read transaction that
 * sees the same database state (the same generation: every write transaction
 * bumps it). NULL when there is none to be had (an in-memory database, a writer
 * committed in between, ...): the caller then loads everything itself. */
static store *open_twin(store *st, int64_t generation)
{
    const char *path = sqlite3_db_filename(store_sqlite(st), "main");
    if (!path || !*path)
        return NULL;
    store *twin;
    emb_err ignored;
    if (store_open(path, STORE_READONLY, &twin, &ignored))
        return NULL;
    if (sqlite3_exec(store_sqlite(twin), "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        store_generation(twin) != generation) {
        store_close(twin);
        return NULL;
    }
    return twin;
}

emb_code snapshot_build(store *st, snapshot **out, emb_err *err)
{
    return snapshot_build_with(st, SNAP_BUILD_PARALLEL, out, err);
}

emb_code snapshot_build_with(store *st, snap_build_mode mode, snapshot **out, emb_err *err)

{
    *out = NULL;
    snapshot *snap = calloc(1, sizeof *snap);
    if (!snap)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    build_ctx b = {.st = st, .err = err};
    b.names.dict = &snap->names;
    b.sources.dict = &snap->sources;
    b.segments.dict = &snap->segments;
    b.industries.dict = &snap->industries;
    b.categories.dict = &snap->categories;
    b.lost_reasons.dict = &snap->lost_reasons;
    b.currencies.dict = &snap->currencies;
    b.metrics.dict = &snap->metrics;
    const org_settings *org = store_org(st);
    snap->currency = strdup(org->currency);
    snap->timezone = strdup(org->timezone);
    snap->instance = strdup(org->instance);
    snap->fiscal_year_start = org->fiscal_year_start;
    snap->week_start = org->week_start;
    fx_table *fx = NULL;
    emb_code rc = EMB_OK;
    if (!snap->currency || !snap->timezone || !snap->instance) {
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    /* One read transaction: every table is seen at the same instant. */
    if (sqlite3_exec(store_sqlite(st), "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rc = store_sql_error(st, _("building the analytics snapshot"), err);
        goto done;
    }
    snap->generation = store_generation(st);
    if ((rc = tz_open(org->timezone, &snap->zone, err)) == EMB_OK &&
        (rc = fx_load(st, org->currency, org->timezone, &fx, err)) == EMB_OK &&
        (rc = load_dimensions(&b, snap)) == EMB_OK) {
        /* The activities (the largest table) are shared with a second thread when
         * possible; the calling thread joins in once it has loaded the rest. */
        act_loader *acts = NULL;
        rc = build_activities_begin(&b, &acts);
        activity_job job = {.loader = acts};
        store *twin = rc == EMB_OK && mode == SNAP_BUILD_PARALLEL ? open_twin(st, snap->generation) : NULL;
        pthread_t thread;
        int threaded = 0;
        if (twin) {
            job.b = (build_ctx){.st = twin, .err = &job.err, .users = b.users, .deals = b.deals,
                                .leads = b.leads, .accounts = b.accounts};
            threaded = pthread_create(&thread, NULL, activity_thread, &job) == 0;
        }
        if (rc == EMB_OK)
            rc = load_deals(&b, snap, fx);
        if (rc == EMB_OK)
            rc = build_load_lines(&b, snap, fx);
        if (rc == EMB_OK)
            rc = build_line_order(&b, snap);
        if (rc == EMB_OK)
            rc = build_line_rollups(&b, snap);
        if (rc == EMB_OK)
            rc = load_leads(&b, snap);
        if (rc == EMB_OK)
            rc = load_goals(&b, snap);
        if (rc == EMB_OK)
            rc = load_expenses(&b, snap, fx);
        if (rc == EMB_OK)
            rc = build_activities_work(&b, acts);
        if (threaded) {
            pthread_join(thread, NULL);
            if (job.rc && rc == EMB_OK) {
                *err = job.err;
                rc = job.rc;
            }
        }
        if (twin)
            store_close(twin);
        if (rc == EMB_OK)
            rc = build_activities_finish(&b, acts, snap);
        build_activities_free(acts);
        if (rc == EMB_OK)
            build_derive_from_activities(snap);
        if (rc == EMB_OK)
            rc = build_activity_rollups(&b, snap);
        if (rc == EMB_OK && (snapshot_check_sums(snap) || snap_blocks_adopt(snap)))
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    sqlite3_exec(store_sqlite(st), "COMMIT", NULL, NULL, NULL);
done:
    fx_free(fx);
    free_build(&b);
    if (rc) {
        snapshot_free(snap);
        return rc;
    }
    *out = snap;
    return EMB_OK;
}

emb_code snapshot_open(store *st, const char *db_path, snapshot **out, int *rebuilt, emb_err *err)
{
    *out = NULL;
    *rebuilt = 0;
    size_t n = strlen(db_path);
    char *path = malloc(n + 16);
    if (!path)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    snprintf(path, n + 16, "%s.snapshot", db_path);
    snapshot *s = NULL;
    if (snapshot_map_current(st, path, &s) == EMB_OK) {
        free(path);
        *out = s;
        return EMB_OK;
    }
    emb_code rc = snapshot_build(st, &s, err);
    if (rc == EMB_OK) {
        *rebuilt = 1;
        /* Best effort; never over something that is not a regular file (a FIFO,
         * a device, a directory someone put there). */
        struct stat sb;
        emb_err ignored;
        if (lstat(path, &sb) != 0 || S_ISREG(sb.st_mode))
            snapshot_write(s, path, &ignored);
        *out = s;
    }
    free(path);
    return rc;
}
