/*
 * import_related.c - records a row refers to, created by --create-missing with
 * fields of their own taken from the same row: one flat sales sheet (order,
 * date, customer, segment, product, category, sales ... on each line) loads its
 * accounts, products, orders and lines in one import.
 *
 * A plan (import_related) hangs on each reference field of the imported kind
 * that a column feeds (depth 1: order_lines.order <- 'Order ID'), and on each
 * reference field of such a plan that a column feeds (depth 2: order.account <-
 * 'Customer ID'). The plan's fields are the related kind's fields fed by other
 * columns of the row:
 *   - named with a dotted --map: --map account.name="Customer Name" (the first
 *     part is the reference field of the imported kind or of a depth-1 plan);
 *   - or found among the columns no field of the imported kind uses, by the
 *     related field's name or synonyms ('Order Date' is order.date, 'Segment'
 *     account.segment). A column that fits fields of two plans goes to the
 *     nearer one (depth 1 before 2); two plans at the same depth make it
 *     ambiguous and it is left out, said so in the summary.
 * Before the rows, one pass over the file checks that each related key has one
 * value per field on every row (a customer has one name). A column that does not
 * is a guess that could be wrong: found automatically, it is left out with the
 * rows that disagree in the summary; named by --map, the import is refused naming
 * both rows, unless --last-wins (the record then takes the last row's value).
 *
 * A created record takes the value its rows give (with --last-wins, the last row
 * that gives one); a record that exists already is not changed. A kind that --create-missing does not
 * create on its own (orders) is created when its plan feeds every required field.
 *
 * Ownership: plans, their fields and messages live in job->perm.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/import_internal.h"

#define NORM_MAX 256
#define MAX_DEPTH 2

/* ---- building the plans ------------------------------------------------------------ */

/* References a plan may hang on: kinds whose records a row can bring along. */
static int relatable(const field_def *f, const kind_def *owner)
{
    if (f->type != FT_REF || (f->flags & (FF_DERIVED | FF_SECRET)))
        return 0;
    if (!strcmp(f->ref, owner->name))
        return 0; /* a parent account, a manager: not from the same cells */
    static const char *const kinds[] = {"accounts", "products", "orders", "users", "teams", "regions", "contacts",
                                        NULL};
    for (int i = 0; kinds[i]; i++)
        if (!strcmp(f->ref, kinds[i]))
            return 1;
    return 0;
}

/* A new plan; the caller has checked that j->related has room. NULL: out of memory. */
static import_related *new_plan(import_job *j, const kind_def *k, const char *path, int key_col, int depth)
{
    import_related *p = arena_calloc(&j->perm, 1, sizeof *p);
    if (!p)
        return NULL;
    p->kind = k;
    p->path = path;
    p->key_col = key_col;
    p->depth = depth;
    p->fields = arena_calloc(&j->perm, k->nfields, sizeof *p->fields);
    if (!p->fields)
        return NULL;
    j->related[j->nrelated++] = p;
    return p;
}

/* Adds field idx of plan p, fed by column col. */
static import_field *plan_add(import_job *j, import_related *p, int idx, int col, int explicit_map)
{
    const field_def *f = &p->kind->fields[idx];
    import_field *rf = &p->fields[p->nfields++];
    *rf = (import_field){.f = f, .idx = idx, .cols = {col}, .ncols = 1, .label = j->cols[col]};
    rf->is_date = f->type == FT_INSTANT || f->type == FT_DATE;
    rf->is_number = f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BP || f->type == FT_RATE ||
                    f->type == FT_TARGET;
    rf->numbers = j->popts.numbers;
    rf->explicit_map = explicit_map;
    if (f->type == FT_REF) {
        rf->ref_kind = kind_find(f->ref);
        rf->ref_index = import_kind_index(rf->ref_kind);
    }
    j->col_used[col] = 3;
    return rf;
}

static import_field *plan_field(import_related *p, int idx)
{
    for (size_t i = 0; i < p->nfields; i++)
        if (p->fields[i].idx == idx)
            return &p->fields[i];
    return NULL;
}

/* The plan of path: exact ("order.account"), else the only one whose last part
 * it is ("account"). */
static import_related *plan_at(import_job *j, const char *path)
{
    import_related *found = NULL;
    size_t n = strlen(path);
    for (size_t i = 0; i < j->nrelated; i++) {
        const char *p = j->related[i]->path;
        size_t pn = strlen(p);
        if (!strcmp(p, path))
            return j->related[i];
        if (pn > n && p[pn - n - 1] == '.' && !strcmp(p + pn - n, path)) {
            if (found)
                return NULL;
            found = j->related[i];
        }
    }
    return found;
}

