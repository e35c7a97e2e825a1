/*
 * demo.c - the demo generator's driver: parameters, the passes in order inside
 * one transaction, and building a new database file in place of the old one.
 * See demo.h for what is generated and demo_int.h for the passes.
 */
#include "demo/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/i18n.h"
#include "demo/demo_int.h"
#include "store/bulk_insert.h"

void demo_params_default(demo_params *p)
{
    memset(p, 0, sizeof *p);
    p->deals = DEMO_DEFAULT_DEALS;
    p->seed = 1;
    p->years = 3;
    p->activities_per_deal = -1;
}

emb_code demo_params_resolve(demo_params *p, emb_err *err)
{
    if (p->deals < 1 || p->deals > DEMO_MAX_DEALS)
        return emb_err_set(err, EMB_USAGE, _("--deals '%lld' must be between 1 and %d"), (long long)p->deals,
                           DEMO_MAX_DEALS);
    if (p->locale && strcmp(p->locale, "en") && strcmp(p->locale, "es"))
        return emb_err_set(err, EMB_USAGE, _("--locale '%s' must be en or es"), p->locale);
    if (p->years < 1 || p->years > 10)
        return emb_err_set(err, EMB_USAGE, _("--years '%d' must be between 1 and 10"), p->years);
    if (p->activities_per_deal < 0)
        p->activities_per_deal = DEMO_DEFAULT_ACTIVITIES;
    if (p->activities_per_deal > 50)
        return emb_err_set(err, EMB_USAGE, _("--activities-per-deal '%d' must be between 0 and 50"),
                           p->activities_per_deal);
    if (p->reorders < 0 || p->reorders > 20)
        return emb_err_set(err, EMB_USAGE, _("--reorders '%d' must be between 0 and 20"), p->reorders);
    if (p->reps < 0 || p->reps > DEMO_MAX_REPS)
        return emb_err_set(err, EMB_USAGE, _("--reps '%d' must be between 1 and %d"), p->reps, DEMO_MAX_REPS);
    if (p->reps == 0) {
        int64_t n = p->deals;
        int64_t r = n < 2000 ? n / 100 : 20 + 180 * (n - 2000) / 998000;
        p->reps = (int)(r < 2 ? 2 : r > 1000 ? 1000 : r);
    }
    if (p->teams < 0 || p->teams > p->reps)
        return emb_err_set(err, EMB_USAGE, _("--teams '%d' must be between 1 and the number of reps (%d)"), p->teams,
                           p->reps);
    if (p->teams == 0) {
        int t = p->reps <= 20 ? p->reps / 5 : p->reps / 10;
        p->teams = t < 1 ? 1 : p->reps > 20 && t < 4 ? 4 : t;
    }
    if (p->now <= 0)
        return emb_err_set(err, EMB_USAGE, _("the demo needs the current time"));
    return EMB_OK;
}

static emb_code open_bulks(demo_gen *g, emb_err *err)
{
    static const char *const deals[] = {"id",       "title",          "account_id",     "contact_id",
                                        "owner_id", "pipeline_id",    "stage_id",       "status",
                                        "amount",   "currency",       "expected_close", "probability_bp",
                                        "forecast_category", "lost_reason", "source",  "lead_id",
                                        "created",  "closed"};
    static const char *const history[] = {"deal_id", "at",     "author_id", "changed",  "stage_id",
                                          "status",  "amount", "currency",  "owner_id", "expected_close"};
    static const char *const products[] = {"deal_id", "product_id", "quantity", "unit_price", "discount_bp"};
    static const char *const orders[] = {"id", "account_id", "owner_id", "deal_id", "region_id", "ordered",
                                         "shipped", "currency"};
    static const char *const lines[] = {"order_id",    "product_id", "quantity",   "unit_price",
                                        "discount_bp", "unit_cost",  "net_amount", "cost_amount"};
    int nact;
    const char *const *acts = demo_activity_columns(&nact);
    emb_code rc = bulk_open(g->st, "deals", deals, 18, 0, &g->b_deals, err);
    if (!rc)
        rc = bulk_open(g->st, "deal_history", history, 10, 0, &g->b_history, err);
    if (!rc)
        rc = bulk_open(g->st, "deal_products", products, 5, 0, &g->b_deal_products, err);
    if (!rc)
        rc = bulk_open(g->st, "activities", acts, nact, 0, &g->b_activities, err);
    if (!rc)
        rc = bulk_open(g->st, "orders", orders, 8, 0, &g->b_orders, err);
    if (!rc)
        rc = bulk_open(g->st, "order_lines", lines, 8, 0, &g->b_order_lines, err);
    return rc;
}

static emb_code flush_bulks(demo_gen *g, emb_err *err)
{
    bulk *all[] = {g->b_deals, g->b_history, g->b_deal_products, g->b_activities, g->b_orders, g->b_order_lines};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (bulk_flush(all[i], err))
            return err->code;
    return EMB_OK;
}

