/*
 * org.h - changes of the organisation's language that reach its data: the names of
 * the default pipeline's stages.
 *
 * The caller holds the store's write transaction; nothing is kept after a call.
 */
#ifndef EMB_STORE_ORG_H
#define EMB_STORE_ORG_H

#include "core/error.h"
#include "store/store.h"

/* Sets organisation.locale to locale ("en" or "es") and, for "es", renames the
 * default pipeline's stages that still carry their English default names
 * (Prospecting .. Lost) to their Spanish names (stages.name_es: Prospección,
 * Calificación, Propuesta, Negociación, Ganado, Perdido). Stages renamed or
 * added by people are left as they are. *renamed (may be NULL) gets the number of
 * stages renamed. EMB_INVALID for another locale. */
emb_code store_org_set_locale(store *st, const char *locale, int *renamed, emb_err *err);

#endif
