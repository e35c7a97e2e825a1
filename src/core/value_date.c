/*
 * value_date.c - dates and instants: the free forms of value.h (ISO, d/m/Y, m/d/Y
 * with an optional time and zone), a small strptime-like matcher for
 * --date-format that does not depend on the C locale, the detection of a column's
 * date order, and ISO 8601 formatting.
 *
 * Everything reads a trimmed text of at most VALUE__MAX_LEN bytes into a datetime
 * (calendar fields as written), then checks it. Nothing allocates but the
 * formatting, which uses the caller's arena.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/value_internal.h"

typedef struct {
    int y, mo, d, h, mi, sec;
    int has_time;
    int has_zone;
    int32_t offset; /* seconds east of UTC, when has_zone */
} datetime;

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Reads min..max digits at s[*pos]; returns how many were read (0 when fewer
 * than min), the value in *v. */
static size_t num(const char *s, size_t len, size_t *pos, size_t min, size_t max, int *v)
{
    size_t n = 0;
    int x = 0;
    while (*pos + n < len && n < max && is_digit(s[*pos + n]))
        x = x * 10 + (s[*pos + n++] - '0');
    if (n < min)
        return 0;
    *pos += n;
    *v = x;
    return n;
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

static const struct {
    const char *name;
    int month;
} month_names[] = {
    {"january", 1}, {"jan", 1}, {"enero", 1}, {"ene", 1}, {"february", 2}, {"feb", 2}, {"febrero", 2},
    {"march", 3}, {"mar", 3}, {"marzo", 3}, {"april", 4}, {"apr", 4}, {"abril", 4}, {"abr", 4},
    {"may", 5}, {"mayo", 5}, {"june", 6}, {"jun", 6}, {"junio", 6}, {"july", 7}, {"jul", 7},
    {"julio", 7}, {"august", 8}, {"aug", 8}, {"agosto", 8}, {"ago", 8}, {"september", 9},
    {"sept", 9}, {"sep", 9}, {"septiembre", 9}, {"setiembre", 9}, {"october", 10}, {"oct", 10},
    {"octubre", 10}, {"november", 11}, {"nov", 11}, {"noviembre", 11}, {"december", 12},
    {"dec", 12}, {"diciembre", 12}, {"dic", 12},
};

/* The longest month name at s[*pos] (any case). */
static int month_name(const char *s, size_t len, size_t *pos, int *month)
{
    size_t best = 0;
    for (size_t i = 0; i < sizeof month_names / sizeof month_names[0]; i++) {
        size_t k = strlen(month_names[i].name);
        if (k > best && *pos + k <= len && !strncasecmp(s + *pos, month_names[i].name, k)) {
            best = k;
            *month = month_names[i].month;
        }
    }
    *pos += best;
    return best > 0;
}

/* "AM" / "PM" (any case) at s[*pos]: 1 for PM, 0 for AM, -1 for neither. */
static int am_pm(const char *s, size_t len, size_t *pos)
{
    if (*pos + 2 > len || (s[*pos + 1] != 'm' && s[*pos + 1] != 'M'))
        return -1;
    char c = s[*pos];
    if (c != 'a' && c != 'A' && c != 'p' && c != 'P')
        return -1;
    *pos += 2;
    return c == 'p' || c == 'P';
}

/* A zone at s[*pos]: Z, UTC, GMT, +HH, +HHMM, +HH:MM (or '-'). 1 read, 0 none,
 * -1 malformed. */
static int zone_at(const char *s, size_t len, size_t *pos, int32_t *offset)
{
    size_t p = *pos;
    if (p < len && (s[p] == 'Z' || s[p] == 'z') && p + 1 == len) {
        *offset = 0;
        *pos = p + 1;
        return 1;
    }
    if (p + 3 <= len && (!strncasecmp(s + p, "UTC", 3) || !strncasecmp(s + p, "GMT", 3))) {
        *offset = 0;
        *pos = p + 3;
        return 1;
    }
    if (p >= len || (s[p] != '+' && s[p] != '-'))
        return 0;
    int neg = s[p++] == '-', hh, mm = 0;
    if (num(s, len, &p, 2, 2, &hh) == 0)
        return -1;
    if (p < len && s[p] == ':')
        p++;
    if (p < len && num(s, len, &p, 2, 2, &mm) == 0)
        return -1;
    if (hh > 18 || mm > 59)
        return -1;
    *offset = (neg ? -1 : 1) * (hh * 3600 + mm * 60);
    *pos = p;
    return 1;
}

/* why is a translated predicate of the quoted value ("is not a date: ..."). */
static emb_code bad_date(emb_err *err, const char *s, size_t len, const char *why)
{
    char shown[VALUE__SHOWN_MAX];
    value__shown(s, len, shown);
    /* TRANSLATORS: a value in quotes, then what is wrong with it ("is not a date: ...") */
    return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE, _("\"%s\" %s"), shown, why);
}

