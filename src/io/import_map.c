/*
 * import_map.c - which column feeds which field: --map, then the field's own
 * name, then its import synonyms (kind.h); --set values; option lists; the
 * `import --fields` listing.
 *
 * Matching compares normalised headers: case-insensitive (ASCII and Latin-1
 * letters), ignoring spaces, '_' and '-'; accents are compared as written. A
 * column named by --map is not matched automatically to any other field.
 * Automatic matches are assigned best first: a field's own name beats its first
 * synonym, which beats its second ...; ties go to the field listed first in the
 * kind, then to the leftmost column. Each column feeds at most one field by its
 * header (a column named in --map may feed one more: --map id=mql_id still lets
 * mql_id be the lead). When two free columns match one field by synonyms (Customer
 * ID, Customer Name), the import is refused asking for --map. --map FIELD= leaves a
 * field out whatever the headers say. --set FIELD=VALUE gives the field on every
 * row (no column feeds it, even one whose header matches); --default FIELD=VALUE
 * fills its empty cells. Last come "<name>_id" headers: "account_id" for a reference to accounts, and for the
 * field `id` the kind's name or its label's synonyms ("opportunity_id" in deals,
 * "customer_id" in accounts, "employee_id" in users).
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "io/import_internal.h"

#define NORM_MAX 256

static const char *trimmed(arena *a, const char *s, size_t len);

/* ---- option lists ------------------------------------------------------------ */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

emb_code import_parse_pairs(const char *option, const char *text, arena *a, import_pair **pairs, size_t *n,
                            emb_err *err)
{
    char *copy = arena_strdup(a, text);
    if (!copy)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    size_t start_n = *n;
    char *part = copy;
    for (;;) {
        char *comma = strchr(part, ',');
        if (comma)
            *comma = '\0';
        char *eq = strchr(part, '=');
        if (!eq) {
            if (*n == start_n)
                return emb_err_set(err, EMB_USAGE, _("%s '%s': expected FIELD=VALUE[,FIELD=VALUE...]"), option, text);
            /* A comma inside the previous value. */
            import_pair *prev = &(*pairs)[*n - 1];
            char *joined = arena_printf(a, "%s,%s", prev->value, part);
            if (!joined)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            prev->value = joined;
        } else {
            *eq = '\0';
            char *name = trim(part), *value = trim(eq + 1);
            if (!*name)
                return emb_err_set(err, EMB_USAGE, _("%s '%s': a part has no name before '='"), option, text);
            import_pair *grown = realloc(*pairs, (*n + 1) * sizeof **pairs);
            if (!grown)
                return emb_err_set(err, EMB_NOMEM, _("out of memory"));
            *pairs = grown;
            (*pairs)[(*n)++] = (import_pair){name, value};
        }
        if (!comma)
            break;
        part = comma + 1;
    }
    return EMB_OK;
}

/* ---- header matching ------------------------------------------------------------ */

/* The ASCII letter a Latin-1 letter (the second byte of its UTF-8 form after 0xC3)
 * is read as when matching headers: accents, case and the tilde do not count. 0 for
 * the other characters of that block (Æ, Ð, ×, Þ, ß, æ, ð, ÷, þ), kept as they are. */
static char latin1_base(unsigned char second)
{
    static const char base[65] = "aaaaaa\0ceeeeiiii" "\0nooooo\0ouuuuy\0\0"
                                 "aaaaaa\0ceeeeiiii" "\0nooooo\0ouuuuy\0y";
    return second >= 0x80 && second <= 0xBF ? base[second - 0x80] : 0;
}

/* Words that join the others in a header and tell nothing of its meaning:
 * "Fecha de cierre" matches "fecha cierre" and "Date of close" "date close". */
static int is_joining_word(const char *w, size_t len)
{
    static const char *const words[] = {"de", "del", "la", "el", "los", "las", "of", "the", NULL};
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == len && !memcmp(words[i], w, len))
            return 1;
    return 0;
}

