/*
 * dims.c - dimensions: their names, the value of each for a fact (dims.h), and the
 * labels of values and their lookup from user text (kpi.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/dims.h"

static const char *const dim_names[] = {
#define X(id, name, help) name,
    KPI_DIMENSIONS(X)
#undef X
};
static const char *const dim_helps[] = {
#define X(id, name, help) help,
    KPI_DIMENSIONS(X)
#undef X
};

const char *kpi_dim_name(kpi_dim d) { return (unsigned)d < DIM__COUNT ? dim_names[d] : "?"; }
const char *kpi_dim_help(kpi_dim d) { return (unsigned)d < DIM__COUNT ? dim_helps[d] : "?"; }

int kpi_dim_find(const char *name)
{
    for (int d = 0; d < DIM__COUNT; d++)
        if (!strcmp(dim_names[d], name))
            return d;
    return -1;
}

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int32_t eng_time_bucket(const snapshot *s, kpi_dim d, int64_t instant)
{
    int64_t day = floor_div(tz_utc_to_local(s->zone, instant), 86400);
    int y, m, dd;
    civil_from_days(day, &y, &m, &dd);
    switch (d) {
    case DIM_DAY:
        return (int32_t)day;
    case DIM_WEEK:
        return (int32_t)(day - (weekday_of(day) - 1)); /* the ISO week's Monday */
    case DIM_MONTH:
        return y * 12 + (m - 1);
    case DIM_QUARTER:
        return y * 4 + (m - 1) / 3;
    case DIM_YEAR:
        return y;
    default:
        return SNAP_NONE;
    }
}

/* The first instant of a local day that no offset change comes near, so that an
 * instant lies in [t0, t1) exactly when its local day lies in the days between: 1
 * and *day set when t is such a midnight. */
static int clean_midnight(const snapshot *s, int64_t t, int64_t *day)
{
    int64_t from, to;
    tz_offset_span(s->zone, t, &from, &to);
    if (t - from < 2 * 86400 || to - t < 2 * 86400)
        return 0;
    int64_t local = tz_utc_to_local(s->zone, t);
    if (local % 86400 != 0)
        return 0;
    *day = local / 86400;
    return 1;
}


int eng_whole_days(const snapshot *s, int64_t t0, int64_t t1, int64_t *d0, int64_t *d1)
{
    *d0 = INT64_MIN;
    *d1 = INT64_MAX;
    return (t0 == INT64_MIN || clean_midnight(s, t0, d0)) && (t1 == INT64_MAX || clean_midnight(s, t1, d1));
}

int eng_rep_dim(const snapshot *s, int32_t rep, kpi_dim d, int32_t *out)
{
    switch (d) {
    case DIM_REP:
        *out = rep;
        return 1;
    case DIM_TEAM:
        *out = rep >= 0 ? s->users.team[rep] : SNAP_NONE;
        return 1;
    case DIM_REGION:
        *out = rep >= 0 ? s->users.region[rep] : SNAP_NONE;
        return 1;
    default:
        return 0;
    }
}

int eng_party_dim(const snapshot *s, int32_t rep, int32_t acc, kpi_dim d, int32_t *out)
{
    switch (d) {
    case DIM_REP:
        *out = rep;
        return 1;
    case DIM_TEAM:
        *out = rep >= 0 ? s->users.team[rep] : SNAP_NONE;
        return 1;
    case DIM_ACCOUNT:
        *out = acc;
        return 1;
    case DIM_SEGMENT:
        *out = acc >= 0 ? s->accounts.segment[acc] : SNAP_NONE;
        return 1;
    case DIM_INDUSTRY:
        *out = acc >= 0 ? s->accounts.industry[acc] : SNAP_NONE;
        return 1;
    default:
        return 0;
    }
}

