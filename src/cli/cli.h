/*
 * cli.h - what every subcommand of the embudo CLI shares.
 *
 * Each subcommand lives in its own file src/cli/cmd_NAME.c and exports one const
 * cli_command descriptor, listed in src/cli/commands.c. The run function gets a
 * cli_ctx (owned by main, valid for the whole command) and its own arguments
 * (argv[0] is the command name) and returns an exit status: 0 ok, 1 failure,
 * 2 usage error. Commands print results to ctx->out and messages to ctx->err;
 * they never call exit().
 */
#ifndef EMB_CLI_H
#define EMB_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/exec.h"
#include "core/i18n.h"
#include "store/store.h"

typedef enum { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV } output_format;

typedef struct cli_ctx {
    const char *db_path;  /* --db, else $EMBUDO_DB, else ./embudo.db */
    output_format format; /* --format, default table */
    int format_given;     /* 1 when --format was on the command line */
    FILE *out;            /* results */
    FILE *err;            /* messages for people */
    int64_t now;          /* current time, Unix seconds UTC ($EMBUDO_NOW overrides, for tests) */
    int stdout_is_tty;    /* 1 when out is a terminal (progress bars, colours) */
    i18n_lang lang;       /* language of messages: --lang, else the organisation's
                           * locale once a database is open, else the environment */
    int lang_given;       /* 1 when --lang was on the command line */
    int columns;          /* width of the terminal for tables: $COLUMNS, else the
                           * terminal's when out is one; 0: no limit */
    const char *as_user;  /* the author of writes: --as EMAIL, else $EMBUDO_USER, else NULL
                             (the organisation's owner); see cli_author() */
    int as_given;         /* 1 when as_user came from --as */
    exec queries;         /* runs the families of a KPI query (engine.h): two threads a
                             query, the calling one and one more */
} cli_ctx;

typedef struct cli_command {
    const char *name;    /* as typed: "import", "deal" */
    const char *summary; /* one line for `embudo --help` */
    const char *usage;   /* the whole --help text */
    int (*run)(const struct cli_command *cmd, cli_ctx *ctx, int argc, char **argv);
    const char *kind;    /* for the generic record commands: the kind's plural name */
} cli_command;

/* The command table (commands.c), NULL-terminated, and lookup by name. */
extern const cli_command *const cli_commands[];
const cli_command *cli_find(const char *name);

/* Options every command accepts; append to a command's own getopt_long table with
 * CLI_COMMON_OPTIONS and handle with cli_common_option(). */
enum { OPT_DB = 1000, OPT_FORMAT, OPT_HELP, OPT_LANG, OPT_AS };
#define CLI_COMMON_OPTIONS                                                                   \
    {"db", required_argument, NULL, OPT_DB}, {"format", required_argument, NULL, OPT_FORMAT}, \
        {"lang", required_argument, NULL, OPT_LANG}, {"as", required_argument, NULL, OPT_AS},  \
        {"help", no_argument, NULL, 'h'}

/* Sets the language of messages from --lang VALUE (en or es) and marks it given;
 * -1 for another value. */
int cli_set_lang(cli_ctx *ctx, const char *value);

/* Handles a common option; returns 1 if handled, 0 if not common, -1 on a bad
 * value (message printed). For 'h' it prints cmd->usage and returns 1 and sets
 * *help_shown. */
int cli_common_option(const cli_command *cmd, cli_ctx *ctx, int opt, const char *arg, int *help_shown);

/* Starts parsing a command's options with getopt_long: from its first argument,
 * with getopt's own messages off (cli_option_error reports refused options). */
void cli_options_begin(void);
/* The usage error for the option getopt_long just refused, naming it as typed;
 * returns 2. */
int cli_option_error(cli_ctx *ctx, const cli_command *cmd, char **argv);

/* The author of the writes of this command (users.id): the user whose email is
 * ctx->as_user (--as, else $EMBUDO_USER), else the organisation's owner: its first
 * admin, else its first user; 0 while it has no user. EMB_USAGE naming the email
 * and where it came from when no user has it. */
emb_code cli_author(const cli_ctx *ctx, store *st, int64_t *author_id, emb_err *err);

/* Prints "embudo: error: MSG" and returns the exit status of err->code. */
int cli_fail(cli_ctx *ctx, const emb_err *err);
/* Prints a usage error naming the command and returns 2. */
int cli_usage_error(cli_ctx *ctx, const cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a whole number for an option: decimal digits with an optional sign, nothing
 * else, within lo..hi. 0, or -1 when s is not such a number. */
int cli_parse_int(const char *s, long long lo, long long hi, long long *out);

/* Opens ctx->db_path with flags (store.h); prints the error and returns its exit
 * status (non-zero) on failure. Without --lang, messages follow the organisation's
 * locale from then on. */
int cli_open_store(cli_ctx *ctx, unsigned flags, store **out);

/* Without --lang, makes messages follow an organisation's locale ("en", "es"). */
void cli_follow_locale(cli_ctx *ctx, const char *locale);
/* Without --lang, makes messages follow the locale of the organisation in
 * ctx->db_path when it is a regular file that holds one (read-only, nothing
 * created; any failure leaves the language as it is), so that usage errors and
 * help before a command opens the store speak the organisation's language. */
void cli_peek_org_locale(cli_ctx *ctx);
/* The same for the database a command's arguments name (argv[0..argc), the words
 * after the command): the last `--db PATH` or `--db=PATH` before any "--", else
 * ctx->db_path; ctx->db_path is left as it is (the command parses --db itself). */
void cli_peek_org_locale_args(cli_ctx *ctx, int argc, char **argv);

/* Parses "2026-07-14" or "2026-07-14T10:00:00Z" style instants for options
 * (strict ISO 8601, UTC unless an offset is given). */
int cli_parse_instant(const char *s, int64_t *out);

#endif
