/*
 * records.c - generic insert/update/get/delete/resolve of records of any kind,
 * with the domain rules listed in records.h. SQL is built from the kind tables
 * and cached per kind in the store's statement slots:
 *   slot = kind_index * SLOTS_PER_KIND + op.
 */
#include "store/records.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/kind.h"
#include "store/audit.h"
#include "store/import_log.h"
#include "store/store_internal.h"

enum {
    SLOTS_PER_KIND = 48,
    OP_INSERT = 0,
    OP_FIND_EXT,
    OP_GET,
    OP_KEY,
    OP_COUNT,
    OP_HISTORY,
    OP_DEAL_PRODUCT,
    OP_STAGE_INFO,
    OP_DEFAULT_PIPELINE,
    OP_AUDIT,
    OP_FIRST_STAGE,
    OP_UPDATE,
    OP_PRODUCT_GET,
    OP_MATCH = 16, /* + field index, exact match */
};

#define SQL_MAX 4096

int field_is_text(const field_def *f)
{
    switch (f->type) {
    case FT_TEXT:
    case FT_ENUM:
    case FT_DATE:
    case FT_CURRENCY:
    case FT_PERIOD:
        return 1;
    default:
        return 0;
    }
}

record *record_new(arena *a, const kind_def *kind)
{
    record *r = arena_alloc(a, sizeof *r);
    if (!r)
        return NULL;
    r->kind = kind;
    r->id = 0;
    r->v = arena_calloc(a, kind->nfields, sizeof *r->v);
    return r->v ? r : NULL;
}

void record_set_int(record *r, int idx, int64_t value) { r->v[idx] = (field_value){FV_SET, value, NULL}; }
void record_set_text(record *r, int idx, const char *s) { r->v[idx] = (field_value){FV_SET, 0, s}; }
void record_set_null(record *r, int idx) { r->v[idx] = (field_value){FV_NULL, 0, NULL}; }

field_value *record_get(record *r, const char *name)
{
    int i = kind_field_index(r->kind, name);
    return i < 0 ? NULL : &r->v[i];
}

static int is_set(record *r, const char *name)
{
    field_value *v = record_get(r, name);
    return v && v->state == FV_SET;
}

static unsigned kind_index(const kind_def *kind)
{
    const kind_def *const *all = kind_all();
    for (unsigned i = 0; all[i]; i++)
        if (all[i] == kind)
            return i;
    return 0;
}

static unsigned slot(const kind_def *kind, unsigned op) { return kind_index(kind) * SLOTS_PER_KIND + op; }
/* Statements tied to no kind (stage and pipeline lookups) use the slots of the
 * first kind (regions) for ops it never runs, without a kind lookup per row. */
static unsigned global_slot(unsigned op) { return op; }

static int stored(const field_def *f) { return f->column != NULL; }

void records__bind_value(sqlite3_stmt *s, int pos, const field_def *f, const field_value *v)
{
    if (v->state != FV_SET)
        sqlite3_bind_null(s, pos);
    else if (field_is_text(f))
        sqlite3_bind_text(s, pos, v->s, -1, SQLITE_STATIC); /* v->s outlives the step that follows */
    else
        sqlite3_bind_int64(s, pos, v->i);
}

void store__read_value(sqlite3_stmt *s, int col, const field_def *f, field_value *v, arena *a)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL) {
        *v = (field_value){FV_NULL, 0, NULL};
    } else if (field_is_text(f)) {
        const char *t = (const char *)sqlite3_column_text(s, col);
        *v = (field_value){FV_SET, 0, arena_strdup(a, t ? t : "")};
    } else {
        *v = (field_value){FV_SET, sqlite3_column_int64(s, col), NULL};
    }
}

/* "col1, col2, ..." of every stored field, in field order. */
static void column_list(const kind_def *kind, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < kind->nfields; i++) {
        if (!stored(&kind->fields[i]))
            continue;
        n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? ", " : "", kind->fields[i].column);
    }
}

emb_code records__constraint_error(store *st, const kind_def *kind, emb_err *err)
{
    const char *msg = sqlite3_errmsg(store_sqlite(st));
    int ext = sqlite3_extended_errcode(store_sqlite(st));
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return emb_err_set(err, EMB_CONFLICT, _("another %s already has that value (%s)"), store__kind_noun(kind), msg);
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
        return emb_err_set(err, EMB_CONFLICT, _("%s is referenced by other records or refers to a missing one"),
                           store__kind_noun(kind));
    if ((ext & 0xff) == SQLITE_CONSTRAINT)
        return emb_err_set(err, EMB_INVALID, _("%s breaks a rule of the database: %s"), store__kind_noun(kind), msg);
    return store_sql_error(st, store__kind_noun(kind), err);
}

/* ---- domain rules ---------------------------------------------------------- */

static emb_code default_pipeline(store *st, int64_t *id, emb_err *err)
{
    sqlite3_stmt *s = store__stmt(st, global_slot(OP_DEFAULT_PIPELINE),
                                  "SELECT id FROM pipelines ORDER BY is_default DESC, id LIMIT 1", err);
    if (!s)
        return err->code;
    int found = sqlite3_step(s) == SQLITE_ROW;
    if (found)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s); /* a statement left stepping holds the read and the connection */
    if (!found)
        return emb_err_set(err, EMB_INVALID, _("there is no pipeline; create one with `embudo pipeline add`"));
    return EMB_OK;
}

