/*
 * snapshot_file.c - the persisted snapshot: every column of a snapshot written to
 * one file beside the database and memory-mapped by later processes, so a
 * one-shot command starts without reading SQLite (DESIGN.md).
 *
 * File layout (native endianness, checked by a marker): a header, a directory of
 * (column, element size, count, offset) entries, then each column's bytes at an
 * offset aligned to 64. The header carries the store generation the snapshot was
 * built from; a snapshot whose generation differs from the store's is stale.
 * The header's checksum (XXH3-64 of the whole file with that field zero) is
 * written last; a file is used only when it is a regular file, its checksum
 * matches, and every code and index column is within the range of what it points
 * to (a damaged file is not used, and snapshot_open rebuilds it).
 * Invariant: a mapped snapshot is never written to (PROT_READ); its columns point
 * into the map and are released with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/i18n.h"
#include "metrics/snapshot.h"
#include "metrics/snapshot_columns.h"
#include "store/store.h"

#define SNAP_MAGIC "EMBSNAP"
#define SNAP_VERSION 18u
#define SNAP_ENDIAN 0x01020304u
#define SNAP_ALIGN 64

typedef struct {
    char magic[8];
    uint32_t version, endian;
    int64_t generation;
    uint32_t ncolumns, reserved;
    uint64_t file_size;
    char currency[8];
    char timezone[64];
    char instance[40];
    int32_t fiscal_year_start, week_start;
    uint64_t checksum; /* XXH3-64 of the file with this field 0; written last */
} snap_header;

typedef struct {
    uint32_t column, elem;
    uint64_t count, offset;
} snap_entry;

#define NCOLUMNS SNAP_NCOLUMNS
#define columns snap_columns

int snapshot_sum_fits(const int64_t *v, size_t n)
{
    unsigned __int128 sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i] < 0 ? (uint64_t)0 - (uint64_t)v[i] : (uint64_t)v[i];
    return sum <= (unsigned __int128)SNAP_SUM_MAX;
}

int snapshot_check_sums(snapshot *s)
{
    if (!s->exact) {
        if (!(s->exact = malloc(1)))
            return -1;
        s->nexact = 1;
    }
    s->exact[0] = (uint8_t)snapshot_sums_fit(s);
    return 0;
}

int snapshot_sums_fit(const snapshot *s)
{
    return snapshot_sum_fits(s->deals.amount, s->deals.n) && snapshot_sum_fits(s->history.amount, s->history.n) &&
           snapshot_sum_fits(s->lines.net, s->lines.n) && snapshot_sum_fits(s->lines.cost, s->lines.n) &&
           snapshot_sum_fits(s->lines.gross, s->lines.n) && snapshot_sum_fits(s->lines.quantity, s->lines.n) &&
           snapshot_sum_fits(s->expenses.amount, s->expenses.n) && snapshot_sum_fits(s->goals.target, s->goals.n);
}

#define col_ptr snap_col_ptr
#define col_count snap_col_count

