/*
 * fuzz_date.c - dates, instants, --date-format matching and date order detection
 * (value_date.c), in Europe/Madrid.
 *
 * Input: byte 0 picks the mode and order. Mode 0: the rest is one value, parsed as
 * a date and as an instant. Mode 1: the rest is "FORMAT\nVALUE". Mode 2: the rest
 * is a column of values, one per line, for value_detect_date_order.
 * Properties: no crash; a parsed date is a valid ISO date; a parsed instant
 * formats to text that parses back to the same instant; detection gives an order
 * or a message asking for --date-format.
 */
#include "core/period.h"
#include "core/value.h"
#include "fuzz.h"

/* The zone is opened once and never freed: read-only after open, as tz.h promises. */
static const tz *madrid(void)
{
    static tz *zone;
    if (!zone) {
        emb_err err;
        if (tz_open("Europe/Madrid", &zone, &err) != EMB_OK)
            abort();
    }
    return zone;
}

static void one_value(const char *s, date_order order, const char *format)
{
    arena a;
    arena_init(&a, 0);
    emb_err err;
    char out[11];
    int64_t days, utc, back;
    if (value_parse_date(s, order, format, out, &err) == EMB_OK)
        FUZZ_CHECK(date_parse_iso(out, &days) == 0, "\"%s\" -> \"%s\"", s, out);
    else
        FUZZ_CHECK(err.msg[0] && (err.code == EMB_INVALID || err.code == EMB_USAGE), "\"%s\"", s);
    if (value_parse_instant(s, order, format, madrid(), &utc, &err) == EMB_OK) {
        for (int date_only = 0; date_only < 2; date_only++) {
            const char *t = value_format_instant(utc, madrid(), date_only, &a);
            FUZZ_CHECK(value_parse_instant(t, DATE_ISO, NULL, madrid(), &back, &err) == EMB_OK, "\"%s\" -> \"%s\": %s",
                       s, t, err.msg);
            FUZZ_CHECK(back == utc, "\"%s\" -> %lld -> \"%s\" -> %lld", s, (long long)utc, t, (long long)back);
        }
    }
    arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char buf[FUZZ_MAX_INPUT + 1];
    date_order order = (date_order)(data[0] % 4);
    int mode = (data[0] / 4) % 3;
    char *s = fuzz_text(data + 1, size - 1, buf);
    if (mode == 0) {
        one_value(s, order, NULL);
    } else if (mode == 1) {
        char *nl = strchr(s, '\n');
        if (!nl)
            return 0;
        *nl = '\0';
        emb_err err;
        if (value_check_date_format(s, &err) != EMB_OK)
            FUZZ_CHECK(err.code == EMB_USAGE, "format \"%s\"", s);
        one_value(nl + 1, order, s);
    } else {
        const char *values[256];
        size_t n = 0;
        for (char *p = s; p && n < 256;) {
            values[n++] = p;
            p = strchr(p, '\n');
            if (p)
                *p++ = '\0';
        }
        date_order detected;
        emb_err err;
        if (value_detect_date_order(values, n, &detected, &err) == EMB_OK) {
            FUZZ_CHECK(detected == DATE_ISO || detected == DATE_DMY || detected == DATE_MDY, "order %d", detected);
            for (size_t i = 0; i < n; i++)
                one_value(values[i], detected, NULL);
        } else {
            FUZZ_CHECK(strstr(err.msg, "--date-format") != NULL, "%s", err.msg);
        }
    }
    return 0;
}