/* The pipeline and kind of a stage. */
static emb_code stage_info(store *st, int64_t stage_id, int64_t *pipeline_id, char kind[8], emb_err *err)
{
    sqlite3_stmt *s = store__stmt(st, global_slot(OP_STAGE_INFO),
                                  "SELECT pipeline_id, kind FROM stages WHERE id = ?", err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, stage_id);
    int found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        *pipeline_id = sqlite3_column_int64(s, 0);
        snprintf(kind, 8, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_reset(s);
    if (!found)
        return emb_err_set(err, EMB_INVALID, _("stage #%lld does not exist"), (long long)stage_id);
    return EMB_OK;
}

static emb_code first_open_stage(store *st, int64_t pipeline_id, int64_t *stage_id, emb_err *err)
{
    sqlite3_stmt *s = store__stmt(st, global_slot(OP_FIRST_STAGE),
                                  "SELECT id FROM stages WHERE pipeline_id = ? AND kind = 'open' "
                                  "ORDER BY position LIMIT 1",
                                  err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, pipeline_id);
    int found = sqlite3_step(s) == SQLITE_ROW;
    if (found)
        *stage_id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (!found)
        return emb_err_set(err, EMB_INVALID, _("pipeline #%lld has no open stage"), (long long)pipeline_id);
    return EMB_OK;
}

/* default_pipeline, stage_info and first_open_stage through ctx->memo when the
 * caller keeps one (bulk loads): each answer is read once per load. */
static emb_code memo_default_pipeline(store *st, const change_ctx *ctx, int64_t *id, emb_err *err)
{
    store_deal_memo *m = ctx ? ctx->memo : NULL;
    if (m && m->default_pipeline) {
        *id = m->default_pipeline;
        return EMB_OK;
    }
    if (default_pipeline(st, id, err))
        return err->code;
    if (m)
        m->default_pipeline = *id;
    return EMB_OK;
}

static emb_code memo_stage_info(store *st, const change_ctx *ctx, int64_t stage_id, int64_t *pipeline_id,
                                char kind[8], emb_err *err)
{
    store_deal_memo *m = ctx ? ctx->memo : NULL;
    if (m)
        for (size_t i = 0; i < m->nstages; i++)
            if (m->stage[i].id == stage_id) {
                *pipeline_id = m->stage[i].pipeline;
                memcpy(kind, m->stage[i].kind, 8);
                return EMB_OK;
            }
    if (stage_info(st, stage_id, pipeline_id, kind, err))
        return err->code;
    if (m && m->nstages < STORE_MEMO_STAGES) {
        m->stage[m->nstages].id = stage_id;
        m->stage[m->nstages].pipeline = *pipeline_id;
        memcpy(m->stage[m->nstages].kind, kind, 8);
        m->nstages++;
    }
    return EMB_OK;
}

static emb_code memo_first_open_stage(store *st, const change_ctx *ctx, int64_t pipeline_id, int64_t *stage_id,
                                      emb_err *err)
{
    store_deal_memo *m = ctx ? ctx->memo : NULL;
    if (m)
        for (size_t i = 0; i < m->npipelines; i++)
            if (m->pipeline[i].pipeline == pipeline_id) {
                *stage_id = m->pipeline[i].first_open;
                return EMB_OK;
            }
    if (first_open_stage(st, pipeline_id, stage_id, err))
        return err->code;
    if (m && m->npipelines < STORE_MEMO_PIPELINES) {
        m->pipeline[m->npipelines].pipeline = pipeline_id;
        m->pipeline[m->npipelines].first_open = *stage_id;
        m->npipelines++;
    }
    return EMB_OK;
}

/* A change to a stage or a pipeline forgets what ctx->memo remembers. */
static void memo_forget(const kind_def *k, const change_ctx *ctx)
{
    if (ctx && ctx->memo && (!strcmp(k->name, "stages") || !strcmp(k->name, "pipelines")))
        memset(ctx->memo, 0, sizeof *ctx->memo);
}

static void set_default_int(record *r, const char *name, int64_t value)
{
    int i = kind_field_index(r->kind, name);
    if (i >= 0 && r->v[i].state == FV_UNSET)
        record_set_int(r, i, value);
}

static void set_default_text(record *r, const char *name, const char *value)
{
    int i = kind_field_index(r->kind, name);
    if (i >= 0 && r->v[i].state == FV_UNSET)
        record_set_text(r, i, value);
}

static const char *lead_status_times[] = {"mql_at", "sql_at", "converted_at", NULL};

/* Defaults common to insert: creation time, currency, enumerations' defaults. */
static void apply_insert_defaults(store *st, record *r, const change_ctx *ctx)
{
    const char *kind = r->kind->name;
    set_default_int(r, "created", ctx->now);
    set_default_text(r, "currency", store_org(st)->currency);
    if (!strcmp(kind, "users")) {
        set_default_text(r, "role", "rep");
        set_default_int(r, "active", 1);
    } else if (!strcmp(kind, "products")) {
        set_default_int(r, "active", 1);
    } else if (!strcmp(kind, "leads")) {
        set_default_text(r, "status", "new");
    } else if (!strcmp(kind, "activities")) {
        set_default_int(r, "cold", 0);
    } else if (!strcmp(kind, "order_lines")) {
        set_default_int(r, "discount", 0);
    } else if (!strcmp(kind, "pipelines")) {
        set_default_int(r, "default", 0);
    } else if (!strcmp(kind, "stages") && !is_set(r, "pipeline")) {
        emb_err ignored; /* no pipeline at all: check_required reports the field */
        int64_t p = 0;
        if (default_pipeline(st, &p, &ignored) == EMB_OK)
            set_default_int(r, "pipeline", p);
    } else if (!strcmp(kind, "goals")) {
        if (is_set(r, "rep"))
            set_default_text(r, "scope", "rep");
        else if (is_set(r, "team"))
            set_default_text(r, "scope", "team");
        else
            set_default_text(r, "scope", "org");
    }
}

/* Lead: the first time a status was reached defaults to creation time. */
static void lead_rules(record *r)
{
    field_value *status = record_get(r, "status");
    if (!status || status->state != FV_SET)
        return;
    static const char *const order[] = {"mql", "sql", "converted", NULL};
    int rank = -1;
    for (int i = 0; order[i]; i++)
        if (!strcmp(status->s, order[i]))
            rank = i;
    field_value *created = record_get(r, "created");
    int64_t at = created && created->state == FV_SET ? created->i : 0;
    for (int i = 0; i <= rank && lead_status_times[i]; i++)
        if (!is_set(r, lead_status_times[i]) && created && created->state == FV_SET)
            record_set_int(r, kind_field_index(r->kind, lead_status_times[i]), at);
    if (!strcmp(status->s, "disqualified") && !is_set(r, "disqualified_at") && created &&
        created->state == FV_SET)
        record_set_int(r, kind_field_index(r->kind, "disqualified_at"), at);
}

/* The deal kind's field indexes: from ctx->memo when the caller keeps one, else
 * looked up into *local. */
static const store_deal_fields *deal_fields(const kind_def *k, const change_ctx *ctx, store_deal_fields *local)
{
    store_deal_memo *m = ctx ? ctx->memo : NULL;
    if (m && m->have_fields)
        return &m->fields;
    store_deal_fields *f = m ? &m->fields : local;
    *f = (store_deal_fields){
        .pipeline = kind_field_index(k, "pipeline"),
        .stage = kind_field_index(k, "stage"),
        .status = kind_field_index(k, "status"),
        .closed = kind_field_index(k, "closed"),
        .created = kind_field_index(k, "created"),
        .amount = kind_field_index(k, "amount"),
        .currency = kind_field_index(k, "currency"),
        .owner = kind_field_index(k, "owner"),
        .expected_close = kind_field_index(k, "expected_close"),
    };
    if (m)
        m->have_fields = 1;
    return f;
}

/* Deal: pipeline, status from stage, close time. `before` is the stored row on
 * update (NULL on insert). */
static emb_code deal_rules(store *st, record *r, const record *before, const change_ctx *ctx, emb_err *err)
{
    store_deal_fields local;
    const store_deal_fields *df = deal_fields(r->kind, ctx, &local);
    int ipipe = df->pipeline, istage = df->stage, istatus = df->status, iclosed = df->closed;
    int icreated = df->created;
    if (r->v[ipipe].state != FV_SET && !before) {
        int64_t p = 0;
        if (memo_default_pipeline(st, ctx, &p, err))
            return err->code;
        record_set_int(r, ipipe, p);
    }
    const field_value *stage = r->v[istage].state != FV_UNSET ? &r->v[istage] : before ? &before->v[istage] : NULL;
    if (!stage || stage->state != FV_SET)
        return emb_err_set(err, EMB_INVALID, _("deal needs a stage"));
    int64_t stage_pipe = 0;
    char kind[8];
    if (memo_stage_info(st, ctx, stage->i, &stage_pipe, kind, err))
        return err->code;
    const field_value *pipe = r->v[ipipe].state != FV_UNSET ? &r->v[ipipe] : before ? &before->v[ipipe] : NULL;
    if (pipe && pipe->state == FV_SET && pipe->i != stage_pipe) {
        if (r->v[ipipe].state == FV_UNSET)
            record_set_int(r, ipipe, stage_pipe); /* moving a stage moves the pipeline */
        else
            return emb_err_set(err, EMB_INVALID, _("stage #%lld belongs to another pipeline"), (long long)stage->i);
    }
    const char *old_status = before ? before->v[istatus].s : NULL;
    record_set_text(r, istatus, strcmp(kind, "won") == 0 ? "won" : strcmp(kind, "lost") == 0 ? "lost" : "open");
    const char *status = r->v[istatus].s;
    const field_value *closed = r->v[iclosed].state != FV_UNSET ? &r->v[iclosed] : before ? &before->v[iclosed] : NULL;
    int has_closed = closed && closed->state == FV_SET;
    if (!strcmp(status, "open")) {
        if (has_closed && r->v[iclosed].state == FV_SET)
            return emb_err_set(err, EMB_INVALID,
                               _("an open deal has no close date (got closed with stage of kind open)"));
        if (has_closed)
            record_set_null(r, iclosed); /* reopened */
    } else if (!has_closed || (before && old_status && !strcmp(old_status, "open") && r->v[iclosed].state == FV_UNSET)) {
        if (!before)
            return emb_err_set(err, EMB_INVALID, _("a %s deal needs its close date (field closed)"), status);
        record_set_int(r, iclosed, ctx->now);
    }
    const field_value *created = r->v[icreated].state != FV_UNSET ? &r->v[icreated] : before ? &before->v[icreated] : NULL;
    closed = r->v[iclosed].state != FV_UNSET ? &r->v[iclosed] : before ? &before->v[iclosed] : NULL;
    if (created && created->state == FV_SET && closed && closed->state == FV_SET && closed->i < created->i)
        return emb_err_set(err, EMB_INVALID, _("a deal cannot close before it is created"));
    return EMB_OK;
}

static const char *const tracked[] = {"stage", "status", "amount", "owner", "expected_close", NULL};

static int value_equal(const field_def *f, const field_value *a, const field_value *b)
{
    if (a->state != b->state)
        return 0;
    if (a->state != FV_SET)
        return 1;
    return field_is_text(f) ? strcmp(a->s, b->s) == 0 : a->i == b->i;
}

void records__bind_history(sqlite3_stmt *s, int pos, int64_t deal_id, int64_t at, const char *changed,
                           const record *state, const change_ctx *ctx)
{
    const kind_def *k = state->kind;
    sqlite3_bind_int64(s, pos, deal_id);
    sqlite3_bind_int64(s, pos + 1, at);
    if (ctx->author_id)
        sqlite3_bind_int64(s, pos + 2, ctx->author_id);
    else
        sqlite3_bind_null(s, pos + 2);
    sqlite3_bind_text(s, pos + 3, changed, -1, SQLITE_STATIC);
    store_deal_fields local;
    const store_deal_fields *df = deal_fields(k, ctx, &local);
    const int cols[] = {df->stage, df->status, df->amount, df->currency, df->owner, df->expected_close};
    for (int i = 0; i < 6; i++)
        records__bind_value(s, pos + 4 + i, &k->fields[cols[i]], &state->v[cols[i]]);
}

/* Appends one deal_history row with the state `now` (merged record), at `at`. */
static emb_code append_history(store *st, int64_t deal_id, int64_t at, const char *changed, const record *state,
                               const change_ctx *ctx, emb_err *err)
{
    const kind_def *k = state->kind;
    sqlite3_stmt *s = store__stmt(st, slot(k, OP_HISTORY), "INSERT INTO deal_history (" RECORDS_HISTORY_COLUMNS
                                  ") VALUES (?,?,?,?,?,?,?,?,?,?)", err);
    if (!s)
        return err->code;
    records__bind_history(s, 1, deal_id, at, changed, state, ctx);
    if (sqlite3_step(s) != SQLITE_DONE)
        return records__constraint_error(st, k, err);
    return EMB_OK;
}

/* Adds a product to a deal (the deal kind's virtual field "product"). */
emb_code records__add_deal_product(store *st, const record *r, emb_err *err)
{
    const field_value *p = record_get((record *)r, "product");
    if (!p || p->state != FV_SET)
        return EMB_OK;
    sqlite3_stmt *s = store__stmt(st, slot(r->kind, OP_DEAL_PRODUCT),
                                  "INSERT INTO deal_products (deal_id, product_id, quantity, unit_price) "
                                  "VALUES (?, ?, 1, ?) ON CONFLICT (deal_id, product_id) DO UPDATE SET "
                                  "unit_price = excluded.unit_price",
                                  err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, r->id);
    sqlite3_bind_int64(s, 2, p->i);
    const field_value *amount = record_get((record *)r, "amount");
    if (amount && amount->state == FV_SET)
        sqlite3_bind_int64(s, 3, amount->i);
    else
        sqlite3_bind_null(s, 3);
    if (sqlite3_step(s) != SQLITE_DONE)
        return records__constraint_error(st, r->kind, err);
    return EMB_OK;
}

static emb_code check_required(const record *r, emb_err *err)
{
    for (size_t i = 0; i < r->kind->nfields; i++) {
        const field_def *f = &r->kind->fields[i];
        if ((f->flags & FF_REQUIRED) && stored(f) && r->v[i].state != FV_SET)
            return emb_err_set(err, EMB_INVALID, _("%s needs a value for field '%s' (%s)"), store__kind_noun(r->kind),
                               f->name, _(f->help));
    }
    return EMB_OK;
}

emb_code records__audit(store *st, const kind_def *kind, const char *action, int64_t record_id,
                        const char *detail, const change_ctx *ctx, emb_err *err)
{
    sqlite3_stmt *s = store__stmt(st, slot(kind, OP_AUDIT),
                                  "INSERT INTO audit_log (at, user_id, action, kind, record_id, detail) "
                                  "VALUES (?,?,?,?,?,?)",
                                  err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, ctx->now);
    if (ctx->author_id)
        sqlite3_bind_int64(s, 2, ctx->author_id);
    sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, kind->name, -1, SQLITE_STATIC);
    if (record_id)
        sqlite3_bind_int64(s, 5, record_id);
    if (detail)
        sqlite3_bind_text(s, 6, detail, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_sql_error(st, _("audit log"), err);
    return EMB_OK;
}

/* The audit row of one record's change from before to after (audit.h); a bulk load
 * writes one for the whole load. */
static emb_code audit(store *st, const char *action, const kind_def *kind, int64_t id, const record *before,
                      const record *after, const change_ctx *ctx, emb_err *err)
{
    if (ctx->bulk)
        return EMB_OK;
    char *detail = audit_change_detail(before, after);
    emb_code rc = records__audit(st, kind, action, id, detail, ctx, err);
    free(detail);
    return rc;
}

/* Stages keep unique positions in their pipeline: a stage given position `to`
 * that another stage holds moves the stages from `to` on one place down (a new
 * stage, from = 0) or shifts those between its old place `from` and `to` (a moved
 * stage), so the order the user chose holds and no two stages share a place. */
static emb_code stage_make_room(store *st, int64_t pipeline, int64_t id, int64_t from, int64_t to, emb_err *err)
{
    const char *sql =
        "UPDATE stages SET position = CASE WHEN ?4 = 0 OR ?3 < ?4 THEN position + 1 ELSE position - 1 END "
        "WHERE pipeline_id = ?1 AND id != ?2 "
        "AND EXISTS (SELECT 1 FROM stages WHERE pipeline_id = ?1 AND position = ?3 AND id != ?2) "
        "AND CASE WHEN ?4 = 0 THEN position >= ?3 WHEN ?3 < ?4 THEN position >= ?3 AND position < ?4 "
        "ELSE position > ?4 AND position <= ?3 END";
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("stage positions"), err);
    sqlite3_bind_int64(s, 1, pipeline);
    sqlite3_bind_int64(s, 2, id);
    sqlite3_bind_int64(s, 3, to);
    sqlite3_bind_int64(s, 4, from);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? EMB_OK : store_sql_error(st, _("stage positions"), err);
}

