/* access.c - roles and record-level access; the rules are in access.h. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "store/access.h"
#include "store/auth.h"

/* How a kind's records are reached. */
typedef enum {
    CLASS_OWNED,     /* owner_id names the user the record belongs to */
    CLASS_LINES,     /* order lines: their order's owner */
    CLASS_GOALS,     /* read by every role with records; written by managers for their teams */
    CLASS_REFERENCE, /* the organisation's reference data: read by all with records, written by admins */
    CLASS_SPEND,     /* expenses: read by managers, written by admins */
    CLASS_ADMIN,     /* nothing but admins */
} kind_class;

static const struct {
    const char *kind;
    kind_class class;
} kind_classes[] = {
    {"accounts", CLASS_OWNED},   {"contacts", CLASS_OWNED},     {"leads", CLASS_OWNED},
    {"deals", CLASS_OWNED},      {"activities", CLASS_OWNED},   {"orders", CLASS_OWNED},
    {"order_lines", CLASS_LINES}, {"goals", CLASS_GOALS},       {"regions", CLASS_REFERENCE},
    {"users", CLASS_REFERENCE},  {"teams", CLASS_REFERENCE},    {"pipelines", CLASS_REFERENCE},
    {"stages", CLASS_REFERENCE}, {"products", CLASS_REFERENCE}, {"rates", CLASS_REFERENCE},
    {"expenses", CLASS_SPEND},
};

/* A kind nobody listed here (a future one) is the admin's alone until it is. */
static kind_class class_of(const kind_def *kind)
{
    for (size_t i = 0; i < sizeof kind_classes / sizeof kind_classes[0]; i++)
        if (!strcmp(kind_classes[i].kind, kind->name))
            return kind_classes[i].class;
    return CLASS_ADMIN;
}

static const char *const role_names[] = {"viewer", "rep", "manager", "admin"};

int access_role_parse(const char *name)
{
    return name ? auth_role_rank(name) : -1;
}

const char *access_role_name(access_role role)
{
    return (unsigned)role < 4 ? role_names[role] : "viewer";
}

access_scope access_scope_everything(void)
{
    return (access_scope){.role = ROLE_ADMIN};
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

emb_code access_scope_load(store *st, int64_t user_id, access_role role, arena *a, access_scope *out, emb_err *err)
{
    *out = (access_scope){.role = role, .user_id = user_id};
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT active FROM users WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
        return emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, user_id);
    int rc = sqlite3_step(s);
    int active = rc == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    if (!active)
        return emb_err_set(err, EMB_NOT_FOUND, _("user #%lld does not exist or is inactive"), (long long)user_id);
    if (role == ROLE_ADMIN || role == ROLE_VIEWER)
        return EMB_OK;
    /* A manager reaches themselves, the members of the teams they manage and the
     * people who report to them; a rep only themselves. */
    const char *sql = role == ROLE_MANAGER
                          ? "SELECT ?1 UNION SELECT id FROM users WHERE manager_id = ?1"
                            " UNION SELECT u.id FROM users u JOIN teams t ON u.team_id = t.id WHERE t.manager_id = ?1"
                          : "SELECT ?1";
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, user_id);
    size_t n = 0, cap = 8;
    int64_t *ids = arena_alloc(a, cap * sizeof *ids);
    while (ids && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            int64_t *more = arena_alloc(a, 2 * cap * sizeof *more);
            if (more)
                memcpy(more, ids, n * sizeof *ids);
            ids = more;
            cap *= 2;
            if (!ids)
                break;
        }
        ids[n++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    if (!ids)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (rc != SQLITE_DONE)
        return emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    qsort(ids, n, sizeof *ids, cmp_id);
    out->owners = ids;
    out->nowners = n;
    return EMB_OK;
}

