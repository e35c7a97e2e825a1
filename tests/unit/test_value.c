/* test_value.c - numbers, money, basis points, dates, instants and fields, with
 * expected values worked out by hand (instants checked with Python's zoneinfo). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/value.h"

/* ---- helpers ------------------------------------------------------------------------ */

static void dec_ok(const char *s, number_style st, int scale, int64_t want)
{
    int64_t v = 0;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_decimal(s, st, scale, &v, &err) != EMB_OK)
        fail_msg("\"%s\" (style %d, scale %d): %s", s, st, scale, err.msg);
    if (v != want)
        fail_msg("\"%s\" (style %d, scale %d): got %lld, want %lld", s, st, scale, (long long)v, (long long)want);
}

static void dec_bad(const char *s, number_style st, const char *needle)
{
    int64_t v = 0;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_decimal(s, st, 2, &v, &err) != EMB_INVALID)
        fail_msg("\"%s\" (style %d) accepted as %lld", s, st, (long long)v);
    if (!strstr(err.msg, needle))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, needle);
}

static void money_ok(const char *s, const char *cur, int64_t want)
{
    int64_t v = 0;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_money(s, NUM_AUTO, cur, &v, &err) != EMB_OK)
        fail_msg("\"%s\" %s: %s", s, cur ? cur : "-", err.msg);
    if (v != want)
        fail_msg("\"%s\" %s: got %lld, want %lld", s, cur ? cur : "-", (long long)v, (long long)want);
}

static void bp_ok(const char *s, int64_t want)
{
    int64_t v = -1;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_bp(s, NUM_AUTO, &v, &err) != EMB_OK)
        fail_msg("\"%s\": %s", s, err.msg);
    if (v != want)
        fail_msg("\"%s\": got %lld bp, want %lld", s, (long long)v, (long long)want);
}

static void bp_bad(const char *s, const char *needle)
{
    int64_t v = -1;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_bp(s, NUM_AUTO, &v, &err) != EMB_INVALID)
        fail_msg("\"%s\" accepted as %lld bp", s, (long long)v);
    if (!strstr(err.msg, needle))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, needle);
}

static void date_ok(const char *s, date_order o, const char *fmt, const char *want)
{
    char out[11] = "";
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_date(s, o, fmt, out, &err) != EMB_OK)
        fail_msg("\"%s\": %s", s, err.msg);
    if (strcmp(out, want))
        fail_msg("\"%s\": got %s, want %s", s, out, want);
}

static void date_bad(const char *s, date_order o, const char *fmt, const char *needle)
{
    char out[11] = "";
    emb_err err;
    emb_err_clear(&err);
    emb_code rc = value_parse_date(s, o, fmt, out, &err);
    if (rc == EMB_OK)
        fail_msg("\"%s\" accepted as %s", s, out);
    if (!strstr(err.msg, needle))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, needle);
}

static tz *zone(const char *name)
{
    tz *z;
    emb_err err;
    assert_int_equal(tz_open(name, &z, &err), EMB_OK);
    return z;
}

static void instant_ok(const char *s, date_order o, const char *fmt, const tz *z, int64_t want)
{
    int64_t v = 0;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_instant(s, o, fmt, z, &v, &err) != EMB_OK)
        fail_msg("\"%s\": %s", s, err.msg);
    if (v != want)
        fail_msg("\"%s\": got %lld, want %lld", s, (long long)v, (long long)want);
}

static void instant_bad(const char *s, const char *needle)
{
    int64_t v = 0;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_instant(s, DATE_AUTO, NULL, NULL, &v, &err) == EMB_OK)
        fail_msg("\"%s\" accepted as %lld", s, (long long)v);
    if (!strstr(err.msg, needle))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg, needle);
}

/* ---- numbers ------------------------------------------------------------------------ */

static void decimals_round_half_away_from_zero(void **state)
{
    (void)state;
    dec_ok("9.80000019", NUM_AUTO, 2, 980);  /* Northwind's float noise */
    dec_ok("32.3800011", NUM_AUTO, 2, 3238);
    dec_ok("11.6099997", NUM_AUTO, 2, 1161);
    dec_ok("0.125", NUM_AUTO, 2, 13);
    dec_ok("-0.125", NUM_AUTO, 2, -13);
    dec_ok("0.135", NUM_AUTO, 2, 14);
    dec_ok("-0.135", NUM_AUTO, 2, -14);
    dec_ok("2.5", NUM_AUTO, 0, 3);
    dec_ok("-2.5", NUM_AUTO, 0, -3);
    dec_ok("3.5", NUM_AUTO, 0, 4);
    dec_ok("0.5", NUM_AUTO, 0, 1);
    dec_ok("-0.5", NUM_AUTO, 0, -1);
    dec_ok("0.49999999999", NUM_AUTO, 0, 0);
    dec_ok("-0.49999999999", NUM_AUTO, 0, 0);
    dec_ok("0.005", NUM_AUTO, 2, 1);
    dec_ok("-0.005", NUM_AUTO, 2, -1);
    dec_ok("0.004999", NUM_AUTO, 2, 0);
    dec_ok("1.995", NUM_AUTO, 2, 200);
    dec_ok("-1.995", NUM_AUTO, 2, -200);
    dec_ok("41.9136", NUM_AUTO, 2, 4191);  /* Superstore profit */
    dec_ok("-3.8160", NUM_AUTO, 2, -382);
    dec_ok("7", NUM_AUTO, 2, 700);
    dec_ok("0", NUM_AUTO, 2, 0);
    dec_ok("-0", NUM_AUTO, 2, 0);
    dec_ok(".5", NUM_AUTO, 2, 50);
    dec_ok("-.5", NUM_AUTO, 2, -50);
    dec_ok("000000000000000000000000000001.5", NUM_AUTO, 2, 150);
    dec_ok("0.1000000000000000000000000000000000009", NUM_AUTO, 2, 10);
    dec_ok("0.0049999999999999999999999999999999999", NUM_AUTO, 2, 0);
    dec_ok("123", NUM_AUTO, 0, 123);
    dec_ok("1.5", NUM_AUTO, 9, 1500000000);
}

