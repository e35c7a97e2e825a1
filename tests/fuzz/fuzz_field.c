/*
 * fuzz_field.c - value_parse_field and value_format_field over every non-reference
 * field of every kind, and goal targets (value_field.c).
 *
 * Input: byte 0 picks the field (or a target metric) and the number style, the
 * rest is the text. Properties: no crash; a parsed value formats to text that
 * parses back to the same value (export then import keeps it); enumerations give
 * one of the field's values; text is valid UTF-8 without stray control characters.
 */
#include "core/value.h"
#include "fuzz.h"

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

/* The index-th field that is not a reference, cycling through all kinds. */
static const field_def *pick_field(unsigned index)
{
    size_t total = 0;
    for (const kind_def *const *k = kind_all(); *k; k++)
        for (size_t i = 0; i < (*k)->nfields; i++)
            total += (*k)->fields[i].type != FT_REF;
    index %= (unsigned)total;
    for (const kind_def *const *k = kind_all(); *k; k++)
        for (size_t i = 0; i < (*k)->nfields; i++)
            if ((*k)->fields[i].type != FT_REF && index-- == 0)
                return &(*k)->fields[i];
    return NULL;
}

static void target(const char *metric, const char *s, const parse_opts *opts, arena *a)
{
    int64_t v, w;
    emb_err err;
    if (value_parse_target(metric, s, opts, &v, &err) != EMB_OK)
        return;
    FUZZ_CHECK(v >= 0, "%s \"%s\" -> %lld", metric, s, (long long)v);
    const char *t = value_format_target(metric, v, opts->currency, a);
    parse_opts dot = *opts;
    dot.numbers = NUM_DOT;
    FUZZ_CHECK(value_parse_target(metric, t, &dot, &w, &err) == EMB_OK && w == v, "%s \"%s\" -> \"%s\"", metric, s,
               t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char buf[FUZZ_MAX_INPUT + 1];
    const char *s = fuzz_text(data + 1, size - 1, buf);
    period_calendar cal = {.fiscal_year_start = 4, .week_start = 1};
    parse_opts opts = {.zone = madrid(), .currency = "EUR", .numbers = (number_style)(data[0] % 3),
                       .calendar = &cal, .now = 1784025015};
    arena a;
    arena_init(&a, 0);
    if (data[0] >= 240) {
        static const char *const metrics[] = {"revenue_won", "win_rate", "deals_won", "gross_margin"};
        target(metrics[data[0] % 4], s, &opts, &a);
        arena_release(&a);
        return 0;
    }
    const field_def *f = pick_field(data[0] / 3);
    const char *currency = data[0] & 1 ? "JPY" : NULL;
    field_value v, w;
    emb_err err;
    if (value_parse_field(f, s, &opts, currency, &a, &v, &err) == EMB_OK) {
        FUZZ_CHECK(v.state == FV_SET || v.state == FV_NULL, "%s", f->name);
        if (f->type == FT_ENUM && v.state == FV_SET)
            FUZZ_CHECK(field_enum_valid(f, v.s), "%s \"%s\" -> \"%s\"", f->name, s, v.s);
        if (f->type != FT_TARGET) {
            const char *cur = currency ? currency : opts.currency;
            const char *t = value_format_field(f, &v, cur, opts.zone, &a);
            parse_opts dot = opts;
            dot.numbers = NUM_DOT;
            FUZZ_CHECK(value_parse_field(f, t, &dot, currency, &a, &w, &err) == EMB_OK, "%s \"%s\" -> \"%s\": %s",
                       f->name, s, t, err.msg);
            FUZZ_CHECK(w.state == v.state && w.i == v.i, "%s \"%s\" -> \"%s\"", f->name, s, t);
            FUZZ_CHECK((!v.s && !w.s) || (v.s && w.s && !strcmp(v.s, w.s)), "%s \"%s\" -> \"%s\"", f->name, s, t);
        }
    } else {
        FUZZ_CHECK(err.msg[0] && err.code == EMB_INVALID, "%s \"%s\": %d", f->name, s, err.code);
    }
    arena_release(&a);
    return 0;
}
