/*
 * import.h - importing records of one kind from a CSV file.
 *
 * The engine maps the file's columns to the kind's fields (explicit maps, then
 * field names, then the import synonyms of kind.h), converts every cell with
 * value_parse_field (the one set of rules of every entry point), resolves
 * references with a per-import cache, applies the kind's import rules (deal
 * titles, order-line amounts, goal periods ...) and writes each row through the
 * generic record layer (records.h), inside one transaction: all rows or none,
 * unless rejected rows are written to a rejects file. Importing the same file
 * again updates the records it created (keyed by `id`, or by a natural key; see
 * docs/import.md); a row whose record already holds its values is counted as
 * unchanged and writes nothing, and an import that changes nothing writes nothing
 * at all. One audit_log row and the import log (store/import_log.h: what it
 * created and changed, so that it can be undone) record the whole import.
 *
 * Use: import_open() reads the header and maps the columns without touching any
 * database (so a wrong --map or a missing file changes nothing); import_run()
 * then imports into an open store; import_close() frees the import.
 *
 * Ownership: import_opts and everything it points to belong to the caller and
 * must outlive the import. The import_summary is the caller's; import_open()
 * initialises it, both calls fill it, and its strings live in summary->arena
 * until import_summary_release(), also after import_close().
 */
#ifndef EMB_IMPORT_H
#define EMB_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "core/value.h"
#include "io/csv_reader.h"
#include "store/store.h"

/* FIELD=VALUE, as given to --map (VALUE: a column, or columns joined with '+'),
 * --set and --default (VALUE: the value) or --stage-map (FIELD: the file's text,
 * VALUE: a stage). */
typedef struct {
    const char *name;
    const char *value;
} import_pair;

typedef struct {
    int64_t rows;      /* data rows read so far */
    int64_t bytes;     /* input bytes read */
    int64_t size;      /* input size, 0 when unknown */
    double seconds;    /* since the start */
} import_progress;

typedef struct {
    const kind_def *kind;
    const char *path;          /* the CSV file (named in messages) */
    const char *data;          /* when not NULL, the file's contents instead of reading path */
    size_t data_len;
    const import_pair *maps;   /* --map */
    size_t nmaps;
    const import_pair *sets;   /* --set: the field's value on every row, whatever its column says */
    size_t nsets;
    const import_pair *defaults; /* --default: the field's value where its cell is empty */
    size_t ndefaults;
    const import_pair *stage_maps; /* --stage-map */
    size_t nstage_maps;
    const import_pair *value_maps; /* --value-map: name "FIELD:FROM", value "TO" */
    size_t nvalue_maps;
    const char *date_format;   /* --date-format: d/m/Y, m/d/Y, Y-m-d or a strptime format; NULL: detect */
    number_style numbers;      /* --decimal */
    int create_missing;        /* --create-missing (never creates stages) */
    const char *create_stages; /* --create-stages AFTER: the file's unknown stages go after stage AFTER */
    int last_wins;             /* --last-wins: a repeated key with other values takes the later row's */
    int dry_run;               /* --dry-run: validate, then roll back */
    const char *rejects_path;  /* --skip-invalid FILE, or NULL */
    int max_errors;            /* error messages kept; 0 picks 20 */
    int64_t now;               /* time of the import, Unix seconds UTC */
    int64_t author_id;         /* user importing, 0 when unknown */
    csv_limits limits;         /* reader limits; zeros pick the defaults */
    const char *const *log_options; /* the options as typed, recorded in the import log */
    size_t nlog_options;
    /* Called about every tenth of a second while rows are read, when set. */
    void (*progress)(void *ud, const import_progress *p);
    void *progress_ud;
} import_opts;

typedef struct {
    const char *kind;      /* created records of kind (by --create-missing) */
    int64_t count;
} import_created_ref;

/* One entry of import_summary.errors in parts, for programs (the API's 422). */
typedef struct {
    int64_t row;         /* the first row that breaks the rule */
    int64_t rows;        /* how many rows break it */
    const char *field;   /* the field, "" for an error of the whole row */
    const char *column;  /* the column(s) as the message names them, "" for an error of the whole row */
    const char *value;   /* a value of those rows ("" when none): the first met */
    const char *message; /* the same line as errors[i] */
} import_error_item;

