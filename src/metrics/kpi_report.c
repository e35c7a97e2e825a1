/*
 * kpi_report.c - the three output formats of a KPI report; see kpi_report.h.
 * The report is first laid out as a grid of columns; each column has a table
 * text, a JSON text and one or more CSV cells per row.
 */
#include "metrics/kpi_report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/locfmt.h"
#include "core/value.h"

typedef struct {
    const char *name;
    int nsub;                /* CSV columns: 1, or one per part */
    const char **subnames;   /* nsub CSV header names */
    int ntab;                /* table columns: 1, or one per part */
    const char **tabnames;   /* ntab table headings, for people */
    const char **table;      /* per row: ntab cells, [row * KPI_MAX_PARTS + k] */
    const char **json;       /* per row: JSON text */
    const char **csv;        /* per row: nsub cells */
    int right;               /* right-aligned in tables */
} column;

/* Names of dimensions and parts of metrics as table headings; the data names
 * stay in JSON and CSV. Names not listed here are shown as they are. */
static const char *const heading_words[] = {
    N_("rep"), N_("team"), N_("account"), N_("segment"), N_("industry"), N_("region"), N_("source"),
    N_("stage"), N_("pipeline"), N_("product"), N_("category"), N_("lost_reason"), N_("activity_type"),
    N_("outcome"), N_("day"), N_("week"), N_("month"), N_("quarter"), N_("year"),
    N_("median"), N_("mean"), N_("count"), N_("amount"), N_("deals"), N_("accounts"), N_("active"),
    N_("scheduled"), N_("held"), N_("cancelled"), N_("rejected"), N_("days_since_last"), N_("days_to_next"),
    N_("target"), N_("actual"), N_("elapsed_share"), N_("pacing"), N_("projected"), N_("needed_per_day"),
    N_("mql"), N_("sql"), N_("opportunity"), N_("customer"), N_("median_hours"), N_("p90_hours"),
    N_("within_sla"), N_("open_start"), N_("created"), N_("reopened"), N_("increased"), N_("decreased"),
    N_("won"), N_("lost"), N_("open_end"), N_("previous"), N_("goal"), N_("change"), N_("change_rel"),
    N_("attainment"),
};

static const char *heading(const char *word)
{
    for (size_t i = 0; i < sizeof heading_words / sizeof heading_words[0]; i++)
        if (!strcmp(word, heading_words[i]))
            return _(heading_words[i]);
    return word;
}

const char *kpi_heading(const char *word) { return heading(word); }

static const char *json_quote(const char *s, arena *a)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    const char *r = arena_strdup(a, t ? t : "\"?\"");
    free(t);
    json_decref(j);
    return r;
}

static const char *real_text(double x, arena *a) { return arena_printf(a, "%.10g", x); }

/* A scalar in data form (json/csv); NULL for no value. */
static const char *scalar_data(const snapshot *s, const kpi_value *v, arena *a)
{
    switch (v->kind) {
    case KV_INT:
        return arena_printf(a, "%lld", (long long)v->i);
    case KV_MONEY:
        return value_format_money(v->i, s->currency, a);
    case KV_REAL:
        return real_text(v->x, a);
    default:
        return NULL;
    }
}

const char *kpi_json_string(const char *s, arena *a) { return json_quote(s, a); }

const char *kpi_csv_text(const char *s, arena *a)
{
    if (!strpbrk(s, ",\"\r\n"))
        return s;
    size_t n = strlen(s), k = 0;
    char *out = arena_alloc(a, 2 * n + 3);
    if (!out)
        return "";
    out[k++] = '"';
    for (; *s; s++) {
        if (*s == '"')
            out[k++] = '"';
        out[k++] = *s;
    }
    out[k++] = '"';
    out[k] = '\0';
    return out;
}

const char *kpi_value_data_text(const snapshot *s, const kpi_value *v, arena *a) { return scalar_data(s, v, a); }

/* A real value of a unit for people: rates as percentages, durations with their
 * unit; sign: a "+" before positive rates. lf NULL: without the locale. */
