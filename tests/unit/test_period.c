/* test_period.c - civil day arithmetic and the period syntax, with dates worked
 * out by hand (and checked against Python's datetime). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/period.h"

static void civil_days(void **state)
{
    (void)state;
    assert_int_equal(days_from_civil(1970, 1, 1), 0);
    assert_int_equal(days_from_civil(1969, 12, 31), -1);
    assert_int_equal(days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(days_from_civil(2024, 2, 29), 19782);
    assert_int_equal(days_from_civil(2026, 7, 14), 20648);
    assert_int_equal(days_from_civil(1, 1, 1), -719162);
    assert_int_equal(days_from_civil(9999, 12, 31), 2932896);
    /* round trip over every day of years 1..9999 */
    int64_t prev = days_from_civil(1, 1, 1) - 1;
    for (int64_t d = days_from_civil(1, 1, 1); d <= 2932896; d++) {
        int y, m, dd;
        civil_from_days(d, &y, &m, &dd);
        if (days_from_civil(y, m, dd) != d || d != prev + 1)
            fail_msg("day %lld -> %d-%d-%d", (long long)d, y, m, dd);
        prev = d;
    }
    int y, m, d;
    civil_from_days(19782, &y, &m, &d);
    assert_true(y == 2024 && m == 2 && d == 29);
    civil_from_days(-719162, &y, &m, &d);
    assert_true(y == 1 && m == 1 && d == 1);
}

static void iso_dates(void **state)
{
    (void)state;
    int64_t d;
    assert_int_equal(date_parse_iso("2026-07-14", &d), 0);
    assert_int_equal(d, 20648);
    assert_int_equal(date_parse_iso("2024-02-29", &d), 0);
    assert_int_equal(d, 19782);
    const char *bad[] = {"2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-7-14",
                         "2026-07-14x", "20260714", "", "0000-01-01", "2026/07/14"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(date_parse_iso(bad[i], &d), -1);
    assert_int_equal(date_parse_iso("2000-02-29", &d), 0); /* divisible by 400 */
    char out[11];
    date_format_iso(20648, out);
    assert_string_equal(out, "2026-07-14");
    date_format_iso(-719162, out);
    assert_string_equal(out, "0001-01-01");
    assert_int_equal(weekday_of(0), 4);      /* 1970-01-01 was a Thursday */
    assert_int_equal(weekday_of(-1), 3);     /* Wednesday */
    assert_int_equal(weekday_of(20648), 2);  /* 2026-07-14 is a Tuesday */
    assert_int_equal(weekday_of(20652), 6);  /* Saturday 2026-07-18 */
}

/* Parses text and checks [from, to) as ISO dates, and the canonical text. */
static void check(const char *text, const period_calendar *cal, const char *today, const char *from, const char *to,
                  const char *canon)
{
    int64_t t = PERIOD_NO_TODAY;
    if (today)
        assert_int_equal(date_parse_iso(today, &t), 0);
    period_range r;
    char c[PERIOD_TEXT_MAX];
    emb_err err;
    emb_err_clear(&err);
    if (period_parse_text(text, cal, t, &r, c, &err) != EMB_OK)
        fail_msg("\"%s\": %s", text, err.msg);
    char f[11], e[11];
    date_format_iso(r.from, f);
    date_format_iso(r.to, e);
    if (strcmp(f, from) || strcmp(e, to) || strcmp(c, canon))
        fail_msg("\"%s\": got %s..%s \"%s\", want %s..%s \"%s\"", text, f, e, c, from, to, canon);
    /* the canonical text reads back as the same range, whatever the date */
    period_range again;
    assert_int_equal(period_parse(c, cal, PERIOD_NO_TODAY, &again, &err), EMB_OK);
    assert_true(again.from == r.from && again.to == r.to);
}

static void refused(const char *text, const char *today, const char *needle)
{
    int64_t t = PERIOD_NO_TODAY;
    if (today)
        assert_int_equal(date_parse_iso(today, &t), 0);
    period_range r;
    emb_err err;
    emb_err_clear(&err);
    if (period_parse(text, NULL, t, &r, &err) != EMB_INVALID)
        fail_msg("\"%s\" was accepted", text);
    if (!strstr(err.msg, needle))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, err.msg, needle);
    assert_non_null(strstr(err.msg, "FY2026-Q1")); /* lists the accepted forms */
}

