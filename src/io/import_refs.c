/*
 * import_refs.c - references of imported rows: a cache per referenced kind,
 * then the order of store_record_resolve() (external id, "#id", then the match
 * fields exactly, then ignoring case and punctuation) with the match fields of the
 * referenced kind loaded once into hash maps, so that many new names (thousands of
 * accounts created by --create-missing) cost no table scan each; records created
 * by --create-missing, deal stages, and self-references deferred to the end of the
 * file.
 *
 * --create-missing creates a minimal record named by the key (its label field).
 * When the key looks like an identifier (no spaces and a digit in it, or short and
 * all capitals, such as "5", "VINET" or "a8387c01"), it is also stored as the
 * record's external id, so that importing that kind later with an id column
 * completes the record instead of duplicating it. Users created this way have the
 * role rep (manager when created as someone's manager). Only regions, users,
 * teams, accounts, contacts, leads and products are created; a missing pipeline,
 * deal, order ... is an error.
 *
 * Stages: --stage-map first, then the pipeline's stages by name or Spanish name
 * (store_record_resolve), then the synonyms won/ganado/closed won/win (the
 * pipeline's won stage) and lost/perdido/closed lost/lose (its lost stage).
 * --create-missing never creates stages: a pipeline is a decision, and a column
 * that is not the stage (a US `State`) must not grow it. An unknown stage is an
 * error listing the pipeline's stages and the --stage-map that reads it as one
 * of them (the nearest spelling when there is one: 'Cualificación' ->
 * Qualification). With --create-stages AFTER, the file's unknown stages become
 * open stages placed after stage AFTER, in the order the file first names them,
 * with AFTER's probability; later stages move down (store_record_insert).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "io/import_internal.h"

static const char *const creatable[] = {"regions", "users", "teams", "accounts", "contacts", "leads", "products",
                                        NULL};

static int is_creatable(const kind_def *k)
{
    for (int i = 0; creatable[i]; i++)
        if (!strcmp(k->name, creatable[i]))
            return 1;
    return 0;
}

static int looks_like_id(const char *key)
{
    size_t n = strlen(key);
    int digit = 0, lower = 0;
    if (n == 0 || n > 64)
        return 0;
    for (const char *p = key; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c >= 0x80)
            return 0;
        if (c >= '0' && c <= '9')
            digit = 1;
        if (c >= 'a' && c <= 'z')
            lower = 1;
    }
    return digit || (!lower && n <= 12);
}

static emb_code cache_put(import_job *j, int ki, const char *key, size_t len, int64_t id, int undo, emb_err *err)
{
    int created;
    keymap_entry *e = keymap_put(&j->refs[ki], key, len, &created);
    if (!e)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    e->id = id;
    if (undo)
        return import_note_undo(j, &j->refs[ki], key, len, ki);
    return EMB_OK;
}

static int64_t cache_get(import_job *j, int ki, const char *key, size_t len)
{
    keymap_entry *e = keymap_get(&j->refs[ki], key, len);
    return e ? e->id : 0;
}

static emb_code create_record(import_job *j, const kind_def *k, const import_field *via, const char *key,
                              int64_t *id, emb_err *err)
{
    record *r = record_new(&j->row, k);
    if (!r)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int label = kind_field_index(k, k->label);
    record_set_text(r, label, key);
    int ext = kind_field_index(k, "id");
    if (ext >= 0 && ext != label && looks_like_id(key))
        record_set_text(r, ext, key);
    if (!strcmp(k->name, "users"))
        record_set_text(r, kind_field_index(k, "role"), via && !strcmp(via->f->name, "manager") ? "manager" : "rep");
    if (via && via->related) {
        int failed = j->row_failed;
        if (import_related_fill(j, via->related, r, err))
            return err->code;
        if (j->row_failed && !failed)
            return emb_err_set(err, EMB_INVALID, _("%s '%s' not created: its fields in this row are not valid"),
                               _(k->singular), key);
    }
    if (store_record_insert(j->st, r, &j->ctx, err))
        return emb_err_prefix(err, _("cannot create %s '%s'"), _(k->singular), key);
    *id = r->id;
    j->created_refs[import_kind_index(k)]++;
    return EMB_OK;
}

/* ---- names of referenced records ------------------------------------------------ */

