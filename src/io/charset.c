/*
 * charset.c - encodings of imported files; see charset.h.
 *
 * Detection reads only the head the caller gives (the reader's first chunk), so a
 * plain UTF-8 file costs one validity scan of its first 64 KiB. Conversion goes
 * through ICU's ucnv_convertEx with a pivot buffer kept between calls, so input
 * and output may be cut anywhere.
 */
#include "io/charset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include "core/i18n.h"

static const struct {
    const char *option; /* as typed */
    charset_id id;
} names[] = {
    {"utf-8", CHARSET_UTF8},           {"utf8", CHARSET_UTF8},
    {"windows-1252", CHARSET_WINDOWS_1252}, {"cp1252", CHARSET_WINDOWS_1252},
    {"latin1", CHARSET_LATIN1},        {"latin-1", CHARSET_LATIN1},
    {"iso-8859-1", CHARSET_LATIN1},    {"iso8859-1", CHARSET_LATIN1},
    {"utf-16", CHARSET_UTF16},         {"utf16", CHARSET_UTF16},
    {"utf-16le", CHARSET_UTF16LE},     {"utf-16be", CHARSET_UTF16BE},
};

int charset_parse(const char *name, charset_id *out)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(name, names[i].option)) {
            *out = names[i].id;
            return 0;
        }
    return -1;
}

const char *charset_name(charset_id id)
{
    switch (id) {
    case CHARSET_UTF8:
        return "UTF-8";
    case CHARSET_WINDOWS_1252:
        return "windows-1252";
    case CHARSET_LATIN1:
        return "ISO-8859-1";
    case CHARSET_UTF16:
    case CHARSET_UTF16LE:
        return "UTF-16LE";
    case CHARSET_UTF16BE:
        return "UTF-16BE";
    default:
        return "auto";
    }
}

/* ---- detection ------------------------------------------------------------------ */

/* Length of the UTF-8 sequence starting at s[0..n): > 0 when valid, 0 when invalid,
 * -1 when cut short by the end of s (may still be valid). */
static int utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        if (k >= n)
            return -1;
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return (int)need + 1;
}

typedef struct {
    size_t first_bad; /* offset of the first invalid byte, or SIZE_MAX */
    size_t multi;     /* valid multi-byte sequences */
} utf8_scan;

static utf8_scan scan_utf8(const unsigned char *s, size_t n, int complete)
{
    utf8_scan r = {SIZE_MAX, 0};
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int k = utf8_seq(s + i, n - i);
        if (k < 0 && !complete)
            break; /* a character cut by the end of the head */
        if (k <= 0) {
            if (r.first_bad == SIZE_MAX)
                r.first_bad = i;
            i++;
            continue;
        }
        r.multi++;
        i += (size_t)k;
    }
    return r;
}

static int is_latin(const char *name) { return !strcmp(name, "ISO-8859-1") || !strcmp(name, "windows-1252"); }

static int is_utf16(const char *name) { return !strcmp(name, "UTF-16LE") || !strcmp(name, "UTF-16BE"); }

/* head read as charset a and as b gives the same text (both convert cleanly). */
static int same_text(const char *a, const char *b, const unsigned char *head, size_t n)
{
    int same = 0;
    UErrorCode e = U_ZERO_ERROR;
    UConverter *ca = ucnv_open(a, &e), *cb = U_SUCCESS(e) ? ucnv_open(b, &e) : NULL;
    UChar *ua = malloc((n + 1) * sizeof *ua), *ub = malloc((n + 1) * sizeof *ub);
    if (U_SUCCESS(e) && ua && ub && n < INT32_MAX) {
        int32_t la = ucnv_toUChars(ca, ua, (int32_t)n + 1, (const char *)head, (int32_t)n, &e);
        int32_t lb = U_SUCCESS(e) ? ucnv_toUChars(cb, ub, (int32_t)n + 1, (const char *)head, (int32_t)n, &e) : -1;
        same = U_SUCCESS(e) && la == lb && !memcmp(ua, ub, (size_t)la * sizeof *ua);
    }
    free(ua);
    free(ub);
    if (ca)
        ucnv_close(ca);
    if (cb)
        ucnv_close(cb);
    return same;
}

/* "line 2 has the byte E9 (after "Z1,caf")" for the first byte that is not UTF-8. */
static void describe_bad(const unsigned char *head, size_t n, size_t at, char *out, size_t cap)
{
    long long line = 1;
    size_t start = 0;
    for (size_t i = 0; i < at; i++)
        if (head[i] == '\n') {
            line++;
            start = i + 1;
        }
    if (at - start > 24)
        start = at - 24;
    char ctx[32];
    size_t k = 0;
    for (size_t i = start; i < at && k + 1 < sizeof ctx; i++)
        ctx[k++] = head[i] >= 0x20 && head[i] < 0x7F && head[i] != '"' ? (char)head[i] : '?';
    ctx[k] = '\0';
    char hex[16];
    size_t h = 0;
    for (size_t i = at; i < n && i < at + 3 && head[i] >= 0x80; i++)
        h += (size_t)snprintf(hex + h, sizeof hex - h, "%s%02X", h ? " " : "", head[i]);
    if (k)
        snprintf(out, cap,
                 h > 2 ? _("line %lld has the bytes %s after \"%s\"") : _("line %lld has the byte %s after \"%s\""),
                 line, hex, ctx);
    else
        snprintf(out, cap, h > 2 ? _("line %lld starts with the bytes %s") : _("line %lld starts with the byte %s"),
                 line, hex);
}

