/*
 * value_internal.h - helpers shared by value_number.c, value_date.c and
 * value_field.c. Not part of the API: only those files include it.
 */
#ifndef EMB_VALUE_INTERNAL_H
#define EMB_VALUE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/value.h"

/* Longest text any value parser looks at; longer numbers and dates are refused. */
#define VALUE__MAX_LEN 128
/* Room for a value shown in a message: at most 60 bytes of it, "..." and a NUL. */
#define VALUE__SHOWN_MAX 72

/* Skips white space (ASCII, U+00A0, U+202F) at both ends of s[0..*len) (len
 * SIZE_MAX: strlen); returns the start and sets *len to what remains. */
const char *value__trim(const char *s, size_t *len);

/* Length of the UTF-8 sequence at s (at most len bytes) and its code point in *cp,
 * or 0 when the bytes are no valid UTF-8 (overlong, surrogate, above U+10FFFF). */
size_t value__utf8(const unsigned char *s, size_t len, uint32_t *cp);

/* A short, printable copy of s[0..len) for messages: control characters and bad
 * UTF-8 become '?', long values are cut at a character boundary with "...". */
void value__shown(const char *s, size_t len, char out[VALUE__SHOWN_MAX]);

/* A number as written, before rounding to a scale. */
enum {
    VALUE__CURRENCY = 1u << 0, /* a currency symbol or code may surround it */
    VALUE__PERCENT = 1u << 1,  /* a trailing '%' may follow it */
};
#define VALUE__FRAC_KEEP 24
typedef struct {
    int neg;                          /* a sign or parentheses made it negative */
    int percent;                      /* a '%' followed it */
    char currency[8];                 /* the symbol or upper-cased code written, or "" */
    char intd[VALUE__MAX_LEN];        /* integer digits without leading zeros */
    size_t nint;
    char frac[VALUE__FRAC_KEEP];      /* the first fraction digits */
    size_t nfrac;                     /* how many of them are kept */
    int frac_tail;                    /* a nonzero fraction digit beyond those kept */
} value__number;

/* Reads a number (value.h's grammar) from s[0..len), already trimmed. */
emb_code value__scan_number(const char *s, size_t len, number_style style, unsigned flags, value__number *n,
                            emb_err *err);
/* n x 10^scale rounded half away from zero; -1 when it does not fit in int64. */
int value__number_scaled(const value__number *n, int scale, int64_t *out);
/* 1 when n has no nonzero fraction digit. */
int value__number_whole(const value__number *n);

#endif
