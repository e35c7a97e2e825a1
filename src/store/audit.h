/*
 * audit.h - the audit log: who changed what, when, with the values before and
 * after. records.c writes a row for every insert, update and delete made outside a
 * bulk load (a bulk load writes one row for the whole load); credentials, imports
 * and their undo write their own actions. This module reads it back for
 * `embudo audit` and GET /api/v1/audit.
 *
 * A change's detail is JSON: {"before": {FIELD: VALUE...}, "after": {...}} with the
 * stored fields that differ (an insert has only "after" with the fields it set, a
 * delete only "before" with the whole record), values in storage form (minor
 * units, Unix seconds, ids of references), never a secret field.
 *
 * Ownership: entries and their strings live in the arena given to the call.
 */
#ifndef EMB_AUDIT_H
#define EMB_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "store/records.h"
#include "store/store.h"

/* The detail of a change from before to after (either NULL: an insert or a
 * delete), malloc'd; NULL when nothing differs or out of memory. */
char *audit_change_detail(const record *before, const record *after);

typedef struct {
    int64_t id, at;
    int64_t user_id;          /* 0: unknown (an import, or a user deleted since) */
    const char *user_email;   /* NULL when no user or the user has no email */
    const char *user_name;    /* NULL when no user */
    const char *action;       /* insert, update, delete, import, undo, password, token-create ... */
    const char *kind;
    int64_t record_id;        /* 0 when the row is not about one record */
    const char *detail;       /* JSON text, or NULL */
} audit_entry;

typedef struct {
    int64_t since, until;  /* [since, until) Unix seconds; 0: unbounded */
    int64_t user_id;       /* 0: anyone */
    const char *kind;      /* NULL: every kind */
    int64_t record_id;     /* 0: every record */
    const char *action;    /* NULL: every action */
    int64_t before_id;     /* 0: from the newest; else entries with id < before_id (paging) */
    int64_t limit;         /* at most this many (1..1000) */
} audit_filter;

/* The entries matching f, newest first. */
emb_code store_audit_list(store *st, const audit_filter *f, arena *a, audit_entry **out, size_t *n, emb_err *err);

#endif
