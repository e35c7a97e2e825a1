/*
 * import_rules.c - what the importer derives for particular kinds, after a row's
 * cells are parsed and before the record is keyed and written (defaults: only
 * when the row creates a record, never over stored values). Rules every entry
 * point shares (deal status and history, lead status times, defaults) live in
 * the store (records.c); these are the ones that only make sense for files:
 *
 *  deals        title defaults to "ACCOUNT – PRODUCT" as written in the file (one
 *               of them if the other is empty, else the id); created defaults to
 *               the linked lead's creation time; the pipeline is the default one
 *               unless given.
 *  order_lines  amount (net) = quantity x unit_price x (1 - discount), rounded half
 *               away from zero to the minor unit with integer arithmetic, whenever
 *               unit_price is given (an amount in the file is then ignored);
 *               otherwise the file's amount is required. total_cost = quantity x
 *               cost when cost is given, else amount - profit when profit is.
 *               Money is read in the order's currency.
 *  goals        period sets from/to; the target is read in the unit of the metric
 *               (value_parse_target); scope defaults from rep/team.
 *  expenses     period sets from/to unless they are given.
 *  stages       the pipeline defaults to the default one.
 *  leads        name defaults to the company, else the email, else the id.
 */
#include <string.h>

#include "core/i18n.h"
#include "core/value.h"
#include "io/import_internal.h"

static int set(const record *r, int idx) { return idx >= 0 && r->v[idx].state == FV_SET; }

static const import_field *field_of(import_job *j, const char *name)
{
    int idx = kind_field_index(j->kind, name);
    return idx >= 0 && j->slot[idx] >= 0 ? &j->fields[j->slot[idx]] : NULL;
}

static int mapped(import_job *j, const char *name) { return field_of(j, name) != NULL; }

const char *import_record_currency(import_job *j, record *r)
{
    const kind_def *k = r->kind;
    if (k->currency_field) {
        int ic = kind_field_index(k, k->currency_field);
        if (set(r, ic))
            return r->v[ic].s;
    }
    if (!strcmp(k->name, "order_lines")) {
        int io = kind_field_index(k, "order");
        if (set(r, io)) {
            if (j->cur_order != r->v[io].i) {
                record *order;
                emb_err err;
                if (store_record_get(j->st, kind_find("orders"), r->v[io].i, &j->row, &order, &err) == EMB_OK) {
                    const field_value *c = record_get(order, "currency");
                    if (c->state == FV_SET && strlen(c->s) == 3) {
                        memcpy(j->cur_order_currency, c->s, 4);
                        j->cur_order = r->v[io].i;
                    }
                }
            }
            if (j->cur_order == r->v[io].i)
                return j->cur_order_currency;
        }
    }
    return j->popts.currency;
}

emb_code import_rules_check_mapping(import_job *j, emb_err *err)
{
    if (!strcmp(j->kind->name, "order_lines") && !mapped(j, "unit_price") && !mapped(j, "amount"))
        return emb_err_set(err, EMB_USAGE,
                           _("order lines need either field 'unit_price' (with quantity and discount) or field "
                             "'amount' (the net amount), but no column matches them; name one with --map"));
    if (!strcmp(j->kind->name, "expenses") && !mapped(j, "period") && (!mapped(j, "from") || !mapped(j, "to")))
        return emb_err_set(err, EMB_USAGE,
                           _("expenses need field 'period' (e.g. 2026-07) or both 'from' and 'to'; name them "
                             "with --map"));
    return EMB_OK;
}

/* Half away from zero: n / d with d > 0. */
static int64_t div_round(__int128 n, int64_t d)
{
    __int128 q = n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
    return (int64_t)q;
}

static emb_code money_overflow(import_job *j, const char *field)
{
    import_row_error(j, field_of(j, field), NULL,
                     _("the amount it gives is too large: an amount may be at most 10^12 minor units"));
    return EMB_OK;
}

static int beyond_limit(__int128 v) { return v > VALUE_MONEY_MAX || v < -VALUE_MONEY_MAX; }

