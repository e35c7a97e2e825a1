/* test_csv_reader.c - the streaming CSV reader: BOM, line ends, quoting, blank and
 * ragged rows, record and line numbers, UTF-8 checks and limits; and the reading
 * thread of csv_prefetch.h, which must hand out the very same rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv_prefetch.h"
#include "io/csv_reader.h"

/* Reads all of data into a printable dump: one line per row,
 * "R<record>L<line>:[f1][f2]...", and "!" + message on error. */
static char *dump_with(const char *data, size_t len, const csv_limits *lim)
{
    static char out[8192];
    size_t n = 0;
    out[0] = '\0';
    csv_reader *r;
    emb_err err;
    emb_err_clear(&err);
    assert_int_equal(csv_reader_open_mem(data, len, lim, &r, &err), EMB_OK);
    const csv_row *row;
    int rc;
    while ((rc = csv_reader_next(r, &row, &err)) == 1) {
        n += (size_t)snprintf(out + n, sizeof out - n, "R%lldL%lld%s:", (long long)row->record,
                              (long long)row->line, row->bad_utf8 >= 0 ? "U" : "");
        for (size_t i = 0; i < row->n; i++) {
            assert_int_equal(strlen(row->field[i]), row->len[i]);
            n += (size_t)snprintf(out + n, sizeof out - n, "[%s]", row->field[i]);
        }
        n += (size_t)snprintf(out + n, sizeof out - n, "\n");
    }
    if (rc < 0)
        n += (size_t)snprintf(out + n, sizeof out - n, "!%s\n", err.msg);
    /* Later calls repeat the end or the error. */
    assert_int_equal(csv_reader_next(r, &row, &err), rc);
    csv_reader_close(r);
    return out;
}

static char *dump(const char *data) { return dump_with(data, strlen(data), NULL); }

static void simple_rows(void **state)
{
    (void)state;
    assert_string_equal(dump("a,b\n1,2\n"), "R1L1:[a][b]\nR2L2:[1][2]\n");
    /* No final line end. */
    assert_string_equal(dump("a,b\n1,2"), "R1L1:[a][b]\nR2L2:[1][2]\n");
    assert_string_equal(dump(""), "");
}

static void bom_is_stripped(void **state)
{
    (void)state;
    assert_string_equal(dump("\xEF\xBB\xBFRow ID,Sales\r\n1,2\r\n"), "R1L1:[Row ID][Sales]\nR2L2:[1][2]\n");
    /* A BOM elsewhere is data. */
    assert_string_equal(dump("a\n\xEF\xBB\xBFx\n"), "R1L1:[a]\nR2L2:[\xEF\xBB\xBFx]\n");
}

static void crlf_and_cr_line_ends(void **state)
{
    (void)state;
    assert_string_equal(dump("a,b\r\n1,2\r\n3,4\r\n"), "R1L1:[a][b]\nR2L2:[1][2]\nR3L3:[3][4]\n");
    assert_string_equal(dump("a\r1\r2"), "R1L1:[a]\nR2L2:[1]\nR3L3:[2]\n");
}

static void quoted_fields(void **state)
{
    (void)state;
    assert_string_equal(dump("name,note\n\"Hon Deluxe, Rounded\",\"say \"\"hi\"\"\"\n"),
                        "R1L1:[name][note]\nR2L2:[Hon Deluxe, Rounded][say \"hi\"]\n");
    /* Spaces around unquoted fields are trimmed, inside quotes kept. */
    assert_string_equal(dump("  x ,\" y \"\n"), "R1L1:[x][ y ]\n");
}

static void embedded_newlines_count_lines(void **state)
{
    (void)state;
    /* Record 2 spans lines 2-4; record 3 starts on line 5. */
    assert_string_equal(dump("h1,h2\n1,\"a\nb\nc\"\n2,x\n"), "R1L1:[h1][h2]\nR2L2:[1][a\nb\nc]\nR3L5:[2][x]\n");
    /* CRLF inside a quoted field counts as one line break and is kept as data. */
    assert_string_equal(dump("h\r\n\"a\r\nb\"\r\nz\r\n"), "R1L1:[h]\nR2L2:[a\r\nb]\nR3L4:[z]\n");
}

static void blank_lines_are_skipped_but_counted(void **state)
{
    (void)state;
    assert_string_equal(dump("a\n\n1\n\r\n2\n,,\n3\n"), "R1L1:[a]\nR3L3:[1]\nR5L5:[2]\nR7L7:[3]\n");
}