static void absolute_periods(void **state)
{
    (void)state;
    check("2026", NULL, NULL, "2026-01-01", "2027-01-01", "2026");
    check("2026-Q1", NULL, NULL, "2026-01-01", "2026-04-01", "2026-Q1");
    check("2026-q3", NULL, NULL, "2026-07-01", "2026-10-01", "2026-Q3");
    check("2026-Q4", NULL, NULL, "2026-10-01", "2027-01-01", "2026-Q4");
    check("2026-07", NULL, NULL, "2026-07-01", "2026-08-01", "2026-07");
    check("2026-12", NULL, NULL, "2026-12-01", "2027-01-01", "2026-12");
    check("2024-02", NULL, NULL, "2024-02-01", "2024-03-01", "2024-02");
    check("2026-07-14", NULL, NULL, "2026-07-14", "2026-07-15", "2026-07-14");
    check("2024-02-29", NULL, NULL, "2024-02-29", "2024-03-01", "2024-02-29");
    check(" 2026-07 ", NULL, NULL, "2026-07-01", "2026-08-01", "2026-07");
    check("2026-01-01..2026-03-31", NULL, NULL, "2026-01-01", "2026-04-01", "2026-01-01..2026-03-31");
    check("2026-07-14..2026-07-14", NULL, NULL, "2026-07-14", "2026-07-15", "2026-07-14..2026-07-14");
}

static void expect_range(period_range r, const char *from, const char *to);

/* Ranges of any two forms: from the start of the first to the end of the last. */
static void ranges(void **state)
{
    (void)state;
    period_calendar april = {.fiscal_year_start = 4, .week_start = 1};
    check("2017..2018", NULL, NULL, "2017-01-01", "2019-01-01", "2017-01-01..2018-12-31");
    check("2017-01..2017-06", NULL, NULL, "2017-01-01", "2017-07-01", "2017-01-01..2017-06-30");
    check("2017-Q2..2017-Q3", NULL, NULL, "2017-04-01", "2017-10-01", "2017-04-01..2017-09-30");
    check("2017 .. 2017-02", NULL, NULL, "2017-01-01", "2017-03-01", "2017-01-01..2017-02-28");
    check("2026-W01..2026-01-31", NULL, NULL, "2025-12-29", "2026-02-01", "2025-12-29..2026-01-31");
    check("FY2026..FY2027-Q1", &april, NULL, "2025-04-01", "2026-07-01", "2025-04-01..2026-06-30");
    check("2017..2017", NULL, NULL, "2017-01-01", "2018-01-01", "2017-01-01..2017-12-31");
    check("last-month..this-month", NULL, "2026-07-14", "2026-06-01", "2026-08-01", "2026-06-01..2026-07-31");
    check("2026-06..today", NULL, "2026-07-14", "2026-06-01", "2026-07-15", "2026-06-01..2026-07-14");
    refused("2018..2017", NULL, "ends before it starts");
    refused("2017-06..2017-01", NULL, "ends before it starts");
    refused("2017..", NULL, "no period");
    refused("..2017", NULL, "no period");
    refused("2017..2018..2019", NULL, "no period");
    refused("2017..2018-13", NULL, "month");
    refused("2017..this-month", NULL, "relative to today");
    /* the previous period of a range of months is as many months before it */
    period_range r;
    emb_err err;
    assert_int_equal(period_parse("2017-01..2017-06", NULL, PERIOD_NO_TODAY, &r, &err), EMB_OK);
    expect_range(period_previous(r), "2016-07-01", "2017-01-01");
    expect_range(period_year_before(r), "2016-01-01", "2016-07-01");
    assert_int_equal(period_parse("2017..2018", NULL, PERIOD_NO_TODAY, &r, &err), EMB_OK);
    expect_range(period_previous(r), "2015-01-01", "2017-01-01");
}