/* ---- operations ------------------------------------------------------------ */

emb_code records__prepare_insert(store *st, record *r, const change_ctx *ctx, emb_err *err)
{
    const kind_def *k = r->kind;
    memo_forget(k, ctx);
    apply_insert_defaults(st, r, ctx);
    if (!strcmp(k->name, "deals") && deal_rules(st, r, NULL, ctx, err))
        return err->code;
    if (!strcmp(k->name, "leads"))
        lead_rules(r);
    return check_required(r, err);
}

emb_code records__implied_history(store *st, const record *r, const change_ctx *ctx, arena *a,
                                  records_history h[2], int *n, emb_err *err)
{
    const kind_def *k = r->kind;
    store_deal_fields local;
    const store_deal_fields *df = deal_fields(k, ctx, &local);
    int istatus = df->status;
    int64_t created = r->v[df->created].i;
    if (!strcmp(r->v[istatus].s, "open")) {
        h[0] = (records_history){created, "created", r};
        *n = 1;
        return EMB_OK;
    }
    /* Only the dates are known: open in the pipeline's first stage from creation,
     * then closed in its stage at the close time. */
    int64_t first_stage = 0;
    if (memo_first_open_stage(st, ctx, r->v[df->pipeline].i, &first_stage, err))
        return err->code;
    record *open_state = record_new(a, k);
    if (!open_state)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    memcpy(open_state->v, r->v, k->nfields * sizeof *r->v);
    record_set_text(open_state, istatus, "open");
    record_set_int(open_state, df->stage, first_stage);
    h[0] = (records_history){created, "created", open_state};
    h[1] = (records_history){r->v[df->closed].i, "status", r};
    *n = 2;
    return EMB_OK;
}