void import_norm_header(const char *s, char *out, size_t cap)
{
    size_t k = 0, word = 0, words = 0, joining_dropped = 0;
    const unsigned char *p = (const unsigned char *)s;
    if (!cap)
        return;
    for (;;) {
        unsigned char c = *p;
        int separator = c == ' ' || c == '_' || c == '-' || c == '\t' || c == '\0';
        if (separator) {
            /* A word ends: drop it when it only joins others (never the only one). */
            if (k > word) {
                words++;
                if (is_joining_word(out + word, k - word)) {
                    k = word;
                    joining_dropped++;
                }
            }
            word = k;
            if (!c)
                break;
            p++;
            continue;
        }
        if (k + 2 >= cap) /* room for a two-byte character and the NUL */
            break;
        if (c >= 'A' && c <= 'Z') {
            out[k++] = (char)(c + 32);
            p++;
        } else if (c == 0xC3 && latin1_base(p[1])) {
            out[k++] = latin1_base(p[1]);
            p += 2;
        } else if (c == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
            /* Other Latin-1 capitals (Æ, Ð, Þ) to their small letters. */
            out[k++] = (char)c;
            out[k++] = (char)(p[1] + 0x20);
            p += 2;
        } else {
            out[k++] = (char)c;
            p++;
        }
    }
    out[k] = '\0';
    if (!k && joining_dropped && words == joining_dropped) {
        /* Only joining words ("De"): keep them, so the header still names itself. */
        size_t n = 0;
        for (p = (const unsigned char *)s; *p && n + 1 < cap; p++)
            if (*p != ' ' && *p != '_' && *p != '-' && *p != '\t')
                out[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        out[n] = '\0';
    }
}

/* Score of column header h (normalised) for field f: 0 its name, 1 + i its i-th
 * synonym, -1 no match. */
int import_match_score(const field_def *f, const char *h)
{
    char norm[NORM_MAX];
    import_norm_header(f->name, norm, sizeof norm);
    if (!strcmp(norm, h))
        return 0;
    if (!f->synonyms)
        return -1;
    int i = 0;
    const char *p = f->synonyms;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char syn[NORM_MAX];
        if (len >= sizeof syn)
            len = sizeof syn - 1;
        memcpy(syn, p, len);
        syn[len] = '\0';
        import_norm_header(syn, norm, sizeof norm);
        if (!strcmp(norm, h))
            return 1 + i;
        i++;
        if (!bar)
            break;
        p = bar + 1;
    }
    return -1;
}

/* True when h (normalised) is name (any form) followed by "id": "opportunity_id". */
static int is_name_id(const char *name, size_t len, const char *h)
{
    char raw[NORM_MAX], norm[NORM_MAX];
    if (len >= sizeof raw - 3)
        return 0;
    memcpy(raw, name, len);
    memcpy(raw + len, "id", 3);
    import_norm_header(raw, norm, sizeof norm);
    return !strcmp(norm, h);
}

/* Weaker matches tried after names and synonyms: "<field>_id" for a reference
 * ("account_id"), and for the field `id` "<kind>_id" or "<label or one of its
 * synonyms>_id" ("opportunity_id" for deals, "customer_id" for accounts). */
static int id_score(const kind_def *k, const field_def *f, const char *h)
{
    if (f->type == FT_REF)
        return is_name_id(f->name, strlen(f->name), h) ? 900 : -1;
    if (strcmp(f->name, "id") != 0)
        return -1;
    if (is_name_id(k->singular, strlen(k->singular), h))
        return 950;
    const field_def *label = kind_field(k, k->label);
    if (!label || label == f)
        return -1;
    if (is_name_id(label->name, strlen(label->name), h))
        return 951;
    int i = 0;
    for (const char *p = label->synonyms; p && *p; i++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (is_name_id(p, len, h))
            return 952 + i;
        if (!bar)
            break;
        p = bar + 1;
    }
    return -1;
}

static int importable(const field_def *f) { return !(f->flags & (FF_DERIVED | FF_SECRET)); }

static const char *field_list(import_job *j)
{
    size_t cap = 1024, n = 0;
    char *s = arena_alloc(&j->perm, cap);
    if (!s)
        return "";
    s[0] = '\0';
    for (size_t i = 0; i < j->kind->nfields; i++)
        if (importable(&j->kind->fields[i]))
            n += (size_t)snprintf(s + n, n < cap ? cap - n : 0, "%s%s", n ? ", " : "", j->kind->fields[i].name);
    return s;
}

static const char *column_list(import_job *j)
{
    size_t cap = 2048, n = 0;
    char *s = arena_alloc(&j->perm, cap);
    if (!s)
        return "";
    s[0] = '\0';
    for (size_t i = 0; i < j->ncols && n < cap; i++)
        n += (size_t)snprintf(s + n, n < cap ? cap - n : 0, "%s'%s'", i ? ", " : "", j->cols[i]);
    return s;
}

/* A column by its header (exactly, then normalised), else "#N" as the N-th column
 * (how a column is picked among several with the same header). */
int import_find_column(const import_job *j, const char *name)
{
    for (size_t i = 0; i < j->ncols; i++)
        if (!strcmp(j->cols[i], name))
            return (int)i;
    char want[NORM_MAX], have[NORM_MAX];
    import_norm_header(name, want, sizeof want);
    for (size_t i = 0; i < j->ncols; i++) {
        import_norm_header(j->cols[i], have, sizeof have);
        if (!strcmp(want, have))
            return (int)i;
    }
    if (name[0] == '#' && name[1] >= '1' && name[1] <= '9') {
        char *end;
        unsigned long long n = strtoull(name + 1, &end, 10);
        if (!*end && n <= j->ncols)
            return (int)n - 1;
    }
    return -1;
}

static int priority_of(const kind_def *k, const field_def *f, int idx)
{
    if (f->type == FT_CURRENCY)
        return 0;
    if (!strcmp(f->name, "pipeline"))
        return 1;
    if (!strcmp(f->name, "stage") || (!strcmp(k->name, "order_lines") && !strcmp(f->name, "order")) ||
        !strcmp(f->name, "metric"))
        return 2;
    return 10 + idx;
}

