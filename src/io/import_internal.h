/*
 * import_internal.h - what the files of the import engine share (not a public
 * interface): the state of one import (import_job) and the functions each file
 * gives the others.
 *
 *   import.c        the driver: options, passes over the file, rows, keys, summary
 *   import_map.c    columns to fields (--map, names, synonyms), --set, --fields
 *   import_refs.c   references: cache, resolution, --create-missing, stages
 *   import_keys.c   keys of the imported kind (external id, names, natural keys)
 *   import_rules.c  kind-specific derivations (deal titles, order-line amounts ...)
 *   import_errors.c row errors grouped by column and rule, the rejects file
 *   import_guess.c  columns matched by a synonym whose values do not fit are left out
 *   import_numbers.c the decimal separator of each number column
 *   import_related.c records a row refers to, created with fields from the row
 *   import_keymap.c the text-to-id hash map behind the caches
 *   import_record.c the import's entry in the import log (undo)
 *
 * Ownership: the job owns its arenas, maps, finder and rejects file; everything
 * allocated for the whole import lives in job->perm, everything for one row in
 * job->row (reset before each row).
 */
#ifndef EMB_IMPORT_INTERNAL_H
#define EMB_IMPORT_INTERNAL_H

#include <stdio.h>

#include "core/period.h"
#include "io/csv_prefetch.h"
#include "io/import.h"
#include "io/import_keymap.h"
#include "store/bulk.h"
#include "store/record_batch.h"
#include "store/records.h"

#define IMPORT_MAX_JOIN 8  /* columns one field may join with '+' */
#define IMPORT_MAX_KINDS 32 /* kinds in kind.h, with room to grow */
#define IMPORT_MAX_KEYS 2  /* match fields a kind may be keyed by */

typedef struct import_related import_related;

/* One field that takes its value from the file or from --set. */
typedef struct {
    const field_def *f;
    int idx;                    /* index in kind->fields */
    int cols[IMPORT_MAX_JOIN];  /* source columns, joined with a space */
    int ncols;
    const char *set;            /* --set value: the field's text on every row (columns unused) */
    const char *dflt;           /* --default value: the text of empty cells (or of every row when ncols == 0) */
    const char *label;          /* for messages: the column header(s), "--set FIELD" or "--default FIELD" */
    int priority;               /* processing order: lower first */
    int has_value_maps;         /* --value-map names this field */
    int score;                  /* automatic match: 0 by name, 1.. by synonym, 900.. by "_id" */
    int self_ref;               /* FT_REF to the imported kind itself */
    const kind_def *ref_kind;   /* FT_REF: the referenced kind, and its index in kind_all() */
    int ref_index;
    int is_date;                /* FT_INSTANT or FT_DATE */
    date_order order;           /* order of its non-ISO dates; DATE_AUTO while unknown */
    int is_number;              /* FT_INT, FT_MONEY, FT_BP, FT_RATE or FT_TARGET */
    number_style numbers;       /* its decimal separator: --decimal, else decided; NUM_AUTO while unknown */
    int64_t numbers_row;        /* the row whose value decided it (0: the whole column did) */
    const char *numbers_example; /* that value */
    /* Related records (import_related.c): for a reference, the plan of the record it
     * creates; for a field of a plan, how it was found and whether it was left out. */
    import_related *related;
    int explicit_map;           /* named by a dotted --map */
    int excluded;               /* --map REF.FIELD= */
    int dropped;                /* its values disagree within one key: left out ... */
    const char *dropped_why;    /* ... for this reason */
} import_field;

/* The fields of a record a row refers to (a customer, an order) that the same row
 * gives, filled when --create-missing creates the record. */
struct import_related {
    const kind_def *kind;
    const char *path;     /* "order", "order.account": as in --map order.account.name= */
    int key_col;          /* the column whose text names the record */
    int depth;            /* 1: referred to by the imported kind; 2: by a depth-1 record */
    import_field *fields; /* f and idx are the related kind's; nfields of them */
    size_t nfields;
    struct import_census *census; /* each key's values, from import_related_check (owned) */
};

#define IMPORT_MAX_RELATED 16

