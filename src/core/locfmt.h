/*
 * locfmt.h - numbers, money, percentages and dates as people of a language write
 * them, through ICU: "10.005.534,00 €" and "$10,005,534.00", "23,5 %" and "23.5%",
 * "14 jul 2026" and "Jul 14, 2026". For tables and messages only: files and JSON
 * keep the data forms of value.h.
 *
 * Languages: "es" formats as Spain (es_ES), "en" as the United States (en_US);
 * the currency is always the one given, never the locale's.
 *
 * Ownership: locfmt_open() allocates the ICU formatters; locfmt_close() frees them.
 * A locfmt is used by one thread at a time (its formatters change with each call).
 * Strings returned live in the arena given. When ICU fails (never with valid
 * input), a function returns the data form of its value instead, never NULL.
 */
#ifndef EMB_LOCFMT_H
#define EMB_LOCFMT_H

#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"

typedef struct locfmt locfmt;

/* lang is "en" or "es" (anything else formats as "en"); zone is the IANA zone of
 * locfmt_instant (NULL: UTC). EMB_NOMEM / EMB_INTERNAL. */
emb_code locfmt_open(const char *lang, const char *zone, locfmt **out, emb_err *err);
void locfmt_close(locfmt *f);

/* A decimal given as text ("-1234.5", digits with an optional sign and point),
 * with min..max digits after the separator (rounded half-even): "1.234,50". */
const char *locfmt_decimal(locfmt *f, const char *num, int min_frac, int max_frac, arena *a);
/* A whole number with grouping: "12.345" / "12,345". */
const char *locfmt_int(locfmt *f, int64_t v, arena *a);
/* x with exactly frac digits after the separator. */
const char *locfmt_real(locfmt *f, double x, int frac, arena *a);
/* Minor units of an ISO 4217 currency, with its symbol and its number of decimals:
 * (1000553400, "EUR") -> "10.005.534,00 €" (es), "€10,005,534.00" (en). */
const char *locfmt_money(locfmt *f, int64_t minor, const char *currency, arena *a);
/* A fraction as a percentage with frac decimals: 0.235 -> "23,5 %" / "23.5%";
 * with sign set, positive values get a "+". */
const char *locfmt_percent(locfmt *f, double fraction, int frac, int sign, arena *a);
/* A calendar date "YYYY-MM-DD" in the language's medium style: "14 jul 2026" /
 * "Jul 14, 2026"; text that is no such date is returned as it is. */
const char *locfmt_date(locfmt *f, const char *ymd, arena *a);

/* An instant (Unix seconds UTC) in the zone, medium date and short time:
 * "14 jul 2026, 10:30" / "Jul 14, 2026, 10:30 AM"; the date alone with date_only. */
const char *locfmt_instant(locfmt *f, int64_t utc, int date_only, arena *a);

#endif
