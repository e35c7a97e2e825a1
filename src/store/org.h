/*
 * org.h - changes of the organisation's language that reach its data (the names of
 * the default pipeline's stages), and the creation of its owner.
 *
 * The caller holds the store's write transaction; nothing is kept after a call.
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

#endif