/* A self-reference left for the end of the file (a parent named further down). */
typedef struct {
    int64_t record_id;
    int inserted;        /* the row created the record */
    const import_field *field;
    const char *key;
    int64_t row_no;
    const char *const *cells; /* the row's cells, for the rejects file (NULL without one) */
    size_t ncells;
    const char **cell_text;   /* per entry of fields: its text in the current row */
} import_deferred;

/* Undo entry: a cache entry added while the current row was processed. */
typedef struct {
    keymap *map;
    const char *key;
    size_t len;
    int kind_index; /* >= 0: a record of that kind created by --create-missing */
} import_undo;

/* How records of the imported kind are found again (idempotence). */
enum { KEY_NONE, KEY_EXT, KEY_MATCH, KEY_NATURAL };

typedef struct import_job {
    store *st;
    const import_opts *o;
    const kind_def *kind;
    import_summary *sum;
    arena perm, row;

    csv_reader *reader;
    csv_limits limits; /* the options' limits, with the delimiter found */

    /* The file's header. */
    const char **cols;
    size_t ncols;
    int *col_used;  /* 0 free, 1 matched by its header, 2 named by --map */
    char *excluded; /* per kind field: left out with --map FIELD= or for its values (import_guess.c) */
    const char **col_why; /* per column: why its values left it out (NULL: they did not), or NULL */
    int *col_field;       /* per column: the kind field it was left out of */

    /* --value-map: cell text FROM of field idx reads as TO. */
    struct import_value_map {
        int idx;
        const char *from, *to;
    } *value_maps;
    size_t nvalue_maps, value_maps_cap;

    /* Mapped fields, sorted by priority; slot[i] is the entry of kind field i or -1. */
    import_field *fields;
    size_t nfields;
    int *slot;

    /* Parsing. */
    parse_opts popts;
    tz *zone;
    period_calendar cal;
    change_ctx ctx;
    store_deal_memo memo; /* ctx.memo: stages and pipelines read once per import */
    const char **index_sql; /* the indexes dropped for a load into an empty table (bulk.h) */
    size_t nindex;
    int dates_checked; /* the pre-pass over date columns has run */
    int numbers_checked; /* the pre-pass over number columns has run */
    char locale_decimal; /* the organisation's decimal separator: ',' (es) or '.' */
    const char *locale;  /* the organisation's locale ("es", "en"), for the summary */
    date_order locale_dates; /* value_locale_date_order(locale): the order of dates that fit both */

    /* Keys of the imported kind. */
    int key_mode;
    int key_fields[IMPORT_MAX_KEYS]; /* KEY_EXT: {id}; KEY_MATCH: match fields in order */
    size_t nkey_fields;
    keymap keys[IMPORT_MAX_KEYS];      /* exact value -> id (-1: several records) */
    keymap norm_keys[IMPORT_MAX_KEYS]; /* normalised value -> id (KEY_MATCH) */
    store_finder *finder;              /* KEY_NATURAL */
    const char *row_key;               /* KEY_EXT "#N" key of the current row, kept in keys[0] */

    /* References: one cache per referenced kind (stages keyed "pipeline\x1ftext"),
     * and, loaded at the first key not found by external id, the values of the
     * kind's match fields (exact and normalised; id -1: several records). */
    keymap refs[IMPORT_MAX_KINDS];
    struct import_names {
        int loaded;
        size_t nfields;
        int fields[IMPORT_MAX_KEYS];
        keymap exact[IMPORT_MAX_KEYS], norm[IMPORT_MAX_KEYS];
    } names[IMPORT_MAX_KINDS];
    int64_t created_refs[IMPORT_MAX_KINDS];
    int64_t default_pipeline;
    const kind_def *stage_kind; /* kind "stages" and its index, looked up once */
    int stage_index;
    /* --create-stages: per pipeline, the position of the last stage created. */
    struct import_stage_after {
        int64_t pipeline, pos;
    } stage_after[8];
    size_t nstage_after;

    /* Related records (import_related.c): plans and their fields flat (for the date
     * and number passes). */
    import_related *related[IMPORT_MAX_RELATED];
    size_t nrelated;
    import_field **rel_fields;
    size_t nrel_fields;
    size_t summary_main_lines; /* mapping lines of the imported kind's own fields */
    const csv_row *cur_row;    /* the row being processed */

    /* Per-row bookkeeping. */
    import_undo *undo;
    size_t nundo, undo_cap;
    char *row_errors; /* "; "-joined reasons of the current row, in job->row */
    int row_failed;
    int64_t row_no;      /* spreadsheet row number of the current row (header = 1) */
    const char *const *cells; /* its cells, ncells of them */
    size_t ncells;
    const char **cell_text;   /* per entry of fields: its text in the current row */
    period_range period; /* the row's FT_PERIOD range, when period_set */
    int period_set;
    int64_t cur_order;            /* order_lines: the order whose currency is cached */
    char cur_order_currency[4];

    /* Self-references waiting for the end of the file. */
    import_deferred *deferred;
    size_t ndeferred, deferred_cap;
    int defer_pending; /* the current row deferred a reference */
    const import_field *defer_field;
    const char *defer_key;

    /* New records queued for multi-row inserts (record_batch.h), or NULL when each
     * row is written on its own (rejects kept with savepoints, rows matched by a
     * natural key, a kind that refers to itself). Flushed before anything reads or
     * updates the imported table: import_flush(). */
    record_batch *batch;
    csv_prefetch *prefetch; /* reads j->reader during the loop over the rows */
    int all_batched;         /* every row of the load went through batch */
    int fk_off;              /* SQLite's foreign-key checks are off for the load ... */
    store_fk_mark *fk_mark;  /* ... and the rows added after this mark are checked at the end */
    int direct;              /* written with a rollback journal, not the WAL (bulk.h) */
    struct import_recorder *recorder; /* the import's entry in the import log (import_record.c) */

    /* Errors, grouped by column and rule (the reason without its quoted values). */
    struct import_error_group {
        const char *label;   /* the column, "" for a whole-row error */
        const char *field;   /* the field, "" for a whole-row error */
        const char *rule;    /* the reason with every quoted part blanked */
        const char *first;   /* the first row's message */
        emb_why why;         /* what its values are wrong about (from the error, not its words) */
        const char *missing; /* the field its rows lack a value for, or NULL */
        int64_t count;
        int64_t rows[5];     /* the first rows */
        const char *values[3]; /* distinct values, nvalues of them */
        size_t nvalues;
    } *groups;
    size_t ngroups;
    int64_t ungrouped; /* errors past the last group kept */

    /* Errors and rejects. */
    int use_savepoints;
    FILE *rejects;
    int max_errors;
} import_job;