static void decimal_separators(void **state)
{
    (void)state;
    dec_ok("1.234,56", NUM_AUTO, 2, 123456);
    dec_ok("1,234.56", NUM_AUTO, 2, 123456);
    dec_ok("1234,5", NUM_AUTO, 2, 123450);
    dec_ok("1234.5", NUM_AUTO, 2, 123450);
    dec_ok("12,34", NUM_AUTO, 2, 1234);      /* a comma with two digits after is decimal */
    dec_ok("1,5", NUM_AUTO, 2, 150);
    dec_ok("1,234", NUM_AUTO, 2, 123400);    /* exactly three digits after: thousands */
    dec_ok("12,500", NUM_AUTO, 0, 12500);
    dec_ok("-1,234", NUM_AUTO, 0, -1234);
    dec_ok("0,125", NUM_AUTO, 3, 125);       /* a leading zero is no thousands group */
    dec_ok("1234,567", NUM_AUTO, 3, 1234567);/* four digits before: decimal */
    dec_ok("1,2345", NUM_AUTO, 4, 12345);
    dec_ok("1.234", NUM_AUTO, 3, 1234);      /* a single dot is decimal */
    dec_ok("1,234,567", NUM_AUTO, 0, 1234567);
    dec_ok("1.234.567", NUM_AUTO, 0, 1234567);
    dec_ok("1.234.567,89", NUM_AUTO, 2, 123456789);
    dec_ok("1,234,567.89", NUM_AUTO, 2, 123456789);
    dec_ok("1 234,56", NUM_AUTO, 2, 123456);
    dec_ok("1 234 567", NUM_AUTO, 0, 1234567);
    dec_ok("1\xc2\xa0" "234,56", NUM_AUTO, 2, 123456);      /* no-break space */
    dec_ok("1\xe2\x80\xaf" "234,56", NUM_AUTO, 2, 123456);  /* narrow no-break space */
    dec_ok("1'234.56", NUM_AUTO, 2, 123456);
    dec_ok("1 234,567", NUM_AUTO, 3, 1234567); /* grouped by spaces: the comma is decimal */
    dec_ok("1,234.5", NUM_DOT, 2, 123450);
    dec_ok("1234.5", NUM_DOT, 2, 123450);
    dec_ok("1,234", NUM_DOT, 0, 1234);
    dec_ok("1.234", NUM_DOT, 3, 1234);
    dec_ok("1.234,5", NUM_COMMA, 2, 123450);
    dec_ok("1,5", NUM_COMMA, 2, 150);
    dec_ok("1,234", NUM_COMMA, 3, 1234);
    dec_ok("1.234", NUM_COMMA, 0, 1234);
    dec_bad("1,5", NUM_DOT, "1,234.56");
    dec_bad("1234.5", NUM_COMMA, "1.234,56");
    dec_bad("1.2.3", NUM_AUTO, "not a number");
    dec_bad("1,23,4", NUM_AUTO, "three digits");
    dec_bad("12,34.5", NUM_AUTO, "three digits");
    dec_bad("1234,567.8", NUM_AUTO, "three digits");
    dec_bad("1.234,5.6", NUM_AUTO, "two decimal separators");
    dec_bad("1 234.567,8", NUM_AUTO, "mixed");
    dec_bad("5.", NUM_AUTO, "ends with a separator");
    dec_bad("1..5", NUM_AUTO, "two separators");
    dec_bad(",", NUM_AUTO, "not a number");
}

/* The census of a column's values decides its separator (value.h). */
static emb_code census_of(const char *const *vals, size_t n, char locale, number_style *style, emb_err *err)
{
    value_number_census c = {0};
    for (size_t i = 0; i < n; i++)
        value_number_census_add(&c, vals[i]);
    *style = NUM_AUTO;
    return value_number_census_decide(&c, locale, style, err);
}

