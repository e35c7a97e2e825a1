/* test_tz.c - time zones: names, offsets, DST gaps and overlaps, against values
 * computed independently (Python's zoneinfo, GNU date) and glibc's tzdata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/period.h"
#include "core/tz.h"

static tz *open_zone(const char *name)
{
    tz *z = NULL;
    emb_err err;
    emb_err_clear(&err);
    assert_int_equal(tz_open(name, &z, &err), EMB_OK);
    assert_non_null(z);
    return z;
}

static void unknown_zones_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {"Europe/Madird", "", "GMT+2", "Mars/Olympus", "Europe/Madrid ", "../../etc/passwd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tz *z = (tz *)1;
        emb_err err;
        emb_err_clear(&err);
        assert_int_equal(tz_open(bad[i], &z, &err), EMB_INVALID);
        assert_null(z);
        assert_non_null(strstr(err.msg, "unknown time zone"));
        assert_non_null(strstr(err.msg, "Europe/Madrid")); /* says what to use */
    }
    emb_err err;
    tz *z;
    tz_open("Europe/Madird", &z, &err);
    assert_non_null(strstr(err.msg, "\"Europe/Madird\""));
}

static void names_are_matched_case_insensitively(void **state)
{
    (void)state;
    tz *z = open_zone("europe/madrid");
    assert_string_equal(tz_name(z), "Europe/Madrid");
    tz_close(z);
    z = open_zone("UTC");
    assert_string_equal(tz_name(z), "UTC");
    assert_int_equal(tz_offset_at(z, 1784025015), 0);
    assert_int_equal(tz_local_to_utc(z, 1784025015), 1784025015);
    tz_close(z);
}

static void madrid_offsets_and_transitions(void **state)
{
    (void)state;
    tz *z = open_zone("Europe/Madrid");
    assert_int_equal(tz_offset_at(z, 1768478400), 3600); /* 2026-01-15T12:00Z, CET */
    assert_int_equal(tz_offset_at(z, 1784116800), 7200); /* 2026-07-15T12:00Z, CEST */
    /* spring forward 2026-03-29T01:00:00Z = 1774746000 */
    assert_int_equal(tz_offset_at(z, 1774746000 - 1), 3600);
    assert_int_equal(tz_offset_at(z, 1774746000), 7200);
    /* fall back 2026-10-25T01:00:00Z = 1792890000 */
    assert_int_equal(tz_offset_at(z, 1792890000 - 1), 7200);
    assert_int_equal(tz_offset_at(z, 1792890000), 3600);
    assert_int_equal(tz_utc_to_local(z, 1784017815), 1784017815 + 7200);
    /* 2300-07-15T12:00Z: beyond the table, ICU's rules still say CEST */
    assert_int_equal(tz_offset_at(z, 10430683200LL), 7200);
    /* 1850: local mean time of Madrid, -0:14:44 */
    assert_int_equal(tz_offset_at(z, -3771187200LL), -884);
    /* The span of an offset: summer 2026 runs from the spring transition to the fall one. */
    int64_t from, to;
    assert_int_equal(tz_offset_span(z, 1784116800, &from, &to), 7200);
    assert_int_equal(from, 1774746000);
    assert_int_equal(to, 1792890000);
    assert_int_equal(tz_offset_span(z, 1792890000, &from, &to), 3600); /* starts at its own first instant */
    assert_int_equal(from, 1792890000);
    /* The local day of an instant: 2026-03-31T22:30Z is already April 1st in Madrid. */
    assert_int_equal(tz_local_day(z, 1774996200), days_from_civil(2026, 4, 1));
    assert_int_equal(tz_local_day(z, 1774996200 - 3600), days_from_civil(2026, 3, 31));
    assert_int_equal(day_of_seconds(-1), -1);
    assert_int_equal(day_of_seconds(-86400), -1);
    assert_int_equal(day_of_seconds(86399), 0);
    /* Beyond the table: a span of one second. */
    assert_int_equal(tz_offset_span(z, 10430683200LL, &from, &to), 7200);
    assert_int_equal(from, 10430683200LL);
    assert_int_equal(to, 10430683201LL);
    tz_close(z);
}

static void madrid_gap_and_overlap(void **state)
{
    (void)state;
    tz *z = open_zone("Europe/Madrid");
    int64_t day = 1774742400; /* 2026-03-29T00:00:00 as wall-clock seconds */
    /* 01:59:59 CET is 00:59:59Z; 02:30 does not exist: moved forward to 03:30 CEST = 01:30Z */
    assert_int_equal(tz_local_to_utc(z, day + 1 * 3600 + 3599), 1774745999);
    assert_int_equal(tz_local_to_utc(z, day + 2 * 3600 + 1800), 1774747800);
    assert_int_equal(tz_local_to_utc(z, day + 2 * 3600), 1774746000);
    assert_int_equal(tz_local_to_utc(z, day + 3 * 3600), 1774746000);
    /* 2026-10-25 02:30 happens twice: the earlier (CEST, 00:30Z) wins */
    int64_t oct = 1792886400; /* 2026-10-25T00:00:00 wall clock */
    assert_int_equal(tz_local_to_utc(z, oct + 2 * 3600 + 1800), 1792888200);
    assert_int_equal(tz_local_to_utc(z, oct + 3 * 3600), 1792893600); /* 03:00 CET = 02:00Z */
    assert_int_equal(tz_local_to_utc(z, oct + 1 * 3600 + 3599), 1792886399); /* 01:59:59 CEST */
    tz_close(z);
}

