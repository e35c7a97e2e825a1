/* org_settings.c - the organisation's settings: validation and change with an audit
 * row; see org.h. */
#include <ctype.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "store/org.h"

int store_currency_valid(const char *s)
{
    if (strlen(s) != 3)
        return 0;
    for (int i = 0; i < 3; i++)
        if (!isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

int store_timezone_valid(const char *s)
{
    if (!*s || s[0] == '/' || strstr(s, ".."))
        return 0;
    if (!strcmp(s, "UTC"))
        return 1;
    char path[512];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", s);
    return access(path, R_OK) == 0;
}

int store_org_check(const org_changes *c, org_field_error *errors, int max)
{
    int n = 0;
#define FIELD_ERROR(f, ...)                                                                       \
    do {                                                                                          \
        if (n < max) {                                                                            \
            errors[n].field = f;                                                                  \
            snprintf(errors[n].message, sizeof errors[n].message, __VA_ARGS__);                    \
        }                                                                                         \
        n++;                                                                                      \
    } while (0)
    if (c->name && (!*c->name || strspn(c->name, " \t") == strlen(c->name) || strlen(c->name) > 200))
        FIELD_ERROR("name", _("the organisation's name '%s' must have from 1 to 200 characters, not only spaces"),
                    c->name);
    if (c->currency && !store_currency_valid(c->currency))
        FIELD_ERROR("currency", _("currency '%s' is not an ISO 4217 code such as EUR or USD"), c->currency);
    if (c->timezone && !store_timezone_valid(c->timezone))
        FIELD_ERROR("timezone", _("time zone '%s' is unknown; use an IANA name such as Europe/Madrid"), c->timezone);
    if (c->locale && strcmp(c->locale, "en") && strcmp(c->locale, "es"))
        FIELD_ERROR("locale", _("locale '%s' must be en or es"), c->locale);
    if (c->fiscal_year_start && (c->fiscal_year_start < 1 || c->fiscal_year_start > 12))
        FIELD_ERROR("fiscal_year_start", _("fiscal_year_start %d must be a month number 1-12"), c->fiscal_year_start);
    if (c->week_start && (c->week_start < 1 || c->week_start > 7))
        FIELD_ERROR("week_start", _("week_start %d must be 1 (Monday) to 7 (Sunday)"), c->week_start);
#undef FIELD_ERROR
    return n;
}

/* The settings as a JSON object, read from the row. */
static json_t *settings_now(store *st)
{
    sqlite3_stmt *s;
    json_t *o = NULL;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "SELECT name, currency, timezone, locale, fiscal_year_start, week_start FROM organisation "
                           "WHERE id = 1",
                           -1, &s, NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "name", (const char *)sqlite3_column_text(s, 0), "currency",
                      (const char *)sqlite3_column_text(s, 1), "timezone", (const char *)sqlite3_column_text(s, 2),
                      "locale", (const char *)sqlite3_column_text(s, 3), "fiscal_year_start",
                      (json_int_t)sqlite3_column_int64(s, 4), "week_start", (json_int_t)sqlite3_column_int64(s, 5));
    sqlite3_finalize(s);
    return o;
}

/* The audit row of a change from before to after: only the settings that changed;
 * none when nothing did. */
static emb_code audit_change(store *st, json_t *before, json_t *after, int64_t author, int64_t now, emb_err *err)
{
    json_t *b = json_object(), *a = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(after, key, value) {
        json_t *old = json_object_get(before, key);
        if (!json_equal(old, value)) {
            json_object_set(b, key, old);
            json_object_set(a, key, value);
        }
    }
    emb_code rc = EMB_OK;
    if (json_object_size(a)) {
        json_t *detail = json_pack("{s:O, s:O}", "before", b, "after", a);
        char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(detail);
        sqlite3_stmt *s;
        if (!text) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        } else if (sqlite3_prepare_v2(store_sqlite(st),
                                      "INSERT INTO audit_log (at, user_id, action, kind, record_id, detail) "
                                      "VALUES (?1, ?2, 'update', 'organisation', 1, ?3)",
                                      -1, &s, NULL) != SQLITE_OK) {
            rc = store_sql_error(st, "audit_log", err);
        } else {
            sqlite3_bind_int64(s, 1, now);
            if (author > 0)
                sqlite3_bind_int64(s, 2, author);
            sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = store_sql_error(st, "audit_log", err);
            sqlite3_finalize(s);
        }
        free(text);
    }
    json_decref(b);
    json_decref(a);
    return rc;
}

emb_code store_org_apply(store *st, const org_changes *c, int64_t author, int64_t now, int audit, int *renamed,
                         emb_err *err)
{
    if (renamed)
        *renamed = 0;
    json_t *before = audit ? settings_now(st) : NULL;
    if (audit && !before)
        return store_sql_error(st, "settings", err);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "UPDATE organisation SET name = coalesce(?1, name), currency = coalesce(?2, currency), "
                           "timezone = coalesce(?3, timezone), fiscal_year_start = coalesce(?4, fiscal_year_start), "
                           "week_start = coalesce(?5, week_start) WHERE id = 1",
                           -1, &s, NULL) != SQLITE_OK) {
        json_decref(before);
        return store_sql_error(st, "settings", err);
    }
    const char *texts[] = {c->name, c->currency, c->timezone};
    for (int i = 0; i < 3; i++)
        if (texts[i])
            sqlite3_bind_text(s, i + 1, texts[i], -1, SQLITE_STATIC);
    if (c->fiscal_year_start)
        sqlite3_bind_int64(s, 4, c->fiscal_year_start);
    if (c->week_start)
        sqlite3_bind_int64(s, 5, c->week_start);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    emb_code code = EMB_OK;
    if (rc != SQLITE_DONE)
        code = store_sql_error(st, "settings", err);
    else if (c->locale)
        code = store_org_set_locale(st, c->locale, renamed, err);
    if (!code && audit) {
        json_t *after = settings_now(st);
        code = after ? audit_change(st, before, after, author, now, err) : store_sql_error(st, "settings", err);
        json_decref(after);
    }
    json_decref(before);
    return code;
}

emb_code store_org_update(store *st, const org_changes *c, int64_t author, int64_t now, int *renamed, emb_err *err)
{
    org_field_error e;
    if (store_org_check(c, &e, 1))
        return emb_err_set(err, EMB_INVALID, "%s", e.message);
    emb_code rc = store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = store_org_apply(st, c, author, now, 1, renamed, err))) {
        store_rollback(st);
        return rc;
    }
    if ((rc = store_commit(st, err)))
        return rc;
    return store_reload_org(st, err);
}
