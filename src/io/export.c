/*
 * export.c - streaming exports of whole kinds; see export.h.
 * One refcache of keys (preloading each referenced kind whole) serves every kind
 * an exporter writes, so `export all` loads each key map once.
 */
#include "io/export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "core/tz.h"
#include "io/emit.h"
#include "io/recfmt.h"
#include "store/records.h"
#include "store/refcache.h"

struct exporter {
    store *st;
    int in_read_tx; /* 1 while the snapshot transaction of export_open is open */
    tz *zone;
    refcache *keys;
    refnames *names;
    recfmt fmt;
    export_csv_style csv;
};

export_csv_style export_excel_style(const char *locale)
{
    int es = locale && !strcmp(locale, "es");
    return (export_csv_style){.delimiter = es ? ';' : ',', .decimal = es ? ',' : '.', .bom = 1};
}

void export_set_csv_style(exporter *ex, const export_csv_style *style)
{
    ex->csv = *style;
    if (!ex->csv.delimiter)
        ex->csv.delimiter = ',';
    if (!ex->csv.decimal)
        ex->csv.decimal = '.';
}

/* export_open (keys_only 0) or export_open_keys (1). */
static emb_code open_exporter(store *st, int keys_only, exporter **out, emb_err *err)
{
    exporter *ex = calloc(1, sizeof *ex);
    if (!ex)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    ex->st = st;
    ex->csv = (export_csv_style){.delimiter = ',', .decimal = '.'};
    if (tz_open(store_org(st)->timezone, &ex->zone, err) ||
        refcache_new(st, 0, keys_only ? 0 : INT64_MAX, &ex->keys, err) ||
        (!keys_only && refnames_new(st, ex->keys, &ex->names, err))) {
        export_close(ex);
        return err->code;
    }
    ex->fmt = (recfmt){.st = st, .zone = ex->zone, .org_currency = store_org(st)->currency, .refs = ex->keys,
                      .names = ex->names};
    /* One read transaction: every kind and key map comes from the same snapshot,
     * even while other processes write. */
    if (store_exec(st, "BEGIN", err)) {
        export_close(ex);
        return err->code;
    }
    ex->in_read_tx = 1;
    *out = ex;
    return EMB_OK;
}

emb_code export_open(store *st, exporter **out, emb_err *err) { return open_exporter(st, 0, out, err); }

emb_code export_open_keys(store *st, exporter **out, emb_err *err) { return open_exporter(st, 1, out, err); }

void export_close(exporter *ex)
{
    if (!ex)
        return;
    if (ex->in_read_tx)
        store_exec(ex->st, "COMMIT", NULL);
    refnames_free(ex->names);
    refcache_free(ex->keys);
    if (ex->zone)
        tz_close(ex->zone);
    free(ex);
}

static void header(const exporter *ex, const kind_def *kind, FILE *f)
{
    int first = 1;
    if (ex->csv.bom)
        fputs("\xEF\xBB\xBF", f);
    for (size_t i = 0; i < kind->nfields; i++) {
        if (!recfmt_exported(&kind->fields[i]))
            continue;
        if (!first)
            putc(ex->csv.delimiter, f);
        emit_csv_cell_sep(f, kind->fields[i].name, ex->csv.delimiter);
        first = 0;
    }
    fputs(EMIT_CSV_EOL, f);
}

static emb_code row(exporter *ex, const record *r, export_format fmt, FILE *f, arena *a, emb_err *err)
{
    const kind_def *kind = r->kind;
    int first = 1;
    if (fmt == EXPORT_JSON)
        putc('{', f);
    for (size_t i = 0; i < kind->nfields; i++) {
        const field_def *fd = &kind->fields[i];
        if (!recfmt_exported(fd))
            continue;
        emb_err_clear(err);
        const char *text = recfmt_field(&ex->fmt, r, (int)i, a, err);
        if (!text && err->code)
            return emb_err_prefix(err, _("%s #%lld, field %s"), _(kind->singular), (long long)r->id, fd->name);
        if (fmt == EXPORT_CSV) {
            if (!first)
                putc(ex->csv.delimiter, f);
            char num[64];
            size_t len = text ? strlen(text) : 0;
            if (len && len < sizeof num && ex->csv.decimal != '.' && recfmt_json_type(fd) == 1) {
                memcpy(num, text, len + 1);
                char *dot = strchr(num, '.'); /* the one decimal point of a formatted number */
                if (dot) {
                    *dot = ex->csv.decimal;
                    text = num;
                }
            }
            emit_csv_cell_sep(f, text, ex->csv.delimiter);
        } else {
            fputs(first ? "" : ", ", f);
            emit_json_string(f, fd->name);
            fputs(": ", f);
            int type = recfmt_json_type(fd);
            if (type == 1)
                emit_json_number(f, text);
            else if (type == 2)
                emit_json_bool(f, text);
            else
                emit_json_string(f, text);
        }
        first = 0;
    }
    fputs(fmt == EXPORT_CSV ? EMIT_CSV_EOL : "}", f);
    return EMB_OK;
}

emb_code export_record_json(exporter *ex, const record *r, FILE *f, arena *a, emb_err *err)
{
    return row(ex, r, EXPORT_JSON, f, a, err);
}

