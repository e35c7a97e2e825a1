/*
 * record_text.c - text typed by a person to records and filters: field values
 * parsed by core/value.h, references resolved by the store, `--where` text to
 * query conditions. See record_text.h.
 */
#include "io/record_text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"

void rtext_org_init(rtext_org *o, const org_settings *org, const tz *zone, int64_t now)
{
    *o = (rtext_org){.zone = zone};
    o->cal = (period_calendar){.fiscal_year_start = org->fiscal_year_start, .week_start = org->week_start};
    o->decimal = org->locale && !strcmp(org->locale, "es") ? ',' : '.';
    o->popts = (parse_opts){.zone = zone,
                            .currency = org->currency,
                            .dates = value_locale_date_order(org->locale), /* 03/02/2024 */
                            .numbers = NUM_AUTO,
                            .calendar = &o->cal,
                            .now = now};
}

emb_code rtext_org_open(rtext_org *o, const org_settings *org, int64_t now, emb_err *err)
{
    *o = (rtext_org){0};
    tz *zone;
    if (tz_open(org->timezone, &zone, err))
        return err->code;
    rtext_org_init(o, org, zone, now);
    o->owned = zone;
    return EMB_OK;
}

void rtext_org_close(rtext_org *o)
{
    if (o->owned)
        tz_close(o->owned);
    o->owned = NULL;
    o->zone = NULL;
}

int rtext_field_by_name(const kind_def *kind, const char *name, size_t len)
{
    for (size_t i = 0; i < kind->nfields; i++) {
        const char *f = kind->fields[i].name;
        if (strlen(f) != len)
            continue;
        size_t k = 0;
        while (k < len && (f[k] == name[k] || (f[k] == '_' && name[k] == '-')))
            k++;
        if (k == len)
            return (int)i;
    }
    return -1;
}

int rtext_field_settable(const field_def *f) { return !(f->flags & (FF_DERIVED | FF_SECRET)); }

const char *rtext_field_list(const kind_def *kind, int stored, arena *a)
{
    size_t size = 16;
    for (size_t i = 0; i < kind->nfields; i++)
        size += strlen(kind->fields[i].name) + 2;
    char *buf = arena_alloc(a, size);
    if (!buf)
        return "";
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < kind->nfields; i++) {
        const field_def *f = &kind->fields[i];
        if (stored ? f->column && !(f->flags & FF_SECRET) : rtext_field_settable(f))
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", f->name);
    }
    return buf;
}

/* Adds a hint on how to find the right name to a failed lookup of kind (under
 * RTEXT_CLI_HINTS). */
