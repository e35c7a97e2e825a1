/* org.c - the organisation's locale and the stage names that follow it (org.h); the
 * kinds' nouns in the language of messages (store_internal.h). */
#include "store/org.h"

#include <sqlite3.h>
#include <string.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "core/kind.h"
#include "store/records.h"
#include "store/store_internal.h"

/* The nouns of the kinds in messages, by kind (plural name, singular noun); the
 * plural nouns are the kinds' names themselves, marked where the CLI lists them. */
static const struct {
    const char *name, *noun;
} kind_nouns[] = {
    {"regions", N_("region")},        {"users", N_("user")},       {"teams", N_("team")},
    {"accounts", N_("account")},      {"contacts", N_("contact")}, {"leads", N_("lead")},
    {"pipelines", N_("pipeline")},    {"stages", N_("stage")},     {"products", N_("product")},
    {"deals", N_("deal")},            {"activities", N_("activity")}, {"orders", N_("order")},
    {"order_lines", N_("order_line")}, {"goals", N_("goal")},      {"expenses", N_("expense")},
    {"rates", N_("rate")},
};

const char *store__kind_noun(const kind_def *kind)
{
    for (size_t i = 0; i < sizeof kind_nouns / sizeof kind_nouns[0]; i++)
        if (!strcmp(kind->name, kind_nouns[i].name))
            return _(kind_nouns[i].noun);
    return kind->singular;
}

const char *store__kind_nouns(const kind_def *kind) { return _(kind->name); }

emb_code store_org_set_locale(store *st, const char *locale, int *renamed, emb_err *err)
{
    if (renamed)
        *renamed = 0;
    if (strcmp(locale, "en") && strcmp(locale, "es"))
        return emb_err_set(err, EMB_INVALID, _("locale '%s' is unknown; use en or es"), locale);
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "UPDATE organisation SET locale = ?1 WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("organisation locale"), err);
    sqlite3_bind_text(s, 1, locale, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(st, _("organisation locale"), err);
    if (strcmp(locale, "es"))
        return EMB_OK;
    if (sqlite3_prepare_v2(db,
                           "UPDATE stages SET name = name_es WHERE name_es IS NOT NULL AND name_es <> '' "
                           "AND pipeline_id = (SELECT id FROM pipelines WHERE is_default = 1) "
                           "AND name IN ('Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Won', 'Lost')",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("stage names"), err);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(st, _("stage names"), err);
    if (renamed)
        *renamed = sqlite3_changes(db);
    return EMB_OK;
}

int store_email_valid(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || !at[1] || at[1] == '.' || s[strlen(s) - 1] == '.')
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    return 1;
}

emb_code store_org_create_owner(store *st, const char *name, const char *email, int64_t now, int64_t *id,
                                emb_err *err)
{
    *id = 0;
    if (!store_email_valid(email))
        return emb_err_set(err, EMB_INVALID, _("owner email '%s' is not an email address such as ana@example.com"),
                           email);
    const kind_def *users = kind_find("users");
    if (!users)
        return emb_err_set(err, EMB_INTERNAL, "no users kind");
    arena a;
    arena_init(&a, 0);
    record *r = record_new(&a, users);
    emb_code rc = r ? EMB_OK : emb_err_set(err, EMB_NOMEM, "out of memory");
    if (!rc) {
        record_set_text(r, kind_field_index(users, "name"), name);
        record_set_text(r, kind_field_index(users, "email"), email);
        record_set_text(r, kind_field_index(users, "role"), "admin");
        change_ctx quiet = {.now = now, .bulk = 1}; /* its audit row is written below, by the owner */
        rc = store_record_insert(st, r, &quiet, err);
    }
    if (!rc) {
        change_ctx by_owner = {.now = now, .author_id = r->id};
        rc = records__audit(st, users, "insert", r->id, NULL, &by_owner, err);
        if (!rc)
            *id = r->id;
    }
    arena_release(&a);
    return rc;
}
