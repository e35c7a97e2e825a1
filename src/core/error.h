/*
 * error.h - the one error type of Embudo.
 *
 * Every fallible function returns an emb_code (EMB_OK == 0) and, when it fails,
 * fills an emb_err supplied by the caller with the code and a message for people
 * (lowercase, no final stop, quoting the wrong value). The emb_err is owned by the
 * caller, usually on the stack; it holds no heap memory and needs no release.
 * Front-ends map a code to an exit status (emb_exit_status) or, later, an HTTP
 * status. Only broken invariants abort; nothing reachable from input exits.
 */
#ifndef EMB_ERROR_H
#define EMB_ERROR_H

#include <stddef.h>

/* X(name, exit status, http status, default message) */
#define EMB_ERRORS(X)                                                        \
    X(OK, 0, 200, "ok")                                                      \
    X(USAGE, 2, 400, "invalid usage")                                        \
    X(INVALID, 1, 422, "invalid value")                                      \
    X(NOT_FOUND, 1, 404, "not found")                                        \
    X(CONFLICT, 1, 409, "conflicts with existing data")                      \
    X(IO, 1, 500, "input/output error")                                      \
    X(DB, 1, 500, "database error")                                          \
    X(BUSY, 1, 503, "database is locked by another process")                 \
    X(READONLY, 1, 503, "database is read-only")                             \
    X(CORRUPT, 1, 500, "database file is corrupt or not a database")         \
    X(SCHEMA_NEWER, 1, 500, "database was written by a newer embudo")        \
    X(NOMEM, 1, 503, "out of memory")                                        \
    X(INTERNAL, 1, 500, "internal error")

typedef enum {
#define EMB_X(name, exit_status, http_status, msg) EMB_##name,
    EMB_ERRORS(EMB_X)
#undef EMB_X
        EMB__COUNT
} emb_code;

#define EMB_ERR_MSG_MAX 1024

/* What an invalid value is wrong about, set where the error is raised: callers
 * choose a hint from it (an importer's --decimal, --date-format ...), never from
 * the message's words, which are translated. */
typedef enum {
    EMB_WHY_NONE = 0,  /* nothing more to say */
    EMB_WHY_NUMBER,    /* a number that does not read (separators, text) */
    EMB_WHY_DATE,      /* a date or time that does not read */
    EMB_WHY_CHOICE     /* a value outside a field's list of choices */
} emb_why;

typedef struct {
    emb_code code;              /* EMB_OK when no error was recorded */
    emb_why why;                /* EMB_WHY_NONE unless the raiser said more */
    char msg[EMB_ERR_MSG_MAX];  /* NUL-terminated message, "" when none */
} emb_err;

/* Resets err to EMB_OK with an empty message. */
void emb_err_clear(emb_err *err);

/* Records code and a printf-style message in err (may be NULL) and returns code;
 * err->why becomes EMB_WHY_NONE. The format is already translated (_()). */
emb_code emb_err_set(emb_err *err, emb_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* emb_err_set that also records what the value is wrong about in err->why. */
emb_code emb_err_set_why(emb_err *err, emb_code code, emb_why why, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prefixes the existing message with a printf-style context, "context: message";
 * keeps err->why. */
emb_code emb_err_prefix(emb_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const char *emb_code_name(emb_code code);    /* "INVALID" */
const char *emb_code_message(emb_code code); /* default message */
int emb_exit_status(emb_code code);          /* 0, 1 or 2 */
int emb_http_status(emb_code code);          /* 200, 4xx, 5xx */

#endif
