/* emit.c - CSV cells and JSON values written to a stream; see emit.h. */
#include "io/emit.h"

#include <string.h>

/* One thread writes each stream: skip stdio's per-call locking (glibc). */
#define putc putc_unlocked
#define fwrite fwrite_unlocked
#define fputs fputs_unlocked

void emit_csv_cell(FILE *f, const char *s) { emit_csv_cell_sep(f, s, ','); }

void emit_csv_cell_sep(FILE *f, const char *s, char sep)
{
    if (!s || !*s)
        return;
    size_t n = strlen(s);
    const char special[] = {sep, '"', '\r', '\n', '\0'};
    int quote = strpbrk(s, special) != NULL || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                s[n - 1] == '\t';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    putc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            putc('"', f);
        putc(*p, f);
    }
    putc('"', f);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not valid. */
static size_t utf8_valid_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void emit_json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    putc('"', f);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        /* Copy runs of bytes that need no escaping in one write. */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), f);
        unsigned char c = *p;
        if (!c)
            break;
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
            p++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            default: fprintf(f, "\\u%04x", c); break;
            }
            p++;
        } else {
            size_t len = utf8_valid_len(p);
            if (len == 0) {
                fputs("\xef\xbf\xbd", f); /* U+FFFD */
                p++;
            } else {
                fwrite(p, 1, len, f);
                p += len;
            }
        }
    }
    putc('"', f);
}

static const char *digits(const char *p)
{
    while (*p >= '0' && *p <= '9')
        p++;
    return p;
}

int emit_is_json_number(const char *s)
{
    if (!s)
        return 0;
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        p = digits(p);
    else
        return 0;
    if (*p == '.') {
        const char *q = digits(p + 1);
        if (q == p + 1)
            return 0;
        p = q;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        const char *q = digits(p);
        if (q == p)
            return 0;
        p = q;
    }
    return *p == '\0';
}

void emit_json_number(FILE *f, const char *s)
{
    if (!s || !*s)
        fputs("null", f);
    else if (emit_is_json_number(s))
        fputs(s, f);
    else
        emit_json_string(f, s);
}

void emit_json_bool(FILE *f, const char *s)
{
    if (!s || !*s)
        fputs("null", f);
    else if (!strcmp(s, "1"))
        fputs("true", f);
    else if (!strcmp(s, "0"))
        fputs("false", f);
    else
        emit_json_string(f, s);
}
