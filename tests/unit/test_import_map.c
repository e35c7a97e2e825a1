/* test_import_map.c - the importer's column mapping and option lists (no database):
 * header normalisation, --map/--set/--value-map parsing, synonyms, "_id" headers,
 * ambiguous headers, required fields, delimiters, and the key map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/import.h"
#include "io/import_internal.h"
#include "io/import_keymap.h"

static void norm_header(void **state)
{
    (void)state;
    char out[64];
    import_norm_header("Fecha de Creación", out, sizeof out);
    assert_string_equal(out, "fechacreacion"); /* accents and joining words do not count */
    import_norm_header("fecha creacion", out, sizeof out);
    assert_string_equal(out, "fechacreacion");
    import_norm_header("Fecha del cierre", out, sizeof out);
    assert_string_equal(out, "fechacierre");
    import_norm_header("Date of the Close", out, sizeof out);
    assert_string_equal(out, "dateclose");
    import_norm_header("ÉTAPA", out, sizeof out);
    assert_string_equal(out, "etapa");
    import_norm_header("Teléfono Móvil Ñandú Über", out, sizeof out);
    assert_string_equal(out, "telefonomovilnanduuber");
    import_norm_header(" Order-Date_ ", out, sizeof out);
    assert_string_equal(out, "orderdate");
    import_norm_header("Año × 2", out, sizeof out); /* × is not a letter: kept */
    assert_string_equal(out, "ano×2");
    import_norm_header("Æsir", out, sizeof out); /* Æ has no plain letter: lower case */
    assert_string_equal(out, "æsir");
    import_norm_header("Delta", out, sizeof out); /* a joining word only as a whole word */
    assert_string_equal(out, "delta");
    import_norm_header("De", out, sizeof out); /* only joining words: kept */
    assert_string_equal(out, "de");
    import_norm_header("the_of", out, sizeof out);
    assert_string_equal(out, "theof");
    char small[6];
    import_norm_header("Creación", small, sizeof small); /* truncated, never overflows: */
    assert_string_equal(small, "crea");                   /* room is kept for a 2-byte letter */
    import_norm_header("", out, sizeof out);
    assert_string_equal(out, "");
}

static void pairs(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    import_pair *p = NULL;
    size_t n = 0;
    emb_err err;
    assert_int_equal(import_parse_pairs("--set", "stage=Won, note=a, b,currency = USD", &a, &p, &n, &err), EMB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(p[0].name, "stage");
    assert_string_equal(p[0].value, "Won");
    assert_string_equal(p[1].name, "note");
    assert_string_equal(p[1].value, "a, b"); /* a part without '=' continues the value */
    assert_string_equal(p[2].name, "currency");
    assert_string_equal(p[2].value, "USD");
    assert_int_equal(import_parse_pairs("--map", "manager=", &a, &p, &n, &err), EMB_OK);
    assert_string_equal(p[3].value, "");
    assert_int_equal(import_parse_pairs("--map", "=x", &a, &p, &n, &err), EMB_USAGE);
    assert_int_equal(import_parse_pairs("--map", "nothing", &a, &p, &n, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "expected FIELD=VALUE"));
    free(p);
    arena_release(&a);
}

/* Opens csv as an import of kind with the given --map/--set/--default text;
 * returns the code and fills sum (released by the caller). */
static emb_code open_with_default(const char *kind, const char *csv, const char *map, const char *set,
                                  const char *dflt, import_summary *sum, emb_err *err)
{
    static arena a;
    arena_init(&a, 0);
    import_pair *m = NULL, *s = NULL, *d = NULL;
    size_t nm = 0, ns = 0, nd = 0;
    if (map)
        assert_int_equal(import_parse_pairs("--map", map, &a, &m, &nm, err), EMB_OK);
    if (set)
        assert_int_equal(import_parse_pairs("--set", set, &a, &s, &ns, err), EMB_OK);
    if (dflt)
        assert_int_equal(import_parse_pairs("--default", dflt, &a, &d, &nd, err), EMB_OK);
    import_opts o = {.kind = kind_find(kind), .path = "t.csv", .data = csv, .data_len = strlen(csv), .maps = m,
                     .nmaps = nm, .sets = s, .nsets = ns, .defaults = d, .ndefaults = nd};
    import_job *job;
    emb_code rc = import_open(&o, sum, &job, err);
    import_close(job);
    free(m);
    free(s);
    free(d);
    arena_release(&a);
    return rc;
}

static emb_code open_with(const char *kind, const char *csv, const char *map, const char *set, import_summary *sum,
                          emb_err *err)
{
    return open_with_default(kind, csv, map, set, NULL, sum, err);
}

/* The summary's mapping lines joined with "; ". */
static const char *mapping(const import_summary *s)
{
    static char buf[1024];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->nmapping; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "; " : "", s->mapping[i]);
    return buf;
}

