/*
 * fuzz_period.c - the period syntax and calendar arithmetic (period.c).
 *
 * Input: byte 0 gives the fiscal year's first month and the week start, bytes 1-2
 * a day offset for `today` (years 1946..2125), the rest is the text.
 * Properties: no crash; a period is non-empty and within years 1..9999; its
 * canonical text reads back as the same range without `today`; the previous
 * period ends where it starts and the year before is non-empty.
 */
#include "core/period.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    char buf[FUZZ_MAX_INPUT + 1];
    period_calendar cal = {.fiscal_year_start = data[0] % 13, .week_start = data[0] / 13 % 8};
    int64_t today = days_from_civil(2026, 1, 1) + (int16_t)(data[1] | data[2] << 8);
    const char *s = fuzz_text(data + 3, size - 3, buf);
    period_range r, again;
    char canon[PERIOD_TEXT_MAX];
    emb_err err;
    if (period_parse_text(s, &cal, today, &r, canon, &err) != EMB_OK) {
        FUZZ_CHECK(err.code == EMB_INVALID && strstr(err.msg, "FY2026-Q1"), "\"%s\": %s", s, err.msg);
        return 0;
    }
    FUZZ_CHECK(r.from < r.to, "\"%s\"", s);
    FUZZ_CHECK(r.from >= days_from_civil(1, 1, 1) && r.to <= days_from_civil(10000, 1, 1), "\"%s\"", s);
    FUZZ_CHECK(period_parse_text(canon, &cal, PERIOD_NO_TODAY, &again, NULL, &err) == EMB_OK, "\"%s\" -> \"%s\": %s",
               s, canon, err.msg);
    FUZZ_CHECK(again.from == r.from && again.to == r.to, "\"%s\" -> \"%s\"", s, canon);
    period_range p = period_previous(r);
    FUZZ_CHECK(p.to == r.from && p.from < p.to, "previous of \"%s\"", s);
    period_range y = period_year_before(r);
    FUZZ_CHECK(y.from < y.to && y.to <= r.to, "year before \"%s\"", s);
    char iso[11];
    int64_t d;
    date_format_iso(r.from, iso);
    FUZZ_CHECK(date_parse_iso(iso, &d) == 0 && d == r.from, "\"%s\" from %s", s, iso);
    return 0;
}