/* Writes n bytes and adds them to the checksum sum (when not NULL). */
static int write_all(int fd, const void *p, size_t n, XXH3_state_t *sum)
{
    if (sum && n && XXH3_64bits_update(sum, p, n) != XXH_OK)
        return -1;
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A new temporary file beside path, unique to this writer: path.PID-XXXXXX.tmp (the
 * PID lets a later process remove it once this one is gone: store_remove_stale),
 * created with O_EXCL, so that two writers of one process or of two never share
 * one. Its name in *tmp (malloc'd; NULL when out of memory). The descriptor, or -1
 * with errno set. */
static int tmp_create(const char *path, char **tmp)
{
    size_t n = strlen(path) + 40;
    *tmp = malloc(n);
    if (!*tmp) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(*tmp, n, "%s.%d-XXXXXX.tmp", path, (int)getpid());
    int fd = mkostemps(*tmp, 4, O_CLOEXEC);
    if (fd >= 0 && fchmod(fd, 0644) != 0) {
        int e = errno;
        close(fd);
        unlink(*tmp);
        errno = e;
        return -1;
    }
    return fd;
}

/* fsync of the directory that holds path, so that a rename in it lasts. Best
 * effort where the file system cannot (EINVAL); 0 or -1 with errno set. */
static int fsync_dir(const char *path)
{
    char dir[4096];
    if (store_dir_of(path, dir, sizeof dir))
        return 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd) != 0 && errno != EINVAL ? -1 : 0;
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Makes the temporary file tmp (fd open on it) the file path: its data on disk
 * first, then the rename, then the directory's entry, so that after a crash path
 * holds the old file or the whole new one. Closes fd; removes tmp on failure.
 * bad: the writing already failed (tmp is then only removed). 0, or -1 with errno
 * set. */
static int tmp_publish(int fd, const char *tmp, const char *path, int bad)
{
    int e = errno;
    if (!bad && fsync(fd) != 0) {
        bad = 1;
        e = errno;
    }
    if (close(fd) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(tmp);
        errno = e;
        return -1;
    }
    return fsync_dir(path);
}

emb_code snapshot_write(const snapshot *s, const char *path, emb_err *err)
{
    snapshot *ms = (snapshot *)s; /* only read through col_ptr/col_count */
    snap_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, SNAP_MAGIC, sizeof SNAP_MAGIC);
    h.version = SNAP_VERSION;
    h.endian = SNAP_ENDIAN;
    h.generation = s->generation;
    h.ncolumns = (uint32_t)NCOLUMNS;
    snprintf(h.currency, sizeof h.currency, "%s", s->currency);
    snprintf(h.timezone, sizeof h.timezone, "%s", s->timezone);
    snprintf(h.instance, sizeof h.instance, "%s", s->instance);
    h.fiscal_year_start = s->fiscal_year_start;
    h.week_start = s->week_start;
    snap_entry dir[NCOLUMNS];
    uint64_t offset = sizeof h + sizeof dir;
    for (size_t i = 0; i < NCOLUMNS; i++) {
        offset = (offset + SNAP_ALIGN - 1) / SNAP_ALIGN * SNAP_ALIGN;
        size_t count = *col_count(ms, &columns[i]);
        if (count || columns[i].extra)
            count += columns[i].extra;
        dir[i] = (snap_entry){.column = (uint32_t)i, .elem = (uint32_t)columns[i].elem, .count = count, .offset = offset};
        offset += count * columns[i].elem;
    }
    h.file_size = offset;

    store_remove_stale(path, ".", ".tmp");
    char *tmp;
    int fd = tmp_create(path, &tmp);
    XXH3_state_t *sum = fd >= 0 ? XXH3_createState() : NULL;
    if (!tmp)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (fd < 0 || !sum) {
        emb_err_set(err, fd < 0 ? EMB_IO : EMB_NOMEM, _("cannot write snapshot '%s': %s"), tmp,
                    fd < 0 ? strerror(errno) : _("out of memory"));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        XXH3_freeState(sum);
        free(tmp);
        return err->code;
    }
    static const char zeros[SNAP_ALIGN];
    int bad = XXH3_64bits_reset(sum) != XXH_OK || write_all(fd, &h, sizeof h, sum) ||
              write_all(fd, dir, sizeof dir, sum);
    uint64_t pos = sizeof h + sizeof dir;
    for (size_t i = 0; i < NCOLUMNS && !bad; i++) {
        bad = write_all(fd, zeros, (size_t)(dir[i].offset - pos), sum);
        size_t bytes = (size_t)(dir[i].count * dir[i].elem);
        if (!bad && bytes)
            bad = write_all(fd, *col_ptr(ms, &columns[i]), bytes, sum);
        pos = dir[i].offset + bytes;
    }
    /* Last, the checksum: a file cut short before this point never verifies. */
    uint64_t checksum = XXH3_64bits_digest(sum);
    XXH3_freeState(sum);
    if (!bad && pwrite(fd, &checksum, sizeof checksum, offsetof(snap_header, checksum)) != sizeof checksum)
        bad = 1;
    if (tmp_publish(fd, tmp, path, bad) != 0) {
        emb_err_set(err, EMB_IO, _("cannot write snapshot '%s': %s"), path, strerror(errno));
        free(tmp);
        return EMB_IO;
    }
    free(tmp);
    return EMB_OK;
}

/* ---- verification of a mapped file ---------------------------------------------------- */

/* A column of int32 references into a dimension: every value is below the
 * dimension's length, or SNAP_NONE where none may be. */
typedef struct {
    size_t ptr, count, bound; /* offsetof the column, its length, the dimension's length */
    int none;                 /* 1 when SNAP_NONE is allowed */
} ref_desc;

#define REF(member, countmember, boundmember, none) \
    {offsetof(snapshot, member), offsetof(snapshot, countmember), offsetof(snapshot, boundmember), none}

static const ref_desc refs[] = {
    REF(users.team, users.n, teams.n, 1), REF(users.region, users.n, regions.n, 1),
    REF(users.name, users.n, names.n, 1),
    REF(teams.name, teams.n, names.n, 1), REF(teams.region, teams.n, regions.n, 1),
    REF(teams.manager, teams.n, users.n, 1), REF(regions.name, regions.n, names.n, 1),
    REF(accounts.name, accounts.n, names.n, 1), REF(accounts.segment, accounts.n, segments.n, 1),
    REF(accounts.industry, accounts.n, industries.n, 1), REF(accounts.region, accounts.n, regions.n, 1),
    REF(accounts.owner, accounts.n, users.n, 1),
    REF(products.name, products.n, names.n, 1), REF(products.category, products.n, categories.n, 1),
    REF(pipelines.name, pipelines.n, names.n, 1),
    REF(stages.pipeline, stages.n, pipelines.n, 1), REF(stages.name, stages.n, names.n, 1),
    REF(deals.currency, deals.n, currencies.n, 1), REF(deals.owner, deals.n, users.n, 1),
    REF(deals.close_owner, deals.n, users.n, 1), REF(deals.account, deals.n, accounts.n, 1),
    REF(deals.pipeline, deals.n, pipelines.n, 1), REF(deals.stage, deals.n, stages.n, 1),
    REF(deals.source, deals.n, sources.n, 1), REF(deals.lead, deals.n, leads.n, 1),
    REF(deals.product, deals.n, products.n, 1), REF(deals.lost_reason, deals.n, lost_reasons.n, 1),
    REF(history.deal, history.n, deals.n, 0), REF(history.stage, history.n, stages.n, 1),
    REF(history.owner, history.n, users.n, 1),
    REF(history.span_deal, history.nspans, deals.n, 0), REF(history.move_deal, history.nmoves, deals.n, 0),
    REF(history.exit_deal, history.nexits, deals.n, 0), REF(history.exit_stage, history.nexits, stages.n, 1),
    REF(lines.order, lines.n, lines.norders, 0), REF(lines.rep, lines.n, users.n, 1),
    REF(lines.account, lines.n, accounts.n, 1), REF(lines.region, lines.n, regions.n, 1),
    REF(lines.product, lines.n, products.n, 1), REF(lines.order_currency, lines.norders, currencies.n, 1),
    REF(lines.roll.owner, lines.roll.n, users.n, 1),
    REF(leads.source, leads.n, sources.n, 1), REF(leads.owner, leads.n, users.n, 1),
    REF(activities.owner, activities.n, users.n, 1), REF(activities.deal, activities.n, deals.n, 1),
    REF(activities.lead, activities.n, leads.n, 1), REF(activities.account, activities.n, accounts.n, 1),
    REF(activities.roll.owner, activities.roll.n, users.n, 1),
    REF(goals.metric, goals.n, metrics.n, 1), REF(goals.team, goals.n, teams.n, 1),
    REF(goals.rep, goals.n, users.n, 1), REF(expenses.channel, expenses.n, sources.n, 1),
};

/* A column of uint32 positions (orders of rows): every value below a length. */
typedef struct {
    size_t ptr, count, bound;
} pos_desc;

#define POS(member, countmember, boundmember) \
    {offsetof(snapshot, member), offsetof(snapshot, countmember), offsetof(snapshot, boundmember)}

static const pos_desc positions[] = {
    POS(deals.by_created, deals.n, deals.n),     POS(deals.by_closed, deals.nclosed, deals.n),
    POS(lines.by_ordered, lines.n, lines.n),     POS(activities.open_tasks, activities.nopen_tasks, activities.n),
};

/* A column of uint8 codes of an enum: every value at most max. */
typedef struct {
    size_t ptr, count;
    unsigned max;
} code_desc;

#define CODE(member, countmember, max) {offsetof(snapshot, member), offsetof(snapshot, countmember), max}

static const code_desc codes[] = {
    CODE(deals.status, deals.n, DEAL_LOST),      CODE(history.status, history.n, DEAL_LOST),
    CODE(stages.kind, stages.n, DEAL_LOST),      CODE(activities.type, activities.n, ACT_NOTE),
    CODE(activities.outcome, activities.n, OUT_REJECTED), CODE(goals.scope, goals.n, GOAL_REP),
    CODE(expenses.category, expenses.n, EXP_OTHER), CODE(exact, nexact, 1),
};

static size_t field_size(const snapshot *s, size_t off) { return *(const size_t *)((const char *)s + off); }
static const void *field_ptr(const snapshot *s, size_t off) { return *(void *const *)((const char *)s + off); }

/* 1 when first[0..n] (n + 1 entries, or none when n is 0) starts at 0, never
 * decreases and ends at total. */
static int firsts_ok(const uint32_t *first, size_t n, size_t total)
{
    if (!first)
        return n == 0 && total == 0;
    if (first[0] != 0 || first[n] != total)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (first[k] > first[k + 1])
            return 0;
    return 1;
}

/* 1 when every run [first[k], end[k]) of the n lies within total rows. */
static int runs_ok(const uint32_t *first, const uint32_t *end, size_t n, size_t total)
{
    for (size_t k = 0; k < n; k++)
        if (first[k] > end[k] || end[k] > total)
            return 0;
    return 1;
}

static int rollup_ok(const snap_rollup *r, size_t width)
{
    return r->nvalues == r->n * width && r->nok <= 1 && (r->ndays == 0 ? r->n == 0 : firsts_ok(r->first, r->ndays, r->n));
}

/* 1 when every code and index column of s is within range. */
static int ranges_ok(const snapshot *s)
{
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        const int32_t *v = field_ptr(s, refs[i].ptr);
        size_t n = field_size(s, refs[i].count);
        int64_t lo = refs[i].none ? SNAP_NONE : 0, hi = (int64_t)field_size(s, refs[i].bound);
        for (size_t k = 0; k < n; k++)
            if (v[k] < lo || v[k] >= hi)
                return 0;
    }
    for (size_t i = 0; i < sizeof positions / sizeof *positions; i++) {
        const uint32_t *v = field_ptr(s, positions[i].ptr);
        size_t n = field_size(s, positions[i].count), hi = field_size(s, positions[i].bound);
        for (size_t k = 0; k < n; k++)
            if (v[k] >= hi)
                return 0;
    }
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        const uint8_t *v = field_ptr(s, codes[i].ptr);
        size_t n = field_size(s, codes[i].count);
        for (size_t k = 0; k < n; k++)
            if (v[k] > codes[i].max)
                return 0;
    }
    const snap_activities *a = &s->activities;
    return s->nexact == 1 && s->deals.nclosed <= s->deals.n &&
           runs_ok(s->history.first, s->history.end, s->deals.n, s->history.n) &&
           rollup_ok(&a->roll, ROLL_WIDTH) && rollup_ok(&s->lines.roll, LINE_WIDTH) &&
           a->nblocks == (a->n + SNAP_BLOCK - 1) / SNAP_BLOCK;
}