static void decimal_separator_census(void **state)
{
    (void)state;
    unsigned dot = 1u << NUM_DOT, comma = 1u << NUM_COMMA;
    assert_int_equal(value_number_styles("12"), dot | comma);
    assert_int_equal(value_number_styles("1.500"), dot | comma);
    assert_int_equal(value_number_styles("1,500"), dot | comma);
    assert_int_equal(value_number_styles("0.125"), dot); /* a leading zero groups no thousands */
    assert_int_equal(value_number_styles("1.234,5"), comma);
    assert_int_equal(value_number_styles("12.500,00 €"), comma);
    assert_int_equal(value_number_styles("15,5%"), comma);
    assert_int_equal(value_number_styles("$1,234.50"), dot);
    assert_int_equal(value_number_styles("1..5"), 0u);
    dec_bad("0.125", NUM_COMMA, "leading zero");

    number_style s;
    emb_err err;
    /* The column: two values decide the comma, so 8.000 and 1.500 are thousands. */
    const char *es[] = {"12.500,00 €", "3.200,50 €", "8.000 €", "1.500", ""};
    assert_int_equal(census_of(es, 5, '.', &s, &err), EMB_OK);
    assert_int_equal(s, NUM_COMMA);
    int64_t v;
    const int64_t want[] = {1250000, 320050, 800000, 150000};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(value_parse_money(es[i], s, "EUR", &v, &err), EMB_OK);
        assert_int_equal(v, want[i]);
    }
    const char *us[] = {"1,500", "$1,234.56"};
    assert_int_equal(census_of(us, 2, ',', &s, &err), EMB_OK);
    assert_int_equal(s, NUM_DOT);
    const char *plain[] = {"12", "300", "-4"};
    assert_int_equal(census_of(plain, 3, ',', &s, &err), EMB_OK);
    assert_int_equal(s, NUM_DOT);
    const char *machine[] = {"1.234", "0.125"};
    assert_int_equal(census_of(machine, 2, ',', &s, &err), EMB_OK);
    assert_int_equal(s, NUM_DOT);
    /* Only values that read two ways: the locale decides when the separator is its
     * thousands separator, otherwise the column stays ambiguous. */
    const char *dots[] = {"1.500", "2.300", "1.500"};
    assert_int_equal(census_of(dots, 3, ',', &s, &err), EMB_OK);
    assert_int_equal(s, NUM_COMMA);
    assert_int_equal(census_of(dots, 3, '.', &s, &err), EMB_INVALID);
    assert_string_equal(err.msg, "\"1.500\", \"2.300\" can be read two ways: \"1.500\" is 1.5 with a decimal point "
                                 "and 1500 with a decimal comma");
    const char *commas[] = {"1,500"};
    assert_int_equal(census_of(commas, 1, '.', &s, &err), EMB_OK);
    assert_int_equal(s, NUM_DOT);
    assert_int_equal(census_of(commas, 1, ',', &s, &err), EMB_INVALID);
    const char *mixed[] = {"1234.5", "7", "1234,5"};
    assert_int_equal(census_of(mixed, 3, '.', &s, &err), EMB_INVALID);
    assert_string_equal(err.msg,
                        "mixes numbers with a decimal point (\"1234.5\") and with a decimal comma (\"1234,5\")");
}

static void signs_currencies_and_spaces(void **state)
{
    (void)state;
    dec_ok("  $1,234.50 ", NUM_AUTO, 2, 123450);
    dec_ok("€ 12", NUM_AUTO, 2, 1200);
    dec_ok("12 EUR", NUM_AUTO, 2, 1200);
    dec_ok("12EUR", NUM_AUTO, 2, 1200);
    dec_ok("usd 5", NUM_AUTO, 2, 500);
    dec_ok("1.234,50 €", NUM_AUTO, 2, 123450);
    dec_ok("-$5", NUM_AUTO, 2, -500);
    dec_ok("$-5", NUM_AUTO, 2, -500);
    dec_ok("- 5", NUM_AUTO, 2, -500);
    dec_ok("+7", NUM_AUTO, 2, 700);
    dec_ok("\xe2\x88\x92" "3", NUM_AUTO, 2, -300);  /* U+2212 minus sign */
    dec_ok("(123.45)", NUM_AUTO, 2, -12345);
    dec_ok("( 123.45 )", NUM_AUTO, 2, -12345);
    dec_ok("($123.45)", NUM_AUTO, 2, -12345);
    dec_ok("(1.234,56 €)", NUM_AUTO, 2, -123456);
    dec_ok("R$ 1.234,56", NUM_AUTO, 2, 123456);
    dec_ok("US$12", NUM_AUTO, 2, 1200);
    dec_ok("\t42\r\n", NUM_AUTO, 0, 42);
    dec_bad("1e5", NUM_AUTO, "scientific notation");
    dec_bad("1.5E+03", NUM_AUTO, "scientific notation");
    dec_bad("2e-3", NUM_AUTO, "scientific notation");
    dec_bad("abc", NUM_AUTO, "\"abc\" is not a number");
    dec_bad("", NUM_AUTO, "not a number");
    dec_bad("   ", NUM_AUTO, "not a number");
    dec_bad("--5", NUM_AUTO, "not a number");
    dec_bad("(-5)", NUM_AUTO, "sign inside parentheses");
    dec_bad("5-", NUM_AUTO, "not a number");
    dec_bad("$", NUM_AUTO, "not a number");
    dec_bad("$ $5", NUM_AUTO, "not a number");
    dec_bad("NaN", NUM_AUTO, "not a number");
    dec_bad("inf", NUM_AUTO, "not a number");
    dec_bad("0x1A", NUM_AUTO, "not a number");
    dec_bad("12 34", NUM_AUTO, "three digits");
    dec_bad("5 %", NUM_AUTO, "not a number"); /* no percent in plain decimals */
}

