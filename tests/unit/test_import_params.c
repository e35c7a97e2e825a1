/* test_import_params.c - an import's options from key/value texts (io/import_params.h):
 * each key to its field of import_opts, lists that add up, flags, the messages naming
 * the key as an option (--stage-map) or a parameter (stage_map), unknown keys, and a
 * value_map's lookup file refused to a request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "io/import_params.h"

static void keys_fill_the_opts(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    import_opts o = {0};
    import_params p;
    import_params_init(&p, &o, &a, 0);
    emb_err err;
    assert_int_equal(import_params_set(&p, "map", "owner=Vendedor,amount=Importe", &err), EMB_OK);
    assert_int_equal(import_params_set(&p, "map", "title=Asunto", &err), EMB_OK); /* again: adds up */
    assert_int_equal(o.nmaps, 3);
    assert_string_equal(o.maps[2].name, "title");
    assert_string_equal(o.maps[2].value, "Asunto");
    assert_int_equal(import_params_set(&p, "set", "source=fair", &err), EMB_OK);
    assert_int_equal(import_params_set(&p, "default", "created=2017-12-31", &err), EMB_OK);
    assert_int_equal(import_params_set(&p, "stage_map", "Engaging=Qualification", &err), EMB_OK);
    assert_int_equal(import_params_set(&p, "value_map", "category:1=Beverages", &err), EMB_OK);
    assert_true(o.nsets == 1 && o.ndefaults == 1 && o.nstage_maps == 1 && o.nvalue_maps == 1);
    assert_string_equal(o.stage_maps[0].value, "Qualification");
    assert_string_equal(o.value_maps[0].name, "category:1");
    assert_int_equal(import_params_set(&p, "create_stages", "Negotiation", &err), EMB_OK);
    assert_string_equal(o.create_stages, "Negotiation");
    assert_int_equal(import_params_set(&p, "date_format", "d/m/Y", &err), EMB_OK);
    assert_string_equal(o.date_format, "d/m/Y");
    assert_int_equal(import_params_set(&p, "decimal", "comma", &err), EMB_OK);
    assert_int_equal(o.numbers, NUM_COMMA);
    assert_int_equal(import_params_set(&p, "decimal", "dot", &err), EMB_OK);
    assert_int_equal(o.numbers, NUM_DOT);
    assert_int_equal(import_params_set(&p, "create_missing", "true", &err), EMB_OK);
    assert_int_equal(import_params_set(&p, "last_wins", "", &err), EMB_OK); /* empty: true */
    assert_int_equal(import_params_set(&p, "dry_run", "1", &err), EMB_OK);
    assert_true(o.create_missing && o.last_wins && o.dry_run);
    assert_int_equal(import_params_set(&p, "dry_run", "false", &err), EMB_OK);
    assert_int_equal(o.dry_run, 0);
    assert_null(p.bad_key);
    import_params_release(&p);
    arena_release(&a);
}

static void refusals_name_the_key(void **state)
{
    (void)state;
    arena a;
    arena_init(&a, 0);
    import_opts o = {0};
    import_params p;
    emb_err err;
    import_params_init(&p, &o, &a, 0);
    assert_int_equal(import_params_set(&p, "decimal", "sideways", &err), EMB_USAGE);
    assert_string_equal(err.msg, "decimal 'sideways': use point (1,234.56) or comma (1.234,56)");
    assert_string_equal(p.bad_key, "decimal");
    assert_int_equal(import_params_set(&p, "stage_map", "Won", &err), EMB_USAGE);
    assert_string_equal(err.msg, "stage_map 'Won': expected FIELD=VALUE[,FIELD=VALUE...]");
    assert_string_equal(p.bad_key, "stage_map");
    assert_int_equal(import_params_set(&p, "create_missing", "maybe", &err), EMB_USAGE);
    assert_string_equal(err.msg, "create_missing 'maybe' must be true or false");
    assert_int_equal(import_params_set(&p, "encoding", "ebcdic", &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "encoding 'ebcdic': use utf-8"));
    assert_int_equal(import_params_set(&p, "colour", "red", &err), EMB_USAGE);
    assert_string_equal(p.bad_key, "");
    assert_non_null(strstr(err.msg, "unknown parameter 'colour'; accepted: map, set, default, stage_map"));
    /* A request may not make the server read a file of its own. */
    assert_int_equal(import_params_set(&p, "value_map", "category=/etc/passwd:a:b", &err), EMB_USAGE);
    assert_string_equal(p.bad_key, "value_map");
    assert_int_equal(o.nvalue_maps, 0);
    import_params_release(&p);

    /* As options, the CLI's words, and its lookup files. */
    import_opts c = {0};
    import_params_init(&p, &c, &a, 1);
    assert_int_equal(import_params_set(&p, "decimal", "sideways", &err), EMB_USAGE);
    assert_string_equal(err.msg, "--decimal 'sideways': use point (1,234.56) or comma (1.234,56)");
    assert_int_equal(import_params_set(&p, "stage_map", "Won", &err), EMB_USAGE);
    assert_string_equal(err.msg, "--stage-map 'Won': expected FIELD=VALUE[,FIELD=VALUE...]");
    assert_int_equal(import_params_set(&p, "value_map", "category=cats.csv:id:name", &err), EMB_OK);
    assert_int_equal(c.nvalue_maps, 1);
    assert_non_null(strstr(import_params_keys(&p), "--stage-map"));
    import_params_release(&p);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_fill_the_opts),
        cmocka_unit_test(refusals_name_the_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
