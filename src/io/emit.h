/*
 * emit.h - writing single values of CSV (RFC 4180) and JSON text to a stream, shared
 * by exports (io/export.h) and the CLI's printer (cli/output.h) so both quote and
 * escape the same way.
 *
 * The functions write to a caller's FILE and keep no state; write errors show in
 * ferror(f), which callers check once at the end.
 */
#ifndef EMB_EMIT_H
#define EMB_EMIT_H

#include <stdio.h>

/* Line end of CSV records (RFC 4180). */
#define EMIT_CSV_EOL "\r\n"

/* Writes s as one CSV cell: as is, or quoted with "" for each " when it holds a
 * comma, a quote, CR or LF, or starts or ends with a space or tab. NULL writes
 * nothing (an empty cell). */
void emit_csv_cell(FILE *f, const char *s);
/* The same for CSV separated by sep (',', ';', '\t' ...): quoted when s holds sep
 * instead of a comma. */
void emit_csv_cell_sep(FILE *f, const char *s, char sep);

/* Writes s as a JSON string with its quotes: ", \ and control characters escaped
 * (\n, \t, \u001f ...), UTF-8 passed through, invalid UTF-8 bytes replaced by
 * U+FFFD so the output is always valid JSON. NULL writes null. */
void emit_json_string(FILE *f, const char *s);

/* True when s is a number in JSON syntax: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
int emit_is_json_number(const char *s);

/* Writes a cell of a numeric field: the number itself when s is a JSON number,
 * null for NULL or "", else a string (never invalid JSON). */
void emit_json_number(FILE *f, const char *s);

/* Writes a boolean cell: "1" true, "0" false, NULL or "" null, else a string. */
void emit_json_bool(FILE *f, const char *s);

#endif
