/*
 * value_number.c - exact decimal numbers: money in minor units, basis points,
 * scaled decimals (see value.h for the grammar and the NUM_AUTO rules), the census that decides the separator of a column, and their
 * formatting. Also the text helpers of value_internal.h.
 *
 * A number is scanned into its digits (value__number) without ever touching a
 * binary float, then scaled with half-away-from-zero rounding: only the first
 * dropped digit decides, since the dropped part is >= 0.5 exactly when that digit
 * is >= 5. Overflow of int64 is an error, never a wrap.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/value_internal.h"

_Static_assert(VALUE_CENSUS_SHOWN == VALUE__SHOWN_MAX, "census examples are shown values");

/* ---- text helpers ---------------------------------------------------------------- */

static size_t space_at(const unsigned char *s, size_t len)
{
    if (len >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
        return 1;
    if (len >= 2 && s[0] == 0xc2 && s[1] == 0xa0) /* U+00A0 no-break space */
        return 2;
    if (len >= 3 && s[0] == 0xe2 && s[1] == 0x80 && s[2] == 0xaf) /* U+202F narrow no-break space */
        return 3;
    return 0;
}

static size_t space_before(const unsigned char *s, size_t len)
{
    if (len >= 1 && (s[len - 1] == ' ' || (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
        return 1;
    if (len >= 2 && s[len - 2] == 0xc2 && s[len - 1] == 0xa0)
        return 2;
    if (len >= 3 && s[len - 3] == 0xe2 && s[len - 2] == 0x80 && s[len - 1] == 0xaf)
        return 3;
    return 0;
}

const char *value__trim(const char *s, size_t *len)
{
    size_t n = *len == SIZE_MAX ? strlen(s) : *len, k;
    const unsigned char *p = (const unsigned char *)s;
    while ((k = space_at(p, n)) > 0) {
        p += k;
        n -= k;
    }
    while ((k = space_before(p, n)) > 0)
        n -= k;
    *len = n;
    return (const char *)p;
}

size_t value__utf8(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0)
        return 0;
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

void value__shown(const char *s, size_t len, char out[VALUE__SHOWN_MAX])
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = value__utf8(p + i, len - i, &cp);
        if (o + (k ? k : 1) > 60) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (k == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            out[o++] = '?';
            i += k ? k : 1;
        } else {
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
}

/* ---- scanning ---------------------------------------------------------------------- */

/* Currency symbols, longest first where one is a suffix of another. */
static const char *const symbols[] = {"US$", "R$", "$", "€", "£", "¥", "₹", "₩", "₽", "₺", NULL};

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* A currency marker at the start (at_end 0) or the end of s[0..len): its length,
 * copying it to cur (codes upper-cased), or 0. */
static size_t currency_at(const char *s, size_t len, int at_end, char cur[8])
{
    if (len > 0 && is_digit(at_end ? s[len - 1] : s[0]))
        return 0; /* no symbol or code begins or ends with a digit */
    for (const char *const *sym = symbols; *sym; sym++) {
        size_t k = strlen(*sym);
        if (k <= len && !memcmp(at_end ? s + len - k : s, *sym, k)) {
            memcpy(cur, *sym, k + 1);
            return k;
        }
    }
    if (len < 3)
        return 0;
    const char *c = at_end ? s + len - 3 : s;
    if (!is_alpha(c[0]) || !is_alpha(c[1]) || !is_alpha(c[2]))
        return 0;
    if (len > 3 && is_alpha(at_end ? c[-1] : c[3]))
        return 0;
    for (int i = 0; i < 3; i++)
        cur[i] = (char)(c[i] >= 'a' ? c[i] - 32 : c[i]);
    cur[3] = '\0';
    return 3;
}

static size_t skip_space(const char **s, size_t *len)
{
    size_t k, total = 0;
    while ((k = space_at((const unsigned char *)*s, *len)) > 0) {
        *s += k;
        *len -= k;
        total += k;
    }
    return total;
}

static void trim_end(const char *s, size_t *len)
{
    size_t k;
    while ((k = space_before((const unsigned char *)s, *len)) > 0)
        *len -= k;
}

static const char *style_hint(number_style style)
{
    switch (style) {
    case NUM_DOT: return _("write it like 1234.56 or 1,234.56");
    case NUM_COMMA: return _("write it like 1234,56 or 1.234,56");
    default: return _("write digits like 1234.56, 1,234.56 or 1.234,56");
    }
}

/* why: NULL, or a translated parenthesis saying what is wrong ("(too long)"). */
static emb_code not_number(emb_err *err, const char *s, size_t len, const char *why, number_style style)
{
    char shown[VALUE__SHOWN_MAX];
    value__shown(s, len, shown);
    if (why)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_NUMBER, _("\"%s\" is not a number %s: %s"), shown, why,
                               style_hint(style));
    return emb_err_set_why(err, EMB_INVALID, EMB_WHY_NUMBER, _("\"%s\" is not a number: %s"), shown,
                           style_hint(style));
}

/* Kinds of separator inside the digits. */
enum { SEP_DOT = '.', SEP_COMMA = ',', SEP_SPACE = ' ', SEP_NBSP = 'n', SEP_NNBSP = 'N', SEP_APOS = '\'' };

static size_t sep_at(const char *s, size_t len, char *kind)
{
    const unsigned char *u = (const unsigned char *)s;
    if (s[0] == '.' || s[0] == ',' || s[0] == ' ' || s[0] == '\'') {
        *kind = s[0];
        return 1;
    }
    if (len >= 2 && u[0] == 0xc2 && u[1] == 0xa0) {
        *kind = SEP_NBSP;
        return 2;
    }
    if (len >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xaf) {
        *kind = SEP_NNBSP;
        return 3;
    }
    if (len >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0x99) { /* U+2019 typographic apostrophe */
        *kind = SEP_APOS;
        return 3;
    }
    return 0;
}

emb_code value__scan_number(const char *s0, size_t len0, number_style style, unsigned flags, value__number *n,
                            emb_err *err)
{
    memset(n, 0, sizeof *n);
    const char *s = s0;
    size_t len = len0;
    if (len == 0)
        return not_number(err, s0, len0, NULL, style);
    if (len > VALUE__MAX_LEN)
        return not_number(err, s0, len0, _("(too long)"), style);
    int sign = 0, parens = 0;
    if (s[0] == '(' && s[len - 1] == ')') {
        parens = 1;
        s++;
        len -= 2;
        skip_space(&s, &len);
        trim_end(s, &len);
    }
    /* prefix: [currency] [sign] [currency] */
    for (int step = 0; step < 3 && len > 0; step++) {
        size_t k;
        if (step != 1 && (flags & VALUE__CURRENCY) && !n->currency[0] && (k = currency_at(s, len, 0, n->currency))) {
            s += k;
            len -= k;
        } else if (step == 1 && (s[0] == '-' || s[0] == '+')) {
            sign = s[0] == '-' ? -1 : 1;
            s++;
            len--;
        } else if (step == 1 && len >= 3 && !memcmp(s, "\xe2\x88\x92", 3)) { /* U+2212 minus */
            sign = -1;
            s += 3;
            len -= 3;
        } else {
            continue;
        }
        skip_space(&s, &len);
    }
    /* suffix: [%] or [currency] */
    if ((flags & VALUE__PERCENT) && len > 0 && s[len - 1] == '%') {
        n->percent = 1;
        len--;
        trim_end(s, &len);
    } else if ((flags & VALUE__CURRENCY) && !n->currency[0] && len > 0) {
        size_t k = currency_at(s, len, 1, n->currency);
        if (k > 0 && k < len) {
            len -= k;
            trim_end(s, &len);
        } else {
            n->currency[0] = '\0';
        }
    }
    if (parens && sign)
        return not_number(err, s0, len0, _("(a sign inside parentheses)"), style);
    n->neg = parens || sign < 0;
    if (len == 0)
        return not_number(err, s0, len0, NULL, style);

    /* body: digit runs separated by single separators */
    enum { MAX_RUNS = VALUE__MAX_LEN / 2 + 1 };
    size_t run_at[MAX_RUNS], run_len[MAX_RUNS];
    char sep[MAX_RUNS];
    size_t nruns = 0, i = 0;
    while (i <= len) {
        size_t start = i;
        while (i < len && is_digit(s[i]))
            i++;
        run_at[nruns] = start;
        run_len[nruns] = i - start;
        nruns++;
        if (i == len)
            break;
        size_t k = sep_at(s + i, len - i, &sep[nruns - 1]);
        if (k == 0) {
            if ((s[i] == 'e' || s[i] == 'E') && i > 0 && is_digit(s[i - 1]) && i + 1 < len &&
                (is_digit(s[i + 1]) || s[i + 1] == '+' || s[i + 1] == '-')) {
                char shown[VALUE__SHOWN_MAX];
                value__shown(s0, len0, shown);
                return emb_err_set_why(err, EMB_INVALID, EMB_WHY_NUMBER,
                                   _("\"%s\" uses scientific notation: write the number in full, such as 100000"),
                                   shown);
            }
            return not_number(err, s0, len0, NULL, style);
        }
        if (run_len[nruns - 1] == 0 && nruns > 1)
            return not_number(err, s0, len0, _("(two separators in a row)"), style);
        i += k;
        if (i == len)
            return not_number(err, s0, len0, _("(it ends with a separator)"), style);
    }
    size_t nsep = nruns - 1;

    /* which separator is the decimal one */
    char dec, grp;
    size_t dots = 0, commas = 0, others = 0;
    for (size_t j = 0; j < nsep; j++) {
        dots += sep[j] == SEP_DOT;
        commas += sep[j] == SEP_COMMA;
        others += sep[j] != SEP_DOT && sep[j] != SEP_COMMA;
    }
    if (style == NUM_DOT) {
        dec = '.', grp = ',';
    } else if (style == NUM_COMMA) {
        dec = ',', grp = '.';
    } else if (dots && commas) {
        char last = 0;
        for (size_t j = 0; j < nsep; j++)
            if (sep[j] == SEP_DOT || sep[j] == SEP_COMMA)
                last = sep[j];
        dec = last, grp = last == '.' ? ',' : '.';
    } else if (dots > 1) {
        dec = ',', grp = '.';
    } else if (dots == 1 || commas > 1) {
        dec = '.', grp = ',';
    } else if (commas == 1) {
        /* "1,234" groups thousands; "1234,5", "0,125", "1,2345" are decimals */
        int thousands = nsep == 1 && others == 0 && run_len[0] >= 1 && run_len[0] <= 3 &&
                        s[run_at[0]] != '0' && run_len[1] == 3;
        dec = thousands ? '.' : ',', grp = thousands ? ',' : '.';
    } else {
        dec = '.', grp = ',';
    }

    size_t dec_idx = nsep; /* index of the separator before the fraction, nsep: none */
    for (size_t j = 0; j < nsep; j++) {
        if (sep[j] == dec) {
            if (dec_idx != nsep)
                return not_number(err, s0, len0, _("(two decimal separators)"), style);
            dec_idx = j;
        }
    }
    if (dec_idx != nsep && dec_idx != nsep - 1)
        return not_number(err, s0, len0, _("(a thousands separator after the decimals)"), style);
    char group_kind = 0;
    for (size_t j = 0; j < dec_idx && j < nsep; j++) {
        if (sep[j] != grp && sep[j] != SEP_SPACE && sep[j] != SEP_NBSP && sep[j] != SEP_NNBSP && sep[j] != SEP_APOS)
            return not_number(err, s0, len0, NULL, style);
        if (group_kind && sep[j] != group_kind)
            return not_number(err, s0, len0, _("(mixed thousands separators)"), style);
        group_kind = sep[j];
    }
    size_t int_runs = dec_idx == nsep ? nruns : dec_idx + 1;
    if (int_runs > 1) {
        if (run_len[0] < 1 || run_len[0] > 3)
            return not_number(err, s0, len0, _("(thousands separators must group three digits)"), style);
        if (s[run_at[0]] == '0') /* "0.125" with a decimal comma is no thousands */
            return not_number(err, s0, len0, _("(a thousands separator after a leading zero)"), style);
        for (size_t j = 1; j < int_runs; j++)
            if (run_len[j] != 3)
                return not_number(err, s0, len0, _("(thousands separators must group three digits)"), style);
    } else if (run_len[0] == 0 && dec_idx == nsep) {
        return not_number(err, s0, len0, NULL, style);
    }

    /* digits */
    for (size_t j = 0; j < int_runs; j++) {
        for (size_t k = 0; k < run_len[j]; k++) {
            char c = s[run_at[j] + k];
            if (n->nint == 0 && c == '0')
                continue;
            n->intd[n->nint++] = c;
        }
    }
    if (dec_idx != nsep) {
        const char *f = s + run_at[nruns - 1];
        for (size_t k = 0; k < run_len[nruns - 1]; k++) {
            if (n->nfrac < VALUE__FRAC_KEEP)
                n->frac[n->nfrac++] = f[k];
            else if (f[k] != '0')
                n->frac_tail = 1;
        }
    }
    return EMB_OK;
}

int value__number_scaled(const value__number *n, int scale, int64_t *out)
{
    uint64_t v = 0;
    if (scale < 0 || scale > 18)
        return -1;
    for (size_t i = 0; i < n->nint + (size_t)scale; i++) {
        unsigned d = i < n->nint ? (unsigned)(n->intd[i] - '0')
                     : i - n->nint < n->nfrac ? (unsigned)(n->frac[i - n->nint] - '0')
                                              : 0;
        if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, d, &v))
            return -1;
    }
    if ((size_t)scale < n->nfrac && n->frac[scale] >= '5' && __builtin_add_overflow(v, 1u, &v))
        return -1;
    if (v > (uint64_t)INT64_MAX)
        return -1;
    *out = n->neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

int value__number_whole(const value__number *n)
{
    for (size_t i = 0; i < n->nfrac; i++)
        if (n->frac[i] != '0')
            return 0;
    return !n->frac_tail;
}

static emb_code too_large(emb_err *err, const char *s, size_t len)
{
    char shown[VALUE__SHOWN_MAX];
    value__shown(s, len, shown);
    return emb_err_set(err, EMB_INVALID, _("\"%s\" is too large"), shown);
}

/* ---- public parsers ----------------------------------------------------------------- */

emb_code value_parse_decimal(const char *s, number_style style, int scale, int64_t *out, emb_err *err)
{
    size_t len = SIZE_MAX;
    const char *t = value__trim(s ? s : "", &len);
    value__number n;
    emb_code rc = value__scan_number(t, len, style, VALUE__CURRENCY, &n, err);
    if (rc != EMB_OK)
        return rc;
    if (value__number_scaled(&n, scale, out) != 0)
        return too_large(err, t, len);
    return EMB_OK;
}

int value_currency_exponent(const char *code)
{
    static const char zero[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
    static const char four[] = "CLF UYW";
    if (!code || strlen(code) != 3)
        return 2;
    char c[4];
    for (int i = 0; i < 3; i++) {
        c[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
        if (c[i] < 'A' || c[i] > 'Z')
            return 2;
    }
    c[3] = '\0'; /* three letters only match whole codes of the space-separated lists */
    if (strstr(zero, c))
        return 0;
    if (strstr(three, c))
        return 3;
    if (strstr(four, c))
        return 4;
    return 2;
}

/* Whether a written currency marker agrees with the currency code. */
static int currency_agrees(const char *mark, const char *code)
{
    static const struct {
        const char *symbol, *codes;
    } map[] = {
        {"$", NULL}, {"US$", "USD"}, {"R$", "BRL"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY CNY"},
        {"₹", "INR"}, {"₩", "KRW"},  {"₽", "RUB"},  {"₺", "TRY"},
    };
    if (!mark[0] || !code)
        return 1;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(mark, map[i].symbol))
            continue;
        if (!map[i].codes)
            return 1;
        for (const char *c = map[i].codes; *c; c += c[3] ? 4 : 3)
            if (!strncasecmp(c, code, 3) && strlen(code) == 3)
                return 1;
        return 0;
    }
    return !strcasecmp(mark, code);
}

emb_code value_parse_money(const char *s, number_style style, const char *currency, int64_t *minor, emb_err *err)
{
    size_t len = SIZE_MAX;
    const char *t = value__trim(s ? s : "", &len);
    value__number n;
    emb_code rc = value__scan_number(t, len, style, VALUE__CURRENCY, &n, err);
    if (rc != EMB_OK)
        return rc;
    if (!currency_agrees(n.currency, currency)) {
        char shown[VALUE__SHOWN_MAX];
        value__shown(t, len, shown);
        return emb_err_set(err, EMB_INVALID, _("\"%s\" is in %s, not %s: give the amount in %s or set its currency"),
                           shown, n.currency, currency, currency);
    }
    if (value__number_scaled(&n, value_currency_exponent(currency), minor) != 0 || *minor > VALUE_MONEY_MAX ||
        *minor < -VALUE_MONEY_MAX) {
        char shown[VALUE__SHOWN_MAX];
        value__shown(t, len, shown);
        return value_money_limit_error(shown, currency, err);
    }
    return EMB_OK;
}

emb_code value_money_limit_error(const char *shown, const char *currency, emb_err *err)
{
    /* VALUE_MONEY_MAX in major units with thousands separators: 10^(12 - exponent). */
    int exp = value_currency_exponent(currency);
    char whole[32], frac[8] = "";
    size_t k = 0;
    int digits = 13 - exp; /* a one and 12 - exp zeros */
    for (int i = 0; i < digits; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            whole[k++] = ',';
        whole[k++] = i == 0 ? '1' : '0';
    }
    whole[k] = '\0';
    if (exp > 0) {
        frac[0] = '.';
        memset(frac + 1, '0', (size_t)exp);
        frac[exp + 1] = '\0';
    }
    return emb_err_set(err, EMB_INVALID,
                       _("\"%s\" is too large: an amount may be at most %s%s%s%s (10^12 minor units)"),
                       shown, whole, frac, currency ? " " : "", currency ? currency : "");
}

emb_code value_parse_bp(const char *s, number_style style, int64_t *bp, emb_err *err)
{
    size_t len = SIZE_MAX;
    const char *t = value__trim(s ? s : "", &len);
    value__number n;
    emb_code rc = value__scan_number(t, len, style, VALUE__PERCENT, &n, err);
    if (rc != EMB_OK)
        return rc;
    /* a bare number <= 1 is a fraction */
    int fraction = !n.percent && (n.nint == 0 || (n.nint == 1 && n.intd[0] == '1' && value__number_whole(&n)));
    int64_t v;
    char shown[VALUE__SHOWN_MAX];
    if (value__number_scaled(&n, fraction ? 4 : 2, &v) != 0 || v > 10000) {
        value__shown(t, len, shown);
        return emb_err_set(err, EMB_INVALID,
                           _("\"%s\" is above 100 %%: write a percentage like 15%% or 15, or a fraction like 0.15"),
                           shown);
    }
    if (v < 0) {
        value__shown(t, len, shown);
        return emb_err_set(err, EMB_INVALID, _("\"%s\" is negative: a percentage is between 0 and 100 %%"), shown);
    }
    *bp = v;
    return EMB_OK;
}

/* ---- formatting ----------------------------------------------------------------------- */

const char *value_format_decimal(int64_t value, int scale, arena *a)
{
    uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    if (scale < 0)
        scale = 0;
    if (scale > 18)
        scale = 18;
    uint64_t pow = 1;
    for (int i = 0; i < scale; i++)
        pow *= 10;
    uint64_t ip = mag / pow, fp = mag % pow;
    char frac[24] = "";
    if (fp) {
        snprintf(frac, sizeof frac, ".%0*llu", scale, (unsigned long long)fp);
        size_t n = strlen(frac);
        while (frac[n - 1] == '0')
            frac[--n] = '\0';
    }
    return arena_printf(a, "%s%llu%s", value < 0 ? "-" : "", (unsigned long long)ip, frac);
}

const char *value_format_money(int64_t minor, const char *currency, arena *a)
{
    int e = value_currency_exponent(currency);
    uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    uint64_t pow = 1;
    for (int i = 0; i < e; i++)
        pow *= 10;
    if (e == 0)
        return arena_printf(a, "%s%llu", minor < 0 ? "-" : "", (unsigned long long)mag);
    return arena_printf(a, "%s%llu.%0*llu", minor < 0 ? "-" : "", (unsigned long long)(mag / pow), e,
                        (unsigned long long)(mag % pow));
}

const char *value_format_bp(int64_t bp, arena *a) { return value_format_decimal(bp, 4, a); }

/* ---- the decimal separator of a set of values ------------------------------------ */

unsigned value_number_styles(const char *s)
{
    size_t len = SIZE_MAX;
    const char *t = value__trim(s ? s : "", &len);
    if (!memchr(t, '.', len) && !memchr(t, ',', len))
        return (1u << NUM_DOT) | (1u << NUM_COMMA);
    value__number n;
    emb_err ignored;
    unsigned mask = 0;
    if (value__scan_number(t, len, NUM_DOT, VALUE__CURRENCY | VALUE__PERCENT, &n, &ignored) == EMB_OK)
        mask |= 1u << NUM_DOT;
    if (value__scan_number(t, len, NUM_COMMA, VALUE__CURRENCY | VALUE__PERCENT, &n, &ignored) == EMB_OK)
        mask |= 1u << NUM_COMMA;
    return mask;
}

static void census_keep(char out[VALUE_CENSUS_SHOWN], const char *s)
{
    if (out[0])
        return;
    size_t len = SIZE_MAX;
    const char *t = value__trim(s, &len);
    value__shown(t, len, out);
}

void value_number_census_add(value_number_census *c, const char *s)
{
    if (!s || (!strchr(s, '.') && !strchr(s, ',')))
        return;
    unsigned mask = value_number_styles(s);
    if (mask == 1u << NUM_DOT) {
        c->point++;
        census_keep(c->point_example, s);
    } else if (mask == 1u << NUM_COMMA) {
        c->comma++;
        census_keep(c->comma_example, s);
    } else if (mask) {
        /* Readable both ways: one '.' or ',' followed by three digits (1.500, 1,500). */
        int dot = strchr(s, '.') != NULL;
        if (dot)
            c->ambiguous_dot++;
        else
            c->ambiguous_comma++;
        for (size_t i = 0; i < c->nshown; i++)
            if (!strcmp(c->shown[i], s))
                return;
        if (c->nshown < VALUE_CENSUS_EXAMPLES) {
            c->shown[c->nshown][0] = '\0';
            census_keep(c->shown[c->nshown++], s);
        }
    }
}

emb_code value_number_census_decide(const value_number_census *c, char locale_decimal, number_style *out,
                                    emb_err *err)
{
    if (c->point && c->comma)
        return emb_err_set_why(err, EMB_INVALID, EMB_WHY_NUMBER,
                           _("mixes numbers with a decimal point (\"%s\") and with a decimal comma (\"%s\")"),
                           c->point_example, c->comma_example);
    if (c->point || c->comma) {
        *out = c->point ? NUM_DOT : NUM_COMMA;
        return EMB_OK;
    }
    if (!c->ambiguous_dot && !c->ambiguous_comma) {
        *out = NUM_DOT; /* no value depends on the separator */
        return EMB_OK;
    }
    /* Only values like 1.500 or 1,500: the locale reads them when its thousands
     * separator is the one written (es 1.500 = 1500, en 1,500 = 1500); the other
     * separator with three decimals is as likely a foreign file's thousands. */
    if (locale_decimal == ',' && !c->ambiguous_comma) {
        *out = NUM_COMMA;
        return EMB_OK;
    }
    if (locale_decimal == '.' && !c->ambiguous_dot) {
        *out = NUM_DOT;
        return EMB_OK;
    }
    char list[VALUE_CENSUS_EXAMPLES * (VALUE_CENSUS_SHOWN + 4)];
    size_t n = 0;
    list[0] = '\0';
    for (size_t i = 0; i < c->nshown; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s\"%s\"", i ? ", " : "", c->shown[i]);
    int64_t as_point = 0, as_comma = 0;
    emb_err ignored;
    arena a;
    arena_init(&a, 256);
    value_parse_decimal(c->shown[0], NUM_DOT, 3, &as_point, &ignored);
    value_parse_decimal(c->shown[0], NUM_COMMA, 3, &as_comma, &ignored);
    emb_code rc = emb_err_set_why(err, EMB_INVALID, EMB_WHY_NUMBER,
                              _("%s can be read two ways: \"%s\" is %s with a decimal point and %s with a "
                                "decimal comma"),
                              list, c->shown[0], value_format_decimal(as_point, 3, &a),
                              value_format_decimal(as_comma, 3, &a));
    arena_release(&a);
    return rc;
}
