/* route_settings.c - GET /api/v1/settings (any user) and PATCH /api/v1/settings
 * (admins): the organisation's settings, changed through store_org_update (the
 * same checks as `embudo init`, one transaction, an audit row). */
#include <jansson.h>
#include <microhttpd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "http/route.h"
#include "store/org.h"

/* {"name", "currency", "timezone", "locale", "fiscal_year_start", "week_start"}. */
static json_t *settings_json(store *st)
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

static void reply_settings(http_request *req, http_reply *out, store *st)
{
    json_t *o = settings_json(st);
    http_db_release(req->srv, st);
    if (!o)
        http_reply_problem(out, 503, _("the settings cannot be read"), NULL);
    else
        http_reply_json(out, 200, o);
}

void route_settings_get(http_request *req, http_reply *out)
{
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(req->srv, &st, &err)) {
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return;
    }
    reply_settings(req, out, st);
}

enum { MAX_ERRORS = 8 };

void route_settings_patch(http_request *req, http_reply *out)
{
    if (strcmp(req->role, "admin")) {
        http_reply_problem(out, 403, _("only an admin can change the settings"), NULL);
        return;
    }
    json_t *body = http_request_json_object(req, out);
    if (!body)
        return;
    static const char *const texts[] = {"name", "currency", "timezone", "locale"};
    static const char *const numbers[] = {"fiscal_year_start", "week_start"};
    org_changes c = {0};
    const char **text_slots[] = {&c.name, &c.currency, &c.timezone, &c.locale};
    int *number_slots[] = {&c.fiscal_year_start, &c.week_start};
    const char *fields[MAX_ERRORS], *messages[MAX_ERRORS];
    int n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
            if (!strcmp(key, texts[i])) {
                known = 1;
                if (json_is_string(v))
                    *text_slots[i] = json_string_value(v);
                else if (n < MAX_ERRORS) {
                    fields[n] = key;
                    messages[n++] = _("must be text");
                }
            }
        for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++)
            if (!strcmp(key, numbers[i])) {
                known = 1;
                json_int_t x = json_is_integer(v) ? json_integer_value(v) : 0;
                if (x && x >= -99999 && x <= 99999) { /* store_org_check judges the range, quoting x */
                    *number_slots[i] = (int)x;
                } else if (n < MAX_ERRORS) {
                    fields[n] = key;
                    messages[n++] = !json_is_integer(v) ? _("must be a whole number")
                                    : i == 0        ? _("must be a month number 1-12")
                                                    : _("must be 1 (Monday) to 7 (Sunday)");
                }
            }
        if (!known && n < MAX_ERRORS) {
            fields[n] = key;
            messages[n++] = _("unknown field: the settings are name, currency, timezone, locale, fiscal_year_start "
                              "and week_start");
        }
    }
    org_field_error errors[MAX_ERRORS];
    int nbad = n < MAX_ERRORS ? store_org_check(&c, errors, MAX_ERRORS - n) : 0;
    for (int i = 0; i < nbad && n < MAX_ERRORS; i++) {
        fields[n] = errors[i].field;
        messages[n++] = errors[i].message;
    }
    if (n) {
        http_reply_field_errors(out, _("the settings are not valid"), fields, messages, n);
        json_decref(body);
        return;
    }
    store *st;
    emb_err err;
    emb_err_clear(&err);
    if (http_db_acquire(req->srv, &st, &err)) {
        json_decref(body);
        http_reply_problem(out, 503, _("the database cannot be read"), err.msg);
        return;
    }
    if (store_org_update(st, &c, req->user_id, (int64_t)time(NULL), NULL, &err)) {
        json_decref(body);
        http_db_release(req->srv, st);
        if (err.code == EMB_INVALID)
            http_reply_problem(out, 400, _("the settings are not valid"), err.msg);
        else
            http_reply_problem(out, emb_http_status(err.code), _("the settings cannot be changed"), err.msg);
        return;
    }
    json_decref(body);
    reply_settings(req, out, st);
}