static const char *people_real(locfmt *lf, kpi_unit unit, double x, int sign, arena *a)
{
    if (!lf)
        return unit == UNIT_RATE ? arena_printf(a, sign ? "%+.1f%%" : "%.1f%%", x * 100.0) : arena_printf(a, "%.2f", x);
    switch (unit) {
    case UNIT_RATE:
        return locfmt_percent(lf, x, 1, sign, a);
    case UNIT_DAYS:
        return arena_printf(a, ngettext("%s day", "%s days", x == 1.0 ? 1 : 2), locfmt_real(lf, x, 1, a));
    case UNIT_HOURS:
        return arena_printf(a, _("%s h"), locfmt_real(lf, x, 1, a));
    case UNIT_MINUTES:
        return arena_printf(a, _("%s min"), locfmt_real(lf, x, 1, a));
    default:
        return locfmt_real(lf, x, 2, a);
    }
}

/* A whole value (count or minor units) of a unit for people. */
static const char *people_int(const snapshot *s, locfmt *lf, kpi_unit unit, int64_t i, arena *a)
{
    if (!lf)
        return unit == UNIT_MONEY || unit == UNIT_MONEY_PER_DAY ? value_format_money(i, s->currency, a)
                                                                 : arena_printf(a, "%lld", (long long)i);
    switch (unit) {
    case UNIT_MONEY:
        return locfmt_money(lf, i, s->currency, a);
    case UNIT_MONEY_PER_DAY:
        return arena_printf(a, _("%s per day"), locfmt_money(lf, i, s->currency, a));
    case UNIT_DAYS:
        return arena_printf(a, ngettext("%s day", "%s days", i == 1 ? 1 : 2), locfmt_int(lf, i, a));
    default:
        return locfmt_int(lf, i, a);
    }
}

static kpi_unit part_unit(const kpi_metric *m, const kpi_value *v, int k)
{
    return v->has_part_units ? v->part_unit[k] : kpi_metric_part_unit(m, k);
}

/* Part k in data form, NULL for no value. */
static const char *part_data(const snapshot *s, const kpi_metric *m, const kpi_value *v, int k, arena *a)
{
    if (v->kind != KV_PARTS || (v->part_null >> k & 1))
        return NULL;
    kpi_unit unit = part_unit(m, v, k);
    if (unit == UNIT_MONEY)
        return value_format_money(v->part[k], s->currency, a);
    if (kpi_unit_is_real(unit))
        return real_text(v->xpart[k], a);
    return arena_printf(a, "%lld", (long long)v->part[k]);
}

static const char *class_letter(const kpi_value *v)
{
    static const char *const letters[] = {"?", "A", "B", "C"};
    return v->i >= 1 && v->i <= 3 ? letters[v->i] : "?";
}

/* Part k of a multi-part value for people, "-" for none. */
static const char *part_text(const snapshot *s, const kpi_metric *m, const kpi_value *v, int k, locfmt *lf, arena *a)
{
    if (v->kind != KV_PARTS || (v->part_null >> k & 1))
        return "-";
    kpi_unit unit = part_unit(m, v, k);
    if (kpi_unit_is_real(unit))
        return people_real(lf, unit, v->xpart[k], 0, a);
    return people_int(s, lf, unit, v->part[k], a);
}

const char *kpi_value_text(const snapshot *s, const kpi_metric *m, const kpi_value *v, locfmt *lf, arena *a)
{
    kpi_unit unit = kpi_metric_unit(m);
    if (v->kind == KV_INT && unit == UNIT_CLASS)
        return class_letter(v);
    switch (v->kind) {
    case KV_NULL:
        return "-";
    case KV_INT:
        return people_int(s, lf, unit, v->i, a);
    case KV_MONEY:
        return people_int(s, lf, unit == UNIT_MONEY_PER_DAY ? unit : UNIT_MONEY, v->i, a);
    case KV_REAL:
        return people_real(lf, unit, v->x, 0, a);
    case KV_PAIR:
        return arena_printf(a, _("%s (mean %s)"), people_real(lf, unit, v->median, 0, a),
                            people_real(lf, unit, v->mean, 0, a));
    case KV_PARTS: {
        const char *const *names = kpi_metric_parts(m);
        char *t = arena_strdup(a, "");
        for (int k = 0; names && names[k]; k++)
            t = arena_printf(a, "%s%s%s %s", t, k ? ", " : "", heading(names[k]), part_text(s, m, v, k, lf, a));
        return t;
    }
    }
    return "?";
}

/* The ntab table cells of a value: one per part (has_parts), median and mean
 * (ntab 2), or the value; "-" for what is missing. */
