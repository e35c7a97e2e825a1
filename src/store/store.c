/*
 * store.c - opening, migrating and transacting on the SQLite database.
 *
 * Invariants: a store's connection has foreign_keys=ON, journal_mode=WAL (except
 * read-only opens of files that are not yet WAL) and a busy timeout; the schema
 * version is PRAGMA user_version and equals the number of the last migration
 * applied from embedded_migrations.
 */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/embedded.h"
#include "core/i18n.h"

struct store {
    sqlite3 *db;
    char *path;
    int readonly;
    int in_tx;
    int logs_changes; /* the schema has the change log (migration 0010) */
    org_settings org;
    char *org_strings[5]; /* owned copies behind org's string fields */
    sqlite3_stmt *stmts[STORE_STMT_SLOTS]; /* see store__stmt */
    /* What the open write transaction changed, for the change log (see
     * on_row_change): deals and deal_history rows inserted or updated, whether
     * anything the snapshot reads changed in another way (all), and how many
     * rows the hook saw. */
    struct {
        int64_t *deals, *history;
        size_t ndeals, nhistory, cap_deals, cap_history;
        int all;
        int64_t seen;             /* rows the hook was told of */
        int64_t changes_at_begin; /* sqlite3_total_changes64 at store_begin */
    } tx;
};

/* At most this many deal rows per transaction are logged one by one; a larger
 * write is logged as '*' (the snapshot is rebuilt, which is then as fast). */
#define TX_MAX_LOGGED 4096

/* Tables the analytics snapshot never reads: writes to them are logged as '-'. */
static int table_unread_by_snapshot(const char *t)
{
    static const char *const unread[] = {"audit_log",     "sessions",      "login_failures", "api_tokens",
                                         "imports",       "import_created", "import_changed", "contacts",
                                         "deal_history_archive", "change_log", "webhooks", "webhook_deliveries"};
    for (size_t i = 0; i < sizeof unread / sizeof *unread; i++)
        if (!strcmp(t, unread[i]))
            return 1;
    return 0;
}

static int tx_push(int64_t **v, size_t *n, size_t *cap, int64_t id)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        int64_t *g = realloc(*v, c * sizeof *g);
        if (!g)
            return -1;
        *v = g;
        *cap = c;
    }
    (*v)[(*n)++] = id;
    return 0;
}

/* sqlite3_update_hook callback: notes every row this connection inserts, updates
 * or deletes. It is not called for the truncate optimisation nor for rows replaced
 * by ON CONFLICT REPLACE; store_commit therefore logs '*' when rows changed that
 * it did not see (see there). */
static void on_row_change(void *arg, int op, const char *dbname, const char *table, sqlite3_int64 rowid)
{
    store *st = arg;
    st->tx.seen++;
    if (st->tx.all || strcmp(dbname, "main"))
        return;
    int kept = 0;
    if (op != SQLITE_DELETE && !strcmp(table, "deals"))
        kept = st->tx.ndeals < TX_MAX_LOGGED &&
               tx_push(&st->tx.deals, &st->tx.ndeals, &st->tx.cap_deals, rowid) == 0;
    else if (op == SQLITE_INSERT && !strcmp(table, "deal_history"))
        kept = st->tx.nhistory < TX_MAX_LOGGED &&
               tx_push(&st->tx.history, &st->tx.nhistory, &st->tx.cap_history, rowid) == 0;
    else
        kept = table_unread_by_snapshot(table);
    if (!kept)
        st->tx.all = 1;
}

static void tx_reset(store *st)
{
    st->tx.ndeals = st->tx.nhistory = 0;
    st->tx.all = 0;
    st->tx.seen = 0;
    st->tx.changes_at_begin = sqlite3_total_changes64(st->db);
}