/* ---- import_errors.c ---- */
/* Records an error of the current row; fld may be NULL (a whole-row problem),
 * value may be NULL. The message is "column 'X': value 'V': reason"; it joins
 * the group of its column and rule. */
void import_row_error(import_job *j, const import_field *fld, const char *value, const char *reason);
/* import_row_error with what the error is about, for the hint of its group: why
 * as the raiser set it (emb_err.why), missing the name of a field the row lacks
 * a value for (NULL when not that). The hint never reads the reason's words. */
void import_row_error_why(import_job *j, const import_field *fld, const char *value, const char *reason,
                          emb_why why, const char *missing);
/* Rejects the current row: forgets its cache entries, counts it, writes it to the
 * rejects file with its reasons. The caller has rolled back its writes. */
void import_reject_row(import_job *j);
/* Writes the summary's messages, one per group of errors (import.h). */
void import_errors_finish(import_job *j);
/* Writes s as one CSV field (quoted when it needs to be). */
void import_write_csv_field(FILE *f, const char *s);

/* ---- import.c ---- */
/* Opens the file again (for a pass of its own: dates, numbers, guesses). */
emb_code import_open_reader(import_job *j, csv_reader **r, emb_err *err);
/* A pass of its own over the file's data rows (the header skipped), the first
 * max_rows of them (0: all): calls visit for each with an arena reset before every
 * row, and stops at the first non-OK it returns. Returns that, or the reader's
 * error; closes what it opened. */
