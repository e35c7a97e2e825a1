/* error.c - messages and status mappings of the emb_code table in error.h. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int exit_status;
    int http_status;
    const char *message;
} code_table[] = {
#define EMB_X(name, exit_status, http_status, msg) {#name, exit_status, http_status, msg},
    EMB_ERRORS(EMB_X)
#undef EMB_X
};

void emb_err_clear(emb_err *err)
{
    if (!err)
        return;
    err->code = EMB_OK;
    err->why = EMB_WHY_NONE;
    err->msg[0] = '\0';
}

emb_code emb_err_set(emb_err *err, emb_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->why = EMB_WHY_NONE;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

emb_code emb_err_set_why(emb_err *err, emb_code code, emb_why why, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->why = why;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

emb_code emb_err_prefix(emb_err *err, const char *fmt, ...)
{
    if (!err)
        return EMB_INTERNAL;
    char prefix[EMB_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[EMB_ERR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old[0] ? old : emb_code_message(err->code));
    return err->code;
}

static int valid(emb_code code) { return (unsigned)code < EMB__COUNT; }

const char *emb_code_name(emb_code code) { return valid(code) ? code_table[code].name : "INTERNAL"; }
const char *emb_code_message(emb_code code) { return valid(code) ? code_table[code].message : "internal error"; }
int emb_exit_status(emb_code code) { return valid(code) ? code_table[code].exit_status : 1; }
int emb_http_status(emb_code code) { return valid(code) ? code_table[code].http_status : 500; }