static void table_cells(const snapshot *s, const kpi_metric *m, int has_parts, const kpi_value *v, const char **tab,
                        int ntab, locfmt *lf, arena *a)
{
    for (int k = 0; k < ntab; k++)
        tab[k] = "-";
    if (v->kind == KV_PAIR && ntab == 2) {
        tab[0] = people_real(lf, kpi_metric_unit(m), v->median, 0, a);
        tab[1] = people_real(lf, kpi_metric_unit(m), v->mean, 0, a);
    } else if (has_parts && v->kind == KV_PARTS) {
        for (int k = 0; k < ntab; k++)
            tab[k] = part_text(s, m, v, k, lf, a);
    } else if (ntab == 1) {
        tab[0] = kpi_value_text(s, m, v, lf, a);
    }
}

/* The parts a metric's value is shown in: its own, median and mean for
 * durations, NULL for one value. */
static const char *const *shown_parts(const kpi_metric *m)
{
    static const char *const pair[] = {"median", "mean", NULL};
    const char *const *parts = kpi_metric_parts(m);
    return parts ? parts : kpi_metric_unit(m) == UNIT_DAYS ? pair : NULL;
}

int kpi_value_columns(const snapshot *s, const kpi_metric *m, const kpi_value *v, locfmt *lf, const char **head,
                      const char **cells, arena *a)
{
    const char *const *parts = shown_parts(m);
    int n = 1;
    if (parts)
        for (n = 0; parts[n]; n++)
            ;
    for (int k = 0; head && k < n; k++)
        head[k] = parts ? heading(parts[k]) : kpi_metric_name(m);
    table_cells(s, m, kpi_metric_parts(m) != NULL, v, cells, n, lf, a);
    return n;
}

/* The JSON text and the nsub CSV cells of row i of column c for value v of
 * metric: a pair as {median, mean} (nsub 2), parts as an object and one cell each,
 * or a scalar (a pair by its median). */
static void data_cells(column *c, const kpi_report *rep, const kpi_metric *metric, int i, const kpi_value *v,
                       arena *a)
{
    const char *const *parts = kpi_metric_parts(metric);
    const char **cells = &c->csv[(size_t)i * KPI_MAX_PARTS];
    for (int k = 0; k < c->nsub; k++)
        cells[k] = "";
    if (v->kind == KV_PAIR && c->nsub == 2) {
        cells[0] = real_text(v->median, a);
        cells[1] = real_text(v->mean, a);
        c->json[i] = arena_printf(a, "{\"median\": %s, \"mean\": %s}", cells[0], cells[1]);
    } else if (parts && v->kind == KV_PARTS) {
        char *obj = arena_strdup(a, "{");
        for (int k = 0; k < c->nsub; k++) {
            const char *d = part_data(rep->snap, metric, v, k, a);
            cells[k] = d ? d : "";
            obj = arena_printf(a, "%s%s%s: %s", obj, k ? ", " : "", json_quote(parts[k], a), d ? d : "null");
        }
        c->json[i] = arena_printf(a, "%s}", obj);
    } else if (v->kind == KV_INT && kpi_metric_unit(metric) == UNIT_CLASS) {
        cells[0] = class_letter(v);
        c->json[i] = arena_printf(a, "\"%s\"", cells[0]);
    } else {
        kpi_value main = v->kind == KV_PAIR ? (kpi_value){.kind = KV_REAL, .x = v->median} : *v;
        const char *d = scalar_data(rep->snap, &main, a);
        if (c->nsub == 1)
            cells[0] = d ? d : "";
        c->json[i] = d ? d : "null";
    }
}

/* Fills a metric column (with its CSV sub-columns) for every row. */
static void metric_column(column *c, const kpi_report *rep, int m, locfmt *lf, arena *a)
{
    const kpi_metric *metric = rep->query->metrics[m];
    const char *const *parts = shown_parts(metric);
    const kpi_result *r = rep->result;
    c->name = kpi_metric_name(metric);
    c->right = 1;
    c->nsub = 1;
    if (parts)
        for (c->nsub = 0; parts[c->nsub]; c->nsub++)
            ;
    c->subnames = arena_calloc(a, (size_t)c->nsub, sizeof *c->subnames);
    c->ntab = c->nsub;
    c->tabnames = arena_calloc(a, (size_t)c->nsub, sizeof *c->tabnames);
    for (int k = 0; k < c->nsub; k++) {
        c->subnames[k] = parts ? arena_printf(a, "%s_%s", c->name, parts[k]) : c->name;
        /* one metric: its parts' names are enough */
        c->tabnames[k] = !parts                         ? c->name
                         : rep->query->nmetrics == 1 ? heading(parts[k])
                                                     : arena_printf(a, "%s %s", c->name, heading(parts[k]));
    }
    for (int i = 0; i < r->nrows; i++) {
        const kpi_value *v = &r->rows[i].values[m];
        table_cells(rep->snap, metric, parts != NULL, v, &c->table[(size_t)i * KPI_MAX_PARTS], c->ntab, lf, a);
        data_cells(c, rep, metric, i, v, a);
    }
}

