/* kpi_records_print.c - `embudo kpi M --records`: the records behind a number, one row
 * each (see kpi_print.h). Tables speak the language of messages: headings (the
 * "field" words of record lists), activity types and outcomes (the "value" words)
 * and counted_as (the "counted_as" words of kpi_records.c) translated, money, dates
 * and quantities as locfmt writes them; JSON and CSV keep names, codes and data forms. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cli/kpi_print.h"
#include "cli/output.h"
#include "core/kind.h"
#include "core/locfmt.h"
#include "core/value.h"
#include "metrics/kpi_records.h"
#include "store/records.h"

/* How cells are written: lf set for tables (for people), NULL for JSON and CSV. */
typedef struct {
    store *st;
    const snapshot *s;
    locfmt *lf;
    arena *a;
} cell_fmt;

/* A day number (local) as YYYY-MM-DD, or for people ("5 mar 2026"). */
static const char *day_text(const cell_fmt *f, int64_t day)
{
    char t[11];
    date_format_iso(day, t);
    return f->lf ? locfmt_date(f->lf, t, f->a) : arena_strdup(f->a, t);
}

/* The local day of an instant, NULL for none. */
static const char *instant_day(const cell_fmt *f, int64_t t)
{
    return t == SNAP_OPEN_INSTANT ? NULL : day_text(f, tz_local_day(f->s->zone, t));
}

/* Minor units of the reporting currency: "1234.50", or for people ("1.234,50 €"). */
static const char *money_text(const cell_fmt *f, int64_t minor)
{
    return f->lf ? locfmt_money(f->lf, minor, f->s->currency, f->a) : value_format_money(minor, f->s->currency, f->a);
}

/* An enumerated value (activity type, outcome) as it is, or for people. */
static const char *value_text(const cell_fmt *f, const char *value)
{
    return f->lf && value ? i18n_pgettext("value", value) : value;
}

/* Records in the order of their dimensions' labels (as the rows of a result),
 * then in snapshot order. */
typedef struct {
    const snapshot *snap;
    const kpi_query *q;
    arena *a;
} record_sort;

static int cmp_records(const void *x, const void *y, void *arg)
{
    const record_sort *c = arg;
    const kpi_record *r1 = x, *r2 = y;
    for (int b = 0; b < c->q->nby; b++) {
        int32_t k1 = r1->key[b], k2 = r2->key[b];
        if (k1 == k2)
            continue;
        if (k1 == SNAP_NONE || k2 == SNAP_NONE)
            return k1 == SNAP_NONE ? 1 : -1;
        if (c->q->by[b] == DIM_STAGE) { /* stages in pipeline order, as in results */
            const snap_stages *st = &c->snap->stages;
            int64_t o1[] = {st->pipeline[k1], st->position[k1], st->id[k1]}, o2[] = {st->pipeline[k2], st->position[k2], st->id[k2]};
            for (int p = 0; p < 3; p++)
                if (o1[p] != o2[p])
                    return o1[p] < o2[p] ? -1 : 1;
            continue;
        }
        int order = c->q->by[b] < DIM_DAY ? strcoll(kpi_dim_label(c->snap, c->q->by[b], k1, c->a),
                                                    kpi_dim_label(c->snap, c->q->by[b], k2, c->a))
                                          : 0;
        return order ? order : k1 < k2 ? -1 : 1;
    }
    if (r1->index != r2->index)
        return r1->index < r2->index ? -1 : 1;
    if (r1->sub != r2->sub) /* a deal before its activities */
        return r1->sub < r2->sub ? -1 : 1;
    return (r1->role > r2->role) - (r1->role < r2->role); /* a deal's parts in their order */
}

/* The store ids of a kind's rows in the snapshot's order (sql lists them), n of
 * them; NULL when out of memory or on a database error. */
