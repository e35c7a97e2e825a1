/*
 * fuzz_mapping.c - header matching and option lists of the importer
 * (io/import_map.c) without a database: import_parse_pairs() on --map, --set and
 * --value-map text, then import_open() on a small CSV.
 *
 * Input: byte 0 picks the kind (and, with its high bit, --create-missing, so that
 * related records' fields are matched too); then three lines: the --map text, the
 * --set text, the --value-map text; the rest is the CSV file. A --value-map that
 * names a lookup file is not tried (it would read the machine's files). Properties: no crash or leak;
 * errors are usage or file errors with a message; on success each mapping line
 * names a field of the kind, and normalising valid UTF-8 twice gives
 * what normalising once gave.
 */
#include "fuzz.h"
#include "io/csv_reader.h"
#include "io/import.h"
#include "io/import_internal.h"


static const char *line(const char **p, const char *end, char *buf, size_t cap)
{
    size_t n = 0;
    while (*p < end && **p != '\n') {
        if (n + 1 < cap)
            buf[n++] = **p;
        (*p)++;
    }
    if (*p < end)
        (*p)++;
    buf[n] = '\0';
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > FUZZ_MAX_INPUT)
        return 0;
    size_t nkinds = 0;
    while (kind_all()[nkinds])
        nkinds++;
    const kind_def *kind = kind_all()[data[0] % nkinds];
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    char maps[512], sets[512], values[512];
    line(&p, end, maps, sizeof maps);
    line(&p, end, sets, sizeof sets);
    line(&p, end, values, sizeof values);

    if (csv_utf8_valid(maps, strlen(maps))) {
        char once[512], twice[512];
        import_norm_header(maps, once, sizeof once);
        import_norm_header(once, twice, sizeof twice);
        FUZZ_CHECK(!strcmp(once, twice), "normalising '%s' twice: '%s' then '%s'", maps, once, twice);
    }

    arena a;
    arena_init(&a, 0);
    import_pair *m = NULL, *s = NULL, *v = NULL;
    size_t nm = 0, ns = 0, nv = 0;
    emb_err err;
    emb_err_clear(&err);
    int ok = (!*maps || import_parse_pairs("--map", maps, &a, &m, &nm, &err) == EMB_OK) &&
             (!*sets || import_parse_pairs("--set", sets, &a, &s, &ns, &err) == EMB_OK) &&
             (!*values || import_parse_pairs("--value-map", values, &a, &v, &nv, &err) == EMB_OK);
    if (!ok)
        FUZZ_CHECK(err.code == EMB_USAGE && err.msg[0], "pairs: code %d '%s'", err.code, err.msg);
    for (size_t i = 0; i < nm; i++)
        FUZZ_CHECK(m[i].name[0] && !strchr(m[i].name, ','), "pair name '%s'", m[i].name);
    for (size_t i = 0; i < nv; i++)
        if (!strchr(v[i].name, ':'))
            ok = 0; /* FIELD=FILE:KEY:VALUE */
    if (ok) {
        import_opts o = {.kind = kind, .create_missing = (data[0] & 0x80) != 0, .path = "fuzz.csv", .data = p, .data_len = (size_t)(end - p), .maps = m,
                         .nmaps = nm, .sets = s, .nsets = ns, .value_maps = v, .nvalue_maps = nv,
                         .limits = {.max_field = 256, .max_columns = 64}};
        import_summary sum;
        import_job *job;
        emb_code rc = import_open(&o, &sum, &job, &err);
        if (rc) {
            FUZZ_CHECK(rc == EMB_USAGE || rc == EMB_INVALID || rc == EMB_NOMEM, "open: code %d", rc);
            FUZZ_CHECK(err.msg[0], "error without a message");
        } else {
            for (size_t i = 0; i < sum.nmapping; i++) {
                char field[128];
                size_t n = strcspn(sum.mapping[i], " ");
                FUZZ_CHECK(n < sizeof field, "mapping '%s'", sum.mapping[i]);
                memcpy(field, sum.mapping[i], n);
                field[n] = '\0';
                field[strcspn(field, ".")] = '\0'; /* order.date: a field of the order the row names */
                FUZZ_CHECK(kind_field(kind, field) != NULL, "mapping '%s' names no field of %s", sum.mapping[i],
                           kind->name);
            }
            import_close(job);
        }
        import_summary_release(&sum);
    }
    free(m);
    free(s);
    free(v);
    arena_release(&a);
    return 0;
}
