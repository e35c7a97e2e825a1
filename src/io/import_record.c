/*
 * import_record.c - what an import records about itself in the import log
 * (store/import_log.h): its file (name, size, BLAKE2b-256 hash of the bytes), its
 * options, its author and time, its counts.
 *
 * The file is hashed on a thread of its own while the rows are imported (the
 * page cache holds what the reader just read), so a first import does not wait
 * for it; a file that is not a regular file (a pipe) cannot be read twice and is
 * recorded without a hash.
 */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/i18n.h"
#include "io/import_internal.h"
#include "store/import_log.h"

enum { HASH_BYTES = 32 };

struct import_recorder {
    import_log *log;
    int64_t size;
    int fd;            /* the file being hashed, -1 when none */
    int running;       /* the thread was started and not joined */
    pthread_t thread;
    int hashed;        /* digest holds the hash */
    unsigned char digest[HASH_BYTES];
};

static void *hash_file(void *arg)
{
    struct import_recorder *r = arg;
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
    unsigned char *buf = malloc(1 << 16);
    ssize_t n = buf ? 0 : -1;
    while (buf && (n = read(r->fd, buf, 1 << 16)) > 0)
        crypto_generichash_update(&h, buf, (unsigned long long)n);
    free(buf);
    if (n == 0)
        r->hashed = crypto_generichash_final(&h, r->digest, HASH_BYTES) == 0;
    return NULL;
}

static void join_hash(struct import_recorder *r)
{
    if (r->running)
        pthread_join(r->thread, NULL);
    r->running = 0;
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
}

/* The options as typed, a JSON array of strings. */
static char *options_json(const import_opts *o)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < o->nlog_options; i++)
        json_array_append_new(a, json_string(o->log_options[i]));
    char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return text;
}

emb_code import_record_begin(import_job *j, emb_err *err)
{
    const import_opts *o = j->o;
    struct import_recorder *r = calloc(1, sizeof *r);
    if (!r)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    r->fd = -1;
    j->recorder = r;
    struct stat sb;
    if (o->data) {
        r->size = (int64_t)o->data_len;
        r->hashed = crypto_generichash(r->digest, HASH_BYTES, (const unsigned char *)o->data, o->data_len, NULL,
                                       0) == 0;
    } else if ((r->fd = open(o->path, O_RDONLY | O_CLOEXEC)) >= 0 && fstat(r->fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        r->size = (int64_t)sb.st_size;
        r->running = pthread_create(&r->thread, NULL, hash_file, r) == 0;
    }
    if (!r->running && r->fd >= 0) {
        close(r->fd);
        r->fd = -1;
    }
    char *options = options_json(o);
    if (!options)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    import_log_info info = {.kind = j->kind->name, .file = o->path, .size = r->size, .hash = "",
                            .options = options, .at = o->now, .user_id = o->author_id};
    emb_code rc = import_log_begin(j->st, &info, &r->log, err);
    free(options);
    j->ctx.log = r->log;
    return rc;
}

int import_record_wrote(const import_job *j)
{
    return j->recorder && import_log_wrote(j->recorder->log);
}

emb_code import_record_end(import_job *j, emb_err *err)
{
    struct import_recorder *r = j->recorder;
    const import_summary *s = j->sum;
    join_hash(r);
    char hex[2 * HASH_BYTES + 1] = "";
    if (r->hashed)
        sodium_bin2hex(hex, sizeof hex, r->digest, HASH_BYTES);
    json_t *refs = s->nrefs_created ? json_object() : NULL;
    for (size_t i = 0; refs && i < s->nrefs_created; i++)
        json_object_set_new(refs, s->refs_created[i].kind, json_integer(s->refs_created[i].count));
    char *refs_text = refs ? json_dumps(refs, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(refs);
    import_log_counts c = {.rows = s->rows, .created = s->created, .updated = s->updated + s->repeated,
                           .unchanged = s->unchanged, .rejected = s->rejected, .refs = refs_text, .hash = hex};
    emb_code rc = import_log_end(r->log, &c, err);
    free(refs_text);
    if (!rc)
        j->sum->import_id = import_log_id(r->log);
    return rc;
}

void import_record_release(import_job *j)
{
    struct import_recorder *r = j->recorder;
    if (!r)
        return;
    join_hash(r);
    import_log_free(r->log);
    free(r);
    j->recorder = NULL;
    j->ctx.log = NULL;
}