static int64_t *snapshot_ids(store *st, const char *sql, size_t *n, arena *a)
{
    sqlite3_stmt *s;
    *n = 0;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return NULL;
    size_t cap = 256;
    int64_t *ids = arena_calloc(a, cap, sizeof *ids);
    while (ids && sqlite3_step(s) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *more = arena_calloc(a, cap * 2, sizeof *more);
            if (more)
                memcpy(more, ids, cap * sizeof *ids);
            ids = more;
            cap *= 2;
            if (!ids)
                break;
        }
        ids[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    return ids;
}

/* The ids of the activities in the snapshot's order (build_activities_finish in
 * snapshot_activities.c): by UTC day of completion, else of due time, those with
 * neither first, ties in id order; in id order when the days span more than
 * 200,000 days. */
#define ACTIVITY_IDS_SQL                                                                                       \
    "WITH a AS (SELECT id, coalesce(done, due) AS t FROM activities), "                                      \
    "d AS (SELECT id, (t - ((t % 86400) + 86400) % 86400) / 86400 AS day FROM a), "                        \
    "r AS (SELECT max(day) - min(day) <= 200000 AS by_day FROM d) "                                          \
    "SELECT id FROM d, r ORDER BY CASE WHEN r.by_day THEN d.day END, d.id"

/* A record's name for people: its external id, else its label field, else #id. */
static const char *record_name(store *st, const char *kind_name, int64_t id, arena *a)
{
    const kind_def *k = kind_find(kind_name);
    record *rec = NULL;
    emb_err err;
    emb_err_clear(&err);
    if (k && store_record_get(st, k, id, a, &rec, &err) == EMB_OK) {
        const field_value *ext = record_get(rec, "id"), *label = k->label ? record_get(rec, k->label) : NULL;
        if (ext && ext->state == FV_SET)
            return ext->s;
        if (label && label->state == FV_SET && field_is_text(&k->fields[label - rec->v]))
            return label->s;
    }
    return arena_printf(a, "#%lld", (long long)id);
}

enum { MAX_FIXED = 10 };

/* The columns of each kind of record, after the query's dimensions; in tables,
 * their headings are their translations in the context "field". */
static const char *const deal_cols[] = {
    NC_("field", "deal"),    NC_("field", "rep"),    NC_("field", "account"),        NC_("field", "stage"),
    NC_("field", "amount"),  NC_("field", "created"), NC_("field", "closed"), NC_("field", "expected_close"),
    NULL};
static const char *const lead_cols[] = {NC_("field", "lead"),    NC_("field", "rep"), NC_("field", "source"),
                                        NC_("field", "created"), NC_("field", "mql"), NC_("field", "sql"),
                                        NC_("field", "first_touch"), NULL};
static const char *const activity_cols[] = {NC_("field", "activity"), NC_("field", "type"), NC_("field", "outcome"),
                                            NC_("field", "rep"),      NC_("field", "due"),  NC_("field", "done"),
                                            NULL};
static const char *const line_cols[] = {NC_("field", "line"),     NC_("field", "order"),   NC_("field", "product"),
                                        NC_("field", "account"),  NC_("field", "rep"),     NC_("field", "ordered"),
                                        NC_("field", "quantity"), NC_("field", "amount"), NC_("field", "cost"),
                                        NULL};
static const char *const order_cols[] = {NC_("field", "order"), NC_("field", "account"), NC_("field", "rep"),
                                         NC_("field", "ordered"), NC_("field", "amount"), NULL};
static const char *const account_cols[] = {NC_("field", "account"),        NC_("field", "rep"),
                                           NC_("field", "segment"),        NC_("field", "industry"),
                                           NC_("field", "first_won_deal"), NC_("field", "first_won"), NULL};
static const char *const deal_acts_cols[] = {NC_("field", "deal"),     NC_("field", "rep"),  NC_("field", "account"),
                                             NC_("field", "amount"),   NC_("field", "closed"),
                                             NC_("field", "activity"), NC_("field", "type"), NC_("field", "done"),
                                             NULL};

static const char *const *columns_of(kpi_record_kind k)
{
    switch (k) {
    case KR_LEAD: return lead_cols;
    case KR_ACTIVITY: return activity_cols;
    case KR_LINE: return line_cols;
    case KR_ORDER: return order_cols;
    case KR_ACCOUNT: return account_cols;
    case KR_DEAL_ACTS: return deal_acts_cols;
    default: return deal_cols;
    }
}

static int numeric_column(const char *name)
{
    return !strcmp(name, "amount") || !strcmp(name, "quantity") || !strcmp(name, "cost");
}

/* The cells of record r in the order of columns_of(kind). */
static void fixed_cells(const cell_fmt *f, kpi_record_kind kind, const kpi_record *r, const int64_t *ids, size_t nids,
                        const char **cells)
{
    store *st = f->st;
    const snapshot *s = f->s;
    arena *a = f->a;
    size_t i = (size_t)r->index;
    const char *rep = r->rep == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_REP, r->rep, a);
    switch (kind) {
    case KR_LEAD: {
        const snap_leads *l = &s->leads;
        cells[0] = i < nids ? record_name(st, "leads", ids[i], a) : NULL;
        cells[1] = rep;
        cells[2] = l->source[i] == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_SOURCE, l->source[i], a);
        cells[3] = instant_day(f, l->created[i]);
        cells[4] = instant_day(f, l->mql_at[i]);
        cells[5] = instant_day(f, l->sql_at[i]);
        cells[6] = instant_day(f, l->first_touch[i]);
        break;
    }
    case KR_ACTIVITY: {
        const snap_activities *c = &s->activities;
        cells[0] = i < nids ? record_name(st, "activities", ids[i], a) : NULL;
        cells[1] = value_text(f, snap_activity_types[c->type[i]]);
        cells[2] = c->outcome[i] == OUT_NONE ? NULL : value_text(f, snap_activity_outcomes[c->outcome[i]]);
        cells[3] = rep;
        cells[4] = instant_day(f, c->due[i]);
        cells[5] = instant_day(f, c->done[i]);
        break;
    }
    case KR_ACCOUNT: {
        int32_t seg = s->accounts.segment[i], ind = s->accounts.industry[i], deal = r->sub;
        const char *v[] = {
            kpi_dim_label(s, DIM_ACCOUNT, (int32_t)i, a),
            rep,
            seg == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_SEGMENT, seg, a),
            ind == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_INDUSTRY, ind, a),
            deal < 0 ? NULL : record_name(st, "deals", s->deals.id[deal], a),
            deal < 0 ? NULL : day_text(f, tz_local_day(s->zone, s->deals.closed[deal])),
        };
        memcpy(cells, v, sizeof v);
        break;
    }
    case KR_DEAL_ACTS: { /* the deal's record, or one of its activities */
        const snap_deals *d = &s->deals;
        const snap_activities *c = &s->activities;
        size_t k = r->sub < 0 ? 0 : (size_t)r->sub;
        const char *v[] = {
            record_name(st, "deals", d->id[i], a),
            rep,
            d->account[i] == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_ACCOUNT, d->account[i], a),
            r->sub < 0 ? money_text(f, r->amount) : NULL,
            r->sub < 0 ? day_text(f, tz_local_day(s->zone, d->closed[i])) : NULL,
            r->sub < 0 || k >= nids ? NULL : record_name(st, "activities", ids[k], a),
            r->sub < 0 ? NULL : value_text(f, snap_activity_types[c->type[k]]),
            r->sub < 0 ? NULL : instant_day(f, c->done[k]),
        };
        memcpy(cells, v, sizeof v);
        break;
    }
    case KR_LINE:
    case KR_ORDER: {
        const snap_lines *l = &s->lines;
        const char *order = record_name(st, "orders", l->order_id[l->order[i]], a);
        const char *account = l->account[i] == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_ACCOUNT, l->account[i], a);
        const char *ordered = instant_day(f, l->ordered[i]);
        if (kind == KR_ORDER) {
            const char *v[] = {order, account, rep, ordered, money_text(f, r->amount)};
            memcpy(cells, v, sizeof v);
            break;
        }
        const char *v[] = {
            i < nids ? record_name(st, "order_lines", ids[i], a) : NULL,
            order,
            l->product[i] == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_PRODUCT, l->product[i], a),
            account,
            rep,
            ordered,
            f->lf ? locfmt_int(f->lf, l->quantity[i], a) : arena_printf(a, "%lld", (long long)l->quantity[i]),
            money_text(f, l->net[i]),
            l->cost_known[i] ? money_text(f, l->cost[i]) : NULL,
        };
        memcpy(cells, v, sizeof v);
        break;
    }
    default: {
        const snap_deals *d = &s->deals;
        const char *v[] = {
            record_name(st, "deals", d->id[i], a),
            rep,
            d->account[i] == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_ACCOUNT, d->account[i], a),
            r->stage == SNAP_NONE ? NULL : kpi_dim_label(s, DIM_STAGE, r->stage, a),
            money_text(f, r->amount),
            day_text(f, tz_local_day(s->zone, d->created[i])),
            d->closed[i] == SNAP_OPEN_INSTANT ? NULL : day_text(f, tz_local_day(s->zone, d->closed[i])),
            d->expected_close[i] == INT32_MIN ? NULL : day_text(f, d->expected_close[i]),
        };
        memcpy(cells, v, sizeof v);
        break;
    }
    }
}