/* The checksum of a mapped file: its bytes with the header's checksum field 0. */
static uint64_t file_checksum(const void *map, size_t size)
{
    snap_header h;
    memcpy(&h, map, sizeof h);
    h.checksum = 0;
    XXH3_state_t *st = XXH3_createState();
    if (!st)
        return ~((const snap_header *)map)->checksum; /* never matches: the file is rebuilt */
    XXH3_64bits_reset(st);
    XXH3_64bits_update(st, &h, sizeof h);
    XXH3_64bits_update(st, (const char *)map + sizeof h, size - sizeof h);
    uint64_t sum = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return sum;
}

/* Opens path for reading if it is a regular file, never waiting (a FIFO in its
 * place is refused, not opened for a writer that never comes). -1 with errno. */
static int open_regular(const char *path, struct stat *sb)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

/* ---- verdicts: files already verified --------------------------------------------------
 * Verifying a file reads all of it (about 0.1 s of CPU for a 150 MB snapshot,
 * several times a one-shot query), so a process that verified a file records it
 * in path + ".verified": the file's identity and change time, and its checksum.
 * A later process that finds the same file unchanged (same device, inode, size,
 * modification and change times, which every write moves, and the change time
 * cannot be set back) skips the reading. As git does for its index, a verdict is
 * recorded only for a file changed at least two seconds before, so that a change
 * within the same tick of the file system clock cannot hide behind it. Damage
 * that bypasses the file system (the disk's own bit rot) is not caught after the
 * first verification. */