emb_code store_record_insert(store *st, record *r, const change_ctx *ctx, emb_err *err)
{
    const kind_def *k = r->kind;
    if (records__prepare_insert(st, r, ctx, err))
        return err->code;
    if (!strcmp(k->name, "stages") &&
        stage_make_room(st, record_get(r, "pipeline")->i, 0, 0, record_get(r, "position")->i, err))
        return err->code;
    sqlite3_stmt *s = store__stmt(st, slot(k, OP_INSERT), NULL, NULL); /* the SQL is built once */
    if (!s) {
        char cols[SQL_MAX], sql[SQL_MAX];
        column_list(k, cols, sizeof cols);
        size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s (%s) VALUES (", k->table, cols);
        int nstored = 0;
        for (size_t i = 0; i < k->nfields; i++)
            if (stored(&k->fields[i]))
                n += (size_t)snprintf(sql + n, sizeof sql - n, "%s?", nstored++ ? ", " : "");
        snprintf(sql + n, sizeof sql - n, ")");
        if (!(s = store__stmt(st, slot(k, OP_INSERT), sql, err)))
            return err->code;
    }
    int pos = 1;
    for (size_t i = 0; i < k->nfields; i++)
        if (stored(&k->fields[i]))
            records__bind_value(s, pos++, &k->fields[i], &r->v[i]);
    if (sqlite3_step(s) != SQLITE_DONE)
        return records__constraint_error(st, k, err);
    r->id = sqlite3_last_insert_rowid(store_sqlite(st));

    if (!strcmp(k->name, "deals")) {
        arena tmp;
        arena_init(&tmp, 1024);
        records_history h[2];
        int nh = 0;
        emb_code rc = records__implied_history(st, r, ctx, &tmp, h, &nh, err);
        for (int i = 0; !rc && i < nh; i++)
            rc = append_history(st, r->id, h[i].at, h[i].changed, h[i].state, ctx, err);
        arena_release(&tmp);
        if (rc)
            return rc;
        if (records__add_deal_product(st, r, err))
            return err->code;
    }
    return audit(st, "insert", k, r->id, NULL, r, ctx, err);
}

/* Whether deal r's product link (virtual field "product") is stored as r would
 * write it: *same = 1 when r names no product or the link holds r's amount;
 * *link = the id of the existing link row, 0 when none. */
static emb_code deal_product_same(store *st, const record *r, int *same, int64_t *link, emb_err *err)
{
    *same = 1;
    *link = 0;
    const field_value *p = record_get((record *)r, "product");
    if (!p || p->state != FV_SET)
        return EMB_OK;
    sqlite3_stmt *s = store__stmt(st, slot(r->kind, OP_PRODUCT_GET),
                                  "SELECT id, unit_price FROM deal_products WHERE deal_id = ? AND product_id = ?", err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, r->id);
    sqlite3_bind_int64(s, 2, p->i);
    int rc = sqlite3_step(s);
    *same = 0;
    if (rc == SQLITE_ROW) {
        *link = sqlite3_column_int64(s, 0);
        const field_value *amount = record_get((record *)r, "amount");
        int null = sqlite3_column_type(s, 1) == SQLITE_NULL;
        *same = amount->state == FV_SET ? !null && sqlite3_column_int64(s, 1) == amount->i : null;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? EMB_OK : store_sql_error(st, _("deal products"), err);
}

/* Writes every stored field of r (the merged row) with one statement per kind,
 * prepared once. */
static emb_code update_row(store *st, const record *r, emb_err *err)
{
    const kind_def *k = r->kind;
    sqlite3_stmt *s = store__stmt(st, slot(k, OP_UPDATE), NULL, NULL);
    if (!s) {
        char sql[SQL_MAX];
        size_t n = (size_t)snprintf(sql, sizeof sql, "UPDATE %s SET ", k->table);
        int nset = 0;
        for (size_t i = 0; i < k->nfields; i++)
            if (stored(&k->fields[i]))
                n += (size_t)snprintf(sql + n, sizeof sql - n, "%s%s = ?", nset++ ? ", " : "", k->fields[i].column);
        snprintf(sql + n, sizeof sql - n, " WHERE id = ?");
        if (!(s = store__stmt(st, slot(k, OP_UPDATE), sql, err)))
            return err->code;
    }
    int pos = 1;
    for (size_t i = 0; i < k->nfields; i++)
        if (stored(&k->fields[i]))
            records__bind_value(s, pos++, &k->fields[i], &r->v[i]);
    sqlite3_bind_int64(s, pos, r->id);
    if (sqlite3_step(s) != SQLITE_DONE)
        return records__constraint_error(st, k, err);
    sqlite3_reset(s);
    return EMB_OK;
}

/* The comma list of the tracked deal fields that differ between a and b, in
 * changed[size]; 0 when none. */
static size_t tracked_changes(const record *a, const record *b, char *changed, size_t size)
{
    const kind_def *k = a->kind;
    size_t cn = 0;
    changed[0] = '\0';
    for (int t = 0; tracked[t]; t++) {
        int i = kind_field_index(k, tracked[t]);
        if (!value_equal(&k->fields[i], &a->v[i], &b->v[i]))
            cn += (size_t)snprintf(changed + cn, size - cn, "%s%s", cn ? "," : "", tracked[t]);
    }
    return cn;
}

emb_code store_record_update(store *st, record *r, const change_ctx *ctx, emb_err *err)
{
    return store_record_change(st, r, ctx, NULL, err);
}

emb_code store_record_change(store *st, record *r, const change_ctx *ctx, int *changed_out, emb_err *err)
{
    const kind_def *k = r->kind;
    memo_forget(k, ctx);
    if (changed_out)
        *changed_out = 0;
    arena tmp;
    arena_init(&tmp, 4096);
    record *before = NULL;
    emb_code rc = store_record_get(st, k, r->id, &tmp, &before, err);
    if (rc)
        goto done;
    for (size_t i = 0; i < k->nfields; i++)
        if ((k->fields[i].flags & FF_DERIVED) && r->v[i].state != FV_UNSET && strcmp(k->name, "goals") != 0) {
            rc = emb_err_set(err, EMB_INVALID, _("field '%s' of a %s is computed and cannot be set"),
                             k->fields[i].name, store__kind_noun(k));
            goto done;
        }
    /* The rules below complete the change; work on a copy so the caller's record
     * keeps only what the caller set. */
    record *given = r;
    r = record_new(&tmp, k);
    if (!r) {
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    r->id = given->id;
    memcpy(r->v, given->v, k->nfields * sizeof *r->v);
    int is_deal = !strcmp(k->name, "deals");
    if (is_deal && (rc = deal_rules(st, r, before, ctx, err)))
        goto done;
    if (!strcmp(k->name, "leads")) {
        field_value *created = record_get(r, "created");
        if (created->state == FV_UNSET)
            *created = *record_get(before, "created");
        lead_rules(r);
    }
    /* The merged row must still satisfy the required fields. */
    record *merged = record_new(&tmp, k);
    if (!merged) {
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        goto done;
    }
    merged->id = r->id; /* add_deal_product() links the product to merged->id */
    for (size_t i = 0; i < k->nfields; i++)
        merged->v[i] = r->v[i].state != FV_UNSET ? r->v[i] : before->v[i];
    if ((rc = check_required(merged, err)))
        goto done;
    if (!strcmp(k->name, "stages") && r->v[kind_field_index(k, "position")].state == FV_SET) {
        const field_value *pipe = record_get(merged, "pipeline"), *was = record_get(before, "pipeline");
        int64_t from = pipe->i == was->i ? record_get(before, "position")->i : 0;
        int64_t to = record_get(merged, "position")->i;
        if (to != from && (rc = stage_make_room(st, pipe->i, r->id, from, to, err)))
            goto done;
    }

    /* Nothing is written for a row that holds every value already. */
    int row_same = 1, product_same = 1;
    int64_t link = 0;
    for (size_t i = 0; i < k->nfields && row_same; i++)
        if (stored(&k->fields[i]) && !value_equal(&k->fields[i], &before->v[i], &merged->v[i]))
            row_same = 0;
    if (is_deal && (rc = deal_product_same(st, merged, &product_same, &link, err)))
        goto done;
    if (row_same && product_same)
        goto done;
    if (changed_out)
        *changed_out = 1;
    if (!row_same && ((rc = import_log_save(ctx->log, k->table, r->id, err)) || (rc = update_row(st, merged, err))))
        goto done;
    if (is_deal) {
        char changed[128];
        if (tracked_changes(before, merged, changed, sizeof changed)) {
            const field_value *closed = record_get(merged, "closed");
            const field_value *status = record_get(merged, "status");
            /* A close is dated by its close time; other changes by the time of the change. */
            int64_t at = strstr(changed, "status") && strcmp(status->s, "open") && closed->state == FV_SET
                             ? closed->i
                             : ctx->now;
            if ((rc = append_history(st, r->id, at, changed, merged, ctx, err)))
                goto done;
        }
        if (!product_same && ((link && (rc = import_log_save(ctx->log, "deal_products", link, err))) ||
                              (rc = records__add_deal_product(st, merged, err))))
            goto done;
    }
    rc = audit(st, "update", k, r->id, before, merged, ctx, err);
done:
    arena_release(&tmp);
    return rc;
}

emb_code store_deal_history_change(store *st, const record *before, const record *after, const change_ctx *ctx,
                                   int *appended, emb_err *err)
{
    char changed[128];
    *appended = 0;
    if (!tracked_changes(before, after, changed, sizeof changed))
        return EMB_OK;
    *appended = 1;
    return append_history(st, after->id, ctx->now, changed, after, ctx, err);
}

emb_code store_record_get(store *st, const kind_def *kind, int64_t id, arena *a, record **out, emb_err *err)
{
    char cols[SQL_MAX], sql[SQL_MAX];
    column_list(kind, cols, sizeof cols);
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", cols, kind->table);
    sqlite3_stmt *s = store__stmt(st, slot(kind, OP_GET), sql, err);
    if (!s)
        return err->code;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return emb_err_set(err, EMB_NOT_FOUND, _("no %s #%lld"), store__kind_noun(kind), (long long)id);
    if (rc != SQLITE_ROW)
        return store_sql_error(st, store__kind_noun(kind), err);
    record *r = record_new(a, kind);
    if (!r)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    r->id = id;
    int col = 0;
    for (size_t i = 0; i < kind->nfields; i++)
        if (stored(&kind->fields[i]))
            store__read_value(s, col++, &kind->fields[i], &r->v[i], a);
    sqlite3_reset(s);
    *out = r;
    return EMB_OK;
}

emb_code store_record_delete(store *st, const kind_def *kind, int64_t id, const change_ctx *ctx, emb_err *err)
{
    /* The audit row of the delete names its author, who must still exist. */
    if (!strcmp(kind->name, "users") && ctx && ctx->author_id == id)
        return emb_err_set(err, EMB_CONFLICT,
                           _("user #%lld makes this change (the organisation's owner, or --as) and cannot delete "
                             "itself; act as another admin with --as EMAIL, or deactivate it with `embudo user update "
                             "#%lld --active false`"),
                           (long long)id, (long long)id);
    memo_forget(kind, ctx);
    /* The audit row keeps the deleted record whole. */
    arena tmp;
    arena_init(&tmp, 1024);
    record *before = NULL;
    if (!ctx->bulk) {
        emb_code got = store_record_get(st, kind, id, &tmp, &before, err);
        if (got) {
            arena_release(&tmp);
            return got;
        }
    }
    char sql[256];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", kind->table);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK) {
        arena_release(&tmp);
        return store_sql_error(st, _("delete"), err);
    }
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    emb_code code = EMB_OK;
    if (rc != SQLITE_DONE)
        code = records__constraint_error(st, kind, err);
    else if (sqlite3_changes(store_sqlite(st)) == 0)
        code = emb_err_set(err, EMB_NOT_FOUND, _("no %s #%lld"), store__kind_noun(kind), (long long)id);
    sqlite3_finalize(s);
    if (!code)
        code = audit(st, "delete", kind, id, before, NULL, ctx, err);
    arena_release(&tmp);
    return code;
}

emb_code store_record_find_ext(store *st, const kind_def *kind, const char *ext_id, int64_t *id, emb_err *err)
{
    *id = 0;
    if (kind_field_index(kind, "id") < 0)
        return EMB_OK;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE ext_id = ?", kind->table);
    sqlite3_stmt *s = store__stmt(st, slot(kind, OP_FIND_EXT), sql, err);
    if (!s)
        return err->code;
    sqlite3_bind_text(s, 1, ext_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_DONE)
        return store_sql_error(st, store__kind_noun(kind), err);
    sqlite3_reset(s);
    return EMB_OK;
}

/* Runs a one-column id query with key bound (and pipeline for stages); counts rows. */
static emb_code match_query(store *st, sqlite3_stmt *s, const char *key, int64_t pipeline_id, int with_pipeline,
                            int64_t *id, int *count, emb_err *err)
{
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    if (with_pipeline)
        sqlite3_bind_int64(s, 2, pipeline_id);
    *count = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if ((*count)++ == 0)
            *id = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return store_sql_error(st, _("lookup"), err);
    return EMB_OK;
}

emb_code store_record_resolve(store *st, const kind_def *kind, const char *key, int64_t pipeline_id, int64_t *id,
                              emb_err *err)
{
    *id = 0;
    if (!key || !*key)
        return emb_err_set(err, EMB_NOT_FOUND, _("empty %s reference"), store__kind_noun(kind));
    if (store_record_find_ext(st, kind, key, id, err))
        return err->code;
    if (*id)
        return EMB_OK;
    if (key[0] == '#' && key[1]) {
        char *end;
        long long v = strtoll(key + 1, &end, 10);
        if (!*end && v > 0) {
            arena tmp;
            arena_init(&tmp, 1024);
            record *r;
            emb_code rc = store_record_get(st, kind, v, &tmp, &r, err);
            arena_release(&tmp);
            if (rc == EMB_OK)
                *id = v;
            return rc;
        }
    }
    int is_stage = !strcmp(kind->name, "stages");
    if (is_stage && pipeline_id == 0 && default_pipeline(st, &pipeline_id, err))
        return err->code;
    /* Exact match on each match field, then case-insensitive, then normalised. */
    static const char *const form_before[] = {"", "", "emb_norm("};
    static const char *const form_after[] = {" = ?1", " = ?1 COLLATE NOCASE", ") = emb_norm(?1)"};
    for (int form = 0; form < 3; form++) {
        for (size_t i = 0; i < kind->nfields; i++) {
            const field_def *f = &kind->fields[i];
            if (!(f->flags & FF_MATCH) || !stored(f))
                continue;
            char cond[128], sql[512];
            snprintf(cond, sizeof cond, "%s%s%s", form_before[form], f->column, form_after[form]);
            snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE %s%s LIMIT 2", kind->table, cond,
                     is_stage ? " AND pipeline_id = ?2" : "");
            sqlite3_stmt *s = form == 0 ? store__stmt(st, slot(kind, OP_MATCH + (unsigned)i), sql, err) : NULL;
            if (form != 0 && sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) != SQLITE_OK)
                return store_sql_error(st, _("lookup"), err);
            if (!s)
                return err->code;
            int count = 0;
            emb_code rc = match_query(st, s, key, pipeline_id, is_stage, id, &count, err);
            if (form != 0)
                sqlite3_finalize(s);
            if (rc)
                return rc;
            if (count > 1) {
                *id = 0;
                return emb_err_set(err, EMB_CONFLICT, _("several %s have %s '%s'; use the id"),
                                   store__kind_nouns(kind), f->name, key);
            }
            if (count == 1)
                return EMB_OK;
        }
    }
    return emb_err_set(err, EMB_NOT_FOUND, _("no %s '%s'"), store__kind_noun(kind), key);
}

