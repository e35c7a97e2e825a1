/*
 * record_print.c - records printed by the record commands (list, show, and the
 * record echoed after add and update) through the one printer of cli/output.h.
 *
 * References are printed as the referenced record's label (name, title) in tables,
 * for people, and as its key (ext id or "#id", what --where and imports accept) in
 * json and csv; values as recfmt formats them (money in the record's currency,
 * instants in the organisation's zone).
 */
#include <stdint.h>
#include <string.h>

#include "cli/output.h"
#include "cli/record_cli.h"
#include "core/locfmt.h"
#include "io/recfmt.h"
#include "store/refcache.h"

/* The plural names of the kinds in messages for people; others are shown as they are. */
static const char *const kind_words[] = {
    N_("regions"),  N_("users"),    N_("teams"),  N_("accounts"),    N_("contacts"), N_("leads"),
    N_("pipelines"), N_("stages"),  N_("products"), N_("deals"),     N_("activities"), N_("orders"),
    N_("order_lines"), N_("goals"), N_("expenses"), N_("rates"),
};

static const char *kind_word(const char *name)
{
    for (size_t i = 0; i < sizeof kind_words / sizeof kind_words[0]; i++)
        if (!strcmp(name, kind_words[i]))
            return _(kind_words[i]);
    return name;
}

/* The names of fields (and of the columns of a deal's history) as table headings
 * for people; JSON keys and CSV headers keep the names. */
static const char *const field_words[] = {
    NC_("field", "id"), NC_("field", "name"), NC_("field", "title"), NC_("field", "account"),
    NC_("field", "contact"), NC_("field", "owner"), NC_("field", "pipeline"), NC_("field", "stage"),
    NC_("field", "status"), NC_("field", "amount"), NC_("field", "currency"), NC_("field", "expected_close"),
    NC_("field", "probability"), NC_("field", "forecast_category"), NC_("field", "lost_reason"),
    NC_("field", "source"), NC_("field", "lead"), NC_("field", "created"), NC_("field", "closed"),
    NC_("field", "email"), NC_("field", "role"), NC_("field", "team"), NC_("field", "manager"),
    NC_("field", "region"), NC_("field", "active"), NC_("field", "member"), NC_("field", "industry"),
    NC_("field", "segment"), NC_("field", "parent"), NC_("field", "country"), NC_("field", "city"),
    NC_("field", "employees"), NC_("field", "phone"), NC_("field", "company"), NC_("field", "score"),
    NC_("field", "mql_at"), NC_("field", "sql_at"), NC_("field", "converted_at"), NC_("field", "disqualified_at"),
    NC_("field", "default"), NC_("field", "position"), NC_("field", "name_es"), NC_("field", "kind"),
    NC_("field", "sku"), NC_("field", "category"), NC_("field", "price"), NC_("field", "cost"),
    NC_("field", "deal"), NC_("field", "type"), NC_("field", "subject"), NC_("field", "due"),
    NC_("field", "done"), NC_("field", "outcome"), NC_("field", "duration"), NC_("field", "cold"),
    NC_("field", "note"), NC_("field", "date"), NC_("field", "shipped"), NC_("field", "order"),
    NC_("field", "product"), NC_("field", "quantity"), NC_("field", "unit_price"), NC_("field", "discount"),
    NC_("field", "total_cost"), NC_("field", "profit"), NC_("field", "scope"), NC_("field", "rep"),
    NC_("field", "metric"), NC_("field", "period"), NC_("field", "target"), NC_("field", "channel"),
    NC_("field", "from"), NC_("field", "to"), NC_("field", "rate"), NC_("field", "at"),
    NC_("field", "author"), NC_("field", "changed"),
};

/* The values of enumerated fields (kind.h FT_ENUM: roles, lead statuses, deal and
 * stage statuses, forecast categories, activity types and outcomes, goal scopes,
 * expense categories) shown to people in tables. */
