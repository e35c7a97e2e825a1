/*
 * csv_prefetch.c - a reading thread a few chunks of rows ahead of the caller; see
 * csv_prefetch.h.
 *
 * Invariants: chunk i belongs to the reading thread while ready[i] is 0 and to the
 * caller while it is 1 (both guarded by mu); the thread fills chunks in the order
 * 0, 1, ..., CSV_PREFETCH_CHUNKS - 1, 0, ... and the caller empties them in the same
 * order, so rows come out in file order. A chunk whose end is non-zero is the last
 * one: the thread returns after publishing it.
 */
#include "io/csv_prefetch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

enum { CHUNK_ROWS = 2048, CHUNK_TEXT = 1 << 20 };

typedef struct {
    int64_t record, line;
    int bad_utf8;
    size_t first, n; /* its fields: [first, first + n) of the chunk */
} row_meta;

typedef struct {
    row_meta *rows;
    size_t nrows, rows_cap;
    size_t *off, *len; /* per field: offset in text, length */
    const char **ptr;  /* per field: text + off, set when the chunk closes */
    size_t nfields, fields_cap;
    char *text;
    size_t text_len, text_cap;
    int end; /* 0: more chunks follow; 1: the input ends after these rows; -1: an error does */
    emb_err err;
    int64_t offset; /* csv_reader_offset() when the chunk closed */
} chunk;

struct csv_prefetch {
    csv_reader *r;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int ready[CSV_PREFETCH_CHUNKS];
    int stop;
    chunk chunks[CSV_PREFETCH_CHUNKS];
    /* The caller's side. */
    size_t read_at, row_at;
    int holding;  /* chunk read_at is ready and being read */
    int finished; /* 0 running; 1 at the end; -1 after an error (done_err) */
    emb_err done_err;
    int64_t offset;
    csv_row cur;
};

static size_t next_cap(size_t cap, size_t need)
{
    cap = cap ? cap : 256;
    while (cap < need)
        cap *= 2;
    return cap;
}

/* Room for need rows, fields and text bytes; -1 when out of memory (what was
 * there stays valid). */
static int reserve(chunk *c, size_t rows, size_t fields, size_t text)
{
    if (rows > c->rows_cap) {
        size_t cap = next_cap(c->rows_cap, rows);
        row_meta *r = realloc(c->rows, cap * sizeof *r);
        if (!r)
            return -1;
        c->rows = r;
        c->rows_cap = cap;
    }
    if (fields > c->fields_cap) {
        size_t cap = next_cap(c->fields_cap, fields);
        size_t *off = realloc(c->off, cap * sizeof *off);
        if (off)
            c->off = off;
        size_t *len = off ? realloc(c->len, cap * sizeof *len) : NULL;
        if (len)
            c->len = len;
        const char **ptr = len ? realloc(c->ptr, cap * sizeof *ptr) : NULL;
        if (!ptr)
            return -1;
        c->ptr = ptr;
        c->fields_cap = cap;
    }
    if (text > c->text_cap) {
        size_t cap = next_cap(c->text_cap, text);
        char *t = realloc(c->text, cap);
        if (!t)
            return -1;
        c->text = t;
        c->text_cap = cap;
    }
    return 0;
}

static int copy_row(chunk *c, const csv_row *row)
{
    size_t bytes = 0;
    for (size_t i = 0; i < row->n; i++)
        bytes += row->len[i] + 1;
    if (reserve(c, c->nrows + 1, c->nfields + row->n, c->text_len + bytes))
        return -1;
    c->rows[c->nrows++] = (row_meta){row->record, row->line, row->bad_utf8, c->nfields, row->n};
    for (size_t i = 0; i < row->n; i++) {
        c->off[c->nfields] = c->text_len;
        c->len[c->nfields] = row->len[i];
        memcpy(c->text + c->text_len, row->field[i], row->len[i]);
        c->text[c->text_len + row->len[i]] = '\0';
        c->text_len += row->len[i] + 1;
        c->nfields++;
    }
    return 0;
}

/* Fills c with the next rows; returns its end. */
static int fill(csv_prefetch *p, chunk *c)
{
    c->nrows = c->nfields = c->text_len = 0;
    c->end = 0;
    while (c->nrows < CHUNK_ROWS && c->text_len < CHUNK_TEXT) {
        const csv_row *row;
        int got = csv_reader_next(p->r, &row, &c->err);
        if (got != 1) {
            c->end = got == 0 ? 1 : -1;
            break;
        }
        if (copy_row(c, row)) {
            emb_err_set(&c->err, EMB_NOMEM, _("out of memory"));
            c->end = -1;
            break;
        }
    }
    for (size_t i = 0; i < c->nfields; i++)
        c->ptr[i] = c->text + c->off[i];
    c->offset = csv_reader_offset(p->r);
    return c->end;
}

static void *reading_thread(void *arg)
{
    csv_prefetch *p = arg;
    for (size_t i = 0;; i = (i + 1) % CSV_PREFETCH_CHUNKS) {
        pthread_mutex_lock(&p->mu);
        while (p->ready[i] && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop)
            return NULL;
        int end = fill(p, &p->chunks[i]);
        pthread_mutex_lock(&p->mu);
        p->ready[i] = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (end)
            return NULL;
    }
}

emb_code csv_prefetch_start(csv_reader *r, csv_prefetch **out, emb_err *err)
{
    *out = NULL;
    csv_prefetch *p = calloc(1, sizeof *p);
    if (!p)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    p->r = r;
    p->offset = csv_reader_offset(r);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, reading_thread, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return emb_err_set(err, EMB_INTERNAL, _("cannot start the thread that reads the file"));
    }
    *out = p;
    return EMB_OK;
}

int csv_prefetch_next(csv_prefetch *p, const csv_row **row, emb_err *err)
{
    for (;;) {
        if (p->finished) {
            if (p->finished < 0 && err)
                *err = p->done_err;
            return p->finished < 0 ? -1 : 0;
        }
        if (!p->holding) {
            pthread_mutex_lock(&p->mu);
            while (!p->ready[p->read_at])
                pthread_cond_wait(&p->cv, &p->mu);
            pthread_mutex_unlock(&p->mu);
            p->holding = 1;
            p->row_at = 0;
            p->offset = p->chunks[p->read_at].offset;
        }
        chunk *c = &p->chunks[p->read_at];
        if (p->row_at < c->nrows) {
            const row_meta *m = &c->rows[p->row_at++];
            p->cur = (csv_row){.n = m->n, .field = c->ptr + m->first, .len = c->len + m->first,
                               .record = m->record, .line = m->line, .bad_utf8 = m->bad_utf8};
            *row = &p->cur;
            return 1;
        }
        if (c->end) {
            p->finished = c->end;
            p->done_err = c->err;
            continue;
        }
        pthread_mutex_lock(&p->mu);
        p->ready[p->read_at] = 0;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        p->holding = 0;
        p->read_at = (p->read_at + 1) % CSV_PREFETCH_CHUNKS;
    }
}

int64_t csv_prefetch_offset(const csv_prefetch *p) { return p->offset; }

void csv_prefetch_stop(csv_prefetch *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    for (size_t i = 0; i < CSV_PREFETCH_CHUNKS; i++) {
        chunk *c = &p->chunks[i];
        free(c->rows);
        free(c->off);
        free(c->len);
        free(c->ptr);
        free(c->text);
    }
    free(p);
}