const char *export_ref(exporter *ex, const kind_def *kind, int64_t id, emb_err *err)
{
    if (!id)
        return NULL;
    return ex->names ? refnames_get(ex->names, kind, id, err) : refcache_get(ex->keys, kind, id, err);
}

void export_begin(exporter *ex, const kind_def *kind, export_format fmt, FILE *f)
{
    if (fmt == EXPORT_CSV)
        header(ex, kind, f);
    else
        putc('[', f);
}

emb_code export_row(exporter *ex, const record *r, export_format fmt, int64_t n, FILE *f, arena *a, emb_err *err)
{
    if (fmt == EXPORT_JSON)
        fputs(n ? ",\n" : "\n", f);
    return row(ex, r, fmt, f, a, err);
}

void export_end(export_format fmt, int64_t n, FILE *f)
{
    if (fmt == EXPORT_JSON)
        fputs(n ? "\n]\n" : "]\n", f);
}

emb_code export_kind(exporter *ex, const kind_def *kind, export_format fmt, FILE *f, int64_t *rows, emb_err *err)
{
    store_cursor *cur;
    if (store_cursor_open(ex->st, kind, &cur, err))
        return err->code;
    arena a;
    arena_init(&a, 16 * 1024);
    int64_t n = 0;
    emb_code rc = EMB_OK;
    export_begin(ex, kind, fmt, f);
    record *r;
    int got;
    while ((got = store_cursor_next(cur, &a, &r, err)) == 1) {
        if ((rc = export_row(ex, r, fmt, n, f, &a, err)))
            break;
        n++;
        arena_reset(&a);
        if (ferror(f))
            break;
    }
    if (got < 0)
        rc = err->code;
    if (!rc)
        export_end(fmt, n, f);
    if (!rc && (fflush(f) != 0 || ferror(f)))
        rc = emb_err_set(err, EMB_IO, _("cannot write the export of %s: %s"), kind->name, strerror(errno));
    store_cursor_close(cur);
    arena_release(&a);
    if (rows)
        *rows = n;
    return rc;
}

/* Writes the export into what path opens to (a device, a FIFO, or a file made
 * through a dangling symlink), in place: nothing there is replaced. */
static emb_code export_direct(exporter *ex, const kind_def *kind, export_format fmt, const char *path, int create,
                              int64_t *rows, emb_err *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | (create ? O_CREAT | O_TRUNC : 0), 0666);
    if (fd < 0)
        return emb_err_set(err, EMB_IO, _("cannot write '%s': %s"), path, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    emb_code rc = export_kind(ex, kind, fmt, f, rows, err);
    if (fclose(f) != 0 && !rc)
        rc = emb_err_set(err, EMB_IO, _("cannot write '%s': %s"), path, strerror(errno));
    return rc;
}

/* Writes into the regular file path (or a new one) atomically: a temporary file
 * beside it, flushed, renamed over it. */
static emb_code export_atomic(exporter *ex, const kind_def *kind, export_format fmt, const char *path,
                              int64_t *rows, emb_err *err)
{
    size_t n = strlen(path) + 48;
    char *tmp = malloc(n);
    if (!tmp)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(tmp, n, "%s.tmp-%ld-%d", path, (long)getpid(), attempt);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        emb_code rc = emb_err_set(err, EMB_IO, _("cannot create '%s': %s"), path, strerror(errno));
        free(tmp);
        return rc;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20); /* fewer, larger writes */
    emb_code rc = export_kind(ex, kind, fmt, f, rows, err);
    if (!rc && fsync(fileno(f)) != 0)
        rc = emb_err_set(err, EMB_IO, _("cannot write '%s': %s"), path, strerror(errno));
    if (fclose(f) != 0 && !rc)
        rc = emb_err_set(err, EMB_IO, _("cannot write '%s': %s"), path, strerror(errno));
    if (!rc && rename(tmp, path) != 0)
        rc = emb_err_set(err, EMB_IO, _("cannot write '%s': %s"), path, strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

emb_code export_kind_file(exporter *ex, const kind_def *kind, export_format fmt, const char *path, int64_t *rows,
                          emb_err *err)
{
    struct stat sb;
    int link = lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
    char *target = link ? realpath(path, NULL) : NULL; /* NULL: a dangling link */
    const char *where = target ? target : path;
    emb_code rc;
    if (stat(where, &sb) == 0 && S_ISDIR(sb.st_mode))
        rc = emb_err_set(err, EMB_IO, _("'%s' is a directory; name a file to write"), path);
    else if (stat(where, &sb) == 0 && !S_ISREG(sb.st_mode))
        rc = export_direct(ex, kind, fmt, where, 0, rows, err);
    else if (link && !target)
        rc = export_direct(ex, kind, fmt, path, 1, rows, err);
    else
        rc = export_atomic(ex, kind, fmt, where, rows, err);
    free(target);
    return rc;
}

const char *export_file_name(const kind_def *kind, export_format fmt, char *buf, size_t size)
{
    snprintf(buf, size, "%s.%s", kind->name, fmt == EXPORT_CSV ? "csv" : "json");
    return buf;
}
