/*
 * export.h - writing every record of a kind to CSV or JSON, in the form
 * `embudo import` reads back: export, import into an empty database, export again
 * gives the same bytes.
 *
 * Columns: the public names of the kind's stored fields that are not secret
 * (recfmt_exported), in the kind's order; derived ones (a deal's status) are for
 * people, and import ignores them. The "id" column holds each record's key
 * (external id, or "#<id>" when it has none); references name the referenced
 * record by its external id, else by a name that finds it (refnames.h: "Cancity",
 * "Darcel Schlecht"), never by an internal number when a name can do. Values are formatted by
 * value_format_field(), the inverse of the parser. CSV is RFC 4180 with a header
 * line and CRLF line ends; JSON is an array of objects, one per line, with numeric
 * fields as numbers, booleans as true/false and NULL as null.
 *
 * Records are streamed with a cursor in id order, and references are named from
 * hash maps loaded once per referenced kind, so memory stays bounded by the keys.
 *
 * Ownership: export_open() allocates an exporter bound to an open store (which must
 * outlive it); export_close() frees it.
 */
#ifndef EMB_EXPORT_H
#define EMB_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "store/records.h"
#include "store/store.h"

typedef enum { EXPORT_CSV, EXPORT_JSON } export_format;

typedef struct exporter exporter;

/* How CSV is written: export_open() starts with the defaults (all zero: ',', '.',
 * no byte-order mark); export_set_csv_style() changes them for later exports. */
typedef struct {
    char delimiter; /* 0 or ',', ';', '\t' ... */
    char decimal;   /* 0 or '.', or ',': numbers (money, shares, rates) with a decimal comma */
    int bom;        /* start each file with a UTF-8 byte-order mark (Excel reads it as UTF-8) */
} export_csv_style;

/* The style of a spreadsheet in locale ("es": ';' and decimal comma; anything
 * else: ',' and point), with a byte-order mark: what Excel opens without asking. */
export_csv_style export_excel_style(const char *locale);

/* Prepares exports from st: opens the organisation's time zone and a read
 * transaction, so that everything exported until export_close() comes from one
 * snapshot of the database while other processes may write. */
emb_code export_open(store *st, exporter **out, emb_err *err);
/* Like export_open, for a few records at a time (a page of the API): references
 * are written as keys (external id, or #N: refcache.h), each looked up when first
 * met instead of loading whole kinds, so the cost follows the records written. */
emb_code export_open_keys(store *st, exporter **out, emb_err *err);
void export_close(exporter *ex);
void export_set_csv_style(exporter *ex, const export_csv_style *style);

/* Writes all records of kind to f; *rows (may be NULL) gets their number. EMB_IO
 * when f cannot be written. */
emb_code export_kind(exporter *ex, const kind_def *kind, export_format fmt, FILE *f, int64_t *rows, emb_err *err);

/* export_kind in steps, for a caller that reads the records itself (a filtered or
 * sorted query, an answer sent while it is written): export_begin writes what
 * comes before the first record (the CSV header, or "["), export_row record r as
 * the n-th (from 0) of the export, export_end what follows the last of n. The
 * bytes are export_kind's for the same records. */
void export_begin(exporter *ex, const kind_def *kind, export_format fmt, FILE *f);
emb_code export_row(exporter *ex, const record *r, export_format fmt, int64_t n, FILE *f, arena *a, emb_err *err);
void export_end(export_format fmt, int64_t n, FILE *f);

/* Writes record r (read from the exporter's store) as export_kind writes it in JSON:
 * one object, no newline. Strings it needs live in a. EMB_* with err set on a
 * database error. */
emb_code export_record_json(exporter *ex, const record *r, FILE *f, arena *a, emb_err *err);

/* The name by which the export refers to record id of kind (refnames.h), owned by
 * the exporter; NULL for id 0, and NULL with err set on failure. */
const char *export_ref(exporter *ex, const kind_def *kind, int64_t id, emb_err *err);

/* Like export_kind, into path, atomically: written to a temporary file beside it,
 * flushed to disk, then renamed over path. On failure path is untouched and no
 * temporary file is left. A symlink is followed: its target is replaced the same
 * way and the link stays (a dangling one gets its target created). What is not a
 * regular file (a device such as /dev/null or /dev/full, a FIFO) is written to
 * directly, never replaced; a directory is refused. */
emb_code export_kind_file(exporter *ex, const kind_def *kind, export_format fmt, const char *path, int64_t *rows,
                          emb_err *err);

/* The file name export_all-style exports give a kind: "deals.csv", "deals.json". */
const char *export_file_name(const kind_def *kind, export_format fmt, char *buf, size_t size);

#endif