static emb_code lookup_hint(const rtext *t, const kind_def *kind)
{
    if (t->err->code == EMB_NOT_FOUND && (t->flags & RTEXT_CLI_HINTS)) {
        char msg[EMB_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", t->err->msg);
        return emb_err_set(t->err, EMB_NOT_FOUND, _("%s; see `embudo %s list`"), msg, kind->singular);
    }
    return t->err->code;
}

emb_code rtext_resolve(const rtext *t, const char *key, int64_t *id)
{
    emb_code rc = store_record_resolve(t->st, t->kind, key, 0, id, t->err);
    if (rc == EMB_NOT_FOUND && key[strspn(key, "0123456789")] == '\0' && key[0] != '0') {
        /* a bare number no record is named by: the record of that id, as #N */
        emb_err e;
        emb_err_clear(&e);
        char hash[32];
        if ((size_t)snprintf(hash, sizeof hash, "#%s", key) < sizeof hash &&
            store_record_resolve(t->st, t->kind, hash, 0, id, &e) == EMB_OK) {
            emb_err_clear(t->err);
            return EMB_OK;
        }
        *id = 0;
    }
    if (rc)
        return lookup_hint(t, t->kind);
    return EMB_OK;
}

/* A stage named without its pipeline: in the default pipeline, else in the one
 * other pipeline that has a stage of that name. */
static emb_code resolve_stage(const rtext *t, const kind_def *stages, const char *key, int64_t *id)
{
    emb_code rc = store_record_resolve(t->st, stages, key, 0, id, t->err);
    if (rc != EMB_NOT_FOUND)
        return rc;
    char first_error[EMB_ERR_MSG_MAX];
    snprintf(first_error, sizeof first_error, "%s", t->err->msg);
    store_query all = {.sort_field = -1};
    store_query_cursor *c;
    if (store_query_open(t->st, kind_find("pipelines"), &all, &c, t->err))
        return t->err->code;
    arena tmp;
    arena_init(&tmp, 1024);
    record *p;
    int found = 0, got;
    emb_err e;
    while ((got = store_query_next(c, &tmp, &p, t->err)) == 1) {
        int64_t sid;
        if (store_record_resolve(t->st, stages, key, p->id, &sid, &e) == EMB_OK && found++ == 0)
            *id = sid;
        arena_reset(&tmp);
    }
    store_query_close(c);
    arena_release(&tmp);
    if (got < 0)
        return t->err->code;
    if (found == 1) {
        emb_err_clear(t->err);
        return EMB_OK;
    }
    *id = 0;
    if (found > 1)
        return emb_err_set(t->err, EMB_CONFLICT, _("several pipelines have a stage '%s'; give --pipeline"), key);
    return emb_err_set(t->err, EMB_NOT_FOUND, "%s", first_error);
}

/* Resolves a reference field's text; blank text clears it. Stages are looked up in
 * pipeline_id (0: see resolve_stage). */
static emb_code fill_ref(const rtext *t, const field_def *f, const char *text, int64_t pipeline_id, field_value *out)
{
    const kind_def *ref = kind_find(f->ref);
    if (!ref)
        return emb_err_set(t->err, EMB_INTERNAL, _("field %s refers to unknown kind %s"), f->name, f->ref);
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p) {
        *out = (field_value){FV_NULL, 0, NULL};
        return EMB_OK;
    }
    int64_t id;
    emb_code rc = !strcmp(ref->name, "stages") && pipeline_id == 0
                      ? resolve_stage(t, ref, p, &id)
                      : store_record_resolve(t->st, ref, p, pipeline_id, &id, t->err);
    if (rc) {
        lookup_hint(t, ref);
        return emb_err_prefix(t->err, _("field '%s'"), f->name);
    }
    *out = (field_value){FV_SET, id, NULL};
    return EMB_OK;
}

/* The value of field name in r if given, else in before (NULL when neither). */
static const field_value *current(const record *r, const record *before, const char *name)
{
    int i = kind_field_index(r->kind, name);
    if (i < 0)
        return NULL;
    if (r->v[i].state != FV_UNSET)
        return &r->v[i];
    return before ? &before->v[i] : NULL;
}

static void set_date(const rtext *t, record *r, const char *name, int64_t days)
{
    int i = kind_field_index(r->kind, name);
    char iso[11];
    date_format_iso(days, iso);
    if (i >= 0)
        record_set_text(r, i, arena_strdup(t->a, iso));
}

/* A period field sets the from/to fields of its record. */
static emb_code fill_period(const rtext *t, const field_def *f, const char *text, const rtext_arg *args, size_t nargs,
                            record *r, int idx)
{
    const char *canon;
    period_range range;
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p) {
        if (f->column)
            record_set_null(r, idx);
        return EMB_OK;
    }
    if (value_parse_period(p, &t->org->popts, t->a, &canon, &range, t->err))
        return emb_err_prefix(t->err, _("field '%s'"), f->name);
    for (size_t k = 0; k < nargs; k++) {
        const char *n = r->kind->fields[args[k].field].name;
        if (!strcmp(n, "from") || !strcmp(n, "to"))
            return emb_err_set(t->err, EMB_INVALID, _("give either --%s or --from and --to, not both"), f->name);
    }
    record_set_text(r, idx, canon);
    if (!f->column)
        record_set_null(r, idx); /* virtual: only its range is kept */
    set_date(t, r, "from", range.from);
    set_date(t, r, "to", range.to);
    return EMB_OK;
}

/* The parse options of a number typed for field f: a decimal point when the text
 * is a number of a format that says so (point), else the separator the value
 * itself shows, else (1.500, 1,500) the organisation's. */
