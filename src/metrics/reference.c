/*
 * reference.c - building and running the reference SQL; see reference.h.
 * Dimension values come back from SQL as store ids (entities), text (dictionary
 * dimensions) or bucket codes (time) and are mapped to the snapshot's codes.
 */
#include "metrics/reference.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/families.h"
#include "metrics/family.h"
#include "metrics/registry.h"

static const char ref_view[] =
    "CREATE TEMP VIEW IF NOT EXISTS ref_deals AS "
    "SELECT d.id, d.created, d.closed, d.status, "
    "  CASE WHEN d.amount IS NULL THEN 0 "
    "       WHEN d.currency = (SELECT currency FROM organisation WHERE id = 1) THEN d.amount "
    "       ELSE (SELECT CASE WHEN d.amount >= 0 THEN (d.amount * r.rate_e9 + 500000000) / 1000000000 "
    "                         ELSE -((-d.amount * r.rate_e9 + 500000000) / 1000000000) END "
    "             FROM exchange_rates r WHERE r.currency = d.currency "
    "             AND r.date <= emb_local_date(coalesce(d.closed, 253402300799)) "
    "             ORDER BY r.date DESC LIMIT 1) END AS amount_rc, "
    "  o.rep, u.team_id AS team, d.account_id AS account, a.segment, a.industry, "
    "  coalesce(u.region_id, a.region_id) AS region, d.source, d.stage_id AS stage, "
    "  d.pipeline_id AS pipeline, "
    "  (SELECT p.product_id FROM deal_products p WHERE p.deal_id = d.id ORDER BY p.id LIMIT 1) AS product, "
    "  (SELECT pr.category FROM deal_products p JOIN products pr ON pr.id = p.product_id "
    "   WHERE p.deal_id = d.id ORDER BY p.id LIMIT 1) AS category, "
    "  d.lost_reason "
    "FROM deals d "
    "JOIN (SELECT d2.id AS deal_id, "
    "        CASE WHEN d2.status <> 'open' AND EXISTS "
    "               (SELECT 1 FROM deal_history h WHERE h.deal_id = d2.id AND h.at <= d2.closed) "
    "             THEN (SELECT h.owner_id FROM deal_history h WHERE h.deal_id = d2.id AND h.at <= d2.closed "
    "                   ORDER BY h.at DESC, h.id DESC LIMIT 1) "
    "             ELSE d2.owner_id END AS rep FROM deals d2) o ON o.deal_id = d.id "
    "LEFT JOIN users u ON u.id = o.rep "
    "LEFT JOIN accounts a ON a.id = d.account_id";

#define TO_REPORTING(x, currency, instant)                                                              \
    "CASE WHEN " x " IS NULL THEN NULL "                                                                     \
    "     WHEN " currency " = (SELECT currency FROM organisation WHERE id = 1) THEN " x " "                  \
    "     ELSE (SELECT CASE WHEN " x " >= 0 THEN (" x " * r.rate_e9 + 500000000) / 1000000000 "              \
    "                       ELSE -((-" x " * r.rate_e9 + 500000000) / 1000000000) END "                      \
    "           FROM exchange_rates r WHERE r.currency = " currency " "                                      \
    "           AND r.date <= emb_local_date(" instant ") ORDER BY r.date DESC LIMIT 1) END"

static const char ref_lines_view[] =
    "CREATE TEMP VIEW IF NOT EXISTS ref_lines AS "
    "SELECT l.id, o.id AS order_id, o.ordered, "
    "  " TO_REPORTING("l.net_amount", "o.currency", "o.ordered") " AS net_rc, "
    "  " TO_REPORTING("l.cost_amount", "o.currency", "o.ordered") " AS cost_rc, "
    "  " TO_REPORTING("(l.quantity * l.unit_price)", "o.currency", "o.ordered") " AS gross_rc, l.quantity, "
    "  o.owner_id AS rep, u.team_id AS team, o.account_id AS account, a.segment, a.industry, "
    "  coalesce(o.region_id, a.region_id, u.region_id) AS region, l.product_id AS product, p.category "
    "FROM order_lines l JOIN orders o ON o.id = l.order_id "
    "LEFT JOIN users u ON u.id = o.owner_id "
    "LEFT JOIN accounts a ON a.id = o.account_id "
    "LEFT JOIN products p ON p.id = l.product_id";

