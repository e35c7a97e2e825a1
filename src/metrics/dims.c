/* dims.c - labels of dimension values and their lookup from user text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/period.h"
#include "metrics/engine.h"
#include "metrics/engine_internal.h"

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

/* The names[] index column of an entity dimension, and its length. */
static const int32_t *name_column(const snapshot *s, kpi_dim d, size_t *n)
{
    switch (d) {
    case DIM_REP:
        *n = s->users.n;
        return s->users.name;
    case DIM_TEAM:
        *n = s->teams.n;
        return s->teams.name;
    case DIM_ACCOUNT:
        *n = s->accounts.n;
        return s->accounts.name;
    case DIM_REGION:
        *n = s->regions.n;
        return s->regions.name;
    case DIM_PRODUCT:
        *n = s->products.n;
        return s->products.name;
    case DIM_STAGE:
        *n = s->stages.n;
        return s->stages.name;
    case DIM_PIPELINE:
        *n = s->pipelines.n;
        return s->pipelines.name;
    default:
        *n = 0;
        return NULL;
    }
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
    const int32_t *names = name_column(s, d, &n);
    if (names)
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
    const int32_t *names = name_column(s, d, &n);
    if (names) {
        int found = -1;
        for (size_t i = 0; i < n; i++)
            if (names[i] >= 0 && !strcasecmp(snap_text(&s->names, names[i]), text)) {
                if (found >= 0)
                    return emb_err_set(err, EMB_CONFLICT, _("several %ss are named '%s'"), kpi_dim_name(d), text);
                found = (int)i;
            }
        if (found < 0)
            return emb_err_set(err, EMB_NOT_FOUND, _("no %1$s '%2$s'"), kpi_dim_name(d), text);
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
