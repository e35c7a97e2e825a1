/*
 * fuzz_number.c - decimals, money and basis points (value_number.c).
 *
 * Input: byte 0 picks the number style and the scale, the rest is the text.
 * Properties: nothing crashes; a parsed value formats to text that parses back to
 * the same value; scales agree (|10 x v(s) - v(s+1)| <= 5); bp stay in 0..10000.
 */
#include "core/value.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char buf[FUZZ_MAX_INPUT + 1];
    number_style style = (number_style)(data[0] % 3);
    int scale = (data[0] / 3) % 19;
    const char *s = fuzz_text(data + 1, size - 1, buf);
    arena a;
    arena_init(&a, 0);
    emb_err err;

    int64_t v, w;
    if (value_parse_decimal(s, style, scale, &v, &err) == EMB_OK) {
        const char *t = value_format_decimal(v, scale, &a);
        FUZZ_CHECK(value_parse_decimal(t, NUM_DOT, scale, &w, &err) == EMB_OK, "\"%s\" -> \"%s\": %s", s, t, err.msg);
        FUZZ_CHECK(w == v, "\"%s\" -> %lld -> \"%s\" -> %lld", s, (long long)v, t, (long long)w);
        if (scale < 18 && value_parse_decimal(s, style, scale + 1, &w, &err) == EMB_OK) {
            __int128 diff = (__int128)10 * v - w;
            FUZZ_CHECK(diff >= -5 && diff <= 5, "\"%s\": scale %d %lld, scale %d %lld", s, scale, (long long)v,
                       scale + 1, (long long)w);
        }
    } else {
        FUZZ_CHECK(err.code == EMB_INVALID && err.msg[0], "\"%s\": code %d", s, err.code);
    }

    static const char *const currencies[] = {"USD", "JPY", "KWD", "CLF", "EUR", NULL};
    for (size_t i = 0; i < sizeof currencies / sizeof currencies[0]; i++) {
        if (value_parse_money(s, style, currencies[i], &v, &err) != EMB_OK)
            continue;
        const char *t = value_format_money(v, currencies[i], &a);
        FUZZ_CHECK(value_parse_money(t, NUM_AUTO, currencies[i], &w, &err) == EMB_OK && w == v, "\"%s\" -> \"%s\"",
                   s, t);
        FUZZ_CHECK(value_parse_money(t, NUM_DOT, currencies[i], &w, &err) == EMB_OK && w == v, "\"%s\" -> \"%s\"",
                   s, t);
    }

    if (value_parse_bp(s, style, &v, &err) == EMB_OK) {
        FUZZ_CHECK(v >= 0 && v <= 10000, "\"%s\" -> %lld bp", s, (long long)v);
        const char *t = value_format_bp(v, &a);
        FUZZ_CHECK(value_parse_bp(t, NUM_AUTO, &w, &err) == EMB_OK && w == v, "\"%s\" -> \"%s\"", s, t);
    }
    arena_release(&a);
    return 0;
}