static const char ref_leads_view[] =
    "CREATE TEMP VIEW IF NOT EXISTS ref_leads AS "
    "SELECT l.id, l.created, l.mql_at, l.sql_at, l.source, l.owner_id AS rep, u.team_id AS team, "
    "  u.region_id AS region, "
    "  (l.status = 'converted' OR EXISTS (SELECT 1 FROM deals d WHERE d.lead_id = l.id)) AS converted, "
    "  EXISTS (SELECT 1 FROM deals d WHERE d.lead_id = l.id AND d.status = 'won') AS won, "
    "  (SELECT min(a.done) FROM activities a WHERE a.lead_id = l.id AND a.done IS NOT NULL "
    "   AND a.type IN ('call', 'email', 'meeting')) AS first_touch "
    "FROM leads l LEFT JOIN users u ON u.id = l.owner_id";

static const char ref_acts_view[] =
    "CREATE TEMP VIEW IF NOT EXISTS ref_acts AS "
    "SELECT a.id, a.type AS activity_type, a.outcome, a.cold, a.due, a.done, a.duration_s, a.deal_id, "
    "  a.lead_id, a.account_id, a.owner_id AS rep, u.team_id AS team, u.region_id AS region "
    "FROM activities a LEFT JOIN users u ON u.id = a.owner_id";

/* Replaces every $NAME of text by its value (names and values given in pairs). */
static const char *substitute(const char *text, const char *const *pairs, int npairs, arena *a)
{
    char *out = arena_strdup(a, "");
    const char *p = text;
    while (*p) {
        int matched = 0;
        if (*p == '$')
            for (int k = 0; k < npairs && !matched; k++) {
                size_t len = strlen(pairs[2 * k]);
                if (!strncmp(p + 1, pairs[2 * k], len)) {
                    out = arena_printf(a, "%s%s", out, pairs[2 * k + 1]);
                    p += 1 + len;
                    matched = 1;
                }
            }
        if (!matched) {
            out = arena_printf(a, "%s%c", out, *p);
            p++;
        }
    }
    return out;
}

/* The column (or expression) of ref_deals for a dimension; time buckets need the event. */
static const char *dim_sql(kpi_dim d, const char *event, arena *a)
{
    switch (d) {
    case DIM_REP:
        return "rep";
    case DIM_TEAM:
        return "team";
    case DIM_ACCOUNT:
        return "account";
    case DIM_SEGMENT:
        return "segment";
    case DIM_INDUSTRY:
        return "industry";
    case DIM_REGION:
        return "region";
    case DIM_SOURCE:
        return "source";
    case DIM_STAGE:
        return "stage";
    case DIM_PIPELINE:
        return "pipeline";
    case DIM_PRODUCT:
        return "product";
    case DIM_CATEGORY:
        return "category";
    case DIM_LOST_REASON:
        return "lost_reason";
    case DIM_ACTIVITY_TYPE:
        return "activity_type";
    case DIM_OUTCOME:
        return "outcome";
    default:
        return arena_printf(a, "emb_bucket('%s', %s)", kpi_dim_name(d), event);
    }
}

static int dim_is_text(kpi_dim d)
{
    return d == DIM_SEGMENT || d == DIM_INDUSTRY || d == DIM_SOURCE || d == DIM_CATEGORY || d == DIM_LOST_REASON;
}

/* Store ids of an entity dimension, ascending (NULL for other dimensions). */
static const int64_t *dim_ids(const snapshot *s, kpi_dim d, size_t *n)
{
    switch (d) {
    case DIM_REP:
        *n = s->users.n;
        return s->users.id;
    case DIM_TEAM:
        *n = s->teams.n;
        return s->teams.id;
    case DIM_ACCOUNT:
        *n = s->accounts.n;
        return s->accounts.id;
    case DIM_REGION:
        *n = s->regions.n;
        return s->regions.id;
    case DIM_PRODUCT:
        *n = s->products.n;
        return s->products.id;
    case DIM_STAGE:
        *n = s->stages.n;
        return s->stages.id;
    case DIM_PIPELINE:
        *n = s->pipelines.n;
        return s->pipelines.id;
    default:
        *n = 0;
        return NULL;
    }
}