/* Checks the calendar fields; the message names the order when it was not ISO. */
static emb_code check_fields(const datetime *dt, const char *s, size_t len, const char *order_name, emb_err *err)
{
    int bad_day = dt->mo >= 1 && dt->mo <= 12 && (dt->d < 1 || dt->d > days_in_month(dt->y, dt->mo));
    if (dt->y >= 1 && dt->y <= 9999 && dt->mo >= 1 && dt->mo <= 12 && !bad_day && dt->h <= 23 && dt->mi <= 59 &&
        dt->sec <= 59)
        return EMB_OK;
    char shown[VALUE__SHOWN_MAX];
    value__shown(s, len, shown);
    if (dt->y < 1 || dt->y > 9999)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE, _("\"%s\" has a year out of range 1..9999"), shown);
    if ((dt->mo < 1 || dt->mo > 12) && order_name)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                               _("\"%s\" is not a valid date in %s: there is no month %d"),
                               shown, order_name, dt->mo);
    if (dt->mo < 1 || dt->mo > 12)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE, _("\"%s\" is not a valid date: there is no month %d"),
                               shown, dt->mo);
    if (bad_day && order_name)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                               _("\"%s\" is not a valid date in %s: %04d-%02d has %d days"), shown, order_name, dt->y,
                               dt->mo, days_in_month(dt->y, dt->mo));
    if (bad_day)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE, _("\"%s\" is not a valid date: %04d-%02d has %d days"),
                               shown, dt->y, dt->mo, days_in_month(dt->y, dt->mo));
    if (dt->h > 23 || dt->mi > 59 || dt->sec > 59)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                               _("\"%s\" has an invalid time: write HH:MM or HH:MM:SS"), shown);
    return EMB_OK;
}

/* The time (and zone) after a date, from s[pos]. */
static emb_code parse_time(const char *s, size_t len, size_t pos, datetime *dt, emb_err *err)
{
    if (s[pos] == 'T' || s[pos] == 't')
        pos++;
    else if (is_space(s[pos]))
        while (pos < len && is_space(s[pos]))
            pos++;
    else
        return bad_date(err, s, len, _("is not a date: write it like 2026-07-14 or 2026-07-14 10:30"));
    if (!num(s, len, &pos, 1, 2, &dt->h) || pos >= len || s[pos++] != ':' || !num(s, len, &pos, 2, 2, &dt->mi))
        return bad_date(err, s, len, _("has an invalid time: write HH:MM or HH:MM:SS"));
    dt->has_time = 1;
    if (pos < len && s[pos] == ':') {
        pos++;
        if (!num(s, len, &pos, 2, 2, &dt->sec))
            return bad_date(err, s, len, _("has an invalid time: write HH:MM or HH:MM:SS"));
        if (pos + 1 < len && (s[pos] == '.' || s[pos] == ',') && is_digit(s[pos + 1])) {
            pos++;
            while (pos < len && is_digit(s[pos]))
                pos++; /* fractions of a second are dropped */
        }
    }
    size_t p = pos;
    while (p < len && is_space(s[p]))
        p++;
    int pm = am_pm(s, len, &p);
    if (pm >= 0) {
        if (dt->h < 1 || dt->h > 12)
            return bad_date(err, s, len, _("has an invalid 12-hour time: the hour is 1..12 with AM or PM"));
        dt->h = dt->h % 12 + (pm ? 12 : 0);
        pos = p;
    }
    p = pos;
    while (p < len && is_space(s[p]))
        p++;
    int z = zone_at(s, len, &p, &dt->offset);
    if (z < 0)
        return bad_date(err, s, len, _("has an invalid time zone offset: write Z, +02:00 or -05:00"));
    if (z > 0) {
        dt->has_zone = 1;
        pos = p;
    }
    if (pos != len)
        return bad_date(err, s, len, _("has unexpected text after the time: write HH:MM[:SS] and an optional +02:00"));
    return EMB_OK;
}

