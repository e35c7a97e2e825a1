/*
 * record_body.h - the JSON body of a record write (POST /api/v1/KIND, PATCH
 * /api/v1/KIND/{id}) to the field values of io/record_text.h: an object of field
 * name -> value, where a string is text in the forms the CLI accepts, a number is
 * a numeric field's value (read with a decimal point whatever the organisation's
 * separator), true/false a yes/no field's, and null clears the field.
 *
 * Refused, each with the field it is about: a name that is no field of the kind
 * or a computed one, a value of the wrong JSON type (an object or array, a number
 * for a text field, a boolean for a non-boolean one). Refused as a whole: a body
 * that is not JSON (invalid UTF-8, a NUL, duplicate names, nesting deeper than
 * RECORD_BODY_DEPTH), or not an object, or an empty one.
 *
 * Ownership: everything record_body_parse() writes to *out (names, texts,
 * messages) lives in the arena it is given. No store is read: it is safe to fuzz.
 */
#ifndef EMB_HTTP_RECORD_BODY_H
#define EMB_HTTP_RECORD_BODY_H

#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "io/record_text.h"

enum {
    RECORD_BODY_FIELDS = 64, /* at most this many fields; the kinds have fewer */
    RECORD_BODY_ERRORS = 16, /* field errors reported at once */
    RECORD_BODY_DEPTH = 16,  /* nesting of arrays and objects read at all */
};

typedef struct {
    rtext_arg args[RECORD_BODY_FIELDS];
    size_t nargs;
    const char *problem; /* the body as a whole is wrong: why, else NULL */
    const char *err_field[RECORD_BODY_ERRORS];
    const char *err_msg[RECORD_BODY_ERRORS];
    int nerr;
} record_body;

/* Reads body (len bytes) as a write to a record of kind: EMB_OK with out->args, or
 * EMB_USAGE with out->problem or out->err_field/err_msg set (EMB_NOMEM when out of
 * memory). */
emb_code record_body_parse(const kind_def *kind, const char *body, size_t len, arena *a, record_body *out);

#endif