sqlite3_stmt *store__stmt(store *st, unsigned slot, const char *sql, emb_err *err)
{
    if (slot >= STORE_STMT_SLOTS) {
        emb_err_set(err, EMB_INTERNAL, _("statement slot %u out of range"), slot);
        return NULL;
    }
    sqlite3_stmt *s = st->stmts[slot];
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    if (!sql)
        return NULL;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
        store_sql_error(st, _("preparing a query"), err);
        return NULL;
    }
    st->stmts[slot] = s;
    return s;
}

/* emb_norm(text): lower-case ASCII letters and digits only, so that "GTX Pro",
 * "GTXPro" and "gtx-pro" compare equal; used as the last resort of name matching. */
static void sql_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *t = sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t n = strlen((const char *)t);
    char *out = sqlite3_malloc64(n + 1);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = t[i];
        if (c >= 'A' && c <= 'Z')
            out[k++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
            out[k++] = (char)c;
    }
    out[k] = '\0';
    sqlite3_result_text(ctx, out, (int)k, sqlite3_free);
}

sqlite3 *store_sqlite(store *st) { return st->db; }

static emb_code map_sqlite_code(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return EMB_BUSY;
    case SQLITE_READONLY:
        return EMB_READONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return EMB_CORRUPT;
    case SQLITE_NOMEM:
        return EMB_NOMEM;
    case SQLITE_CONSTRAINT:
        return EMB_CONFLICT;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
        return EMB_IO;
    default:
        return EMB_DB;
    }
}

emb_code store_sql_error(store *st, const char *what, emb_err *err)
{
    int rc = sqlite3_extended_errcode(st->db);
    emb_code code = map_sqlite_code(rc);
    const char *hint = NULL;
    if (code == EMB_BUSY)
        hint = _("another embudo process is writing; try again");
    else if (code == EMB_READONLY)
        hint = _("check the file's permissions");
    else if (code == EMB_CORRUPT)
        hint = _("restore it from a backup");
    if (hint)
        return emb_err_set(err, code, "%s: %s (%s)", what, sqlite3_errmsg(st->db), hint);
    return emb_err_set(err, code, "%s: %s", what, sqlite3_errmsg(st->db));
}

emb_code store_exec(store *st, const char *sql, emb_err *err)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_sql_error(st, _("database"), err);
    return EMB_OK;
}

static int pragma_int(store *st, const char *sql, int64_t *out)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Migration files are named NNNN_description.sql and embedded in order. */
static int migration_number(const char *name) { return (int)strtol(name, NULL, 10); }

int store_schema_version_supported(void)
{
    int n = 0;
    for (const struct embedded_file *m = embedded_migrations; m->name; m++)
        n = migration_number(m->name);
    return n;
}

int store_schema_version(store *st)
{
    int64_t v = 0;
    pragma_int(st, "PRAGMA user_version", &v);
    return (int)v;
}

static emb_code migrate(store *st, emb_err *err)
{
    int have = store_schema_version(st);
    int supported = store_schema_version_supported();
    if (have > supported)
        return emb_err_set(err, EMB_SCHEMA_NEWER,
                           _("'%s' has schema version %d but this embudo knows only up to %d; "
                             "upgrade embudo to open it"),
                           st->path, have, supported);
    if (have == supported)
        return EMB_OK;
    if (st->readonly)
        return emb_err_set(err, EMB_READONLY,
                           _("'%s' needs a schema upgrade (version %d to %d); run `embudo init` once to upgrade it"),
                           st->path, have, supported);
    emb_code rc = store_begin(st, err);
    if (rc)
        return rc;
    for (const struct embedded_file *m = embedded_migrations; m->name; m++) {
        int version = migration_number(m->name);
        if (version <= have)
            continue;
        if (sqlite3_exec(st->db, m->data, NULL, NULL, NULL) != SQLITE_OK) {
            store_sql_error(st, m->name, err);
            store_rollback(st);
            return err->code;
        }
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
        if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            store_sql_error(st, _("schema version"), err);
            store_rollback(st);
            return err->code;
        }
    }
    return store_commit(st, err);
}

