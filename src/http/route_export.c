/*
 * route_export.c - GET /api/v1/export/{kind}: every record of a kind the caller may
 * read, as a file, written while it is sent (http_reply.stream), so a million deals
 * cost the server one chunk of memory, not the whole file.
 *
 * format=csv (the default) writes the bytes of `embudo export KIND` with the same
 * options (excel, delimiter, decimal), io/export.h's export_open; format=json an
 * array of the objects GET /api/v1/{kind} lists (references by key,
 * export_open_keys), laid out as `embudo export --format json` lays out its own.
 * where (repeatable), sort and q select and order the records as the list route
 * does; without them the records come in id order, as the CLI writes them. The
 * caller's access scope filters the records as it filters the list.
 *
 * Ownership: the handler allocates an export_stream holding the request's store,
 * arena, exporter and cursor; the server owns it from the reply on and frees it
 * with export_stream_free() once the answer is sent or abandoned. Everything is
 * read in the exporter's one read transaction, so the file is one moment of the
 * database while others write.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "http/records_int.h"
#include "io/export.h"
#include "store/query.h"

enum { EXPORT_CONDS = 32 };

typedef struct {
    records_req rq;     /* the request's store, scope and arena, until the stream ends */
    http_request req;   /* a copy of the request (the handler's is gone when the stream runs) */
    http_reply spare;   /* where a late reply of rq would go: never sent */
    query_cond conds[EXPORT_CONDS];
    size_t nconds;
    const char *format, *sort, *q, *excel, *delimiter, *decimal;
    const char *bad_key, *bad_msg; /* the first parameter refused, and why */
    export_format fmt;
    exporter *ex;
    store_query_cursor *cur;
    arena row;          /* the record being written */
    FILE *f;            /* writes into buf */
    char *buf;          /* written and not yet sent: buf[off, len) */
    size_t off, len, cap;
    int64_t n;          /* records written */
    int state;          /* 0 writing, 1 the end is in buf, 2 failed */
} export_stream;

/* ---- the stream ------------------------------------------------------------------------ */

static ssize_t buf_write(void *cookie, const char *data, size_t size)
{
    export_stream *es = cookie;
    if (es->off && es->len + size > es->cap) { /* make room before growing */
        memmove(es->buf, es->buf + es->off, es->len - es->off);
        es->len -= es->off;
        es->off = 0;
    }
    if (es->len + size > es->cap) {
        size_t cap = es->cap ? es->cap : 128 * 1024;
        while (cap < es->len + size)
            cap *= 2;
        char *b = realloc(es->buf, cap);
        if (!b)
            return -1;
        es->buf = b;
        es->cap = cap;
    }
    memcpy(es->buf + es->len, data, size);
    es->len += size;
    return (ssize_t)size;
}

static ssize_t export_read(void *cls, char *out, size_t max)
{
    export_stream *es = cls;
    while (es->state == 0 && es->len - es->off < max) {
        record *r;
        int got = store_query_next(es->cur, &es->row, &r, &es->rq.err);
        if (got == 1 && !export_row(es->ex, r, es->fmt, es->n, es->f, &es->row, &es->rq.err)) {
            es->n++;
        } else if (got == 0) {
            export_end(es->fmt, es->n, es->f);
            es->state = 1;
        } else {
            es->state = 2;
        }
        arena_reset(&es->row);
        if (fflush(es->f) != 0 || ferror(es->f))
            es->state = 2;
    }
    if (es->state == 2)
        return HTTP_STREAM_ERROR;
    size_t k = es->len - es->off;
    if (!k)
        return HTTP_STREAM_END;
    if (k > max)
        k = max;
    memcpy(out, es->buf + es->off, k);
    es->off += k;
    if (es->off == es->len)
        es->off = es->len = 0;
    return (ssize_t)k;
}

static void export_stream_free(void *cls)
{
    export_stream *es = cls;
    if (!es)
        return;
    store_query_close(es->cur);
    export_close(es->ex);
    if (es->f)
        fclose(es->f);
    free(es->buf);
    arena_release(&es->row);
    es->rq.req = &es->req;
    es->rq.out = &es->spare;
    records_close(&es->rq);
    free(es->spare.body);
    free(es);
}

/* ---- the parameters --------------------------------------------------------------------- */

static void refuse(export_stream *es, const char *key, const char *msg)
{
    if (!es->bad_key) {
        es->bad_key = key;
        es->bad_msg = msg ? msg : _("out of memory");
    }
}

static enum MHD_Result one_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    export_stream *es = cls;
    records_req *rq = &es->rq;
    if (!value)
        value = "";
    const char **slot = !strcmp(key, "format")      ? &es->format
                        : !strcmp(key, "sort")      ? &es->sort
                        : !strcmp(key, "q")         ? &es->q
                        : !strcmp(key, "excel")     ? &es->excel
                        : !strcmp(key, "delimiter") ? &es->delimiter
                        : !strcmp(key, "decimal")   ? &es->decimal
                                                    : NULL;
    if (!strcmp(key, "where")) {
        size_t n = 0;
        if (rtext_parse_where(&rq->text, value, es->conds + es->nconds, EXPORT_CONDS - es->nconds, &n))
            refuse(es, "where", arena_strdup(&rq->a, rq->err.msg));
        es->nconds += n;
    } else if (!slot) {
        refuse(es, key,
               arena_printf(&rq->a, _("unknown parameter '%s'; use format, where, sort, q, excel, delimiter or decimal"),
                            key));
    } else if (*slot) {
        refuse(es, key, arena_printf(&rq->a, _("'%s' is given twice"), key));
    } else {
        *slot = value;
    }
    return es->bad_key ? MHD_NO : MHD_YES;
}