static void huge_values_overflow(void **state)
{
    (void)state;
    dec_ok("9223372036854775807", NUM_AUTO, 0, INT64_MAX);
    dec_ok("-9223372036854775807", NUM_AUTO, 0, -INT64_MAX);
    dec_ok("92233720368547758.07", NUM_AUTO, 2, INT64_MAX);
    dec_ok("92,233,720,368,547,758.07", NUM_AUTO, 2, INT64_MAX);
    dec_bad("9223372036854775808", NUM_AUTO, "too large");
    dec_bad("92233720368547758.08", NUM_AUTO, "too large");
    dec_bad("92233720368547758.075", NUM_AUTO, "too large"); /* rounding up overflows */
    dec_bad("99999999999999999999999999", NUM_AUTO, "too large");
    dec_bad("-99999999999999999999999999", NUM_AUTO, "too large");
    char huge[300];
    memset(huge, '9', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    dec_bad(huge, NUM_AUTO, "too long");
    int64_t v;
    emb_err err;
    assert_int_equal(value_parse_decimal("1", NUM_AUTO, 19, &v, &err), EMB_INVALID); /* scale out of range */
    assert_int_equal(value_parse_money("9223372036854775.808", NUM_AUTO, "KWD", &v, &err), EMB_INVALID);
}

/* Money stops at VALUE_MONEY_MAX (10^12 minor units) in every currency, either
 * sign, with the limit in the message. */
static void money_limit(void **state)
{
    (void)state;
    int64_t v;
    emb_err err;
    money_ok("10,000,000,000.00", "USD", VALUE_MONEY_MAX);
    money_ok("-10000000000", "EUR", -VALUE_MONEY_MAX);
    money_ok("1000000000000", "JPY", VALUE_MONEY_MAX);
    money_ok("1000000000.000", "KWD", VALUE_MONEY_MAX);
    assert_int_equal(value_parse_money("10000000000.01", NUM_AUTO, "USD", &v, &err), EMB_INVALID);
    assert_string_equal(err.msg,
                        "\"10000000000.01\" is too large: an amount may be at most 10,000,000,000.00 USD (10^12 minor units)");
    assert_int_equal(value_parse_money("-1000000000001", NUM_AUTO, "JPY", &v, &err), EMB_INVALID);
    assert_string_equal(err.msg,
                        "\"-1000000000001\" is too large: an amount may be at most 1,000,000,000,000 JPY (10^12 minor units)");
    assert_int_equal(value_parse_money("1000000000.0005", NUM_AUTO, "KWD", &v, &err), EMB_INVALID);
    assert_string_equal(err.msg,
                        "\"1000000000.0005\" is too large: an amount may be at most 1,000,000,000.000 KWD (10^12 minor units)");
    assert_int_equal(value_parse_money("100000000.0001", NUM_AUTO, "CLF", &v, &err), EMB_INVALID);
    assert_string_equal(err.msg,
                        "\"100000000.0001\" is too large: an amount may be at most 100,000,000.0000 CLF (10^12 minor units)");
    assert_int_equal(value_parse_money("92233720368547758.07", NUM_AUTO, "USD", &v, &err), EMB_INVALID);
    assert_int_equal(value_parse_money("10000000000.01", NUM_AUTO, NULL, &v, &err), EMB_INVALID);
    assert_string_equal(err.msg,
                        "\"10000000000.01\" is too large: an amount may be at most 10,000,000,000.00 (10^12 minor units)");
    assert_int_equal(value_parse_target("revenue_won", "10000000000.01", NULL, &v, &err), EMB_INVALID);
}

static void currency_exponents(void **state)
{
    (void)state;
    const char *zero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                          "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF", "jpy"};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        assert_int_equal(value_currency_exponent(zero[i]), 0);
    const char *three[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    for (size_t i = 0; i < sizeof three / sizeof three[0]; i++)
        assert_int_equal(value_currency_exponent(three[i]), 3);
    assert_int_equal(value_currency_exponent("CLF"), 4);
    assert_int_equal(value_currency_exponent("UYW"), 4);
    assert_int_equal(value_currency_exponent("EUR"), 2);
    assert_int_equal(value_currency_exponent("USD"), 2);
    assert_int_equal(value_currency_exponent("MXN"), 2);
    assert_int_equal(value_currency_exponent(NULL), 2);
    assert_int_equal(value_currency_exponent("JP"), 2);
}

static void money_in_minor_units(void **state)
{
    (void)state;
    money_ok("9.80000019", "USD", 980);
    money_ok("261.96", "USD", 26196);
    money_ok("41.9136", "USD", 4191);
    money_ok("1234.5", "JPY", 1235);
    money_ok("-1234.5", "JPY", -1235);
    money_ok("1.2345", "KWD", 1235);
    money_ok("1.23456", "CLF", 12346);
    money_ok("1.234,56", "EUR", 123456);
    money_ok("€12", "EUR", 1200);
    money_ok("12 eur", "EUR", 1200);
    money_ok("$12", "MXN", 1200);  /* '$' is many currencies' sign */
    money_ok("£3", "GBP", 300);
    money_ok("¥500", "JPY", 500);
    money_ok("R$ 10,50", "BRL", 1050);
    money_ok("10", NULL, 1000);
    int64_t v;
    emb_err err;
    assert_int_equal(value_parse_money("€12", NUM_AUTO, "USD", &v, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "\"€12\" is in €, not USD"));
    assert_int_equal(value_parse_money("EUR 12", NUM_AUTO, "USD", &v, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "in EUR, not USD"));
    assert_int_equal(value_parse_money("12%", NUM_AUTO, "USD", &v, &err), EMB_INVALID);
}

static void basis_points(void **state)
{
    (void)state;
    bp_ok("15%", 1500);
    bp_ok("15 %", 1500);
    bp_ok("0.15", 1500);
    bp_ok("0,15", 1500);
    bp_ok("1", 10000);   /* a bare number <= 1 is a fraction */
    bp_ok("1.0", 10000);
    bp_ok("15", 1500);   /* above 1, a percentage */
    bp_ok("1.5", 150);
    bp_ok("100", 10000);
    bp_ok("100%", 10000);
    bp_ok("0.2", 2000);  /* Superstore discount */
    bp_ok("0.05", 500);  /* Northwind discount */
    bp_ok("0.0", 0);
    bp_ok("0", 0);
    bp_ok("0%", 0);
    bp_ok("0.123456", 1235); /* 1234.56 bp */
    bp_ok("0.12345", 1235);  /* 1234.5 bp: half away from zero */
    bp_ok("0.12344999", 1234);
    bp_ok("12.345%", 1235);
    bp_ok("0.00005", 1);
    bp_ok("0.00004999", 0);
    bp_ok("1%", 100);
    bp_ok("0.5%", 50);
    bp_ok("1.00001", 100);   /* just above 1: a percentage */
    bp_bad("101%", "above 100 %");
    bp_bad("150", "above 100 %");
    bp_bad("-5%", "negative");
    bp_bad("-0.1", "negative");
    bp_bad("15%%", "not a number");
    bp_bad("$5", "not a number");
    bp_bad("99999999999999999999%", "above 100 %");
}

static void formatting_numbers(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    assert_string_equal(value_format_money(123450, "USD", &a), "1234.50");
    assert_string_equal(value_format_money(-5, "USD", &a), "-0.05");
    assert_string_equal(value_format_money(0, "EUR", &a), "0.00");
    assert_string_equal(value_format_money(1235, "JPY", &a), "1235");
    assert_string_equal(value_format_money(-1235, "JPY", &a), "-1235");
    assert_string_equal(value_format_money(1235, "KWD", &a), "1.235");
    assert_string_equal(value_format_money(12346, "CLF", &a), "1.2346");
    assert_string_equal(value_format_money(INT64_MIN, "USD", &a), "-92233720368547758.08");
    assert_string_equal(value_format_money(INT64_MAX, NULL, &a), "92233720368547758.07");
    assert_string_equal(value_format_bp(1500, &a), "0.15");
    assert_string_equal(value_format_bp(125, &a), "0.0125");
    assert_string_equal(value_format_bp(10000, &a), "1");
    assert_string_equal(value_format_bp(0, &a), "0");
    assert_string_equal(value_format_bp(1, &a), "0.0001");
    assert_string_equal(value_format_decimal(1080000000, 9, &a), "1.08");
    assert_string_equal(value_format_decimal(-5, 2, &a), "-0.05");
    assert_string_equal(value_format_decimal(1200, 2, &a), "12");
    assert_string_equal(value_format_decimal(INT64_MIN, 0, &a), "-9223372036854775808");
    /* formatting is the inverse of parsing */
    const char *curs[] = {"USD", "JPY", "KWD", "CLF"};
    int64_t samples[] = {0, 1, -1, 5, 99, 100, 101, 123456789, -987654321, VALUE_MONEY_MAX, -VALUE_MONEY_MAX};
    for (size_t c = 0; c < 4; c++) {
        for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
            int64_t back;
            emb_err err;
            const char *s = value_format_money(samples[i], curs[c], &a);
            assert_int_equal(value_parse_money(s, NUM_AUTO, curs[c], &back, &err), EMB_OK);
            assert_int_equal(back, samples[i]);
            assert_int_equal(value_parse_money(s, NUM_DOT, curs[c], &back, &err), EMB_OK);
            assert_int_equal(back, samples[i]);
        }
    }
    for (int64_t bp = 0; bp <= 10000; bp++) {
        int64_t back = -1;
        emb_err err;
        const char *s = value_format_bp(bp, &a);
        if (value_parse_bp(s, NUM_AUTO, &back, &err) != EMB_OK || back != bp)
            fail_msg("bp %lld -> \"%s\" -> %lld", (long long)bp, s, (long long)back);
        if ((bp & 1023) == 0)
            arena_reset(&a);
    }
    arena_release(&a);
}

