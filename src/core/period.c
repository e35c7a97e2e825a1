/*
 * period.c - civil calendar arithmetic (days since 1970-01-01, proleptic
 * Gregorian) and the period syntax of period.h.
 *
 * The civil conversions follow Howard Hinnant's "chrono-compatible low-level date
 * algorithms" (eras of 400 years), exact for every int64 day in the documented
 * range. Parsing is hand-written and bounded: the text is at most 64 bytes after
 * trimming, so nothing here allocates.
 */
#include "core/period.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"

#define TEXT_MAX 64 /* longer texts are no period */

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                         /* [0, 399] */
    int64_t mp = (month + 9) % 12;                                       /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;                          /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                 /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int date_parse_iso(const char *s, int64_t *days)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

void date_format_iso(int64_t days, char out[11])
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999; /* out of the documented range: keep the buffer bounded */
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int weekday_of(int64_t days) { return (int)((days % 7 + 7 + 3) % 7) + 1; /* day 0 was a Thursday */ }

/* First day (a Monday) of ISO week 1 of year y: the week holding 4 January. */
static int64_t iso_week1(int y)
{
    int64_t jan4 = days_from_civil(y, 1, 4);
    return jan4 - (weekday_of(jan4) - 1);
}

static int iso_weeks_in_year(int y) { return (int)((iso_week1(y + 1) - iso_week1(y)) / 7); }

/* ISO week-year and week of a day. */
static void iso_week_of(int64_t days, int *wy, int *w)
{
    int y, m, d;
    int64_t thursday = days - (weekday_of(days) - 1) + 3;
    civil_from_days(thursday, &y, &m, &d);
    *wy = y;
    *w = (int)((thursday - days_from_civil(y, 1, 1)) / 7) + 1;
}

static int64_t add_months(int64_t first_of_month, int months)
{
    int y, m, d;
    civil_from_days(first_of_month, &y, &m, &d);
    int64_t idx = (int64_t)y * 12 + (m - 1) + months;
    return days_from_civil((int)floor_div(idx, 12), (int)(idx - floor_div(idx, 12) * 12) + 1, 1);
}

/* What a parsed period is, to write its canonical text. */
typedef enum { P_YEAR, P_QUARTER, P_MONTH, P_WEEK, P_DAY, P_FYEAR, P_FQUARTER, P_RANGE } pkind;

typedef struct {
    pkind kind;
    int year;  /* calendar, ISO-week or fiscal year */
    int num;   /* quarter, month or week */
    period_range r;
} parsed;

static void set_year(parsed *p, int y)
{
    *p = (parsed){P_YEAR, y, 0, {days_from_civil(y, 1, 1), days_from_civil(y + 1, 1, 1)}};
}

static void set_quarter(parsed *p, int y, int q)
{
    int64_t from = days_from_civil(y, 3 * q - 2, 1);
    *p = (parsed){P_QUARTER, y, q, {from, add_months(from, 3)}};
}

static void set_month(parsed *p, int y, int m)
{
    int64_t from = days_from_civil(y, m, 1);
    *p = (parsed){P_MONTH, y, m, {from, add_months(from, 1)}};
}

static void set_week(parsed *p, int y, int w)
{
    int64_t from = iso_week1(y) + 7 * (int64_t)(w - 1);
    *p = (parsed){P_WEEK, y, w, {from, from + 7}};
}

static void set_day(parsed *p, int64_t day) { *p = (parsed){P_DAY, 0, 0, {day, day + 1}}; }

static int fy_start_month(const period_calendar *cal)
{
    return cal && cal->fiscal_year_start >= 1 && cal->fiscal_year_start <= 12 ? cal->fiscal_year_start : 1;
}

/* FY fy (q = 0) or its quarter q. */
static void set_fiscal(parsed *p, const period_calendar *cal, int fy, int q)
{
    int sm = fy_start_month(cal);
    int64_t from = days_from_civil(sm == 1 ? fy : fy - 1, sm, 1);
    if (q == 0) {
        *p = (parsed){P_FYEAR, fy, 0, {from, add_months(from, 12)}};
    } else {
        from = add_months(from, 3 * (q - 1));
        *p = (parsed){P_FQUARTER, fy, q, {from, add_months(from, 3)}};
    }
}

/* The fiscal year holding a day. */
static int fiscal_year_of(const period_calendar *cal, int64_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    int sm = fy_start_month(cal);
    return sm == 1 || m < sm ? y : y + 1;
}