static void new_york_gap_and_overlap(void **state)
{
    (void)state;
    tz *z = open_zone("America/New_York");
    assert_int_equal(tz_offset_at(z, 1772953200 - 1), -18000); /* 2026-03-08T07:00Z spring forward */
    assert_int_equal(tz_offset_at(z, 1772953200), -14400);
    assert_int_equal(tz_offset_at(z, 1793512800 - 1), -14400); /* 2026-11-01T06:00Z fall back */
    assert_int_equal(tz_offset_at(z, 1793512800), -18000);
    int64_t mar8 = 1772928000; /* 2026-03-08T00:00:00 wall clock */
    assert_int_equal(tz_local_to_utc(z, mar8 + 2 * 3600 + 1800), 1772955000); /* 02:30 -> 03:30 EDT */
    int64_t nov1 = 1793491200; /* 2026-11-01T00:00:00 wall clock */
    assert_int_equal(tz_local_to_utc(z, nov1 + 1 * 3600 + 1800), 1793511000); /* 01:30 EDT, the earlier */
    assert_int_equal(tz_local_to_utc(z, nov1 + 2 * 3600), 1793512800 + 3600); /* 02:00 EST */
    assert_int_equal(tz_local_to_utc(z, 836438400), 836452800); /* 1996-07-04 midnight EDT */
    tz_close(z);
}

static void half_hour_zones(void **state)
{
    (void)state;
    tz *z = open_zone("Asia/Kolkata");
    assert_int_equal(tz_offset_at(z, 1784025015), 19800);
    assert_int_equal(tz_local_to_utc(z, 1784005200), 1783985400); /* 2026-07-14 05:00 IST */
    tz_close(z);
    z = open_zone("Australia/Lord_Howe"); /* +10:30, +11:00 in summer: a 30-minute DST */
    assert_int_equal(tz_offset_at(z, 1784025015), 37800);
    assert_int_equal(tz_offset_at(z, 1768478400), 39600);
    tz_close(z);
}

/* The table agrees with glibc's own tzdata every three hours from 1970 to 2037, and
 * local_to_utc inverts utc_to_local except for the later half of an overlap. */
static void agrees_with_glibc(void **state)
{
    (void)state;
    const char *zones[] = {"Europe/Madrid", "America/New_York", "Australia/Sydney", "Europe/London",
                           "America/Sao_Paulo", "Asia/Tokyo"};
    const char *old_tz = getenv("TZ");
    char *saved = old_tz ? strdup(old_tz) : NULL;
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        setenv("TZ", zones[i], 1);
        tzset();
        tz *z = open_zone(zones[i]);
        for (int64_t u = 0; u < 2145916800; u += 3 * 3600 + 17) {
            time_t t = (time_t)u;
            struct tm tm;
            localtime_r(&t, &tm);
            int32_t off = tz_offset_at(z, u);
            if (off != tm.tm_gmtoff)
                fail_msg("%s at %lld: ours %d, glibc %ld", zones[i], (long long)u, off, tm.tm_gmtoff);
            int64_t local = tz_utc_to_local(z, u);
            int64_t back = tz_local_to_utc(z, local);
            if (back != u && !(back < u && tz_utc_to_local(z, back) == local))
                fail_msg("%s: local_to_utc(utc_to_local(%lld)) = %lld", zones[i], (long long)u, (long long)back);
        }
        tz_close(z);
    }
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* A cache gives one shared zone per name, the same as tz_open()'s, and refuses
 * an unknown name without keeping anything. */
static void cache_shares_zones(void **state)
{
    (void)state;
    tz_cache *c = tz_cache_new();
    assert_non_null(c);
    const tz *a, *b, *n;
    emb_err err;
    assert_int_equal(tz_cache_get(c, "Europe/Madrid", &a, &err), EMB_OK);
    assert_int_equal(tz_cache_get(c, "America/New_York", &n, &err), EMB_OK);
    assert_int_equal(tz_cache_get(c, "Europe/Madrid", &b, &err), EMB_OK);
    assert_ptr_equal(a, b);
    assert_ptr_not_equal(a, n);
    assert_string_equal(tz_name(n), "America/New_York");
    /* 2026-07-01T12:00:00Z: Madrid +02:00, New York -04:00 */
    assert_int_equal(tz_offset_at(a, 1782907200), 7200);
    assert_int_equal(tz_offset_at(n, 1782907200), -14400);
    assert_int_equal(tz_cache_get(c, "Mars/Olympus", &b, &err), EMB_INVALID);
    assert_null(b);
    for (int i = 0; i < 6; i++) /* past the first growth of the table */
        assert_int_equal(tz_cache_get(c, (const char *[]){"UTC", "Asia/Tokyo", "Europe/London", "Asia/Kolkata",
                                                            "Australia/Sydney", "America/Bogota"}[i],
                                      &b, &err),
                         EMB_OK);
    assert_int_equal(tz_cache_get(c, "Europe/Madrid", &b, &err), EMB_OK);
    assert_ptr_equal(a, b);
    tz_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_zones_are_refused),
        cmocka_unit_test(names_are_matched_case_insensitively),
        cmocka_unit_test(madrid_offsets_and_transitions),
        cmocka_unit_test(madrid_gap_and_overlap),
        cmocka_unit_test(new_york_gap_and_overlap),
        cmocka_unit_test(half_hour_zones),
        cmocka_unit_test(agrees_with_glibc),
        cmocka_unit_test(cache_shares_zones),
    };
    return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
