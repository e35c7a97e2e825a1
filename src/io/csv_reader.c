/*
 * csv_reader.c - the streaming CSV reader of csv_reader.h.
 *
 * libcsv pushes fields and record ends through callbacks; we collect complete
 * records of one input chunk in a batch (field bytes in one buffer, field and row
 * descriptors in two arrays) and hand them out one by one. A record cut by the
 * end of a chunk stays at the front of the batch when the batch is refilled.
 *
 * Line counting: libcsv is run with CSV_REPALL_NL so it reports every line end,
 * also blank lines; a record ended by CR followed at once by an empty LF record
 * is one CRLF line end. Line breaks inside quoted fields are counted from the
 * field bytes ('\n' only, so CRLF inside a field counts once).
 *
 * Encodings: the first chunk is read raw and charset_decide() looks at it; UTF-8
 * is parsed straight from the chunk as it is read, anything else is read into a
 * raw buffer and converted into the chunk (next_chunk). NUL bytes: a memchr per
 * chunk sets a sticky flag, and only then does each field look for one.
 */
#include "io/csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"

enum { CHUNK_SIZE = 64 * 1024 };

/* libcsv parser states (libcsv.c); only FIELD_BEGUN is needed. */
enum { LIBCSV_FIELD_BEGUN = 2 };

typedef struct {
    size_t off, len; /* into data */
} field_ent;

typedef struct {
    size_t first, n; /* fields [first, first + n) */
    int64_t record, line;
    int bad_utf8;
} row_ent;

struct csv_reader {
    struct csv_parser p;
    int fd;               /* -1 for a memory source */
    const char *mem;      /* memory source */
    size_t mem_len;
    int64_t size, offset; /* input size (0 unknown) and bytes consumed */
    csv_limits lim;
    unsigned char *chunk;
    int started, done, failed;
    emb_err fail_err;

    charset_choice enc;  /* decided when the first chunk is read */
    charset_conv *conv;  /* NULL for UTF-8 */
    char *raw;           /* input not yet converted: raw[0..raw_len) */
    size_t raw_len;
    int raw_eof;         /* the input is read to its end */
    int conv_failed;     /* conv_err waits for the text before it to be parsed */
    emb_err conv_err;
    int nul;             /* a NUL byte was seen in the input */
    char *hdr;           /* the header's fields, each NUL-terminated, for messages */
    size_t hdr_n;

    char *data; /* field bytes, each followed by a NUL */
    size_t data_len, data_cap;
    field_ent *flds;
    size_t nflds, flds_cap;
    row_ent *rows;
    size_t nrows, rows_cap, next_row;

    /* The record being built by the callbacks. */
    size_t cur_first, cur_n;
    int64_t cur_line;
    size_t cur_data; /* data_len when the record began */
    int cur_bad, cur_nonempty;
    int64_t line;   /* physical line the next byte belongs to */
    int64_t record; /* records seen, blank lines included */
    int prev_cr;    /* the last event was a record ended by CR */

    const char **ptrs; /* handed-out field pointers and lengths */
    size_t *lens;
    size_t ptrs_cap, lens_cap;
    csv_row out;
};

/* ---- UTF-8 ------------------------------------------------------------------ */

int csv_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path, eight bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
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
        if (len - i - 1 < need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* ---- batch ------------------------------------------------------------------ */

static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return -1;
        n *= 2;
    }
    void *p = realloc(*buf, n * elem);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

__attribute__((format(printf, 3, 4))) static void fail(csv_reader *r, emb_code code, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    r->fail_err.code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->fail_err.msg, sizeof r->fail_err.msg, fmt, ap);
    va_end(ap);
}

/* The header of column c, or NULL. */
static const char *header_of(const csv_reader *r, size_t c)
{
    const char *h = r->hdr;
    if (!h || c >= r->hdr_n)
        return NULL;
    while (c--)
        h += strlen(h) + 1;
    return h;
}

static void nul_in_field(csv_reader *r, const char *s, size_t len)
{
    size_t col = r->cur_n + 1, at = (size_t)((const char *)memchr(s, '\0', len) - s);
    const char *name = header_of(r, r->cur_n);
    char where[160];
    if (!r->hdr)
        snprintf(where, sizeof where, _("the header, column %zu"), col);
    else if (name && *name)
        snprintf(where, sizeof where, _("row %lld, column %zu ('%.80s')"), (long long)r->record + 1, col, name);
    else
        snprintf(where, sizeof where, _("row %lld, column %zu"), (long long)r->record + 1, col);
    fail(r, EMB_INVALID,
         _("%s: the cell holds a NUL byte after '%.40s', which text never has; remove it, or if the file is UTF-16 "
           "give --encoding utf-16"),
         where, at ? s : "");
}

