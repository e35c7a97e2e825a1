/*
 * fuzz_csv.c - the streaming CSV reader (io/csv_reader.c) on arbitrary bytes.
 *
 * Input: byte 0 picks the limits (max field 8..263 bytes or the default, max
 * columns 2..17 or the default) and the delimiter; the rest is the file.
 * Properties: no crash or leak; records and lines only grow, lines never pass the
 * number of line ends in the input; lengths and UTF-8 flags agree with the bytes;
 * a field never exceeds the limit; and writing the rows back with every field
 * quoted, then reading that, gives the same rows (what import reads is what a
 * spreadsheet wrote). Inputs that are not UTF-8 go through detection and
 * conversion (io/charset.h) or are refused; NUL bytes stop the reader.
 */
#include "fuzz.h"
#include "io/csv_reader.h"

#define MAX_OUT (1 << 20)

typedef struct {
    char *buf;
    size_t len;
    int full; /* something did not fit */
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n > MAX_OUT) {
        t->full = 1;
        return;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static void put_quoted(text *t, const char *s, size_t n)
{
    put(t, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            put(t, "\"", 1);
        put(t, s + i, 1);
    }
    put(t, "\"", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    csv_limits lim = {0};
    if (data[0] & 1)
        lim.max_field = 8 + (data[0] >> 1 & 0x7f) * 2;
    if (data[0] & 0x80)
        lim.max_columns = 2 + (data[0] >> 3 & 0xf);
    lim.delimiter = (data[0] & 6) == 6 ? ';' : 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    int64_t ends = 0;
    for (size_t i = 0; i < n; i++)
        ends += in[i] == '\n' || in[i] == '\r';

    text out = {malloc(MAX_OUT), 0, 0};
    FUZZ_CHECK(out.buf != NULL, "malloc");
    csv_reader *r;
    emb_err err;
    FUZZ_CHECK(csv_reader_open_mem(in, n, &lim, &r, &err) == EMB_OK, "open: %s", err.msg);
    const csv_row *row;
    int rc;
    int64_t last_record = 0, last_line = 0, rows = 0;
    size_t max_field = lim.max_field ? lim.max_field : CSV_DEFAULT_MAX_FIELD;
    while ((rc = csv_reader_next(r, &row, &err)) == 1) {
        rows++;
        FUZZ_CHECK(row->n >= 1, "empty row");
        FUZZ_CHECK(row->record > last_record, "record %lld after %lld", (long long)row->record,
                   (long long)last_record);
        FUZZ_CHECK(row->line >= last_line && row->line <= ends + 1, "line %lld (ends %lld)", (long long)row->line,
                   (long long)ends);
        last_record = row->record;
        last_line = row->line;
        int bad = -1;
        for (size_t i = 0; i < row->n; i++) {
            FUZZ_CHECK(row->len[i] <= max_field, "field of %zu bytes", row->len[i]);
            FUZZ_CHECK(strlen(row->field[i]) <= row->len[i] && row->field[i][row->len[i]] == '\0', "length");
            if (bad < 0 && !csv_utf8_valid(row->field[i], row->len[i]))
                bad = (int)i;
        }
        FUZZ_CHECK(bad == row->bad_utf8, "utf-8 flag %d, expected %d", row->bad_utf8, bad);
        for (size_t i = 0; i < row->n; i++) {
            if (i)
                put(&out, lim.delimiter ? ";" : ",", 1);
            put_quoted(&out, row->field[i], row->len[i]);
        }
        put(&out, "\r\n", 2);
    }
    csv_reader_close(r);
    if (rc < 0 || out.full) { /* an error ends the rows: nothing to compare */
        free(out.buf);
        return 0;
    }

    /* Read back what was written: the same rows. */
    csv_reader *a, *b;
    csv_limits big = lim;
    big.max_field = max_field;
    big.encoding = CHARSET_UTF8; /* what was read is UTF-8 now, or as it was */
    FUZZ_CHECK(csv_reader_open_mem(in, n, &lim, &a, &err) == EMB_OK, "reopen");
    FUZZ_CHECK(csv_reader_open_mem(out.buf, out.len, &big, &b, &err) == EMB_OK, "open written");
    const csv_row *x, *y;
    for (int64_t k = 0; k < rows; k++) {
        FUZZ_CHECK(csv_reader_next(a, &x, &err) == 1, "row %lld gone", (long long)k);
        int got = csv_reader_next(b, &y, &err);
        FUZZ_CHECK(got == 1, "written row %lld unreadable: %s", (long long)k, got < 0 ? err.msg : "end");
        FUZZ_CHECK(x->n == y->n, "row %lld: %zu fields, read back %zu", (long long)k, x->n, y->n);
        for (size_t i = 0; i < x->n; i++)
            FUZZ_CHECK(x->len[i] == y->len[i] && memcmp(x->field[i], y->field[i], x->len[i]) == 0,
                       "row %lld field %zu differs", (long long)k, i);
    }
    FUZZ_CHECK(csv_reader_next(b, &y, &err) == 0, "extra rows read back");
    csv_reader_close(a);
    csv_reader_close(b);
    free(out.buf);
    return 0;
}