static const char *const value_words[] = {
    NC_("value", "admin"), NC_("value", "manager"), NC_("value", "rep"), NC_("value", "viewer"),
    NC_("value", "new"), NC_("value", "contacted"), NC_("value", "mql"), NC_("value", "sql"),
    NC_("value", "converted"), NC_("value", "disqualified"), NC_("value", "open"), NC_("value", "won"),
    NC_("value", "lost"), NC_("value", "commit"), NC_("value", "best_case"), NC_("value", "pipeline"),
    NC_("value", "omitted"), NC_("value", "call"), NC_("value", "email"), NC_("value", "meeting"),
    NC_("value", "task"), NC_("value", "note"), NC_("value", "connected"), NC_("value", "no_answer"),
    NC_("value", "sent"), NC_("value", "opened"), NC_("value", "replied"), NC_("value", "bounced"),
    NC_("value", "scheduled"), NC_("value", "held"), NC_("value", "cancelled"), NC_("value", "rejected"),
    NC_("value", "org"), NC_("value", "team"), NC_("value", "marketing"), NC_("value", "sales"),
    NC_("value", "other"), NC_("value", "yes"), NC_("value", "no"),
};

/* word translated in context when it is one of the n words, else as it is. */
static const char *word_in(const char *const *words, size_t n, const char *context, const char *word)
{
    for (size_t i = 0; word && i < n; i++)
        if (!strcmp(word, words[i]))
            return i18n_pgettext(context, words[i]);
    return word;
}

static const char *field_heading(const char *name)
{
    return word_in(field_words, sizeof field_words / sizeof field_words[0], "field", name);
}

static const char *value_word(const char *value)
{
    return word_in(value_words, sizeof value_words / sizeof value_words[0], "value", value);
}

/* A history row's list of changed fields ("stage,amount") for people: each name
 * translated, ", " between them. */
static const char *changed_text(const char *changed, arena *a)
{
    if (!changed)
        return NULL;
    const char *t = "";
    for (const char *p = changed; *p;) {
        size_t n = strcspn(p, ",");
        const char *name = arena_strndup(a, p, n);
        if (!name)
            return changed;
        t = arena_printf(a, "%s%s%s", t, *t ? ", " : "", field_heading(name));
        p += n + (p[n] == ',');
    }
    return t;
}

/* Referenced kinds up to this size are loaded whole on first use. */
#define PRELOAD_MAX 50000

static out_type out_type_of(const field_def *f)
{
    int t = recfmt_json_type(f);
    return t == 1 ? OUT_NUMBER : t == 2 ? OUT_BOOL : OUT_TEXT;
}

/* Fields shown by list (FF_LIST, or all with all_fields) and show (all). */
static int shown(const field_def *f, int all)
{
    return f->column && !(f->flags & FF_SECRET) && (all || (f->flags & FF_LIST));
}

typedef struct {
    refcache *refs;
    recfmt fmt;
    locfmt *lf; /* tables: values as people of the language write them */
} printer;

/* Basis points as a percentage for tables: 3500 -> "35%" / "35 %", 1250 -> "12.5%". */
static const char *percent(printer *p, int64_t bp, arena *a)
{
    if (p->lf)
        return locfmt_percent(p->lf, (double)bp / 10000.0, bp % 100 == 0 ? 0 : bp % 10 == 0 ? 1 : 2, 0, a);
    const char *d = value_format_decimal(bp, 2, a);
    return d ? arena_printf(a, "%s%%", d) : NULL;
}

static int printer_open(rec_env *env, printer *p)
{
    if (refcache_new(env->st, env->ctx->format == FORMAT_TABLE, PRELOAD_MAX, &p->refs, &env->err))
        return -1;
    p->fmt = (recfmt){
        .st = env->st, .zone = env->org.zone, .org_currency = store_org(env->st)->currency, .refs = p->refs};
    if (env->ctx->format == FORMAT_TABLE &&
        locfmt_open(i18n_code(env->ctx->lang), env->org.zone ? tz_name(env->org.zone) : NULL, &p->lf, &env->err)) {
        p->lf = NULL; /* values as data rather than nothing */
        emb_err_clear(&env->err);
    }
    return 0;
}