typedef struct {
    int64_t rows;          /* data rows read */
    int64_t created;       /* records inserted */
    int64_t updated;       /* existing records updated */
    int64_t unchanged;     /* rows matching a record that already held their values (nothing written) */
    int64_t repeated;      /* rows whose key repeats an earlier row of the file (merged into it) */
    int64_t rejected;      /* invalid rows (written to the rejects file, or failing the import) */
    const char **ignored;  /* columns no field uses, nignored of them */
    size_t nignored;
    const char **left_out; /* every column no field uses, nleft_out of them, with ... */
    const char **left_out_why; /* ... why: no field has its header, or its values do not fit */
    int *left_out_by_values;   /* ... 1 when its values left it out, 0 when no field has its header */
    size_t nleft_out;
    const char **mapping;  /* "field <- column" lines, nmapping of them */
    size_t nmapping;
    import_created_ref refs_created[16]; /* per referenced kind, nrefs_created of them */
    size_t nrefs_created;
    const char **errors;   /* up to max_errors messages, one per rule broken: "row N, column 'X': ..."
                              for one row, "N rows (rows 2, 3, 4, 5, 6 ...), column 'X': ...; hint: ..."
                              for many */
    import_error_item *error_items; /* errors[i] in parts, nerrors of them */
    size_t nerrors;
    int64_t errors_total;  /* errors found, shown or not */
    int64_t errors_hidden; /* errors of the rules not shown in errors */
    int committed;         /* 1 when the rows were written (not a dry run, not failed, not all unchanged) */
    int64_t import_id;     /* its id in the import log (store/import_log.h), 0 when not recorded */
    const char *encoding;  /* the file's encoding when detected and converted ("windows-1252"), else NULL */
    const char *dates_locale; /* the organisation's locale when it decided the order of a date column
                                 whose values all fit both orders, else NULL ... */
    date_order dates_order;   /* ... and that order (DATE_DMY or DATE_MDY) */
    double seconds;
    arena arena;           /* owns the strings above */
} import_summary;

typedef struct import_job import_job;

/* Opens the file, reads its header and maps columns to fields. EMB_USAGE for a
 * wrong --map/--set/--date-format or a required field with no column (the message
 * names it and lists what exists); EMB_NOT_FOUND/EMB_IO for the file; EMB_INVALID
 * for a file without a header. On failure *out is NULL; the summary must still be
 * released. */
emb_code import_open(const import_opts *opts, import_summary *summary, import_job **out, emb_err *err);

/* Imports the rows into st in one transaction. EMB_OK when the rows were written
 * (or, with dry_run, would have been); EMB_INVALID when rows were invalid and no
 * rejects file was given (summary->errors holds the first messages; nothing was
 * written) or when the file as a whole cannot be imported (ambiguous dates);
 * store errors (EMB_BUSY, EMB_READONLY ...) as the store reports them. Runs once. */
emb_code import_run(import_job *job, store *st, emb_err *err);
void import_close(import_job *job);
void import_summary_release(import_summary *s);

/* Parses "A=B,C=D" into pairs appended to *pairs (realloc'ed; the caller frees
 * the array; names and values point into a copy in a). A part without '=' joins
 * the previous value with a comma, so values may hold commas ("note=a, b").
 * EMB_USAGE naming the option when a part is malformed. */
emb_code import_parse_pairs(const char *option, const char *text, arena *a, import_pair **pairs, size_t *n,
                            emb_err *err);

/* The summary as `embudo import --format json` prints it: a new JSON object
 * (jansson's json_t; the caller's to json_decref), NULL when out of memory. */
struct json_t *import_summary_json(const import_opts *o, const import_summary *s);

/* The errors in parts: a new JSON array of {"row", "rows", "field", "column",
 * "value", "message"}, one per entry of s->errors; when there is none and err
 * holds a message (the file refused as a whole: an ambiguous decimal separator),
 * one entry of row 0 with that message. */
struct json_t *import_error_items_json(const import_summary *s, const emb_err *err);

/* Prints the importable fields of kind: name, type, required, the headers it
 * accepts and its help, as a table or (json = 1) a JSON array. */
void import_print_fields(const kind_def *kind, int json, FILE *out);

#endif
