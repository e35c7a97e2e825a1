/*
 * csv_reader.h - a streaming, bounded CSV reader (RFC 4180) over libcsv.
 *
 * Reads a file (or a memory buffer) in fixed-size chunks and hands out one record
 * at a time. Accepts a UTF-8 byte-order mark (stripped), LF, CRLF and CR line
 * ends, quoted fields holding delimiters, quotes ("") and line breaks, and rows
 * of any length (ragged rows are the caller's business). Blank lines are skipped.
 * Spaces around unquoted fields are trimmed (libcsv's rule).
 *
 * Encodings (io/charset.h): the reader decides the input's encoding from its first
 * chunk (or obeys csv_limits.encoding) and converts anything but UTF-8 to UTF-8
 * before parsing; a start that is not UTF-8 and whose encoding ICU cannot tell
 * with confidence stops the reader at once with EMB_INVALID. UTF-8 input is parsed
 * as it is read, as before. A NUL byte in a field stops the reader with
 * EMB_INVALID naming the row, the column and its header (text never holds one).
 *
 * Limits are given at creation: a field longer than max_field bytes or a record
 * with more than max_columns fields stops the reader with EMB_INVALID naming the
 * line; memory stays bounded by max_field plus one chunk. A field that is not
 * valid UTF-8 does not stop the reader: the row reports the first such column
 * (csv_row.bad_utf8) so the caller can reject that row alone.
 *
 * Ownership: csv_reader_open*() allocate a reader that the caller frees with
 * csv_reader_close(). A csv_row and the strings it points to belong to the
 * reader and stay valid until the next call to csv_reader_next() or close. A
 * memory source is not copied and must outlive the reader.
 */
#ifndef EMB_CSV_READER_H
#define EMB_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "io/charset.h"

typedef struct {
    size_t max_field;   /* bytes per field; 0 picks CSV_DEFAULT_MAX_FIELD */
    size_t max_columns; /* fields per record; 0 picks CSV_DEFAULT_MAX_COLUMNS */
    char delimiter;     /* 0 picks ',' */
    charset_id encoding; /* CHARSET_AUTO (0) detects */
} csv_limits;

#define CSV_DEFAULT_MAX_FIELD (1u << 20)
#define CSV_DEFAULT_MAX_COLUMNS 1024u

typedef struct {
    size_t n;                 /* number of fields (>= 1) */
    const char *const *field; /* n NUL-terminated fields (may hold NULs only if the input did) */
    const size_t *len;        /* n lengths in bytes */
    int64_t record;           /* 1-based record number: the header is record 1 */
    int64_t line;             /* physical line (1-based) where the record starts */
    int bad_utf8;             /* index of the first field that is not valid UTF-8, or -1 */
} csv_row;

typedef struct csv_reader csv_reader;

/* Opens path for reading; EMB_NOT_FOUND when missing, EMB_IO when unreadable or a
 * directory (the message names the file). limits may be NULL for the defaults. */
emb_code csv_reader_open(const char *path, const csv_limits *limits, csv_reader **out, emb_err *err);
/* Reads from data[0..len) instead of a file (tests, fuzzing). */
emb_code csv_reader_open_mem(const char *data, size_t len, const csv_limits *limits, csv_reader **out,
                             emb_err *err);
void csv_reader_close(csv_reader *r);

/* The next record: 1 and *row set, 0 at the end of the input, -1 on an error
 * (err set: I/O, a limit exceeded, an unterminated quoted field at the end). After
 * an error or the end, further calls return the same result. */
int csv_reader_next(csv_reader *r, const csv_row **row, emb_err *err);

/* Bytes of input consumed so far and the input's total size (0 when unknown), for
 * progress reports. */
int64_t csv_reader_offset(const csv_reader *r);
int64_t csv_reader_size(const csv_reader *r);

/* The input's encoding, once the first record has been asked for: its name
 * ("UTF-8", "windows-1252" ...) and *detected (may be NULL) 1 when detection chose
 * a conversion (not given, not plain UTF-8). */
const char *csv_reader_encoding(const csv_reader *r, int *detected);

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int csv_utf8_valid(const char *s, size_t len);

#endif
