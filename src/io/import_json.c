/* import_json.c - an import's summary and its errors as JSON (the CLI's --format json,
 * the API's answers); see import.h. */
#include <jansson.h>

#include "io/import.h"

struct json_t *import_summary_json(const import_opts *o, const import_summary *s)
{
    json_t *ign = json_array(), *map = json_array(), *errs = json_array(), *refs = json_object();
    json_t *left = json_array();
    for (size_t i = 0; i < s->nignored; i++)
        json_array_append_new(ign, json_string(s->ignored[i]));
    for (size_t i = 0; i < s->nleft_out; i++)
        json_array_append_new(left, json_pack("{s:s, s:s}", "column", s->left_out[i], "reason", s->left_out_why[i]));
    for (size_t i = 0; i < s->nmapping; i++)
        json_array_append_new(map, json_string(s->mapping[i]));
    for (size_t i = 0; i < s->nerrors; i++)
        json_array_append_new(errs, json_string(s->errors[i]));
    for (size_t i = 0; i < s->nrefs_created; i++)
        json_object_set_new(refs, s->refs_created[i].kind, json_integer(s->refs_created[i].count));
    json_t *j = json_pack("{s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:f, s:f}",
                          "kind", o->kind->name, "file", o->path, "dry_run", o->dry_run, "committed", s->committed,
                          "import", (json_int_t)s->import_id, "rows", (json_int_t)s->rows, "created",
                          (json_int_t)s->created, "updated", (json_int_t)s->updated, "unchanged",
                          (json_int_t)s->unchanged, "repeated", (json_int_t)s->repeated, "rejected",
                          (json_int_t)s->rejected, "columns", map, "ignored_columns", ign, "left_out", left,
                          "created_references", refs, "errors", errs, "seconds", s->seconds,
                          "rows_per_second", s->seconds > 0 ? (double)s->rows / s->seconds : 0.0);
    if (j && s->encoding)
        json_object_set_new(j, "encoding", json_string(s->encoding));
    if (j && s->dates_locale)
        json_object_set_new(j, "dates", json_pack("{s:s, s:s}", "order", s->dates_order == DATE_DMY ? "d/m/Y" : "m/d/Y",
                                                  "by_locale", s->dates_locale));
    return j;
}

struct json_t *import_error_items_json(const import_summary *s, const emb_err *err)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->nerrors; i++) {
        const import_error_item *e = &s->error_items[i];
        json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t)e->row, "rows",
                                           (json_int_t)e->rows, "field", e->field, "column", e->column, "value",
                                           e->value, "message", e->message));
    }
    if (a && !s->nerrors && err && err->msg[0]) /* the file as a whole: no row to name */
        json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t)0, "rows",
                                           (json_int_t)0, "field", "", "column", "", "value", "", "message",
                                           err->msg));
    return a;
}