/* Keeps a copy of the header (the first row) for messages. */
static void save_header(csv_reader *r)
{
    size_t bytes = 0;
    for (size_t i = 0; i < r->cur_n; i++)
        bytes += r->flds[r->cur_first + i].len + 1;
    r->hdr = malloc(bytes ? bytes : 1);
    if (!r->hdr)
        return; /* messages without header names */
    char *p = r->hdr;
    for (size_t i = 0; i < r->cur_n; i++) {
        const field_ent *f = &r->flds[r->cur_first + i];
        memcpy(p, r->data + f->off, f->len + 1);
        p += f->len + 1;
    }
    r->hdr_n = r->cur_n;
}

static void on_field(void *s, size_t len, void *ud)
{
    csv_reader *r = ud;
    if (r->failed)
        return;
    if (r->cur_n == 0) {
        r->cur_line = r->line;
        r->cur_first = r->nflds;
        r->cur_bad = -1;
        r->cur_nonempty = 0;
        r->cur_data = r->data_len;
    }
    r->prev_cr = 0;
    if (r->cur_n >= r->lim.max_columns) {
        fail(r, EMB_INVALID, _("line %lld: a row has more than %zu columns; is the file really CSV?"),
             (long long)r->cur_line, r->lim.max_columns);
        return;
    }
    if (len > r->lim.max_field) {
        fail(r, EMB_INVALID,
             _("line %lld: a field is longer than %zu bytes (an unclosed quote?); fix the file or split the field"),
             (long long)r->cur_line, r->lim.max_field);
        return;
    }
    if (r->nul && memchr(s, '\0', len)) {
        nul_in_field(r, (const char *)s, len);
        return;
    }
    const char *p = s, *end = p + len;
    while (p && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        r->line++;
        p++;
    }
    if (r->cur_bad < 0 && !csv_utf8_valid(s, len))
        r->cur_bad = (int)r->cur_n;
    if (len)
        r->cur_nonempty = 1;
    if (grow((void **)&r->flds, &r->flds_cap, r->nflds + 1, sizeof *r->flds) ||
        grow((void **)&r->data, &r->data_cap, r->data_len + len + 1, 1)) {
        fail(r, EMB_NOMEM, _("out of memory at line %lld"), (long long)r->cur_line);
        return;
    }
    if (len)
        memcpy(r->data + r->data_len, s, len);
    r->data[r->data_len + len] = '\0';
    r->flds[r->nflds++] = (field_ent){r->data_len, len};
    r->data_len += len + 1;
    r->cur_n++;
}

static void on_record(int c, void *ud)
{
    csv_reader *r = ud;
    if (r->failed)
        return;
    if (r->cur_n == 0) { /* a blank line, or the LF of a CRLF */
        if (c == '\n' && r->prev_cr) {
            r->prev_cr = 0;
            return;
        }
        if (c == '\n' || c == '\r') {
            r->line++;
            r->record++;
        }
        r->prev_cr = c == '\r';
        return;
    }
    r->record++;
    if (r->cur_nonempty) {
        if (grow((void **)&r->rows, &r->rows_cap, r->nrows + 1, sizeof *r->rows)) {
            fail(r, EMB_NOMEM, _("out of memory at line %lld"), (long long)r->cur_line);
            return;
        }
        r->rows[r->nrows++] = (row_ent){r->cur_first, r->cur_n, r->record, r->cur_line, r->cur_bad};
        if (!r->hdr)
            save_header(r);
    } else {
        /* A row of empty fields (",,,"), as spreadsheets leave at the end: skipped. */
        r->nflds = r->cur_first;
        r->data_len = r->cur_data;
    }
    r->cur_n = 0;
    if (c == '\n' || c == '\r')
        r->line++;
    r->prev_cr = c == '\r';
}

/* Drops the handed-out rows, keeping the fields of a record still being built. */
static void compact(csv_reader *r)
{
    if (r->cur_n == 0) {
        r->nflds = r->data_len = 0;
    } else {
        size_t base = r->flds[r->cur_first].off;
        memmove(r->data, r->data + base, r->data_len - base);
        r->data_len -= base;
        for (size_t i = 0; i < r->cur_n; i++) {
            r->flds[i] = r->flds[r->cur_first + i];
            r->flds[i].off -= base;
        }
        r->nflds = r->cur_n;
        r->cur_first = 0;
        r->cur_data = 0;
    }
    r->nrows = r->next_row = 0;
}

