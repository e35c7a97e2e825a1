/*
 * value.h - turning text typed by people or read from files into the storage form
 * of a field (records.h): exact decimals, money in minor units, basis points,
 * dates, instants in UTC, booleans, enumerations, currencies, rates, periods.
 *
 * Every function is pure (no global state) and reports bad input with EMB_INVALID
 * and a message quoting the value and saying what is accepted; callers add the
 * row and column. Strings returned live in the arena given.
 */
#ifndef EMB_VALUE_H
#define EMB_VALUE_H

#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "core/tz.h"
#include "store/records.h"

/* Order of day, month and year in dates that are not ISO (YYYY-MM-DD). */
typedef enum {
    DATE_AUTO = 0, /* ISO, or detected from a column's values (value_detect_date_order) */
    DATE_ISO,      /* 2026-07-14 */
    DATE_DMY,      /* 14/07/2026, 14-07-2026, 14.07.2026 */
    DATE_MDY,      /* 7/14/2026 */
} date_order;

/* Decimal separator of numbers. */
typedef enum {
    NUM_AUTO = 0, /* decided per value: "1.234,56", "1,234.56", "1234.5", "1234,5" */
    NUM_DOT,      /* 1,234.56 (thousands ',' optional) */
    NUM_COMMA,    /* 1.234,56 (thousands '.' optional) */
} number_style;

typedef struct {
    const tz *zone;           /* the organisation's time zone (dates alone mean local midnight) */
    const char *currency;     /* currency of money fields when the record does not say */
    date_order dates;
    number_style numbers;
    const char *date_format;  /* strptime-style format from --date-format, or NULL */
} parse_opts;

/* Parses a decimal number exactly and rounds it half away from zero to `scale`
 * decimal places, returning value x 10^scale: ("9.80000019", 2) -> 980,
 * ("-0.125", 2) -> -13, ("1.234,56", 2) -> 123456. Accepts an optional sign,
 * thousands separators, surrounding spaces and a currency symbol or code
 * ($, €, £, EUR ...). EMB_INVALID for anything else or overflow. */
emb_code value_parse_decimal(const char *s, number_style style, int scale, int64_t *out, emb_err *err);

/* Number of decimal places of a currency's minor unit (ISO 4217): 2 for most,
 * 0 for JPY, KRW, CLP ..., 3 for BHD, KWD, OMR, TND ... */
int value_currency_exponent(const char *code);

/* Money in minor units of currency. */
emb_code value_parse_money(const char *s, number_style style, const char *currency, int64_t *minor, emb_err *err);

/* A share as basis points 0..10000: "15%", "15 %" -> 1500; a bare number <= 1 is a
 * fraction ("0.15" -> 1500, "1" -> 10000), above 1 a percentage ("15" -> 1500).
 * Rounded half away from zero to 0.01 %. */
emb_code value_parse_bp(const char *s, number_style style, int64_t *bp, emb_err *err);

/* A calendar date, as "YYYY-MM-DD" in out (11 bytes). With a non-NULL format it
 * uses it (strptime syntax) and nothing else. */
emb_code value_parse_date(const char *s, date_order order, const char *format, char out[11], emb_err *err);

/* An instant: "2026-07-14" (local midnight in zone), "2026-07-14 10:30[:15]" and
 * "2026-07-14T10:30:15" (local), with "Z" or "+02:00" (as given); non-ISO dates
 * follow order/format. Result in Unix seconds UTC. */
emb_code value_parse_instant(const char *s, date_order order, const char *format, const tz *zone, int64_t *utc,
                             emb_err *err);

/* Decides the date order of a column from its values: DATE_ISO when all are ISO,
 * DATE_DMY / DATE_MDY when some value has a first / second part above 12 and none
 * contradicts it. EMB_INVALID (asking for --date-format) when the values allow both
 * orders or mix them; empty values are ignored. */
emb_code value_detect_date_order(const char *const *values, size_t n, date_order *out, emb_err *err);

/* Formats Unix seconds UTC as ISO 8601 in the zone ("2026-07-14T10:30:00+02:00"),
 * or as a date alone when the local time is midnight and date_only_at_midnight. */
const char *value_format_instant(int64_t utc, const tz *zone, int date_only_at_midnight, arena *a);
/* Formats minor units as a decimal with the currency's exponent ("1234.50"). */
const char *value_format_money(int64_t minor, const char *currency, arena *a);
/* Formats basis points as a fraction ("0.15", "0.0125", "1"). */
const char *value_format_bp(int64_t bp, arena *a);

/* Converts text to the storage form of field f (any type but FT_REF, which the
 * caller resolves with store_record_resolve). Empty or blank text gives FV_NULL.
 * `currency` is the record's currency for FT_MONEY (NULL: opts->currency).
 * FT_PERIOD stores the period text normalised (see period.h); FT_TARGET is parsed
 * as a decimal kept with its unit decided by the caller (see value_parse_target). */
emb_code value_parse_field(const field_def *f, const char *text, const parse_opts *opts, const char *currency,
                           arena *a, field_value *out, emb_err *err);

/* Formats a stored value of field f for output (export, list); refs are not handled
 * here. NULL values give "". */
const char *value_format_field(const field_def *f, const field_value *v, const char *currency, const tz *zone,
                               arena *a);

#endif
