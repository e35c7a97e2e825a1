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
#include "core/period.h"
#include "core/tz.h"
#include "store/records.h"

/* Order of day, month and year in dates that are not ISO (YYYY-MM-DD). */
typedef enum {
    DATE_AUTO = 0, /* ISO, or detected from a column's values (value_detect_date_order) */
    DATE_ISO,      /* 2026-07-14 */
    DATE_DMY,      /* 14/07/2026, 14-07-2026, 14.07.2026 */
    DATE_MDY,      /* 7/14/2026 */
    DATE_AUTO_DMY, /* as DATE_AUTO, but a value that fits both orders ("03/02/2024") is
                      day-first: the convention of the organisation's locale (es) */
    DATE_AUTO_MDY, /* the same, month-first (en) */
} date_order;

/* The date order of the convention of an organisation's locale: DATE_AUTO_DMY for
 * "es", DATE_AUTO_MDY for "en", DATE_AUTO (none: ambiguous values are refused) for
 * any other. */
date_order value_locale_date_order(const char *locale);

/* Decimal separator of numbers.
 *
 * In every style, thousands separators must group exactly three digits after a
 * first group of one to three that is not a leading zero ("1,234,567", not
 * "12,34" nor "0,125" as thousands); a space, a no-break
 * space (U+00A0, U+202F) or an apostrophe may also group thousands ("1 234,56",
 * "1'234.56"), one kind per number. Digits are needed after a decimal separator
 * (".5" is 0.5, "5." is refused). Scientific notation ("1e5") is refused.
 *
 * NUM_AUTO decides per value:
 *  - '.' and ',' both present: the last one is the decimal separator, which must
 *    appear once ("1.234,56" = 1234.56, "1,234.56" = 1234.56);
 *  - one separator appearing more than once groups thousands ("1.234.567");
 *  - a single '.' is decimal ("1.234" = 1.234: machine exports use a dot);
 *  - a single ',' is decimal ("1234,5" = 1234.5, "0,125" = 0.125, "1,2345"), except
 *    when exactly three digits follow it and one to three digits without a leading
 *    zero precede it, with no other grouping: then it groups thousands
 *    ("1,234" = 1234, "12,500" = 12500). Files with Spanish "1.234" thousands or
 *    "1,234" decimals must say NUM_COMMA. */
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
    const period_calendar *calendar; /* fiscal year and week start for FT_PERIOD; NULL: calendar
                                        years, weeks from Monday */
    int64_t now;              /* current time, Unix seconds UTC, for relative periods
                                 ("this-month"); 0: relative periods are refused */
} parse_opts;

/* Parses a decimal number exactly and rounds it half away from zero to `scale`
 * decimal places, returning value x 10^scale: ("9.80000019", 2) -> 980,
 * ("-0.125", 2) -> -13, ("1.234,56", 2) -> 123456. Accepts an optional sign,
 * thousands separators, surrounding spaces and a currency symbol or code
 * ($, €, £, EUR ...). EMB_INVALID for anything else or overflow.
 *
 * Signs: a leading '+', '-' or U+2212 minus, or accounting parentheses "(123.45)"
 * (not both). Currency: one symbol ($ € £ ¥ ₹ ₩ ₽ ₺ R$ US$) or three ASCII letters
 * (any case), before or after the number and the sign, with or without a space:
 * "-$1,234.50", "$-1,234.50", "1.234,50 €", "EUR 12", "($12.00)". scale is 0..18. */
emb_code value_parse_decimal(const char *s, number_style style, int scale, int64_t *out, emb_err *err);

/* Number of decimal places of a currency's minor unit (ISO 4217): 2 for most,
 * 0 for JPY, KRW, CLP ..., 3 for BHD, KWD, OMR, TND ... */
int value_currency_exponent(const char *code);

/* ---- the decimal separator of a column (or of one typed value) ----
 *
 * A '.' or ',' followed by exactly three digits reads two ways (1.500 is 1.5 with a
 * decimal point, 1500 with a decimal comma), so the separator is decided over all
 * the values that go together, not value by value: a census counts the values
 * only readable with a point (1234.5, 1,234.56, 0.125), only with a comma (1234,5,
 * 1.234,56, 12.500,00 €) and readable both ways (1.500, 1,500). */