int32_t eng_deal_dim(const snapshot *s, size_t i, kpi_dim d, int64_t event)
{
    const snap_deals *dl = &s->deals;
    int32_t rep = dl->close_owner[i], acc = dl->account[i], v;
    if (eng_party_dim(s, rep, acc, d, &v))
        return v;
    switch (d) {
    case DIM_REGION: {
        int32_t r = rep >= 0 ? s->users.region[rep] : SNAP_NONE;
        return r >= 0 ? r : acc >= 0 ? s->accounts.region[acc] : SNAP_NONE;
    }
    case DIM_SOURCE:
        return dl->source[i];
    case DIM_STAGE:
        return dl->stage[i];
    case DIM_PIPELINE:
        return dl->pipeline[i];
    case DIM_PRODUCT:
        return dl->product[i];
    case DIM_CATEGORY:
        return dl->product[i] >= 0 ? s->products.category[dl->product[i]] : SNAP_NONE;
    case DIM_LOST_REASON:
        return dl->lost_reason[i];
    default:
        return eng_time_bucket(s, d, event);
    }
}

int eng_deal_passes(const snapshot *s, const kpi_query *q, size_t i, int64_t event)
{
    for (int f = 0; f < q->nfilters; f++) {
        const kpi_filter *flt = &q->filters[f];
        int32_t v = eng_deal_dim(s, i, flt->dim, event);
        int hit = eng_filter_has(flt, v);
        if (!hit)
            return 0;
    }
    return 1;
}

const snap_dict *eng_dim_dict(const snapshot *s, kpi_dim d)
{
    switch (d) {
    case DIM_SEGMENT:
        return &s->segments;
    case DIM_INDUSTRY:
        return &s->industries;
    case DIM_SOURCE:
        return &s->sources;
    case DIM_CATEGORY:
        return &s->categories;
    case DIM_LOST_REASON:
        return &s->lost_reasons;
    default:
        return NULL;
    }
}

/* 1 for an entity dimension (rep, team, account, region, product, stage, pipeline),
 * with its names[] index column and length (NULL and 0 when it has no values), 0
 * for the others. */
static int name_column(const snapshot *s, kpi_dim d, const int32_t **names, size_t *n)
{
    switch (d) {
    case DIM_REP: *n = s->users.n, *names = s->users.name; break;
    case DIM_TEAM: *n = s->teams.n, *names = s->teams.name; break;
    case DIM_ACCOUNT: *n = s->accounts.n, *names = s->accounts.name; break;
    case DIM_REGION: *n = s->regions.n, *names = s->regions.name; break;
    case DIM_PRODUCT: *n = s->products.n, *names = s->products.name; break;
    case DIM_STAGE: *n = s->stages.n, *names = s->stages.name; break;
    case DIM_PIPELINE: *n = s->pipelines.n, *names = s->pipelines.name; break;
    default: *n = 0, *names = NULL; return 0;
    }
    if (!*names)
        *n = 0;
    return 1;
}

/* The error for a value of entity dimension d that names none of its n values:
 * the values there are (the first ones), or that there are none. */
static emb_code no_such_value(const snapshot *s, kpi_dim d, const int32_t *names, size_t n, const char *text,
                              emb_err *err)
{
    char list[400] = "";
    size_t len = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (names[i] < 0)
            continue;
        const char *name = snap_text(&s->names, names[i]);
        if (shown == 10 || len + strlen(name) + 8 >= sizeof list) {
            snprintf(list + len, sizeof list - len, ", ...");
            break;
        }
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", shown ? ", " : "", name);
        shown++;
    }
    if (!shown)
        return emb_err_set(err, EMB_NOT_FOUND, _("no %1$s '%2$s': there is none yet"), kpi_dim_name(d), text);
    return emb_err_set(err, EMB_NOT_FOUND, _("no %1$s '%2$s'; the values of %1$s are: %3$s"), kpi_dim_name(d), text,
                       list);
}