static void spanish_headers(void **state)
{
    (void)state;
    import_summary s;
    emb_err err;
    assert_int_equal(open_with("deals",
                               "\xEF\xBB\xBF" "Código;Título;Cuenta;Vendedor;Etapa;Importe;Fecha de creación;"
                               "FECHA DE CIERRE;Notas\r\n",
                               NULL, NULL, &s, &err),
                     EMB_OK);
    assert_string_equal(mapping(&s), "stage <- Etapa; id <- Código; title <- Título; account <- Cuenta; owner <- "
                                     "Vendedor; amount <- Importe; created <- Fecha de creación; closed <- FECHA DE "
                                     "CIERRE; currency = the organisation's currency (no column gives it: --map currency=COLUMN)");
    assert_int_equal(s.nignored, 1);
    assert_string_equal(s.ignored[0], "Notas");
    import_summary_release(&s);
    /* Headers as people write them: no "de", no accents, other capitals. */
    assert_int_equal(open_with("deals",
                               "Oportunidad;Cliente;Comercial;Etapa;Importe;Fecha creacion;Fecha cierre;"
                               "Fecha Cierre Prevista\r\n",
                               NULL, NULL, &s, &err),
                     EMB_OK);
    assert_string_equal(mapping(&s), "stage <- Etapa; title <- Oportunidad; account <- Cliente; owner <- Comercial; "
                                     "amount <- Importe; expected_close <- Fecha Cierre Prevista; created <- Fecha "
                                     "creacion; closed <- Fecha cierre; currency = the organisation's currency (no column gives it: --map currency=COLUMN)");
    assert_int_equal(s.nignored, 0);
    import_summary_release(&s);
}

static void id_headers(void **state)
{
    (void)state;
    import_summary s;
    emb_err err;
    /* opportunity_id is the deal's id (its title's synonym "opportunity"); account_id
     * and owner_id name references. */
    assert_int_equal(open_with("deals", "opportunity_id,account_id,owner_id,stage\n", NULL, NULL, &s, &err), EMB_OK);
    assert_string_equal(mapping(&s), "stage <- stage; id <- opportunity_id; account <- account_id; owner <- owner_id"
                                     "; currency = the organisation's currency (no column gives it: --map currency=COLUMN); created = the time of the import (no column gives it: --map created=COLUMN)");
    import_summary_release(&s);
    assert_int_equal(open_with("accounts", "customer_id,company_name\n", NULL, NULL, &s, &err), EMB_OK);
    assert_string_equal(mapping(&s), "id <- customer_id; name <- company_name");
    import_summary_release(&s);
    /* In an order file, customer_id is the account, order_id the id. */
    assert_int_equal(open_with("orders", "order_id,customer_id,order_date\n", NULL, NULL, &s, &err), EMB_OK);
    assert_string_equal(mapping(&s), "id <- order_id; account <- customer_id; date <- order_date"
                                     "; currency = the organisation's currency (no column gives it: --map currency=COLUMN)");
    import_summary_release(&s);
}