/* A comparison column: kind 0 the other value (shaped as the metric: parts, or
 * median and mean), 1 change, 2 relative change / attainment (pairs by their
 * median; values with parts part by part). */
static void compare_column(column *c, const kpi_report *rep, int m, int kind, locfmt *lf, arena *a)
{
    const kpi_metric *metric = rep->query->metrics[m];
    static const char *const suffix[3][2] = {{"previous", "goal"}, {"change", NULL}, {"change_rel", "attainment"}};
    int goal = rep->compare == KPI_COMPARE_GOAL;
    const char *what = suffix[kind][goal];
    if (kind == 0 && rep->compare == KPI_COMPARE_YEAR)
        what = "year";
    c->name = arena_printf(a, "%s_%s", kpi_metric_name(metric), what);
    /* a multi-part metric: one column per part */
    const char *const *parts = kind == 0 ? shown_parts(metric) : kpi_metric_parts(metric);
    const char *title = !strcmp(what, "year") ? _("a year before") : heading(what);
    c->ntab = 1;
    if (parts)
        for (c->ntab = 0; parts[c->ntab]; c->ntab++)
            ;
    c->nsub = c->ntab;
    c->subnames = arena_calloc(a, (size_t)c->nsub, sizeof *c->subnames);
    for (int k = 0; k < c->nsub; k++)
        c->subnames[k] = parts ? arena_printf(a, "%s_%s", c->name, parts[k]) : c->name;
    c->tabnames = arena_calloc(a, (size_t)c->ntab, sizeof *c->tabnames);
    for (int k = 0; k < c->ntab; k++)
        c->tabnames[k] = parts ? arena_printf(a, "%s %s %s", kpi_metric_name(metric), heading(parts[k]), title)
                               : arena_printf(a, "%s %s", kpi_metric_name(metric), title);
    c->right = 1;
    for (int i = 0; i < rep->result->nrows; i++) {
        const kpi_value *cur = &rep->result->rows[i].values[m];
        const kpi_value *other = &rep->other[(size_t)i * rep->query->nmetrics + m];
        kpi_value v = kind == 0 ? *other : kind == 1 ? kpi_change(cur, other) : kpi_change_relative(cur, other);
        if (kind == 2 && goal && v.kind == KV_REAL)
            v.x += 1.0; /* attainment = actual / target = 1 + relative change */
        const char **tab = &c->table[(size_t)i * KPI_MAX_PARTS];
        if (kind == 2 && v.kind == KV_REAL) {
            const char *d = scalar_data(rep->snap, &v, a);
            c->json[i] = d ? d : "null";
            c->csv[(size_t)i * KPI_MAX_PARTS] = d ? d : "";
        } else {
            data_cells(c, rep, metric, i, &v, a);
        }
        if (parts)
            table_cells(rep->snap, metric, kpi_metric_parts(metric) != NULL, &v, tab, c->ntab, lf, a);
        else if (v.kind == KV_NULL)
            tab[0] = "-";
        else if (kind == 2)
            tab[0] = people_real(lf, UNIT_RATE, v.x, !goal, a);
        else if (v.kind == KV_PAIR)
            tab[0] = people_real(lf, kpi_metric_unit(metric), v.median, 0, a);
        else
            tab[0] = kpi_value_text(rep->snap, metric, &v, lf, a);
    }
}

const char *kpi_pad(const char *text, int width, arena *a)
{
    size_t len = strlen(text);
    char *out = arena_alloc(a, len + (size_t)(width > 0 ? width : 0) + 1);
    if (!out)
        return text;
    int cols = 0;
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xc0) != 0x80) {
            if (cols == width)
                break;
            cols++;
        }
        out[k++] = (char)*p;
    }
    while (cols++ < width)
        out[k++] = ' ';
    out[k] = '\0';
    return out;
}

