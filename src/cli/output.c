/*
 * output.c - the tabular printer of the CLI; see output.h for the three formats.
 * Invariant: in table mode every buffered cell is already cleaned (no control
 * characters) and cut to max_cell_width, with its width stored next to it.
 */
#include "cli/output.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "core/arena.h"

typedef struct {
    const char *s; /* cleaned text, "" for NULL */
    size_t w;      /* its width in terminal cells */
} cell;

struct output {
    FILE *f;
    output_format fmt;
    const out_column *cols;
    size_t ncols;
    size_t max_w;
    size_t fit_w; /* table: the whole line's width to fit in, 0: any */
    size_t nrows;
    cell **rows; /* table: buffered rows (arrays of ncols cells in the arena) */
    size_t cap;
    arena a;
};

static size_t cp_width(UChar32 c)
{
    if (c == 0x200b || c == 0x00ad)
        return 0;
    int t = u_charType(c);
    if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR)
        return 0;
    int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    return ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
}

/* Decodes the code point at s[*i] (of length n), advancing *i; invalid bytes give -1. */
static UChar32 next_cp(const char *s, int32_t *i, int32_t n)
{
    UChar32 c;
    U8_NEXT(s, *i, n, c);
    return c;
}

size_t output_text_width(const char *s)
{
    if (!s)
        return 0;
    int32_t n = (int32_t)strlen(s), i = 0;
    size_t w = 0;
    while (i < n) {
        UChar32 c = next_cp(s, &i, n);
        w += c < 0 ? 1 : cp_width(c);
    }
    return w;
}

/* The cell as shown in a table: control characters as spaces, cut to max_w cells
 * with a final "…" when longer. */
static emb_code table_cell(output *o, const char *s, cell *out, emb_err *err)
{
    if (!s) {
        *out = (cell){"", 0};
        return EMB_OK;
    }
    int32_t n = (int32_t)strlen(s), i = 0;
    char *buf = arena_alloc(&o->a, (size_t)n + 4);
    if (!buf)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    size_t total = output_text_width(s), w = 0, len = 0;
    size_t limit = total > o->max_w ? o->max_w - 1 : total;
    while (i < n) {
        int32_t start = i;
        UChar32 c = next_cp(s, &i, n);
        size_t cw = c < 0 ? 1 : cp_width(c);
        if (w + cw > limit)
            break;
        w += cw;
        if (c >= 0 && c < 0x20) {
            buf[len++] = ' ';
        } else if (c < 0 || c == 0x7f) {
            buf[len++] = '?';
        } else {
            memcpy(buf + len, s + start, (size_t)(i - start));
            len += (size_t)(i - start);
        }
    }
    if (total > o->max_w) {
        memcpy(buf + len, "\xe2\x80\xa6", 3); /* … */
        len += 3;
        w += 1;
    }
    buf[len] = '\0';
    *out = (cell){buf, w};
    return EMB_OK;
}

static void json_value(FILE *f, out_type type, const char *s)
{
    if (type == OUT_NUMBER)
        emit_json_number(f, s);
    else if (type == OUT_BOOL)
        emit_json_bool(f, s);
    else if (type == OUT_JSON && s)
        fputs(s, f);
    else
        emit_json_string(f, s);
}

static void json_object(FILE *f, const out_column *cols, size_t ncols, const char *const *cells, int close)
{
    putc('{', f);
    for (size_t c = 0; c < ncols; c++) {
        if (c)
            fputs(", ", f);
        emit_json_string(f, cols[c].name);
        fputs(": ", f);
        json_value(f, cols[c].type, cells[c]);
    }
    if (close)
        putc('}', f);
}

static void csv_line(FILE *f, size_t ncols, const char *const *cells)
{
    for (size_t c = 0; c < ncols; c++) {
        if (c)
            putc(',', f);
        emit_csv_cell(f, cells[c]);
    }
    fputs(EMIT_CSV_EOL, f);
}

static void csv_header(FILE *f, const out_column *cols, size_t ncols)
{
    for (size_t c = 0; c < ncols; c++) {
        if (c)
            putc(',', f);
        emit_csv_cell(f, cols[c].name);
    }
    fputs(EMIT_CSV_EOL, f);
}

