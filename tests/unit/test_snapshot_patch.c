/*
 * test_snapshot_patch.c - differential tests of snapshot_catch_up: on demo
 * companies (seeded; a failure names its seed and round, replay with
 * PATCH_SEED=n), random sequences of deal writes through the store (the
 * functions the CLI and the API call), each caught up from the previous
 * snapshot, must give a snapshot equal, column by column, to a fresh build. Writes
 * the patch cannot apply must be refused (EMB_NOT_FOUND), never applied wrongly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "demo/demo.h"
#include "metrics/snapshot.h"
#include "metrics/snapshot_columns.h"
#include "store/records.h"
#include "store/store.h"

#include "store_testlib.h"
#include "test_rng.h"

#define DEMO_NOW 1767225600 /* 2026-01-01 */

/* Columns coded by a dictionary: compared by their texts (a patched snapshot
 * keeps the old dictionary's numbering, a build numbers texts as it meets them). */
typedef struct {
    size_t column, dict;
} coded;

#define CODED(member, d) {offsetof(snapshot, member), offsetof(snapshot, d)}
static const coded coded_columns[] = {
    CODED(users.name, names),        CODED(teams.name, names),         CODED(regions.name, names),
    CODED(accounts.name, names),     CODED(products.name, names),      CODED(pipelines.name, names),
    CODED(stages.name, names),       CODED(deals.source, sources),     CODED(leads.source, sources),
    CODED(expenses.channel, sources), CODED(accounts.segment, segments), CODED(accounts.industry, industries),
    CODED(products.category, categories), CODED(deals.lost_reason, lost_reasons), CODED(deals.currency, currencies),
    CODED(lines.order_currency, currencies), CODED(goals.metric, metrics),
};

static const snap_dict *coded_dict(const snapshot *s, size_t column)
{
    for (size_t i = 0; i < sizeof coded_columns / sizeof *coded_columns; i++)
        if (coded_columns[i].column == column)
            return (const snap_dict *)((const char *)s + coded_columns[i].dict);
    return NULL;
}

static int is_dict_column(size_t column)
{
    static const size_t dicts[] = {offsetof(snapshot, names),      offsetof(snapshot, sources),
                                   offsetof(snapshot, segments),   offsetof(snapshot, industries),
                                   offsetof(snapshot, categories), offsetof(snapshot, lost_reasons),
                                   offsetof(snapshot, currencies), offsetof(snapshot, metrics)};
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++)
        if (column == dicts[i] + offsetof(snap_dict, offset) || column == dicts[i] + offsetof(snap_dict, blob))
            return 1;
    return 0;
}

/* The history of each deal: its run of rows, compared row by row (where the runs
 * lie differs: a catch-up appends the runs it changes). */
static int is_history_layout(const column_desc *c)
{
    return c->count == offsetof(snapshot, history.n) || c->ptr == offsetof(snapshot, history.first) ||
           c->ptr == offsetof(snapshot, history.end);
}

static void assert_same_history(const snapshot *a, const snapshot *b, const char *what)
{
    const snap_history *x = &a->history, *y = &b->history;
    for (size_t d = 0; d < a->deals.n; d++) {
        size_t n = x->end[d] - x->first[d];
        if (n != y->end[d] - y->first[d])
            fail_msg("%s: deal %zu has %zu history rows, in a build %u", what, d, n, y->end[d] - y->first[d]);
        for (size_t r = 0; r < n; r++) {
            size_t i = x->first[d] + r, k = y->first[d] + r;
            if (x->deal[i] != (int32_t)d || y->deal[k] != (int32_t)d || x->at[i] != y->at[k] ||
                x->stage[i] != y->stage[k] || x->owner[i] != y->owner[k] || x->status[i] != y->status[k] ||
                x->amount[i] != y->amount[k] || x->expected_close[i] != y->expected_close[k])
                fail_msg("%s: deal %zu history row %zu differs from a build (deal %d/%d at %lld/%lld stage %d/%d owner %d/%d status %d/%d amount %lld/%lld ec %d/%d; run %u-%u of %zu / %u-%u)", what, d, r, x->deal[i], y->deal[k], (long long)x->at[i], (long long)y->at[k], x->stage[i], y->stage[k], x->owner[i], y->owner[k], x->status[i], y->status[k], (long long)x->amount[i], (long long)y->amount[k], x->expected_close[i], y->expected_close[k], x->first[d], x->end[d], x->n, y->first[d], y->end[d]);
        }
    }
}