static const char *const accepted =
    N_("use 2026, 2026-Q3, 2026-07, 2026-W27, 2026-07-14, FY2026, FY2026-Q1, a range such as 2017..2018, "
       "2017-01..2017-06 or 2026-01-01..2026-03-31, "
       "or today, yesterday, this-week, last-week, next-week, this-month, last-month, next-month, "
       "this-quarter, last-quarter, next-quarter, this-year, last-year, next-year, last-30-days, "
       "next-30-days, ytd, qtd, mtd, this-fiscal-year, last-fiscal-year, this-fiscal-quarter, "
       "last-fiscal-quarter, fytd");

/* why: an untranslated predicate marked with N_() ("is no period"). */
static emb_code bad(emb_err *err, const char *text, const char *why)
{
    char shown[TEXT_MAX + 1];
    size_t n = 0;
    for (const char *c = text; *c && n < TEXT_MAX; c++)
        shown[n++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
    shown[n] = '\0';
    /* TRANSLATORS: a period in quotes, what is wrong with it ("is no period"), then what to write */
    return emb_err_set(err, EMB_INVALID, _("\"%s%s\" %s: %s"), shown, *text && strlen(text) > TEXT_MAX ? "..." : "",
                       _(why), _(accepted));
}

#define MAX_N_DAYS 3660000 /* last-N-days: N up to about 10,000 years */

/* "last-N-days" / "next-N-days" (t lower-cased): 1 with *n, the sign in *past. */
static int n_days_word(const char *t, int64_t *n, int *past)
{
    const char *rest;
    if (!strncmp(t, "last-", 5))
        *past = 1;
    else if (!strncmp(t, "next-", 5))
        *past = 0;
    else
        return 0;
    rest = t + 5;
    int64_t v = 0;
    int k = 0;
    for (; is_digit(rest[k]) && k < 8; k++)
        v = v * 10 + (rest[k] - '0');
    if (k == 0 || strcmp(rest + k, "-days") || v < 1 || v > MAX_N_DAYS)
        return 0;
    *n = v;
    return 1;
}

/* Relative words; t is lower-cased with '_' and ' ' turned into '-'. */
static int parse_word(const char *t, const period_calendar *cal, int64_t today, parsed *p)
{
    int64_t ndays;
    int past;
    int y, m, d;
    civil_from_days(today, &y, &m, &d);
    int q = (m - 1) / 3 + 1;
    int ws = cal && cal->week_start >= 1 && cal->week_start <= 7 ? cal->week_start : 1;
    int64_t week = today - ((weekday_of(today) - ws + 7) % 7);
    if (!strcmp(t, "today")) {
        set_day(p, today);
    } else if (!strcmp(t, "yesterday")) {
        set_day(p, today - 1);
    } else if (n_days_word(t, &ndays, &past)) {
        /* the N days up to and including today, or from today on */
        *p = past ? (parsed){P_RANGE, 0, 0, {today - ndays + 1, today + 1}}
                  : (parsed){P_RANGE, 0, 0, {today, today + ndays}};
    } else if (!strcmp(t, "this-week") || !strcmp(t, "last-week") || !strcmp(t, "next-week")) {
        if (t[0] == 'l')
            week -= 7;
        else if (t[0] == 'n')
            week += 7;
        if (ws == 1) {
            int wy, w;
            iso_week_of(week, &wy, &w);
            set_week(p, wy, w);
        } else {
            *p = (parsed){P_RANGE, 0, 0, {week, week + 7}};
        }
    } else if (!strcmp(t, "this-month")) {
        set_month(p, y, m);
    } else if (!strcmp(t, "last-month")) {
        set_month(p, m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
    } else if (!strcmp(t, "next-month")) {
        set_month(p, m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    } else if (!strcmp(t, "this-quarter")) {
        set_quarter(p, y, q);
    } else if (!strcmp(t, "last-quarter")) {
        set_quarter(p, q == 1 ? y - 1 : y, q == 1 ? 4 : q - 1);
    } else if (!strcmp(t, "next-quarter")) {
        set_quarter(p, q == 4 ? y + 1 : y, q == 4 ? 1 : q + 1);
    } else if (!strcmp(t, "this-year")) {
        set_year(p, y);
    } else if (!strcmp(t, "last-year")) {
        set_year(p, y - 1);
    } else if (!strcmp(t, "next-year")) {
        set_year(p, y + 1);
    } else if (!strcmp(t, "ytd") || !strcmp(t, "qtd") || !strcmp(t, "mtd") || !strcmp(t, "fytd")) {
        int64_t from;
        if (t[0] == 'y') {
            from = days_from_civil(y, 1, 1);
        } else if (t[0] == 'q') {
            from = days_from_civil(y, 3 * q - 2, 1);
        } else if (t[0] == 'm') {
            from = days_from_civil(y, m, 1);
        } else {
            set_fiscal(p, cal, fiscal_year_of(cal, today), 0);
            from = p->r.from;
        }
        *p = (parsed){P_RANGE, 0, 0, {from, today + 1}};
    } else if (!strcmp(t, "this-fiscal-year") || !strcmp(t, "last-fiscal-year")) {
        set_fiscal(p, cal, fiscal_year_of(cal, today) - (t[0] == 'l'), 0);
    } else if (!strcmp(t, "this-fiscal-quarter") || !strcmp(t, "last-fiscal-quarter")) {
        int fy = fiscal_year_of(cal, today);
        int fq = (int)((m - fy_start_month(cal) + 12) % 12) / 3 + 1;
        if (t[0] == 'l' && --fq == 0) {
            fq = 4;
            fy--;
        }
        set_fiscal(p, cal, fy, fq);
    } else {
        return 0;
    }
    return 1;
}

/* Absolute forms; t is upper-cased. Returns 1 when recognised, 0 when not, -1 when
 * recognised but impossible (why says what). */
static int parse_absolute(const char *t, size_t n, const period_calendar *cal, parsed *p, const char **why)
{
    int fiscal = n >= 2 && t[0] == 'F' && t[1] == 'Y';
    if (fiscal) {
        t += 2;
        n -= 2;
    }
    if (n < 4)
        return 0;
    int y = digits(t, 4);
    if (y < 0 || (n > 4 && t[4] != '-'))
        return 0;
    if (y < 1) {
        *why = N_("has a year out of range 1..9999");
        return -1;
    }
    if (fiscal) {
        if (n == 4) {
            set_fiscal(p, cal, y, 0);
            return 1;
        }
        if (n == 7 && t[5] == 'Q' && t[6] >= '1' && t[6] <= '4') {
            set_fiscal(p, cal, y, t[6] - '0');
            return 1;
        }
        return 0;
    }
    if (n == 4) {
        set_year(p, y);
    } else if (n == 7 && t[5] == 'Q') {
        if (t[6] < '1' || t[6] > '4') {
            *why = N_("names no quarter (Q1..Q4)");
            return is_digit(t[6]) ? -1 : 0;
        }
        set_quarter(p, y, t[6] - '0');
    } else if (n == 7 && digits(t + 5, 2) >= 0) {
        int m = digits(t + 5, 2);
        if (m < 1 || m > 12) {
            *why = N_("names no month (01..12)");
            return -1;
        }
        set_month(p, y, m);
    } else if ((n == 7 || n == 8) && t[5] == 'W' && digits(t + 6, (int)n - 6) >= 0) {
        int w = digits(t + 6, (int)n - 6);
        if (w < 1 || w > iso_weeks_in_year(y)) {
            *why = w == 53 ? N_("does not exist: that ISO year has 52 weeks") : N_("names no ISO week (W01..W53)");
            return -1;
        }
        set_week(p, y, w);
    } else if (n == 10) {
        int64_t day;
        char buf[11];
        memcpy(buf, t, 10);
        buf[10] = '\0';
        if (date_parse_iso(buf, &day) != 0) {
            if (digits(t + 5, 2) < 0 || t[7] != '-' || digits(t + 8, 2) < 0)
                return 0;
            *why = N_("is not a valid date");
            return -1;
        }
        set_day(p, day);
    } else {
        return 0;
    }
    return 1;
}

static void canonical(const parsed *p, char out[PERIOD_TEXT_MAX])
{
    char a[11], b[11];
    switch (p->kind) {
    case P_YEAR: snprintf(out, PERIOD_TEXT_MAX, "%04d", p->year); break;
    case P_QUARTER: snprintf(out, PERIOD_TEXT_MAX, "%04d-Q%d", p->year, p->num); break;
    case P_MONTH: snprintf(out, PERIOD_TEXT_MAX, "%04d-%02d", p->year, p->num); break;
    case P_WEEK: snprintf(out, PERIOD_TEXT_MAX, "%04d-W%02d", p->year, p->num); break;
    case P_FYEAR: snprintf(out, PERIOD_TEXT_MAX, "FY%04d", p->year); break;
    case P_FQUARTER: snprintf(out, PERIOD_TEXT_MAX, "FY%04d-Q%d", p->year, p->num); break;
    case P_DAY: date_format_iso(p->r.from, out); break;
    case P_RANGE:
        date_format_iso(p->r.from, a);
        date_format_iso(p->r.to - 1, b);
        snprintf(out, PERIOD_TEXT_MAX, "%s..%s", a, b);
        break;
    }
}

/* One period (no range): s[0..n), trimmed, n <= TEXT_MAX. 1 when recognised, 0 when
 * not, -1 when recognised but impossible (*why says what). */
static int parse_single(const char *s, size_t n, const period_calendar *cal, int64_t today, parsed *p,
                        const char **why)
{
    char upper[TEXT_MAX + 1], word[TEXT_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        upper[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
        word[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c == '_' || c == ' ' ? '-' : c;
    }
    upper[n] = word[n] = '\0';
    int r = parse_absolute(upper, n, cal, p, why);
    if (r != 0)
        return r;
    if (today != PERIOD_NO_TODAY)
        return parse_word(word, cal, today, p);
    period_calendar dummy = {1, 1};
    parsed probe;
    if (parse_word(word, cal ? cal : &dummy, 0, &probe)) {
        *why = N_("is relative to today, which is unknown here");
        return -1;
    }
    return 0;
}

/* s[0..*n) without the blanks around it. */
static const char *trim(const char *s, size_t *n)
{
    while (*n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        (*n)--;
    }
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    return s;
}

emb_code period_parse_text(const char *text, const period_calendar *cal, int64_t today, period_range *out,
                           char canon[PERIOD_TEXT_MAX], emb_err *err)
{
    size_t n = strlen(text ? text : "");
    const char *s = trim(text ? text : "", &n);
    char shown[TEXT_MAX + 1];
    if (n == 0 || n > TEXT_MAX)
        return bad(err, n ? s : "", N_("is no period"));
    memcpy(shown, s, n);
    shown[n] = '\0';

    parsed p;
    const char *why = N_("is no period");
    int r;
    const char *dots = strstr(shown, "..");
    if (dots) {
        /* FIRST..LAST: from the start of FIRST to the end of LAST, both included */
        size_t n1 = (size_t)(dots - shown), n2 = n - n1 - 2;
        const char *s1 = trim(shown, &n1), *s2 = trim(dots + 2, &n2);
        parsed first, last;
        r = n1 && n2 ? parse_single(s1, n1, cal, today, &first, &why) : 0;
        if (r == 1)
            r = parse_single(s2, n2, cal, today, &last, &why);
        if (r == 1 && last.r.to <= first.r.from) {
            why = N_("ends before it starts");
            r = -1;
        }
        if (r == 1)
            p = (parsed){P_RANGE, 0, 0, {first.r.from, last.r.to}};
    } else {
        r = parse_single(shown, n, cal, today, &p, &why);
    }
    if (r != 1)
        return bad(err, shown, why);
    if (p.r.from < days_from_civil(1, 1, 1) || p.r.to > days_from_civil(10000, 1, 1))
        return bad(err, shown, N_("falls outside the years 1..9999"));
    *out = p.r;
    if (canon)
        canonical(&p, canon);
    return EMB_OK;
}

emb_code period_parse(const char *text, const period_calendar *cal, int64_t today, period_range *out,
                      emb_err *err)
{
    return period_parse_text(text, cal, today, out, NULL, err);
}

/* Number of whole months from the 1st of a month to the 1st of a later one, or 0. */
static int month_span(period_range p)
{
    int y1, m1, d1, y2, m2, d2;
    civil_from_days(p.from, &y1, &m1, &d1);
    civil_from_days(p.to, &y2, &m2, &d2);
    if (d1 != 1 || d2 != 1 || p.to <= p.from)
        return 0;
    return (y2 - y1) * 12 + (m2 - m1);
}

period_range period_previous(period_range p)
{
    int months = month_span(p);
    if (months > 0)
        return (period_range){add_months(p.from, -months), p.from};
    return (period_range){p.from - (p.to - p.from), p.from};
}

/* The same date a year earlier, 29 February becoming 28 February. */
static int64_t year_earlier(int64_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    if (m == 2 && d == 29)
        d = 28;
    return days_from_civil(y - 1, m, d);
}

period_range period_year_before(period_range p)
{
    int64_t len = p.to - p.from;
    if (month_span(p) > 0)
        return (period_range){add_months(p.from, -12), add_months(p.to, -12)};
    if (len > 0 && len % 7 == 0 && weekday_of(p.from) == 1) {
        int wy, w;
        iso_week_of(p.from, &wy, &w);
        if (w > iso_weeks_in_year(wy - 1))
            w = iso_weeks_in_year(wy - 1);
        int64_t from = iso_week1(wy - 1) + 7 * (int64_t)(w - 1);
        return (period_range){from, from + len};
    }
    if (len > 0 && len % 7 == 0)
        return (period_range){p.from - 364, p.to - 364};
    int64_t from = year_earlier(p.from), to = year_earlier(p.to);
    if (to <= from)
        to = from + 1;
    return (period_range){from, to};
}

int instant_parse_iso(const char *s, int64_t *out)
{
    struct tm tm = {0};
    const char *rest = strptime(s, "%Y-%m-%d", &tm);
    if (!rest)
        return -1;
    if (*rest == 'T' || *rest == ' ') {
        rest = strptime(rest + 1, "%H:%M:%S", &tm);
        if (!rest)
            return -1;
    }
    if (*rest == 'Z')
        rest++;
    if (*rest)
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}
