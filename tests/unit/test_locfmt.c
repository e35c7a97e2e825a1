/* test_locfmt: numbers, money, percentages and dates as Spanish and English
 * readers write them (ICU, core/locfmt.h). Expected strings written by hand;
 * NBSP is U+00A0, which ICU puts between a number and "€" or "%" in Spanish. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/locfmt.h"

#define NBSP "\xc2\xa0"

typedef struct {
    locfmt *es, *en;
    arena a;
} fx;

static int setup(void **state)
{
    static fx f;
    emb_err err;
    if (locfmt_open("es", "Europe/Madrid", &f.es, &err) || locfmt_open("en", "America/New_York", &f.en, &err))
        return -1;
    arena_init(&f.a, 4096);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    locfmt_close(f->es);
    locfmt_close(f->en);
    arena_release(&f->a);
    return 0;
}

static void money(void **state)
{
    fx *f = *state;
    assert_string_equal(locfmt_money(f->es, 1000553400, "EUR", &f->a), "10.005.534,00" NBSP "€");
    assert_string_equal(locfmt_money(f->en, 1000553400, "USD", &f->a), "$10,005,534.00");
    assert_string_equal(locfmt_money(f->en, 1000553400, "EUR", &f->a), "€10,005,534.00");
    assert_string_equal(locfmt_money(f->es, -150, "EUR", &f->a), "-1,50" NBSP "€");
    assert_string_equal(locfmt_money(f->en, -150, "USD", &f->a), "-$1.50");
    /* the currency's own decimals: yen has none */
    assert_string_equal(locfmt_money(f->es, 123456, "JPY", &f->a), "123.456" NBSP "JPY");
    assert_string_equal(locfmt_money(f->en, 123456, "JPY", &f->a), "¥123,456");
    /* a currency change after another keeps each one's symbol */
    assert_string_equal(locfmt_money(f->es, 100, "USD", &f->a), "1,00" NBSP "US$");
    assert_string_equal(locfmt_money(f->es, 100, "EUR", &f->a), "1,00" NBSP "€");
    /* exact beyond doubles: 2^53 + 1 cents */
    assert_string_equal(locfmt_money(f->en, 9007199254740993LL, "USD", &f->a), "$90,071,992,547,409.93");
}

static void numbers(void **state)
{
    fx *f = *state;
    assert_string_equal(locfmt_int(f->es, 12345, &f->a), "12.345");
    assert_string_equal(locfmt_int(f->en, 12345, &f->a), "12,345");
    assert_string_equal(locfmt_int(f->es, 1234, &f->a), "1.234");
    assert_string_equal(locfmt_int(f->en, 1234, &f->a), "1,234");
    assert_string_equal(locfmt_int(f->es, -7, &f->a), "-7");
    assert_string_equal(locfmt_real(f->es, 12.25, 1, &f->a), "12,2");
    assert_string_equal(locfmt_real(f->en, 1234.5, 2, &f->a), "1,234.50");
    assert_string_equal(locfmt_decimal(f->es, "1234567.5", 0, 3, &f->a), "1.234.567,5");
}

static void percentages(void **state)
{
    fx *f = *state;
    assert_string_equal(locfmt_percent(f->es, 0.235, 1, 0, &f->a), "23,5" NBSP "%");
    assert_string_equal(locfmt_percent(f->en, 0.235, 1, 0, &f->a), "23.5%");
    assert_string_equal(locfmt_percent(f->en, 0.05, 1, 1, &f->a), "+5.0%");
    assert_string_equal(locfmt_percent(f->es, -0.125, 1, 1, &f->a), "-12,5" NBSP "%");
    assert_string_equal(locfmt_percent(f->en, 0, 1, 1, &f->a), "0.0%");
    assert_string_equal(locfmt_percent(f->en, 1.5, 0, 0, &f->a), "150%");
}

static void dates(void **state)
{
    fx *f = *state;
    assert_string_equal(locfmt_date(f->es, "2026-07-14", &f->a), "14 jul 2026");
    assert_string_equal(locfmt_date(f->en, "2026-07-14", &f->a), "Jul 14, 2026");
    assert_string_equal(locfmt_date(f->es, "1969-12-31", &f->a), "31 dic 1969");
    assert_string_equal(locfmt_date(f->en, "2024-02-29", &f->a), "Feb 29, 2024");
    assert_string_equal(locfmt_date(f->en, "2024-02-30", &f->a), "2024-02-30");
    assert_string_equal(locfmt_date(f->en, "soon", &f->a), "soon");
}

static void instants(void **state)
{
    fx *f = *state;
    /* 2026-07-14T08:30:00Z: 10:30 in Madrid (CEST), 4:30 in New York (EDT) */
    assert_string_equal(locfmt_instant(f->es, 1784017800, 0, &f->a), "14 jul 2026, 10:30");
    assert_string_equal(locfmt_instant(f->en, 1784017800, 0, &f->a), "Jul 14, 2026, 4:30" "\xe2\x80\xaf" "AM");
    assert_string_equal(locfmt_instant(f->es, 1784017800, 1, &f->a), "14 jul 2026");
    /* 2026-01-01T00:30:00Z is still 31 December in New York */
    assert_string_equal(locfmt_instant(f->en, 1767227400, 1, &f->a), "Dec 31, 2025");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money),
        cmocka_unit_test(numbers),
        cmocka_unit_test(percentages),
        cmocka_unit_test(dates),
        cmocka_unit_test(instants),
    };
    return cmocka_run_group_tests_name("locfmt", tests, setup, teardown);
}