/* Fails naming the first column where a and b differ. */
static void assert_same_snapshot(const snapshot *a, const snapshot *b, const char *what)
{
    assert_int_equal(a->generation, b->generation);
    assert_int_equal(a->deals.n, b->deals.n);
    assert_same_history(a, b, what);
    for (size_t i = 0; i < SNAP_NCOLUMNS; i++) {
        const column_desc *c = &snap_columns[i];
        if (is_dict_column(c->ptr) || is_history_layout(c))
            continue;
        size_t na = *snap_col_count((snapshot *)a, c), nb = *snap_col_count((snapshot *)b, c);
        if (na != nb)
            fail_msg("%s: column %zu has %zu values, a build %zu", what, i, na, nb);
        if (na == 0)
            continue;
        na += c->extra;
        const char *va = *snap_col_ptr((snapshot *)a, c), *vb = *snap_col_ptr((snapshot *)b, c);
        const snap_dict *da = coded_dict(a, c->ptr), *db = coded_dict(b, c->ptr);
        for (size_t k = 0; k < na; k++) {
            if (da) {
                int32_t x = ((const int32_t *)(const void *)va)[k], y = ((const int32_t *)(const void *)vb)[k];
                if ((x < 0) != (y < 0) || (x >= 0 && strcmp(snap_text(da, x), snap_text(db, y))))
                    fail_msg("%s: column %zu row %zu: '%s', a build '%s'", what, i, k, x < 0 ? "-" : snap_text(da, x),
                             y < 0 ? "-" : snap_text(db, y));
            } else if (memcmp(va + k * c->elem, vb + k * c->elem, c->elem)) {
                fail_msg("%s: column %zu row %zu differs from a build", what, i, k);
            }
        }
    }
}

static int64_t random_id(store *st, rng *r, const char *table)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    int64_t n = st_query_int(st, sql);
    snprintf(sql, sizeof sql, "SELECT id FROM %s ORDER BY id LIMIT 1 OFFSET %lld", table, (long long)below(r, n));
    return st_query_int(st, sql);
}

/* A demo company of deals deals (seed, two years to 2026-01-01) in a new
 * directory (its path in dir, at least 32 bytes), opened. */
static store *demo_company(int64_t deals, uint64_t seed, char *dir)
{
    snprintf(dir, 32, "/tmp/embudo-patch-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/demo.db", dir);
    demo_params p;
    demo_params_default(&p);
    p.deals = deals;
    p.seed = seed;
    p.years = 2;
    p.now = DEMO_NOW;
    emb_err err;
    assert_int_equal(demo_params_resolve(&p, &err), EMB_OK);
    demo_stats stats;
    assert_int_equal(demo_create(path, &p, 0, &stats, &err), EMB_OK);
    store *st;
    assert_int_equal(store_open(path, 0, &st, &err), EMB_OK);
    return st;
}