static void typed_number(const rtext *t, const field_def *f, const char *text, int point, parse_opts *po)
{
    *po = t->org->popts;
    if (f->type != FT_INT && f->type != FT_MONEY && f->type != FT_BP && f->type != FT_RATE && f->type != FT_TARGET)
        return;
    if (point) {
        po->numbers = NUM_DOT;
        return;
    }
    value_number_census c = {0};
    value_number_census_add(&c, text);
    if (c.point || c.comma)
        po->numbers = c.point ? NUM_DOT : NUM_COMMA;
    else if (c.ambiguous_dot || c.ambiguous_comma)
        po->numbers = t->org->decimal == ',' ? NUM_COMMA : NUM_DOT;
}

/* Half away from zero: n / d with d > 0. */
static int64_t div_round(__int128 n, int64_t d)
{
    __int128 q = n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
    return (int64_t)q;
}

static int is_set(const field_value *v) { return v && v->state == FV_SET; }

/* Order lines (METRICS.md): net amount = quantity x unit price x (1 - discount),
 * rounded half away from zero to the minor unit, whenever the unit price is known
 * (a different --amount is refused); total cost = quantity x cost when the cost is
 * known, else amount - profit. The same rule as the importer's. */
static emb_code order_line_rules(const rtext *t, const record *before, record *r, const char *currency, int *at)
{
    const kind_def *k = r->kind;
    const field_value *q = current(r, before, "quantity"), *p = current(r, before, "unit_price");
    const field_value *d = current(r, before, "discount"), *c = current(r, before, "cost");
    const field_value *profit = record_get(r, "profit");
    int ia = kind_field_index(k, "amount"), it = kind_field_index(k, "total_cost");
    int given_amount = r->v[ia].state != FV_UNSET;
    *at = ia;
    if (is_set(q) && is_set(p)) {
        __int128 n = (__int128)q->i * p->i * (10000 - (is_set(d) ? d->i : 0));
        int64_t net = div_round(n, 10000);
        if (n / 10000 > INT64_MAX / 2 || n / 10000 < INT64_MIN / 2)
            return emb_err_set(t->err, EMB_INVALID, _("field 'amount': quantity x unit_price is too large"));
        if (given_amount && (r->v[ia].state != FV_SET || r->v[ia].i != net))
            return emb_err_set(t->err, EMB_INVALID,
                               _("field 'amount' must be quantity x unit_price x (1 - discount) = %s; give "
                               "either --amount or --unit-price"),
                               value_format_money(net, currency ? currency : t->org->popts.currency, t->a));
        record_set_int(r, ia, net);
    }
    *at = it;
    if (r->v[it].state == FV_UNSET) {
        const field_value *amount = current(r, before, "amount");
        if (is_set(c) && is_set(q)) {
            __int128 total = (__int128)q->i * c->i;
            if (total > INT64_MAX || total < INT64_MIN)
                return emb_err_set(t->err, EMB_INVALID, _("field 'total_cost': quantity x cost is too large"));
            record_set_int(r, it, (int64_t)total);
        } else if (is_set(profit) && is_set(amount)) {
            record_set_int(r, it, amount->i - profit->i);
        }
    }
    return EMB_OK;
}