static void free_org(store *st)
{
    for (size_t i = 0; i < 5; i++) {
        free(st->org_strings[i]);
        st->org_strings[i] = NULL;
    }
}

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return strdup(t ? (const char *)t : "");
}

emb_code store_reload_org(store *st, emb_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT name, currency, timezone, locale, instance, fiscal_year_start, week_start "
                           "FROM organisation WHERE id = 1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("reading organisation settings"), err);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        if (rc == SQLITE_DONE)
            return emb_err_set(err, EMB_CORRUPT, _("'%s' has no organisation row"), st->path);
        return store_sql_error(st, _("reading organisation settings"), err);
    }
    free_org(st);
    for (int i = 0; i < 5; i++)
        st->org_strings[i] = dup_col(s, i);
    st->org.fiscal_year_start = sqlite3_column_int(s, 5);
    st->org.week_start = sqlite3_column_int(s, 6);
    sqlite3_finalize(s);
    for (int i = 0; i < 5; i++)
        if (!st->org_strings[i])
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    st->org.name = st->org_strings[0];
    st->org.currency = st->org_strings[1];
    st->org.timezone = st->org_strings[2];
    st->org.locale = st->org_strings[3];
    st->org.instance = st->org_strings[4];
    return EMB_OK;
}

const org_settings *store_org(store *st) { return &st->org; }

/* A process that stopped in the middle of a commit in rollback-journal mode (a
 * bulk load, bulk.h) leaves a hot journal, which a read-only connection cannot
 * play back: a read-write connection opened for the moment does it. */
static emb_code roll_back_hot_journal(const char *path, emb_err *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    }
    sqlite3_close_v2(db);
    if (rc == SQLITE_OK)
        return EMB_OK;
    return emb_err_set(err, EMB_READONLY,
                       _("'%s' was left in the middle of a write by a process that stopped; it needs write "
                         "access once so that SQLite can undo that write from '%s-journal'"),
                       path, path);
}

/* Runs sql, retrying for up to the busy timeout while another connection's lock
 * refuses it: SQLite calls no busy handler for a change of journal mode, so that
 * a writer meeting a bulk load (rollback journal, bulk.h) would fail at once
 * where readers wait. */
static int exec_waiting(store *st, const char *sql)
{
    int rc, waited = 0;
    while ((rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL)) != SQLITE_OK && (rc & 0xff) == SQLITE_BUSY &&
           waited < STORE_BUSY_TIMEOUT_MS) {
        sqlite3_sleep(25);
        waited += 25;
    }
    return rc;
}

