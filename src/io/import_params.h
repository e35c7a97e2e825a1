/*
 * import_params.h - the options of an import as key/value texts (the options of
 * `embudo import`, the query parameters of POST /api/v1/import/{kind}) read into
 * an import_opts. The CLI and the server call these; neither calls the other.
 *
 * Keys are canonical names with '_' (map, set, default, stage_map, create_stages,
 * value_map, date_format, decimal, encoding, create_missing, last_wins, dry_run);
 * messages name them as options (--stage-map) or as parameters (stage_map) as
 * import_params.options says, and bad_key names the key at fault. The lists (map,
 * set, default, stage_map, value_map) may be given again and add to what was
 * given; the others take the last value. Flags take true, false, 1, 0, or an
 * empty value for true. Read as parameters (options 0: a request), a value_map
 * that names a lookup file is refused: the server's files are not the client's.
 *
 * Ownership: import_params_init() binds the params to the caller's import_opts
 * and arena; the pairs' texts are copied into the arena, the pair arrays are
 * malloc'd and pointed to by the opts, and import_params_release() frees them
 * (the opts must not be used for an import after that). Other texts (a date
 * format, create_stages) point to the caller's value strings, which must outlive
 * the import.
 */
#ifndef EMB_IMPORT_PARAMS_H
#define EMB_IMPORT_PARAMS_H

#include "core/arena.h"
#include "core/error.h"
#include "io/import.h"

typedef struct {
    import_opts *o;
    arena *a;
    int options;         /* 1: keys named as options in messages (--stage-map), else as parameters (stage_map) */
    const char *bad_key; /* set on an error: the key at fault, by its canonical name */
    import_pair *maps, *sets, *defaults, *stage_maps, *value_maps; /* malloc'd; o points to them */
} import_params;

void import_params_init(import_params *p, import_opts *o, arena *a, int options);

/* Applies key=value to the opts. EMB_USAGE naming the key and the value for a
 * value that does not read (a malformed FIELD=VALUE list, a decimal separator
 * other than point or comma, an unknown encoding, a flag that is not true or
 * false) and for an unknown key (listing the accepted ones); EMB_NOMEM. */
emb_code import_params_set(import_params *p, const char *key, const char *value, emb_err *err);

/* The keys accepted, comma-separated, as p's messages name them. */
const char *import_params_keys(const import_params *p);

void import_params_release(import_params *p);

#endif