static emb_code refuse(const unsigned char *head, size_t n, size_t bad, const UCharsetMatch **m, int32_t nm,
                       emb_err *err)
{
    char where[160], guesses[200];
    size_t g = 0;
    guesses[0] = '\0';
    for (int32_t i = 0; i < nm && i < 3 && g < sizeof guesses; i++) {
        UErrorCode e = U_ZERO_ERROR;
        const char *name = ucsdet_getName(m[i], &e);
        int32_t conf = ucsdet_getConfidence(m[i], &e);
        if (U_SUCCESS(e))
            g += (size_t)snprintf(guesses + g, sizeof guesses - g, "%s%s %d%%", g ? ", " : "", name, (int)conf);
    }
    if (bad == SIZE_MAX)
        snprintf(where, sizeof where, "%s", _("it holds NUL bytes"));
    else
        describe_bad(head, n, bad, where, sizeof where);
    if (!g)
        return emb_err_set(err, EMB_INVALID,
                           _("not UTF-8 text (%s), and its encoding cannot be told with confidence (no guess); give "
                             "--encoding %s, or save the file as UTF-8"),
                           where, CHARSET_OPTION_NAMES);
    return emb_err_set(err, EMB_INVALID,
                       _("not UTF-8 text (%s), and its encoding cannot be told with confidence (guesses: %s); give "
                         "--encoding %s, or save the file as UTF-8"),
                       where, guesses, CHARSET_OPTION_NAMES);
}

/* Asks ICU about a head that is not plain UTF-8. */
static emb_code detect(const unsigned char *head, size_t n, size_t bad, charset_choice *out, emb_err *err)
{
    UErrorCode e = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&e);
    int32_t nm = 0;
    const UCharsetMatch **m = NULL;
    if (U_SUCCESS(e) && n <= INT32_MAX) {
        ucsdet_setText(d, (const char *)head, (int32_t)n, &e);
        m = U_SUCCESS(e) ? ucsdet_detectAll(d, &nm, &e) : NULL;
    }
    if (!d || e == U_MEMORY_ALLOCATION_ERROR) {
        if (d)
            ucsdet_close(d);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    if (U_FAILURE(e) || !m) /* ICU has no guess at all */
        nm = 0;
    emb_code rc = EMB_OK;
    int32_t latin = -1;
    for (int32_t i = 0; i < nm && latin < 0; i++) {
        UErrorCode e2 = U_ZERO_ERROR;
        if (is_latin(ucsdet_getName(m[i], &e2)))
            latin = i;
    }
    UErrorCode e3 = U_ZERO_ERROR;
    const char *top = nm ? ucsdet_getName(m[0], &e3) : "";
    int32_t top_conf = nm ? ucsdet_getConfidence(m[0], &e3) : 0;
    if (nm && is_utf16(top) && top_conf >= 50) {
        *out = (charset_choice){.id = strcmp(top, "UTF-16LE") ? CHARSET_UTF16BE : CHARSET_UTF16LE,
                                .detected = 1, .confidence = top_conf};
    } else if (bad == SIZE_MAX) {
        /* Valid UTF-8 with NUL bytes, not UTF-16: the reader refuses the NUL's cell. */
        *out = (charset_choice){.id = CHARSET_UTF8};
    } else if (latin < 0) {
        rc = refuse(head, n, bad, m, nm, err);
    } else {
        int32_t conf = ucsdet_getConfidence(m[latin], &e3);
        for (int32_t i = 0; i < latin && !rc; i++) {
            UErrorCode e2 = U_ZERO_ERROR;
            const char *name = ucsdet_getName(m[i], &e2);
            if (ucsdet_getConfidence(m[i], &e2) > conf && !same_text(name, "windows-1252", head, n))
                rc = refuse(head, n, bad, m, nm, err);
        }
        if (!rc)
            *out = (charset_choice){.id = CHARSET_WINDOWS_1252, .detected = 1, .confidence = conf};
    }
    ucsdet_close(d);
    return rc;
}

static emb_code contradicts(charset_id given, const char *bom, emb_err *err)
{
    return emb_err_set(err, EMB_INVALID,
                       _("the file starts with a %s byte-order mark, but --encoding %s was given; leave "
                         "--encoding out"),
                       bom, charset_name(given));
}

