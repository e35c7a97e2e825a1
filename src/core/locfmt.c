/* locfmt.c - locale formatting of numbers, money and dates with ICU; see locfmt.h. */
#include "core/locfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/udat.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "core/i18n.h"
#include "core/period.h"
#include "core/value.h"

struct locfmt {
    UNumberFormat *dec;  /* decimal, fraction digits set per call */
    UNumberFormat *cur;  /* currency, code set per call */
    UNumberFormat *pct;  /* percent */
    UDateFormat *date;   /* medium date, in UTC (dates are zone-free) */
    UDateFormat *zdate;  /* medium date in the zone */
    UDateFormat *ztime;  /* medium date and short time in the zone */
    char cur_code[4];    /* the currency cur is set to, "" before the first */
};

emb_code locfmt_open(const char *lang, const char *zone, locfmt **out, emb_err *err)
{
    const char *loc = lang && !strcmp(lang, "es") ? "es_ES" : "en_US";
    locfmt *f = calloc(1, sizeof *f);
    if (!f)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    UErrorCode st = U_ZERO_ERROR;
    f->dec = unum_open(UNUM_DECIMAL, NULL, 0, loc, NULL, &st);
    f->cur = unum_open(UNUM_CURRENCY, NULL, 0, loc, NULL, &st);
    f->pct = unum_open(UNUM_PERCENT, NULL, 0, loc, NULL, &st);
    f->date = udat_open(UDAT_NONE, UDAT_MEDIUM, loc, u"UTC", -1, NULL, 0, &st);
    UChar uzone[64];
    u_uastrncpy(uzone, zone && strlen(zone) < 64 ? zone : "UTC", 64);
    f->zdate = udat_open(UDAT_NONE, UDAT_MEDIUM, loc, uzone, -1, NULL, 0, &st);
    f->ztime = udat_open(UDAT_SHORT, UDAT_MEDIUM, loc, uzone, -1, NULL, 0, &st);
    if (U_FAILURE(st)) {
        locfmt_close(f);
        return emb_err_set(err, EMB_INTERNAL, _("cannot set up number formats for '%s': %s"), loc, u_errorName(st));
    }
    *out = f;
    return EMB_OK;
}

void locfmt_close(locfmt *f)
{
    if (!f)
        return;
    if (f->dec)
        unum_close(f->dec);
    if (f->cur)
        unum_close(f->cur);
    if (f->pct)
        unum_close(f->pct);
    if (f->date)
        udat_close(f->date);
    if (f->zdate)
        udat_close(f->zdate);
    if (f->ztime)
        udat_close(f->ztime);
    free(f);
}

/* UTF-16 from ICU to UTF-8 in the arena; NULL on failure. */
static const char *utf8(const UChar *u, int32_t n, UErrorCode st, arena *a)
{
    if (U_FAILURE(st) || n < 0)
        return NULL;
    int32_t len = 0;
    UErrorCode s2 = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &len, u, n, &s2);
    char *out = arena_alloc(a, (size_t)len + 1);
    if (!out)
        return NULL;
    s2 = U_ZERO_ERROR;
    u_strToUTF8(out, len + 1, NULL, u, n, &s2);
    return U_FAILURE(s2) ? NULL : out;
}

static const char *format_decimal(UNumberFormat *nf, const char *num, arena *a)
{
    UChar buf[128];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = unum_formatDecimal(nf, num, -1, buf, 128, NULL, &st);
    return utf8(buf, n, st, a);
}

const char *locfmt_decimal(locfmt *f, const char *num, int min_frac, int max_frac, arena *a)
{
    unum_setAttribute(f->dec, UNUM_MIN_FRACTION_DIGITS, min_frac);
    unum_setAttribute(f->dec, UNUM_MAX_FRACTION_DIGITS, max_frac);
    const char *r = format_decimal(f->dec, num, a);
    return r ? r : num;
}

const char *locfmt_int(locfmt *f, int64_t v, arena *a)
{
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)v);
    const char *r = locfmt_decimal(f, num, 0, 0, a);
    return r == num ? arena_strdup(a, num) : r;
}

const char *locfmt_real(locfmt *f, double x, int frac, arena *a)
{
    char num[64];
    snprintf(num, sizeof num, "%.*f", frac, x);
    const char *r = locfmt_decimal(f, num, frac, frac, a);
    return r == num ? arena_strdup(a, num) : r;
}

const char *locfmt_money(locfmt *f, int64_t minor, const char *currency, arena *a)
{
    const char *num = value_format_money(minor, currency, a);
    if (!num)
        return "";
    if (strcmp(f->cur_code, currency)) {
        UChar code[4];
        u_charsToUChars(currency, code, 3);
        code[3] = 0;
        UErrorCode st = U_ZERO_ERROR;
        unum_setTextAttribute(f->cur, UNUM_CURRENCY_CODE, code, 3, &st);
        if (U_FAILURE(st))
            return num;
        snprintf(f->cur_code, sizeof f->cur_code, "%s", currency);
    }
    const char *r = format_decimal(f->cur, num, a);
    return r ? r : num;
}

const char *locfmt_percent(locfmt *f, double fraction, int frac, int sign, arena *a)
{
    unum_setAttribute(f->pct, UNUM_MIN_FRACTION_DIGITS, frac);
    unum_setAttribute(f->pct, UNUM_MAX_FRACTION_DIGITS, frac);
    char num[64];
    snprintf(num, sizeof num, "%.*f", frac + 2, fraction);
    const char *r = format_decimal(f->pct, num, a);
    if (!r)
        return arena_printf(a, "%s%.*f%%", sign && fraction > 0 ? "+" : "", frac, fraction * 100.0);
    return sign && fraction > 0 && r[0] != '0' ? arena_printf(a, "+%s", r) : r;
}

const char *locfmt_date(locfmt *f, const char *ymd, arena *a)
{
    int64_t days;
    if (!ymd || date_parse_iso(ymd, &days))
        return ymd;
    UChar buf[64];
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = udat_format(f->date, (UDate)days * 86400000.0, buf, 64, NULL, &st);
    const char *r = utf8(buf, len, st, a);
    return r ? r : ymd;
}

const char *locfmt_instant(locfmt *f, int64_t utc, int date_only, arena *a)
{
    UChar buf[96];
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = udat_format(date_only ? f->zdate : f->ztime, (UDate)utc * 1000.0, buf, 96, NULL, &st);
    const char *r = utf8(buf, len, st, a);
    return r ? r : arena_printf(a, "%lld", (long long)utc);
}
