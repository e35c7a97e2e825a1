/*
 * org.h - the organisation's settings (name, currency, time zone, locale, fiscal
 * year, week start): their validation and their change with an audit row, shared
 * by `embudo init` and PATCH /api/v1/settings; changes of the organisation's
 * language that reach its data (the names of the default pipeline's stages), and
 * the creation of its owner.
 *
 * Unless a function says otherwise, the caller holds the store's write
 * transaction; nothing is kept after a call.
 */
#ifndef EMB_STORE_ORG_H
#define EMB_STORE_ORG_H

#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

/* Sets organisation.locale to locale ("en" or "es") and, for "es", renames the
 * default pipeline's stages that still carry their English default names
 * (Prospecting .. Lost) to their Spanish names (stages.name_es: Prospección,
 * Calificación, Propuesta, Negociación, Ganado, Perdido). Stages renamed or
 * added by people are left as they are. *renamed (may be NULL) gets the number of
 * stages renamed. EMB_INVALID for another locale. */
emb_code store_org_set_locale(store *st, const char *locale, int *renamed, emb_err *err);

/* 1 when s looks like an email address: one '@' between a non-empty local part
 * and a non-empty domain, no spaces or control characters, the domain neither
 * starting nor ending with '.' ("ana@example.com", "ana@localhost"). */
int store_email_valid(const char *s);

/* Creates the organisation's owner: a user with role admin, name and email (a
 * valid email, store_email_valid), created at now. The audit row of its creation
 * names the owner itself as its author, so that no audit row is without one.
 * *id gets its users.id. EMB_INVALID for a bad email, EMB_CONFLICT when a user
 * already has it. */
emb_code store_org_create_owner(store *st, const char *name, const char *email, int64_t now, int64_t *id,
                                emb_err *err);

/* 1 when s is an ISO 4217 code as Embudo takes it (three capital letters). */
int store_currency_valid(const char *s);
/* 1 when s is an IANA time zone this machine knows ("UTC", "Europe/Madrid"). */
int store_timezone_valid(const char *s);

/* A change of the settings: NULL and 0 leave a setting as it is. */
typedef struct {
    const char *name, *currency, *timezone, *locale;
    int fiscal_year_start; /* 1-12 */
    int week_start;        /* 1 = Monday .. 7 = Sunday */
} org_changes;

typedef struct {
    const char *field;  /* name, currency, timezone, locale, fiscal_year_start, week_start */
    char message[256];  /* for people, quoting the value */
} org_field_error;

/* The errors of c, one per bad field (at most max, in the order above): their
 * number, 0 when c can be applied. */
int store_org_check(const org_changes *c, org_field_error *errors, int max);

/* Applies c (checked) to the organisation row, the locale through
 * store_org_set_locale (*renamed: stages renamed, may be NULL). When audit is 1
 * and a setting changes, appends one audit_log row (action "update", kind
 * "organisation", record 1, detail {"before": {...}, "after": {...}} of the
 * settings that changed) by author (users.id, 0: none) at now. The caller then
 * reloads the store's copy (store_reload_org). */
emb_code store_org_apply(store *st, const org_changes *c, int64_t author, int64_t now, int audit, int *renamed,
                         emb_err *err);

/* store_org_check, then store_org_apply with its audit row in a transaction of its
 * own, and the store's copy reloaded: EMB_INVALID (first field error's message)
 * when c is bad, writing nothing. */
emb_code store_org_update(store *st, const org_changes *c, int64_t author, int64_t now, int *renamed,
                          emb_err *err);

#endif