emb_code charset_decide(charset_id given, const unsigned char *head, size_t n, int complete, charset_choice *out,
                        emb_err *err)
{
    *out = (charset_choice){.id = CHARSET_UTF8};
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) {
        if (given != CHARSET_AUTO && given != CHARSET_UTF8)
            return contradicts(given, "UTF-8", err);
        out->bom = 3;
        return EMB_OK;
    }
    if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))) {
        charset_id id = head[0] == 0xFF ? CHARSET_UTF16LE : CHARSET_UTF16BE;
        if (given != CHARSET_AUTO && given != CHARSET_UTF16 && given != id)
            return contradicts(given, charset_name(id), err);
        *out = (charset_choice){.id = id, .bom = 2};
        return EMB_OK;
    }
    if (given != CHARSET_AUTO) {
        out->id = given == CHARSET_UTF16 ? CHARSET_UTF16LE : given;
        return EMB_OK;
    }
    utf8_scan s = scan_utf8(head, n, complete);
    if (s.first_bad == SIZE_MAX && !memchr(head, 0, n))
        return EMB_OK;
    if (s.first_bad != SIZE_MAX && s.multi > 0)
        return EMB_OK; /* UTF-8 with some damaged bytes: those rows are refused */
    return detect(head, n, s.first_bad, out, err);
}

/* ---- conversion ------------------------------------------------------------------- */

enum { PIVOT = 1024 };

/* Two stages: input to UTF-16 in pivot[psrc..ptgt), then UTF-16 to UTF-8. An
 * error of the first stage waits (pending) until the text before it is out. */
struct charset_conv {
    UConverter *from, *to;
    charset_id id;
    UChar pivot[PIVOT];
    UChar *psrc, *ptgt;
    UErrorCode pending; /* U_ZERO_ERROR, or the first stage's error */
    int flushed;        /* the whole input went through the first stage */
};

emb_code charset_conv_open(charset_id id, charset_conv **out, emb_err *err)
{
    *out = NULL;
    charset_conv *c = calloc(1, sizeof *c);
    if (!c)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    c->id = id == CHARSET_UTF16 ? CHARSET_UTF16LE : id;
    UErrorCode e = U_ZERO_ERROR;
    c->from = ucnv_open(charset_name(c->id), &e);
    if (U_SUCCESS(e))
        c->to = ucnv_open("UTF-8", &e);
    if (U_SUCCESS(e))
        ucnv_setToUCallBack(c->from, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &e);
    if (U_SUCCESS(e))
        ucnv_setFromUCallBack(c->to, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &e);
    if (U_FAILURE(e)) {
        charset_conv_close(c);
        return emb_err_set(err, EMB_INTERNAL, _("cannot convert from %s: %s"), charset_name(id), u_errorName(e));
    }
    c->psrc = c->ptgt = c->pivot;
    c->pending = U_ZERO_ERROR;
    *out = c;
    return EMB_OK;
}

void charset_conv_close(charset_conv *c)
{
    if (!c)
        return;
    if (c->from)
        ucnv_close(c->from);
    if (c->to)
        ucnv_close(c->to);
    free(c);
}

static emb_code conv_error(const charset_conv *c, UErrorCode e, emb_err *err)
{
    if (e == U_TRUNCATED_CHAR_FOUND)
        return emb_err_set(err, EMB_INVALID, _("the file ends in the middle of a %s character"), charset_name(c->id));
    return emb_err_set(err, EMB_INVALID, _("bytes that are not %s text (%s); give the file's --encoding (%s)"),
                       charset_name(c->id), u_errorName(e), CHARSET_OPTION_NAMES);
}

emb_code charset_conv_run(charset_conv *c, const char **src, const char *src_end, char **dst, char *dst_end,
                          int flush, emb_err *err)
{
    for (;;) {
        if (c->psrc < c->ptgt) {
            UErrorCode e = U_ZERO_ERROR;
            const UChar *p = c->psrc;
            ucnv_fromUnicode(c->to, dst, dst_end, &p, c->ptgt, NULL, 0, &e);
            c->psrc = (UChar *)(uintptr_t)p;
            if (e == U_BUFFER_OVERFLOW_ERROR)
                return EMB_OK; /* the output is full */
            if (U_FAILURE(e))
                return conv_error(c, e, err);
        }
        if (c->pending != U_ZERO_ERROR)
            return conv_error(c, c->pending, err);
        if (c->flushed || (*src == src_end && !flush))
            return EMB_OK;
        c->psrc = c->ptgt = c->pivot;
        UErrorCode e = U_ZERO_ERROR;
        ucnv_toUnicode(c->from, &c->ptgt, c->pivot + PIVOT, src, src_end, NULL, flush, &e);
        if (U_FAILURE(e) && e != U_BUFFER_OVERFLOW_ERROR)
            c->pending = e;
        else if (flush && *src == src_end && e != U_BUFFER_OVERFLOW_ERROR)
            c->flushed = 1;
    }
}
