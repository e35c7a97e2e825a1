/* test_value_field.c - value_parse_field / value_format_field for every field type,
 * periods and goal targets, on the real field tables of kind.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/value.h"

static const field_def *field(const char *kind, const char *name)
{
    const kind_def *k = kind_find(kind);
    assert_non_null(k);
    const field_def *f = kind_field(k, name);
    assert_non_null(f);
    return f;
}

typedef struct {
    arena a;
    parse_opts opts;
    tz *madrid;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    arena_init(&fx.a, 0);
    emb_err err;
    assert_int_equal(tz_open("Europe/Madrid", &fx.madrid, &err), EMB_OK);
    fx.opts = (parse_opts){.zone = fx.madrid, .currency = "EUR"};
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    arena_release(&fx->a);
    tz_close(fx->madrid);
    return 0;
}

static field_value parse_ok(fixture *fx, const field_def *f, const char *text, const char *currency)
{
    field_value v;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_field(f, text, &fx->opts, currency, &fx->a, &v, &err) != EMB_OK)
        fail_msg("%s \"%s\": %s", f->name, text, err.msg);
    assert_int_equal(v.state, FV_SET);
    return v;
}

static void text_is(fixture *fx, const field_def *f, const char *text, const char *want)
{
    field_value v = parse_ok(fx, f, text, NULL);
    if (!v.s || strcmp(v.s, want))
        fail_msg("%s \"%s\": got \"%s\", want \"%s\"", f->name, text, v.s ? v.s : "(null)", want);
}

static void int_is(fixture *fx, const field_def *f, const char *text, const char *currency, int64_t want)
{
    field_value v = parse_ok(fx, f, text, currency);
    if (v.i != want)
        fail_msg("%s \"%s\": got %lld, want %lld", f->name, text, (long long)v.i, (long long)want);
}

static void refused(fixture *fx, const field_def *f, const char *text, const char *needle)
{
    field_value v;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_field(f, text, &fx->opts, NULL, &fx->a, &v, &err) == EMB_OK)
        fail_msg("%s \"%s\" was accepted", f->name, text);
    if (!strstr(err.msg, needle))
        fail_msg("%s \"%s\": message \"%s\" lacks \"%s\"", f->name, text, err.msg, needle);
}

static void blank_is_null(void **state)
{
    fixture *fx = *state;
    const field_def *fs[] = {field("deals", "title"), field("deals", "amount"), field("deals", "created"),
                             field("leads", "status"), field("rates", "rate"), field("goals", "period")};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        const char *blanks[] = {"", "   ", "\t", NULL};
        for (size_t j = 0; j < 4; j++) {
            field_value v = {FV_SET, 7, "x"};
            emb_err err;
            assert_int_equal(value_parse_field(fs[i], blanks[j], &fx->opts, NULL, &fx->a, &v, &err), EMB_OK);
            assert_int_equal(v.state, FV_NULL);
        }
    }
}

static void text_fields(void **state)
{
    fixture *fx = *state;
    const field_def *f = field("deals", "title");
    text_is(fx, f, "  Acme renewal  ", "Acme renewal");
    text_is(fx, f, "Señal \xe2\x82\xac 5", "Señal € 5");
    text_is(fx, f, "a\tb", "a\tb");
    text_is(fx, f, "line 1\nline 2", "line 1\nline 2");
    text_is(fx, f, "\xc2\xa0" "nbsp\xc2\xa0", "nbsp");
    refused(fx, f, "caf\xe9", "not valid UTF-8 (byte 4)");     /* Latin-1 é */
    refused(fx, f, "\xc0\xaf", "not valid UTF-8");             /* overlong '/' */
    refused(fx, f, "\xed\xa0\x80", "not valid UTF-8");         /* a surrogate */
    refused(fx, f, "bell\x07", "control character U+0007");
    refused(fx, f, "del\x7f", "control character U+007F");
    refused(fx, f, "c1\xc2\x85", "control character U+0085");
}

