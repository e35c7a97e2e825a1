/*
 * charset.h - the character encoding of an imported file: decided from its first
 * bytes (a byte-order mark, UTF-8 validity, else ICU's charset detection) or given
 * by the user (--encoding), and the conversion of the rest to UTF-8 (ICU ucnv).
 *
 * What is read: UTF-8 (the fast path: nothing is converted), windows-1252, ISO
 * 8859-1 (latin1) and UTF-16 (little- or big-endian; the byte-order mark decides,
 * little-endian without one, as Excel's "Unicode text" writes it).
 *
 * Detection (charset_decide with CHARSET_AUTO) never guesses silently: a BOM is
 * certain; a start that is valid UTF-8 is UTF-8 (a later invalid byte is the row's
 * error, as before); otherwise ICU must rank UTF-16 first with confidence >= 50, or
 * rank the windows-1252/latin1 family first (ties included), or rank above it only
 * charsets that read the start of the file as the very same text. Anything else is
 * refused with the line and bytes that are not UTF-8, ICU's guesses and the option
 * to give.
 *
 * Ownership: charset_conv_open() allocates a converter that charset_conv_close()
 * frees. charset_decide() keeps nothing.
 */
#ifndef EMB_CHARSET_H
#define EMB_CHARSET_H

#include <stddef.h>

#include "core/error.h"

typedef enum {
    CHARSET_AUTO = 0, /* detect */
    CHARSET_UTF8,
    CHARSET_WINDOWS_1252,
    CHARSET_LATIN1,
    CHARSET_UTF16, /* given: the BOM decides, else little-endian */
    CHARSET_UTF16LE,
    CHARSET_UTF16BE,
} charset_id;

/* The names --encoding takes, for messages and help. */
#define CHARSET_OPTION_NAMES "utf-8, windows-1252, latin1 or utf-16"

/* An --encoding name (case-insensitive; cp1252, iso-8859-1, utf-16le ... too) to
 * its id; -1 when unknown. */
int charset_parse(const char *name, charset_id *out);
/* "UTF-8", "windows-1252", "ISO-8859-1", "UTF-16LE" ... */
const char *charset_name(charset_id id);

typedef struct {
    charset_id id;   /* never CHARSET_AUTO or CHARSET_UTF16 */
    size_t bom;      /* bytes of byte-order mark to skip */
    int detected;    /* 1 when chosen by detection rather than given or UTF-8 */
    int confidence;  /* ICU's confidence of the choice (0..100), when detected */
} charset_choice;

/* Decides the encoding of a file that starts with head[0..n) (the whole file when
 * complete is non-zero, else its first bytes, whose last character may be cut).
 * given is the user's choice or CHARSET_AUTO. EMB_INVALID when the start is not
 * UTF-8 and detection is not confident, or when a BOM contradicts given. */
emb_code charset_decide(charset_id given, const unsigned char *head, size_t n, int complete, charset_choice *out,
                        emb_err *err);

typedef struct charset_conv charset_conv;

/* A converter from id (not UTF-8, not AUTO) to UTF-8. */
emb_code charset_conv_open(charset_id id, charset_conv **out, emb_err *err);
void charset_conv_close(charset_conv *c);

/* Converts input at *src (up to src_end) into UTF-8 at *dst (up to dst_end),
 * advancing both; stops when the input is used up or the output is full (call
 * again with the rest). flush: no more input follows, so a character cut at the
 * end is an error. EMB_INVALID on bytes that are not text in the encoding; the
 * text before them has been written. */
emb_code charset_conv_run(charset_conv *c, const char **src, const char *src_end, char **dst, char *dst_end,
                          int flush, emb_err *err);

#endif
