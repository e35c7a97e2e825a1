/*
 * access.h - who may see and change what: the one place the rules of roles and
 * record-level access live. Every front-end (the server's routes, list filters,
 * metrics, the event stream) asks here; none writes a rule of its own.
 *
 * The rules (docs/server.md, "Roles"):
 *  - admin: every record of every kind, users and settings, the audit log.
 *  - manager: the records owned by the people of their team(s) (the users of the
 *    teams they manage, the users whose manager they are, and themselves), and
 *    the metrics over those records; reads the organisation's reference data
 *    (users, teams, regions, pipelines, stages, products, rates, expenses), its
 *    leaderboard and its goals; writes goals of their teams and people.
 *  - rep: their own records (owner = them), the accounts and contacts of their
 *    own deals (read and update, not delete), metrics over their own records;
 *    reads the reference data except expenses, the organisation's leaderboard
 *    and goals.
 *  - viewer: no records; dashboards, metrics and the leaderboard of the whole
 *    organisation.
 * A record owned by nobody is the admin's alone (managers and reps do not see it).
 * Order lines follow their order; a deal's history follows the deal.
 *
 * Ownership: an access_scope and its owner list live in the arena given to
 * access_scope_load(); the scope is read-only afterwards and may be shared.
 */
#ifndef EMB_ACCESS_H
#define EMB_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "store/records.h"
#include "store/store.h"

typedef enum { ROLE_VIEWER = 0, ROLE_REP, ROLE_MANAGER, ROLE_ADMIN } access_role;

typedef enum { ACCESS_READ = 0, ACCESS_CREATE, ACCESS_UPDATE, ACCESS_DELETE } access_op;

typedef struct {
    access_role role;
    int64_t user_id;
    /* The users whose records the scope reaches (sorted, unique); unused for admin
     * and viewer. A rep's holds only themselves. */
    const int64_t *owners;
    size_t nowners;
} access_scope;

/* The role named (admin, manager, rep, viewer), or -1. */
int access_role_parse(const char *name);
const char *access_role_name(access_role role);

/* The scope of user_id acting with role (the session's or token's, which may be
 * lower than the user's own). EMB_NOT_FOUND when the user does not exist or is
 * inactive. */
emb_code access_scope_load(store *st, int64_t user_id, access_role role, arena *a, access_scope *out, emb_err *err);

/* The whole organisation: what the CLI acts as (an admin with no user). */
access_scope access_scope_everything(void);

/* Kind-level: 1 when the scope may do op on some records of the kind (for a
 * route to answer 403 before reading anything), else 0. */
int access_kind_allows(const access_scope *s, const kind_def *kind, access_op op);

/* Record-level filter for lists and exports: an SQL condition over the kind's
 * table (its columns unqualified, usable after WHERE ... AND) that holds exactly
 * for the records the scope may read, in arena a; NULL when it may read all (or
 * none: check access_kind_allows first). Only integers taken from the scope go
 * into the text. */
const char *access_sql_filter(const access_scope *s, const kind_def *kind, arena *a);

/* Record-level check of one stored record: *allowed = 1 when the scope may do op
 * on record id of kind (it exists or not: a missing record is not allowed, and
 * the caller answers 404 for both, so existence does not leak). */
emb_code access_record_allows(store *st, const access_scope *s, const kind_def *kind, int64_t id, access_op op,
                              int *allowed, emb_err *err);

/* For a write: whether the values a write sets are the scope's to set. after
 * holds the fields the write sets (all of them for a create, the changed ones for
 * an update, as store_record_insert/update take them); a field left unset is not
 * checked (an update must also pass access_record_allows for the stored record).
 * For owned kinds the owner set must be one of s->owners (a manager's people, a
 * rep themselves; not none); an order line's order must be one the scope may
 * update; a goal must be a rep goal of one of s->owners or a team goal of a team
 * the manager manages. Kinds with kind-level rights only answer 1. Front-ends
 * give a record created without an owner the acting user as owner before asking.
 * *allowed = 1 when allowed; the error is for a failed read only. */
emb_code access_write_allows(store *st, const access_scope *s, const record *after, int *allowed, emb_err *err);

/* Metrics: 1 when the scope's metrics are restricted to the facts of the users
 * in s->owners (rep, manager); 0 when they see the whole organisation (admin,
 * viewer). The leaderboard and goals are the organisation's for every role. */
int access_metrics_restricted(const access_scope *s);

/* Events (store/events.h): 1 when the scope may see an event about a record of
 * kind whose owner is owner_id (0: nobody; the owner now, or as deleted), read as
 * the record lists are (a manager's people, a rep's own; viewers none); with
 * is_import, an import of kind made by author_id instead: admins and viewers see
 * every import (their metrics are the organisation's), a rep or manager only
 * their own. */
int access_event_allows(const access_scope *s, const kind_def *kind, int64_t owner_id, int is_import,
                        int64_t author_id);

#endif