/* The role names of r joined by ',' ("denominator,numerator"); for people (lf set)
 * translated and joined by ", ". */
static const char *role_text(const char *const *roles, uint32_t role, locfmt *lf, arena *a)
{
    const char *t = "";
    for (int k = 0; roles[k]; k++)
        if (role & (1u << k))
            t = arena_printf(a, "%s%s%s", t, *t ? (lf ? ", " : ",") : "",
                             lf ? i18n_pgettext("counted_as", roles[k]) : roles[k]);
    return t;
}

int kpi_print_records(const cli_command *cmd, cli_ctx *ctx, store *st, const snapshot *s, const kpi_query *q,
                      long long limit, arena *a)
{
    emb_err err;
    emb_err_clear(&err);
    const kpi_metric *m = q->metrics[0];
    kpi_record *recs;
    size_t n;
    if (kpi_records(s, q, m, a, &recs, &n, &err))
        return err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
    kpi_record_kind kind = kpi_records_kind(m);
    const char *const *names = columns_of(kind);
    const char *const *roles = kpi_records_roles(m);
    out_column cols[KPI_MAX_BY + MAX_FIXED + 1];
    int nc = 0, shown[MAX_FIXED], nfixed = 0;
    int table = ctx->format == FORMAT_TABLE;
    for (int b = 0; b < q->nby; b++)
        cols[nc++] = (out_column){table ? kpi_heading(kpi_dim_name(q->by[b])) : kpi_dim_name(q->by[b]), OUT_TEXT, 0};
    for (; names[nfixed]; nfixed++) { /* a column that is a dimension is shown once */
        shown[nfixed] = 1;
        for (int b = 0; b < q->nby; b++)
            shown[nfixed] &= strcmp(names[nfixed], kpi_dim_name(q->by[b])) != 0;
        if (shown[nfixed])
            cols[nc++] = (out_column){table ? i18n_pgettext("field", names[nfixed]) : names[nfixed],
                                      numeric_column(names[nfixed]) ? OUT_NUMBER : OUT_TEXT, 0};
    }
    if (roles)
        cols[nc++] = (out_column){table ? i18n_pgettext("field", "counted_as") : "counted_as", OUT_TEXT, 0};
    record_sort order = {.snap = s, .q = q, .a = a};
    if (n > 1)
        qsort_r(recs, n, sizeof *recs, cmp_records, &order);
    size_t rows = limit > 0 && (size_t)limit < n ? (size_t)limit : n;
    const int64_t *ids = NULL;
    size_t nids = 0;
    if (rows && kind == KR_LEAD)
        ids = snapshot_ids(st, "SELECT id FROM leads ORDER BY id", &nids, a);
    else if (rows && (kind == KR_ACTIVITY || kind == KR_DEAL_ACTS))
        ids = snapshot_ids(st, ACTIVITY_IDS_SQL, &nids, a);
    else if (rows && kind == KR_LINE)
        ids = snapshot_ids(st, "SELECT id FROM order_lines ORDER BY order_id, id", &nids, a);
    cell_fmt f = {.st = st, .s = s, .a = a};
    if (table && locfmt_open(i18n_code(ctx->lang), NULL, &f.lf, &err))
        f.lf = NULL; /* values in data form rather than nothing */
    output *o;
    if (output_begin(ctx->out, ctx->format, cols, (size_t)nc, 0, &o, &err)) {
        locfmt_close(f.lf);
        return cli_fail(ctx, &err);
    }
    for (size_t k = 0; k < rows; k++) {
        const kpi_record *r = &recs[k];
        const char *cells[KPI_MAX_BY + MAX_FIXED + 1], *fixed[MAX_FIXED] = {0};
        int c = 0;
        for (int b = 0; b < q->nby; b++)
            cells[c++] = r->key[b] == SNAP_NONE && q->by[b] < DIM_DAY ? NULL : kpi_dim_label(s, q->by[b], r->key[b], a);
        fixed_cells(&f, kind, r, ids, nids, fixed);
        for (int k2 = 0; k2 < nfixed; k2++)
            if (shown[k2])
                cells[c++] = fixed[k2];
        if (roles)
            cells[c++] = role_text(roles, r->role, f.lf, a);
        if (output_row(o, cells, &err)) {
            output_abort(o);
            locfmt_close(f.lf);
            return cli_fail(ctx, &err);
        }
    }
    locfmt_close(f.lf);
    if (output_end(o, &err))
        return cli_fail(ctx, &err);
    if (rows < n)
        fprintf(ctx->err, _("%zu of %zu records shown; raise --limit to see more\n"), rows, n);
    return 0;
}

void kpi_print(cli_ctx *ctx, const kpi_report *rep, arena *a)
{
    kpi_format f = ctx->format == FORMAT_JSON ? KPI_FORMAT_JSON : ctx->format == FORMAT_CSV ? KPI_FORMAT_CSV
                                                                                             : KPI_FORMAT_TABLE;
    kpi_report_write(ctx->out, f, i18n_code(ctx->lang), rep, a);
}