emb_code store_open(const char *path, unsigned flags, store **out, emb_err *err)
{
    *out = NULL;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists && !(flags & STORE_CREATE))
        return emb_err_set(err, EMB_NOT_FOUND,
                           _("database '%s' does not exist; create it first with `embudo --db %s init "
                             "--currency CODE --timezone ZONE` (for example --currency EUR --timezone "
                             "Europe/Madrid: amounts and dates are read in them), or name another with --db"),
                           path, path);
    if (exists && S_ISDIR(sb.st_mode))
        return emb_err_set(err, EMB_IO, _("database '%s' is a directory"), path);

    store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    st->readonly = (flags & STORE_READONLY) != 0;
    int oflags = st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (flags & STORE_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    /* No memory statistics: they take a global mutex on every SQLite allocation
     * (12 % of a bulk import). Only possible before SQLite initialises, i.e. on the
     * first open; later calls fail harmlessly. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        emb_err_set(err, st->db ? map_sqlite_code(sqlite3_errcode(st->db)) : EMB_NOMEM,
                    _("cannot open database '%s': %s"), path,
                    st->db ? sqlite3_errmsg(st->db) : _("out of memory"));
        store_close(st);
        return err->code;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_create_function(st->db, "emb_norm", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_norm, NULL, NULL);
    sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
    sqlite3_update_hook(st->db, on_row_change, st);

    emb_code rc = EMB_OK;
    /* Reading the schema is the first real I/O: it tells a database from garbage. */
    int64_t tables = 0;
    int read = pragma_int(st, "SELECT count(*) FROM sqlite_schema", &tables);
    if (read != 0 && st->readonly && sqlite3_extended_errcode(st->db) == SQLITE_READONLY_ROLLBACK) {
        if ((rc = roll_back_hot_journal(path, err)))
            goto fail;
        read = pragma_int(st, "SELECT count(*) FROM sqlite_schema", &tables);
    }
    if (read != 0) {
        rc = store_sql_error(st, _("cannot read database"), err);
        if (rc == EMB_CORRUPT || rc == EMB_DB)
            emb_err_set(err, EMB_CORRUPT, _("'%s' is not an embudo database or is corrupt: %s"), path,
                        sqlite3_errmsg(st->db));
        goto fail;
    }
    if (tables > 0 && store_schema_version(st) == 0) {
        rc = emb_err_set(err, EMB_CORRUPT, _("'%s' is an SQLite database but not an embudo one"), path);
        goto fail;
    }
    /* Only init and demo (STORE_CREATE) make a database, never in a file that
     * holds something else: an existing empty file (a truncated database?) is
     * refused, not silently made a new company. */
    if (tables == 0 && (exists && (!(flags & STORE_CREATE) || sb.st_size > 0))) {
        rc = emb_err_set(err, EMB_CORRUPT,
                         sb.st_size == 0
                             ? _("'%s' is an empty file, not an embudo database; nothing was written. If it held "
                                 "your data, restore it from a backup; to start anew, remove it and run `embudo "
                                 "--db %s init --currency CODE --timezone ZONE`")
                             : _("'%s' is an empty SQLite database, not an embudo database; nothing was written. If "
                                 "it held your data, restore it from a backup; to start anew, remove it and run "
                                 "`embudo --db %s init --currency CODE --timezone ZONE`"),
                         path, path);
        goto fail;
    }
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
        rc = store_sql_error(st, _("enabling foreign keys"), err);
        goto fail;
    }
    if (!st->readonly) {
        if (exec_waiting(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL") != SQLITE_OK) {
            rc = store_sql_error(st, _("setting WAL mode"), err);
            goto fail;
        }
    }
    if ((rc = migrate(st, err)) != EMB_OK)
        goto fail;
    st->logs_changes = store_schema_version(st) >= 10;
    if ((rc = store_reload_org(st, err)) != EMB_OK)
        goto fail;
    *out = st;
    return EMB_OK;
fail:
    store_close(st);
    if (!exists)
        unlink(path); /* a failed create leaves nothing behind */
    return rc;
}

void store_close(store *st)
{
    if (!st)
        return;
    if (st->in_tx)
        store_rollback(st);
    for (size_t i = 0; i < STORE_STMT_SLOTS; i++)
        sqlite3_finalize(st->stmts[i]);
    sqlite3_close_v2(st->db);
    free(st->tx.deals);
    free(st->tx.history);
    free_org(st);
    free(st->path);
    free(st);
}

/* Resets every cached statement, so that none left on a row keeps a read
 * transaction open once a write ends (it would pin the WAL's snapshot, so that no
 * checkpoint could go past it, and forbid a change of journal mode). */
static void reset_cached_statements(store *st)
{
    for (size_t i = 0; i < STORE_STMT_SLOTS; i++)
        if (st->stmts[i])
            sqlite3_reset(st->stmts[i]);
}