/* ISO, d/m/Y or m/d/Y with an optional time. */
static emb_code parse_free(const char *s, size_t len, date_order order, datetime *dt, emb_err *err)
{
    size_t pos = 0;
    int a, b, c;
    size_t na = num(s, len, &pos, 1, 5, &a);
    if (na == 0 || pos >= len || (s[pos] != '-' && s[pos] != '/' && s[pos] != '.'))
        return bad_date(err, s, len, _("is not a date: write it like 2026-07-14, or give --date-format"));
    char sep = s[pos++];
    size_t nb = num(s, len, &pos, 1, 2, &b);
    if (nb == 0 || pos >= len || s[pos++] != sep)
        return bad_date(err, s, len, _("is not a date: write it like 2026-07-14, or give --date-format"));
    size_t nc = num(s, len, &pos, 1, 5, &c);
    const char *order_name = NULL;
    if (na == 4 && (nc == 1 || nc == 2)) {
        dt->y = a, dt->mo = b, dt->d = c;
    } else if (na <= 2 && nc == 4) {
        if (order == DATE_ISO) {
            char shown[VALUE__SHOWN_MAX];
            value__shown(s, len, shown);
            return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                               _("\"%s\" is not an ISO date (2026-07-14): give --date-format, e.g. %%d%c%%m%c%%Y"),
                               shown, sep, sep);
        }
        date_order o = order;
        if (o == DATE_AUTO || o == DATE_AUTO_DMY || o == DATE_AUTO_MDY)
            o = a > 12 || a == b ? DATE_DMY
                : b > 12         ? DATE_MDY
                : o == DATE_AUTO_DMY ? DATE_DMY
                : o == DATE_AUTO_MDY ? DATE_MDY
                                     : DATE_AUTO;
        if (o == DATE_AUTO) {
            char shown[VALUE__SHOWN_MAX];
            value__shown(s, len, shown);
            return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                               _("\"%s\" could be day/month or month/day: give --date-format %%d%c%%m%c%%Y or "
                                 "%%m%c%%d%c%%Y"),
                               shown, sep, sep, sep, sep);
        }
        dt->y = c;
        dt->d = o == DATE_DMY ? a : b;
        dt->mo = o == DATE_DMY ? b : a;
        order_name = o == DATE_DMY ? _("day/month/year order") : _("month/day/year order");
    } else if (na <= 2 && nc == 2) {
        char shown[VALUE__SHOWN_MAX];
        value__shown(s, len, shown);
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                           _("\"%s\" has a two-digit year: give --date-format, e.g. %%d%c%%m%c%%y or %%m%c%%d%c%%y"),
                           shown, sep, sep, sep, sep);
    } else {
        return bad_date(err, s, len, _("is not a date: write it like 2026-07-14, or give --date-format"));
    }
    if (pos < len && is_digit(s[pos]))
        return bad_date(err, s, len, _("is not a date: write it like 2026-07-14, or give --date-format"));
    if (pos < len) {
        emb_code rc = parse_time(s, len, pos, dt, err);
        if (rc != EMB_OK)
            return rc;
    }
    return check_fields(dt, s, len, order_name, err);
}