int access_kind_allows(const access_scope *s, const kind_def *kind, access_op op)
{
    if (s->role == ROLE_ADMIN)
        return 1;
    if (s->role == ROLE_VIEWER)
        return 0;
    switch (class_of(kind)) {
    case CLASS_OWNED:
    case CLASS_LINES:
        return 1;
    case CLASS_GOALS:
        return op == ACCESS_READ || s->role == ROLE_MANAGER;
    case CLASS_REFERENCE:
        return op == ACCESS_READ;
    case CLASS_SPEND:
        return op == ACCESS_READ && s->role == ROLE_MANAGER;
    case CLASS_ADMIN:
        return 0;
    }
    return 0;
}

/* "1,4,9": the scope's owners, in a. */
static const char *owner_list(const access_scope *s, arena *a)
{
    size_t size = s->nowners * 21 + 1;
    char *text = arena_alloc(a, size);
    if (!text)
        return NULL;
    size_t len = 0;
    text[0] = '\0';
    for (size_t i = 0; i < s->nowners; i++)
        len += (size_t)snprintf(text + len, size - len, "%s%" PRId64, i ? "," : "", s->owners[i]);
    return text;
}

/* The condition for op on the kind's rows (op READ and UPDATE reach the accounts
 * and contacts of the scope's deals; DELETE only what the scope owns). NULL when
 * every row is reachable, "0" when none is, and on out of memory. */
static const char *filter_for(const access_scope *s, const kind_def *kind, access_op op, arena *a)
{
    if (s->role == ROLE_ADMIN)
        return NULL;
    if (!access_kind_allows(s, kind, op))
        return "0";
    const char *owners = owner_list(s, a);
    if (!owners)
        return "0";
    int through_deals = op != ACCESS_DELETE && op != ACCESS_CREATE;
    switch (class_of(kind)) {
    case CLASS_OWNED:
        if (through_deals && !strcmp(kind->name, "accounts"))
            return arena_printf(a,
                                "(owner_id IN (%s) OR id IN (SELECT account_id FROM deals WHERE owner_id IN (%s)))",
                                owners, owners);
        if (through_deals && !strcmp(kind->name, "contacts"))
            return arena_printf(a,
                                "(owner_id IN (%s) OR id IN (SELECT contact_id FROM deals WHERE owner_id IN (%s))"
                                " OR account_id IN (SELECT account_id FROM deals WHERE owner_id IN (%s)))",
                                owners, owners, owners);
        return arena_printf(a, "owner_id IN (%s)", owners);
    case CLASS_LINES:
        return arena_printf(a, "order_id IN (SELECT id FROM orders WHERE owner_id IN (%s))", owners);
    case CLASS_GOALS:
        if (op == ACCESS_READ)
            return NULL;
        return arena_printf(a,
                            "((scope = 'team' AND team_id IN (SELECT id FROM teams WHERE manager_id = %" PRId64
                            ")) OR (scope = 'rep' AND user_id IN (%s)))",
                            s->user_id, owners);
    case CLASS_REFERENCE:
    case CLASS_SPEND:
        return NULL; /* kind-level rights only */
    case CLASS_ADMIN:
        return "0";
    }
    return "0";
}

const char *access_sql_filter(const access_scope *s, const kind_def *kind, arena *a)
{
    return filter_for(s, kind, ACCESS_READ, a);
}

emb_code access_record_allows(store *st, const access_scope *s, const kind_def *kind, int64_t id, access_op op,
                              int *allowed, emb_err *err)
{
    *allowed = 0;
    if (!access_kind_allows(s, kind, op))
        return EMB_OK;
    arena a;
    arena_init(&a, 0);
    const char *filter = filter_for(s, kind, op == ACCESS_CREATE ? ACCESS_UPDATE : op, &a);
    char *sql = arena_printf(&a, "SELECT 1 FROM %s WHERE id = ?1%s%s", kind->table, filter ? " AND " : "",
                             filter ? filter : "");
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *stmt = NULL;
    emb_code rc = EMB_OK;
    if (!sql)
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    else if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        rc = emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    else {
        sqlite3_bind_int64(stmt, 1, id);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW)
            *allowed = 1;
        else if (step != SQLITE_DONE)
            rc = emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    }
    sqlite3_finalize(stmt);
    arena_release(&a);
    return rc;
}