emb_code store_begin(store *st, emb_err *err)
{
    if (st->in_tx)
        return emb_err_set(err, EMB_INTERNAL, _("transaction already open"));
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_sql_error(st, _("starting a write"), err);
    st->in_tx = 1;
    tx_reset(st);
    return EMB_OK;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* The statement slots of the change log (store__stmt), after the bulk loader's. */
enum { SLOT_LOG_CHANGE = 1010, SLOT_HISTORY_DEAL = 1011 };

/* Writes the change_log rows of the transaction about to commit, under the
 * generation it has just been given (see 0010_change_log.sql). A history row's
 * deal is read back here, inside the transaction. all: log '*'. Every 4096th row
 * prunes the rows of generations more than 100000 before. */
static emb_code log_changes(store *st, int all, emb_err *err)
{
    for (size_t i = 0; !all && i < st->tx.nhistory; i++) {
        sqlite3_stmt *deal_of = store__stmt(st, SLOT_HISTORY_DEAL, "SELECT deal_id FROM deal_history WHERE id = ?", err);
        if (!deal_of)
            return err->code;
        sqlite3_bind_int64(deal_of, 1, st->tx.history[i]);
        if (sqlite3_step(deal_of) != SQLITE_ROW ||
            tx_push(&st->tx.deals, &st->tx.ndeals, &st->tx.cap_deals, sqlite3_column_int64(deal_of, 0)))
            all = 1;
    }
    if (!all && st->tx.ndeals > 1)
        qsort(st->tx.deals, st->tx.ndeals, sizeof *st->tx.deals, cmp_i64);
    size_t rows = all || !st->tx.ndeals ? 1 : st->tx.ndeals;
    for (size_t i = 0; i < rows; i++) {
        if (!all && i && st->tx.deals[i] == st->tx.deals[i - 1])
            continue;
        sqlite3_stmt *ins = store__stmt(st, SLOT_LOG_CHANGE,
                                        "INSERT INTO change_log (generation, kind, row_id) "
                                        "SELECT generation, ?1, ?2 FROM organisation WHERE id = 1",
                                        err);
        if (!ins)
            return err->code;
        if (all || !st->tx.ndeals) {
            sqlite3_bind_text(ins, 1, all ? "*" : "-", -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_text(ins, 1, "deal", -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 2, st->tx.deals[i]);
        }
        if (sqlite3_step(ins) != SQLITE_DONE)
            return store_sql_error(st, _("logging the changes"), err);
    }
    if (sqlite3_last_insert_rowid(st->db) % 4096 == 0 &&
        sqlite3_exec(st->db,
                     "DELETE FROM change_log WHERE generation < "
                     "(SELECT generation FROM organisation WHERE id = 1) - 100000",
                     NULL, NULL, NULL) != SQLITE_OK)
        return store_sql_error(st, _("logging the changes"), err);
    return EMB_OK;
}

emb_code store_commit(store *st, emb_err *err)
{
    if (!st->in_tx)
        return emb_err_set(err, EMB_INTERNAL, _("no transaction to commit"));
    /* Rows changed that the update hook did not see (the truncate optimisation:
     * the statements' own changes outnumber the rows it was told of) make the
     * change unknown; so does anything it saw besides deals. Taken before the
     * bump below, which is not a change of the snapshot's. */
    int all = st->tx.all || sqlite3_total_changes64(st->db) - st->tx.changes_at_begin > st->tx.seen;
    if (sqlite3_exec(st->db, "UPDATE organisation SET generation = generation + 1 WHERE id = 1", NULL, NULL,
                     NULL) != SQLITE_OK &&
        store_schema_version(st) > 0) {
        store_sql_error(st, _("bumping generation"), err);
        store_rollback(st);
        return err->code;
    }
    if (st->logs_changes && log_changes(st, all, err)) {
        store_rollback(st);
        return err->code;
    }
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        store_sql_error(st, _("committing"), err);
        store_rollback(st);
        return err->code;
    }
    st->in_tx = 0;
    reset_cached_statements(st);
    return EMB_OK;
}

void store_rollback(store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_tx = 0;
    reset_cached_statements(st);
}

int64_t store_generation(store *st)
{
    int64_t g = 0;
    pragma_int(st, "SELECT generation FROM organisation WHERE id = 1", &g);
    return g;
}

emb_code store_backup(store *st, const char *dest_path, emb_err *err)
{
    size_t n = strlen(dest_path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    snprintf(tmp, n + 16, "%s.partial", dest_path);
    unlink(tmp);
    sqlite3 *dst = NULL;
    emb_code rc = EMB_OK;
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = emb_err_set(err, EMB_IO, _("cannot create backup '%s': %s"), dest_path,
                         dst ? sqlite3_errmsg(dst) : _("out of memory"));
        goto done;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", st->db, "main");
    if (!b) {
        rc = emb_err_set(err, EMB_IO, _("cannot start backup: %s"), sqlite3_errmsg(dst));
        goto done;
    }
    /* One step copies every page inside one read transaction: a consistent
     * snapshot. In WAL mode readers and writers do not block each other, so other
     * processes keep writing meanwhile. (Small steps would restart the copy after
     * every write by another process and might never finish under steady writes.)
     * BUSY and LOCKED are retried for about the store's busy timeout. */
    int step, tries = 0;
    while ((step = sqlite3_backup_step(b, -1)) == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED) {
        if (step != SQLITE_OK && ++tries > 250)
            break;
        if (step != SQLITE_OK)
            sqlite3_sleep(20);
    }
    sqlite3_backup_finish(b);
    if (step != SQLITE_DONE) {
        rc = emb_err_set(err, map_sqlite_code(step), _("backup to '%s' failed: %s"), dest_path, sqlite3_errstr(step));
        goto done;
    }
    /* The copy keeps the source's WAL mode in its header; a copy in rollback mode is
     * one self-contained file, and it turns back to WAL when embudo opens it. */
    sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    if (sqlite3_close(dst) != SQLITE_OK) {
        rc = emb_err_set(err, EMB_IO, _("cannot finish backup '%s': %s"), dest_path, sqlite3_errmsg(dst));
        goto done;
    }
    dst = NULL;
    if (rename(tmp, dest_path) != 0)
        rc = emb_err_set(err, EMB_IO, _("cannot write backup '%s': %s"), dest_path, strerror(errno));
done:
    if (dst)
        sqlite3_close(dst);
    if (rc) {
        /* Leave nothing behind: the partial copy and any journal SQLite made for it. */
        static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
        for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
            char side[4096];
            snprintf(side, sizeof side, "%s%s", tmp, sides[i]);
            unlink(side);
        }
    }
    free(tmp);
    return rc;
}

/* The PID in name when it is base + prefix + digits + suffix + (nothing or a
 * side file's ending), else 0. */
static pid_t stale_pid(const char *name, const char *base, const char *prefix, const char *suffix)
{
    size_t nb = strlen(base), np = strlen(prefix), ns = strlen(suffix);
    if (strncmp(name, base, nb) || strncmp(name + nb, prefix, np))
        return 0;
    const char *d = name + nb + np, *e = d;
    long long pid = 0;
    while (*e >= '0' && *e <= '9' && e - d < 10)
        pid = pid * 10 + (*e++ - '0');
    if (e == d || pid <= 0)
        return 0;
    if (*e == '-') { /* a writer's tag: letters and digits */
        const char *t = ++e;
        while ((*e >= '0' && *e <= '9') || (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z'))
            e++;
        if (e == t)
            return 0;
    }
    if (strncmp(e, suffix, ns))
        return 0;
    e += ns;
    if (*e && strcmp(e, "-wal") && strcmp(e, "-shm") && strcmp(e, "-journal"))
        return 0;
    return (pid_t)pid;
}

int store_dir_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else if ((size_t)(slash - path) < size)
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
    else
        return -1;
    return 0;
}

int store_remove_stale(const char *path, const char *prefix, const char *suffix)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dir[4096];
    if (store_dir_of(path, dir, sizeof dir))
        return 0;
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int removed = 0;
    struct dirent *ent;
    while ((ent = readdir(dp)) != NULL) {
        pid_t pid = stale_pid(ent->d_name, base, prefix, suffix);
        if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        char file[4096 + 256];
        snprintf(file, sizeof file, "%s/%s", dir, ent->d_name);
        removed += unlink(file) == 0;
    }
    closedir(dp);
    return removed;
}