static void free_bulks(demo_gen *g)
{
    bulk_free(g->b_deals);
    bulk_free(g->b_history);
    bulk_free(g->b_deal_products);
    bulk_free(g->b_activities);
    bulk_free(g->b_orders);
    bulk_free(g->b_order_lines);
}

emb_code demo_generate(store *st, const demo_params *p, demo_stats *stats, emb_err *err)
{
    demo_gen g;
    memset(&g, 0, sizeof g);
    memset(stats, 0, sizeof *stats);
    g.p = p;
    g.st = st;
    g.seed = p->seed;
    g.now = p->now;
    g.stats = stats;
    g.next_order_id = 1;
    emb_code rc = demo_setup(&g, err);
    if (!rc)
        rc = store_begin(st, err);
    if (rc) {
        demo_setup_free(&g);
        return rc;
    }
    if (!rc)
        rc = demo_write_people(&g, err);
    if (!rc)
        rc = demo_skeleton(&g, err);
    if (!rc)
        rc = open_bulks(&g, err);
    if (!rc)
        rc = demo_write_leads(&g, err);
    if (!rc)
        rc = demo_write_deals(&g, err);
    if (!rc)
        rc = flush_bulks(&g, err);
    if (!rc)
        rc = demo_write_accounts(&g, err);
    if (!rc)
        rc = demo_write_plan(&g, err);
    free_bulks(&g);
    if (!rc)
        rc = store_commit(st, err);
    else
        store_rollback(st);
    demo_setup_free(&g);
    return rc;
}

/* ---- the file -------------------------------------------------------------------- */

/* Rows of user data in an existing database, with a few counts for the message; the
 * organisation's owner (its first admin), which `init` creates, does not count. */
static emb_code existing_data(const char *path, int64_t *total, char *what, size_t size, emb_err *err)
{
    store *st;
    emb_code rc = store_open(path, STORE_READONLY, &st, err);
    if (rc)
        return rc;
    static const char *const tables[] = {"deals",      "leads",  "accounts", "contacts", "users",    "teams",
                                         "activities", "orders", "products", "goals",    "expenses", "regions"};
    *total = 0;
    size_t n = 0;
    what[0] = '\0';
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        if (!strcmp(tables[i], "users")) /* the owner that `init` made is not data */
            snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE id IS NOT "
                                      "(SELECT min(id) FROM users WHERE role = 'admin')");
        else
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        sqlite3_stmt *s;
        if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK) {
            rc = store_sql_error(st, path, err);
            break;
        }
        int64_t c = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
        sqlite3_finalize(s);
        *total += c;
        if (c && n < 3 && size > 0) {
            size_t used = strlen(what);
            snprintf(what + used, size - used, "%s%lld %s", n ? ", " : "", (long long)c, tables[i]);
            n++;
        }
    }
    store_close(st);
    return rc;
}

static void remove_db_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[4096];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

emb_code demo_create(const char *path, const demo_params *p, int force, demo_stats *stats, emb_err *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return emb_err_set(err, EMB_IO, _("database '%s' is a directory"), path);
        if (!force) {
            int64_t total = 0;
            char what[256];
            emb_code rc = existing_data(path, &total, what, sizeof what, err);
            if (rc) {
                char msg[EMB_ERR_MSG_MAX];
                snprintf(msg, sizeof msg, "%s", err->msg);
                return emb_err_set(err, rc, _("%s; pass --force to replace it with the demo"), msg);
            }
            if (total > 0)
                return emb_err_set(err, EMB_CONFLICT,
                                   _("'%s' already holds data (%s); pass --force to replace it with the demo, "
                                     "or name another file with --db"),
                                   path, what);
        }
    }
    size_t len = strlen(path) + 64;
    char *tmp = malloc(len);
    if (!tmp)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    snprintf(tmp, len, "%s.demo-%ld.tmp", path, (long)getpid());
    store_remove_stale(path, ".demo-", ".tmp"); /* left by demos that were killed */
    remove_db_files(tmp);
    store *st = NULL;
    emb_code rc = store_open(tmp, STORE_CREATE, &st, err);
    if (!rc)
        rc = bulk_load_begin(st, err);
    if (!rc)
        rc = demo_generate(st, p, stats, err);
    if (!rc)
        rc = bulk_load_end(st, err);
    store_close(st);
    if (rc && rc != EMB_USAGE)
        emb_err_prefix(err, _("building the demo beside '%s'"), path);
    if (!rc) {
        char side[4096];
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
        if (rename(tmp, path) != 0)
            rc = emb_err_set(err, EMB_IO, _("cannot write '%s' (renaming the new database into place failed)"), path);
    }
    if (rc)
        remove_db_files(tmp);
    free(tmp);
    return rc;
}