const char *store_record_key(store *st, const kind_def *kind, int64_t id, arena *a)
{
    if (kind_field_index(kind, "id") >= 0) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT ext_id FROM %s WHERE id = ?", kind->table);
        sqlite3_stmt *s = store__stmt(st, slot(kind, OP_KEY), sql, NULL);
        if (s) {
            sqlite3_bind_int64(s, 1, id);
            if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
                const char *t = arena_strdup(a, (const char *)sqlite3_column_text(s, 0));
                sqlite3_reset(s);
                return t;
            }
            sqlite3_reset(s);
        }
    } else if (kind->label) {
        /* Kinds without external ids (stages) are named by their label. */
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", kind_field(kind, kind->label)->column,
                 kind->table);
        sqlite3_stmt *s = store__stmt(st, slot(kind, OP_KEY), sql, NULL);
        if (s) {
            sqlite3_bind_int64(s, 1, id);
            if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
                const char *t = arena_strdup(a, (const char *)sqlite3_column_text(s, 0));
                sqlite3_reset(s);
                return t;
            }
            sqlite3_reset(s);
        }
    }
    return arena_printf(a, "#%lld", (long long)id);
}

struct store_cursor {
    store *st;
    const kind_def *kind;
    sqlite3_stmt *s;
};

emb_code store_cursor_open(store *st, const kind_def *kind, store_cursor **out, emb_err *err)
{
    char cols[SQL_MAX], sql[SQL_MAX];
    column_list(kind, cols, sizeof cols);
    snprintf(sql, sizeof sql, "SELECT id, %s FROM %s ORDER BY id", cols, kind->table);
    store_cursor *c = calloc(1, sizeof *c);
    if (!c)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    c->st = st;
    c->kind = kind;
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &c->s, NULL) != SQLITE_OK) {
        free(c);
        return store_sql_error(st, _("list"), err);
    }
    *out = c;
    return EMB_OK;
}

