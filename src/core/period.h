/*
 * period.h - calendar arithmetic and the period syntax of METRICS.md.
 *
 * Periods are half-open ranges of calendar days [from, to) in the organisation's
 * zone; turning them into UTC instants is tz.h's job. Days are counted from
 * 1970-01-01 (day 0) in the proleptic Gregorian calendar. Pure functions.
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
/* 1 = Monday .. 7 = Sunday. */
int weekday_of(int64_t days);

/* Parses a period: 2026, 2026-Q3, 2026-07, 2026-W27 (ISO week), 2026-07-14, FY2026,
 * FY2026-Q1, and the relative words today, yesterday, this-week, last-week,
 * this-month, last-month, this-quarter, last-quarter, this-year, last-year, ytd
 * (relative to `today`, a day number in the organisation's zone). EMB_INVALID
 * quoting the text and listing the accepted forms otherwise. */
emb_code period_parse(const char *text, const period_calendar *cal, int64_t today, period_range *out,
                      emb_err *err);

/* The previous period of the same kind and length (the month before a month, the
 * quarter before a quarter; otherwise the same number of days just before), and
 * the same period a year earlier. */
period_range period_previous(period_range p);
period_range period_year_before(period_range p);

#endif
