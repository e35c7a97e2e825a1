/* import_params.c - an import's options from key/value texts; see import_params.h. */
#include "io/import_params.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/charset.h"

typedef enum { P_PAIRS, P_TEXT, P_DECIMAL, P_ENCODING, P_FLAG } param_type;

/* The keys, in the order messages list them. */
static const struct {
    const char *key;    /* canonical, as a query parameter */
    const char *option; /* as the CLI's option */
    param_type type;
} keys[] = {
    {"map", "--map", P_PAIRS},
    {"set", "--set", P_PAIRS},
    {"default", "--default", P_PAIRS},
    {"stage_map", "--stage-map", P_PAIRS},
    {"create_stages", "--create-stages", P_TEXT},
    {"value_map", "--value-map", P_PAIRS},
    {"date_format", "--date-format", P_TEXT},
    {"decimal", "--decimal", P_DECIMAL},
    {"encoding", "--encoding", P_ENCODING},
    {"create_missing", "--create-missing", P_FLAG},
    {"last_wins", "--last-wins", P_FLAG},
    {"dry_run", "--dry-run", P_FLAG},
};
enum { NKEYS = sizeof keys / sizeof keys[0] };

void import_params_init(import_params *p, import_opts *o, arena *a, int options)
{
    *p = (import_params){.o = o, .a = a, .options = options};
}

void import_params_release(import_params *p)
{
    free(p->maps);
    free(p->sets);
    free(p->defaults);
    free(p->stage_maps);
    free(p->value_maps);
    p->maps = p->sets = p->defaults = p->stage_maps = p->value_maps = NULL;
}

const char *import_params_keys(const import_params *p)
{
    return p->options ? "--map, --set, --default, --stage-map, --create-stages, --value-map, --date-format, "
                        "--decimal, --encoding, --create-missing, --last-wins, --dry-run"
                      : "map, set, default, stage_map, create_stages, value_map, date_format, decimal, encoding, "
                        "create_missing, last_wins, dry_run";
}

/* The pair list of key i and its count in the opts. */
static void pair_slots(import_params *p, const char *key, import_pair ***list, size_t **n)
{
    import_opts *o = p->o;
    if (!strcmp(key, "map"))
        *list = &p->maps, *n = &o->nmaps;
    else if (!strcmp(key, "set"))
        *list = &p->sets, *n = &o->nsets;
    else if (!strcmp(key, "default"))
        *list = &p->defaults, *n = &o->ndefaults;
    else if (!strcmp(key, "stage_map"))
        *list = &p->stage_maps, *n = &o->nstage_maps;
    else
        *list = &p->value_maps, *n = &o->nvalue_maps;
}

emb_code import_params_set(import_params *p, const char *key, const char *value, emb_err *err)
{
    int i = 0;
    while (i < NKEYS && strcmp(keys[i].key, key))
        i++;
    if (i == NKEYS) {
        p->bad_key = "";
        return emb_err_set(err, EMB_USAGE, _("unknown parameter '%s'; accepted: %s"), key, import_params_keys(p));
    }
    const char *name = p->options ? keys[i].option : keys[i].key;
    import_opts *o = p->o;
    p->bad_key = keys[i].key;
    if (!value)
        value = "";
    switch (keys[i].type) {
    case P_PAIRS: {
        import_pair **list;
        size_t *n;
        pair_slots(p, keys[i].key, &list, &n);
        size_t first = *n;
        if (import_parse_pairs(name, value, p->a, list, n, err))
            return err->code;
        for (size_t k = first; !p->options && list == &p->value_maps && k < *n; k++)
            if (!strchr((*list)[k].name, ':')) {
                *n = first; /* the value adds nothing */
                return emb_err_set(err, EMB_USAGE,
                                   _("%s '%s': a lookup file (FIELD=FILE:KEY_COLUMN:VALUE_COLUMN) is read only by "
                                     "`embudo import` on its own machine; give the pairs as FIELD:FROM=TO"),
                                   name, value);
            }
        o->maps = p->maps;
        o->sets = p->sets;
        o->defaults = p->defaults;
        o->stage_maps = p->stage_maps;
        o->value_maps = p->value_maps;
        break;
    }
    case P_TEXT:
        if (!strcmp(keys[i].key, "date_format"))
            o->date_format = value;
        else
            o->create_stages = value;
        break;
    case P_DECIMAL:
        if (!strcmp(value, "point") || !strcmp(value, "dot"))
            o->numbers = NUM_DOT;
        else if (!strcmp(value, "comma"))
            o->numbers = NUM_COMMA;
        else
            return emb_err_set(err, EMB_USAGE, _("%s '%s': use point (1,234.56) or comma (1.234,56)"), name, value);
        break;
    case P_ENCODING:
        if (charset_parse(value, &o->limits.encoding))
            return emb_err_set(err, EMB_USAGE, _("%s '%s': use %s"), name, value, CHARSET_OPTION_NAMES);
        break;
    case P_FLAG: {
        int on;
        if (!*value || !strcmp(value, "true") || !strcmp(value, "1"))
            on = 1;
        else if (!strcmp(value, "false") || !strcmp(value, "0"))
            on = 0;
        else
            return emb_err_set(err, EMB_USAGE, _("%s '%s' must be true or false"), name, value);
        if (!strcmp(keys[i].key, "create_missing"))
            o->create_missing = on;
        else if (!strcmp(keys[i].key, "last_wins"))
            o->last_wins = on;
        else
            o->dry_run = on;
        break;
    }
    }
    p->bad_key = NULL;
    return EMB_OK;
}
