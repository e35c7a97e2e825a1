/* list_cursor.c - a list page's keyset cursor; see list_cursor.h. */
#include "http/list_cursor.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

enum { CURSOR_MAX = 2048 };

const char *list_cursor_encode(const store_query *q, const record *r, arena *a)
{
    json_t *value = json_null();
    if (q->sort_field >= 0 && r->v[q->sort_field].state == FV_SET)
        value = field_is_text(&r->kind->fields[q->sort_field]) ? json_string(r->v[q->sort_field].s)
                                                                : json_integer(r->v[q->sort_field].i);
    json_t *c = json_pack("[i, b, I, o]", q->sort_field, q->descending, (json_int_t)r->id, value);
    char *text = c ? json_dumps(c, JSON_COMPACT) : NULL;
    json_decref(c);
    if (!text)
        return NULL;
    size_t len = strlen(text), size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *b64 = arena_alloc(a, size);
    if (b64)
        sodium_bin2base64(b64, size, (const unsigned char *)text, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(text);
    return b64;
}

int list_cursor_decode(const char *text, const kind_def *kind, store_query *q, arena *a)
{
    unsigned char raw[CURSOR_MAX];
    size_t len;
    if (sodium_base642bin(raw, sizeof raw, text, strlen(text), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    json_t *c = json_loadb((const char *)raw, len, 0, NULL);
    json_t *field = json_array_get(c, 0), *desc = json_array_get(c, 1), *id = json_array_get(c, 2),
           *value = json_array_get(c, 3);
    int ok = json_is_array(c) && json_array_size(c) == 4 && json_is_integer(field) && json_is_boolean(desc) &&
             json_is_integer(id) && json_integer_value(field) == q->sort_field &&
             json_is_true(desc) == (q->descending != 0);
    field_value after = {FV_NULL, 0, NULL};
    if (ok && q->sort_field >= 0) {
        const field_def *f = &kind->fields[q->sort_field];
        if (json_is_null(value))
            after = (field_value){FV_NULL, 0, NULL};
        else if (field_is_text(f) && json_is_string(value))
            after = (field_value){FV_SET, 0, arena_strdup(a, json_string_value(value))};
        else if (!field_is_text(f) && json_is_integer(value))
            after = (field_value){FV_SET, json_integer_value(value), NULL};
        else
            ok = 0;
        if (ok && after.state == FV_SET && field_is_text(f) && !after.s)
            ok = 0;
    }
    if (ok) {
        q->after = 1;
        q->after_value = after;
        q->after_id = json_integer_value(id);
    }
    json_decref(c);
    return ok ? 0 : -1;
}