emb_code output_begin(FILE *f, output_format fmt, const out_column *cols, size_t ncols, size_t max_cell_width,
                      output **out, emb_err *err)
{
    output *o = calloc(1, sizeof *o);
    if (!o)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    o->f = f;
    o->fmt = fmt;
    o->cols = cols;
    o->ncols = ncols;
    o->max_w = max_cell_width ? max_cell_width : OUTPUT_CELL_WIDTH;
    if (o->max_w < OUTPUT_CELL_WIDTH_MIN)
        o->max_w = OUTPUT_CELL_WIDTH_MIN;
    arena_init(&o->a, 64 * 1024);
    if (fmt == FORMAT_JSON)
        putc('[', f);
    else if (fmt == FORMAT_CSV)
        csv_header(f, cols, ncols);
    *out = o;
    return EMB_OK;
}

void output_fit(output *o, size_t width) { o->fit_w = width; }

emb_code output_row(output *o, const char *const *cells, emb_err *err)
{
    switch (o->fmt) {
    case FORMAT_JSON:
        fputs(o->nrows ? ",\n" : "\n", o->f);
        json_object(o->f, o->cols, o->ncols, cells, 1);
        break;
    case FORMAT_CSV:
        csv_line(o->f, o->ncols, cells);
        break;
    case FORMAT_TABLE: {
        if (o->nrows == o->cap) {
            size_t cap = o->cap ? o->cap * 2 : 64;
            cell **rows = realloc(o->rows, cap * sizeof *rows);
            if (!rows)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            o->rows = rows;
            o->cap = cap;
        }
        cell *row = arena_alloc(&o->a, o->ncols * sizeof *row);
        if (!row)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        for (size_t c = 0; c < o->ncols; c++)
            if (table_cell(o, cells[c], &row[c], err))
                return err->code;
        o->rows[o->nrows] = row;
        break;
    }
    }
    o->nrows++;
    return EMB_OK;
}

static void pad(FILE *f, size_t n)
{
    while (n--)
        putc(' ', f);
}

/* One table line, without trailing spaces: it stops after the last non-empty cell. */
static void table_line(output *o, const size_t *widths, const cell *row)
{
    size_t end = 0;
    for (size_t c = 0; c < o->ncols; c++)
        if (row[c].w)
            end = c + 1;
    for (size_t c = 0; c < end; c++) {
        int last = c + 1 == end;
        size_t gap = widths[c] - row[c].w;
        if (c)
            fputs("  ", o->f);
        if (o->cols[c].type == OUT_NUMBER) {
            pad(o->f, gap);
            fputs(row[c].s, o->f);
        } else {
            fputs(row[c].s, o->f);
            if (!last)
                pad(o->f, gap);
        }
    }
    putc('\n', o->f);
}

/* Narrows the widest text columns, a cell at a time, until the line fits in
 * o->fit_w or every text column is down to OUTPUT_CELL_WIDTH_MIN (or its heading). */
static void fit_widths(output *o, size_t *widths, const cell *head)
{
    size_t total = o->ncols ? 2 * (o->ncols - 1) : 0;
    for (size_t c = 0; c < o->ncols; c++)
        total += widths[c];
    while (o->fit_w && total > o->fit_w) {
        size_t widest = o->ncols;
        for (size_t c = 0; c < o->ncols; c++) {
            size_t floor = head[c].w > OUTPUT_CELL_WIDTH_MIN ? head[c].w : OUTPUT_CELL_WIDTH_MIN;
            if (o->cols[c].type == OUT_TEXT && !o->cols[c].whole && widths[c] > floor && (widest == o->ncols || widths[c] > widths[widest]))
                widest = c;
        }
        if (widest == o->ncols)
            return;
        widths[widest]--;
        total--;
    }
}