/* Loads the match-field values of every stored record of kind k, once: a scan of
 * the table instead of one scan per name that is not an external id. */
static emb_code names_load(import_job *j, int ki, const kind_def *k, emb_err *err)
{
    struct import_names *nm = &j->names[ki];
    if (nm->loaded)
        return EMB_OK;
    nm->loaded = 1;
    for (size_t i = 0; i < k->nfields && nm->nfields < IMPORT_MAX_KEYS; i++) {
        const field_def *f = &k->fields[i];
        if (!(f->flags & FF_MATCH) || !f->column)
            continue;
        size_t n = nm->nfields++;
        nm->fields[n] = (int)i;
        keymap_init(&nm->exact[n]);
        keymap_init(&nm->norm[n]);
        keymap_pair nl = {&nm->exact[n], &nm->norm[n]};
        if (store_bulk_keys(j->st, k, f->name, keymap_pair_put, &nl, err))
            return err->code;
    }
    return EMB_OK;
}

static void names_release(struct import_names *nm)
{
    for (size_t i = 0; i < nm->nfields; i++) {
        keymap_release(&nm->exact[i]);
        keymap_release(&nm->norm[i]);
    }
    memset(nm, 0, sizeof *nm);
}

/* The record of kind k named key by a match field: exactly, then ignoring case
 * and punctuation (as store_record_resolve). EMB_CONFLICT when several match. */
static emb_code names_find(import_job *j, int ki, const kind_def *k, const char *key, int64_t *id, emb_err *err)
{
    *id = 0;
    if (names_load(j, ki, k, err))
        return err->code;
    struct import_names *nm = &j->names[ki];
    size_t len = strlen(key);
    char *norm = arena_alloc(&j->row, len + 1);
    if (!norm)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    size_t nlen = keymap_norm(key, len, norm);
    for (int form = 0; form < 2; form++)
        for (size_t i = 0; i < nm->nfields; i++) {
            keymap_entry *e = form == 0 ? keymap_get(&nm->exact[i], key, len)
                                        : nlen ? keymap_get(&nm->norm[i], norm, nlen) : NULL;
            if (!e || e->id == 0)
                continue;
            if (e->id < 0)
                return emb_err_set(err, EMB_CONFLICT, _("several %s have %s '%s'; use the id"), k->name,
                                   k->fields[nm->fields[i]].name, key);
            *id = e->id;
            return EMB_OK;
        }
    return EMB_OK;
}