/* rtext_fill; *at is the field being read, when it fails. */
static emb_code fill(const rtext *t, const rtext_arg *args, size_t nargs, const record *before, record *r, int *at)
{
    const kind_def *k = t->kind;
    /* Pass 0: the record's currency and pipeline, which other fields depend on. */
    const char *currency = NULL;
    int64_t pipeline_id = 0;
    for (size_t n = 0; n < nargs; n++) {
        const field_def *f = &k->fields[args[n].field];
        int idx = *at = args[n].field;
        if (k->currency_field && !strcmp(f->name, k->currency_field)) {
            if (value_parse_field(f, args[n].text, &t->org->popts, NULL, t->a, &r->v[idx], t->err))
                return emb_err_prefix(t->err, _("field '%s'"), f->name);
        } else if (f->type == FT_REF && (!strcmp(f->ref, "pipelines") || !strcmp(f->ref, "orders"))) {
            if (fill_ref(t, f, args[n].text, 0, &r->v[idx]))
                return t->err->code;
        }
    }
    if (k->currency_field) {
        const field_value *c = current(r, before, k->currency_field);
        if (c && c->state == FV_SET)
            currency = c->s;
    } else if (!strcmp(k->name, "order_lines")) {
        /* A line's money is in its order's currency. */
        const field_value *o = current(r, before, "order");
        record *order;
        if (o && o->state == FV_SET &&
            store_record_get(t->st, kind_find("orders"), o->i, t->a, &order, t->err) == EMB_OK)
            currency = record_get(order, "currency")->s;
        emb_err_clear(t->err);
    }
    const field_value *pipe = current(r, before, "pipeline");
    if (pipe && pipe->state == FV_SET && kind_field(k, "pipeline")->type == FT_REF)
        pipeline_id = pipe->i;

    for (size_t n = 0; n < nargs; n++) {
        const field_def *f = &k->fields[args[n].field];
        int idx = *at = args[n].field;
        const char *text = args[n].text;
        if (r->v[idx].state != FV_UNSET)
            continue; /* done in pass 0 */
        parse_opts po;
        typed_number(t, f, text, (args[n].flags & RTEXT_ARG_POINT) != 0, &po);
        if (f->type == FT_REF) {
            if (fill_ref(t, f, text, !strcmp(f->ref, "stages") ? pipeline_id : 0, &r->v[idx]))
                return t->err->code;
        } else if (f->type == FT_PERIOD) {
            if (fill_period(t, f, text, args, nargs, r, idx))
                return t->err->code;
        } else if (value_parse_field(f, text, &po, currency, t->a, &r->v[idx], t->err)) {
            return emb_err_prefix(t->err, _("field '%s'"), f->name);
        }
    }
    /* A new deal whose stage was found in another pipeline goes to that pipeline. */
    *at = kind_field_index(k, "stage");
    int istage = kind_field_index(k, "stage"), ipipe = kind_field_index(k, "pipeline");
    if (!before && istage >= 0 && ipipe >= 0 && r->v[istage].state == FV_SET && r->v[ipipe].state == FV_UNSET &&
        k->fields[istage].type == FT_REF) {
        record *stage;
        if (store_record_get(t->st, kind_find("stages"), r->v[istage].i, t->a, &stage, t->err))
            return t->err->code;
        r->v[ipipe] = *record_get(stage, "pipeline");
    }
    /* Targets are read in the unit of the goal's metric, which may be given after. */
    for (size_t i = 0; i < k->nfields; i++) {
        if (k->fields[i].type != FT_TARGET)
            continue;
        const field_value *metric = current(r, before, "metric");
        field_value *target = &r->v[i];
        *at = (int)i;
        if (target->state == FV_UNSET && before && metric == &r->v[kind_field_index(k, "metric")])
            return emb_err_set(t->err, EMB_INVALID,
                               _("changing the metric changes the unit of the target; give --target too"));
        if (target->state != FV_SET || !metric || metric->state != FV_SET)
            continue;
        parse_opts po;
        int point = 0;
        for (size_t n = 0; n < nargs; n++)
            point |= args[n].field == (int)i && (args[n].flags & RTEXT_ARG_POINT);
        typed_number(t, &k->fields[i], target->s, point, &po);
        if (value_parse_target(metric->s, target->s, &po, &target->i, t->err))
            return emb_err_prefix(t->err, _("field '%s'"), k->fields[i].name);
    }
    if (!strcmp(k->name, "order_lines"))
        return order_line_rules(t, before, r, currency, at);
    return EMB_OK;
}

emb_code rtext_fill(const rtext *t, const rtext_arg *args, size_t nargs, const record *before, record *r)
{
    int at = -1;
    emb_code rc = fill(t, args, nargs, before, r, &at);
    if (t->failed)
        *t->failed = rc ? at : -1;
    return rc;
}

/* ---- --where --------------------------------------------------------------- */

static size_t name_len(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-')
        n++;
    return n;
}

static int op_at(const char *s, query_op *op)
{
    static const struct {
        const char *text;
        query_op op;
    } ops[] = {{"!=", QOP_NE}, {"<>", QOP_NE}, {"<=", QOP_LE}, {">=", QOP_GE}, {"=", QOP_EQ}, {"<", QOP_LT}, {">", QOP_GT}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strncmp(s, ops[i].text, strlen(ops[i].text))) {
            *op = ops[i].op;
            return (int)strlen(ops[i].text);
        }
    return 0;
}