static void printer_close(printer *p)
{
    refcache_free(p->refs);
    locfmt_close(p->lf);
}

/* A value of field i of r in a table, for people; data is its data form. Instants
 * show their time too when all is set (show), the date alone in lists. */
static const char *people_cell(printer *p, const record *r, int i, const char *data, int all, arena *a)
{
    const field_def *f = &r->kind->fields[i];
    const field_value *v = &r->v[i];
    if (!data || v->state != FV_SET)
        return data;
    switch (f->type) {
    case FT_BP:
        return percent(p, v->i, a); /* people read 35%, files keep 0.35 */
    case FT_MONEY:
        return p->lf ? locfmt_money(p->lf, v->i, recfmt_currency(&p->fmt, r), a) : data;
    case FT_INT:
        return p->lf ? locfmt_int(p->lf, v->i, a) : data;
    case FT_DATE:
        return p->lf ? locfmt_date(p->lf, data, a) : data;
    case FT_INSTANT:
        return p->lf ? locfmt_instant(p->lf, v->i, !all || !strchr(data, 'T'), a) : data;
    case FT_RATE:
        return p->lf ? locfmt_decimal(p->lf, data, 0, 9, a) : data;
    case FT_ENUM:
        return value_word(data);
    case FT_BOOL:
        return value_word(v->i ? "yes" : "no");
    case FT_TARGET: {
        const char *point = strchr(data, '.');
        int frac = point ? (int)strlen(point + 1) : 0;
        return p->lf ? locfmt_decimal(p->lf, data, frac, frac, a) : data;
    }
    default:
        return data;
    }
}

/* Cells of the shown fields of r; NULL entries for NULL values. */
static const char **record_cells(rec_env *env, printer *p, const record *r, int all, arena *a, size_t *n)
{
    const kind_def *k = r->kind;
    const char **cells = arena_calloc(a, k->nfields + 1, sizeof *cells);
    if (!cells) {
        emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
        return NULL;
    }
    size_t c = 0;
    for (size_t i = 0; i < k->nfields; i++) {
        if (!shown(&k->fields[i], all))
            continue;
        emb_err_clear(&env->err);
        cells[c] = recfmt_field(&p->fmt, r, (int)i, a, &env->err);
        if (!cells[c] && env->err.code)
            return NULL;
        if (env->ctx->format == FORMAT_TABLE)
            cells[c] = people_cell(p, r, (int)i, cells[c], all, a);
        c++;
    }
    *n = c;
    return cells;
}

static out_column *columns(rec_env *env, int all, size_t *n)
{
    const kind_def *k = env->kind;
    out_column *cols = arena_calloc(&env->a, k->nfields + 1, sizeof *cols);
    size_t c = 0;
    for (size_t i = 0; cols && i < k->nfields; i++)
        if (shown(&k->fields[i], all))
            cols[c++] = (out_column){env->ctx->format == FORMAT_TABLE ? field_heading(k->fields[i].name)
                                                                      : k->fields[i].name,
                                     out_type_of(&k->fields[i]),
                                     k->fields[i].type == FT_DATE || k->fields[i].type == FT_INSTANT};
    *n = c;
    return cols;
}