#define VALUE_CENSUS_SHOWN 72
#define VALUE_CENSUS_EXAMPLES 4
typedef struct {
    int64_t point, comma;                   /* values only readable with a decimal point / comma */
    int64_t ambiguous_dot, ambiguous_comma; /* values like 1.500 / 1,500 */
    char point_example[VALUE_CENSUS_SHOWN], comma_example[VALUE_CENSUS_SHOWN];
    char shown[VALUE_CENSUS_EXAMPLES][VALUE_CENSUS_SHOWN]; /* distinct ambiguous values, nshown of them */
    size_t nshown;
} value_number_census;

/* The styles under which s reads as a number (as value_parse_decimal, with a
 * currency or '%' around it): a mask of 1 << NUM_DOT and 1 << NUM_COMMA; both for
 * a value without '.' or ',', 0 for no number. */
unsigned value_number_styles(const char *s);
/* Counts s in the census (empty values and values without '.' or ',' count for
 * nothing). A census starts zeroed. */
void value_number_census_add(value_number_census *c, const char *s);
/* Decides the separator of the census's values: the one their unambiguous values
 * use; NUM_DOT when no value depends on it; for values that all read two ways,
 * the organisation's convention (locale_decimal ',' for es, '.' for en) when the
 * separator written is its thousands separator (es: 1.500 = 1500; en: 1,500 =
 * 1500). EMB_INVALID, quoting the values, when they mix a point and a comma or
 * stay ambiguous (en: 1.500); the caller adds how to choose. */
emb_code value_number_census_decide(const value_number_census *c, char locale_decimal, number_style *out,
                                    emb_err *err);

/* The largest magnitude of an amount of money, in minor units: 10^12, i.e.
 * 10,000,000,000.00 in a currency of two decimals (1,000,000,000,000 JPY). So that
 * totals cannot overflow: 9.2 million amounts at the limit still add up within
 * int64, and an amount times 10,000 (basis points) stays far inside it. Every
 * amount taken from input is checked against it (value_parse_money, and the
 * amounts the importer derives); the engine refuses totals it cannot hold exactly
 * (engine.h). */
#define VALUE_MONEY_MAX INT64_C(1000000000000)

/* Money in minor units of currency (NULL: 2 decimals), rounded half away from
 * zero: ("9.80000019", "USD") -> 980, ("1234.5", "JPY") -> 1235, ("1.2345", "KWD")
 * -> 1235. A currency written in the value must agree: "€12" or "EUR 12" with
 * currency USD is refused; "$" is accepted with any currency (USD, CAD, MXN ...).
 * Amounts beyond +-VALUE_MONEY_MAX minor units are refused (EMB_INVALID, message
 * from value_money_limit_error). */
emb_code value_parse_money(const char *s, number_style style, const char *currency, int64_t *minor, emb_err *err);
/* EMB_INVALID: "\"SHOWN\" is too large: an amount may be at most 10,000,000,000.00
 * EUR (10^12 minor units)", for an amount (shown as written) beyond the limit. */
emb_code value_money_limit_error(const char *shown, const char *currency, emb_err *err);

/* A share as basis points 0..10000: "15%", "15 %" -> 1500; a bare number <= 1 is a
 * fraction ("0.15" -> 1500, "1" -> 10000), above 1 a percentage ("15" -> 1500,
 * "1.5" -> 150). Rounded half away from zero to 0.01 % ("0.123456" -> 1235).
 * Negative values and values above 100 % are refused. */
emb_code value_parse_bp(const char *s, number_style style, int64_t *bp, emb_err *err);

