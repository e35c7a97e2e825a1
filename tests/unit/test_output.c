/* test_output.c - the CLI's tabular printer (cli/output.h) and the CSV/JSON emitters
 * (io/emit.h): exact bytes for each format, written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/output.h"
#include "io/emit.h"

/* Runs rows through the printer and returns what it wrote (malloc'd). */
static char *render(output_format fmt, const out_column *cols, size_t ncols, const char *const *cells, size_t nrows,
                    size_t max_w)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    output *o;
    emb_err err;
    assert_int_equal(output_begin(f, fmt, cols, ncols, max_w, &o, &err), EMB_OK);
    for (size_t r = 0; r < nrows; r++)
        assert_int_equal(output_row(o, cells + r * ncols, &err), EMB_OK);
    assert_int_equal(output_end(o, &err), EMB_OK);
    fclose(f);
    return buf;
}

static const out_column deal_cols[] = {{"id", OUT_TEXT}, {"title", OUT_TEXT}, {"amount", OUT_NUMBER}};
static const char *const deal_cells[] = {
    "D-1", "Renovación Año", "12000.50",
    "D-22", "日本 deal", "5.00",
    "#3", NULL, NULL,
};

static void table_aligns_by_display_width(void **state)
{
    (void)state;
    char *s = render(FORMAT_TABLE, deal_cols, 3, deal_cells, 3, 0);
    /* widths: id 4, title 14 ("Renovación Año": 14 cells), amount 8; numbers right-aligned,
     * no trailing spaces, "日本" counts 4 cells. */
    assert_string_equal(s,
                        "id    title             amount\n"
                        "----  --------------  --------\n"
                        "D-1   Renovación Año  12000.50\n"
                        "D-22  日本 deal           5.00\n"
                        "#3\n");
    free(s);
}

static void table_truncates_long_cells(void **state)
{
    (void)state;
    static const out_column cols[] = {{"name", OUT_TEXT}, {"n", OUT_NUMBER}};
    static const char *const cells[] = {"Compañía Española de Ñandúes", "1", "line\nbreak\ttab", "2"};
    char *s = render(FORMAT_TABLE, cols, 2, cells, 2, 10);
    /* cut to 9 cells + "…" = 10; control characters become spaces */
    assert_string_equal(s,
                        "name        n\n"
                        "----------  -\n"
                        "Compañía …  1\n"
                        "line brea…  2\n");
    free(s);
}

static void table_header_only_when_empty(void **state)
{
    (void)state;
    char *s = render(FORMAT_TABLE, deal_cols, 3, NULL, 0, 0);
    assert_string_equal(s, "id  title  amount\n--  -----  ------\n");
    free(s);
}

static void json_types_values(void **state)
{
    (void)state;
    static const out_column cols[] = {
        {"id", OUT_TEXT}, {"amount", OUT_NUMBER}, {"active", OUT_BOOL}, {"note", OUT_TEXT}, {"n", OUT_NUMBER}};
    static const char *const cells[] = {
        "D-1", "12000.50", "1", "dice \"hola\"\nadiós", "007",
        "#2", NULL, "0", "\x01 bad \xff byte", "-0.5",
    };
    char *s = render(FORMAT_JSON, cols, 5, cells, 2, 0);
    assert_string_equal(s, "[\n"
                           "{\"id\": \"D-1\", \"amount\": 12000.50, \"active\": true, "
                           "\"note\": \"dice \\\"hola\\\"\\nadiós\", \"n\": \"007\"},\n"
                           "{\"id\": \"#2\", \"amount\": null, \"active\": false, "
                           "\"note\": \"\\u0001 bad \xef\xbf\xbd byte\", \"n\": -0.5}\n"
                           "]\n");
    free(s);
}

static void json_empty_is_empty_array(void **state)
{
    (void)state;
    char *s = render(FORMAT_JSON, deal_cols, 3, NULL, 0, 0);
    assert_string_equal(s, "[]\n");
    free(s);
}

static void csv_quotes_only_when_needed(void **state)
{
    (void)state;
    static const out_column cols[] = {{"name", OUT_TEXT}, {"note, with comma", OUT_TEXT}, {"n", OUT_NUMBER}};
    static const char *const cells[] = {
        "Acme, S.A.", "dice \"sí\"", "1234.50",
        " leading", "two\nlines", NULL,
        "plain ñ", "", "-1",
    };
    char *s = render(FORMAT_CSV, cols, 3, cells, 3, 0);
    assert_string_equal(s, "name,\"note, with comma\",n\r\n"
                           "\"Acme, S.A.\",\"dice \"\"sí\"\"\",1234.50\r\n"
                           "\" leading\",\"two\nlines\",\r\n"
                           "plain ñ,,-1\r\n");
    free(s);
}

static void record_forms(void **state)
{
    (void)state;
    static const char *const cells[] = {"D-1", "Two\nlines", "1.00"};
    char *buf = NULL;
    size_t len = 0;
    emb_err err;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(output_record(f, FORMAT_TABLE, deal_cols, 3, cells, 0, &err), EMB_OK);
    fclose(f);
    assert_string_equal(buf, "id      D-1\ntitle   Two\n        lines\namount  1.00\n");
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(output_record(f, FORMAT_JSON, deal_cols, 3, cells, 1, &err), EMB_OK);
    output_json_key(f, "history");
    fputs("[]}\n", f);
    fclose(f);
    assert_string_equal(buf, "{\"id\": \"D-1\", \"title\": \"Two\\nlines\", \"amount\": 1.00, \"history\": []}\n");
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(output_record(f, FORMAT_CSV, deal_cols, 3, cells, 0, &err), EMB_OK);
    fclose(f);
    assert_string_equal(buf, "id,title,amount\r\nD-1,\"Two\nlines\",1.00\r\n");
    free(buf);
}

static void text_width_counts_cells(void **state)
{
    (void)state;
    assert_int_equal(output_text_width("abc"), 3);
    assert_int_equal(output_text_width("Año"), 3);
    assert_int_equal(output_text_width("e\xcc\x81"), 1); /* e + combining acute */
    assert_int_equal(output_text_width("日本語"), 6);
    assert_int_equal(output_text_width("\xff" "a"), 2); /* an invalid byte counts 1 */
    assert_int_equal(output_text_width(""), 0);
}

static void json_number_syntax(void **state)
{
    (void)state;
    const char *good[] = {"0", "-0", "12", "12.50", "-0.125", "1e5", "1.5E-3", NULL};
    const char *bad[] = {"", "-", "007", "1.", ".5", "+1", "1e", "12,5", "1 ", "NaN", NULL};
    for (int i = 0; good[i]; i++)
        assert_true(emit_is_json_number(good[i]));
    for (int i = 0; bad[i]; i++)
        assert_false(emit_is_json_number(bad[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_aligns_by_display_width),
        cmocka_unit_test(table_truncates_long_cells),
        cmocka_unit_test(table_header_only_when_empty),
        cmocka_unit_test(json_types_values),
        cmocka_unit_test(json_empty_is_empty_array),
        cmocka_unit_test(csv_quotes_only_when_needed),
        cmocka_unit_test(record_forms),
        cmocka_unit_test(text_width_counts_cells),
        cmocka_unit_test(json_number_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