/* ---- dates --------------------------------------------------------------------------- */

static void dates_free_forms(void **state)
{
    (void)state;
    date_ok("2026-07-14", DATE_AUTO, NULL, "2026-07-14");
    date_ok("2026-07-14", DATE_DMY, NULL, "2026-07-14"); /* ISO is read whatever the order */
    date_ok("2026/7/4", DATE_AUTO, NULL, "2026-07-04");
    date_ok("2026.07.04", DATE_ISO, NULL, "2026-07-04");
    date_ok("  2026-07-14 ", DATE_AUTO, NULL, "2026-07-14");
    date_ok("2024-02-29", DATE_AUTO, NULL, "2024-02-29");
    date_ok("2000-02-29", DATE_AUTO, NULL, "2000-02-29");
    date_ok("14/07/2026", DATE_DMY, NULL, "2026-07-14");
    date_ok("14.07.2026", DATE_DMY, NULL, "2026-07-14");
    date_ok("14-07-2026", DATE_DMY, NULL, "2026-07-14");
    date_ok("1/2/2026", DATE_DMY, NULL, "2026-02-01");
    date_ok("1/2/2026", DATE_MDY, NULL, "2026-01-02");
    date_ok("11/8/2018", DATE_MDY, NULL, "2018-11-08"); /* Superstore */
    date_ok("12/31/2017", DATE_MDY, NULL, "2017-12-31");
    date_ok("14/07/2026", DATE_AUTO, NULL, "2026-07-14"); /* the value decides */
    date_ok("7/14/2026", DATE_AUTO, NULL, "2026-07-14");
    date_ok("05/05/2020", DATE_AUTO, NULL, "2020-05-05");
    date_ok("2018-02-26 19:58:54", DATE_AUTO, NULL, "2018-02-26"); /* Olist: the time is dropped */
    date_ok("2026-07-14T23:30:00-05:00", DATE_AUTO, NULL, "2026-07-14"); /* the date as written */
    date_ok("11/8/2018 10:30 PM", DATE_MDY, NULL, "2018-11-08");
    date_bad("2026-02-29", DATE_AUTO, NULL, "2026-02 has 28 days");
    date_bad("2100-02-29", DATE_AUTO, NULL, "2100-02 has 28 days");
    date_bad("2026-04-31", DATE_AUTO, NULL, "30 days");
    date_bad("2026-13-01", DATE_AUTO, NULL, "no month 13");
    date_bad("0000-01-01", DATE_AUTO, NULL, "year out of range");
    date_bad("01/02/2020", DATE_AUTO, NULL, "--date-format %d/%m/%Y or %m/%d/%Y");
    date_bad("01.02.2020", DATE_AUTO, NULL, "--date-format %d.%m.%Y or %m.%d.%Y");
    date_bad("14/07/2026", DATE_ISO, NULL, "not an ISO date");
    date_bad("14/07/2026", DATE_MDY, NULL, "in month/day/year order: there is no month 14");
    date_bad("7/14/2026", DATE_DMY, NULL, "in day/month/year order: there is no month 14");
    date_bad("31/02/2026", DATE_DMY, NULL, "2026-02 has 28 days");
    date_bad("11/8/18", DATE_MDY, NULL, "two-digit year");
    date_bad("11/8/18", DATE_AUTO, NULL, "--date-format");
    date_bad("14/07-2026", DATE_DMY, NULL, "not a date");
    date_bad("20260714", DATE_AUTO, NULL, "not a date");
    date_bad("July 14, 2026", DATE_AUTO, NULL, "not a date");
    date_bad("", DATE_AUTO, NULL, "empty");
    date_bad("2026-07-14 25:00", DATE_AUTO, NULL, "invalid time");
    date_bad("2026-07-14x", DATE_AUTO, NULL, "not a date");
    date_bad("2026-07-145", DATE_AUTO, NULL, "not a date");
    date_bad("1/1/12345", DATE_DMY, NULL, "not a date");
}

