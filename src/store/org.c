/* org.c - the organisation's locale and the stage names that follow it; see org.h. */
#include "store/org.h"

#include <sqlite3.h>
#include <string.h>

emb_code store_org_set_locale(store *st, const char *locale, int *renamed, emb_err *err)
{
    if (renamed)
        *renamed = 0;
    if (strcmp(locale, "en") && strcmp(locale, "es"))
        return emb_err_set(err, EMB_INVALID, "locale '%s' is unknown; use en or es", locale);
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "UPDATE organisation SET locale = ?1 WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, "organisation locale", err);
    sqlite3_bind_text(s, 1, locale, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(st, "organisation locale", err);
    if (strcmp(locale, "es"))
        return EMB_OK;
    if (sqlite3_prepare_v2(db,
                           "UPDATE stages SET name = name_es WHERE name_es IS NOT NULL AND name_es <> '' "
                           "AND pipeline_id = (SELECT id FROM pipelines WHERE is_default = 1) "
                           "AND name IN ('Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Won', 'Lost')",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, "stage names", err);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(st, "stage names", err);
    if (renamed)
        *renamed = sqlite3_changes(db);
    return EMB_OK;
}