/* Names of the codes of the activity dimensions, else NULL. */
static const char *const *enum_names(kpi_dim d)
{
    return d == DIM_ACTIVITY_TYPE ? snap_activity_types : d == DIM_OUTCOME ? snap_activity_outcomes : NULL;
}

/* SQL literal of a dimension code (the inverse of code_of_column). */
static const char *code_literal(const snapshot *s, kpi_dim d, int32_t code, arena *a)
{
    if (code == SNAP_NONE && d < DIM_DAY)
        return NULL;
    if (enum_names(d))
        return arena_printf(a, "'%s'", enum_names(d)[code]);
    if (dim_is_text(d)) {
        char *q = sqlite3_mprintf("%Q", snap_text(eng_dim_dict(s, d), code));
        const char *r = arena_strdup(a, q ? q : "NULL");
        sqlite3_free(q);
        return r;
    }
    size_t n;
    const int64_t *ids = dim_ids(s, d, &n);
    if (ids)
        return arena_printf(a, "%lld", (long long)ids[code]);
    return arena_printf(a, "%d", code);
}

const char *kpi_reference_sql(const kpi_metric *m, const kpi_query *q, const snapshot *s, arena *a)
{
    const char *event = m->sql_event;
    char *inner_dims = arena_strdup(a, ""); /* "expr AS d0, expr AS d1, " over ref_deals */
    char *outer_dims = arena_strdup(a, ""); /* "d0, d1, " */
    char *group = arena_strdup(a, "");      /* "d0, d1" */
    for (int b = 0; b < q->nby; b++) {
        inner_dims = arena_printf(a, "%s%s AS d%d, ", inner_dims, dim_sql(q->by[b], event, a), b);
        outer_dims = arena_printf(a, "%sd%d, ", outer_dims, b);
        group = arena_printf(a, "%s%sd%d", group, b ? ", " : "", b);
    }
    char *where = event ? arena_printf(a, "%s IS NOT NULL AND %s >= ?1 AND %s < ?2 AND (%s)", event, event, event,
                                       m->sql_rows)
                        : arena_printf(a, "(%s)", m->sql_rows);
    for (int f = 0; f < q->nfilters; f++) {
        const kpi_filter *flt = &q->filters[f];
        char *list = arena_strdup(a, "");
        int has_null = 0;
        for (int k = 0; k < flt->nvalues; k++) {
            const char *lit = code_literal(s, flt->dim, flt->values[k], a);
            if (!lit)
                has_null = 1;
            else
                list = arena_printf(a, "%s%s%s", list, *list ? ", " : "", lit);
        }
        const char *col = dim_sql(flt->dim, event, a);
        where = arena_printf(a, "%s AND (%s IN (%s)%s)", where, col, list,
                             has_null ? arena_printf(a, " OR %s IS NULL", col) : "");
    }
    const char *group_by = q->nby ? " GROUP BY " : "";
    if (m->sql_custom) {
        const char *pairs[] = {
            "DIMS_IN", inner_dims, "DIMS_OUT", outer_dims,
            "PARTITION", q->nby ? arena_printf(a, ", %s", group) : "",
            "GROUP_BY", q->nby ? arena_printf(a, "GROUP BY %s", group) : "",
            "FROM", m->sql_from, "WHERE", where,
        };
        return substitute(m->sql_custom, pairs, 6, a);
    }
    if (m->by_stage && m->unit == UNIT_RATE) {
        /* conversion(s) = reached(next stage of s) / reached(s), per group. */
        int sb = -1;
        char *same = arena_strdup(a, "");
        for (int b = 0; b < q->nby; b++) {
            if (q->by[b] == DIM_STAGE)
                sb = b;
            else
                same = arena_printf(a, "%s AND g2.d%d IS g.d%d", same, b, b);
        }
        char *outer_g = arena_strdup(a, "");
        for (int b = 0; b < q->nby; b++)
            outer_g = arena_printf(a, "%sg.d%d, ", outer_g, b);
        return arena_printf(
            a,
            "WITH g AS (SELECT %s%s AS n FROM %s WHERE %s%s%s) "
            "SELECT %sCASE WHEN nx.id IS NULL THEN NULL ELSE CAST(coalesce((SELECT g2.n FROM g g2 WHERE "
            "g2.d%d = nx.id%s), 0) AS REAL) / g.n END "
            "FROM g JOIN stages cur ON cur.id = g.d%d LEFT JOIN stages nx ON nx.id = (SELECT s4.id FROM stages s4 "
            "WHERE s4.pipeline_id = cur.pipeline_id AND s4.kind <> 'lost' AND (s4.position > cur.position OR "
            "(s4.position = cur.position AND s4.id > cur.id)) ORDER BY s4.position, s4.id LIMIT 1)",
            inner_dims, m->sql_agg, m->sql_from, where, group_by, group, outer_g, sb, same, sb);
    }
    if (m->sql_agg)
        return arena_printf(a, "SELECT %s%s AS v FROM %s WHERE %s%s%s", inner_dims, m->sql_agg, m->sql_from, where,
                            group_by, group);
    /* Mean and median of sql_value over the rows sql_value_rows, per group; every
     * row of the family makes its group exist, as in the engine. */
    const char *sep = q->nby ? ", " : "";
    return arena_printf(a,
                        "WITH base AS (SELECT %s%s AS x, (%s) AS counted FROM %s WHERE %s), "
                        "c AS (SELECT *, row_number() OVER (PARTITION BY counted%s%s ORDER BY x) AS rn, "
                        "count(*) OVER (PARTITION BY counted%s%s) AS n FROM base) "
                        "SELECT %savg(x) FILTER (WHERE counted) / 86400.0 AS mean, "
                        "avg(x) FILTER (WHERE counted AND rn IN ((n + 1) / 2, (n + 2) / 2)) / 86400.0 AS median "
                        "FROM c%s%s",
                        inner_dims, m->sql_value, m->sql_value_rows, m->sql_from, where, sep, group, sep, group, outer_dims,
                        group_by, group);
}