static void iso_weeks(void **state)
{
    (void)state;
    check("2026-W27", NULL, NULL, "2026-06-29", "2026-07-06", "2026-W27");
    check("2026-W01", NULL, NULL, "2025-12-29", "2026-01-05", "2026-W01"); /* week 1 holds 4 January */
    check("2026-w1", NULL, NULL, "2025-12-29", "2026-01-05", "2026-W01");
    check("2020-W53", NULL, NULL, "2020-12-28", "2021-01-04", "2020-W53"); /* 2020 began on a Wednesday, leap */
    check("2026-W53", NULL, NULL, "2026-12-28", "2027-01-04", "2026-W53"); /* 2026 begins on a Thursday */
    check("2021-W01", NULL, NULL, "2021-01-04", "2021-01-11", "2021-W01");
    check("2015-W53", NULL, NULL, "2015-12-28", "2016-01-04", "2015-W53");
    refused("2025-W53", NULL, "52 weeks");
    refused("2027-W53", NULL, "52 weeks");
    refused("2026-W00", NULL, "ISO week");
    refused("2026-W54", NULL, "ISO week");
}

static void fiscal_years(void **state)
{
    (void)state;
    period_calendar april = {.fiscal_year_start = 4, .week_start = 1};
    period_calendar jan = {.fiscal_year_start = 1, .week_start = 1};
    period_calendar oct = {.fiscal_year_start = 10, .week_start = 1};
    check("FY2026", &april, NULL, "2025-04-01", "2026-04-01", "FY2026"); /* named by the year it ends in */
    check("fy2026-q1", &april, NULL, "2025-04-01", "2025-07-01", "FY2026-Q1");
    check("FY2026-Q4", &april, NULL, "2026-01-01", "2026-04-01", "FY2026-Q4");
    check("FY2026", &jan, NULL, "2026-01-01", "2027-01-01", "FY2026");
    check("FY2026-Q2", &jan, NULL, "2026-04-01", "2026-07-01", "FY2026-Q2");
    check("FY2026", &oct, NULL, "2025-10-01", "2026-10-01", "FY2026");
    check("FY2026-Q2", &oct, NULL, "2026-01-01", "2026-04-01", "FY2026-Q2");
    check("FY2026", NULL, NULL, "2026-01-01", "2027-01-01", "FY2026");
}

