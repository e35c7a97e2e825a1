/*
 * demo_cal.c - calendar days, the Europe/Madrid clock and business hours for the
 * demo. The company works Monday to Friday, 08:30 to 19:00 local time; the zone
 * rule is the EU one (CET, and CEST from the last Sunday of March to the last
 * Sunday of October at 01:00 UTC), computed here so that the demo does not depend
 * on the machine's time zone data.
 */
#include "demo/demo_int.h"

#include <stdio.h>

enum { OPEN_SECS = 8 * 3600 + 1800, CLOSE_SECS = 19 * 3600 };

/* Howard Hinnant's algorithms, proleptic Gregorian calendar, day 0 = 1970-01-01. */
int64_t demo_days_from_civil(int y, int m, int d)
{
    int64_t yy = y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void demo_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int demo_weekday(int64_t days)
{
    int64_t r = (days % 7 + 7) % 7; /* day 0 was a Thursday */
    return (int)((r + 3) % 7) + 1;
}

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

static int64_t last_sunday(int y, int m)
{
    int64_t last = demo_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
    return last - demo_weekday(last) % 7;
}

int demo_madrid_offset(int64_t utc)
{
    int y, m, d;
    demo_civil_from_days(floor_div(utc, DAY), &y, &m, &d);
    int64_t on = last_sunday(y, 3) * DAY + 3600, off = last_sunday(y, 10) * DAY + 3600;
    return utc >= on && utc < off ? 7200 : 3600;
}

int64_t demo_local_day(int64_t utc) { return floor_div(utc + demo_madrid_offset(utc), DAY); }

int64_t demo_local_to_utc(int64_t day, int64_t secs)
{
    int64_t local = day * DAY + secs;
    int off = demo_madrid_offset(local - 3600);
    if (demo_madrid_offset(local - off) != off)
        off = demo_madrid_offset(local - off);
    return local - off;
}

static int64_t next_workday(int64_t day)
{
    int wd = demo_weekday(day);
    return wd >= 6 ? day + 8 - wd : day;
}

int64_t demo_business(demo_rng *r, int64_t utc)
{
    int64_t local = utc + demo_madrid_offset(utc);
    int64_t day = floor_div(local, DAY), secs = local - day * DAY;
    if (demo_weekday(day) >= 6) {
        day = next_workday(day);
        secs = OPEN_SECS + demo_rng_range(r, 0, 2 * 3600);
    } else if (secs < OPEN_SECS) {
        secs = OPEN_SECS + demo_rng_range(r, 0, 5400);
    } else if (secs >= CLOSE_SECS) {
        day = next_workday(day + 1);
        secs = OPEN_SECS + demo_rng_range(r, 0, 2 * 3600);
    } else {
        return utc;
    }
    return demo_local_to_utc(day, secs);
}

int64_t demo_business_on(demo_rng *r, int64_t day)
{
    return demo_local_to_utc(next_workday(day), OPEN_SECS + demo_rng_range(r, 0, CLOSE_SECS - OPEN_SECS - 60));
}

void demo_date(int64_t day, char out[11])
{
    int y, m, d;
    demo_civil_from_days(day, &y, &m, &d);
    y = y < 0 ? 0 : y % 10000;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int64_t demo_month_of_day(int64_t day)
{
    int y, m, d;
    demo_civil_from_days(day, &y, &m, &d);
    return ((int64_t)y - 1970) * 12 + (m - 1);
}

int64_t demo_month_first_day(int64_t month)
{
    int64_t y = 1970 + floor_div(month, 12);
    int m = (int)(month - floor_div(month, 12) * 12) + 1;
    return demo_days_from_civil((int)y, m, 1);
}

int demo_month_season(int month)
{
    static const int season[12] = {95, 100, 108, 100, 104, 102, 84, 45, 100, 106, 104, 78};
    return month >= 1 && month <= 12 ? season[month - 1] : 100;
}