/* Closes st and removes the directory demo_company made. */
static void drop_company(store *st, const char *dir)
{
    store_close(st);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* One random write through the store, in its own transaction. Returns 1 when it
 * is one the patch must apply (a deal changed or added within what it knows). */
static int random_write(store *st, rng *r, int64_t now, arena *a)
{
    const kind_def *deals = kind_find("deals");
    record *rec = record_new(a, deals);
    int64_t choice = below(r, 20), patchable = 1;
    change_ctx ctx = {.now = now};
    emb_err err;
    assert_int_equal(store_begin(st, &err), EMB_OK);
    emb_code rc;
    if (choice < 14) {
        rec->id = random_id(st, r, "deals");
        switch (choice % 7) {
        case 0:
            record_set_int(rec, kind_field_index(deals, "amount"), 1000 + below(r, 10000000));
            break;
        case 1:
        case 2:
            record_set_int(rec, kind_field_index(deals, "stage"), random_id(st, r, "stages"));
            break;
        case 3:
            record_set_int(rec, kind_field_index(deals, "owner"), random_id(st, r, "users"));
            break;
        case 4: {
            char day[16];
            snprintf(day, sizeof day, "2026-%02d-%02d", 1 + (int)below(r, 12), 1 + (int)below(r, 28));
            record_set_text(rec, kind_field_index(deals, "expected_close"), arena_strdup(a, day));
            break;
        }
        case 5:
            record_set_int(rec, kind_field_index(deals, "probability"), below(r, 10001));
            break;
        default:
            record_set_int(rec, kind_field_index(deals, "account"), random_id(st, r, "accounts"));
            break;
        }
        rc = store_record_update(st, rec, &ctx, &err);
        /* A change of account may give it (or take from it) a first win: refused. */
        patchable = choice % 7 != 6;
    } else if (choice < 18) {
        record_set_text(rec, kind_field_index(deals, "title"), "New deal");
        record_set_int(rec, kind_field_index(deals, "account"), random_id(st, r, "accounts"));
        record_set_int(rec, kind_field_index(deals, "amount"), below(r, 5000000));
        record_set_int(rec, kind_field_index(deals, "created"), now - below(r, 86400 * 30));
        rc = store_record_insert(st, rec, &ctx, &err);
        patchable = 0; /* a new deal on an account without a win yet is refused: decided by the patch */
    } else {
        const kind_def *accounts = kind_find("accounts");
        record *acc = record_new(a, accounts);
        acc->id = random_id(st, r, "accounts");
        record_set_text(acc, kind_field_index(accounts, "segment"), arena_printf(a, "Segment %lld", (long long)now));
        rc = store_record_update(st, acc, &ctx, &err);
        patchable = -1; /* never patched */
    }
    if (rc == EMB_OK) {
        assert_int_equal(store_commit(st, &err), EMB_OK);
    } else { /* a domain rule refused it (e.g. a stage of another pipeline): nothing written */
        store_rollback(st);
        patchable = 2;
    }
    return (int)patchable;
}

static void catch_up_rounds(uint64_t seed)
{
    char dir[32];
    store *st = demo_company(300, seed, dir);
    emb_err err;
    snapshot *cur;
    assert_int_equal(snapshot_build(st, &cur, &err), EMB_OK);
    /* Odd seeds recycle replaced columns through a pool, as the server does. */
    snap_pool *pool = seed % 2 ? snap_pool_new((size_t)64 << 20) : NULL;
    if (pool)
        snapshot_use_pool(cur, pool);
    rng r = {seed};
    arena a;
    arena_init(&a, 0);
    int patched = 0, refused = 0, in_place = 0;
    for (int round = 0; round < 60; round++) {
        int writes = 1 + (int)below(&r, 4), never = 0;
        for (int w = 0; w < writes; w++) {
            arena_reset(&a);
            /* Two writes share each second: entries with equal keys. */
            never |= random_write(st, &r, DEMO_NOW + round * 3600 + w / 2, &a) == -1;
        }
        snapshot *next = NULL, *fresh = NULL;
        emb_code rc = snapshot_catch_up(st, cur, &next, &err);
        char what[96];
        snprintf(what, sizeof what, "seed %llu round %d", (unsigned long long)seed, round);
        if (rc == EMB_NOT_FOUND) {
            refused++;
            assert_int_equal(snapshot_build(st, &next, &err), EMB_OK);
            if (pool)
                snapshot_use_pool(next, pool);
        } else {
            if (rc != EMB_OK)
                fail_msg("%s: %s", what, err.msg);
            if (never)
                fail_msg("%s: a change of an account was patched in", what);
            patched++;
            size_t live = 0; /* rows some deal's run covers: fewer than all once runs were appended */
            for (size_t d = 0; d < next->deals.n; d++)
                live += next->history.end[d] - next->history.first[d];
            in_place += live < next->history.n;
            assert_int_equal(snapshot_build(st, &fresh, &err), EMB_OK);
            assert_same_snapshot(next, fresh, what);
            snapshot_free(fresh);
        }
        /* The old one may go first: the new one shares its columns' blocks. */
        snapshot_free(cur);
        cur = next;
    }
    print_message("seed %llu: %d rounds patched (%d with history appended in place), %d rebuilt\n",
                  (unsigned long long)seed, patched, in_place, refused);
    if (!in_place)
        fail_msg("seed %llu: no catch-up appended its history in place", (unsigned long long)seed);
    /* Most rounds are plain deal changes: the patch must have taken them. */
    if (patched < 20)
        fail_msg("seed %llu: only %d of 60 rounds patched (%d rebuilt)", (unsigned long long)seed, patched, refused);
    /* A caught-up snapshot written to a file maps back equal (runs and all). */
    char file[96];
    snprintf(file, sizeof file, "%s/caught-up.snapshot", dir);
    snapshot *mapped;
    assert_int_equal(snapshot_write(cur, file, &err), EMB_OK);
    assert_int_equal(snapshot_map(file, &mapped, &err), EMB_OK);
    assert_same_snapshot(mapped, cur, "mapped back");
    snapshot_free(mapped);
    if (pool) { /* replaced columns came back to be used again */
        assert_true(snap_pool_reuses(pool) > 0);
        snap_pool_release(pool);
    }
    arena_release(&a);
    snapshot_free(cur);
    drop_company(st, dir);
}

static void test_random_writes(void **state)
{
    (void)state;
    const char *only = getenv("PATCH_SEED");
    if (only) {
        catch_up_rounds(strtoull(only, NULL, 10));
        return;
    }
    for (uint64_t seed = 1; seed <= 4; seed++)
        catch_up_rounds(seed);
}

/* Nothing written: the snapshot is current, and catching up gives an equal one. */
static void test_nothing_to_apply(void **state)
{
    (void)state;
    char dir[32];
    store *st = demo_company(50, 1, dir);
    emb_err err;
    snapshot *s, *t;
    assert_int_equal(snapshot_build(st, &s, &err), EMB_OK);
    assert_int_equal(snapshot_catch_up(st, s, &t, &err), EMB_OK);
    assert_same_snapshot(t, s, "no change");
    snapshot_free(s);
    snapshot_free(t);
    drop_company(st, dir);
}

/* The kinds the change log holds for the database's current generation, in a. */
static const char *logged(store *st, arena *a)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite(st),
                                        "SELECT group_concat(kind || ifnull(':' || row_id, ''), ' ') FROM change_log "
                                        "WHERE generation = (SELECT generation FROM organisation)",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *kinds = arena_strdup(a, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return kinds;
}

/* Commits a transaction of sql (NULL: none) through the store. */
static void write_sql(store *st, const char *sql)
{
    emb_err err;
    assert_int_equal(store_begin(st, &err), EMB_OK);
    if (sql)
        assert_int_equal(sqlite3_exec(store_sqlite(st), sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
}

/* The change log names what each transaction changed (0010_change_log.sql). */
static void test_change_log(void **state)
{
    (void)state;
    char dir[32];
    store *st = demo_company(20, 1, dir);
    emb_err err;
    arena a;
    arena_init(&a, 0);
    change_ctx ctx = {.now = DEMO_NOW};
    const kind_def *deals = kind_find("deals"), *accounts = kind_find("accounts");
    /* A deal's amount: its row and a history row, both logged as the deal. */
    record *r = record_new(&a, deals);
    r->id = 7;
    record_set_int(r, kind_field_index(deals, "amount"), 4242);
    assert_int_equal(store_begin(st, &err), EMB_OK);
    assert_int_equal(store_record_update(st, r, &ctx, &err), EMB_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    assert_string_equal(logged(st, &a), "deal:7");
    /* An account: anything else the snapshot reads is '*'. */
    record *acc = record_new(&a, accounts);
    acc->id = 1;
    record_set_text(acc, kind_field_index(accounts, "segment"), "Another segment");
    assert_int_equal(store_begin(st, &err), EMB_OK);
    assert_int_equal(store_record_update(st, acc, &ctx, &err), EMB_OK);
    assert_int_equal(store_commit(st, &err), EMB_OK);
    assert_string_equal(logged(st, &a), "*");
    /* A table the snapshot never reads: '-'; a transaction that changes nothing: '-'. */
    write_sql(st, "DELETE FROM login_failures WHERE 1");
    assert_string_equal(logged(st, &a), "-");
    write_sql(st, NULL);
    assert_string_equal(logged(st, &a), "-");
    /* Rows deleted without the update hook hearing of them (the truncate
     * optimisation of a DELETE with no WHERE) make the change unknown. */
    write_sql(st, "DELETE FROM expenses");
    assert_string_equal(logged(st, &a), "*");
    arena_release(&a);
    drop_company(st, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_log),
        cmocka_unit_test(test_nothing_to_apply),
        cmocka_unit_test(test_random_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