static void dates_with_formats(void **state)
{
    (void)state;
    date_ok("14/07/26", DATE_AUTO, "%d/%m/%y", "2026-07-14");
    date_ok("14/07/70", DATE_AUTO, "%d/%m/%y", "1970-07-14");
    date_ok("01/01/68", DATE_AUTO, "%d/%m/%y", "2068-01-01");
    date_ok("01/01/69", DATE_AUTO, "%d/%m/%y", "1969-01-01");
    date_ok("7/4/2026", DATE_AUTO, "%m/%d/%Y", "2026-07-04");
    date_ok("14-Jul-2026", DATE_AUTO, "%d-%b-%Y", "2026-07-14");
    date_ok("14-JUL-2026", DATE_AUTO, "%d-%b-%Y", "2026-07-14");
    date_ok("14-ene-2026", DATE_AUTO, "%d-%b-%Y", "2026-01-14");
    date_ok("3 septiembre 2026", DATE_AUTO, "%d %B %Y", "2026-09-03");
    date_ok("3   Sept 2026", DATE_AUTO, "%d %b %Y", "2026-09-03");
    date_ok("Sep 3, 2026", DATE_AUTO, "%b %d, %Y", "2026-09-03");
    date_ok("2026-07-14", DATE_AUTO, "%F", "2026-07-14");
    date_ok("20260714", DATE_AUTO, "%Y%m%d", "2026-07-14");
    date_ok("07/2026", DATE_AUTO, "%m/%Y", "2026-07-01");
    date_ok("100%/2026-07-14", DATE_AUTO, "100%%/%Y-%m-%d", "2026-07-14");
    date_bad("2026-07-14", DATE_AUTO, "%d/%m/%Y", "does not match the date format \"%d/%m/%Y\"");
    date_bad("14/07/2026 extra", DATE_AUTO, "%d/%m/%Y", "text left over");
    date_bad("31/02/26", DATE_AUTO, "%d/%m/%y", "28 days");
    date_bad("14/07/26", DATE_AUTO, "%d/%m/%Q", "unknown directive");
    date_bad("14/07/26", DATE_AUTO, "%d/%m/", "needs a year");
    date_bad("14/07/26", DATE_AUTO, "%d/%m/%", "ends with %");
    char out[11];
    emb_err err;
    assert_int_equal(value_parse_date("1", DATE_AUTO, "%Q", out, &err), EMB_USAGE);
}

static void instants(void **state)
{
    (void)state;
    tz *madrid = zone("Europe/Madrid"), *ny = zone("America/New_York");
    instant_ok("2026-07-14", DATE_AUTO, NULL, madrid, 1783980000);           /* midnight CEST = 22:00Z */
    instant_ok("2026-07-14", DATE_AUTO, NULL, NULL, 1783987200);             /* no zone: UTC */
    instant_ok("2026-07-14T10:30:15Z", DATE_AUTO, NULL, madrid, 1784025015);
    instant_ok("2026-07-14 10:30:15 UTC", DATE_AUTO, NULL, madrid, 1784025015);
    instant_ok("2026-07-14 10:30+02:00", DATE_AUTO, NULL, ny, 1784017800);
    instant_ok("2026-07-14 10:30 +0200", DATE_AUTO, NULL, ny, 1784017800);
    instant_ok("2026-07-14T10:30:00+02", DATE_AUTO, NULL, ny, 1784017800);
    instant_ok("2026-07-14T10:30:15-05:00", DATE_AUTO, NULL, madrid, 1784043015);
    instant_ok("2026-07-14T10:30:15.999Z", DATE_AUTO, NULL, madrid, 1784025015);
    instant_ok("2026-07-14T10:30:15,5Z", DATE_AUTO, NULL, madrid, 1784025015);
    instant_ok("2026-07-14 10:30:15", DATE_AUTO, NULL, madrid, 1784017815);  /* local, CEST */
    instant_ok("2026-07-14t10:30:15", DATE_AUTO, NULL, madrid, 1784017815);
    instant_ok("11/8/2018 10:30:00 PM", DATE_MDY, NULL, ny, 1541734200);     /* 22:30 EST */
    instant_ok("11/8/2018 10:30pm", DATE_MDY, NULL, ny, 1541734200);
    instant_ok("2026-07-14 12:00 AM", DATE_AUTO, NULL, NULL, 1783987200);
    instant_ok("2026-07-14 12:00 PM", DATE_AUTO, NULL, NULL, 1783987200 + 43200);
    instant_ok("1996-07-04", DATE_AUTO, NULL, ny, 836452800);                 /* Northwind, EDT */
    instant_ok("14/07/2026 10:30", DATE_DMY, NULL, madrid, 1784017800);
    instant_ok("14/07/2026 10:30", DATE_AUTO, "%d/%m/%Y %H:%M", madrid, 1784017800);
    instant_ok("14/07/2026 10:30 +0000", DATE_AUTO, "%d/%m/%Y %H:%M %z", madrid, 1784025000);
    instant_ok("14/07/2026 10:30 pm", DATE_AUTO, "%d/%m/%Y %I:%M %p", NULL, 1783987200 + 22 * 3600 + 1800);
    /* DST: Madrid springs forward 2026-03-29 02:00 -> 03:00, falls back 2026-10-25 03:00 -> 02:00 */
    instant_ok("2026-03-29 02:30", DATE_AUTO, NULL, madrid, 1774747800); /* moved to 03:30 CEST */
    instant_ok("2026-03-29 03:00", DATE_AUTO, NULL, madrid, 1774746000);
    instant_ok("2026-10-25 02:30", DATE_AUTO, NULL, madrid, 1792888200); /* the earlier, CEST */
    instant_ok("2026-10-25 02:30+01:00", DATE_AUTO, NULL, madrid, 1792888200 + 3600);
    instant_ok("2026-03-08 02:30", DATE_AUTO, NULL, ny, 1772955000);     /* 03:30 EDT */
    instant_ok("2026-11-01 01:30", DATE_AUTO, NULL, ny, 1793511000);     /* 01:30 EDT */
    instant_bad("2026-07-14 24:00", "invalid time");
    instant_bad("2026-07-14 10:60", "invalid time");
    instant_bad("2026-07-14 10:30:60", "invalid time");
    instant_bad("2026-07-14 10", "invalid time");
    instant_bad("2026-07-14 13:00 PM", "12-hour");
    instant_bad("2026-07-14T10:30+19:00", "time zone offset");
    instant_bad("2026-07-14T10:30 Europe/Madrid", "unexpected text");
    instant_bad("2026-07-14T", "invalid time");
    tz_close(madrid);
    tz_close(ny);
}