static emb_code bad_format(emb_err *err, const char *format, const char *why)
{
    char shown[VALUE__SHOWN_MAX];
    value__shown(format, strlen(format), shown);
    return emb_err_set(err, EMB_USAGE,
                       _("invalid --date-format \"%s\": %s; use %%Y %%m %%d %%H %%M %%S %%y %%b %%p %%z"),
                       shown, why);
}

emb_code value_check_date_format(const char *format, emb_err *err)
{
    int have_y = 0, have_m = 0;
    if (strlen(format) > VALUE__MAX_LEN)
        return bad_format(err, format, _("too long"));
    for (const char *f = format; *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (*f == '\0')
            return bad_format(err, format, _("it ends with %"));
        if (!strchr("YymdeHIMSbBhpzFT%", *f))
            return bad_format(err, format, _("unknown directive"));
        have_y |= *f == 'Y' || *f == 'y' || *f == 'F';
        have_m |= *f == 'm' || *f == 'b' || *f == 'B' || *f == 'h' || *f == 'F';
    }
    if (!have_y || !have_m)
        return bad_format(err, format, _("it needs a year (%Y or %y) and a month (%m or %b)"));
    return EMB_OK;
}

/* Matches s against a strptime-like format (see value.h). */
static emb_code parse_format(const char *s, size_t len, const char *format, datetime *dt, emb_err *err)
{
    size_t pos = 0;
    int pm = -1, twelve = 0;
    dt->d = 1;
    emb_code rc = value_check_date_format(format, err);
    if (rc != EMB_OK)
        return rc;
    char shown[VALUE__SHOWN_MAX], fshown[VALUE__SHOWN_MAX];
    int ok = 1;
    for (const char *f = format; *f; f++) {
        if (*f == ' ') {
            while (pos < len && is_space(s[pos]))
                pos++;
            continue;
        }
        if (*f != '%') {
            ok = pos < len && s[pos] == *f;
            pos += ok;
        } else {
            f++;
            switch (*f) {
            case 'Y': ok = num(s, len, &pos, 4, 4, &dt->y) > 0; break;
            case 'y':
                ok = num(s, len, &pos, 2, 2, &dt->y) > 0;
                dt->y += dt->y >= 69 ? 1900 : 2000;
                break;
            case 'm': ok = num(s, len, &pos, 1, 2, &dt->mo) > 0; break;
            case 'd':
            case 'e': ok = num(s, len, &pos, 1, 2, &dt->d) > 0; break;
            case 'H': ok = num(s, len, &pos, 1, 2, &dt->h) > 0, dt->has_time = 1; break;
            case 'I': ok = num(s, len, &pos, 1, 2, &dt->h) > 0, dt->has_time = 1, twelve = 1; break;
            case 'M': ok = num(s, len, &pos, 1, 2, &dt->mi) > 0; break;
            case 'S': ok = num(s, len, &pos, 1, 2, &dt->sec) > 0; break;
            case 'b':
            case 'B':
            case 'h': ok = month_name(s, len, &pos, &dt->mo); break;
            case 'p': ok = (pm = am_pm(s, len, &pos)) >= 0; break;
            case 'z': ok = zone_at(s, len, &pos, &dt->offset) > 0, dt->has_zone = 1; break;
            case 'F':
                ok = num(s, len, &pos, 4, 4, &dt->y) && pos < len && s[pos++] == '-' &&
                     num(s, len, &pos, 1, 2, &dt->mo) && pos < len && s[pos++] == '-' &&
                     num(s, len, &pos, 1, 2, &dt->d);
                break;
            case 'T':
                ok = num(s, len, &pos, 1, 2, &dt->h) && pos < len && s[pos++] == ':' &&
                     num(s, len, &pos, 1, 2, &dt->mi) && pos < len && s[pos++] == ':' &&
                     num(s, len, &pos, 1, 2, &dt->sec);
                dt->has_time = 1;
                break;
            case '%': ok = pos < len && s[pos] == '%', pos += ok; break;
            default: return bad_format(err, format, _("unknown directive"));
            }
        }
        if (!ok)
            break;
    }
    if (!ok || pos != len) {
        value__shown(s, len, shown);
        value__shown(format, strlen(format), fshown);
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                               ok ? _("\"%s\" does not match the date format \"%s\" (text left over)")
                                  : _("\"%s\" does not match the date format \"%s\""),
                               shown, fshown);
    }
    if (pm >= 0 || twelve) {
        if (dt->h < 1 || dt->h > 12)
            return bad_date(err, s, len, _("has an invalid 12-hour time: the hour is 1..12"));
        dt->h = dt->h % 12 + (pm == 1 ? 12 : 0);
    }
    return check_fields(dt, s, len, NULL, err);
}