static int owned_by_scope(const access_scope *s, int64_t owner_id)
{
    return bsearch(&owner_id, s->owners, s->nowners, sizeof *s->owners, cmp_id) != NULL;
}

/* The value of field name in r, or NULL when r does not set it (or has no such field). */
static const field_value *set_field(const record *r, const char *name)
{
    int i = kind_field_index(r->kind, name);
    return i >= 0 && r->v[i].state != FV_UNSET ? &r->v[i] : NULL;
}

/* 1 when the scope's user manages team team_id. */
static emb_code manages_team(store *st, const access_scope *s, int64_t team_id, int *yes, emb_err *err)
{
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *stmt;
    *yes = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM teams WHERE id = ?1 AND manager_id = ?2", -1, &stmt, NULL) !=
        SQLITE_OK)
        return emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    sqlite3_bind_int64(stmt, 1, team_id);
    sqlite3_bind_int64(stmt, 2, s->user_id);
    int step = sqlite3_step(stmt);
    *yes = step == SQLITE_ROW;
    sqlite3_finalize(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return emb_err_set(err, EMB_IO, _("access rights cannot be read: %s"), sqlite3_errmsg(db));
    return EMB_OK;
}

emb_code access_write_allows(store *st, const access_scope *s, const record *after, int *allowed, emb_err *err)
{
    *allowed = 0;
    if (s->role == ROLE_ADMIN) {
        *allowed = 1;
        return EMB_OK;
    }
    if (s->role == ROLE_VIEWER)
        return EMB_OK;
    const field_value *v;
    switch (class_of(after->kind)) {
    case CLASS_OWNED:
        v = set_field(after, "owner");
        *allowed = !v || (v->state == FV_SET && owned_by_scope(s, v->i));
        return EMB_OK;
    case CLASS_LINES:
        v = set_field(after, "order");
        if (!v) {
            *allowed = 1;
            return EMB_OK;
        }
        if (v->state != FV_SET)
            return EMB_OK;
        return access_record_allows(st, s, kind_find("orders"), v->i, ACCESS_UPDATE, allowed, err);
    case CLASS_GOALS: {
        if (s->role != ROLE_MANAGER)
            return EMB_OK;
        const field_value *rep = set_field(after, "rep"), *team = set_field(after, "team"),
                          *scope = set_field(after, "scope");
        if (scope && (scope->state != FV_SET || !strcmp(scope->s, "org")))
            return EMB_OK; /* an organisation goal is the admin's */
        if (rep && rep->state == FV_SET)
            *allowed = owned_by_scope(s, rep->i);
        else if (team && team->state == FV_SET)
            return manages_team(st, s, team->i, allowed, err);
        else
            *allowed = !rep && !team; /* neither changes: the stored goal was checked */
        return EMB_OK;
    }
    case CLASS_REFERENCE:
    case CLASS_SPEND:
    case CLASS_ADMIN:
        *allowed = access_kind_allows(s, after->kind, ACCESS_UPDATE);
        return EMB_OK;
    }
    return EMB_OK;
}

int access_metrics_restricted(const access_scope *s)
{
    return s->role == ROLE_REP || s->role == ROLE_MANAGER;
}

int access_event_allows(const access_scope *s, const kind_def *kind, int64_t owner_id, int is_import,
                        int64_t author_id)
{
    if (s->role == ROLE_ADMIN)
        return 1;
    if (is_import)
        return s->role == ROLE_VIEWER || (author_id && author_id == s->user_id);
    if (!access_kind_allows(s, kind, ACCESS_READ))
        return 0;
    switch (class_of(kind)) {
    case CLASS_OWNED:
        return owner_id && owned_by_scope(s, owner_id);
    case CLASS_GOALS:
    case CLASS_REFERENCE:
    case CLASS_SPEND:
        return 1;
    case CLASS_LINES: /* an order line's owner is its order's: the caller passes it */
        return owner_id && owned_by_scope(s, owner_id);
    case CLASS_ADMIN:
        return 0;
    }
    return 0;
}