static import_field *add_field(import_job *j, int idx)
{
    if (j->slot[idx] >= 0)
        return &j->fields[j->slot[idx]];
    const field_def *f = &j->kind->fields[idx];
    import_field *fld = &j->fields[j->nfields];
    *fld = (import_field){.f = f, .idx = idx, .priority = priority_of(j->kind, f, idx)};
    fld->self_ref = f->type == FT_REF && !strcmp(f->ref, j->kind->name);
    if (f->type == FT_REF) {
        fld->ref_kind = kind_find(f->ref);
        fld->ref_index = import_kind_index(fld->ref_kind);
    }
    fld->is_date = f->type == FT_INSTANT || f->type == FT_DATE;
    fld->is_number = f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BP || f->type == FT_RATE ||
                     f->type == FT_TARGET;
    fld->numbers = j->popts.numbers;
    j->slot[idx] = (int)j->nfields++;
    return fld;
}

static int add_value_map(import_job *j, int idx, const char *from, const char *to)
{
    if (j->nvalue_maps == j->value_maps_cap) {
        size_t cap = 2 * j->value_maps_cap;
        struct import_value_map *grown = arena_alloc(&j->perm, cap * sizeof *grown);
        if (!grown)
            return -1;
        memcpy(grown, j->value_maps, j->nvalue_maps * sizeof *grown);
        j->value_maps = grown;
        j->value_maps_cap = cap;
    }
    j->value_maps[j->nvalue_maps++] = (struct import_value_map){idx, from, to};
    return 0;
}

/* --value-map FIELD=FILE:KEY_COLUMN:VALUE_COLUMN: every row of the CSV file FILE
 * reads its KEY_COLUMN text as its VALUE_COLUMN text (northwind's categories.csv:
 * category_id:category_name). A key given two different values is refused. */