/* A calendar date, as "YYYY-MM-DD" in out (11 bytes). With a non-NULL format it
 * uses it (strptime syntax) and nothing else.
 *
 * Without a format: ISO "2026-07-14" (also "2026/07/14", "2026.07.14" and one-digit
 * month or day), or day, month and four-digit year in the given order with the
 * same separator '/', '-' or '.' twice ("14/07/2026", "7-14-2026"). DATE_ISO
 * refuses the latter; DATE_AUTO takes them when the value itself decides the order
 * (a part above 12, or both parts equal) and otherwise asks for --date-format.
 * Two-digit years are refused ("11/8/18": give --date-format %m/%d/%y). Years are
 * 1..9999. A time may follow ("2026-07-14 10:30", "...T10:30:15.250", "10:30 PM"),
 * as in value_parse_instant; it is checked and dropped, and so is a zone ("Z",
 * "+02:00"): the date is the one written.
 *
 * Formats: %Y (4-digit year), %y (2 digits: 69-99 -> 19xx, 00-68 -> 20xx), %m, %d
 * and %e (1 or 2 digits), %H, %M, %S (1 or 2 digits), %b and %B (English or
 * Spanish month names or abbreviations, any case: Jan, jan, January, ene, enero,
 * sept), %p (AM/PM), %z (Z, +02, +0200, +02:00), %F (%Y-%m-%d), %T (%H:%M:%S),
 * %%; a space matches any run of spaces; any other character matches itself. */
emb_code value_parse_date(const char *s, date_order order, const char *format, char out[11], emb_err *err);
/* Checks a --date-format once, up front: EMB_USAGE naming the problem (unknown
 * directive, no year or no month) so that a front-end can exit with status 2. */
emb_code value_check_date_format(const char *format, emb_err *err);

/* An instant: "2026-07-14" (local midnight in zone), "2026-07-14 10:30[:15]" and
 * "2026-07-14T10:30:15" (local), with "Z" or "+02:00" (as given); non-ISO dates
 * follow order/format. Result in Unix seconds UTC.
 *
 * Also: fractional seconds (dropped: ".999" is the same second), a 12-hour time
 * with AM/PM ("11/8/2018 10:30:00 PM"), offsets "+02", "+0200", "+02:00", "Z",
 * " UTC" or " GMT", with or without a space before them. Local times in a DST gap
 * move forward by the gap; in an overlap the earlier instant wins (tz.h). zone may
 * be NULL for UTC. */
emb_code value_parse_instant(const char *s, date_order order, const char *format, const tz *zone, int64_t *utc,
                             emb_err *err);

/* Decides the date order of a column from its values: DATE_ISO when all are ISO,
 * DATE_DMY / DATE_MDY when some value has a first / second part above 12 and none
 * contradicts it. EMB_INVALID (asking for --date-format) when the values allow both
 * orders or mix them; empty values are ignored.
 *
 * Only values shaped like d/m/Y or m/d/Y (four-digit year, any time after them)
 * count; ISO values agree with any order and values that are no date at all are
 * left to value_parse_date to report. A column where every such value has equal
 * parts ("05/05/2020") gives DATE_DMY (both orders read it alike). */
emb_code value_detect_date_order(const char *const *values, size_t n, date_order *out, emb_err *err);
/* The same, where a column whose values all allow both orders follows convention
 * (DATE_AUTO_DMY or DATE_AUTO_MDY: *out DATE_DMY or DATE_MDY and *by_convention 1)
 * instead of being refused; DATE_AUTO refuses it. A column that mixes the orders is
 * refused either way. *by_convention is 0 otherwise. */
emb_code value_detect_date_order_by(const char *const *values, size_t n, date_order convention, date_order *out,
                                    int *by_convention, emb_err *err);

/* Formats Unix seconds UTC as ISO 8601 in the zone ("2026-07-14T10:30:00+02:00"),
 * or as a date alone when the local time is midnight and date_only_at_midnight. */
const char *value_format_instant(int64_t utc, const tz *zone, int date_only_at_midnight, arena *a);
/* Formats minor units as a decimal with the currency's exponent ("1234.50"). */
const char *value_format_money(int64_t minor, const char *currency, arena *a);
/* Formats basis points as a fraction ("0.15", "0.0125", "1"). */
const char *value_format_bp(int64_t bp, arena *a);
/* Formats a decimal held as value x 10^scale without trailing zeros: (1080000000, 9)
 * -> "1.08", (-5, 2) -> "-0.05", (1200, 2) -> "12". value_parse_decimal(NUM_DOT)
 * reads it back exactly. */
const char *value_format_decimal(int64_t value, int scale, arena *a);

/* A period for a field of type FT_PERIOD: its canonical text (period.h) in *canon,
 * allocated in a, and its range of days. Relative words use opts->now in
 * opts->zone and are refused when opts->now is 0. */
