/* record_body.c - a record write's JSON body to field values; see record_body.h. */
#include "http/record_body.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "io/recfmt.h"

/* The deepest nesting of arrays and objects in text (outside strings). */
static int depth_of(const char *text, size_t len)
{
    int depth = 0, most = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > most)
                most = depth;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return most;
}

__attribute__((format(printf, 4, 5))) static void field_error(record_body *out, arena *a, const char *field,
                                                              const char *fmt, ...)
{
    if (out->nerr == RECORD_BODY_ERRORS)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *f = arena_strdup(a, field), *m = arena_strdup(a, msg);
    out->err_field[out->nerr] = f ? f : "";
    out->err_msg[out->nerr] = m ? m : "";
    out->nerr++;
}

/* A JSON number's text: integers exactly, others with the fewest digits that read
 * back the same. */
static const char *number_text(const json_t *v, arena *a)
{
    char buf[64];
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    } else {
        double d = json_real_value(v);
        for (int digits = 15; digits <= 17; digits++) {
            snprintf(buf, sizeof buf, "%.*g", digits, d);
            if (strtod(buf, NULL) == d)
                break;
        }
    }
    return arena_strdup(a, buf);
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return _("an object");
    case JSON_ARRAY: return _("an array");
    case JSON_STRING: return _("a string");
    case JSON_INTEGER:
    case JSON_REAL: return _("a number");
    case JSON_TRUE:
    case JSON_FALSE: return _("a boolean");
    default: return "null";
    }
}

emb_code record_body_parse(const kind_def *kind, const char *body, size_t len, arena *a, record_body *out)
{
    memset(out, 0, sizeof *out);
    if (depth_of(body, len) > RECORD_BODY_DEPTH) {
        out->problem = _("the body is nested too deeply; send one JSON object of field names and values");
        return EMB_USAGE;
    }
    json_error_t jerr;
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        char msg[320];
        snprintf(msg, sizeof msg, _("the body is not valid JSON (line %d, column %d: %s); send one JSON object of "
                                    "field names and values"),
                 jerr.line, jerr.column, jerr.text);
        out->problem = arena_strdup(a, msg);
        if (!out->problem)
            return EMB_NOMEM;
        return EMB_USAGE;
    }
    if (!json_is_object(o) || json_object_size(o) == 0) {
        out->problem = json_is_object(o) ? _("the body names no field; send the fields to set")
                                         : _("the body must be one JSON object of field names and values");
        json_decref(o);
        return EMB_USAGE;
    }
    const char *name;
    json_t *v;
    emb_code rc = EMB_OK;
    json_object_foreach(o, name, v)
    {
        int f = rtext_field_by_name(kind, name, strlen(name));
        if (f < 0 || strcmp(kind->fields[f].name, name) || !rtext_field_settable(&kind->fields[f])) {
            const char *list = rtext_field_list(kind, 0, a);
            if (f >= 0 && !strcmp(kind->fields[f].name, name))
                field_error(out, a, name, _("'%s' is computed and cannot be set; fields: %s"), name, list);
            else
                field_error(out, a, name, _("%s has no field '%s'; fields: %s"), kind->name, name, list);
            continue;
        }
        const field_def *fd = &kind->fields[f];
        int type = recfmt_json_type(fd); /* 1 number, 2 boolean, 0 text */
        const char *text = NULL;
        unsigned flags = 0;
        if (json_is_string(v)) {
            text = arena_strndup(a, json_string_value(v), json_string_length(v));
        } else if (json_is_null(v)) {
            text = "";
        } else if (json_is_number(v) && type == 1) {
            text = number_text(v, a);
            flags = RTEXT_ARG_POINT;
        } else if (json_is_boolean(v) && type == 2) {
            text = json_is_true(v) ? "true" : "false";
        } else {
            field_error(out, a, name, _("'%s' takes %s, not %s"), name,
                        type == 1 ? _("a number or a string") : type == 2 ? _("true, false or a string") : _("a string"),
                        json_type_name(v));
            continue;
        }
        if (!text) {
            rc = EMB_NOMEM;
            break;
        }
        if (out->nargs == RECORD_BODY_FIELDS) {
            field_error(out, a, name, _("too many fields"));
            break;
        }
        out->args[out->nargs++] = (rtext_arg){.field = f, .text = text, .flags = flags};
    }
    json_decref(o);
    if (rc)
        return rc;
    return out->nerr ? EMB_USAGE : EMB_OK;
}