static void formatting_instants(void **state)
{
    (void)state;
    tz *madrid = zone("Europe/Madrid"), *ny = zone("America/New_York"), *utc = zone("UTC");
    arena a;
    arena_init(&a, 0);
    assert_string_equal(value_format_instant(1783980000, madrid, 1, &a), "2026-07-14");
    assert_string_equal(value_format_instant(1783980000, madrid, 0, &a), "2026-07-14T00:00:00+02:00");
    assert_string_equal(value_format_instant(1784017815, madrid, 1, &a), "2026-07-14T10:30:15+02:00");
    assert_string_equal(value_format_instant(1784017815, ny, 1, &a), "2026-07-14T04:30:15-04:00");
    assert_string_equal(value_format_instant(1784017815, utc, 1, &a), "2026-07-14T08:30:15+00:00");
    assert_string_equal(value_format_instant(1783987200, NULL, 1, &a), "2026-07-14");
    assert_string_equal(value_format_instant(1768478400, madrid, 1, &a), "2026-01-15T13:00:00+01:00");
    /* 1850 in Madrid: local mean time -0:14:44 cannot be written as +HH:MM, so UTC */
    assert_string_equal(value_format_instant(-3771187200LL, madrid, 1, &a), "1850-07-01T00:00:00Z");
    /* every quarter hour around both 2026 transitions in both zones reads back */
    const tz *zones[] = {madrid, ny};
    int64_t starts[] = {1774656000, 1792800000, 1772870400, 1793433600};
    for (size_t zi = 0; zi < 2; zi++) {
        for (size_t si = 0; si < 4; si++) {
            for (int64_t t = starts[si]; t < starts[si] + 3 * 86400; t += 900) {
                int64_t back;
                emb_err err;
                const char *s = value_format_instant(t, zones[zi], 1, &a);
                if (value_parse_instant(s, DATE_AUTO, NULL, zones[zi], &back, &err) != EMB_OK || back != t)
                    fail_msg("%lld -> \"%s\" -> %lld", (long long)t, s, (long long)back);
            }
            arena_reset(&a);
        }
    }
    arena_release(&a);
    tz_close(madrid);
    tz_close(ny);
    tz_close(utc);
}