emb_code value_parse_period(const char *text, const parse_opts *opts, arena *a, const char **canon,
                            period_range *range, emb_err *err);

/* The unit of a goal's target, decided by the metric's name:
 *  - TARGET_MONEY, minor units of the organisation's currency, for names starting
 *    with revenue, gross_profit, avg_deal_size, avg_order_value, open_pipeline,
 *    weighted_pipeline, cogs, cost (cost_per_lead, cost_per_sale), cac, clv, mrr,
 *    arr or sales_velocity;
 *  - TARGET_BP, basis points as value_parse_bp reads them, for names ending in
 *    _rate, margin or attainment (win_rate, gross_margin, goal_attainment);
 *  - TARGET_COUNT, a whole number, for everything else (deals_won, calls). */
typedef enum { TARGET_COUNT, TARGET_MONEY, TARGET_BP } target_unit;
target_unit value_target_unit(const char *metric);

/* Parses a goal target for metric in its unit (value_target_unit); money uses
 * opts->currency. A count must be a whole non-negative number ("12.0" is 12).
 * Negative targets are refused. */
emb_code value_parse_target(const char *metric, const char *text, const parse_opts *opts, int64_t *target,
                            emb_err *err);
/* Formats a target the way value_parse_target reads it back. */
const char *value_format_target(const char *metric, int64_t target, const char *currency, arena *a);

/* Converts text to the storage form of field f (any type but FT_REF, which the
 * caller resolves with store_record_resolve). Empty or blank text gives FV_NULL.
 * `currency` is the record's currency for FT_MONEY (NULL: opts->currency).
 * FT_PERIOD stores the period text normalised (see period.h); FT_TARGET is parsed
 * as a decimal kept with its unit decided by the caller (see value_parse_target).
 *
 * Per type (s: text result, in a or static; i: integer result):
 *  FT_TEXT     s = the text without surrounding white space; invalid UTF-8 and
 *              control characters other than tab, CR and LF are refused
 *  FT_INT      i = a whole number; thousands separators allowed, "12.0" is 12,
 *              "12.5" is refused
 *  FT_BOOL     i = 1 for 1, yes, y, true, t, si, sí, verdadero, x;
 *              0 for 0, no, n, false, f, falso (any case)
 *  FT_ENUM     s = one of f->values (static): any case, ' ' and '-' read as '_',
 *              accents ignored, and English/Spanish synonyms (value_field.c:
 *              "Llamada" -> call, "sin respuesta" -> no_answer, "Ganado" -> won)
 *  FT_MONEY    i = minor units (value_parse_money)
 *  FT_BP       i = basis points (value_parse_bp)
 *  FT_INSTANT  i = Unix seconds (value_parse_instant with opts' order, format, zone)
 *  FT_DATE     s = "YYYY-MM-DD" (value_parse_date)
 *  FT_CURRENCY s = three letters upper-cased; also € -> EUR, $ and US$ -> USD,
 *              £ -> GBP, R$ -> BRL
 *  FT_RATE     i = the decimal x 10^9, above 0
 *  FT_PERIOD   s = canonical period text (value_parse_period); the caller sets the
 *              from/to fields from value_parse_period or period_parse of s
 *  FT_TARGET   s = the text without surrounding space, checked to be a number
 *              >= 0, and i = 0: the caller, who knows the goal's metric, must
 *              replace i with value_parse_target(metric, s, ...) */
emb_code value_parse_field(const field_def *f, const char *text, const parse_opts *opts, const char *currency,
                           arena *a, field_value *out, emb_err *err);

/* Formats a stored value of field f for output (export, list); refs are not handled
 * here. NULL values give "". The output is what value_parse_field reads back as the
 * same value (with NUM_AUTO or NUM_DOT and the same zone): money with the
 * currency's decimals ("1234.50"), basis points as a fraction ("0.15"), instants
 * as value_format_instant with date_only_at_midnight, rates as a decimal, booleans
 * as 1/0. FT_TARGET prints the raw integer: use value_format_target. */
const char *value_format_field(const field_def *f, const field_value *v, const char *currency, const tz *zone,
                               arena *a);

#endif