static int display_width(const char *t)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        w += (*p & 0xc0) != 0x80;
    return w;
}

static void csv_cell(FILE *o, const char *t)
{
    if (!strpbrk(t, ",\"\r\n")) {
        fputs(t, o);
        return;
    }
    fputc('"', o);
    for (; *t; t++) {
        if (*t == '"')
            fputc('"', o);
        fputc(*t, o);
    }
    fputc('"', o);
}

void kpi_print_grid(FILE *o, int ncols, const char *const *headings, const int *right, const char *const *cells,
                    int nrows, arena *a)
{
    int *width = arena_calloc(a, (size_t)ncols + 1, sizeof *width);
    if (!width)
        return;
    for (int c = 0; c < ncols; c++) {
        width[c] = display_width(headings[c]);
        for (int i = 0; i < nrows; i++) {
            int w = display_width(cells[(size_t)i * (size_t)ncols + (size_t)c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    for (int i = -1; i < nrows; i++) {
        int spaces = 0; /* owed before the next text: none is written at the end of a line */
        for (int c = 0; c < ncols; c++) {
            const char *s = i < 0 ? headings[c] : cells[(size_t)i * (size_t)ncols + (size_t)c];
            int pad = width[c] - display_width(s);
            spaces += (c ? 2 : 0) + (right[c] ? pad : 0);
            if (*s) {
                fprintf(o, "%*s%s", spaces, "", s);
                spaces = 0;
            }
            spaces += right[c] ? 0 : pad;
        }
        fputc('\n', o);
    }
}

/* The table form: one column per table part of each column, headings for people;
 * text left-aligned, numbers right-aligned. */
static void print_table(FILE *o, const column *cols, int ncols, int nrows, arena *a)
{
    int n = 0;
    for (int c = 0; c < ncols; c++)
        n += cols[c].ntab;
    const char **head = arena_calloc(a, (size_t)n + 1, sizeof *head);
    int *right = arena_calloc(a, (size_t)n + 1, sizeof *right);
    const char **cells = arena_calloc(a, (size_t)n * (size_t)nrows + 1, sizeof *cells);
    if (!head || !right || !cells)
        return;
    for (int c = 0, t = 0; c < ncols; c++)
        for (int k = 0; k < cols[c].ntab; k++, t++) {
            head[t] = cols[c].tabnames[k];
            right[t] = cols[c].right;
            for (int i = 0; i < nrows; i++)
                cells[(size_t)i * (size_t)n + (size_t)t] = cols[c].table[(size_t)i * KPI_MAX_PARTS + k];
        }
    kpi_print_grid(o, n, head, right, cells, nrows, a);
}

static void print_report(FILE *o, kpi_format format, const kpi_report *rep, locfmt *lf, arena *a)
{
    const kpi_query *q = rep->query;
    const kpi_result *r = rep->result;
    int per_metric = rep->compare == KPI_COMPARE_NONE ? 1 : rep->compare == KPI_COMPARE_GOAL ? 3 : 4;
    int ncols = q->nby + q->nmetrics * per_metric;
    column *cols = arena_calloc(a, (size_t)ncols, sizeof *cols);
    if (!cols)
        return;
    int c = 0;
    for (int b = 0; b < q->nby; b++, c++) {
        column *col = &cols[c];
        col->name = kpi_dim_name(q->by[b]);
        col->nsub = 1;
        col->subnames = &col->name;
        col->ntab = 1;
        col->tabnames = arena_calloc(a, 1, sizeof *col->tabnames);
        col->tabnames[0] = heading(col->name);
        col->table = arena_calloc(a, ((size_t)r->nrows + 1) * KPI_MAX_PARTS, sizeof *col->table);
        col->json = arena_calloc(a, (size_t)r->nrows + 1, sizeof *col->json);
        col->csv = arena_calloc(a, ((size_t)r->nrows + 1) * KPI_MAX_PARTS, sizeof *col->csv);
        for (int i = 0; i < r->nrows; i++) {
            int32_t code = r->rows[i].key[b];
            int none = code == SNAP_NONE && q->by[b] < DIM_DAY;
            const char *label = kpi_dim_label(rep->snap, q->by[b], code, a);
            col->table[(size_t)i * KPI_MAX_PARTS] = label;
            col->json[i] = none ? "null" : json_quote(label, a);
            col->csv[(size_t)i * KPI_MAX_PARTS] = none ? "" : label;
        }
    }
    for (int m = 0; m < q->nmetrics; m++) {
        for (int k = 0; k < per_metric; k++, c++) {
            column *col = &cols[c];
            col->table = arena_calloc(a, ((size_t)r->nrows + 1) * KPI_MAX_PARTS, sizeof *col->table);
            col->json = arena_calloc(a, (size_t)r->nrows + 1, sizeof *col->json);
            col->csv = arena_calloc(a, ((size_t)r->nrows + 1) * KPI_MAX_PARTS, sizeof *col->csv);
            if (k == 0)
                metric_column(col, rep, m, lf, a);
            else if (rep->compare == KPI_COMPARE_GOAL)
                compare_column(col, rep, m, k == 1 ? 0 : 2, lf, a);
            else
                compare_column(col, rep, m, k - 1, lf, a);
        }
    }
    if (format == KPI_FORMAT_JSON) {
        fprintf(o, "{\"period\": {\"from\": %s, \"to\": %s}, \"currency\": %s, \"compare\": %s, \"rows\": [",
                rep->from ? json_quote(rep->from, a) : "null", rep->to ? json_quote(rep->to, a) : "null",
                json_quote(rep->snap->currency, a),
                rep->compare == KPI_COMPARE_NONE ? "null" : json_quote(kpi_compare_name(rep->compare), a));
        for (int i = 0; i < r->nrows; i++) {
            fprintf(o, "%s\n  {", i ? "," : "");
            for (c = 0; c < ncols; c++)
                fprintf(o, "%s%s: %s", c ? ", " : "", json_quote(cols[c].name, a), cols[c].json[i]);
            fputc('}', o);
        }
        fputs("\n]}\n", o);
    } else if (format == KPI_FORMAT_CSV) {
        int first = 1;
        for (c = 0; c < ncols; c++)
            for (int k = 0; k < cols[c].nsub; k++, first = 0) {
                if (!first)
                    fputc(',', o);
                csv_cell(o, cols[c].subnames[k]);
            }
        fputs("\r\n", o);
        for (int i = 0; i < r->nrows; i++) {
            first = 1;
            for (c = 0; c < ncols; c++)
                for (int k = 0; k < cols[c].nsub; k++, first = 0) {
                    if (!first)
                        fputc(',', o);
                    const char *t = cols[c].csv[(size_t)i * KPI_MAX_PARTS + k];
                    csv_cell(o, t ? t : "");
                }
            fputs("\r\n", o);
        }
    } else {
        print_table(o, cols, ncols, r->nrows, a);
    }
}

void kpi_report_write(FILE *o, kpi_format format, const char *locale, const kpi_report *rep, arena *a)
{
    locfmt *lf = NULL;
    emb_err err;
    if (format == KPI_FORMAT_TABLE && locfmt_open(locale, NULL, &lf, &err))
        lf = NULL; /* numbers as data rather than nothing */
    print_report(o, format, rep, lf, a);
    locfmt_close(lf);
}

void kpi_leaders_write_json(FILE *o, const snapshot *s, const kpi_metric *m, const kpi_leader *rows, int n,
                            const char *from, const char *to, arena *a)
{
    fprintf(o, "{\"metric\": %s, \"period\": {\"from\": %s, \"to\": %s}, \"rows\": [",
            json_quote(kpi_metric_name(m), a), from ? json_quote(from, a) : "null", to ? json_quote(to, a) : "null");
    for (int i = 0; i < n; i++) {
        kpi_value main = kpi_value_main(m, &rows[i].value);
        const char *value = scalar_data(s, &main, a);
        fprintf(o, "%s\n  {\"rank\": %s, \"rep\": %s, \"value\": %s, \"attainment\": %s, \"previous_rank\": %s}",
                i ? "," : "", rows[i].rank ? arena_printf(a, "%d", rows[i].rank) : "null",
                json_quote(kpi_dim_label(s, DIM_REP, rows[i].rep, a), a), value ? value : "null",
                rows[i].attainment.kind == KV_REAL ? arena_printf(a, "%.10g", rows[i].attainment.x) : "null",
                rows[i].previous_rank ? arena_printf(a, "%d", rows[i].previous_rank) : "null");
    }
    fputs("\n]}\n", o);
}