/* Applies one dotted --map REF.FIELD=COLUMN (or REF.REF2.FIELD); the plan of REF
 * exists. */
static emb_code explicit_map(import_job *j, const import_pair *m, emb_err *err)
{
    const char *dot = strrchr(m->name, '.');
    char path[128];
    size_t plen = (size_t)(dot - m->name);
    if (plen >= sizeof path)
        return emb_err_set(err, EMB_USAGE, _("--map %s: name too long"), m->name);
    memcpy(path, m->name, plen);
    path[plen] = '\0';
    import_related *p = plan_at(j, path);
    if (!p)
        return emb_err_set(err, EMB_USAGE,
                           _("--map %s=%s: '%s' is not a reference of %s that a column feeds (a related record's "
                             "field is written as REFERENCE.FIELD, such as account.name)"),
                           m->name, m->value, path, j->kind->name);
    int idx = kind_field_index(p->kind, dot + 1);
    if (idx < 0 || (p->kind->fields[idx].flags & (FF_DERIVED | FF_SECRET)) || !strcmp(dot + 1, "id"))
        return emb_err_set(err, EMB_USAGE, _("--map %s=%s: %s have no field '%s' to fill"), m->name, m->value,
                           p->kind->name, dot + 1);
    if (plan_field(p, idx))
        return emb_err_set(err, EMB_USAGE, _("--map names field '%s' twice"), m->name);
    if (!*m->value) { /* --map account.city= : never fill it */
        import_field *rf = &p->fields[p->nfields++];
        *rf = (import_field){.f = &p->kind->fields[idx], .idx = idx, .excluded = 1};
        return EMB_OK;
    }
    int col = import_find_column(j, m->value);
    if (col < 0)
        return emb_err_set(err, EMB_USAGE, _("--map %s=%s: the file has no column '%s'"), m->name, m->value, m->value);
    plan_add(j, p, idx, col, 1);
    return EMB_OK;
}

typedef struct {
    import_related *plan;
    int idx, col, score;
} rel_candidate;

static int cmp_rel(const void *a, const void *b)
{
    const rel_candidate *x = a, *y = b;
    if (x->plan->depth != y->plan->depth)
        return x->plan->depth - y->plan->depth;
    if (x->score != y->score)
        return x->score - y->score;
    if (x->col != y->col)
        return x->col - y->col;
    return x->idx - y->idx;
}

static int column_free(const import_job *j, int c)
{
    if (j->col_used[c])
        return 0;
    for (size_t i = 0; i < j->nrelated; i++)
        if (j->related[i]->key_col == c)
            return 0;
    return 1;
}

/* The columns of the fields of every plan of depth d not named by --map. */
static emb_code match_free_columns(import_job *j, int depth, int refs_only, emb_err *err)
{
    size_t cap = 0;
    for (size_t i = 0; i < j->nrelated; i++)
        cap += j->related[i]->kind->nfields;
    cap *= j->ncols;
    rel_candidate *cands = malloc((cap + 1) * sizeof *cands);
    if (!cands)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    size_t n = 0;
    for (size_t c = 0; c < j->ncols; c++) {
        char h[NORM_MAX];
        import_norm_header(j->cols[c], h, sizeof h);
        if (!h[0] || !column_free(j, (int)c))
            continue;
        for (size_t i = 0; i < j->nrelated; i++) {
            import_related *p = j->related[i];
            if (p->depth != depth)
                continue;
            for (size_t f = 0; f < p->kind->nfields; f++) {
                const field_def *fd = &p->kind->fields[f];
                if ((fd->flags & (FF_DERIVED | FF_SECRET | FF_EXT_ID)) || plan_field(p, (int)f))
                    continue;
                if (refs_only != (fd->type == FT_REF))
                    continue;
                if (fd->type == FT_REF && (!relatable(fd, p->kind) || depth >= MAX_DEPTH))
                    continue;
                int score = import_match_score(fd, h);
                if (score >= 0)
                    cands[n++] = (rel_candidate){p, (int)f, (int)c, score};
            }
        }
    }
    qsort(cands, n, sizeof *cands, cmp_rel);
    for (size_t k = 0; k < n; k++) {
        rel_candidate *cd = &cands[k];
        if (!column_free(j, cd->col) || plan_field(cd->plan, cd->idx))
            continue;
        /* The same column fits another plan as well at the same depth and score. */
        const rel_candidate *rival = NULL;
        for (size_t r = k + 1; r < n && cands[r].plan->depth == cd->plan->depth && cands[r].score == cd->score; r++)
            if (cands[r].col == cd->col && cands[r].plan != cd->plan && !plan_field(cands[r].plan, cands[r].idx))
                rival = &cands[r];
        if (rival) {
            const char *why = arena_printf(&j->perm, _("it could be %s.%s or %s.%s; name one with --map"),
                                           cd->plan->path, cd->plan->kind->fields[cd->idx].name,
                                           rival->plan->path, rival->plan->kind->fields[rival->idx].name);
            if (!why || import_note_left_out(j, cd->col, -1, why)) {
                free(cands);
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            }
            j->col_used[cd->col] = 4; /* left out: no other plan takes it (0 again at the end) */
            continue;
        }
        plan_add(j, cd->plan, cd->idx, cd->col, 0);
    }
    free(cands);
    return EMB_OK;
}

