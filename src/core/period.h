/*
 * period.h - calendar arithmetic and the period syntax of METRICS.md.
 *
 * Periods are half-open ranges of calendar days [from, to) in the organisation's
 * zone; turning them into UTC instants is tz.h's job. Days are counted from
 * 1970-01-01 (day 0) in the proleptic Gregorian calendar. Pure functions.
 * Day numbers are valid for years 1..9999 (about -719000 .. 2933000); the
 * functions below stay defined (no overflow) for any |days| < 2^40.
 *
 * Fiscal years are named by the calendar year in which they END: with
 * fiscal_year_start = 4, FY2026 is 2025-04-01 .. 2026-04-01 and FY2026-Q1 is
 * 2025-04-01 .. 2025-07-01. With fiscal_year_start = 1, FY2026 is the year 2026.
 */
#ifndef EMB_PERIOD_H
#define EMB_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct {
    int fiscal_year_start; /* 1..12: FY2026 starts on this month of 2025 when > 1
                              (FY named by the calendar year it ends in) */
    int week_start;        /* 1 = Monday .. 7 = Sunday, for week series (ISO weeks ignore it) */
} period_calendar;

typedef struct {
    int64_t from; /* first day */
    int64_t to;   /* day after the last day */
} period_range;

int64_t days_from_civil(int year, int month, int day);
void civil_from_days(int64_t days, int *year, int *month, int *day);
/* "YYYY-MM-DD" <-> day number; parse returns -1 on a malformed or impossible date. */
int date_parse_iso(const char *s, int64_t *days);
void date_format_iso(int64_t days, char out[11]);
/* "2026-07-14", "2026-07-14T10:00:00Z" or "2026-07-14 10:00:00" as seconds since
 * 1970-01-01 UTC (strict; a day alone is its start); -1 when malformed. */
int instant_parse_iso(const char *s, int64_t *out);
/* 1 = Monday .. 7 = Sunday. */
int weekday_of(int64_t days);
/* The day number holding second s counted from 1970-01-01 (floor of s / 86400). */
static inline int64_t day_of_seconds(int64_t s) { return s >= 0 ? s / 86400 : -((-s + 86399) / 86400); }

/* Parses a period: 2026, 2026-Q3, 2026-07, 2026-W27 (ISO week), 2026-07-14, FY2026,
 * FY2026-Q1, and the relative words today, yesterday, this-week, last-week,
 * this-month, last-month, this-quarter, last-quarter, this-year, last-year, ytd
 * (relative to `today`, a day number in the organisation's zone). EMB_INVALID
 * quoting the text and listing the accepted forms otherwise.
 *
 * Also accepted: lower case (2026-q3, fy2026), '_' or ' ' for '-' in the words
 * (this_month), mtd and qtd (month and quarter to date, like ytd: up to and
 * including today), next-week, next-month, next-quarter, next-year,
 * last-N-days (the N days up to and including today: last-30-days), next-N-days
 * (N days from today on), this-fiscal-year, last-fiscal-year,
 * this-fiscal-quarter, last-fiscal-quarter, fytd, and a range FIRST..LAST of any
 * two of these forms, from the start of FIRST to the end of LAST, both included
 * (2017..2018, 2017-01..2017-06, 2026-01-01..2026-03-31, last-month..this-month). Years are 1..9999; a week 53 only
 * exists in ISO years that have one (2020-W53 and 2026-W53 do, 2025-W53 does not).
 * this-week / last-week start on cal->week_start; the quarter words are calendar
 * quarters. cal may be NULL (calendar years, weeks from Monday). With today ==
 * PERIOD_NO_TODAY the relative words are refused. */
emb_code period_parse(const char *text, const period_calendar *cal, int64_t today, period_range *out,
                      emb_err *err);

#define PERIOD_NO_TODAY INT64_MIN
/* Room for the longest canonical period text, "2026-01-01..2026-03-31", and its NUL. */
#define PERIOD_TEXT_MAX 32

/* Like period_parse, and also writes to canon the canonical, absolute text of the
 * period, which period_parse reads back as the same range whatever the date:
 * "2026", "2026-Q3", "2026-07", "2026-W27", "2026-07-14", "FY2026", "FY2026-Q1"
 * (upper case, zero-padded), the relative words as the absolute form of their kind
 * (this-month -> "2026-07", yesterday -> "2026-07-13", this-week -> "2026-W28" when
 * weeks start on Monday), and otherwise (ytd, weeks not starting on Monday, ranges)
 * "FROM..LAST" with the last day included. */
emb_code period_parse_text(const char *text, const period_calendar *cal, int64_t today, period_range *out,
                           char canon[PERIOD_TEXT_MAX], emb_err *err);

/* The previous period of the same kind and length (the month before a month, the
 * quarter before a quarter; otherwise the same number of days just before), and
 * the same period a year earlier.
 *
 * A range is "of months" when it runs from the 1st of a month to the 1st of a
 * later month: its previous period is the same number of months before, and its
 * year before is 12 months earlier. Other ranges: previous = the same number of
 * days just before; year before = for whole weeks starting on a Monday the same
 * ISO weeks of the year before (2026-W53 -> 2025-W52, the last week that year),
 * for other whole weeks 52 weeks earlier (same weekdays), otherwise each end moved
 * to the same date a year earlier (29 February -> 28 February). */
period_range period_previous(period_range p);
period_range period_year_before(period_range p);

#endif
