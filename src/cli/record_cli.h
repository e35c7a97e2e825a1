/*
 * record_cli.h - internals shared by the files of the generic record commands
 * (`embudo KIND add|list|show|update|delete`): cmd_record.c (descriptors, argument
 * parsing, the five actions), record_input.c (text given on the command line to
 * records and filters) and record_print.c (records to the output formats).
 *
 * Ownership: a rec_env lives on the stack of one command run; rec_env_open() opens
 * the store and zone that rec_env_close() closes; everything else lives in env->a.
 */
#ifndef EMB_RECORD_CLI_H
#define EMB_RECORD_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/error.h"
#include "core/kind.h"
#include "core/period.h"
#include "core/tz.h"
#include "core/value.h"
#include "store/query.h"
#include "store/records.h"
#include "store/store.h"

typedef struct {
    const cli_command *cmd;
    cli_ctx *ctx;
    const kind_def *kind;
    store *st;
    tz *zone;
    period_calendar cal; /* the organisation's fiscal year and week start */
    parse_opts popts; /* the organisation's zone and currency, automatic dates and numbers */
    char decimal;     /* the organisation's decimal separator: ',' (locale es) or '.' */
    arena a;
    emb_err err;
} rec_env;

/* One --FIELD VALUE given on the command line. */
typedef struct {
    int field;        /* index in kind->fields */
    const char *text; /* as typed */
} field_arg;

/* Opens the store (read-only when readonly) and the organisation's zone; prints the
 * error and returns the exit status on failure, else 0. */
int rec_env_open(rec_env *env, int readonly);
void rec_env_close(rec_env *env);
/* Prints env->err and returns its exit status. */
int rec_fail(rec_env *env);

/* The field of the kind named by an option or --where name ("expected-close" and
 * "expected_close" both work), or -1. */
int rec_field_by_name(const kind_def *kind, const char *name, size_t len);
/* True for fields accepted as input (add, update). */
int rec_field_settable(const field_def *f);
/* "id, title, account, ..." of the settable fields (stored == 0) or of the fields
 * list can filter and sort on (stored == 1), in env->a. */
const char *rec_field_list(rec_env *env, int stored);

/* Resolves the record a command acts on, named by key (ext id, "#id",
 * name/title/email/sku; a bare number no record is named by is an id, as "#N": the
 * name wins); EMB_NOT_FOUND / EMB_CONFLICT with a message saying how to name it
 * otherwise. References in field values are not read this way. */
emb_code rec_resolve(rec_env *env, const char *key, int64_t *id);

/* Fills r (a new record for add, or the changes for update with `before` the
 * stored record) from the field arguments: values parsed, references resolved,
 * periods expanded to from/to. Messages name the field and quote the value. */
emb_code rec_fill(rec_env *env, const field_arg *args, size_t nargs, const record *before, record *r);

/* Parses --where text ("owner=ana@x.com,status=open,amount>=1.000,50") into
 * conditions appended to conds (capacity max). */
emb_code rec_parse_where(rec_env *env, const char *text, query_cond *conds, size_t max, size_t *n);

/* Prints records as a table or file format: columns are the FF_LIST fields, or
 * every shown field with all_fields. */
int rec_print_list(rec_env *env, const store_query *q, int all_fields, int64_t more_than);
/* Prints one record with every shown field; for a deal also its history and
 * products. */
int rec_print_show(rec_env *env, int64_t id);

/* `embudo user passwd` (cmd_user_passwd.c): argv[0] is "passwd". */
int cli_user_passwd(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

#endif