typedef emb_code (*import_row_visit)(import_job *j, void *ud, const csv_row *row, arena *a, emb_err *err);
emb_code import_scan_rows(import_job *j, size_t max_rows, import_row_visit visit, void *ud, emb_err *err);
/* Parses text into field fld of r (r's kind is the kind of fld->f: the imported
 * kind or a related one); a bad value is a row error (EMB_OK returned), other
 * codes stop the import. */
emb_code import_parse_value(import_job *j, import_field *fld, record *r, const char *text, emb_err *err);
/* Field i of the imported kind (i < nfields), then of the related plans. */
import_field *import_field_at(import_job *j, size_t i);
/* Writes the records queued in j->batch, if any. */
emb_code import_flush(import_job *j, emb_err *err);
/* Remembers a cache entry to forget if the current row is rolled back. */
emb_code import_note_undo(import_job *j, keymap *map, const char *key, size_t len, int kind_index);
/* Index of kind in kind_all(). */
int import_kind_index(const kind_def *kind);

/* ---- import_record.c: the import log (store/import_log.h) ---- */
/* Inside the load's transaction, before its first write: the log entry, the
 * file's hash started; sets j->ctx.log. */
emb_code import_record_begin(import_job *j, emb_err *err);
/* Whether the import wrote anything (else it is rolled back, unrecorded). */
int import_record_wrote(const import_job *j);
/* After the last write: created ranges, counts, hash; sets sum->import_id. */
emb_code import_record_end(import_job *j, emb_err *err);
/* Frees the recorder (its statements: before the store is closed). */
void import_record_release(import_job *j);

/* ---- import_keys.c ---- */
/* How the mapping keys rows (KEY_EXT, KEY_MATCH, KEY_NATURAL or KEY_NONE), without
 * reading the database. */
int import_key_mode(const import_job *j);
/* Sets j->key_mode (import_key_mode) and loads the existing keys of the kind. */
emb_code import_keys_setup(import_job *j, emb_err *err);
/* Finds the stored record the row names: *id (0: none) and its key entry, whose
 * tag tells that an earlier row of the file wrote it. Reports row errors. */
emb_code import_keys_find(import_job *j, record *r, int64_t *id, keymap_entry **entry, emb_err *err);
/* After a write: the row's key values now name record r->id (tagged with the row). */
emb_code import_keys_remember(import_job *j, record *r, emb_err *err);
/* The row r repeats the key of earlier_row, which wrote record id: reports a row
 * error naming both rows when a value of r differs from the record's. */
emb_code import_keys_repeat(import_job *j, record *r, int64_t id, int earlier_row, emb_err *err);

/* ---- import_map.c ---- */
/* Normalises a header or synonym for matching: lower case, Latin-1 letters without
 * their accents (Creación, creacion), spaces, '_' and '-' dropped, and the joining
 * words de, del, la, el, los, las, of, the left out unless nothing else is left
 * ("Fecha de cierre" and "fecha cierre" are both "fechacierre"). Writes at most
 * cap bytes, NUL included. */
void import_norm_header(const char *s, char *out, size_t cap);
/* Builds j->fields from the header, --map and --set; EMB_USAGE for wrong maps. */
emb_code import_map_build(import_job *j, emb_err *err);
/* The end of import_map_build, again after columns were left out: required
 * fields, processing order, the summary's mapping and left-out columns. */
emb_code import_map_finish(import_job *j, emb_err *err);
/* Column col, matched to kind field `field` by its header, is left out for why. */
emb_code import_note_left_out(import_job *j, int col, int field, const char *why);

/* ---- import_numbers.c ---- */
/* Before fld's decimal separator is known (fld->numbers NUM_AUTO): decides it from
 * text when text reads only one way, or over the whole file when it reads both
 * ways. Non-OK only when the file is refused (a mixed or ambiguous column). */
emb_code import_numbers_decide(import_job *j, import_field *fld, const char *text, emb_err *err);
/* The reason for a value of a decided column that reads only with the other
 * separator, naming the row that decided; NULL when that is not the case. */
const char *import_numbers_other(import_job *j, const import_field *fld, const char *text);

/* ---- import_guess.c ---- */
/* Leaves out the columns matched by a header synonym whose values do not fit
 * their field (a US State column is not the stage); EMB_USAGE when a required
 * field is left without a column. Reads the first rows of the file. */