static emb_code parse_datetime(const char *text, date_order order, const char *format, datetime *dt,
                               const char **t, size_t *len, emb_err *err)
{
    *dt = (datetime){0};
    *len = SIZE_MAX;
    *t = value__trim(text ? text : "", len);
    if (*len == 0)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE, _("an empty value is not a date"));
    if (*len > VALUE__MAX_LEN)
        return bad_date(err, *t, *len, _("is too long for a date"));
    if (format && *format)
        return parse_format(*t, *len, format, dt, err);
    return parse_free(*t, *len, order, dt, err);
}

emb_code value_parse_date(const char *s, date_order order, const char *format, char out[11], emb_err *err)
{
    datetime dt;
    const char *t;
    size_t len;
    emb_code rc = parse_datetime(s, order, format, &dt, &t, &len, err);
    if (rc != EMB_OK)
        return rc;
    /* "YYYY-MM-DD" (parse_datetime checked year 1..9999, month, day) */
    const int parts[3][2] = {{dt.y, 4}, {dt.mo, 2}, {dt.d, 2}};
    char *p = out;
    for (int i = 0; i < 3; i++) {
        if (i)
            *p++ = '-';
        for (int k = parts[i][1] - 1, v = parts[i][0]; k >= 0; k--, v /= 10)
            p[k] = (char)('0' + v % 10);
        p += parts[i][1];
    }
    *p = '\0';
    return EMB_OK;
}

emb_code value_parse_instant(const char *s, date_order order, const char *format, const tz *zone, int64_t *utc,
                             emb_err *err)
{
    datetime dt;
    const char *t;
    size_t len;
    emb_code rc = parse_datetime(s, order, format, &dt, &t, &len, err);
    if (rc != EMB_OK)
        return rc;
    int64_t local = days_from_civil(dt.y, dt.mo, dt.d) * 86400 + dt.h * 3600 + dt.mi * 60 + dt.sec;
    int64_t u = dt.has_zone ? local - dt.offset : zone ? tz_local_to_utc(zone, local) : local;
    /* a day of margin keeps the local date of every zone within years 1..9999 */
    if (u < (days_from_civil(1, 1, 1) + 1) * 86400 || u >= days_from_civil(9999, 12, 31) * 86400)
        return bad_date(err, t, len, _("is out of range: instants are between the years 1 and 9999"));
    *utc = u;
    return EMB_OK;
}

date_order value_locale_date_order(const char *locale)
{
    if (locale && !strcmp(locale, "es"))
        return DATE_AUTO_DMY;
    if (locale && !strcmp(locale, "en"))
        return DATE_AUTO_MDY;
    return DATE_AUTO;
}

emb_code value_detect_date_order(const char *const *values, size_t n, date_order *out, emb_err *err)
{
    int by_convention;
    return value_detect_date_order_by(values, n, DATE_AUTO, out, &by_convention, err);
}