/* A record created by --create-missing is named by its label: remember it. */
static emb_code names_add(import_job *j, int ki, const kind_def *k, const char *name, int64_t id, emb_err *err)
{
    struct import_names *nm = &j->names[ki];
    int label = kind_field_index(k, k->label);
    for (size_t i = 0; nm->loaded && i < nm->nfields; i++) {
        if (nm->fields[i] != label)
            continue;
        size_t len = strlen(name);
        char *norm = arena_alloc(&j->row, len + 1);
        if (!norm || keymap_put_record(&nm->exact[i], name, len, id) ||
            import_note_undo(j, &nm->exact[i], name, len, -1))
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        size_t nlen = keymap_norm(name, len, norm);
        if (nlen && (keymap_put_record(&nm->norm[i], norm, nlen, id) || import_note_undo(j, &nm->norm[i], norm, nlen, -1)))
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    return EMB_OK;
}

/* ---- references ------------------------------------------------------------------- */

/* Shared by rows and the deferred pass: final = 1 never defers. */
static emb_code resolve(import_job *j, const import_field *fld, const char *key, int final, int64_t *id,
                        emb_err *err)
{
    const kind_def *rk = fld->ref_kind;
    if (!strcmp(rk->name, "stages"))
        return import_resolve_stage(j, key, 0, id, err);
    int ki = fld->ref_index;
    size_t klen = strlen(key);
    if ((*id = cache_get(j, ki, key, klen)) > 0)
        return EMB_OK;
    /* The external id (indexed), "#N", then the names of the whole kind. */
    emb_code rc = store_record_find_ext(j->st, rk, key, id, err);
    if (!rc && !*id && key[0] == '#') {
        rc = store_record_resolve(j->st, rk, key, 0, id, err);
        if (rc == EMB_NOT_FOUND)
            rc = EMB_OK;
    }
    if (!rc && !*id)
        rc = names_find(j, ki, rk, key, id, err);
    if (rc)
        return rc;
    if (*id)
        return cache_put(j, ki, key, klen, *id, 0, err);
    if (fld->self_ref && !final) {
        *id = 0; /* maybe further down the file */
        return EMB_OK;
    }
    if (j->o->create_missing && (is_creatable(rk) || import_related_complete(fld->related))) {
        if (create_record(j, rk, fld, key, id, err) || names_add(j, ki, rk, key, *id, err))
            return err->code;
        return cache_put(j, ki, key, klen, *id, 1, err);
    }
    if (is_creatable(rk))
        return emb_err_set(err, EMB_NOT_FOUND, _("no %s '%s'; import %s first or add --create-missing"),
                           _(rk->singular), key, rk->name);
    return emb_err_set(err, EMB_NOT_FOUND, _("no %s '%s'; import %s first"), _(rk->singular), key,
                       rk->name);
}

emb_code import_resolve_ref(import_job *j, const import_field *fld, const char *key, int64_t *id, emb_err *err)
{
    return resolve(j, fld, key, 0, id, err);
}

/* ---- pipelines and stages ----------------------------------------------------- */

emb_code import_default_pipeline(import_job *j, int64_t *id, emb_err *err)
{
    if (j->default_pipeline) {
        *id = j->default_pipeline;
        return EMB_OK;
    }
    const kind_def *k = kind_find("pipelines");
    store_cursor *c;
    if (store_cursor_open(j->st, k, &c, err))
        return err->code;
    arena a;
    arena_init(&a, 0);
    record *r;
    int rc, idef = kind_field_index(k, "default");
    int64_t best = 0, best_default = -1;
    while ((rc = store_cursor_next(c, &a, &r, err)) == 1) {
        int64_t is_def = r->v[idef].state == FV_SET ? r->v[idef].i : 0;
        if (is_def > best_default) {
            best = r->id;
            best_default = is_def;
        }
        arena_reset(&a);
    }
    store_cursor_close(c);
    arena_release(&a);
    if (rc < 0)
        return err->code;
    if (!best)
        return emb_err_set(err, EMB_INVALID, _("there is no pipeline; create one with `embudo pipeline add`"));
    *id = j->default_pipeline = best;
    return EMB_OK;
}

/* The stages of a pipeline, in position order, in arena a. */
static emb_code load_stages(import_job *j, int64_t pipeline, arena *a, record ***out, size_t *n, emb_err *err)
{
    const kind_def *k = kind_find("stages");
    int ipipe = kind_field_index(k, "pipeline"), ipos = kind_field_index(k, "position");
    store_cursor *c;
    if (store_cursor_open(j->st, k, &c, err))
        return err->code;
    size_t cap = 16;
    record **list = arena_alloc(a, cap * sizeof *list);
    *n = 0;
    record *r;
    int rc;
    while (list && (rc = store_cursor_next(c, a, &r, err)) == 1) {
        if (r->v[ipipe].i != pipeline)
            continue;
        if (*n == cap) {
            record **bigger = arena_alloc(a, 2 * cap * sizeof *list);
            if (!bigger) {
                list = NULL;
                break;
            }
            memcpy(bigger, list, cap * sizeof *list);
            list = bigger;
            cap *= 2;
        }
        list[(*n)++] = r;
    }
    store_cursor_close(c);
    if (!list)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (rc < 0)
        return err->code;
    /* Insertion sort by position: pipelines have few stages. */
    for (size_t i = 1; i < *n; i++)
        for (size_t k2 = i; k2 > 0 && list[k2 - 1]->v[ipos].i > list[k2]->v[ipos].i; k2--) {
            record *t = list[k2];
            list[k2] = list[k2 - 1];
            list[k2 - 1] = t;
        }
    *out = list;
    return EMB_OK;
}

/* "won", "lost" or NULL for the built-in synonyms of closed stages. */
static const char *stage_synonym(const char *text)
{
    static const char *const won[] = {"won", "ganado", "ganada", "closedwon", "win", "cerradoganado", "gagné", NULL};
    static const char *const lost[] = {"lost", "perdido", "perdida", "closedlost", "lose", "cerradoperdido", NULL};
    char norm[128];
    import_norm_header(text, norm, sizeof norm);
    for (int i = 0; won[i]; i++)
        if (!strcmp(norm, won[i]))
            return "won";
    for (int i = 0; lost[i]; i++)
        if (!strcmp(norm, lost[i]))
            return "lost";
    return NULL;
}

int import_stage_known(import_job *j, const char *text)
{
    int64_t pipeline, id;
    emb_err ignored;
    if (import_default_pipeline(j, &pipeline, &ignored))
        return 0;
    const char *name = text;
    for (size_t i = 0; i < j->o->nstage_maps; i++)
        if (!strcasecmp(j->o->stage_maps[i].name, text))
            name = j->o->stage_maps[i].value;
    return stage_synonym(name) || store_record_resolve(j->st, j->stage_kind, name, pipeline, &id, &ignored) == EMB_OK;
}

/* Edit distance of two short strings (bytes), capped at 99. */
static int edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 63 || nb > 63)
        return 99;
    int row[64];
    for (size_t k = 0; k <= nb; k++)
        row[k] = (int)k;
    for (size_t i = 1; i <= na; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t k = 1; k <= nb; k++) {
            int up = row[k];
            int best = diag + (a[i - 1] != b[k - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[k - 1] + 1 < best)
                best = row[k - 1] + 1;
            row[k] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The stage whose name or Spanish name is nearest to text (ignoring case and
 * punctuation), when it is near enough to be a spelling of it; NULL otherwise. */
static const char *nearest_stage(record **stages, size_t n, const char *text)
{
    int iname = kind_field_index(kind_find("stages"), "name"), ies = kind_field_index(kind_find("stages"), "name_es");
    char want[128], have[128];
    import_norm_header(text, want, sizeof want);
    const char *best = NULL;
    int best_d = (int)strlen(want) / 3 + 1;
    for (size_t i = 0; i < n; i++)
        for (int f = 0; f < 2; f++) {
            const field_value *v = &stages[i]->v[f ? ies : iname];
            if (v->state != FV_SET)
                continue;
            import_norm_header(v->s, have, sizeof have);
            int d = edit_distance(want, have);
            if (d < best_d) {
                best_d = d;
                best = stages[i]->v[iname].s;
            }
        }
    return best;
}

/* --create-stages AFTER: the position a new stage of pipeline takes (just after
 * AFTER, then after the stages this import created there before it). */
static emb_code new_stage_position(import_job *j, int64_t pipeline, record **stages, size_t n, int64_t *pos,
                                   emb_err *err)
{
    for (size_t i = 0; i < j->nstage_after; i++)
        if (j->stage_after[i].pipeline == pipeline) {
            *pos = ++j->stage_after[i].pos;
            return EMB_OK;
        }
    const kind_def *k = j->stage_kind;
    int ipos = kind_field_index(k, "position"), ikind = kind_field_index(k, "kind"), iname = kind_field_index(k, "name");
    int64_t after = 0;
    emb_err ignored;
    if (store_record_resolve(j->st, k, j->o->create_stages, pipeline, &after, &ignored) != EMB_OK)
        after = 0;
    for (size_t i = 0; i < n; i++) {
        if (stages[i]->id != after)
            continue;
        if (strcmp(stages[i]->v[ikind].s, "open") != 0)
            return emb_err_set(err, EMB_USAGE,
                               _("--create-stages %s: '%s' is a %s stage; new stages go after an open stage"),
                               j->o->create_stages, stages[i]->v[iname].s, stages[i]->v[ikind].s);
        if (j->nstage_after == sizeof j->stage_after / sizeof j->stage_after[0])
            return emb_err_set(err, EMB_USAGE, _("--create-stages: too many pipelines in one file"));
        j->stage_after[j->nstage_after++] = (struct import_stage_after){pipeline, stages[i]->v[ipos].i + 1};
        *pos = stages[i]->v[ipos].i + 1;
        return EMB_OK;
    }
    char list[600];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", stages[i]->v[iname].s);
    return emb_err_set(err, EMB_USAGE, _("--create-stages '%s': the pipeline has no such stage; its stages are %s"),
                       j->o->create_stages, list);
}

/* Creates stage name (--create-stages), open, with the probability of the stage
 * it follows; the store moves later stages one place down (records.h). */
static emb_code create_stage(import_job *j, const char *name, int64_t pipeline, record **stages, size_t n,
                             int64_t *id, emb_err *err)
{
    const kind_def *k = j->stage_kind;
    int ipos = kind_field_index(k, "position"), iprob = kind_field_index(k, "probability");
    int64_t at = 0, prob = 5000;
    if (new_stage_position(j, pipeline, stages, n, &at, err))
        return err->code;
    for (size_t i = 0; i < n; i++)
        if (stages[i]->v[ipos].i == at - 1 && stages[i]->v[iprob].state == FV_SET)
            prob = stages[i]->v[iprob].i;
    record *r = record_new(&j->row, k);
    if (!r)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    record_set_int(r, kind_field_index(k, "pipeline"), pipeline);
    record_set_int(r, ipos, at);
    record_set_text(r, kind_field_index(k, "name"), name);
    record_set_int(r, iprob, prob);
    record_set_text(r, kind_field_index(k, "kind"), "open");
    if (store_record_insert(j->st, r, &j->ctx, err))
        return emb_err_prefix(err, _("cannot create stage '%s'"), name);
    *id = r->id;
    j->created_refs[j->stage_index]++;
    return EMB_OK;
}

emb_code import_resolve_stage(import_job *j, const char *text, int64_t pipeline, int64_t *id, emb_err *err)
{
    const kind_def *k = j->stage_kind;
    int ki = j->stage_index;
    if (!pipeline && import_default_pipeline(j, &pipeline, err))
        return err->code;
    const char *name = text;
    for (size_t i = 0; i < j->o->nstage_maps; i++)
        if (!strcasecmp(j->o->stage_maps[i].name, text)) {
            name = j->o->stage_maps[i].value;
            break;
        }
    /* Cache key: the pipeline id's bytes, then the name. */
    size_t nlen = strlen(name);
    char *key = arena_alloc(&j->row, sizeof pipeline + nlen + 1);
    if (!key)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    memcpy(key, &pipeline, sizeof pipeline);
    memcpy(key + sizeof pipeline, name, nlen + 1);
    size_t klen = sizeof pipeline + nlen;
    if ((*id = cache_get(j, ki, key, klen)) > 0)
        return EMB_OK;
    emb_code rc = store_record_resolve(j->st, k, name, pipeline, id, err);
    if (rc == EMB_OK)
        return cache_put(j, ki, key, klen, *id, 0, err);
    if (rc != EMB_NOT_FOUND)
        return rc;

    arena a;
    arena_init(&a, 0);
    record **stages = NULL;
    size_t n = 0;
    if ((rc = load_stages(j, pipeline, &a, &stages, &n, err)))
        goto done;
    int ikind = kind_field_index(k, "kind"), iname = kind_field_index(k, "name");
    const char *syn = stage_synonym(name);
    if (syn) {
        for (size_t i = 0; i < n; i++)
            if (!strcmp(stages[i]->v[ikind].s, syn)) {
                *id = stages[i]->id;
                rc = cache_put(j, ki, key, klen, *id, 0, err);
                goto done;
            }
    }
    if (j->o->create_stages && name == text) {
        if (!(rc = create_stage(j, name, pipeline, stages, n, id, err)))
            rc = cache_put(j, ki, key, klen, *id, 1, err);
        goto done;
    }
    char list[600];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", stages[i]->v[iname].s);
    const char *near = nearest_stage(stages, n, name);
    if (name != text)
        rc = emb_err_set(err, EMB_NOT_FOUND,
                         _("--stage-map '%s=%s': the pipeline has no stage '%s'; its stages are %s"),
                         text, name, name, list);
    else
        rc = emb_err_set(err, EMB_NOT_FOUND,
                         _("unknown stage '%s'; the pipeline's stages are %s; read it as one of them with "
                           "--stage-map '%s=%s', or add the file's new stages after one of them with "
                           "--create-stages STAGE"),
                         name, list, text, near ? near : "STAGE");
done:
    arena_release(&a);
    return rc;
}

/* ---- deferred self-references --------------------------------------------------- */

emb_code import_resolve_deferred(import_job *j, emb_err *err)
{
    /* The rows of the file are in: names read before them are stale. */
    if (j->ndeferred)
        names_release(&j->names[import_kind_index(j->kind)]);
    for (size_t i = 0; i < j->ndeferred; i++) {
        import_deferred *d = &j->deferred[i];
        arena_reset(&j->row);
        j->nundo = 0;
        j->row_errors = NULL;
        j->row_failed = 0;
        j->row_no = d->row_no;
        j->cells = d->cells;
        j->ncells = d->ncells;
        if (j->use_savepoints && store_savepoint(j->st, err))
            return err->code;
        int64_t id = 0;
        emb_code rc = resolve(j, d->field, d->key, 1, &id, err);
        if (rc == EMB_OK) {
            record *u = record_new(&j->row, j->kind);
            if (!u)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            u->id = d->record_id;
            record_set_int(u, d->field->idx, id);
            rc = store_record_update(j->st, u, &j->ctx, err);
        }
        if (rc == EMB_INVALID || rc == EMB_NOT_FOUND || rc == EMB_CONFLICT) {
            import_row_error_why(j, d->field, d->key, err->msg, err->why, NULL);
            if (j->use_savepoints)
                store_savepoint_rollback(j->st);
            /* A rejected row leaves nothing behind: drop the record it created (an
             * update stays, without the reference), and forget its names. */
            if (d->inserted && j->rejects) {
                if (store_record_delete(j->st, j->kind, d->record_id, &j->ctx, err))
                    return err->code;
                int ki = import_kind_index(j->kind);
                names_release(&j->names[ki]);
                keymap_release(&j->refs[ki]);
                keymap_init(&j->refs[ki]);
            }
            if (d->inserted && j->sum->created > 0)
                j->sum->created--;
            else if (!d->inserted && j->sum->updated > 0)
                j->sum->updated--;
            import_reject_row(j);
            continue;
        }
        if (rc)
            return rc;
        if (j->use_savepoints && store_savepoint_release(j->st, err))
            return err->code;
    }
    return EMB_OK;
}

void import_refs_release(import_job *j)
{
    for (size_t i = 0; i < IMPORT_MAX_KINDS; i++) {
        keymap_release(&j->refs[i]);
        names_release(&j->names[i]);
    }
}