int rec_print_list(rec_env *env, const store_query *q, int all_fields, int64_t more_than)
{
    printer p = {0};
    size_t ncols;
    out_column *cols = columns(env, all_fields, &ncols);
    store_query_cursor *cur = NULL;
    output *out = NULL;
    int64_t rows = 0;
    int more = 0;
    if (!cols) {
        emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
        goto fail;
    }
    if (printer_open(env, &p) || store_query_open(env->st, env->kind, q, &cur, &env->err) ||
        output_begin(env->ctx->out, env->ctx->format, cols, ncols, 0, &out, &env->err))
        goto fail;
    output_fit(out, (size_t)env->ctx->columns);
    arena row_arena;
    arena_init(&row_arena, 8 * 1024);
    for (;;) {
        record *r;
        int got = store_query_next(cur, &row_arena, &r, &env->err);
        if (got < 0) {
            arena_release(&row_arena);
            goto fail;
        }
        if (got == 0)
            break;
        if (more_than && rows == more_than) {
            more = 1;
            break;
        }
        size_t n;
        const char **cells = record_cells(env, &p, r, all_fields, &row_arena, &n);
        if (!cells || output_row(out, cells, &env->err)) {
            arena_release(&row_arena);
            goto fail;
        }
        rows++;
        arena_reset(&row_arena); /* the cells were copied or written */
    }
    arena_release(&row_arena);
    store_query_close(cur);
    cur = NULL;
    if (rows == 0 && env->ctx->format == FORMAT_TABLE) {
        output_abort(out);
        out = NULL;
        fprintf(env->ctx->err, _("no %s\n"), kind_word(env->kind->name));
    } else {
        emb_code rc = output_end(out, &env->err);
        out = NULL;
        if (rc)
            goto fail;
    }
    if (more)
        fprintf(env->ctx->err, _("showing the first %lld %s; use --limit N, or --limit 0 for all\n"),
                (long long)rows, kind_word(env->kind->name));
    printer_close(&p);
    return 0;
fail:
    output_abort(out);
    store_query_close(cur);
    printer_close(&p);
    return rec_fail(env);
}

/* ---- show ------------------------------------------------------------------ */

static emb_code print_section(rec_env *env, const char *title, const out_column *cols, size_t ncols,
                              const char **cells, size_t nrows)
{
    FILE *f = env->ctx->out;
    if (env->ctx->format == FORMAT_TABLE)
        fprintf(f, "\n%s:\n", _(title));
    else
        output_json_key(f, title);
    if (env->ctx->format == FORMAT_TABLE && nrows == 0) {
        fputs(_("(none)\n"), f);
        return EMB_OK;
    }
    if (env->ctx->format == FORMAT_TABLE) {
        out_column *heads = arena_calloc(&env->a, ncols, sizeof *heads);
        if (!heads)
            return emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
        for (size_t c = 0; c < ncols; c++) {
            heads[c] = cols[c];
            heads[c].name = field_heading(cols[c].name);
        }
        cols = heads;
    }
    output *out;
    if (output_begin(f, env->ctx->format, cols, ncols, 0, &out, &env->err))
        return env->err.code;
    for (size_t r = 0; r < nrows; r++)
        if (output_row(out, cells + r * ncols, &env->err)) {
            output_abort(out);
            return env->err.code;
        }
    return output_end(out, &env->err);
}

static const char *ref_text(rec_env *env, printer *p, const char *kind, int64_t id)
{
    if (!id)
        return NULL;
    return refcache_get(p->refs, kind_find(kind), id, &env->err);
}

static emb_code deal_history(rec_env *env, printer *p, int64_t deal_id)
{
    static const out_column cols[] = {
        {"at", OUT_TEXT},       {"author", OUT_TEXT},   {"changed", OUT_TEXT},
        {"stage", OUT_TEXT},    {"status", OUT_TEXT},   {"amount", OUT_NUMBER},
        {"currency", OUT_TEXT}, {"owner", OUT_TEXT},    {"expected_close", OUT_TEXT},
    };
    enum { NC = sizeof cols / sizeof cols[0] };
    deal_history_row *h;
    size_t n;
    if (store_deal_history(env->st, deal_id, &env->a, &h, &n, &env->err))
        return env->err.code;
    const char **cells = arena_calloc(&env->a, n * NC + 1, sizeof *cells);
    if (!cells)
        return emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
    for (size_t i = 0; i < n; i++) {
        const char **c = cells + i * NC;
        c[0] = value_format_instant(h[i].at, env->org.zone, 1, &env->a);
        if (p->lf)
            c[0] = locfmt_instant(p->lf, h[i].at, !strchr(c[0], 'T'), &env->a);
        c[1] = ref_text(env, p, "users", h[i].author_id);
        c[2] = p->lf ? changed_text(h[i].changed, &env->a) : h[i].changed;
        c[3] = ref_text(env, p, "stages", h[i].stage_id);
        c[4] = p->lf ? value_word(h[i].status) : h[i].status;
        c[5] = !h[i].amount_set ? NULL
               : p->lf          ? locfmt_money(p->lf, h[i].amount, h[i].currency, &env->a)
                                : value_format_money(h[i].amount, h[i].currency, &env->a);
        c[6] = h[i].currency;
        c[7] = ref_text(env, p, "users", h[i].owner_id);
        c[8] = p->lf && h[i].expected_close ? locfmt_date(p->lf, h[i].expected_close, &env->a) : h[i].expected_close;
        if (env->err.code)
            return env->err.code;
    }
    return print_section(env, N_("history"), cols, NC, cells, n);
}