/* "stale" of deals: a property computed at the moment, not a stored field. */
static int is_stale_name(const kind_def *kind, const char *s, size_t n)
{
    return !strcmp(kind->name, "deals") && n == 5 && !strncmp(s, "stale", 5);
}

/* True when s starts a condition: a field of the kind followed by an operator. */
static int starts_condition(const kind_def *kind, const char *s)
{
    size_t n = name_len(s);
    query_op op;
    return n && (rtext_field_by_name(kind, s, n) >= 0 || is_stale_name(kind, s, n)) && op_at(s + n, &op);
}

/* Two fields whose values can be ordered against each other: dates and instants
 * (an instant by its local day), or two integers, amounts or shares. */
static int comparable(const field_def *f, const field_def *g)
{
    int ft = f->type == FT_DATE || f->type == FT_INSTANT, gt = g->type == FT_DATE || g->type == FT_INSTANT;
    if (ft || gt)
        return ft && gt;
    return f->type == g->type && (f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BP);
}

/* --where stale=true|false (deals): QCOND_STALE at the command's time. */
static emb_code stale_cond(const rtext *t, query_op op, const char *value, const char *text, query_cond *c)
{
    int yes;
    if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcmp(value, "1"))
        yes = 1;
    else if (!strcasecmp(value, "false") || !strcasecmp(value, "no") || !strcmp(value, "0"))
        yes = 0;
    else
        return emb_err_set(t->err, EMB_USAGE, _("--where '%s': stale is true or false"), text);
    if (op != QOP_EQ && op != QOP_NE)
        return emb_err_set(t->err, EMB_USAGE, _("--where '%s': stale takes = or !="), text);
    *c = (query_cond){.kind = QCOND_STALE, .op = (op == QOP_EQ) == yes ? QOP_EQ : QOP_NE,
                      .value = {FV_SET, t->org->popts.now, NULL}};
    return EMB_OK;
}

/* FIELD OP today on a date or an instant (not =, which takes periods): the
 * organisation's current day; on instants < and >= its start, <= and > the start
 * of the next day. 1 when done, 0 when value is not "today", -1 on error. */
static int today_cond(const rtext *t, const field_def *f, int field, query_op op, const char *value,
                      const char *text, query_cond *c)
{
    if (strcasecmp(value, "today") || (f->type != FT_DATE && f->type != FT_INSTANT))
        return 0;
    int64_t day = tz_local_day(t->org->zone, t->org->popts.now);
    *c = (query_cond){.field = field, .op = op};
    if (f->type == FT_DATE) {
        char iso[11];
        date_format_iso(day, iso);
        c->value = (field_value){FV_SET, 0, arena_strdup(t->a, iso)};
        return 1;
    }
    if (op == QOP_NE) {
        emb_err_set(t->err, EMB_USAGE, _("--where '%s': use %s<today or %s>today"), text, f->name, f->name);
        return -1;
    }
    if (op == QOP_LE || op == QOP_GT) {
        day++;
        c->op = op == QOP_LE ? QOP_LT : QOP_GE;
    }
    c->value = (field_value){FV_SET, tz_local_to_utc(t->org->zone, day * 86400), NULL};
    return 1;
}

/* A date or instant field compared with '=' to a period: [from, to). */
static int period_conds(const rtext *t, const field_def *f, int field, const char *value, query_cond *conds)
{
    const char *canon;
    period_range range;
    emb_err ignored;
    if (value_parse_period(value, &t->org->popts, t->a, &canon, &range, &ignored))
        return 0;
    conds[0] = (query_cond){.field = field, .op = QOP_GE, .value = {FV_SET, 0, NULL}};
    conds[1] = (query_cond){.field = field, .op = QOP_LT, .value = {FV_SET, 0, NULL}};
    if (f->type == FT_INSTANT) {
        conds[0].value.i = tz_local_to_utc(t->org->zone, range.from * 86400);
        conds[1].value.i = tz_local_to_utc(t->org->zone, range.to * 86400);
    } else {
        char iso[11];
        date_format_iso(range.from, iso);
        conds[0].value.s = arena_strdup(t->a, iso);
        date_format_iso(range.to, iso);
        conds[1].value.s = arena_strdup(t->a, iso);
    }
    return 2;
}