/* ---- input ------------------------------------------------------------------ */

static ssize_t read_some(csv_reader *r, unsigned char *buf, size_t cap)
{
    if (r->fd < 0) {
        size_t left = r->mem_len - (size_t)r->offset;
        size_t n = left < cap ? left : cap;
        memcpy(buf, r->mem + r->offset, n);
        return (ssize_t)n;
    }
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(r->fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static void parse_chunk(csv_reader *r, const unsigned char *buf, size_t n)
{
    if (!r->nul && memchr(buf, '\0', n))
        r->nul = 1;
    if (csv_parse(&r->p, buf, n, on_field, on_record, r) != n) {
        int e = csv_error(&r->p);
        fail(r, e == CSV_ENOMEM || e == CSV_ETOOBIG ? EMB_NOMEM : EMB_INVALID,
             _("cannot parse the CSV near line %lld"), (long long)r->line);
        return;
    }
    if (r->p.entry_pos > r->lim.max_field)
        fail(r, EMB_INVALID,
             _("line %lld: a field is longer than %zu bytes (an unclosed quote?); fix the file or split the field"),
             (long long)(r->cur_n ? r->cur_line : r->line), r->lim.max_field);
}

static int read_failed(csv_reader *r)
{
    fail(r, EMB_IO, _("cannot read the file near line %lld: %s"), (long long)r->line, strerror(errno));
    return -1;
}

/* Converts raw input into the chunk: *n bytes of UTF-8, 0 at the end. */
static int convert(csv_reader *r, size_t *n)
{
    if (r->conv_failed) {
        fail(r, r->conv_err.code, _("line %lld: %s"), (long long)r->line, r->conv_err.msg);
        return -1;
    }
    for (;;) {
        if (!r->raw_eof && r->raw_len < CHUNK_SIZE) {
            ssize_t got = read_some(r, (unsigned char *)r->raw + r->raw_len, CHUNK_SIZE - r->raw_len);
            if (got < 0)
                return read_failed(r);
            r->offset += got;
            r->raw_len += (size_t)got;
            r->raw_eof = got == 0;
        }
        const char *src = r->raw;
        char *dst = (char *)r->chunk;
        emb_code rc = charset_conv_run(r->conv, &src, r->raw + r->raw_len, &dst, (char *)r->chunk + CHUNK_SIZE,
                                       r->raw_eof, &r->conv_err);
        r->raw_len -= (size_t)(src - r->raw);
        memmove(r->raw, src, r->raw_len);
        *n = (size_t)(dst - (char *)r->chunk);
        if (rc) {
            r->conv_failed = 1; /* reported once the text before it is parsed */
            if (*n)
                return 0;
            return convert(r, n);
        }
        if (*n || (r->raw_eof && !r->raw_len))
            return 0;
    }
}

/* The next piece of UTF-8 text to parse: *buf[0..*n), *n == 0 at the end; -1 when
 * the reader failed. The first call decides the encoding. */
static int next_chunk(csv_reader *r, const unsigned char **buf, size_t *n)
{
    *buf = r->chunk;
    if (r->started && r->conv)
        return convert(r, n);
    ssize_t got = read_some(r, r->chunk, CHUNK_SIZE);
    if (got < 0)
        return read_failed(r);
    r->offset += got;
    *n = (size_t)got;
    if (r->started)
        return 0;
    r->started = 1;
    emb_err e;
    if (charset_decide(r->lim.encoding, r->chunk, *n, *n < CHUNK_SIZE, &r->enc, &e)) {
        fail(r, e.code, "%s", e.msg);
        return -1;
    }
    *buf += r->enc.bom;
    *n -= r->enc.bom;
    if (r->enc.id == CHARSET_UTF8)
        return 0;
    if (charset_conv_open(r->enc.id, &r->conv, &e) || !(r->raw = malloc(CHUNK_SIZE))) {
        fail(r, r->conv ? EMB_NOMEM : e.code, "%s", r->conv ? _("out of memory") : e.msg);
        return -1;
    }
    memcpy(r->raw, *buf, *n);
    r->raw_len = *n;
    r->raw_eof = got < CHUNK_SIZE;
    *buf = r->chunk;
    return convert(r, n);
}

static void finish(csv_reader *r)
{
    if (r->p.pstate == LIBCSV_FIELD_BEGUN && r->p.quoted) {
        fail(r, EMB_INVALID, _("line %lld: a quoted field starting on this row is never closed (a missing \")"),
             (long long)(r->cur_n ? r->cur_line : r->line));
        return;
    }
    csv_fini(&r->p, on_field, on_record, r);
    r->done = 1;
}

int csv_reader_next(csv_reader *r, const csv_row **row, emb_err *err)
{
    for (;;) {
        if (r->next_row < r->nrows) {
            const row_ent *e = &r->rows[r->next_row++];
            if (grow((void **)&r->ptrs, &r->ptrs_cap, e->n, sizeof *r->ptrs) ||
                grow((void **)&r->lens, &r->lens_cap, e->n, sizeof *r->lens)) {
                emb_err_set(err, EMB_NOMEM, _("out of memory"));
                return -1;
            }
            for (size_t i = 0; i < e->n; i++) {
                r->ptrs[i] = r->data + r->flds[e->first + i].off;
                r->lens[i] = r->flds[e->first + i].len;
            }
            r->out.n = e->n;
            r->out.field = r->ptrs;
            r->out.len = r->lens;
            r->out.record = e->record;
            r->out.line = e->line;
            r->out.bad_utf8 = e->bad_utf8;
            *row = &r->out;
            return 1;
        }
        if (r->failed) {
            if (err)
                *err = r->fail_err;
            return -1;
        }
        if (r->done)
            return 0;
        compact(r);
        const unsigned char *buf;
        size_t n;
        if (next_chunk(r, &buf, &n))
            continue;
        if (n == 0)
            finish(r);
        else
            parse_chunk(r, buf, n);
    }
}

/* ---- lifecycle ---------------------------------------------------------------- */

static emb_code reader_new(const csv_limits *limits, csv_reader **out, emb_err *err)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->chunk = malloc(CHUNK_SIZE))) {
        free(r);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    if (limits)
        r->lim = *limits;
    if (!r->lim.max_field)
        r->lim.max_field = CSV_DEFAULT_MAX_FIELD;
    if (!r->lim.max_columns)
        r->lim.max_columns = CSV_DEFAULT_MAX_COLUMNS;
    if (csv_init(&r->p, CSV_REPALL_NL) != 0) {
        free(r->chunk);
        free(r);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    if (r->lim.delimiter)
        csv_set_delim(&r->p, (unsigned char)r->lim.delimiter);
    r->fd = -1;
    r->line = 1;
    *out = r;
    return EMB_OK;
}

emb_code csv_reader_open(const char *path, const csv_limits *limits, csv_reader **out, emb_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return emb_err_set(err, EMB_NOT_FOUND, _("file '%s' does not exist"), path);
        return emb_err_set(err, EMB_IO, _("cannot open '%s': %s"), path, strerror(errno));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
        close(fd);
        return emb_err_set(err, EMB_IO, _("'%s' is a directory, not a CSV file"), path);
    }
    csv_reader *r = NULL;
    if (reader_new(limits, &r, err)) {
        close(fd);
        return err->code;
    }
    r->fd = fd;
    r->size = S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : 0;
    *out = r;
    return EMB_OK;
}

emb_code csv_reader_open_mem(const char *data, size_t len, const csv_limits *limits, csv_reader **out,
                             emb_err *err)
{
    *out = NULL;
    csv_reader *r = NULL;
    if (reader_new(limits, &r, err))
        return err->code;
    r->mem = data;
    r->mem_len = len;
    r->size = (int64_t)len;
    *out = r;
    return EMB_OK;
}

void csv_reader_close(csv_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    csv_free(&r->p);
    free(r->chunk);
    free(r->data);
    free(r->flds);
    free(r->rows);
    free(r->ptrs);
    free(r->lens);
    free(r->raw);
    free(r->hdr);
    charset_conv_close(r->conv);
    free(r);
}

const char *csv_reader_encoding(const csv_reader *r, int *detected)
{
    if (detected)
        *detected = r->enc.detected;
    return charset_name(r->started ? r->enc.id : CHARSET_UTF8);
}

int64_t csv_reader_offset(const csv_reader *r) { return r->offset; }
int64_t csv_reader_size(const csv_reader *r) { return r->size; }
