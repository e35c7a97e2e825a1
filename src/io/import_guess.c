/*
 * import_guess.c - columns matched to fields by a header synonym are kept only
 * when their values fit the field. A US `State` column matches the deal's stage
 * by its header ("state"), but its values (California, Texas) are not stages of
 * the pipeline: it is left out, and the summary says so and why.
 *
 * Before the rows are read, the first GUESS_ROWS rows give each such column's
 * distinct values. A stage column is left out when none of its values is a stage
 * of the pipeline (by name, Spanish name, --stage-map or the won/lost words; not
 * checked with --create-stages); a typed column when fewer than half of its values
 * parse (numbers, dates, yes/no, choices, currencies). Columns matched by the field's own name, by
 * "<field>_id" or by --map are never left out, nor text and references to other
 * kinds (which --create-missing may create).
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/import_internal.h"

#define GUESS_ROWS 200
#define GUESS_SHOWN 3

/* Whether text fits field f (stages: one of the pipeline's). */
static int fits(import_job *j, const import_field *fld, const char *text, arena *a)
{
    const field_def *f = fld->f;
    emb_err ignored;
    if (f->type == FT_REF)
        return import_stage_known(j, text);
    field_value out;
    if (f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BP || f->type == FT_RATE || f->type == FT_TARGET) {
        parse_opts po = j->popts; /* either separator: the column's is decided later */
        po.numbers = NUM_DOT;
        if (value_parse_field(f, text, &po, NULL, a, &out, &ignored) == EMB_OK)
            return 1;
        po.numbers = NUM_COMMA;
        return value_parse_field(f, text, &po, NULL, a, &out, &ignored) == EMB_OK;
    }
    if (f->type == FT_DATE || f->type == FT_INSTANT) {
        char day[11];
        return value_parse_date(text, DATE_DMY, j->popts.date_format, day, &ignored) == EMB_OK ||
               value_parse_date(text, DATE_MDY, j->popts.date_format, day, &ignored) == EMB_OK;
    }
    return value_parse_field(f, text, &j->popts, NULL, a, &out, &ignored) == EMB_OK;
}

static int checked(const import_job *j, const import_field *fld)
{
    const field_def *f = fld->f;
    if (fld->ncols != 1 || fld->score < 1 || fld->score >= 900 || fld->set || j->col_used[fld->cols[0]] == 2)
        return 0; /* by name, by "_id", by --map or --set */
    if (f->type == FT_REF)
        return !strcmp(f->ref, "stages") && !j->o->create_stages;
    return f->type != FT_TEXT && f->type != FT_PERIOD;
}

/* The distinct values of the checked columns, one keymap per field. */
static emb_code collect_guessed(import_job *j, void *ud, const csv_row *row, arena *a, emb_err *err)
{
    keymap *seen = ud;
    for (size_t i = 0; i < j->nfields; i++) {
        if (!checked(j, &j->fields[i]))
            continue;
        const char *t = import_cell(&j->fields[i], row, a);
        int created;
        if (t && *t && !keymap_put(&seen[i], t, strlen(t), &created))
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    return EMB_OK;
}

emb_code import_guess_check(import_job *j, emb_err *err)
{
    size_t nchecked = 0, nfields = j->nfields;
    for (size_t i = 0; i < j->nfields; i++)
        nchecked += checked(j, &j->fields[i]);
    if (!nchecked)
        return EMB_OK;
    keymap *seen = calloc(j->nfields, sizeof *seen);
    if (!seen)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (size_t i = 0; i < j->nfields; i++)
        keymap_init(&seen[i]);
    emb_code rc = import_scan_rows(j, GUESS_ROWS, collect_guessed, seen, err);
    arena a; /* the values' parses */
    arena_init(&a, 0);
    /* Leave out the columns whose values do not fit, compacting j->fields. */
    size_t kept = 0;
    for (size_t i = 0; i < j->nfields && !rc; i++) {
        import_field *fld = &j->fields[i];
        size_t fit = 0, total = seen[i].count;
        const char *shown = NULL;
        int nshown = 0;
        if (checked(j, fld))
            for (size_t s = 0; s < total; s++) {
                const char *v = seen[i].entries[s].key;
                if (fits(j, fld, v, &a))
                    fit++;
                else if (nshown++ < GUESS_SHOWN)
                    shown = shown ? arena_printf(&j->perm, "%s, '%s'", shown, v) : arena_printf(&j->perm, "'%s'", v);
            }
        /* A stage column with some new stages is still the stage: only one where
         * no value is a stage is not. */
        if (!checked(j, fld) || !total || (fld->f->type == FT_REF ? fit > 0 : 2 * fit >= total)) {
            j->fields[kept++] = *fld;
            continue;
        }
        if (fld->dflt) { /* --default still gives the field */
            fld->ncols = 0;
            fld->label = arena_printf(&j->perm, "--default %s", fld->f->name);
            j->fields[kept++] = *fld;
        } else {
            j->excluded[fld->idx] = 1;
        }
        int col = fld->cols[0];
        const char *why =
            fld->f->type == FT_REF
                ? arena_printf(&j->perm, _("its header matches field '%s', but its values (%s) are not stages of "
                                           "the pipeline"),
                               fld->f->name, shown ? shown : "")
                : arena_printf(&j->perm, _("its header matches field '%s', but its values (%s) are not %s"),
                               fld->f->name, shown ? shown : "", field_type_name(fld->f->type));
        if (!why || import_note_left_out(j, col, fld->idx, why)) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        j->col_used[col] = 0;
    }
    if (!rc && (kept != j->nfields || j->col_why)) {
        j->nfields = kept;
        for (size_t i = 0; i < j->kind->nfields; i++)
            j->slot[i] = -1;
        for (size_t i = 0; i < j->nfields; i++)
            j->slot[j->fields[i].idx] = (int)i;
        rc = import_map_finish(j, err);
    }
    arena_release(&a);
    for (size_t i = 0; i < nfields; i++)
        keymap_release(&seen[i]);
    free(seen);
    return rc;
}