/* Plans of depth 2 under the reference fields of the depth-1 plans. */
static emb_code nested_plans(import_job *j, emb_err *err)
{
    size_t n1 = j->nrelated;
    for (size_t i = 0; i < n1; i++) {
        import_related *p = j->related[i];
        for (size_t f = 0; f < p->nfields; f++) {
            import_field *rf = &p->fields[f];
            if (rf->excluded || rf->f->type != FT_REF || !relatable(rf->f, p->kind) ||
                j->nrelated == IMPORT_MAX_RELATED)
                continue;
            const char *path = arena_printf(&j->perm, "%s.%s", p->path, rf->f->name);
            if (!path || !(rf->related = new_plan(j, rf->ref_kind, path, rf->cols[0], 2)))
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        }
    }
    return EMB_OK;
}

/* Applies the dotted --map entries whose plan exists; with final, one without a
 * plan is a usage error. */
static emb_code explicit_maps(import_job *j, char *done, int final, emb_err *err)
{
    const import_opts *o = j->o;
    for (size_t m = 0; m < o->nmaps; m++) {
        const import_pair *p = &o->maps[m];
        const char *dot = strrchr(p->name, '.');
        if (!dot || done[m])
            continue;
        char path[128];
        size_t plen = (size_t)(dot - p->name);
        if (plen >= sizeof path)
            return emb_err_set(err, EMB_USAGE, _("--map %s: name too long"), p->name);
        memcpy(path, p->name, plen);
        path[plen] = '\0';
        if (!final && !plan_at(j, path))
            continue;
        done[m] = 1;
        if (explicit_map(j, p, err))
            return err->code;
    }
    return EMB_OK;
}