record *store__read_record(sqlite3_stmt *s, const kind_def *kind, arena *a)
{
    record *r = record_new(a, kind);
    if (!r)
        return NULL;
    r->id = sqlite3_column_int64(s, 0);
    int col = 1;
    for (size_t i = 0; i < kind->nfields; i++) {
        if (!stored(&kind->fields[i]))
            continue;
        store__read_value(s, col++, &kind->fields[i], &r->v[i], a);
        if (r->v[i].state == FV_SET && field_is_text(&kind->fields[i]) && !r->v[i].s)
            return NULL;
    }
    return r;
}

int store__step_record(store *st, sqlite3_stmt *s, const kind_def *kind, arena *a, record **out, emb_err *err)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW) {
        store_sql_error(st, _("list"), err);
        return -1;
    }
    if (!(*out = store__read_record(s, kind, a))) {
        emb_err_set(err, EMB_NOMEM, _("out of memory"));
        return -1;
    }
    return 1;
}

int store_cursor_next(store_cursor *c, arena *a, record **out, emb_err *err)
{
    return store__step_record(c->st, c->s, c->kind, a, out, err);
}

void store_cursor_close(store_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->s);
    free(c);
}

emb_code store_record_count(store *st, const kind_def *kind, int64_t *count, emb_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", kind->table);
    sqlite3_stmt *s = store__stmt(st, slot(kind, OP_COUNT), sql, err);
    if (!s)
        return err->code;
    if (sqlite3_step(s) != SQLITE_ROW) {
        store_sql_error(st, _("count"), err);
        sqlite3_reset(s);
        return err->code;
    }
    *count = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return EMB_OK;
}