typedef struct {
    char magic[8];
    uint64_t dev, ino, size, checksum;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
} snap_verdict;

#define VERDICT_MAGIC "EMBSOK1"

static snap_verdict verdict_of(const struct stat *sb, uint64_t checksum)
{
    snap_verdict v;
    memset(&v, 0, sizeof v);
    memcpy(v.magic, VERDICT_MAGIC, sizeof VERDICT_MAGIC);
    v.dev = (uint64_t)sb->st_dev;
    v.ino = (uint64_t)sb->st_ino;
    v.size = (uint64_t)sb->st_size;
    v.checksum = checksum;
    v.mtime_s = (int64_t)sb->st_mtim.tv_sec;
    v.mtime_ns = (int64_t)sb->st_mtim.tv_nsec;
    v.ctime_s = (int64_t)sb->st_ctim.tv_sec;
    v.ctime_ns = (int64_t)sb->st_ctim.tv_nsec;
    return v;
}

static char *verdict_path(const char *path)
{
    size_t n = strlen(path) + 16;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.verified", path);
    return p;
}

/* 1 when path + ".verified" says the file (sb, checksum) was verified. */
static int verdict_holds(const char *path, const struct stat *sb, uint64_t checksum)
{
    char *vp = verdict_path(path);
    if (!vp)
        return 0;
    struct stat vsb;
    int fd = open_regular(vp, &vsb);
    free(vp);
    if (fd < 0)
        return 0;
    snap_verdict got, want = verdict_of(sb, checksum);
    ssize_t n = pread(fd, &got, sizeof got, 0);
    close(fd);
    return n == (ssize_t)sizeof got && !memcmp(&got, &want, sizeof got);
}

