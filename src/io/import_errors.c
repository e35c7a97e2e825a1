/*
 * import_errors.c - the errors of an import's rows and its rejects file.
 *
 * Errors are grouped by column and rule: the rule is the reason with every quoted
 * part blanked, so 8,000 rows whose `name` is empty, or whose stages are unknown,
 * make one group. A group keeps its count, its first rows, a few distinct values
 * and its first message; import_errors_finish() turns the groups into the
 * summary's messages, one per group, with a hint naming the option that fits the
 * rule (--decimal, --date-format, --map, --default ...). A row's own reasons are
 * kept whole for the rejects file.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/import_internal.h"

#define VALUE_SHOWN_MAX 80
#define MAX_GROUPS 64

/* The value as shown in messages: cut after VALUE_SHOWN_MAX bytes on a character boundary. */
static const char *shown(arena *a, const char *v)
{
    size_t n = strlen(v);
    if (n <= VALUE_SHOWN_MAX)
        return v;
    n = VALUE_SHOWN_MAX;
    while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
        n--;
    return arena_printf(a, "%.*s...", (int)n, v);
}

/* The reason with what is between quotes ('...' or "...") and numbers left out:
 * the rule it breaks, whatever the value or the row (in any language). */
static char *rule_of(arena *a, const char *reason)
{
    size_t n = strlen(reason);
    char *out = arena_alloc(a, n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (const char *p = reason; *p; p++) {
        const char *end = (*p == '\'' || *p == '"') && (p == reason || strchr(" (=:", p[-1])) ? p + 1 : NULL;
        while (end && (end = strchr(end, *p)) && end[1] && (isalnum((unsigned char)end[1]) || end[1] == '_'))
            end++; /* an apostrophe inside the quoted text ("pipeline's") */
        if (end) {
            out[k++] = *p;
            out[k++] = *p;
            p = end;
        } else if (*p >= '0' && *p <= '9' && (p == reason || p[-1] == ' ')) {
            out[k++] = '#'; /* a row number, a count */
            while (p[1] >= '0' && p[1] <= '9')
                p++;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
    return out;
}

static void group_error(import_job *j, const import_field *fld, const char *value, const char *reason,
                        const char *msg, emb_why why, const char *missing)
{
    arena *a = &j->perm;
    const char *label = fld ? fld->label : "";
    char *rule = rule_of(&j->row, reason);
    if (!rule)
        return;
    struct import_error_group *g = NULL;
    for (size_t i = 0; i < j->ngroups && !g; i++)
        if (!strcmp(j->groups[i].label, label) && !strcmp(j->groups[i].rule, rule) && j->groups[i].why == why)
            g = &j->groups[i];
    if (!g) {
        if (!j->groups)
            j->groups = arena_calloc(a, MAX_GROUPS, sizeof *j->groups);
        if (!j->groups || j->ngroups == MAX_GROUPS) {
            j->ungrouped++;
            return;
        }
        g = &j->groups[j->ngroups];
        *g = (struct import_error_group){
            .label = label,
            .field = fld && fld->f ? fld->f->name : "",
            .rule = arena_strdup(a, rule),
            .first = arena_strdup(a, msg),
            .why = why,
            .missing = missing,
        };
        if (!g->rule || !g->first) {
            j->ungrouped++;
            return;
        }
        j->ngroups++;
    }
    if (g->count < (int64_t)(sizeof g->rows / sizeof g->rows[0]))
        g->rows[g->count] = j->row_no;
    g->count++;
    if (value && *value && g->nvalues < sizeof g->values / sizeof g->values[0]) {
        for (size_t i = 0; i < g->nvalues; i++)
            if (!strcmp(g->values[i], value))
                return;
        g->values[g->nvalues] = arena_strdup(a, shown(&j->row, value));
        if (g->values[g->nvalues])
            g->nvalues++;
    }
}

void import_row_error_why(import_job *j, const import_field *fld, const char *value, const char *reason,
                          emb_why why, const char *missing)
{
    const char *msg;
    if (!reason)
        reason = _("invalid row"); /* out of memory while writing the reason */
    if (fld && value && !strstr(reason, value)) /* else the reason quotes it already */
        msg = arena_printf(&j->row, _("column '%s': value '%s': %s"), fld->label, shown(&j->row, value), reason);
    else if (fld)
        msg = arena_printf(&j->row, _("column '%s': %s"), fld->label, reason);
    else
        msg = arena_strdup(&j->row, reason);
    if (!msg)
        msg = reason;
    j->row_failed = 1;
    const char *joined = j->row_errors ? arena_printf(&j->row, "%s; %s", j->row_errors, msg) : msg;
    j->row_errors = (char *)(joined ? joined : msg);
    j->sum->errors_total++;
    group_error(j, fld, value, reason, msg, why, missing);
}

void import_row_error(import_job *j, const import_field *fld, const char *value, const char *reason)
{
    import_row_error_why(j, fld, value, reason, EMB_WHY_NONE, NULL);
}

/* The columns no field uses, as "'a', 'b'" (at most 6), or NULL. */
static const char *free_columns(import_job *j, arena *a)
{
    const char *list = NULL;
    int n = 0;
    for (size_t c = 0; c < j->ncols && n < 6; c++)
        if (!j->col_used[c]) {
            list = list ? arena_printf(a, "%s, '%s'", list, j->cols[c]) : arena_printf(a, "'%s'", j->cols[c]);
            n++;
        }
    return list;
}

/* The option that fits a group's error, or NULL when the message says it already.
 * Chosen from what the error is about (why, missing, SQLite's own words), never
 * from the message's words, which are translated. */
static const char *hint_of(import_job *j, const struct import_error_group *g, arena *a)
{
    if (strstr(g->rule, "--"))
        return NULL; /* the reason names its option */
    if (g->why == EMB_WHY_NUMBER && g->nvalues && strpbrk(g->values[0], ".,"))
        return _("if the file writes numbers another way, choose the decimal separator with --decimal point or "
                 "--decimal comma");
    if (g->why == EMB_WHY_DATE)
        return _("give the file's date format with --date-format (d/m/Y, m/d/Y, Y-m-d or a format such as %d.%m.%Y)");
    const char *null = strstr(g->rule, "NOT NULL constraint failed: "); /* SQLite's words, never translated */
    const char *field = g->missing;
    if (!field && null) {
        const char *q = strchr(null + 28, '.');
        for (size_t i = 0; q && i < j->kind->nfields; i++)
            if (j->kind->fields[i].column && !strncmp(j->kind->fields[i].column, q + 1, strcspn(q + 1, " ;,")) &&
                strlen(j->kind->fields[i].column) == strcspn(q + 1, " ;,"))
                field = j->kind->fields[i].name;
    }
    if (field) {
        const char *cols = free_columns(j, a);
        return cols ? arena_printf(a,
                                   _("name the column that holds %s with --map %s=COLUMN (columns not used: %s), or "
                                     "give one value with --default %s=VALUE"),
                                   field, field, cols, field)
                    : arena_printf(a,
                                   _("name the column that holds %s with --map %s=COLUMN, or give one value with "
                                     "--default %s=VALUE"),
                                   field, field, field);
    }
    if (g->why == EMB_WHY_CHOICE)
        return _("read the file's words as the field's values with --value-map FIELD:FROM=TO");
    return NULL;
}

void import_errors_finish(import_job *j)
{
    import_summary *s = j->sum;
    s->nerrors = 0;
    s->errors_hidden = j->ungrouped;
    for (size_t i = 0; i < j->ngroups; i++) {
        const struct import_error_group *g = &j->groups[i];
        if (!s->errors || s->nerrors == (size_t)j->max_errors) {
            s->errors_hidden += g->count;
            continue;
        }
        const char *line;
        if (g->count == 1) {
            line = arena_printf(&s->arena, g->label[0] ? _("row %lld, %s") : _("row %lld: %s"), (long long)g->rows[0],
                                g->first);
        } else {
            const char *rows = arena_printf(&s->arena, "%lld", (long long)g->rows[0]);
            size_t shown_rows = g->count < 5 ? (size_t)g->count : 5;
            for (size_t k = 1; k < shown_rows && rows; k++)
                rows = arena_printf(&s->arena, "%s, %lld", rows, (long long)g->rows[k]);
            if (rows && g->count > 5)
                rows = arena_printf(&s->arena, "%s ...", rows);
            line = arena_printf(&s->arena, g->label[0] ? _("%lld rows (rows %s), %s") : _("%lld rows (rows %s): %s"),
                                (long long)g->count, rows ? rows : "?", g->first);
            for (size_t k = 1; line && k < g->nvalues; k++)
                line = arena_printf(&s->arena, k == 1 ? _("%s; other values: '%s'") : "%s, '%s'", line, g->values[k]);
        }
        const char *hint = line ? hint_of(j, g, &s->arena) : NULL;
        if (line && hint)
            line = arena_printf(&s->arena, _("%s; hint: %s"), line, hint);
        if (line) {
            s->error_items[s->nerrors] = (import_error_item){.row = g->rows[0], .rows = g->count, .field = g->field,
                                                             .column = g->label, .value = g->nvalues ? g->values[0] : "",
                                                             .message = line};
            s->errors[s->nerrors++] = line;
        }
    }
}

void import_write_csv_field(FILE *f, const char *s)
{
    size_t n = strlen(s);
    int quote = n && (strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[n - 1] == ' ');
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

void import_reject_row(import_job *j)
{
    for (size_t i = 0; i < j->nundo; i++) {
        import_undo *u = &j->undo[i];
        keymap_entry *e = keymap_get(u->map, u->key, u->len);
        if (e) {
            e->id = 0;
            e->tag = 0;
        }
        if (u->kind_index >= 0 && j->created_refs[u->kind_index] > 0)
            j->created_refs[u->kind_index]--;
    }
    j->nundo = 0;
    j->sum->rejected++;
    if (j->rejects) {
        for (size_t c = 0; c < j->ncols; c++) {
            if (c)
                fputc(',', j->rejects);
            import_write_csv_field(j->rejects, c < j->ncells && j->cells ? j->cells[c] : "");
        }
        fputc(',', j->rejects);
        import_write_csv_field(j->rejects, j->row_errors ? j->row_errors : _("invalid row"));
        fputc('\n', j->rejects);
    } else {
        j->use_savepoints = 1; /* keep later error reports exact */
    }
}