static void ragged_rows(void **state)
{
    (void)state;
    assert_string_equal(dump("a,b,c\n1\n1,2,3,4\n,\"\",x\n"), "R1L1:[a][b][c]\nR2L2:[1]\nR3L3:[1][2][3][4]\nR4L4:[][][x]\n");
}

static void invalid_utf8_is_flagged_per_row(void **state)
{
    (void)state;
    /* Latin-1 "é" in row 2, column 1; row 3 is fine. */
    const csv_limits utf8 = {.encoding = CHARSET_UTF8}; /* else detected as windows-1252 */
    const char *latin = "a,b\nok,caf\xE9\nx,y\n";
    assert_string_equal(dump_with(latin, strlen(latin), &utf8), "R1L1:[a][b]\nR2L2U:[ok][caf\xE9]\nR3L3:[x][y]\n");
    assert_true(csv_utf8_valid("Etapa, Fecha de creaci\xC3\xB3n", 25));
    assert_false(csv_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(csv_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(csv_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(csv_utf8_valid("\xE2\x82", 2));         /* truncated */
    assert_true(csv_utf8_valid("\xF0\x9F\x98\x80 12345678", 13));
}

static void unterminated_quote_is_an_error(void **state)
{
    (void)state;
    const char *out = dump("a,b\n1,2\n3,\"never\nclosed\n");
    assert_non_null(strstr(out, "R2L2:[1][2]\n!line 3: a quoted field starting on this row is never closed"));
}

static void field_limit(void **state)
{
    (void)state;
    csv_limits lim = {.max_field = 8};
    assert_string_equal(dump_with("a,12345678\n", 11, &lim), "R1L1:[a][12345678]\n");
    const char *out = dump_with("a\nb,123456789\n", 14, &lim);
    assert_non_null(strstr(out, "!line 2: a field is longer than 8 bytes"));
    /* A runaway quote over a big input stops at the limit, not at the end. */
    size_t big = 300 * 1024;
    char *data = malloc(big);
    assert_non_null(data);
    memset(data, 'x', big);
    data[0] = '"';
    lim.max_field = 1024;
    out = dump_with(data, big, &lim);
    assert_non_null(strstr(out, "!line 1: a field is longer than 1024 bytes"));
    free(data);
}

static void column_limit(void **state)
{
    (void)state;
    csv_limits lim = {.max_columns = 3};
    assert_string_equal(dump_with("a,b,c\n", 6, &lim), "R1L1:[a][b][c]\n");
    const char *out = dump_with("a,b,c\n1,2,3,4\n", 14, &lim);
    assert_non_null(strstr(out, "!line 2: a row has more than 3 columns"));
}

static void semicolon_delimiter(void **state)
{
    (void)state;
    csv_limits lim = {.delimiter = ';'};
    assert_string_equal(dump_with("Importe;Etapa\n1.234,56;Ganado\n", 30, &lim),
                        "R1L1:[Importe][Etapa]\nR2L2:[1.234,56][Ganado]\n");
}

/* Records cut by chunk boundaries come out whole, with the right numbers. */
static void many_rows_across_chunks(void **state)
{
    (void)state;
    size_t cap = 2 * 1024 * 1024, n = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    n += (size_t)snprintf(data + n, cap - n, "id,text\r\n");
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(data + n, cap - n, "%d,\"line %d\nsecond, part\"\r\n", i, i);
    csv_reader *r;
    emb_err err;
    assert_int_equal(csv_reader_open_mem(data, n, NULL, &r, &err), EMB_OK);
    const csv_row *row;
    assert_int_equal(csv_reader_next(r, &row, &err), 1);
    for (int i = 0; i < 20000; i++) {
        assert_int_equal(csv_reader_next(r, &row, &err), 1);
        char want[64];
        snprintf(want, sizeof want, "%d", i);
        assert_string_equal(row->field[0], want);
        snprintf(want, sizeof want, "line %d\nsecond, part", i);
        assert_string_equal(row->field[1], want);
        assert_int_equal(row->record, i + 2);
        assert_int_equal(row->line, 2 + 2 * i);
    }
    assert_int_equal(csv_reader_next(r, &row, &err), 0);
    assert_int_equal(csv_reader_offset(r), (int64_t)n);
    csv_reader_close(r);
    free(data);
}

static void files(void **state)
{
    (void)state;
    csv_reader *r;
    emb_err err;
    emb_err_clear(&err);
    assert_int_equal(csv_reader_open("/nonexistent/x.csv", NULL, &r, &err), EMB_NOT_FOUND);
    assert_null(r);
    assert_string_equal(err.msg, "file '/nonexistent/x.csv' does not exist");
    assert_int_equal(csv_reader_open("/tmp", NULL, &r, &err), EMB_IO);
    assert_non_null(strstr(err.msg, "is a directory"));

    char path[64];
    snprintf(path, sizeof path, "/tmp/embudo-csv-%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\xEF\xBB\xBFh\r\nv\r\n", f);
    fclose(f);
    assert_int_equal(csv_reader_open(path, NULL, &r, &err), EMB_OK);
    assert_int_equal(csv_reader_size(r), 9);
    const csv_row *row;
    assert_int_equal(csv_reader_next(r, &row, &err), 1);
    assert_string_equal(row->field[0], "h");
    assert_int_equal(csv_reader_next(r, &row, &err), 1);
    assert_string_equal(row->field[0], "v");
    assert_int_equal(csv_reader_next(r, &row, &err), 0);
    csv_reader_close(r);
    unlink(path);
}

/* Reads data with a plain reader and through a prefetcher side by side: the same
 * rows, numbers, UTF-8 flags and end (or error, with the same message). Returns
 * the number of rows. */
static size_t prefetch_matches(const char *data, size_t len)
{
    csv_reader *plain, *ahead;
    csv_prefetch *p;
    emb_err e1, e2;
    emb_err_clear(&e1);
    emb_err_clear(&e2);
    assert_int_equal(csv_reader_open_mem(data, len, NULL, &plain, &e1), EMB_OK);
    assert_int_equal(csv_reader_open_mem(data, len, NULL, &ahead, &e2), EMB_OK);
    assert_int_equal(csv_prefetch_start(ahead, &p, &e2), EMB_OK);
    const csv_row *a, *b;
    int ra, rb;
    size_t rows = 0;
    while ((ra = csv_reader_next(plain, &a, &e1)) == 1) {
        rb = csv_prefetch_next(p, &b, &e2);
        assert_int_equal(rb, 1);
        assert_int_equal(a->n, b->n);
        assert_int_equal(a->record, b->record);
        assert_int_equal(a->line, b->line);
        assert_int_equal(a->bad_utf8, b->bad_utf8);
        for (size_t i = 0; i < a->n; i++) {
            assert_int_equal(a->len[i], b->len[i]);
            assert_memory_equal(a->field[i], b->field[i], a->len[i] + 1);
        }
        rows++;
    }
    rb = csv_prefetch_next(p, &b, &e2);
    assert_int_equal(ra, rb);
    if (ra < 0)
        assert_string_equal(e1.msg, e2.msg);
    assert_int_equal(csv_prefetch_next(p, &b, &e2), rb); /* the end again */
    assert_true(csv_prefetch_offset(p) > 0 || len == 0);
    csv_prefetch_stop(p);
    csv_reader_close(plain);
    csv_reader_close(ahead);
    return rows;
}

static void prefetch_gives_the_same_rows(void **state)
{
    (void)state;
    assert_int_equal(prefetch_matches("", 0), 0);
    assert_int_equal(prefetch_matches("a,b\n1,2\n", 8), 2);
    /* 30,000 rows: the chunks of rows are reused several times over. */
    size_t cap = 30000 * 40, n = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    for (int i = 0; i < 30000; i++)
        n += (size_t)snprintf(big + n, cap - n, i % 997 ? "%d,\"x,%d\",caf\xc3\xa9\r\n" : "%d,\xff%d,\n", i, i);
    assert_int_equal(prefetch_matches(big, n), 30000);
    /* An unterminated quote at the end: the rows before it, then the error. */
    n += (size_t)snprintf(big + n, cap - n, "\"open");
    assert_int_equal(prefetch_matches(big, n), 30000);
    /* Stopped in the middle, while the thread waits for a chunk to be freed. */
    csv_reader *r;
    csv_prefetch *p;
    emb_err err;
    assert_int_equal(csv_reader_open_mem(big, n, NULL, &r, &err), EMB_OK);
    assert_int_equal(csv_prefetch_start(r, &p, &err), EMB_OK);
    const csv_row *row;
    assert_int_equal(csv_prefetch_next(p, &row, &err), 1);
    assert_string_equal(row->field[0], "0");
    usleep(20000);
    csv_prefetch_stop(p);
    csv_reader_close(r);
    free(big);
}


/* Big inputs in windows-1252 and UTF-16 (both orders), 50,000 rows, so that the
 * conversion is cut at every kind of place by the reader's chunks: every row comes
 * back as the UTF-8 text it was made from. */
static void converted_across_chunks(void **state)
{
    (void)state;
    enum { ROWS = 50000 };
    const char *utf8_word = "Pe\xC3\xB1" "a\xE2\x82\xAC"; /* "Peña€" */
    for (int mode = 0; mode < 3; mode++) {
        size_t cap = (size_t)ROWS * 64, n = 0;
        unsigned char *buf = malloc(cap);
        assert_non_null(buf);
        if (mode == 1) { buf[n++] = 0xFF; buf[n++] = 0xFE; }
        if (mode == 2) { buf[n++] = 0xFE; buf[n++] = 0xFF; }
        for (int i = 0; i < ROWS; i++) {
            char line[64];
            int len = snprintf(line, sizeof line, "%d,Pe#a$\r\n", i); /* # for ñ, $ for € */
            for (int k = 0; k < len; k++) {
                unsigned c = (unsigned char)line[k];
                unsigned cp = c == '#' ? 0xF1 : c == '$' ? 0x20AC : c;
                if (mode == 0) {
                    buf[n++] = (unsigned char)(cp == 0x20AC ? 0x80 : cp);
                } else if (mode == 1) {
                    buf[n++] = (unsigned char)(cp & 0xFF);
                    buf[n++] = (unsigned char)(cp >> 8);
                } else {
                    buf[n++] = (unsigned char)(cp >> 8);
                    buf[n++] = (unsigned char)(cp & 0xFF);
                }
            }
        }
        csv_limits lim = {.encoding = mode == 0 ? CHARSET_WINDOWS_1252 : CHARSET_AUTO};
        csv_reader *r;
        emb_err err;
        assert_int_equal(csv_reader_open_mem((const char *)buf, n, &lim, &r, &err), EMB_OK);
        const csv_row *row;
        int i = 0, rc;
        while ((rc = csv_reader_next(r, &row, &err)) == 1) {
            char want[16];
            snprintf(want, sizeof want, "%d", i);
            assert_int_equal(row->n, 2);
            assert_string_equal(row->field[0], want);
            assert_string_equal(row->field[1], utf8_word);
            assert_int_equal(row->line, i + 1);
            i++;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(i, ROWS);
        assert_string_equal(csv_reader_encoding(r, NULL),
                            mode == 0 ? "windows-1252" : mode == 1 ? "UTF-16LE" : "UTF-16BE");
        csv_reader_close(r);
        free(buf);
    }
}

/* A character cut by the end of a UTF-16 file, and an unpaired surrogate: errors
 * naming the line. */
static void broken_utf16(void **state)
{
    (void)state;
    assert_string_equal(dump_with("\xFF\xFE" "a\0,\0b\0\n\0c\0", 11, NULL),
                        "R1L1:[a][b]\n!line 2: the file ends in the middle of a UTF-16LE character\n");
    const char surrogate[] = "\xFF\xFE" "a\0\n\0" "\x00\xD8" "b\0\n\0";
    const char *got = dump_with(surrogate, sizeof surrogate - 1, NULL);
    assert_non_null(strstr(got, "R1L1:[a]\n!line 2: bytes that are not UTF-16LE text"));
}

/* NUL bytes stop the reader naming row, column and header. */
static void nul_bytes(void **state)
{
    (void)state;
    assert_string_equal(dump_with("id,name\n1,a\0b\n", 14, NULL),
                        "R1L1:[id][name]\n!row 2, column 2 ('name'): the cell holds a NUL byte after 'a', which "
                        "text never has; remove it, or if the file is UTF-16 give --encoding utf-16\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simple_rows),
        cmocka_unit_test(bom_is_stripped),
        cmocka_unit_test(crlf_and_cr_line_ends),
        cmocka_unit_test(quoted_fields),
        cmocka_unit_test(embedded_newlines_count_lines),
        cmocka_unit_test(blank_lines_are_skipped_but_counted),
        cmocka_unit_test(ragged_rows),
        cmocka_unit_test(invalid_utf8_is_flagged_per_row),
        cmocka_unit_test(unterminated_quote_is_an_error),
        cmocka_unit_test(field_limit),
        cmocka_unit_test(column_limit),
        cmocka_unit_test(semicolon_delimiter),
        cmocka_unit_test(many_rows_across_chunks),
        cmocka_unit_test(files),
        cmocka_unit_test(prefetch_gives_the_same_rows),
        cmocka_unit_test(converted_across_chunks),
        cmocka_unit_test(broken_utf16),
        cmocka_unit_test(nul_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