emb_code import_related_build(import_job *j, emb_err *err)
{
    const import_opts *o = j->o;
    size_t ndotted = 0;
    const char *first_dotted = NULL;
    for (size_t m = 0; m < o->nmaps; m++)
        if (strchr(o->maps[m].name, '.')) {
            ndotted++;
            if (!first_dotted)
                first_dotted = o->maps[m].name;
        }
    if (!o->create_missing) {
        if (ndotted)
            return emb_err_set(err, EMB_USAGE,
                               _("--map %s: a related record's fields are filled only when the import creates it; "
                                 "add --create-missing"),
                               first_dotted);
        return EMB_OK;
    }
    /* Built again when the imported kind's mapping is redone (import_guess.c). */
    j->nrelated = j->nrel_fields = 0;
    j->rel_fields = NULL;
    for (size_t c = 0; c < j->ncols; c++)
        if (j->col_used[c] >= 3)
            j->col_used[c] = 0;
    for (size_t i = 0; i < j->nfields; i++)
        j->fields[i].related = NULL;
    /* Depth 1: the imported kind's references fed by one column. */
    for (size_t i = 0; i < j->nfields; i++) {
        import_field *fld = &j->fields[i];
        if (fld->ncols != 1 || fld->set || !relatable(fld->f, j->kind) || j->nrelated == IMPORT_MAX_RELATED)
            continue;
        if (!(fld->related = new_plan(j, fld->ref_kind, fld->f->name, fld->cols[0], 1)))
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    char *done = arena_calloc(&j->perm, o->nmaps + 1, 1);
    if (!done)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    /* Dotted maps into depth-1 plans (they may name a depth-2 key), the depth-1
     * references found by header, the depth-2 plans under them, then the rest. */
    if (explicit_maps(j, done, 0, err) || match_free_columns(j, 1, 1, err) || nested_plans(j, err) ||
        explicit_maps(j, done, 1, err) || match_free_columns(j, 1, 0, err) || match_free_columns(j, 2, 0, err))
        return err->code;
    for (size_t c = 0; c < j->ncols; c++)
        if (j->col_used[c] == 4)
            j->col_used[c] = 0; /* left out, with its reason (the summary lists it) */
    for (size_t i = 0; i < j->nrelated; i++)
        for (size_t f = 0; f < j->related[i]->nfields; f++)
            if (!j->related[i]->fields[f].excluded)
                j->nrel_fields++;
    if (j->nrel_fields) {
        j->rel_fields = arena_alloc(&j->perm, j->nrel_fields * sizeof *j->rel_fields);
        if (!j->rel_fields)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        size_t k = 0;
        for (size_t i = 0; i < j->nrelated; i++)
            for (size_t f = 0; f < j->related[i]->nfields; f++)
                if (!j->related[i]->fields[f].excluded)
                    j->rel_fields[k++] = &j->related[i]->fields[f];
    }
    return EMB_OK;
}

/* ---- one value per key ------------------------------------------------------------- */

/* Per plan, kept for the import: key -> entry (id: index into the values). */
struct import_census {
    keymap keys;
    const char **first; /* per key, per field: its non-empty text (the last with --last-wins), NULL: none */
    int64_t *first_row; /* the row that gave it */
    size_t cap;
};
typedef struct import_census plan_census;

static emb_code census_row(import_job *j, import_related *p, plan_census *pc, const csv_row *row, arena *a,
                           emb_err *err)
{
    if ((size_t)p->key_col >= row->n)
        return EMB_OK;
    import_field keyf = {.cols = {p->key_col}, .ncols = 1};
    const char *key = import_cell(&keyf, row, a);
    if (!key || !*key)
        return key ? EMB_OK : emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int created;
    keymap_entry *e = keymap_put(&pc->keys, key, strlen(key), &created);
    if (!e)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (created) {
        e->id = (int64_t)pc->keys.count - 1;
        if (pc->keys.count * p->nfields > pc->cap) {
            size_t cap = pc->cap ? 2 * pc->cap : 64 * (p->nfields + 1);
            const char **first = realloc(pc->first, cap * sizeof *first);
            int64_t *rows = first ? realloc(pc->first_row, cap * sizeof *rows) : NULL;
            if (first)
                pc->first = first;
            if (!first || !rows)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            pc->first_row = rows;
            pc->cap = cap;
        }
        for (size_t f = 0; f < p->nfields; f++)
            pc->first[(size_t)e->id * p->nfields + f] = NULL;
    }
    for (size_t f = 0; f < p->nfields; f++) {
        import_field *rf = &p->fields[f];
        if (rf->excluded || rf->dropped)
            continue;
        const char *text = import_cell(rf, row, a);
        if (!text)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        if (!*text)
            continue;
        size_t at = (size_t)e->id * p->nfields + f;
        if (!pc->first[at]) {
            pc->first[at] = arena_strdup(&j->perm, text);
            pc->first_row[at] = row->record;
            continue;
        }
        if (!strcmp(pc->first[at], text))
            continue;
        const char *which = arena_printf(&j->perm, _("rows %lld and %lld give %s '%s' two values of %s: '%s' and '%s'"),
                                         (long long)pc->first_row[at], (long long)row->record, _(p->kind->singular),
                                         key, rf->f->name, pc->first[at], text);
        if (rf->explicit_map) {
            if (j->o->last_wins) {
                pc->first[at] = arena_strdup(&j->perm, text);
                pc->first_row[at] = row->record;
                continue;
            }
            return emb_err_set(err, EMB_INVALID,
                               _("column '%s' (--map %s.%s): %s; nothing was imported: fix the file, leave the field "
                                 "out with --map %s.%s=, or add --last-wins to take the last row's value"),
                               rf->label, p->path, rf->f->name, which ? which : "", p->path, rf->f->name);
        }
        rf->dropped = 1;
        rf->dropped_why = arena_printf(&j->perm, _("%s.%s: %s; take it anyway with --map \"%s.%s=%s\" --last-wins"),
                                       p->path, rf->f->name, which ? which : "", p->path, rf->f->name, rf->label);
        if (!rf->dropped_why)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    return EMB_OK;
}

static emb_code census_rows(import_job *j, void *ud, const csv_row *row, arena *a, emb_err *err)
{
    (void)ud;
    emb_code rc = EMB_OK;
    for (size_t i = 0; i < j->nrelated && !rc; i++)
        if (j->related[i]->nfields)
            rc = census_row(j, j->related[i], j->related[i]->census, row, a, err);
    return rc;
}

emb_code import_related_check(import_job *j, emb_err *err)
{
    if (!j->nrel_fields)
        return EMB_OK;
    for (size_t i = 0; i < j->nrelated; i++) {
        if (!(j->related[i]->census = calloc(1, sizeof *j->related[i]->census)))
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        keymap_init(&j->related[i]->census->keys);
    }
    emb_code rc = import_scan_rows(j, 0, census_rows, NULL, err);
    if (rc)
        return rc;
    /* A dropped reference takes its nested plan with it. */
    for (size_t i = 0; i < j->nrelated; i++)
        for (size_t f = 0; f < j->related[i]->nfields; f++) {
            import_field *rf = &j->related[i]->fields[f];
            if (rf->dropped && rf->related)
                rf->related->nfields = 0;
        }
    return EMB_OK;
}

void import_related_release(import_job *j)
{
    for (size_t i = 0; i < j->nrelated; i++) {
        plan_census *pc = j->related[i]->census;
        if (!pc)
            continue;
        keymap_release(&pc->keys);
        free(pc->first);
        free(pc->first_row);
        free(pc);
        j->related[i]->census = NULL;
    }
}

/* ---- creating related records ---------------------------------------------------------- */

int import_related_complete(const import_related *p)
{
    if (!p)
        return 0;
    for (size_t i = 0; i < p->kind->nfields; i++) {
        const field_def *f = &p->kind->fields[i];
        if (!(f->flags & FF_REQUIRED) || (f->flags & (FF_DERIVED | FF_EXT_ID)) || !f->column ||
            import_field_default(p->kind, f) || !strcmp(f->name, p->kind->label))
            continue;
        const import_field *rf = plan_field((import_related *)p, (int)i);
        if (!rf || rf->excluded || rf->dropped)
            return 0;
    }
    return 1;
}

emb_code import_related_fill(import_job *j, const import_related *p, record *r, emb_err *err)
{
    const plan_census *pc = p->census;
    if (!j->cur_row || !pc || !p->nfields)
        return EMB_OK;
    import_field keyf = {.cols = {p->key_col}, .ncols = 1};
    const char *key = import_cell(&keyf, j->cur_row, &j->row);
    if (!key)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    const keymap_entry *e = keymap_get(&pc->keys, key, strlen(key));
    if (!e)
        return EMB_OK;
    for (size_t i = 0; i < p->nfields; i++) {
        import_field *rf = &p->fields[i];
        const char *text = pc->first[(size_t)e->id * p->nfields + i];
        if (rf->excluded || rf->dropped || !text)
            continue;
        if (import_parse_value(j, rf, r, text, err))
            return err->code;
    }
    return EMB_OK;
}

emb_code import_related_summary(import_job *j, emb_err *err)
{
    import_summary *s = j->sum;
    if (!s->mapping || !s->ignored)
        return EMB_OK;
    s->nmapping = j->summary_main_lines;
    if (j->nrel_fields) {
        const char **mapping = arena_alloc(&s->arena, (s->nmapping + j->nrel_fields + 1) * sizeof *mapping);
        if (!mapping)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        memcpy(mapping, s->mapping, s->nmapping * sizeof *mapping);
        s->mapping = mapping;
    }
    for (size_t i = 0; i < j->nrelated; i++)
        for (size_t f = 0; f < j->related[i]->nfields; f++) {
            const import_field *rf = &j->related[i]->fields[f];
            if (rf->excluded || rf->dropped)
                continue;
            const char *line = arena_printf(&s->arena, "%s.%s <- %s", j->related[i]->path, rf->f->name, rf->label);
            if (!line)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            s->mapping[s->nmapping++] = line;
        }
    /* Columns import_related_check left out were in no list yet: room enough. */
    for (size_t i = 0; i < j->nrelated; i++)
        for (size_t f = 0; f < j->related[i]->nfields; f++) {
            import_field *rf = &j->related[i]->fields[f];
            if (!rf->dropped || !rf->dropped_why || !s->left_out)
                continue;
            s->left_out[s->nleft_out] = arena_strdup(&s->arena, rf->label);
            s->left_out_by_values[s->nleft_out] = 1;
            s->left_out_why[s->nleft_out++] = arena_strdup(&s->arena, rf->dropped_why);
            rf->dropped_why = NULL; /* listed */
        }
    return EMB_OK;
}