const char *kpi_dim_label(const snapshot *s, kpi_dim d, int32_t code, arena *a)
{
    if (code == SNAP_NONE && d < DIM_DAY)
        return "(none)";
    if (d == DIM_ACTIVITY_TYPE)
        return code >= 0 && code <= ACT_NOTE ? snap_activity_types[code] : "?";
    if (d == DIM_OUTCOME)
        return code > OUT_NONE && code <= OUT_REJECTED ? snap_activity_outcomes[code] : "?";
    const snap_dict *dict = eng_dim_dict(s, d);
    if (dict)
        return code >= 0 && (size_t)code < dict->n ? snap_text(dict, (int32_t)code) : "?";
    size_t n;
    const int32_t *names;
    if (name_column(s, d, &names, &n))
        return code >= 0 && (size_t)code < n && names[code] >= 0 ? snap_text(&s->names, names[code]) : "?";
    char day[11];
    switch (d) {
    case DIM_DAY:
        date_format_iso(code, day);
        return arena_strdup(a, day);
    case DIM_WEEK: {
        /* ISO week of the Monday `code`: the year of its Thursday. */
        int y, m, dd;
        civil_from_days(code + 3, &y, &m, &dd);
        int64_t jan4 = days_from_civil(y, 1, 4);
        int64_t week1 = jan4 - (weekday_of(jan4) - 1);
        return arena_printf(a, "%04d-W%02d", y, (int)((code - week1) / 7 + 1));
    }
    case DIM_MONTH:
        return arena_printf(a, "%04d-%02d", code / 12, code % 12 + 1);
    case DIM_QUARTER:
        return arena_printf(a, "%04d-Q%d", code / 4, code % 4 + 1);
    case DIM_YEAR:
        return arena_printf(a, "%04d", code);
    default:
        return "?";
    }
}

/* "no %1$s '%2$s'" names a value of a dimension: its own msgid, apart from the
 * store's "no %s '%s'" that names a record (the Spanish of each differs). */
emb_code kpi_dim_value(const snapshot *s, kpi_dim d, const char *text, int32_t *code, emb_err *err)
{
    if (!strcmp(text, "(none)") || !strcmp(text, "none")) {
        *code = SNAP_NONE;
        return EMB_OK;
    }
    if (d == DIM_ACTIVITY_TYPE || d == DIM_OUTCOME) {
        const char *const *names = d == DIM_ACTIVITY_TYPE ? snap_activity_types : snap_activity_outcomes;
        for (int32_t i = d == DIM_OUTCOME; names[i]; i++)
            if (!strcasecmp(names[i], text)) {
                *code = i;
                return EMB_OK;
            }
        return emb_err_set(err, EMB_NOT_FOUND, _("no %1$s '%2$s'"), kpi_dim_name(d), text);
    }
    const snap_dict *dict = eng_dim_dict(s, d);
    if (dict) {
        for (size_t i = 0; i < dict->n; i++)
            if (!strcasecmp(snap_text(dict, (int32_t)i), text)) {
                *code = (int32_t)i;
                return EMB_OK;
            }
        return emb_err_set(err, EMB_NOT_FOUND, _("no %s '%s' in the data"), kpi_dim_name(d), text);
    }
    size_t n;
    const int32_t *names;
    if (name_column(s, d, &names, &n)) {
        int found = -1;
        for (size_t i = 0; i < n; i++)
            if (names[i] >= 0 && !strcasecmp(snap_text(&s->names, names[i]), text)) {
                if (found >= 0)
                    return emb_err_set(err, EMB_CONFLICT, _("several %ss are named '%s'"), kpi_dim_name(d), text);
                found = (int)i;
            }
        if (found < 0)
            return no_such_value(s, d, names, n, text, err);
        *code = found;
        return EMB_OK;
    }
    /* Time buckets: the period's own syntax, which must be of the dimension's kind. */
    period_range r;
    if (period_parse(text, NULL, PERIOD_NO_TODAY, &r, err) != EMB_OK)
        return err->code;
    int y, m, dd;
    civil_from_days(r.from, &y, &m, &dd);
    switch (d) {
    case DIM_DAY:
        *code = (int32_t)r.from;
        return r.to - r.from == 1 ? EMB_OK : emb_err_set(err, EMB_USAGE, _("'%s' is not a day"), text);
    case DIM_WEEK:
        *code = (int32_t)r.from;
        return r.to - r.from == 7 && weekday_of(r.from) == 1
                   ? EMB_OK
                   : emb_err_set(err, EMB_USAGE, _("'%s' is not an ISO week such as 2026-W27"), text);
    case DIM_MONTH:
        *code = y * 12 + m - 1;
        return dd == 1 && r.to == days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1)
                   ? EMB_OK
                   : emb_err_set(err, EMB_USAGE, _("'%s' is not a month such as 2026-07"), text);
    case DIM_QUARTER:
        *code = y * 4 + (m - 1) / 3;
        return EMB_OK;
    case DIM_YEAR:
        *code = y;
        return EMB_OK;
    default:
        return emb_err_set(err, EMB_USAGE, _("dimension '%s' has no values"), kpi_dim_name(d));
    }
}
