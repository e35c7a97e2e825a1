/* recfmt.c - fields of stored records as text; see recfmt.h. */
#include "io/recfmt.h"

#include <string.h>

#include "core/i18n.h"
#include "core/period.h"
#include "core/value.h"

const char *recfmt_currency(recfmt *fmt, const record *r)
{
    if (r->kind->currency_field) {
        int i = kind_field_index(r->kind, r->kind->currency_field);
        if (i >= 0 && r->v[i].state == FV_SET && r->v[i].s && *r->v[i].s)
            return r->v[i].s;
    } else if (!strcmp(r->kind->name, "order_lines")) {
        const field_value *o = &r->v[kind_field_index(r->kind, "order")];
        if (o->state == FV_SET && o->i != fmt->order_id && fmt->st) {
            /* Lines come grouped by order, so one remembered order saves most reads. */
            arena tmp;
            arena_init(&tmp, 1024);
            record *order;
            emb_err err;
            fmt->order_id = 0;
            if (store_record_get(fmt->st, kind_find("orders"), o->i, &tmp, &order, &err) == EMB_OK) {
                const field_value *c = record_get(order, "currency");
                if (c->state == FV_SET && strlen(c->s) == 3) {
                    memcpy(fmt->order_currency, c->s, 4);
                    fmt->order_id = o->i;
                }
            }
            arena_release(&tmp);
        }
        if (o->state == FV_SET && o->i == fmt->order_id)
            return fmt->order_currency;
    }
    return fmt->org_currency;
}

const char *recfmt_key(const record *r, arena *a, emb_err *err)
{
    int i = kind_field_index(r->kind, "id");
    if (i >= 0 && r->v[i].state == FV_SET && r->v[i].s && *r->v[i].s)
        return r->v[i].s;
    const char *s = arena_printf(a, "#%lld", (long long)r->id);
    if (!s)
        emb_err_set(err, EMB_NOMEM, _("out of memory"));
    return s;
}

const char *recfmt_field(recfmt *fmt, const record *r, int i, arena *a, emb_err *err)
{
    const field_def *f = &r->kind->fields[i];
    const field_value *v = &r->v[i];
    if (f->flags & FF_EXT_ID)
        return recfmt_key(r, a, err);
    if (v->state != FV_SET)
        return NULL;
    if (f->type == FT_REF) {
        const kind_def *ref = kind_find(f->ref);
        if (!ref) {
            emb_err_set(err, EMB_INTERNAL, _("field %s refers to unknown kind %s"), f->name, f->ref);
            return NULL;
        }
        return fmt->names ? refnames_get(fmt->names, ref, v->i, err) : refcache_get(fmt->refs, ref, v->i, err);
    }
    const char *s;
    if (f->type == FT_TARGET) {
        /* A target is in the unit of its goal's metric. */
        int m = kind_field_index(r->kind, "metric");
        const char *metric = m >= 0 && r->v[m].state == FV_SET ? r->v[m].s : "";
        s = value_format_target(metric, v->i, recfmt_currency(fmt, r), a);
    } else {
        s = value_format_field(f, v, recfmt_currency(fmt, r), fmt->zone, a);
        int64_t day;
        if (s && (f->flags & FF_LAST_DAY) && f->type == FT_DATE && date_parse_iso(s, &day) == 0) {
            char last[11];
            date_format_iso(day - 1, last);
            s = arena_strdup(a, last);
        }
    }
    if (!s)
        emb_err_set(err, EMB_NOMEM, _("out of memory"));
    return s;
}

int recfmt_json_type(const field_def *f)
{
    switch (f->type) {
    case FT_INT:
    case FT_MONEY:
    case FT_BP:
    case FT_RATE:
    case FT_TARGET:
        return 1;
    case FT_BOOL:
        return 2;
    default:
        return 0;
    }
}

int recfmt_exported(const field_def *f)
{
    return f->column != NULL && !(f->flags & (FF_SECRET | FF_VIRTUAL));
}
