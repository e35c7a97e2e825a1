/*
 * output.h - the one printer of tabular data (columns + rows of strings) for every
 * command that prints data, in the three formats of --format:
 *
 *  table  aligned columns for people: a header line, a line of dashes, one line per
 *         row; widths counted in terminal cells (UTF-8 aware: accents count 1, East
 *         Asian wide characters 2, combining marks 0); a cell wider than
 *         max_cell_width is cut and ends with "…"; control characters become spaces;
 *         numbers are right-aligned; NULL cells are blank. Rows are buffered until
 *         output_end() to compute the widths.
 *  json   an array of objects, one per row, keyed by column name, one object per
 *         line: [{"id": "D-1", "amount": 1200.50}, ...] ; [] when empty. Cells of
 *         OUT_NUMBER columns are written as JSON numbers (verbatim, so "1200.50"
 *         keeps its digits) when they are valid JSON numbers, OUT_BOOL cells "1"/"0"
 *         as true/false, NULL cells as null, everything else as strings. Streamed.
 *  csv    RFC 4180: a header line of column names, then the rows; lines end in CRLF;
 *         a cell is quoted (with "" for ") when it holds a comma, a quote, CR or LF,
 *         or starts or ends with a space; NULL cells are empty. Streamed.
 *
 * Ownership: output_begin() allocates an output that output_end() (or
 * output_abort()) frees. The column array and its names must outlive the output;
 * row cells are copied (table) or written at once (json, csv), so callers may reuse
 * their buffers after output_row() returns. Write errors are reported by output_end().
 */
#ifndef EMB_OUTPUT_H
#define EMB_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/error.h"
#include "io/emit.h"

typedef enum {
    OUT_TEXT = 0, /* a string */
    OUT_NUMBER,   /* a decimal number: JSON number, right-aligned in tables */
    OUT_BOOL,     /* "1"/"0": JSON true/false */
    OUT_JSON,     /* JSON text the program wrote itself (valid by construction): embedded as
                     it is in JSON, a string in CSV and tables */
} out_type;

typedef struct {
    const char *name; /* header and JSON key */
    out_type type;
    int whole;        /* table: a text column output_fit never narrows (dates) */
} out_column;

typedef struct output output;

/* Default and smallest cut width of table cells, in terminal cells. */
#define OUTPUT_CELL_WIDTH 40
#define OUTPUT_CELL_WIDTH_MIN 4

/* Starts a table of ncols columns on f in format fmt. max_cell_width (table only;
 * 0: OUTPUT_CELL_WIDTH) bounds each cell. EMB_NOMEM on allocation failure. */
emb_code output_begin(FILE *f, output_format fmt, const out_column *cols, size_t ncols, size_t max_cell_width,
                      output **out, emb_err *err);
/* Table only: makes the lines fit in width terminal cells (0: any) by narrowing
 * the widest text columns, not below OUTPUT_CELL_WIDTH_MIN nor their heading, and
 * cutting their cells with "…"; numbers are never cut. Call before output_end. */
void output_fit(output *o, size_t width);
/* Adds one row of ncols cells; a NULL cell is a null value. */
emb_code output_row(output *o, const char *const *cells, emb_err *err);
/* Prints what is buffered, closes the JSON array, frees o, and reports EMB_IO when
 * anything could not be written. */
emb_code output_end(output *o, emb_err *err);
/* Frees o without printing what is buffered (after an error). NULL is ignored. */
void output_abort(output *o);

/* One record shown as "field  value" lines (table), one JSON object (json) or a
 * header and one row (csv). With fmt json and open_object set, the object is left
 * open (no closing brace or newline) so the caller can append members with
 * output_json_key() and output_begin() arrays, then write "}\n". */
emb_code output_record(FILE *f, output_format fmt, const out_column *cols, size_t ncols,
                       const char *const *cells, int open_object, emb_err *err);

/* Writes ,"key": for a member appended to an object left open by output_record. */
void output_json_key(FILE *f, const char *key);
/* Width of UTF-8 text in terminal cells (invalid bytes count 1 each). */
size_t output_text_width(const char *s);

#endif