static emb_code value_lookup_file(import_job *j, const import_pair *p, emb_err *err)
{
    int idx = kind_field_index(j->kind, p->name);
    if (idx < 0 || !importable(&j->kind->fields[idx]))
        return emb_err_set(err, EMB_USAGE, _("--value-map %s=%s: %s have no field '%s' to import; fields: %s"), p->name,
                           p->value, j->kind->name, p->name, field_list(j));
    char *spec = arena_strdup(&j->perm, p->value);
    char *c2 = spec ? strrchr(spec, ':') : NULL;
    if (c2)
        *c2 = '\0';
    char *c1 = c2 ? strrchr(spec, ':') : NULL;
    if (!c1 || c1 == spec || !c1[1] || !c2[1])
        return emb_err_set(err, EMB_USAGE,
                           _("--value-map %s=%s: expected FIELD:FROM=TO, or FIELD=FILE:KEY_COLUMN:VALUE_COLUMN "
                             "(--value-map category=categories.csv:category_id:category_name)"),
                           p->name, p->value);
    *c1 = '\0';
    const char *path = spec, *key_name = c1 + 1, *value_name = c2 + 1;
    csv_reader *rd;
    if (csv_reader_open(path, NULL, &rd, err))
        return emb_err_prefix(err, _("--value-map %s"), p->name);
    const csv_row *row;
    int got = csv_reader_next(rd, &row, err), kc = -1, vc = -1;
    char want_k[NORM_MAX], want_v[NORM_MAX], have[NORM_MAX];
    import_norm_header(key_name, want_k, sizeof want_k);
    import_norm_header(value_name, want_v, sizeof want_v);
    for (size_t c = 0; got == 1 && c < row->n; c++) {
        import_norm_header(row->field[c], have, sizeof have);
        if (kc < 0 && !strcmp(have, want_k))
            kc = (int)c;
        if (vc < 0 && !strcmp(have, want_v))
            vc = (int)c;
    }
    emb_code rc = EMB_OK;
    if (got != 1)
        rc = got < 0 ? emb_err_prefix(err, _("--value-map %s: file '%s'"), p->name, path)
                     : emb_err_set(err, EMB_USAGE, _("--value-map %s: file '%s' is empty"), p->name, path);
    else if (kc < 0 || vc < 0)
        rc = emb_err_set(err, EMB_USAGE, _("--value-map %s=%s: file '%s' has no column '%s'"), p->name, p->value, path,
                         kc < 0 ? key_name : value_name);
    size_t first = j->nvalue_maps;
    while (!rc && (got = csv_reader_next(rd, &row, err)) == 1) {
        if ((size_t)kc >= row->n || (size_t)vc >= row->n)
            continue;
        /* copies: the row's cells belong to the reader */
        const char *from = trimmed(&j->perm, row->field[kc], row->len[kc]);
        const char *to = trimmed(&j->perm, row->field[vc], row->len[vc]);
        from = from ? arena_strdup(&j->perm, from) : NULL;
        to = to ? arena_strdup(&j->perm, to) : NULL;
        if (!from || !to) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
        if (!*from)
            continue;
        for (size_t v = first; v < j->nvalue_maps && !rc; v++)
            if (!strcasecmp(j->value_maps[v].from, from) && strcmp(j->value_maps[v].to, to) != 0)
                rc = emb_err_set(err, EMB_USAGE,
                                 _("--value-map %s: file '%s', row %lld: '%s' is '%s' here and '%s' above; a key may "
                                   "have one value"),
                                 p->name, path, (long long)row->record, from, to, j->value_maps[v].to);
        if (!rc && add_value_map(j, idx, from, to))
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    if (!rc && got < 0)
        rc = emb_err_prefix(err, _("--value-map %s: file '%s'"), p->name, path);
    csv_reader_close(rd);
    return rc;
}

static emb_code apply_maps(import_job *j, emb_err *err)
{
    const import_opts *o = j->o;
    for (size_t m = 0; m < o->nmaps; m++) {
        const import_pair *p = &o->maps[m];
        if (strchr(p->name, '.'))
            continue; /* a related record's field: import_related.c */
        int idx = kind_field_index(j->kind, p->name);
        if (idx < 0 || !importable(&j->kind->fields[idx]))
            return emb_err_set(err, EMB_USAGE, _("--map %s=%s: %s have no field '%s' to import; fields: %s"), p->name,
                               p->value, j->kind->name, p->name, field_list(j));
        if (j->slot[idx] >= 0 || j->excluded[idx])
            return emb_err_set(err, EMB_USAGE, _("--map names field '%s' twice"), p->name);
        if (!*p->value) { /* --map FIELD= : leave the field out, whatever the headers */
            j->excluded[idx] = 1;
            continue;
        }
        import_field *fld = add_field(j, idx);
        char *cols = arena_strdup(&j->perm, p->value);
        if (!cols)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        fld->label = p->value;
        for (char *part = cols, *plus; part; part = plus) {
            plus = strchr(part, '+');
            if (plus)
                *plus++ = '\0';
            char *name = trim(part);
            int c = import_find_column(j, name);
            if (c < 0)
                return emb_err_set(err, EMB_USAGE, _("--map %s=%s: the file has no column '%s'; its columns are: %s"),
                                   p->name, p->value, name, column_list(j));
            if (fld->ncols == IMPORT_MAX_JOIN)
                return emb_err_set(err, EMB_USAGE, _("--map %s=%s: at most %d columns can be joined"), p->name,
                                   p->value, IMPORT_MAX_JOIN);
            fld->cols[fld->ncols++] = c;
            j->col_used[c] = 2; /* named by --map; may still feed one field by its header */
        }
        if (fld->ncols == 1)
            fld->label = j->cols[fld->cols[0]];
    }
    for (int def = 0; def < 2; def++) {
        const char *opt = def ? "--default" : "--set";
        size_t count = def ? o->ndefaults : o->nsets;
        for (size_t s = 0; s < count; s++) {
            const import_pair *p = def ? &o->defaults[s] : &o->sets[s];
            int idx = kind_field_index(j->kind, p->name);
            if (idx < 0 || !importable(&j->kind->fields[idx]))
                return emb_err_set(err, EMB_USAGE, _("%s %s=%s: %s have no field '%s' to import; fields: %s"), opt,
                                   p->name, p->value, j->kind->name, p->name, field_list(j));
            if (j->excluded[idx])
                return emb_err_set(err, EMB_USAGE, _("%s %s=%s: --map %s= leaves the field out; drop one of them"),
                                   opt, p->name, p->value, p->name);
            import_field *fld = add_field(j, idx);
            if (fld->set || fld->dflt)
                return emb_err_set(err, EMB_USAGE,
                                   _("field '%s' is given twice by --set or --default; keep one value"), p->name);
            if (!def && fld->ncols)
                return emb_err_set(err, EMB_USAGE,
                                   _("--set %s=%s and --map %s=%s both give field '%s'; --set overrides the column, "
                                     "so drop the --map, or use --default %s=%s to fill only its empty cells"),
                                   p->name, p->value, p->name, fld->label, p->name, p->name, p->value);
            if (def)
                fld->dflt = p->value;
            else
                fld->set = p->value;
        }
    }
    j->value_maps = arena_alloc(&j->perm, (o->nvalue_maps + 1) * sizeof *j->value_maps);
    j->value_maps_cap = o->nvalue_maps + 1;
    if (!j->value_maps)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (size_t v = 0; v < o->nvalue_maps; v++) {
        const import_pair *p = &o->value_maps[v];
        const char *colon = strchr(p->name, ':');
        if (!colon) { /* FIELD=FILE:KEY_COLUMN:VALUE_COLUMN */
            if (value_lookup_file(j, p, err))
                return err->code;
            continue;
        }
        char name[64];
        if (!colon || (size_t)(colon - p->name) >= sizeof name)
            return emb_err_set(err, EMB_USAGE, _("--value-map %s=%s: expected FIELD:FROM=TO"), p->name, p->value);
        memcpy(name, p->name, (size_t)(colon - p->name));
        name[colon - p->name] = '\0';
        int idx = kind_field_index(j->kind, trim(name));
        if (idx < 0 || !importable(&j->kind->fields[idx]))
            return emb_err_set(err, EMB_USAGE, _("--value-map %s=%s: %s have no field '%s' to import; fields: %s"),
                               p->name, p->value, j->kind->name, name, field_list(j));
        if (add_value_map(j, idx, colon + 1, p->value))
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    return EMB_OK;
}

const char *import_value_mapped(const import_job *j, const import_field *fld, const char *text)
{
    for (size_t v = 0; v < j->nvalue_maps; v++)
        if (j->value_maps[v].idx == fld->idx && !strcasecmp(j->value_maps[v].from, text))
            return j->value_maps[v].to;
    return text;
}

typedef struct {
    int score, field, col;
} candidate;

static int cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score - y->score;
    if (x->field != y->field)
        return x->field - y->field;
    return x->col - y->col;
}

static int field_open(import_job *j, int idx)
{
    return !j->excluded[idx] &&
           !(j->slot[idx] >= 0 && (j->fields[j->slot[idx]].ncols || j->fields[j->slot[idx]].set));
}

/* Two columns with the same header (as matched: normalised) that would feed a
 * field not given by --map make the file ambiguous: refused, asking for
 * --map FIELD=#N. Duplicates that match no field are only ignored columns. */
static emb_code duplicate_headers(import_job *j, emb_err *err)
{
    char h[NORM_MAX], other[NORM_MAX];
    for (size_t c = 0; c < j->ncols; c++) {
        import_norm_header(j->cols[c], h, sizeof h);
        for (size_t d = c + 1; h[0] && d < j->ncols; d++) {
            import_norm_header(j->cols[d], other, sizeof other);
            if (strcmp(h, other))
                continue;
            for (size_t i = 0; i < j->kind->nfields; i++) {
                const field_def *f = &j->kind->fields[i];
                if (!importable(f) || !field_open(j, (int)i) ||
                    (import_match_score(f, h) < 0 && id_score(j->kind, f, h) < 0))
                    continue;
                return emb_err_set(err, EMB_USAGE,
                                   _("columns %zu and %zu have the same header '%s'; choose the one that is field "
                                     "'%s' with --map %s=#%zu or --map %s=#%zu (or rename one in the file)"),
                                   c + 1, d + 1, j->cols[d], f->name, f->name, c + 1, f->name, d + 1);
            }
        }
    }
    return EMB_OK;
}

/* With --create-missing, a second column matching a reference by the referenced
 * kind's name ('Product Name' beside 'Product ID') names the record the first one
 * keys: it feeds the related record's name (import_related.c), not the reference. */
static int feeds_related_label(const import_job *j, const import_field *won, int col)
{
    if (!j->o->create_missing || won->f->type != FT_REF || !won->ref_kind)
        return 0;
    const field_def *label = kind_field(won->ref_kind, won->ref_kind->label);
    char h[NORM_MAX];
    import_norm_header(j->cols[col], h, sizeof h);
    return label && label->type == FT_TEXT && import_match_score(label, h) >= 0;
}

static emb_code auto_match(import_job *j, emb_err *err)
{
    size_t cap = j->ncols * j->kind->nfields + 1;
    candidate *cands = malloc(cap * sizeof *cands);
    char *auto_used = calloc(j->ncols + 1, 1);
    if (!cands || !auto_used) {
        free(cands);
        free(auto_used);
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    }
    size_t n = 0;
    for (size_t c = 0; c < j->ncols; c++) {
        char h[NORM_MAX];
        import_norm_header(j->cols[c], h, sizeof h);
        if (!h[0])
            continue;
        for (size_t i = 0; i < j->kind->nfields; i++) {
            const field_def *f = &j->kind->fields[i];
            if (!importable(f) || !field_open(j, (int)i))
                continue;
            int score = import_match_score(f, h);
            if (score < 0)
                score = id_score(j->kind, f, h);
            if (score >= 0)
                cands[n++] = (candidate){score, (int)i, (int)c};
        }
    }
    qsort(cands, n, sizeof *cands, cmp_candidate);
    emb_code rc = EMB_OK;
    for (size_t k = 0; k < n; k++) {
        candidate *cd = &cands[k];
        if (auto_used[cd->col] || !field_open(j, cd->field))
            continue;
        import_field *fld = add_field(j, cd->field);
        fld->cols[0] = cd->col;
        fld->ncols = 1;
        fld->label = j->cols[cd->col];
        fld->score = cd->score;
        auto_used[cd->col] = 1;
        if (!j->col_used[cd->col])
            j->col_used[cd->col] = 1;
    }
    /* A field that two free columns match by synonyms is ambiguous: ask. */
    for (size_t k = 0; k < n && !rc; k++) {
        candidate *cd = &cands[k];
        if (cd->score < 1 || cd->score >= 900 || auto_used[cd->col] || j->col_used[cd->col] == 2 ||
            j->slot[cd->field] < 0)
            continue;
        const import_field *won = &j->fields[j->slot[cd->field]];
        if (feeds_related_label(j, won, cd->col))
            continue; /* Product ID is the product, Product Name its name */
        if (won->score >= 1 && won->score < 900)
            rc = emb_err_set(err, EMB_USAGE,
                             _("columns '%s' and '%s' both match field '%s'; choose one with --map %s=COLUMN, or "
                               "leave the field out with --map %s="),
                             won->label, j->cols[cd->col], j->kind->fields[cd->field].name,
                             j->kind->fields[cd->field].name, j->kind->fields[cd->field].name);
    }
    free(cands);
    free(auto_used);
    return rc;
}

/* A sheet of reps and their managers (agent, manager, office) names no team: each
 * manager's team takes the manager's name, read from the manager's column. */
static void name_teams_after_managers(import_job *j)
{
    if (strcmp(j->kind->name, "teams") != 0)
        return;
    int iname = kind_field_index(j->kind, "name"), iman = kind_field_index(j->kind, "manager");
    if (j->slot[iname] >= 0 || j->excluded[iname] || j->slot[iman] < 0)
        return;
    const import_field *man = &j->fields[j->slot[iman]];
    if (!man->ncols)
        return;
    import_field copy = *man;
    import_field *name = add_field(j, iname);
    memcpy(name->cols, copy.cols, sizeof name->cols);
    name->ncols = copy.ncols;
    name->label = arena_printf(&j->perm, _("%s (each team is named after its manager)"), copy.label);
}

/* "name, syn1, syn2 ..." in a. */
static const char *headers_of(arena *a, const field_def *f)
{
    if (!f->synonyms)
        return f->name;
    size_t n = strlen(f->name) + 2 * strlen(f->synonyms) + 3, k = 0;
    char *s = arena_alloc(a, n);
    if (!s)
        return f->name;
    k = (size_t)snprintf(s, n, "%s, ", f->name);
    for (const char *p = f->synonyms; *p; p++) {
        if (*p == '|') {
            s[k++] = ',';
            s[k++] = ' ';
        } else {
            s[k++] = *p;
        }
    }
    s[k] = '\0';
    return s;
}

static int cmp_priority(const void *a, const void *b)
{
    const import_field *x = a, *y = b;
    return x->priority - y->priority;
}

emb_code import_map_build(import_job *j, emb_err *err)
{
    const kind_def *k = j->kind;
    j->fields = arena_calloc(&j->perm, k->nfields, sizeof *j->fields);
    j->slot = arena_alloc(&j->perm, k->nfields * sizeof *j->slot);
    j->col_used = arena_calloc(&j->perm, j->ncols + 1, sizeof *j->col_used);
    j->excluded = arena_calloc(&j->perm, k->nfields, sizeof *j->excluded);
    if (!j->fields || !j->slot || !j->col_used || !j->excluded)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    for (size_t i = 0; i < k->nfields; i++)
        j->slot[i] = -1;
    if (apply_maps(j, err) || duplicate_headers(j, err) || auto_match(j, err))
        return err->code;
    name_teams_after_managers(j);
    for (size_t i = 0; i < j->nfields; i++)
        if (!j->fields[i].ncols)
            j->fields[i].label =
                arena_printf(&j->perm, "%s %s", j->fields[i].set ? "--set" : "--default", j->fields[i].f->name);
    return import_map_finish(j, err);
}

emb_code import_note_left_out(import_job *j, int col, int field, const char *why)
{
    if (!j->col_why) {
        j->col_why = arena_calloc(&j->perm, j->ncols + 1, sizeof *j->col_why);
        j->col_field = arena_calloc(&j->perm, j->ncols + 1, sizeof *j->col_field);
        if (!j->col_why || !j->col_field)
            return EMB_NOMEM;
    }
    j->col_why[col] = why;
    j->col_field[col] = field;
    return EMB_OK;
}

emb_code import_map_finish(import_job *j, emb_err *err)
{
    const kind_def *k = j->kind;
    /* Every required field needs a column, a --set or --default value or a default. */
    for (size_t i = 0; i < k->nfields; i++) {
        const field_def *f = &k->fields[i];
        if (!(f->flags & FF_REQUIRED) || !importable(f) || !f->column || j->slot[i] >= 0)
            continue;
        if (import_field_default(k, f) &&
            !(!strcmp(k->name, "expenses") && kind_field_index(k, "period") >= 0 &&
              j->slot[kind_field_index(k, "period")] < 0))
            continue;
        for (size_t c = 0; j->col_why && c < j->ncols; c++)
            if (j->col_why[c] && j->col_field[c] == (int)i)
                return emb_err_set(err, EMB_USAGE,
                                   _("%s need field '%s'; column '%s' was left out: %s; name the column that holds "
                                     "it with --map %s=COLUMN or give a value with --default %s=VALUE"),
                                   k->name, f->name, j->cols[c], j->col_why[c], f->name, f->name);
        return emb_err_set(err, EMB_USAGE,
                           _("%s need field '%s' but no column matches it (headers accepted: %s); name the column "
                             "with --map %s=COLUMN or give a value with --default %s=VALUE"),
                           k->name, f->name, headers_of(&j->perm, f), f->name, f->name);
    }
    if (import_rules_check_mapping(j, err))
        return err->code;

    /* Processing order, then the slot index again. */
    qsort(j->fields, j->nfields, sizeof *j->fields, cmp_priority);
    for (size_t i = 0; i < j->nfields; i++) {
        j->slot[j->fields[i].idx] = (int)i;
        for (size_t v = 0; v < j->nvalue_maps; v++)
            if (j->value_maps[v].idx == j->fields[i].idx)
                j->fields[i].has_value_maps = 1;
    }

    if (import_related_build(j, err))
        return err->code;

    /* The summary's view of the mapping. */
    import_summary *s = j->sum;
    s->mapping = arena_alloc(&s->arena, (j->nfields + k->nfields + 1) * sizeof *s->mapping);
    s->ignored = arena_alloc(&s->arena, (j->ncols + 1) * sizeof *s->ignored);
    s->left_out = arena_alloc(&s->arena, (j->ncols + 1) * sizeof *s->left_out);
    s->left_out_why = arena_alloc(&s->arena, (j->ncols + 1) * sizeof *s->left_out_why);
    s->left_out_by_values = arena_calloc(&s->arena, j->ncols + 1, sizeof *s->left_out_by_values);
    if (!s->mapping || !s->ignored || !s->left_out || !s->left_out_why || !s->left_out_by_values)
        return emb_err_set(err, EMB_NOMEM, _("out of memory"));
    s->nmapping = s->nignored = s->nleft_out = 0;
    for (size_t i = 0; i < j->nfields; i++) {
        const import_field *fld = &j->fields[i];
        const char *line;
        if (fld->set)
            line = arena_printf(&s->arena, "%s = %s (--set)", fld->f->name, fld->set);
        else if (fld->ncols && fld->dflt)
            line = arena_printf(&s->arena, _("%s <- %s (empty cells: %s)"), fld->f->name, fld->label, fld->dflt);
        else if (fld->ncols)
            line = arena_printf(&s->arena, "%s <- %s", fld->f->name, fld->label);
        else
            line = arena_printf(&s->arena, "%s = %s (--default)", fld->f->name, fld->dflt);
        if (line)
            s->mapping[s->nmapping++] = line;
    }
    /* Defaults that decide a number (when a deal or lead was created: deals_created,
     * leads_created, cycle times; in what currency an amount is) are named, so a file
     * without that column is not taken silently. */
    int created_counts = !strcmp(k->name, "deals") || !strcmp(k->name, "leads");
    for (size_t i = 0; i < k->nfields; i++) {
        const field_def *f = &k->fields[i];
        if (j->slot[i] >= 0 || !(f->flags & FF_REQUIRED) || !importable(f) || !f->column ||
            !((created_counts && !strcmp(f->name, "created")) || f->type == FT_CURRENCY) ||
            !import_field_default(k, f))
            continue;
        const char *line = arena_printf(&s->arena, _("%s = %s (no column gives it: --map %s=COLUMN)"), f->name,
                                        import_field_default(k, f), f->name);
        if (line)
            s->mapping[s->nmapping++] = line;
    }
    j->summary_main_lines = s->nmapping;
    for (size_t c = 0; c < j->ncols; c++) {
        if (j->col_used[c])
            continue;
        const char *why = j->col_why && j->col_why[c] ? j->col_why[c] : _("no field has this name or header");
        s->left_out_by_values[s->nleft_out] = j->col_why && j->col_why[c];
        s->left_out[s->nleft_out] = arena_strdup(&s->arena, j->cols[c]);
        s->left_out_why[s->nleft_out++] = arena_strdup(&s->arena, why);
        if (!j->col_why || !j->col_why[c])
            s->ignored[s->nignored++] = arena_strdup(&s->arena, j->cols[c]);
    }
    return import_related_summary(j, err);
}

/* ---- cells ------------------------------------------------------------------------ */

static const char *trimmed(arena *a, const char *s, size_t len)
{
    size_t b = 0;
    while (b < len && isspace((unsigned char)s[b]))
        b++;
    while (len > b && isspace((unsigned char)s[len - 1]))
        len--;
    if (b == 0 && s[len] == '\0')
        return s;
    return arena_strndup(a, s + b, len - b);
}

const char *import_cell(const import_field *fld, const csv_row *row, arena *a)
{
    if (fld->set)
        return fld->set;
    const char *text = "";
    if (fld->ncols == 1) {
        int c = fld->cols[0];
        if ((size_t)c < row->n)
            text = trimmed(a, row->field[c], row->len[c]);
    } else if (fld->ncols > 1) {
        size_t total = 0;
        for (int i = 0; i < fld->ncols; i++)
            if ((size_t)fld->cols[i] < row->n)
                total += row->len[fld->cols[i]] + 1;
        char *buf = arena_alloc(a, total + 1);
        if (!buf)
            return NULL;
        size_t n = 0;
        for (int i = 0; i < fld->ncols; i++) {
            int c = fld->cols[i];
            if ((size_t)c >= row->n)
                continue;
            const char *t = trimmed(a, row->field[c], row->len[c]);
            if (!t)
                return NULL;
            if (!*t)
                continue;
            if (n)
                buf[n++] = ' ';
            size_t tl = strlen(t);
            memcpy(buf + n, t, tl);
            n += tl;
        }
        buf[n] = '\0';
        text = buf;
    }
    if (text && !*text && fld->dflt)
        text = fld->dflt;
    return text;
}

/* ---- defaults and --fields ------------------------------------------------------- */

const char *import_field_default(const kind_def *kind, const field_def *f)
{
    const char *k = kind->name, *n = f->name;
    if (!strcmp(n, "created"))
        return _("the time of the import");
    if (f->type == FT_CURRENCY && strcmp(k, "rates") != 0)
        return _("the organisation's currency");
    if (!strcmp(n, "pipeline"))
        return _("the default pipeline");
    if (!strcmp(k, "deals") && !strcmp(n, "title"))
        return _("\"ACCOUNT – PRODUCT\", or the id");
    if (!strcmp(k, "goals") && !strcmp(n, "scope"))
        return _("rep when a rep is given, team when a team is given, else org");
    if ((!strcmp(k, "goals") || !strcmp(k, "expenses")) && (!strcmp(n, "from") || !strcmp(n, "to")))
        return _("from the period");
    if (!strcmp(k, "users") && !strcmp(n, "role"))
        return "rep";
    if (!strcmp(n, "active"))
        return "1";
    if (!strcmp(k, "leads") && !strcmp(n, "status"))
        return "new";
    if (!strcmp(n, "discount") || !strcmp(n, "cold"))
        return "0";
    if (!strcmp(k, "order_lines") && !strcmp(n, "amount"))
        return _("quantity x unit_price x (1 - discount)");
    if (!strcmp(k, "order_lines") && !strcmp(n, "total_cost"))
        return _("quantity x cost, or amount - profit");
    return NULL;
}

/* Writes s and spaces up to width characters (UTF-8 code points), and one more. */
static void put_cell(FILE *out, const char *s, int width)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    fprintf(out, "%s%*s", s, width > n ? width - n + 1 : 1, "");
}

