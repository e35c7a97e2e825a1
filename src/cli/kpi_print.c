/*
 * kpi_print.c - the three output formats of a KPI report; see kpi_print.h.
 * The report is first laid out as a grid of columns; each column has a table
 * text, a JSON text and one or more CSV cells per row.
 */
#include "cli/kpi_print.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/value.h"

typedef struct {
    const char *name;
    int nsub;                /* CSV columns: 1, or one per part */
    const char **subnames;   /* nsub CSV header names */
    const char **table;      /* per row */
    const char **json;       /* per row: JSON text */
    const char **csv;        /* per row: nsub cells */
    int right;               /* right-aligned in tables */
} column;

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

static const char *unit_table(kpi_unit unit, double x, arena *a)
{
    if (unit == UNIT_RATE)
        return arena_printf(a, "%.1f%%", x * 100.0);
    return arena_printf(a, "%.2f", x);
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

const char *kpi_value_table_text(const snapshot *s, const kpi_metric *m, const kpi_value *v, arena *a)
{
    if (v->kind == KV_INT && kpi_metric_unit(m) == UNIT_CLASS)
        return class_letter(v);
    switch (v->kind) {
    case KV_NULL:
        return "-";
    case KV_INT:
    case KV_MONEY:
        return scalar_data(s, v, a);
    case KV_REAL:
        return unit_table(kpi_metric_unit(m), v->x, a);
    case KV_PAIR:
        return arena_printf(a, "%.1f (mean %.1f)", v->median, v->mean);
    case KV_PARTS: {
        const char *const *names = kpi_metric_parts(m);
        char *t = arena_strdup(a, "");
        for (int k = 0; names && names[k]; k++) {
            const char *d = part_data(s, m, v, k, a);
            if (d && kpi_unit_is_real(part_unit(m, v, k)))
                d = unit_table(part_unit(m, v, k), v->xpart[k], a);
            t = arena_printf(a, "%s%s%s %s", t, k ? ", " : "", names[k], d ? d : "-");
        }
        return t;
    }
    }
    return "?";
}

/* Fills a metric column (with its CSV sub-columns) for every row. */
static void metric_column(column *c, const kpi_report *rep, int m, arena *a)
{
    const kpi_metric *metric = rep->query->metrics[m];
    const char *const *parts = kpi_metric_parts(metric);
    const kpi_result *r = rep->result;
    c->name = kpi_metric_name(metric);
    c->right = 1;
    if (kpi_metric_unit(metric) == UNIT_DAYS && !parts) {
        static const char *const pair[] = {"median", "mean", NULL};
        parts = pair;
    }
    c->nsub = 1;
    if (parts)
        for (c->nsub = 0; parts[c->nsub]; c->nsub++)
            ;
    c->subnames = arena_calloc(a, (size_t)c->nsub, sizeof *c->subnames);
    for (int k = 0; k < c->nsub; k++)
        c->subnames[k] = parts ? arena_printf(a, "%s_%s", c->name, parts[k]) : c->name;
    for (int i = 0; i < r->nrows; i++) {
        const kpi_value *v = &r->rows[i].values[m];
        c->table[i] = kpi_value_table_text(rep->snap, metric, v, a);
        const char **cells = &c->csv[(size_t)i * KPI_MAX_PARTS];
        if (v->kind == KV_PAIR) {
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
            const char *d = scalar_data(rep->snap, v, a);
            for (int k = 0; k < c->nsub; k++)
                cells[k] = "";
            if (c->nsub == 1)
                cells[0] = d ? d : "";
            c->json[i] = d ? d : "null";
        }
    }
}

/* A scalar comparison column: kind 0 the other value, 1 change, 2 relative change / attainment. */
static void compare_column(column *c, const kpi_report *rep, int m, int kind, arena *a)
{
    const kpi_metric *metric = rep->query->metrics[m];
    static const char *const suffix[3][2] = {{"previous", "goal"}, {"change", NULL}, {"change_rel", "attainment"}};
    int goal = rep->compare == KPI_COMPARE_GOAL;
    const char *what = suffix[kind][goal];
    if (kind == 0 && rep->compare == KPI_COMPARE_YEAR)
        what = "year";
    c->name = arena_printf(a, "%s_%s", kpi_metric_name(metric), what);
    c->nsub = 1;
    c->subnames = arena_calloc(a, 1, sizeof *c->subnames);
    c->subnames[0] = c->name;
    c->right = 1;
    for (int i = 0; i < rep->result->nrows; i++) {
        const kpi_value *cur = &rep->result->rows[i].values[m];
        const kpi_value *other = &rep->other[(size_t)i * rep->query->nmetrics + m];
        kpi_value v = kind == 0 ? *other : kind == 1 ? kpi_change(cur, other) : kpi_change_relative(cur, other);
        if (kind == 2 && goal && v.kind == KV_REAL)
            v.x += 1.0; /* attainment = actual / target = 1 + relative change */
        const char *d = scalar_data(rep->snap, &v, a);
        c->json[i] = d ? d : "null";
        c->csv[(size_t)i * KPI_MAX_PARTS] = d ? d : "";
        if (v.kind == KV_NULL)
            c->table[i] = "-";
        else if (kind == 2)
            c->table[i] = arena_printf(a, goal ? "%.1f%%" : "%+.1f%%", v.x * 100.0);
        else
            c->table[i] = kpi_value_table_text(rep->snap, metric, &v, a);
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

void kpi_print(cli_ctx *ctx, const kpi_report *rep, arena *a)
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
        col->table = arena_calloc(a, (size_t)r->nrows + 1, sizeof *col->table);
        col->json = arena_calloc(a, (size_t)r->nrows + 1, sizeof *col->json);
        col->csv = arena_calloc(a, ((size_t)r->nrows + 1) * KPI_MAX_PARTS, sizeof *col->csv);
        for (int i = 0; i < r->nrows; i++) {
            int32_t code = r->rows[i].key[b];
            int none = code == SNAP_NONE && q->by[b] < DIM_DAY;
            const char *label = kpi_dim_label(rep->snap, q->by[b], code, a);
            col->table[i] = label;
            col->json[i] = none ? "null" : json_quote(label, a);
            col->csv[(size_t)i * KPI_MAX_PARTS] = none ? "" : label;
        }
    }
    for (int m = 0; m < q->nmetrics; m++) {
        for (int k = 0; k < per_metric; k++, c++) {
            column *col = &cols[c];
            col->table = arena_calloc(a, (size_t)r->nrows + 1, sizeof *col->table);
            col->json = arena_calloc(a, (size_t)r->nrows + 1, sizeof *col->json);
            col->csv = arena_calloc(a, ((size_t)r->nrows + 1) * KPI_MAX_PARTS, sizeof *col->csv);
            if (k == 0)
                metric_column(col, rep, m, a);
            else if (rep->compare == KPI_COMPARE_GOAL)
                compare_column(col, rep, m, k == 1 ? 0 : 2, a);
            else
                compare_column(col, rep, m, k - 1, a);
        }
    }
    FILE *o = ctx->out;
    if (ctx->format == FORMAT_JSON) {
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
    } else if (ctx->format == FORMAT_CSV) {
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
        int *width = arena_calloc(a, (size_t)ncols, sizeof *width);
        for (c = 0; c < ncols; c++) {
            width[c] = display_width(cols[c].name);
            for (int i = 0; i < r->nrows; i++)
                if (display_width(cols[c].table[i]) > width[c])
                    width[c] = display_width(cols[c].table[i]);
        }
        for (int i = -1; i < r->nrows; i++) {
            for (c = 0; c < ncols; c++) {
                const char *t = i < 0 ? cols[c].name : cols[c].table[i];
                int pad = width[c] - display_width(t);
                if (cols[c].right && i >= 0)
                    fprintf(o, "%s%*s%s", c ? "  " : "", pad, "", t);
                else
                    fprintf(o, "%s%s%*s", c ? "  " : "", t, c + 1 < ncols ? pad : 0, "");
            }
            fputc('\n', o);
        }
    }
}