static void maps_and_sets(void **state)
{
    (void)state;
    import_summary s;
    emb_err err;
    /* A mapped column may still feed one field by its header (mql_id is also the lead). */
    assert_int_equal(open_with("deals", "mql_id,won_date\n", "id=mql_id,created=won_date", "stage=Won", &s, &err),
                     EMB_OK);
    assert_string_equal(mapping(&s),
                        "stage = Won (--set); id <- mql_id; lead <- mql_id; created <- won_date; closed <- won_date"
                        "; currency = the organisation's currency (no column gives it: --map currency=COLUMN)");
    import_summary_release(&s);
    /* FIELD= leaves a field out; joins; --default fills empty cells of a column. */
    assert_int_equal(open_with_default("users", "first,last,manager,team\n", "name=first+last,manager=", NULL,
                                       "team=Norte", &s, &err),
                     EMB_OK);
    assert_string_equal(mapping(&s), "name <- first+last; team <- team (empty cells: Norte)");
    assert_int_equal(s.nignored, 1);
    assert_string_equal(s.ignored[0], "manager");
    import_summary_release(&s);
    /* --set overrides: the matching column feeds nothing; --default without a column. */
    assert_int_equal(open_with_default("users", "name,team\n", NULL, "team=Norte", "role=manager", &s, &err), EMB_OK);
    assert_string_equal(mapping(&s), "name <- name; role = manager (--default); team = Norte (--set)");
    assert_int_equal(s.nignored, 1);
    assert_string_equal(s.ignored[0], "team");
    import_summary_release(&s);
    /* --set and --map of one field contradict each other. */
    assert_int_equal(open_with("users", "name,equipo\n", "team=equipo", "team=Norte", &s, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "--set team=Norte and --map team=equipo both give field 'team'"));
    import_summary_release(&s);
    /* Exact names win over synonyms: "name" is the title only when no "title" exists. */
    assert_int_equal(open_with("deals", "name,title,stage\n", NULL, NULL, &s, &err), EMB_OK);
    assert_string_equal(mapping(&s), "stage <- stage; title <- title"
                                     "; currency = the organisation's currency (no column gives it: --map currency=COLUMN); created = the time of the import (no column gives it: --map created=COLUMN)");
    import_summary_release(&s);
}

static void usage_errors(void **state)
{
    (void)state;
    import_summary s;
    emb_err err;
    assert_int_equal(open_with("deals", "id,title,stage\n", "amount=Importe", NULL, &s, &err), EMB_USAGE);
    assert_string_equal(err.msg, "--map amount=Importe: the file has no column 'Importe'; its columns are: 'id', "
                                 "'title', 'stage'");
    import_summary_release(&s);
    assert_int_equal(open_with("deals", "id,title,stage\n", "importe=title", NULL, &s, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "deals have no field 'importe' to import; fields: id, title, account"));
    import_summary_release(&s);
    assert_int_equal(open_with("deals", "id,title\n", NULL, NULL, &s, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "deals need field 'stage' but no column matches it (headers accepted: stage, "
                                    "deal_stage, etapa"));
    import_summary_release(&s);
    assert_int_equal(open_with("orders", "Customer ID,Customer Name,Order Date\n", NULL, NULL, &s, &err), EMB_USAGE);
    assert_string_equal(err.msg, "columns 'Customer ID' and 'Customer Name' both match field 'account'; choose one "
                                 "with --map account=COLUMN, or leave the field out with --map account=");
    import_summary_release(&s);
    assert_int_equal(open_with("order_lines", "order,quantity\n", NULL, NULL, &s, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "order lines need either field 'unit_price'"));
    import_summary_release(&s);
    assert_int_equal(open_with("deals", "", NULL, NULL, &s, &err), EMB_INVALID);
    assert_string_equal(err.msg, "file 't.csv' is empty; it needs a header row naming its columns");
    import_summary_release(&s);
}

static void tab_separated(void **state)
{
    (void)state;
    import_summary s;
    emb_err err;
    assert_int_equal(open_with("accounts", "nombre\tsector\tpaís\n", NULL, NULL, &s, &err), EMB_OK);
    assert_string_equal(mapping(&s), "name <- nombre; industry <- sector; country <- país");
    import_summary_release(&s);
}