emb_code value_detect_date_order_by(const char *const *values, size_t n, date_order convention, date_order *out,
                                    int *by_convention, emb_err *err)
{
    *by_convention = 0;
    const char *dmy = NULL, *mdy = NULL, *ambiguous = NULL;
    size_t dmy_len = 0, mdy_len = 0, amb_len = 0;
    char amb_sep = '/';
    int any_other = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = SIZE_MAX, pos = 0;
        if (!values[i])
            continue;
        const char *t = value__trim(values[i], &len);
        int a, b, c;
        if (num(t, len, &pos, 1, 2, &a) == 0 || pos >= len || (t[pos] != '/' && t[pos] != '-' && t[pos] != '.'))
            continue;
        char sep = t[pos++];
        if (num(t, len, &pos, 1, 2, &b) == 0 || pos >= len || t[pos++] != sep || num(t, len, &pos, 4, 4, &c) == 0 ||
            (pos < len && is_digit(t[pos])))
            continue;
        if (a > 12 && b <= 12) {
            if (!dmy)
                dmy = t, dmy_len = len;
        } else if (b > 12 && a <= 12) {
            if (!mdy)
                mdy = t, mdy_len = len;
        } else if (a != b && a <= 12 && b <= 12) {
            if (!ambiguous)
                ambiguous = t, amb_len = len, amb_sep = sep;
        } else if (a == b) {
            any_other = 1;
        }
    }
    char s1[VALUE__SHOWN_MAX], s2[VALUE__SHOWN_MAX];
    if (dmy && mdy) {
        value__shown(dmy, dmy_len, s1);
        value__shown(mdy, mdy_len, s2);
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                           _("the dates mix day/month (\"%s\") and month/day (\"%s\"): give --date-format for one "
                             "order and fix the others"),
                           s1, s2);
    }
    if (dmy || mdy) {
        *out = dmy ? DATE_DMY : DATE_MDY;
        return EMB_OK;
    }
    if (ambiguous && (convention == DATE_AUTO_DMY || convention == DATE_AUTO_MDY)) {
        *out = convention == DATE_AUTO_DMY ? DATE_DMY : DATE_MDY;
        *by_convention = 1;
        return EMB_OK;
    }
    if (ambiguous) {
        value__shown(ambiguous, amb_len, s1);
        char c = amb_sep;
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_DATE,
                           _("dates like \"%s\" could be day/month or month/day: give --date-format %%d%c%%m%c%%Y or "
                             "%%m%c%%d%c%%Y"),
                           s1, c, c, c, c);
    }
    *out = any_other ? DATE_DMY : DATE_ISO;
    return EMB_OK;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

const char *value_format_instant(int64_t utc, const tz *zone, int date_only_at_midnight, arena *a)
{
    int32_t off = zone ? tz_offset_at(zone, utc) : 0;
    int utc_mark = off % 60 != 0; /* local mean time before 1900: write UTC to stay exact */
    if (utc_mark)
        off = 0;
    int64_t local;
    if (__builtin_add_overflow(utc, (int64_t)off, &local)) {
        local = utc;
        off = 0;
        utc_mark = 1;
    }
    int64_t days = floor_div(local, 86400), secs = local - days * 86400;
    char date[11];
    date_format_iso(days, date);
    if (date_only_at_midnight && secs == 0 && !utc_mark && (zone ? tz_local_to_utc(zone, local) : local) == utc)
        return arena_strdup(a, date);
    if (utc_mark)
        return arena_printf(a, "%sT%02d:%02d:%02dZ", date, (int)(secs / 3600), (int)(secs / 60 % 60),
                            (int)(secs % 60));
    int32_t m = off < 0 ? -off : off;
    return arena_printf(a, "%sT%02d:%02d:%02d%c%02d:%02d", date, (int)(secs / 3600), (int)(secs / 60 % 60),
                        (int)(secs % 60), off < 0 ? '-' : '+', (int)(m / 3600), (int)(m / 60 % 60));
}