static emb_code order_line_rules(import_job *j, record *r)
{
    const kind_def *k = r->kind;
    int iq = kind_field_index(k, "quantity"), ip = kind_field_index(k, "unit_price");
    int id = kind_field_index(k, "discount"), ia = kind_field_index(k, "amount");
    int ic = kind_field_index(k, "cost"), it = kind_field_index(k, "total_cost");
    int ipr = kind_field_index(k, "profit");
    if (set(r, ip) && set(r, iq)) {
        int64_t disc = set(r, id) ? r->v[id].i : 0;
        __int128 n = (__int128)r->v[iq].i * r->v[ip].i * (10000 - disc);
        int64_t net = div_round(n, 10000);
        if ((__int128)net * 10000 - n > 10000 || n - (__int128)net * 10000 > 10000 || beyond_limit(net))
            return money_overflow(j, "unit_price");
        record_set_int(r, ia, net);
    } else if (!set(r, ia)) {
        import_row_error(j, field_of(j, set(r, ip) ? "quantity" : "amount"), NULL,
                         _("a line needs its amount, or quantity and unit_price"));
        return EMB_OK;
    }
    if (!set(r, it)) {
        if (set(r, ic) && set(r, iq)) {
            __int128 c = (__int128)r->v[iq].i * r->v[ic].i;
            if (beyond_limit(c))
                return money_overflow(j, "cost");
            record_set_int(r, it, (int64_t)c);
        } else if (set(r, ipr)) {
            if (beyond_limit((__int128)r->v[ia].i - r->v[ipr].i))
                return money_overflow(j, "profit");
            record_set_int(r, it, r->v[ia].i - r->v[ipr].i);
        }
    }
    return EMB_OK;
}

/* "ACCOUNT – PRODUCT" from the cells as written, or the id. */
static emb_code deal_title(import_job *j, record *r)
{
    int it = kind_field_index(r->kind, "title");
    if (set(r, it))
        return EMB_OK;
    const char *parts[2] = {"", ""};
    const char *names[2] = {"account", "product"};
    for (int i = 0; i < 2; i++) {
        const import_field *f = field_of(j, names[i]);
        if (f && j->cell_text[f - j->fields])
            parts[i] = j->cell_text[f - j->fields];
    }
    const char *title = NULL;
    if (*parts[0] && *parts[1]) {
        static const char dash[] = " \u2013 ";
        size_t a = strlen(parts[0]), b = strlen(parts[1]);
        char *t = arena_alloc(&j->row, a + sizeof dash + b);
        if (t) {
            memcpy(t, parts[0], a);
            memcpy(t + a, dash, sizeof dash - 1);
            memcpy(t + a + sizeof dash - 1, parts[1], b + 1);
        }
        title = t;
    }
    else if (*parts[0] || *parts[1])
        title = *parts[0] ? parts[0] : parts[1];
    else if (set(r, kind_field_index(r->kind, "id")))
        title = r->v[kind_field_index(r->kind, "id")].s;
    if (title)
        record_set_text(r, it, title);
    return EMB_OK;
}

/* A record (deal, stage) without a pipeline goes to the default one. */
static emb_code default_pipeline(import_job *j, record *r, emb_err *err)
{
    int ip = kind_field_index(r->kind, "pipeline");
    if (set(r, ip))
        return EMB_OK;
    int64_t p;
    if (import_default_pipeline(j, &p, err))
        return err->code;
    record_set_int(r, ip, p);
    return EMB_OK;
}

/* Deals, only for a new record: defaults must not overwrite stored values. */
static emb_code deal_insert_rules(import_job *j, record *r, emb_err *err)
{
    const kind_def *k = r->kind;
    deal_title(j, r);
    int ic = kind_field_index(k, "created"), il = kind_field_index(k, "lead");
    if (!set(r, ic) && set(r, il)) {
        record *lead;
        emb_code rc = store_record_get(j->st, kind_find("leads"), r->v[il].i, &j->row, &lead, err);
        if (rc && rc != EMB_NOT_FOUND)
            return rc;
        if (!rc && record_get(lead, "created")->state == FV_SET)
            record_set_int(r, ic, record_get(lead, "created")->i);
    }
    return default_pipeline(j, r, err);
}