static emb_code deal_products(rec_env *env, printer *p, const record *deal)
{
    static const out_column cols[] = {
        {"product", OUT_TEXT}, {"quantity", OUT_NUMBER}, {"unit_price", OUT_NUMBER}, {"discount", OUT_NUMBER},
    };
    enum { NC = sizeof cols / sizeof cols[0] };
    deal_product_row *dp;
    size_t n;
    if (store_deal_products(env->st, deal->id, &env->a, &dp, &n, &env->err))
        return env->err.code;
    const char **cells = arena_calloc(&env->a, n * NC + 1, sizeof *cells);
    if (!cells)
        return emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
    const char *currency = recfmt_currency(&p->fmt, deal);
    for (size_t i = 0; i < n; i++) {
        const char **c = cells + i * NC;
        c[0] = ref_text(env, p, "products", dp[i].product_id);
        c[1] = p->lf ? locfmt_int(p->lf, dp[i].quantity, &env->a) : arena_printf(&env->a, "%lld", (long long)dp[i].quantity);
        c[2] = !dp[i].unit_price_set ? NULL
               : p->lf               ? locfmt_money(p->lf, dp[i].unit_price, currency, &env->a)
                                     : value_format_money(dp[i].unit_price, currency, &env->a);
        c[3] = env->ctx->format == FORMAT_TABLE ? percent(p, dp[i].discount_bp, &env->a)
                                                : value_format_bp(dp[i].discount_bp, &env->a);
        if (env->err.code)
            return env->err.code;
    }
    return print_section(env, N_("products"), cols, NC, cells, n);
}

int rec_print_show(rec_env *env, int64_t id)
{
    printer p = {0};
    record *r;
    size_t ncols, n;
    emb_err_clear(&env->err);
    if (printer_open(env, &p) || store_record_get(env->st, env->kind, id, &env->a, &r, &env->err))
        goto fail;
    out_column *cols = columns(env, 1, &ncols);
    const char **cells = cols ? record_cells(env, &p, r, 1, &env->a, &n) : NULL;
    if (!cells) {
        if (!env->err.code)
            emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
        goto fail;
    }
    int is_deal = !strcmp(env->kind->name, "deals");
    int nested = is_deal && env->ctx->format != FORMAT_CSV;
    if (output_record(env->ctx->out, env->ctx->format, cols, ncols, cells, nested && env->ctx->format == FORMAT_JSON,
                      &env->err))
        goto fail;
    if (nested) {
        if (deal_history(env, &p, id) || deal_products(env, &p, r))
            goto fail;
        if (env->ctx->format == FORMAT_JSON)
            fputs("}\n", env->ctx->out);
    }
    if (fflush(env->ctx->out) != 0 || ferror(env->ctx->out)) {
        emb_err_set(&env->err, EMB_IO, _("cannot write output"));
        goto fail;
    }
    printer_close(&p);
    return 0;
fail:
    printer_close(&p);
    return rec_fail(env);
}
