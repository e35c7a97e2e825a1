/*
 * kpi_report.h - a KPI result (with its comparison) written as a table, JSON or
 * CSV; shared by `embudo kpi`, `embudo dashboard` and the server's metric routes.
 *
 * JSON: one object {"period": {"from", "to"}, "currency", "compare", "rows": [...]}
 * where each row holds the dimension labels under the dimension names and each
 * metric's value under its name: a number, null, or an object for metrics with
 * parts ({"median", "mean"}, {"count", "amount"} ...). With a comparison, each
 * scalar metric M also has M_previous / M_year / M_goal, M_change and
 * M_change_rel (M_attainment for goals). Money is a decimal number in the
 * reporting currency; rates are fractions.
 * CSV: the same columns, parts flattened as M_part. Tables, for people, in the
 * language of the locale given (core/locfmt.h): money with its symbol, rates as
 * percentages, durations with their unit, each part of a multi-part value (and
 * median and mean) in its own column, headings translated.
 * All text is allocated in the arena given.
 */
#ifndef EMB_KPI_REPORT_H
#define EMB_KPI_REPORT_H

#include <stdio.h>

#include "core/arena.h"
#include "core/locfmt.h"
#include "metrics/compare.h"
#include "metrics/engine.h"
#include "metrics/leaderboard.h"
#include "metrics/snapshot.h"

typedef struct {
    const snapshot *snap;
    const kpi_query *query;
    const kpi_result *result;
    kpi_compare compare;    /* KPI_COMPARE_NONE: no comparison columns */
    const kpi_value *other; /* comparison values, [row * nmetrics + metric] */
    const char *from, *to;  /* period as days, NULL for all time */
} kpi_report;

typedef enum { KPI_FORMAT_TABLE, KPI_FORMAT_JSON, KPI_FORMAT_CSV } kpi_format;

/* Writes rep to o in format; tables in the language of locale ("en", "es"). */
void kpi_report_write(FILE *o, kpi_format format, const char *locale, const kpi_report *rep, arena *a);

/* The JSON document of a leaderboard: {"metric", "period": {"from", "to"} (NULL:
 * null), "rows": [{"rank", "rep", "value", "attainment", "previous_rank"}...]},
 * value the one that ranks (kpi_value_main) in data form. */
void kpi_leaders_write_json(FILE *o, const snapshot *s, const kpi_metric *m, const kpi_leader *rows, int n,
                            const char *from, const char *to, arena *a);

/* A JSON string literal of s; a CSV cell of s (quoted when needed). */
const char *kpi_json_string(const char *s, arena *a);
const char *kpi_csv_text(const char *s, arena *a);
/* A scalar value in data form ("1234.50", "0.6315", "12"), NULL when it has none. */
const char *kpi_value_data_text(const snapshot *s, const kpi_value *v, arena *a);

/* A dimension's or a part's name (rep, amount, median...) as a table heading in
 * the language of messages; other words as they are. */
const char *kpi_heading(const char *word);

/* text cut and padded with spaces to `width` terminal columns (UTF-8 aware; each
 * code point counts as one column). */
const char *kpi_pad(const char *text, int width, arena *a);

/* The table columns of a value for people, as kpi tables show it: one per part of
 * a multi-part metric (headings: the parts' names, translated), median and mean
 * of durations, else one (heading: the metric's name); "-" for what is missing.
 * Fills head (unless NULL) and cells, KPI_MAX_PARTS entries at most, and returns
 * their number (the same for every value of m). */
int kpi_value_columns(const snapshot *s, const kpi_metric *m, const kpi_value *v, locfmt *lf, const char **head,
                      const char **cells, arena *a);

/* An aligned table for people: a line of the ncols headings, then nrows lines of
 * cells[row * ncols + col]; a column with right[col] set is right-aligned; widths
 * in terminal columns (each code point one); two spaces between columns; no
 * trailing spaces. Scratch memory from a. */
void kpi_print_grid(FILE *o, int ncols, const char *const *headings, const int *right, const char *const *cells,
                    int nrows, arena *a);

/* Text of a value for people in the language of lf: money with its symbol
 * ("10.005.534,00 €"), rates as percentages ("23,5 %"), durations with their unit
 * ("12,5 días"), "-" for none. lf NULL: without a locale ("61.9%", "1322.38"). */
const char *kpi_value_text(const snapshot *s, const kpi_metric *m, const kpi_value *v, locfmt *lf, arena *a);

#endif