/* Cuts a cleaned cell to w terminal cells, ending with "…". */
static cell cut_cell(output *o, cell in, size_t w)
{
    int32_t n = (int32_t)strlen(in.s), i = 0;
    char *buf = arena_alloc(&o->a, (size_t)n + 4);
    if (!buf || w == 0)
        return (cell){"", 0};
    size_t used = 0, len = 0;
    while (i < n) {
        int32_t start = i;
        UChar32 c = next_cp(in.s, &i, n);
        size_t cw = c < 0 ? 1 : cp_width(c);
        if (used + cw > w - 1)
            break;
        memcpy(buf + len, in.s + start, (size_t)(i - start));
        len += (size_t)(i - start);
        used += cw;
    }
    memcpy(buf + len, "\xe2\x80\xa6", 4); /* "…" and the NUL */
    return (cell){buf, used + 1};
}

static void print_table(output *o, size_t *widths)
{
    cell *head = arena_alloc(&o->a, o->ncols * sizeof *head);
    if (!head)
        return;
    for (size_t c = 0; c < o->ncols; c++) {
        head[c] = (cell){o->cols[c].name, output_text_width(o->cols[c].name)};
        widths[c] = head[c].w;
        for (size_t r = 0; r < o->nrows; r++)
            if (o->rows[r][c].w > widths[c])
                widths[c] = o->rows[r][c].w;
    }
    fit_widths(o, widths, head);
    for (size_t r = 0; r < o->nrows; r++)
        for (size_t c = 0; c < o->ncols; c++)
            if (o->rows[r][c].w > widths[c])
                o->rows[r][c] = cut_cell(o, o->rows[r][c], widths[c]);
    table_line(o, widths, head);
    for (size_t c = 0; c < o->ncols; c++) {
        if (c)
            fputs("  ", o->f);
        for (size_t i = 0; i < widths[c]; i++)
            putc('-', o->f);
    }
    putc('\n', o->f);
    for (size_t r = 0; r < o->nrows; r++)
        table_line(o, widths, o->rows[r]);
}

emb_code output_end(output *o, emb_err *err)
{
    emb_code rc = EMB_OK;
    if (o->fmt == FORMAT_JSON) {
        fputs(o->nrows ? "\n]\n" : "]\n", o->f);
    } else if (o->fmt == FORMAT_TABLE) {
        size_t *widths = calloc(o->ncols ? o->ncols : 1, sizeof *widths);
        if (!widths)
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
        else
            print_table(o, widths);
        free(widths);
    }
    if (!rc && (fflush(o->f) != 0 || ferror(o->f)))
        rc = emb_err_set(err, EMB_IO, _("cannot write output"));
    output_abort(o);
    return rc;
}

void output_abort(output *o)
{
    if (!o)
        return;
    arena_release(&o->a);
    free(o->rows);
    free(o);
}

/* Table form of one record: names padded to the widest, values whole; lines of a
 * multi-line value after the first are indented under the value. */
static void record_table(FILE *f, const out_column *cols, size_t ncols, const char *const *cells)
{
    size_t w = 0;
    for (size_t c = 0; c < ncols; c++)
        if (output_text_width(cols[c].name) > w)
            w = output_text_width(cols[c].name);
    for (size_t c = 0; c < ncols; c++) {
        fputs(cols[c].name, f);
        const char *v = cells[c] ? cells[c] : "";
        if (*v)
            pad(f, w - output_text_width(cols[c].name) + 2);
        for (const char *p = v; *p; p++) {
            if (*p == '\n') {
                putc('\n', f);
                pad(f, w + 2);
            } else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                putc(' ', f);
            } else {
                putc(*p, f);
            }
        }
        putc('\n', f);
    }
}

emb_code output_record(FILE *f, output_format fmt, const out_column *cols, size_t ncols,
                       const char *const *cells, int open_object, emb_err *err)
{
    switch (fmt) {
    case FORMAT_TABLE:
        record_table(f, cols, ncols, cells);
        break;
    case FORMAT_JSON:
        json_object(f, cols, ncols, cells, !open_object);
        if (!open_object)
            putc('\n', f);
        break;
    case FORMAT_CSV:
        csv_header(f, cols, ncols);
        csv_line(f, ncols, cells);
        break;
    }
    if (ferror(f))
        return emb_err_set(err, EMB_IO, _("cannot write output"));
    return EMB_OK;
}

void output_json_key(FILE *f, const char *key)
{
    fputs(", ", f);
    emit_json_string(f, key);
    fputs(": ", f);
}