static void relative_words(void **state)
{
    (void)state;
    const char *t = "2026-07-14"; /* a Tuesday */
    period_calendar sunday = {.fiscal_year_start = 1, .week_start = 7};
    period_calendar april = {.fiscal_year_start = 4, .week_start = 1};
    check("today", NULL, t, "2026-07-14", "2026-07-15", "2026-07-14");
    check("yesterday", NULL, t, "2026-07-13", "2026-07-14", "2026-07-13");
    check("this-week", NULL, t, "2026-07-13", "2026-07-20", "2026-W29");
    check("last-week", NULL, t, "2026-07-06", "2026-07-13", "2026-W28");
    check("this-week", &sunday, t, "2026-07-12", "2026-07-19", "2026-07-12..2026-07-18");
    check("last-week", &sunday, t, "2026-07-05", "2026-07-12", "2026-07-05..2026-07-11");
    check("this-week", &sunday, "2026-07-12", "2026-07-12", "2026-07-19", "2026-07-12..2026-07-18");
    check("this-month", NULL, t, "2026-07-01", "2026-08-01", "2026-07");
    check("This_Month", NULL, t, "2026-07-01", "2026-08-01", "2026-07");
    check(" last month ", NULL, t, "2026-06-01", "2026-07-01", "2026-06");
    check("this-quarter", NULL, t, "2026-07-01", "2026-10-01", "2026-Q3");
    check("last-quarter", NULL, t, "2026-04-01", "2026-07-01", "2026-Q2");
    check("this-year", NULL, t, "2026-01-01", "2027-01-01", "2026");
    check("last-year", NULL, t, "2025-01-01", "2026-01-01", "2025");
    check("ytd", NULL, t, "2026-01-01", "2026-07-15", "2026-01-01..2026-07-14");
    check("qtd", NULL, t, "2026-07-01", "2026-07-15", "2026-07-01..2026-07-14");
    check("mtd", NULL, t, "2026-07-01", "2026-07-15", "2026-07-01..2026-07-14");
    check("next-month", NULL, t, "2026-08-01", "2026-09-01", "2026-08");
    check("next-quarter", NULL, t, "2026-10-01", "2027-01-01", "2026-Q4");
    check("next-year", NULL, t, "2027-01-01", "2028-01-01", "2027");
    check("next-week", NULL, t, "2026-07-20", "2026-07-27", "2026-W30");
    check("next month", NULL, "2026-12-31", "2027-01-01", "2027-02-01", "2027-01");
    check("next-quarter", NULL, "2026-11-30", "2027-01-01", "2027-04-01", "2027-Q1");
    /* last-N-days: the N days up to and including today; next-N-days from today on */
    check("last-30-days", NULL, t, "2026-06-15", "2026-07-15", "2026-06-15..2026-07-14");
    check("Last_7_Days", NULL, t, "2026-07-08", "2026-07-15", "2026-07-08..2026-07-14");
    check("last-1-days", NULL, t, "2026-07-14", "2026-07-15", "2026-07-14..2026-07-14");
    check("last-90-days", NULL, "2026-03-01", "2025-12-02", "2026-03-02", "2025-12-02..2026-03-01");
    check("next-30-days", NULL, t, "2026-07-14", "2026-08-13", "2026-07-14..2026-08-12");
    /* year boundaries */
    check("last-month", NULL, "2026-01-10", "2025-12-01", "2026-01-01", "2025-12");
    check("last-quarter", NULL, "2026-02-10", "2025-10-01", "2026-01-01", "2025-Q4");
    check("last-week", NULL, "2026-01-01", "2025-12-22", "2025-12-29", "2025-W52");
    check("this-week", NULL, "2027-01-01", "2026-12-28", "2027-01-04", "2026-W53");
    /* fiscal words, year starting in April */
    check("this-fiscal-year", &april, t, "2026-04-01", "2027-04-01", "FY2027");
    check("last-fiscal-year", &april, t, "2025-04-01", "2026-04-01", "FY2026");
    check("this-fiscal-quarter", &april, t, "2026-07-01", "2026-10-01", "FY2027-Q2");
    check("last-fiscal-quarter", &april, t, "2026-04-01", "2026-07-01", "FY2027-Q1");
    check("last-fiscal-quarter", &april, "2026-05-02", "2026-01-01", "2026-04-01", "FY2026-Q4");
    check("this-fiscal-quarter", &april, "2026-03-31", "2026-01-01", "2026-04-01", "FY2026-Q4");
    check("fytd", &april, t, "2026-04-01", "2026-07-15", "2026-04-01..2026-07-14");
    check("fytd", &april, "2026-02-01", "2025-04-01", "2026-02-02", "2025-04-01..2026-02-01");
}