/* One condition "FIELD OP VALUE" (not NUL-terminated: len bytes). */
static emb_code where_one(const rtext *t, const char *s, size_t len, query_cond *conds, size_t max, size_t *n)
{
    const kind_def *k = t->kind;
    char *text = arena_strndup(t->a, s, len);
    if (!text)
        return emb_err_set(t->err, EMB_NOMEM, _("out of memory"));
    size_t nl = name_len(text);
    query_op op;
    int ol = nl ? op_at(text + nl, &op) : 0;
    if (!ol)
        return emb_err_set(t->err, EMB_USAGE, _("--where '%s' is not FIELD=VALUE (or !=, <, <=, >, >=)"), text);
    if (is_stale_name(k, text, nl) && rtext_field_by_name(k, text, nl) < 0) {
        if (stale_cond(t, op, text + nl + ol, text, conds))
            return t->err->code;
        *n = 1;
        return EMB_OK;
    }
    int field = rtext_field_by_name(k, text, nl);
    const field_def *f = field >= 0 ? &k->fields[field] : NULL;
    if (!f || !f->column || (f->flags & FF_SECRET))
        return emb_err_set(t->err, EMB_USAGE, _("--where: %s has no field '%.*s'; fields: %s"), k->name, (int)nl,
                           text, rtext_field_list(t->kind, 1, t->a));
    const char *value = text + nl + ol;
    if (max < 2)
        return emb_err_set(t->err, EMB_USAGE, _("too many --where conditions"));
    if (op == QOP_EQ && (f->type == FT_INSTANT || f->type == FT_DATE) && *value) {
        int got = period_conds(t, f, field, value, conds);
        if (got) {
            *n = (size_t)got;
            return EMB_OK;
        }
    }
    query_cond *c = &conds[0];
    /* FIELD OP OTHER_FIELD: another stored field of the record, e.g. closed<expected_close */
    size_t vl = name_len(value);
    int other = vl && !value[vl] ? rtext_field_by_name(k, value, vl) : -1;
    if (other >= 0 && k->fields[other].column && !(k->fields[other].flags & FF_SECRET) &&
        comparable(f, &k->fields[other])) {
        *c = (query_cond){.field = field, .op = op, .kind = QCOND_FIELD, .other_field = other};
        *n = 1;
        return EMB_OK;
    }
    int today = op != QOP_EQ ? today_cond(t, f, field, op, value, text, c) : 0;
    if (today) {
        if (today < 0)
            return t->err->code;
        *n = 1;
        return EMB_OK;
    }
    *c = (query_cond){.field = field, .op = op};
    if (f->type == FT_REF) {
        if (fill_ref(t, f, value, 0, &c->value))
            return t->err->code;
    } else if (f->type == FT_TARGET) {
        return emb_err_set(t->err, EMB_USAGE, _("--where cannot compare targets; filter on metric"));
    } else if (f->type == FT_PERIOD && *value) {
        const char *canon;
        period_range range;
        if (value_parse_period(value, &t->org->popts, t->a, &canon, &range, t->err))
            return emb_err_prefix(t->err, _("--where %s"), f->name);
        c->value = (field_value){FV_SET, 0, canon};
    } else if (value_parse_field(f, value, &t->org->popts, NULL, t->a, &c->value, t->err)) {
        return emb_err_prefix(t->err, _("--where %s"), f->name);
    }
    if (c->value.state != FV_SET && op != QOP_EQ && op != QOP_NE)
        return emb_err_set(t->err, EMB_USAGE, _("--where '%s': an empty value only works with = or !="), text);
    *n = 1;
    return EMB_OK;
}

emb_code rtext_parse_where(const rtext *t, const char *text, query_cond *conds, size_t max, size_t *n)
{
    *n = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        /* A comma ends a condition only when a new one follows it, so values
         * may hold commas: amount>=1.000,50 */
        if (*p == '\0' || (*p == ',' && starts_condition(t->kind, p + 1))) {
            size_t got = 0;
            if (p > start && where_one(t, start, (size_t)(p - start), conds + *n, max - *n, &got))
                return t->err->code;
            *n += got;
            if (!*p)
                break;
            start = p + 1;
        }
    }
    return EMB_OK;
}