static void detect(const char *const *v, size_t n, date_order want)
{
    date_order o = (date_order)-1;
    emb_err err;
    emb_err_clear(&err);
    if (value_detect_date_order(v, n, &o, &err) != EMB_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(o, want);
}

static void detect_refused(const char *const *v, size_t n, const char *needle)
{
    date_order o;
    emb_err err;
    emb_err_clear(&err);
    assert_int_equal(value_detect_date_order(v, n, &o, &err), EMB_INVALID);
    if (!strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void date_order_detection(void **state)
{
    (void)state;
    const char *superstore[] = {"11/8/2018", "11/8/2018", "6/12/2017", "10/11/2016", "12/31/2017", ""};
    detect(superstore, 6, DATE_MDY);
    const char *dmy[] = {"14/07/2026", "01/02/2026", NULL, "  "};
    detect(dmy, 4, DATE_DMY);
    const char *iso[] = {"2026-07-14", "", "2026-07-15 10:00"};
    detect(iso, 3, DATE_ISO);
    detect(NULL, 0, DATE_ISO);
    const char *same[] = {"05/05/2020", "2026-01-01"};
    detect(same, 2, DATE_DMY);
    const char *mixed_iso[] = {"2026-07-14", "7/14/2026 10:00"};
    detect(mixed_iso, 2, DATE_MDY);
    const char *ambiguous[] = {"01/02/2020", "03/04/2020"};
    detect_refused(ambiguous, 2, "\"01/02/2020\" could be day/month or month/day: give --date-format");
    const char *both[] = {"14/07/2026", "07/14/2026"};
    detect_refused(both, 2, "mix day/month (\"14/07/2026\") and month/day (\"07/14/2026\")");
}

/* Every Order Date and Ship Date of the real Superstore file is m/d/Y. */
static void superstore_is_mdy(void **state)
{
    (void)state;
    const char *dir = getenv("DATASETS");
    char path[512];
    snprintf(path, sizeof path, "%s/superstore/superstore.csv", dir ? dir : "data");
    FILE *f = fopen(path, "r");
    if (!f) /* the datasets are in the repository, under data/ */
        fail_msg("cannot read %s: the public datasets are missing", path);
    enum { MAX = 20000 };
    char **vals = calloc(MAX, sizeof *vals);
    size_t n = 0;
    char line[4096];
    fgets(line, sizeof line, f); /* header */
    while (n + 2 <= MAX && fgets(line, sizeof line, f)) {
        /* Row ID,Order ID,Order Date,Ship Date,...: the dates hold no comma or quote */
        char *p = line;
        for (int col = 0; col < 2; col++)
            p = strchr(p, ',') + 1;
        char *q = strchr(p, ',');
        vals[n++] = strndup(p, (size_t)(q - p));
        char *r = strchr(q + 1, ',');
        vals[n++] = strndup(q + 1, (size_t)(r - q - 1));
    }
    fclose(f);
    assert_int_equal(n, 2 * 9994);
    detect((const char *const *)vals, n, DATE_MDY);
    for (size_t i = 0; i < n; i++) {
        char out[11];
        emb_err err;
        assert_int_equal(value_parse_date(vals[i], DATE_MDY, NULL, out, &err), EMB_OK);
        free(vals[i]);
    }
    free(vals);
}

/* Northwind's float-noisy prices and discounts round to the exact decimals of
 * Microsoft's original script, line by line (2,155 lines). */
static void northwind_noise_rounds_to_exact(void **state)
{
    (void)state;
    const char *dir = getenv("DATASETS");
    char noisy_path[512], exact_path[512];
    snprintf(noisy_path, sizeof noisy_path, "%s/northwind/order_details.csv", dir ? dir : "data");
    snprintf(exact_path, sizeof exact_path, "%s/northwind/order_details_exact.csv", dir ? dir : "data");
    FILE *noisy = fopen(noisy_path, "r"), *exact = fopen(exact_path, "r");
    if (!noisy || !exact) {
        if (noisy)
            fclose(noisy);
        if (exact)
            fclose(exact);
        fail_msg("cannot read %s or %s: the public datasets are missing", noisy_path, exact_path);
    }
    char a[256], b[256];
    size_t lines = 0;
    assert_non_null(fgets(a, sizeof a, noisy));
    assert_non_null(fgets(b, sizeof b, exact));
    while (fgets(a, sizeof a, noisy) && fgets(b, sizeof b, exact)) {
        /* order_id,product_id,unit_price,quantity,discount */
        char *fa[5], *fb[5], *pa = a, *pb = b;
        for (int i = 0; i < 5; i++) {
            fa[i] = pa;
            fb[i] = pb;
            pa += strcspn(pa, ",\r\n");
            pb += strcspn(pb, ",\r\n");
            *pa++ = '\0';
            *pb++ = '\0';
        }
        int64_t p1, p2, d1, d2;
        emb_err err;
        assert_int_equal(value_parse_money(fa[2], NUM_AUTO, "USD", &p1, &err), EMB_OK);
        assert_int_equal(value_parse_money(fb[2], NUM_AUTO, "USD", &p2, &err), EMB_OK);
        assert_int_equal(value_parse_bp(fa[4], NUM_AUTO, &d1, &err), EMB_OK);
        assert_int_equal(value_parse_bp(fb[4], NUM_AUTO, &d2, &err), EMB_OK);
        if (p1 != p2 || d1 != d2)
            fail_msg("line %zu: %s/%s vs %s/%s", lines + 2, fa[2], fa[4], fb[2], fb[4]);
        lines++;
    }
    fclose(noisy);
    fclose(exact);
    assert_int_equal(lines, 2155);
}

static void limits_and_format_checks(void **state)
{
    (void)state;
    emb_err err;
    int64_t v;
    assert_int_equal(value_check_date_format("%d/%m/%Y", &err), EMB_OK);
    assert_int_equal(value_check_date_format("%d/%m/%Q", &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "unknown directive"));
    assert_int_equal(value_check_date_format("%H:%M", &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "needs a year"));
    /* instants keep a day of margin inside years 1..9999 */
    assert_int_equal(value_parse_instant("9999-12-31T12:00:00Z", DATE_AUTO, NULL, NULL, &v, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "out of range"));
    assert_int_equal(value_parse_instant("0001-01-01T12:00:00Z", DATE_AUTO, NULL, NULL, &v, &err), EMB_INVALID);
    assert_int_equal(value_parse_instant("9999-12-30T12:00:00Z", DATE_AUTO, NULL, NULL, &v, &err), EMB_OK);
    assert_int_equal(v, 253402171200LL);
    assert_int_equal(value_parse_instant("0001-01-02", DATE_AUTO, NULL, NULL, &v, &err), EMB_OK);
    assert_int_equal(v, -62135510400LL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decimals_round_half_away_from_zero),
        cmocka_unit_test(decimal_separators),
        cmocka_unit_test(decimal_separator_census),
        cmocka_unit_test(signs_currencies_and_spaces),
        cmocka_unit_test(huge_values_overflow),
        cmocka_unit_test(money_limit),
        cmocka_unit_test(currency_exponents),
        cmocka_unit_test(money_in_minor_units),
        cmocka_unit_test(basis_points),
        cmocka_unit_test(formatting_numbers),
        cmocka_unit_test(dates_free_forms),
        cmocka_unit_test(dates_with_formats),
        cmocka_unit_test(instants),
        cmocka_unit_test(formatting_instants),
        cmocka_unit_test(date_order_detection),
        cmocka_unit_test(superstore_is_mdy),
        cmocka_unit_test(northwind_noise_rounds_to_exact),
        cmocka_unit_test(limits_and_format_checks),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