static void integers(void **state)
{
    fixture *fx = *state;
    const field_def *f = field("order_lines", "quantity");
    int_is(fx, f, "12", NULL, 12);
    int_is(fx, f, "12.0", NULL, 12);
    int_is(fx, f, "12,000", NULL, 12000);
    int_is(fx, f, "1.234.567", NULL, 1234567);
    int_is(fx, f, "-3", NULL, -3);
    int_is(fx, f, " +4 ", NULL, 4);
    refused(fx, f, "12.5", "\"12.5\" is not a whole number");
    refused(fx, f, "1.234", "whole number");   /* a single dot is decimal in NUM_AUTO */
    refused(fx, f, "$12", "not a number");
    refused(fx, f, "1e3", "scientific");
    refused(fx, f, "twelve", "not a number");
    refused(fx, f, "99999999999999999999", "too large");
    fx->opts.numbers = NUM_COMMA;
    int_is(fx, f, "1.234", NULL, 1234);
    fx->opts.numbers = NUM_AUTO;
}

static void booleans(void **state)
{
    fixture *fx = *state;
    const field_def *f = field("users", "active");
    const char *yes[] = {"1", "yes", "YES", "y", "true", "True", "t", "si", "sí", "SÍ", "verdadero", "x", "on"};
    const char *no[] = {"0", "no", "NO", "n", "false", "FALSE", "f", "falso", "off"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        int_is(fx, f, yes[i], NULL, 1);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        int_is(fx, f, no[i], NULL, 0);
    refused(fx, f, "maybe", "\"maybe\" is not yes or no");
    refused(fx, f, "2", "not yes or no");
}

static void enumerations(void **state)
{
    fixture *fx = *state;
    const field_def *status = field("leads", "status");
    text_is(fx, status, "new", "new");
    text_is(fx, status, "NEW", "new");
    text_is(fx, status, "Nuevo", "new");
    text_is(fx, status, "contactado", "contacted");
    text_is(fx, status, "MQL", "mql");
    text_is(fx, status, "convertido", "converted");
    text_is(fx, status, "Descalificado", "disqualified");
    refused(fx, status, "bogus", "unknown value \"bogus\": use one of new, contacted, mql, sql, converted, disqualified");
    const field_def *type = field("activities", "type");
    text_is(fx, type, "Llamada", "call");
    text_is(fx, type, "E-mail", "email");
    text_is(fx, type, "correo", "email");
    text_is(fx, type, "Correo electrónico", "email");
    text_is(fx, type, "Reunión", "meeting");
    text_is(fx, type, "REUNION", "meeting");
    text_is(fx, type, "tarea", "task");
    text_is(fx, type, "Nota", "note");
    refused(fx, type, "nuevo", "use one of call, email, meeting, task, note"); /* another field's word */
    const field_def *outcome = field("activities", "outcome");
    text_is(fx, outcome, "No answer", "no_answer");
    text_is(fx, outcome, "no-answer", "no_answer");
    text_is(fx, outcome, " NO  ANSWER ", "no_answer");
    text_is(fx, outcome, "sin respuesta", "no_answer");
    text_is(fx, outcome, "Conectada", "connected");
    text_is(fx, outcome, "abierto", "opened");
    text_is(fx, outcome, "Cancelada", "cancelled");
    text_is(fx, outcome, "canceled", "cancelled");
    const field_def *kind = field("stages", "kind");
    text_is(fx, kind, "Ganado", "won");
    text_is(fx, kind, "Closed Won", "won");
    text_is(fx, kind, "closed-lost", "lost");
    text_is(fx, kind, "abierto", "open");
    const field_def *role = field("users", "role");
    text_is(fx, role, "Vendedor", "rep");
    text_is(fx, role, "Administrador", "admin");
    const field_def *scope = field("goals", "scope");
    text_is(fx, scope, "Equipo", "team");
    text_is(fx, scope, "organización", "org");
    const field_def *fc = field("deals", "forecast_category");
    text_is(fx, fc, "Best Case", "best_case");
    text_is(fx, fc, "best-case", "best_case");
    char long_word[200];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    refused(fx, status, long_word, "unknown value");
}

static void money_rates_and_shares(void **state)
{
    fixture *fx = *state;
    const field_def *amount = field("deals", "amount");
    int_is(fx, amount, "1.234,56", NULL, 123456);          /* org currency EUR */
    int_is(fx, amount, "1234.5", "JPY", 1235);             /* the record's currency wins */
    int_is(fx, amount, "€ 10", NULL, 1000);
    refused(fx, amount, "$ 10 CAD", "not a number");
    const field_def *price = field("order_lines", "unit_price");
    int_is(fx, price, "9.80000019", "USD", 980);
    const field_def *discount = field("order_lines", "discount");
    int_is(fx, discount, "0.15", NULL, 1500);
    int_is(fx, discount, "15%", NULL, 1500);
    int_is(fx, discount, "0.25", NULL, 2500);
    refused(fx, discount, "120%", "above 100 %");
    const field_def *rate = field("rates", "rate");
    int_is(fx, rate, "1.08", NULL, 1080000000);
    int_is(fx, rate, "0,000123456789", NULL, 123457);
    int_is(fx, rate, "145", NULL, 145000000000);
    refused(fx, rate, "0", "must be above 0");
    refused(fx, rate, "-1.1", "must be above 0");
    refused(fx, rate, "0.0000000004", "must be above 0");
    refused(fx, rate, "€1", "not a number");
}

static void currencies(void **state)
{
    fixture *fx = *state;
    const field_def *f = field("deals", "currency");
    text_is(fx, f, "eur", "EUR");
    text_is(fx, f, " Usd ", "USD");
    text_is(fx, f, "€", "EUR");
    text_is(fx, f, "$", "USD");
    text_is(fx, f, "US$", "USD");
    text_is(fx, f, "£", "GBP");
    text_is(fx, f, "R$", "BRL");
    refused(fx, f, "EURO", "\"EURO\" is not a currency");
    refused(fx, f, "E1R", "not a currency");
    refused(fx, f, "¥", "not a currency");
}

static void instants_and_dates(void **state)
{
    fixture *fx = *state;
    const field_def *created = field("deals", "created");
    int_is(fx, created, "2026-07-14", NULL, 1783980000);
    int_is(fx, created, "2026-07-14T10:30:15Z", NULL, 1784025015);
    fx->opts.dates = DATE_MDY;
    int_is(fx, created, "7/14/2026", NULL, 1783980000);
    fx->opts.dates = DATE_AUTO;
    fx->opts.date_format = "%d.%m.%Y";
    int_is(fx, created, "14.07.2026", NULL, 1783980000);
    refused(fx, created, "2026-07-14", "does not match");
    fx->opts.date_format = NULL;
    const field_def *close = field("deals", "expected_close");
    text_is(fx, close, "2026-7-4", "2026-07-04");
    text_is(fx, close, "31/12/2026", "2026-12-31");
    refused(fx, close, "2026-02-30", "28 days");
}

static void periods(void **state)
{
    fixture *fx = *state;
    const field_def *f = field("goals", "period");
    text_is(fx, f, "2026-q3", "2026-Q3");
    text_is(fx, f, "fy2026", "FY2026");
    text_is(fx, f, "2026-w5", "2026-W05");
    refused(fx, f, "this-month", "relative to today");
    fx->opts.now = 1783980000 + 3600; /* 2026-07-13T23:00Z: already 2026-07-14 in Madrid */
    text_is(fx, f, "today", "2026-07-14");
    text_is(fx, f, "this-month", "2026-07");
    period_calendar april = {.fiscal_year_start = 4, .week_start = 1};
    fx->opts.calendar = &april;
    text_is(fx, f, "this-fiscal-year", "FY2027");
    const char *canon;
    period_range r;
    emb_err err;
    assert_int_equal(value_parse_period("FY2026-Q1", &fx->opts, &fx->a, &canon, &r, &err), EMB_OK);
    assert_string_equal(canon, "FY2026-Q1");
    char from[11], to[11];
    date_format_iso(r.from, from);
    date_format_iso(r.to, to);
    assert_string_equal(from, "2025-04-01");
    assert_string_equal(to, "2025-07-01");
    fx->opts.calendar = NULL;
    fx->opts.now = 0;
    refused(fx, f, "2026-Q5", "Q1..Q4");
}

static void target_is(fixture *fx, const char *metric, const char *text, int64_t want)
{
    int64_t v = -1;
    emb_err err;
    emb_err_clear(&err);
    if (value_parse_target(metric, text, &fx->opts, &v, &err) != EMB_OK)
        fail_msg("%s \"%s\": %s", metric, text, err.msg);
    if (v != want)
        fail_msg("%s \"%s\": got %lld, want %lld", metric, text, (long long)v, (long long)want);
    /* formatting reads back */
    int64_t back = -1;
    const char *s = value_format_target(metric, v, fx->opts.currency, &fx->a);
    assert_int_equal(value_parse_target(metric, s, &fx->opts, &back, &err), EMB_OK);
    assert_int_equal(back, v);
}

static void targets(void **state)
{
    fixture *fx = *state;
    assert_int_equal(value_target_unit("revenue_won"), TARGET_MONEY);
    assert_int_equal(value_target_unit("revenue"), TARGET_MONEY);
    assert_int_equal(value_target_unit("gross_profit"), TARGET_MONEY);
    assert_int_equal(value_target_unit("cost_per_lead"), TARGET_MONEY);
    assert_int_equal(value_target_unit("weighted_pipeline"), TARGET_MONEY);
    assert_int_equal(value_target_unit("win_rate"), TARGET_BP);
    assert_int_equal(value_target_unit("gross_margin"), TARGET_BP);
    assert_int_equal(value_target_unit("goal_attainment"), TARGET_BP);
    assert_int_equal(value_target_unit("call_connect_rate"), TARGET_BP);
    assert_int_equal(value_target_unit("deals_won"), TARGET_COUNT);
    assert_int_equal(value_target_unit("calls"), TARGET_COUNT);
    assert_int_equal(value_target_unit(NULL), TARGET_COUNT);
    target_is(fx, "revenue_won", "1.500.000,50", 150000050);
    target_is(fx, "revenue_won", "€250,000", 25000000);
    target_is(fx, "win_rate", "30%", 3000);
    target_is(fx, "win_rate", "0.3", 3000);
    target_is(fx, "gross_margin", "35", 3500);
    target_is(fx, "deals_won", "12", 12);
    target_is(fx, "deals_won", "1,200", 1200);
    target_is(fx, "calls", "40.0", 40);
    int64_t v;
    emb_err err;
    assert_int_equal(value_parse_target("deals_won", "12.5", &fx->opts, &v, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "whole number"));
    assert_int_equal(value_parse_target("revenue_won", "-5", &fx->opts, &v, &err), EMB_INVALID);
    assert_non_null(strstr(err.msg, "negative"));
    assert_int_equal(value_parse_target("deals_won", "-5", &fx->opts, &v, &err), EMB_INVALID);
    /* the field keeps the text for the caller to convert */
    const field_def *f = field("goals", "target");
    text_is(fx, f, " 1.500,50 ", "1.500,50");
    refused(fx, f, "-3", "negative");
    refused(fx, f, "lots", "not a number");
}

/* Formatting a parsed value and parsing it again gives the same value: export then
 * import keeps every field. */
static void format_is_inverse_of_parse(void **state)
{
    fixture *fx = *state;
    struct {
        const char *kind, *field, *text, *currency, *shown;
    } cases[] = {
        {"deals", "title", "  Big deal ", NULL, "Big deal"},
        {"deals", "amount", "1.234,5", "EUR", "1234.50"},
        {"deals", "amount", "1234.5", "JPY", "1235"},
        {"deals", "amount", "-0.5", "USD", "-0.50"},
        {"deals", "probability", "35%", NULL, "0.35"},
        {"order_lines", "discount", "0.125", NULL, "0.125"},
        {"deals", "created", "2026-07-14", NULL, "2026-07-14"},
        {"deals", "created", "2026-07-14 10:30", NULL, "2026-07-14T10:30:00+02:00"},
        {"deals", "created", "2026-01-14T10:30:00Z", NULL, "2026-01-14T11:30:00+01:00"},
        {"deals", "created", "2026-10-25 02:30+01:00", NULL, "2026-10-25T02:30:00+01:00"},
        {"deals", "expected_close", "14/07/2026", NULL, "2026-07-14"},
        {"users", "active", "sí", NULL, "1"},
        {"users", "active", "no", NULL, "0"},
        {"leads", "status", "Convertido", NULL, "converted"},
        {"deals", "currency", "€", NULL, "EUR"},
        {"rates", "rate", "1,0825", NULL, "1.0825"},
        {"rates", "rate", "0.000000001", NULL, "0.000000001"},
        {"order_lines", "quantity", "1,000", NULL, "1000"},
        {"goals", "period", "fy2026-q2", NULL, "FY2026-Q2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const field_def *f = field(cases[i].kind, cases[i].field);
        field_value v = parse_ok(fx, f, cases[i].text, cases[i].currency);
        const char *cur = cases[i].currency ? cases[i].currency : "EUR";
        const char *s = value_format_field(f, &v, cur, fx->madrid, &fx->a);
        if (strcmp(s, cases[i].shown))
            fail_msg("%s \"%s\": formatted \"%s\", want \"%s\"", f->name, cases[i].text, s, cases[i].shown);
        field_value w = parse_ok(fx, f, s, cases[i].currency);
        assert_int_equal(w.i, v.i);
        if (v.s)
            assert_string_equal(w.s, v.s);
    }
    field_value null = {FV_NULL, 0, NULL};
    assert_string_equal(value_format_field(field("deals", "amount"), &null, "EUR", fx->madrid, &fx->a), "");
    field_value target = {FV_SET, 150000050, NULL};
    assert_string_equal(value_format_field(field("goals", "target"), &target, "EUR", fx->madrid, &fx->a),
                        "150000050");
}

/* Dates that fit both orders follow the convention of the organisation's locale
 * (es: day-first, en: month-first); with none they are refused; values that decide
 * by themselves, or that mix the orders, do as before. */
static void dates_by_locale(void **state)
{
    (void)state;
    assert_int_equal(value_locale_date_order("es"), DATE_AUTO_DMY);
    assert_int_equal(value_locale_date_order("en"), DATE_AUTO_MDY);
    assert_int_equal(value_locale_date_order("fr"), DATE_AUTO);
    char d[11];
    emb_err err;
    emb_err_clear(&err);
    assert_int_equal(value_parse_date("03/02/2024", DATE_AUTO_DMY, NULL, d, &err), EMB_OK);
    assert_string_equal(d, "2024-02-03");
    assert_int_equal(value_parse_date("03/02/2024", DATE_AUTO_MDY, NULL, d, &err), EMB_OK);
    assert_string_equal(d, "2024-03-02");
    assert_int_equal(value_parse_date("13/02/2024", DATE_AUTO_MDY, NULL, d, &err), EMB_OK); /* decides itself */
    assert_string_equal(d, "2024-02-13");
    assert_int_equal(value_parse_date("03/02/2024", DATE_AUTO, NULL, d, &err), EMB_INVALID);
    const char *amb[] = {"03/02/2024", "05/06/2024"}, *mixed[] = {"13/02/2024", "02/13/2024"},
               *dmy[] = {"13/02/2024", "03/02/2024"};
    date_order o;
    int by;
    assert_int_equal(value_detect_date_order_by(amb, 2, DATE_AUTO_DMY, &o, &by, &err), EMB_OK);
    assert_true(o == DATE_DMY && by == 1);
    assert_int_equal(value_detect_date_order_by(amb, 2, DATE_AUTO_MDY, &o, &by, &err), EMB_OK);
    assert_true(o == DATE_MDY && by == 1);
    assert_int_equal(value_detect_date_order_by(dmy, 2, DATE_AUTO_MDY, &o, &by, &err), EMB_OK);
    assert_true(o == DATE_DMY && by == 0);
    assert_int_equal(value_detect_date_order_by(amb, 2, DATE_AUTO, &o, &by, &err), EMB_INVALID);
    assert_int_equal(value_detect_date_order_by(mixed, 2, DATE_AUTO_DMY, &o, &by, &err), EMB_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blank_is_null),       cmocka_unit_test(text_fields),
        cmocka_unit_test(integers),            cmocka_unit_test(booleans),
        cmocka_unit_test(enumerations),        cmocka_unit_test(money_rates_and_shares),
        cmocka_unit_test(currencies),          cmocka_unit_test(instants_and_dates),
        cmocka_unit_test(periods),             cmocka_unit_test(targets),
        cmocka_unit_test(format_is_inverse_of_parse), cmocka_unit_test(dates_by_locale),
    };
    return cmocka_run_group_tests_name("value_field", tests, setup, teardown);
}