emb_code import_guess_check(import_job *j, emb_err *err);
/* The text of fld in row (joined columns, or --set for an empty cell), trimmed,
 * allocated in a when it is not the cell itself; "" when empty, NULL when out of
 * memory. */
const char *import_cell(const import_field *fld, const csv_row *row, arena *a);
/* The text of the cell after --value-map. */
const char *import_value_mapped(const import_job *j, const import_field *fld, const char *text);
/* Fields the importer or the store fills when no column gives them. */
const char *import_field_default(const kind_def *kind, const field_def *f);

/* The column name names: its header exactly, then normalised, then "#N" (the
 * N-th column); -1 when none. */
int import_find_column(const import_job *j, const char *name);
/* Score of normalised header h for field f: 0 its name, 1 + i its i-th synonym,
 * -1 no match. */
int import_match_score(const field_def *f, const char *h);

/* ---- import_related.c ---- */
/* Builds the plans of related records from dotted --map entries and free columns
 * (after the imported kind's own mapping; again when that mapping is redone);
 * EMB_USAGE for a wrong dotted --map. A column two plans could take is left out
 * (import_note_left_out). */
emb_code import_related_build(import_job *j, emb_err *err);
/* One pass over the file: a related field whose values disagree within one key is
 * left out (found automatically) or refuses the import (named by --map). */
emb_code import_related_check(import_job *j, emb_err *err);
/* Frees what import_related_check kept. */
void import_related_release(import_job *j);
/* 1 when plan p feeds every required field of its kind that has no default. */
int import_related_complete(const import_related *p);
/* Fills r, a new record of p->kind, with p's fields from the current row. */
emb_code import_related_fill(import_job *j, const import_related *p, record *r, emb_err *err);
/* Adds the plans' fields to the summary's mapping, and the columns import_related_check
 * left out to its left-out list. */
emb_code import_related_summary(import_job *j, emb_err *err);

/* ---- import_refs.c ---- */
/* Resolves key for the FT_REF field fld into *id. Returns EMB_OK with *id set;
 * EMB_OK with *id = 0 when the reference was deferred (self-reference);
 * otherwise an error whose message is the reason (the caller adds row/column). */
emb_code import_resolve_ref(import_job *j, const import_field *fld, const char *key, int64_t *id,
                            emb_err *err);
/* Whether text names a stage of the default pipeline (after --stage-map, by name,
 * Spanish name or the won/lost words), without creating anything. */
int import_stage_known(import_job *j, const char *text);
/* The stage named text in pipeline (0: the default), after --stage-map, the
 * pipeline's names, won/lost synonyms and --create-missing. */
emb_code import_resolve_stage(import_job *j, const char *text, int64_t pipeline, int64_t *id, emb_err *err);
/* The default pipeline's id (cached). */
emb_code import_default_pipeline(import_job *j, int64_t *id, emb_err *err);
/* Resolves the deferred self-references at the end of the file. */
emb_code import_resolve_deferred(import_job *j, emb_err *err);
/* Frees the reference caches. */
void import_refs_release(import_job *j);

/* ---- import_rules.c ---- */
/* Kind-specific derivations on a parsed record, before it is keyed and written.
 * Problems are reported with import_row_error. Returns non-OK only for errors
 * that stop the import (database errors). */
emb_code import_apply_rules(import_job *j, record *r, emb_err *err);
/* Defaults applied only when the row inserts a new record (deal title, created
 * and pipeline, lead name). */
emb_code import_apply_insert_rules(import_job *j, record *r, emb_err *err);
/* After the row's record r is written (r->id set): a team's member (virtual field)
 * joins the team. Row problems are reported with import_row_error. */
emb_code import_apply_after_write(import_job *j, record *r, emb_err *err);
/* The currency of money fields of r: its own currency field, the order's for
 * order lines, else the organisation's. */
const char *import_record_currency(import_job *j, record *r);
/* Checks, before any row is read, that the kind's rules can be met by the mapped
 * fields (e.g. order lines need unit_price or amount). */
emb_code import_rules_check_mapping(import_job *j, emb_err *err);

#endif