static void set_period(import_job *j, record *r, int force)
{
    if (!j->period_set)
        return;
    int ifrom = kind_field_index(r->kind, "from"), ito = kind_field_index(r->kind, "to");
    char *from = arena_alloc(&j->row, 11), *to = arena_alloc(&j->row, 11);
    if (!from || !to)
        return;
    date_format_iso(j->period.from, from);
    date_format_iso(j->period.to, to);
    if (force || !set(r, ifrom))
        record_set_text(r, ifrom, from);
    if (force || !set(r, ito))
        record_set_text(r, ito, to);
}

static emb_code goal_rules(import_job *j, record *r, emb_err *err)
{
    const kind_def *k = r->kind;
    set_period(j, r, 1);
    int im = kind_field_index(k, "metric"), itg = kind_field_index(k, "target");
    if (set(r, itg) && set(r, im)) {
        int64_t target;
        parse_opts po = j->popts;
        const import_field *tf = field_of(j, "target");
        if (tf && tf->numbers != NUM_AUTO)
            po.numbers = tf->numbers; /* the column's decimal separator */
        emb_code rc = value_parse_target(r->v[im].s, r->v[itg].s, &po, &target, err);
        if (rc == EMB_INVALID)
            import_row_error_why(j, field_of(j, "target"), r->v[itg].s, err->msg, err->why, NULL);
        else if (rc)
            return rc;
        else
            record_set_int(r, itg, target);
    }
    int is = kind_field_index(k, "scope");
    if (!set(r, is))
        record_set_text(r, is, set(r, kind_field_index(k, "rep"))    ? "rep"
                               : set(r, kind_field_index(k, "team")) ? "team"
                                                                     : "org");
    return EMB_OK;
}

/* Leads need a name: the company, else the email, else the id. */
static void lead_rules(record *r)
{
    int in = kind_field_index(r->kind, "name");
    static const char *const fallbacks[] = {"company", "email", "id"};
    for (int i = 0; i < 3 && !set(r, in); i++) {
        int f = kind_field_index(r->kind, fallbacks[i]);
        if (set(r, f))
            record_set_text(r, in, r->v[f].s);
    }
}

emb_code import_apply_insert_rules(import_job *j, record *r, emb_err *err)
{
    if (!strcmp(r->kind->name, "leads"))
        lead_rules(r);
    if (!strcmp(r->kind->name, "deals"))
        return deal_insert_rules(j, r, err);
    return EMB_OK;
}

emb_code import_apply_rules(import_job *j, record *r, emb_err *err)
{
    const char *k = r->kind->name;
    if (!strcmp(k, "deals") && j->key_mode == KEY_NATURAL)
        deal_title(j, r); /* part of the key */
    if (!strcmp(k, "order_lines"))
        return order_line_rules(j, r);
    if (!strcmp(k, "goals"))
        return goal_rules(j, r, err);
    if (!strcmp(k, "expenses"))
        set_period(j, r, 0);
    if (!strcmp(k, "stages"))
        return default_pipeline(j, r, err);
    return EMB_OK;
}

emb_code import_apply_after_write(import_job *j, record *r, emb_err *err)
{
    if (strcmp(r->kind->name, "teams") != 0)
        return EMB_OK;
    const field_value *member = record_get(r, "member");
    if (!member || member->state != FV_SET)
        return EMB_OK;
    if (import_flush(j, err)) /* the team's row exists before a user refers to it */
        return err->code;
    const kind_def *uk = kind_find("users");
    record *u = record_new(&j->row, uk);
    if (!u)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    u->id = member->i;
    record_set_int(u, kind_field_index(uk, "team"), r->id);
    emb_code rc = store_record_update(j->st, u, &j->ctx, err);
    if (rc == EMB_INVALID || rc == EMB_CONFLICT || rc == EMB_NOT_FOUND) {
        import_row_error_why(j, NULL, NULL, err->msg, err->why, NULL);
        return EMB_OK;
    }
    return rc;
}