static void keymap_ops(void **state)
{
    (void)state;
    keymap m;
    keymap_init(&m);
    keymap_prefetch(&m, "k1", 2); /* an empty map has no slots: nothing to fetch */
    assert_null(keymap_get(&m, "k1", 2));
    int created;
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        keymap_entry *e = keymap_put(&m, key, (size_t)n, &created);
        assert_non_null(e);
        assert_true(created);
        e->id = i + 1;
    }
    assert_int_equal(m.count, 1000);
    keymap_prefetch(&m, "k517", 4); /* a hint only: the map is the same after it */
    for (int i = 0; i < 1000; i++) { /* found after every growth, kept in insertion order */
        int n = snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(keymap_get(&m, key, (size_t)n)->id, i + 1);
        assert_string_equal(m.entries[i].key, key);
    }
    assert_int_equal(keymap_get(&m, "k517", 4)->id, 518);
    assert_null(keymap_get(&m, "k1000", 5));
    assert_null(keymap_get(&m, "k5", 1)); /* "k", a prefix */
    assert_int_equal(keymap_put(&m, "k7", 2, &created)->id, 8);
    assert_false(created);
    /* Binary keys (ids as bytes) with NULs. */
    int64_t id = 256;
    keymap_put(&m, (const char *)&id, sizeof id, &created)->id = 9;
    assert_int_equal(keymap_get(&m, (const char *)&id, sizeof id)->id, 9);
    /* Keys longer than a word that differ only after it, or only in length. */
    const char *longs[] = {"abcdefgh", "abcdefgh1", "abcdefgh2", "abcdefghijklmnop", "abcdefghijklmnoq",
                           "abcdefghijklmnopq"};
    for (int i = 0; i < 6; i++)
        keymap_put(&m, longs[i], strlen(longs[i]), &created)->id = 2000 + i;
    for (int i = 0; i < 6; i++)
        assert_int_equal(keymap_get(&m, longs[i], strlen(longs[i]))->id, 2000 + i);
    assert_null(keymap_get(&m, "abcdefgh3", 9));
    assert_null(keymap_get(&m, "abcdefgh1\0", 10));
    keymap_release(&m);

    /* Names of stored records: the same name for two records is ambiguous (-1);
     * the normalised map matches "GTX Pro" as "gtx-pro". */
    keymap exact, norm;
    keymap_init(&exact);
    keymap_init(&norm);
    keymap_pair pair = {&exact, &norm};
    assert_int_equal(keymap_pair_put(&pair, "GTX Pro", 7, 5), 0);
    assert_int_equal(keymap_pair_put(&pair, "GTX Pro", 7, 5), 0); /* the same record again */
    assert_int_equal(keymap_get(&exact, "GTX Pro", 7)->id, 5);
    assert_int_equal(keymap_pair_put(&pair, "gtx-pro", 7, 6), 0);
    assert_int_equal(keymap_get(&exact, "gtx-pro", 7)->id, 6);
    assert_int_equal(keymap_get(&norm, "gtxpro", 6)->id, -1);
    keymap_get(&exact, "GTX Pro", 7)->id = 0; /* an entry without a record takes the next one */
    assert_int_equal(keymap_put_record(&exact, "GTX Pro", 7, 9), 0);
    assert_int_equal(keymap_get(&exact, "GTX Pro", 7)->id, 9);
    keymap_pair only_exact = {&exact, NULL};
    assert_int_equal(keymap_pair_put(&only_exact, "Solo", 4, 3), 0);
    assert_null(keymap_get(&norm, "solo", 4));
    keymap_release(&exact);
    keymap_release(&norm);
    char out[32];
    assert_int_equal(keymap_norm("GTX Pro", 7, out), 6);
    assert_string_equal(out, "gtxpro");
    keymap_norm("Gtx-PRO", 7, out);
    assert_string_equal(out, "gtxpro");
    keymap_norm("Café Ñu", strlen("Café Ñu"), out);
    assert_string_equal(out, "caf\xC3\xA9\xC3\x91u"); /* non-ASCII kept as written */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(norm_header),   cmocka_unit_test(pairs),        cmocka_unit_test(spanish_headers),
        cmocka_unit_test(id_headers),    cmocka_unit_test(maps_and_sets), cmocka_unit_test(usage_errors),
        cmocka_unit_test(tab_separated), cmocka_unit_test(keymap_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