static void sql_local_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const snapshot *s = sqlite3_user_data(ctx);
    int64_t t = sqlite3_value_int64(argv[0]);
    char day[11];
    if (t < -62135596800 || t > 253402300799) { /* outside years 1..9999: the ends of time */
        sqlite3_result_text(ctx, t < 0 ? "0001-01-01" : "9999-12-31", 10, SQLITE_STATIC);
        return;
    }
    date_format_iso(eng_time_bucket(s, DIM_DAY, t), day);
    sqlite3_result_text(ctx, day, 10, SQLITE_TRANSIENT);
}

static void sql_bucket(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const snapshot *s = sqlite3_user_data(ctx);
    int d = kpi_dim_find((const char *)sqlite3_value_text(argv[0]));
    if (d < DIM_DAY || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int64(ctx, eng_time_bucket(s, (kpi_dim)d, sqlite3_value_int64(argv[1])));
}

/* The snapshot code of column col of a result row for dimension d. */
static int32_t code_of_column(const snapshot *s, kpi_dim d, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return SNAP_NONE;
    if (enum_names(d)) {
        const char *t = (const char *)sqlite3_column_text(st, col);
        for (int32_t i = 0; enum_names(d)[i]; i++)
            if (!strcmp(enum_names(d)[i], t))
                return i;
        return -2;
    }
    if (dim_is_text(d)) {
        const snap_dict *dict = eng_dim_dict(s, d);
        const char *t = (const char *)sqlite3_column_text(st, col);
        for (size_t i = 0; i < dict->n; i++)
            if (!strcmp(snap_text(dict, (int32_t)i), t))
                return (int32_t)i;
        return -2; /* a value the snapshot does not know: a mismatch by itself */
    }
    int64_t v = sqlite3_column_int64(st, col);
    size_t n;
    const int64_t *ids = dim_ids(s, d, &n);
    if (ids) {
        size_t lo = search_lower_i64(ids, 0, n, v);
        return lo < n && ids[lo] == v ? (int32_t)lo : -2;
    }
    return (int32_t)v;
}

emb_code kpi_reference_run(store *st, const snapshot *s, const kpi_query *q, arena *a, kpi_result *out,
                           emb_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3 *db = store_sqlite(st);
    sqlite3_create_function(db, "emb_local_date", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)s, sql_local_date,
                            NULL, NULL);
    sqlite3_create_function(db, "emb_bucket", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)s, sql_bucket, NULL,
                            NULL);
    if (sqlite3_exec(db, ref_view, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, ref_lines_view, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, ref_leads_view, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, ref_acts_view, NULL, NULL, NULL) != SQLITE_OK)
        return store_sql_error(st, _("reference view"), err);
    size_t cap = 64;
    out->rows = arena_calloc(a, cap, sizeof *out->rows);
    if (q->nby == 0) {
        out->nrows = 1;
        memset(out->rows[0].key, 0xff, sizeof out->rows[0].key);
        out->rows[0].values = arena_calloc(a, (size_t)q->nmetrics, sizeof(kpi_value));
        for (int m = 0; m < q->nmetrics; m++)
            out->rows[0].values[m] = eng_metric_empty(q->metrics[m]);
    }
    for (int m = 0; m < q->nmetrics; m++) {
        const kpi_metric *metric = q->metrics[m];
        if (!metric->sql_from)
            return emb_err_set(err, EMB_INTERNAL, _("metric '%s' has no reference SQL"), metric->name);
        const char *sql = kpi_reference_sql(metric, q, s, a);
        sqlite3_stmt *stmt;
        if (!sql || sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
            return store_sql_error(st, _("reference SQL"), err);
        sqlite3_bind_int64(stmt, 1, q->t0);
        sqlite3_bind_int64(stmt, 2, q->t1);
        if (sqlite3_bind_parameter_count(stmt) >= 3)
            sqlite3_bind_int64(stmt, 3, q->as_of);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            int32_t key[KPI_MAX_BY];
            memset(key, 0xff, sizeof key);
            for (int b = 0; b < q->nby; b++)
                key[b] = code_of_column(s, q->by[b], stmt, b);
            int r = 0;
            while (r < out->nrows && memcmp(out->rows[r].key, key, sizeof key))
                r++;
            if (r == out->nrows) {
                if ((size_t)out->nrows == cap) {
                    kpi_row *rows = arena_calloc(a, cap * 2, sizeof *rows);
                    if (!rows)
                        break;
                    memcpy(rows, out->rows, cap * sizeof *rows);
                    out->rows = rows;
                    cap *= 2;
                }
                memcpy(out->rows[r].key, key, sizeof key);
                out->rows[r].values = arena_calloc(a, (size_t)q->nmetrics, sizeof(kpi_value));
                for (int k = 0; k < q->nmetrics; k++)
                    out->rows[r].values[k] = eng_metric_empty(q->metrics[k]);
                out->nrows++;
            }
            kpi_value *v = &out->rows[r].values[m];
            int c = q->nby;
            if (metric->parts) {
                *v = (kpi_value){.kind = KV_PARTS};
                for (int p = 0; metric->parts[p]; p++) {
                    if (sqlite3_column_type(stmt, c + p) == SQLITE_NULL)
                        v->part_null |= 1u << p;
                    else if (kpi_unit_is_real(metric->part_units[p]))
                        v->xpart[p] = sqlite3_column_double(stmt, c + p);
                    else
                        v->part[p] = sqlite3_column_int64(stmt, c + p);
                }
                int nparts = 0;
                while (metric->parts[nparts])
                    nparts++;
                if (v->part_null == (1u << nparts) - 1) /* nothing at all: no data */
                    *v = (kpi_value){.kind = KV_NULL};
            } else if (metric->sql_value) {
                if (sqlite3_column_type(stmt, c) == SQLITE_NULL)
                    *v = (kpi_value){.kind = KV_NULL};
                else
                    *v = (kpi_value){.kind = KV_PAIR, .mean = sqlite3_column_double(stmt, c),
                                     .median = sqlite3_column_double(stmt, c + 1)};
            } else if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                *v = (kpi_value){.kind = KV_NULL};
            } else if (kpi_unit_is_real(metric->unit)) {
                *v = (kpi_value){.kind = KV_REAL, .x = sqlite3_column_double(stmt, c)};
            } else {
                *v = (kpi_value){.kind = metric->unit == UNIT_MONEY ? KV_MONEY : KV_INT,
                                 .i = sqlite3_column_int64(stmt, c)};
            }
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE)
            return store_sql_error(st, _("reference SQL"), err);
    }
    return EMB_OK;
}