/* Records that the file (sb, checksum) was verified, when it changed at least two
 * seconds ago. Best effort. */
static void verdict_record(const char *path, const struct stat *sb, uint64_t checksum)
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0 || sb->st_ctim.tv_sec > now.tv_sec - 2 ||
        sb->st_mtim.tv_sec > now.tv_sec - 2)
        return;
    char *vp = verdict_path(path), *tmp = NULL;
    if (vp) {
        snap_verdict v = verdict_of(sb, checksum);
        store_remove_stale(vp, ".", ".tmp");
        int fd = tmp_create(vp, &tmp);
        if (fd >= 0)
            tmp_publish(fd, tmp, vp, write_all(fd, &v, sizeof v, NULL));
    }
    free(tmp);
    free(vp);
}

/* Maps path; with trust_verdict, a file recorded as verified and unchanged since
 * is not read whole again. */
static emb_code map_file(const char *path, int trust_verdict, snapshot **out, emb_err *err)
{
    *out = NULL;
    struct stat sb;
    int fd = open_regular(path, &sb);
    if (fd < 0)
        return emb_err_set(err, errno == ENOENT ? EMB_NOT_FOUND : errno == EINVAL ? EMB_CORRUPT : EMB_IO,
                           _("cannot open snapshot '%s': %s"), path,
                           errno == EINVAL ? _("not a regular file") : strerror(errno));
    if ((size_t)sb.st_size < sizeof(snap_header) + NCOLUMNS * sizeof(snap_entry)) {
        close(fd);
        return emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' is truncated"), path);
    }
    size_t size = (size_t)sb.st_size;
    uint64_t sum = 0;
    int verified = trust_verdict &&
                   pread(fd, &sum, sizeof sum, offsetof(snap_header, checksum)) == (ssize_t)sizeof sum &&
                   verdict_holds(path, &sb, sum);
    /* A file read whole for its verification is mapped in one go. */
    void *map = mmap(NULL, size, PROT_READ, MAP_SHARED | (verified ? 0 : MAP_POPULATE), fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return emb_err_set(err, EMB_IO, _("cannot map snapshot '%s': %s"), path, strerror(errno));
    const snap_header *h = map;
    const snap_entry *dir = (const snap_entry *)(h + 1);
    snapshot *s = calloc(1, sizeof *s);
    emb_code rc = EMB_OK;
    if (!s) {
        munmap(map, size);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    s->map = map;
    s->map_size = size;
    if (memcmp(h->magic, SNAP_MAGIC, sizeof SNAP_MAGIC) || h->version != SNAP_VERSION || h->endian != SNAP_ENDIAN ||
        h->ncolumns != NCOLUMNS || h->file_size != size || !memchr(h->currency, 0, sizeof h->currency) ||
        !memchr(h->timezone, 0, sizeof h->timezone) || !memchr(h->instance, 0, sizeof h->instance)) {
        rc = emb_err_set(err, EMB_CORRUPT, _("'%s' is not a snapshot of this embudo version"), path);
        goto done;
    }
    verified = verified && sum == h->checksum;
    if (!verified && file_checksum(map, size) != h->checksum) {
        rc = emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' is damaged (its checksum does not match)"), path);
        goto done;
    }
    for (size_t i = 0; i < NCOLUMNS; i++) {
        const snap_entry *e = &dir[i];
        const column_desc *c = &columns[i];
        if (e->column != i || e->elem != c->elem || e->offset % SNAP_ALIGN || e->offset > size ||
            e->count > (size - e->offset) / c->elem) {
            rc = emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' has a damaged column %zu"), path, i);
            goto done;
        }
        size_t count = (size_t)e->count;
        if (c->extra && count)
            count -= c->extra;
        size_t *cnt = col_count(s, c);
        /* Columns sharing a length must agree. */
        int first_of_count = 1;
        for (size_t j = 0; j < i; j++)
            if (columns[j].count == c->count)
                first_of_count = 0;
        if (first_of_count)
            *cnt = count;
        else if (*cnt != count && !(c->extra && e->count == 0 && *cnt == 0)) {
            rc = emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' has columns of different lengths"), path);
            goto done;
        }
        *col_ptr(s, c) = e->count ? (char *)map + e->offset : NULL;
    }
    /* Dictionaries: every offset must point inside its blob, which must end in NUL. */
    const snap_dict *dicts[] = {&s->names,      &s->sources,      &s->segments,   &s->industries,
                                &s->categories, &s->lost_reasons, &s->currencies, &s->metrics};
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
        const snap_dict *d = dicts[i];
        if (d->n && (!d->blob_len || d->blob[d->blob_len - 1] != '\0')) {
            rc = emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' has a damaged dictionary"), path);
            goto done;
        }
        for (size_t k = 0; k < d->n; k++)
            if (d->offset[k] >= d->blob_len) {
                rc = emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' has a damaged dictionary"), path);
                goto done;
            }
    }
    if (!verified && !ranges_ok(s)) {
        rc = emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' has a code or index out of range"), path);
        goto done;
    }
    s->generation = h->generation;
    s->currency = (char *)h->currency;
    s->timezone = (char *)h->timezone;
    s->instance = (char *)h->instance;
    s->fiscal_year_start = h->fiscal_year_start;
    s->week_start = h->week_start;
    if (s->fiscal_year_start < 1 || s->fiscal_year_start > 12 || s->week_start < 1 || s->week_start > 7) {
        rc = emb_err_set(err, EMB_CORRUPT, _("snapshot '%s' has damaged settings"), path);
        goto done;
    }
    rc = tz_open(s->timezone, &s->zone, err);
    if (rc == EMB_OK && snap_blocks_map(s, map, size))
        rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    if (rc == EMB_OK && trust_verdict && !verified)
        verdict_record(path, &sb, h->checksum);
done:
    if (rc) {
        snapshot_free(s);
        return rc;
    }
    *out = s;
    return EMB_OK;
}

emb_code snapshot_map(const char *path, snapshot **out, emb_err *err) { return map_file(path, 0, out, err); }

/* 1 when the file at path starts with the header of a snapshot of this version
 * for the store as it is now (its generation, instance and settings): the only
 * files worth verifying whole. */
static int header_current(const char *path, store *st)
{
    struct stat sb;
    int fd = open_regular(path, &sb);
    if (fd < 0)
        return 0;
    snap_header h;
    ssize_t got = pread(fd, &h, sizeof h, 0);
    close(fd);
    const org_settings *org = store_org(st);
    return got == (ssize_t)sizeof h && !memcmp(h.magic, SNAP_MAGIC, sizeof SNAP_MAGIC) &&
           h.version == SNAP_VERSION && h.generation == store_generation(st) &&
           !strncmp(h.instance, org->instance, sizeof h.instance) &&
           !strncmp(h.currency, org->currency, sizeof h.currency) &&
           !strncmp(h.timezone, org->timezone, sizeof h.timezone);
}

emb_code snapshot_map_current(store *st, const char *path, snapshot **out)
{
    emb_err ignored;
    snapshot *s = NULL;
    *out = NULL;
    if (!header_current(path, st) || map_file(path, 1, &s, &ignored) != EMB_OK)
        return EMB_NOT_FOUND;
    const org_settings *org = store_org(st);
    if (s->generation != store_generation(st) || strcmp(s->instance, org->instance) ||
        strcmp(s->currency, org->currency) || strcmp(s->timezone, org->timezone)) {
        snapshot_free(s); /* stale */
        return EMB_NOT_FOUND;
    }
    *out = s;
    return EMB_OK;
}
