/*
 * events.h - the changes the event stream (GET /api/v1/events) and webhooks
 * announce, derived from the audit log (audit.h) rather than written a second
 * time: every write of every process already leaves one audit row, in the same
 * transaction, with an increasing id. An event is one audit row seen through
 * event_type_of(); its id is the row's id, so a reader resumes after the last id
 * it saw and misses nothing, whoever wrote.
 *
 * Types, from one audit row each (the most specific that applies):
 *   deal.created         insert of a deal
 *   deal.won / deal.lost an update whose status becomes won / lost
 *   deal.stage_changed   an update that changes the stage otherwise (reopening included)
 *   deal.amount_changed  an update that changes the amount and not the stage
 *   deal.updated         any other update of a deal
 *   deal.deleted         delete of a deal
 *   activity.logged      insert of an activity
 *   import.finished      an import (of any kind; one audit row per import)
 * Other rows (other kinds, credentials, an import's undo) make no event.
 *
 * Who sees an event (the rules are access.h's, access_event_allows): an event about
 * a deal or an activity is visible to a scope that may read the record as it is
 * now (or, once deleted, as it was when deleted); import.finished to admins and
 * viewers (whose metrics are the organisation's) and to the rep or manager who
 * ran it; its file name to admins only.
 *
 * Ownership: events and their strings live in the arena given to the call; the
 * JSON text of event_json() is malloc'd, the caller's to free.
 */
#ifndef EMB_EVENTS_H
#define EMB_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "store/access.h"
#include "store/store.h"

typedef enum {
    EV_DEAL_CREATED = 0,
    EV_DEAL_UPDATED,
    EV_DEAL_STAGE_CHANGED,
    EV_DEAL_WON,
    EV_DEAL_LOST,
    EV_DEAL_AMOUNT_CHANGED,
    EV_DEAL_DELETED,
    EV_ACTIVITY_LOGGED,
    EV_IMPORT_FINISHED,
    EV_NTYPES
} event_type;

/* "deal.created" ... ; NULL outside the enum. */
const char *event_type_name(event_type t);
/* The type named, or -1. */
int event_type_parse(const char *name);

/* The event an audit row makes (action, kind and detail as audit.h stores them;
 * detail may be NULL), or -1 for none. Pure: no database. */
int event_type_of(const char *action, const char *kind, const char *detail);

typedef struct {
    int64_t id;             /* the audit row's id */
    int64_t at;             /* Unix seconds */
    event_type type;
    const char *kind;       /* deals, activities, or the imported kind */
    int64_t record_id;      /* 0 for import.finished */
    const char *record_key; /* the record's external id, or "#ID" without one; NULL for an import */
    int64_t owner_id;       /* the record's owner now (as deleted, once deleted); 0 none */
    int64_t user_id;        /* who wrote it; 0 unknown */
    const char *user_email, *user_name; /* NULL when unknown */
    const char *detail;     /* the audit row's JSON detail, or NULL */
} store_event;

/* The highest audit row id (0 for an empty log): what a new stream starts after. */
emb_code store_events_last_id(store *st, int64_t *out, emb_err *err);

/* The events after audit row after_id that scope may see (all when scope is
 * NULL), oldest first, from at most limit rows (1..1000) of the kinds events are
 * made of. *next is where to resume: the last row examined, which may be past the
 * last event returned (a row the scope may not see is skipped for good); equal
 * to after_id when nothing new was committed. */
emb_code store_events_after(store *st, const access_scope *scope, int64_t after_id, size_t limit, arena *a,
                            store_event **out, size_t *n, int64_t *next, emb_err *err);

/* The event as a JSON object text (compact, malloc'd), NULL when out of memory:
 * {"id", "type", "at" (ISO 8601 UTC), "kind", "record": {"id", "key"} or null,
 *  "user": {"id", "email", "name"} or null, "changes": {"before", "after"} (the
 * fields that changed, in storage form: minor units, Unix seconds, ids of
 * references) for a record, "import": {"rows", "created", "updated", "rejected"}
 * (and "file" when with_file) for an import}. */
char *event_json(const store_event *e, int with_file);

#endif
