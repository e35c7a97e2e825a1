/*
 * record_cli.h - internals shared by the files of the generic record commands
 * (`embudo KIND add|list|show|update|delete`): cmd_record.c (descriptors, argument
 * parsing, the five actions), record_input.c (the store and organisation opened
 * for a command; text given on the command line to records and filters, read by
 * io/record_text.h) and record_print.c (records to the output formats).
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
#include "io/record_text.h"
#include "store/query.h"
#include "store/records.h"
#include "store/store.h"

typedef struct {
    const cli_command *cmd;
    cli_ctx *ctx;
    const kind_def *kind;
    store *st;
    rtext_org org; /* the organisation's zone, calendar, currency, dates and numbers */
    arena a;
    emb_err err;
} rec_env;

/* One --FIELD VALUE given on the command line. */
typedef rtext_arg field_arg;

/* Opens the store (read-only when readonly) and the organisation's zone; prints the
 * error and returns the exit status on failure, else 0. */
int rec_env_open(rec_env *env, int readonly);
void rec_env_close(rec_env *env);
/* Prints env->err and returns its exit status. */
int rec_fail(rec_env *env);

/* The field of the kind named by an option or --where name: rtext_field_by_name. */
#define rec_field_by_name rtext_field_by_name
/* True for fields accepted as input (add, update): rtext_field_settable. */
#define rec_field_settable rtext_field_settable
/* "id, title, account, ..." of the settable fields (stored == 0) or of the fields
 * list can filter and sort on (stored == 1), in env->a. */
const char *rec_field_list(rec_env *env, int stored);

/* The calls of io/record_text.h on the command's store, kind and organisation,
 * with the hints of failed lookups naming CLI commands. */
/* Resolves the record a command acts on: rtext_resolve. */
emb_code rec_resolve(rec_env *env, const char *key, int64_t *id);

/* Fills r (a new record for add, or the changes for update with `before` the
 * stored record) from the field arguments: rtext_fill. */
emb_code rec_fill(rec_env *env, const field_arg *args, size_t nargs, const record *before, record *r);

/* Parses --where text into conditions appended to conds: rtext_parse_where. */
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
