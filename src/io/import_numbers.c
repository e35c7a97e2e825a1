/*
 * import_numbers.c - the decimal separator of each number column of an import.
 *
 * With --decimal every number column uses it; otherwise a column's separator is
 * decided by its first value that only reads one way (1234.5, 12.500,00 €), and
 * the later values are read with it (8.000 € is then 8000); a value written the
 * other way later is a row error naming the row that decided. A value that reads
 * both ways (1.500) met before that triggers one extra pass that counts the
 * values of every undecided number column over the whole file and decides with
 * the organisation's locale (value_number_census_decide), or refuses the file
 * quoting its values. On the hot path a decided column costs nothing more and an
 * undecided one a strpbrk per value (plain digits decide nothing): no value is
 * parsed twice unless it has a '.' or ',' and its column is still open.
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/import_internal.h"

/* The number columns whose decimal separator is open. */
static int number_open(const import_field *fld)
{
    return !fld->dropped && fld->is_number && fld->numbers == NUM_AUTO;
}

static emb_code count_numbers(import_job *j, void *ud, const csv_row *row, arena *a, emb_err *err)
{
    (void)err;
    value_number_census *census = ud;
    for (size_t i = 0; i < j->nfields + j->nrel_fields; i++) {
        import_field *fld = import_field_at(j, i);
        if (!number_open(fld))
            continue;
        const char *t = import_cell(fld, row, a);
        if (t && fld->has_value_maps)
            t = import_value_mapped(j, fld, t);
        if (t)
            value_number_census_add(&census[i], t);
    }
    return EMB_OK;
}

/* One pass over the file counting the values of every number column whose decimal
 * separator is open; decides each over its whole column, or refuses the file. */
static emb_code detect_numbers(import_job *j, emb_err *err)
{
    j->numbers_checked = 1;
    size_t nall = j->nfields + j->nrel_fields; /* the related records' fields too */
    value_number_census *census = calloc(nall + 1, sizeof *census);
    if (!census)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    emb_code rc = import_scan_rows(j, 0, count_numbers, census, err);
    for (size_t i = 0; i < nall && !rc; i++) {
        import_field *fld = import_field_at(j, i);
        if (!number_open(fld))
            continue;
        number_style style;
        if ((rc = value_number_census_decide(&census[i], j->locale_decimal, &style, err))) {
            char why[EMB_ERR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err->msg);
            rc = emb_err_set(err, EMB_INVALID,
                             _("column '%s': %s; nothing was imported: choose the decimal separator with --decimal "
                               "point (1,234.56) or --decimal comma (1.234,56)"),
                             fld->label, why);
        } else {
            fld->numbers = style;
            fld->numbers_row = 0;
        }
    }
    free(census);
    return rc;
}

/* Before a number column's separator is known: the first value that reads only
 * one way decides it; one that reads both ways decides every open column over the
 * whole file (detect_numbers). Non-OK only when the file is refused. */
emb_code import_numbers_decide(import_job *j, import_field *fld, const char *text, emb_err *err)
{
    if (!strpbrk(text, ".,"))
        return EMB_OK; /* reads the same with either separator */
    unsigned mask = value_number_styles(text);
    if (mask == 1u << NUM_DOT || mask == 1u << NUM_COMMA) {
        fld->numbers = mask == 1u << NUM_DOT ? NUM_DOT : NUM_COMMA;
        fld->numbers_row = j->row_no;
        fld->numbers_example = arena_strdup(&j->perm, text);
        return EMB_OK;
    }
    if (mask && !j->numbers_checked)
        return detect_numbers(j, err);
    return EMB_OK;
}

/* A value of a decided column that reads only with the other separator: the
 * reason names the value that decided the column. NULL when that is not the case. */
const char *import_numbers_other(import_job *j, const import_field *fld, const char *text)
{
    if (j->popts.numbers != NUM_AUTO || fld->numbers == NUM_AUTO)
        return NULL;
    number_style other = fld->numbers == NUM_DOT ? NUM_COMMA : NUM_DOT;
    if (!(value_number_styles(text) & (1u << other)))
        return NULL;
    if (fld->numbers_row)
        return arena_printf(&j->row,
                            other == NUM_DOT
                                ? _("\"%s\" has a decimal point, but row %lld (\"%s\") gave the column a decimal "
                                    "comma; write the column's numbers one way, or choose with --decimal point or "
                                    "--decimal comma")
                                : _("\"%s\" has a decimal comma, but row %lld (\"%s\") gave the column a decimal "
                                    "point; write the column's numbers one way, or choose with --decimal point or "
                                    "--decimal comma"),
                            text, (long long)fld->numbers_row, fld->numbers_example);
    return arena_printf(&j->row,
                        other == NUM_DOT ? _("\"%s\" has a decimal point, but the column's numbers have a decimal "
                                             "comma; choose with --decimal point or --decimal comma")
                                         : _("\"%s\" has a decimal comma, but the column's numbers have a decimal "
                                             "point; choose with --decimal point or --decimal comma"),
                        text);
}