/* Reads the parameters into q and the exporter's style; 0, or -1 with es->bad_key
 * and bad_msg set. */
static int export_query(export_stream *es, store_query *q, export_csv_style *style, int *excel)
{
    records_req *rq = &es->rq;
    MHD_get_connection_values(rq->req->conn, MHD_GET_ARGUMENT_KIND, one_param, es);
    if (es->bad_key)
        return -1;
    es->fmt = EXPORT_CSV;
    if (es->format && !strcmp(es->format, "json"))
        es->fmt = EXPORT_JSON;
    else if (es->format && strcmp(es->format, "csv"))
        refuse(es, "format", arena_printf(&rq->a, _("format '%s' must be csv or json"), es->format));
    *q = (store_query){.conds = es->conds, .nconds = es->nconds, .sort_field = -1};
    if (es->sort) {
        const char *s = es->sort;
        if (*s == '-' || *s == '+')
            q->descending = *s++ == '-';
        int f = rtext_field_by_name(rq->kind, s, strlen(s));
        if (f < 0 || !rq->kind->fields[f].column || (rq->kind->fields[f].flags & FF_SECRET))
            refuse(es, "sort", arena_printf(&rq->a, _("cannot sort by '%s'; fields: %s"), es->sort,
                                            rtext_field_list(rq->kind, 1, &rq->a)));
        q->sort_field = f;
    }
    if (es->q && *es->q)
        q->search = es->q;
    *style = (export_csv_style){0};
    *excel = 0;
    if (es->excel) {
        if (!strcmp(es->excel, "true") || !strcmp(es->excel, "1") || !*es->excel)
            *excel = 1;
        else if (strcmp(es->excel, "false") && strcmp(es->excel, "0"))
            refuse(es, "excel", arena_printf(&rq->a, _("%s '%s' must be true or false"), "excel", es->excel));
    }
    if (es->delimiter) {
        const char *d = es->delimiter;
        if (!strcmp(d, "tab") || !strcmp(d, "\\t"))
            style->delimiter = '\t';
        else if (strlen(d) == 1 && strchr(",;|\t", d[0]))
            style->delimiter = d[0];
        else
            refuse(es, "delimiter", arena_printf(&rq->a, _("%s '%s': use ',', ';', 'tab' or '|'"), "delimiter", d));
    }
    if (es->decimal) {
        if (!strcmp(es->decimal, "point") || !strcmp(es->decimal, "dot"))
            style->decimal = '.';
        else if (!strcmp(es->decimal, "comma"))
            style->decimal = ',';
        else
            refuse(es, "decimal",
                   arena_printf(&rq->a, _("%s '%s': use point (1234.56) or comma (1234,56)"), "decimal", es->decimal));
    }
    if (es->fmt == EXPORT_JSON && (*excel || es->delimiter || es->decimal))
        refuse(es, *excel ? "excel" : es->delimiter ? "delimiter" : "decimal",
               _("excel, delimiter and decimal are for CSV, not json"));
    return es->bad_key ? -1 : 0;
}

void route_export(http_request *req, http_reply *out)
{
    export_stream *es = calloc(1, sizeof *es);
    if (!es) {
        http_reply_problem(out, 503, _("out of memory"), NULL);
        return;
    }
    arena_init(&es->row, 16 * 1024);
    es->req = *req; /* for records_close, whenever the stream ends */
    if (records_open(&es->rq, req, out, NULL, ACCESS_READ)) {
        export_stream_free(es);
        return;
    }
    records_req *rq = &es->rq;
    store_query q;
    export_csv_style style;
    int excel;
    if (export_query(es, &q, &style, &excel)) {
        http_reply_field_errors(out, _("invalid request"), &es->bad_key, &es->bad_msg, 1);
        export_stream_free(es);
        return;
    }
    q.filter_sql = access_sql_filter(&rq->scope, rq->kind, &rq->a);
    cookie_io_functions_t io = {.write = buf_write};
    if ((es->fmt == EXPORT_CSV ? export_open(rq->st, &es->ex, &rq->err) : export_open_keys(rq->st, &es->ex, &rq->err)) ||
        store_query_open(rq->st, rq->kind, &q, &es->cur, &rq->err)) {
        records_reply_error(rq, q.search ? "q" : NULL);
        export_stream_free(es);
        return;
    }
    if (!(es->f = fopencookie(es, "w", io))) {
        http_reply_problem(out, 503, _("out of memory"), NULL);
        export_stream_free(es);
        return;
    }
    if (es->fmt == EXPORT_CSV) {
        export_csv_style s = excel ? export_excel_style(store_org(rq->st)->locale) : (export_csv_style){0};
        if (style.delimiter)
            s.delimiter = style.delimiter;
        if (style.decimal)
            s.decimal = style.decimal;
        export_set_csv_style(es->ex, &s);
    }
    export_begin(es->ex, rq->kind, es->fmt, es->f);
    char name[64];
    export_file_name(rq->kind, es->fmt, name, sizeof name);
    *out = (http_reply){.status = 200,
                        .content_type = es->fmt == EXPORT_CSV ? "text/csv; charset=utf-8" : "application/json",
                        .stream = export_read, .stream_free = export_stream_free, .stream_cls = es};
    size_t n = strlen(name) + 32;
    if ((out->disposition = malloc(n)))
        snprintf(out->disposition, n, "attachment; filename=\"%s\"", name);
    rq->req = &es->req;
    rq->out = &es->spare;
}