static void bad_periods(void **state)
{
    (void)state;
    refused("2026-Q5", NULL, "quarter");
    refused("2026-13", NULL, "month");
    refused("2026-00", NULL, "month");
    refused("2026-02-30", NULL, "not a valid date");
    refused("0000", NULL, "year");
    refused("next-decade", "2026-07-14", "\"next-decade\"");
    refused("last-0-days", "2026-07-14", "\"last-0-days\"");
    refused("last-x-days", "2026-07-14", "\"last-x-days\"");
    refused("last-30-day", "2026-07-14", "\"last-30-day\"");
    refused("last-99999999-days", "2026-07-14", "\"last-99999999-days\"");
    refused("last-3000000-days", "2026-07-14", "outside the years");
    refused("last-30-days", NULL, "relative to today");
    refused("this-month", NULL, "relative to today");
    refused("", NULL, "no period");
    refused("2026-03-31..2026-01-01", NULL, "ends before it starts");
    refused("2026-01-01..2026-02-30", NULL, "not a valid date");
    refused("FY2026-Q0", NULL, "FY2026");
    refused("Q3", NULL, "\"Q3\"");
    refused("2026-7", NULL, "\"2026-7\"");
    refused("26", NULL, "\"26\"");
    refused("2026-07-14T10:00", NULL, "\"2026-07-14T10:00\"");
    refused("20260", NULL, "\"20260\"");
    refused("last-year", "0001-06-01", "outside the years");
    char long_text[200];
    memset(long_text, '9', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    refused(long_text, NULL, "...");
}

static void expect_range(period_range r, const char *from, const char *to)
{
    char f[11], t[11];
    date_format_iso(r.from, f);
    date_format_iso(r.to, t);
    if (strcmp(f, from) || strcmp(t, to))
        fail_msg("got %s..%s, want %s..%s", f, t, from, to);
}

static period_range P(const char *text)
{
    period_range r;
    emb_err err;
    int64_t today;
    date_parse_iso("2026-07-14", &today);
    period_calendar april = {.fiscal_year_start = 4, .week_start = 1};
    assert_int_equal(period_parse(text, &april, today, &r, &err), EMB_OK);
    return r;
}

static void previous_periods(void **state)
{
    (void)state;
    expect_range(period_previous(P("2026-07")), "2026-06-01", "2026-07-01");
    expect_range(period_previous(P("2024-03")), "2024-02-01", "2024-03-01"); /* 29 days, not 31 */
    expect_range(period_previous(P("2026-01")), "2025-12-01", "2026-01-01");
    expect_range(period_previous(P("2026-Q1")), "2025-10-01", "2026-01-01");
    expect_range(period_previous(P("2026")), "2025-01-01", "2026-01-01");
    expect_range(period_previous(P("FY2026")), "2024-04-01", "2025-04-01");
    expect_range(period_previous(P("FY2026-Q1")), "2025-01-01", "2025-04-01");
    expect_range(period_previous(P("2026-W01")), "2025-12-22", "2025-12-29");
    expect_range(period_previous(P("2026-03-01")), "2026-02-28", "2026-03-01");
    /* ytd: Jan 1 .. Jul 14 is 195 days; the 195 days before */
    expect_range(period_previous(P("ytd")), "2025-06-20", "2026-01-01");
    /* two months */
    expect_range(period_previous(P("2026-03-01..2026-04-30")), "2026-01-01", "2026-03-01");
}

static void year_before(void **state)
{
    (void)state;
    expect_range(period_year_before(P("2026-07")), "2025-07-01", "2025-08-01");
    expect_range(period_year_before(P("2024-02")), "2023-02-01", "2023-03-01");
    expect_range(period_year_before(P("2026-Q3")), "2025-07-01", "2025-10-01");
    expect_range(period_year_before(P("FY2026")), "2024-04-01", "2025-04-01");
    expect_range(period_year_before(P("2026-07-14")), "2025-07-14", "2025-07-15");
    expect_range(period_year_before(P("2024-02-29")), "2023-02-28", "2023-03-01");
    expect_range(period_year_before(P("2026-W27")), "2025-06-30", "2025-07-07");   /* 2025-W27 */
    expect_range(period_year_before(P("2021-W01")), "2019-12-30", "2020-01-06");   /* 2020-W01 */
    expect_range(period_year_before(P("2026-W53")), "2025-12-22", "2025-12-29");   /* 2025-W52 */
    expect_range(period_year_before(P("2026-07-12..2026-07-18")), "2025-07-13", "2025-07-20"); /* Sundays */
    expect_range(period_year_before(P("2024-01-01..2024-02-29")), "2023-01-01", "2023-03-01");
    expect_range(period_year_before(P("ytd")), "2025-01-01", "2025-07-15");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_days),       cmocka_unit_test(iso_dates),      cmocka_unit_test(absolute_periods), cmocka_unit_test(ranges),
        cmocka_unit_test(iso_weeks),        cmocka_unit_test(fiscal_years),   cmocka_unit_test(relative_words),
        cmocka_unit_test(bad_periods),      cmocka_unit_test(previous_periods), cmocka_unit_test(year_before),
    };
    return cmocka_run_group_tests_name("period", tests, NULL, NULL);
}