static int chars_of(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *required_text(const kind_def *kind, const field_def *f)
{
    if (!(f->flags & FF_REQUIRED))
        return _("no");
    return import_field_default(kind, f) ? _("default") : _("yes");
}

void import_print_fields(const kind_def *kind, int json, FILE *out)
{
    arena a;
    arena_init(&a, 0);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < kind->nfields; i++) {
            const field_def *f = &kind->fields[i];
            if (!importable(f))
                continue;
            json_t *o = json_pack("{s:s, s:s, s:b, s:s}", "name", f->name, "type", field_type_name(f->type),
                                  "required", (f->flags & FF_REQUIRED) && !import_field_default(kind, f), "help",
                                  f->help ? f->help : "");
            json_t *hdrs = json_array();
            json_array_append_new(hdrs, json_string(f->name));
            if (f->synonyms) {
                char *syn = arena_strdup(&a, f->synonyms);
                for (char *p = syn, *bar; p; p = bar) {
                    bar = strchr(p, '|');
                    if (bar)
                        *bar++ = '\0';
                    json_array_append_new(hdrs, json_string(p));
                }
            }
            json_object_set_new(o, "headers", hdrs);
            const char *def = import_field_default(kind, f);
            json_object_set_new(o, "default", def ? json_string(def) : json_null());
            if (f->type == FT_REF)
                json_object_set_new(o, "references", json_string(f->ref));
            if (f->values) {
                json_t *vals = json_array();
                for (const char *const *v = f->values; *v; v++)
                    json_array_append_new(vals, json_string(*v));
                json_object_set_new(o, "values", vals);
            }
            json_array_append_new(arr, o);
        }
        char *text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (text)
            fprintf(out, "%s\n", text);
        free(text);
        json_decref(arr);
    } else {
        /* The REQUIRED column is as wide as its words in the language (at least 9). */
        int wreq = 9;
        const char *words[] = {_("REQUIRED"), _("no"), _("default"), _("yes")};
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (chars_of(words[i]) > wreq)
                wreq = chars_of(words[i]);
        fprintf(out, "%s: %s\n\n%-18s %-14s ", kind->name, _(kind->help), _("FIELD"), _("TYPE"));
        put_cell(out, _("REQUIRED"), wreq);
        fprintf(out, "%s\n", _("DESCRIPTION / ACCEPTED HEADERS"));
        for (size_t i = 0; i < kind->nfields; i++) {
            const field_def *f = &kind->fields[i];
            if (!importable(f))
                continue;
            const char *type = f->type == FT_REF ? arena_printf(&a, "-> %s", f->ref) : field_type_name(f->type);
            fprintf(out, "%-18s %-14s ", f->name, type);
            put_cell(out, required_text(kind, f), wreq);
            fprintf(out, "%s\n", f->help ? _(f->help) : "");
            if (f->values) {
                fprintf(out, "%*s%s", 35 + wreq, "", _("values:"));
                for (const char *const *v = f->values; *v; v++)
                    fprintf(out, " %s", *v);
                fputc('\n', out);
            }
            const char *def = import_field_default(kind, f);
            if (def)
                fprintf(out, "%*s%s %s\n", 35 + wreq, "", _("default:"), def);
            fprintf(out, "%*s%s %s\n", 35 + wreq, "", _("headers:"), headers_of(&a, f));
        }
        fprintf(out, "\n%s\n",
                _("Headers match ignoring case, spaces, '_' and '-'; --map FIELD=COLUMN overrides them."));
    }
    arena_release(&a);
}
