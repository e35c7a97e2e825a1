/* main.c - embudo's entry point: global options, then the subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static void print_help(FILE *out)
{
    fputs("usage: embudo [--db PATH] COMMAND [ARGS...]\n\n"
          "Embudo: sales tracking. Commands:\n",
          out);
    for (const cli_command *const *c = cli_commands; *c; c++)
        fprintf(out, "  %-12s %s\n", (*c)->name, (*c)->summary);
    fputs("\nEvery command takes --help, --db PATH (or $EMBUDO_DB; default ./embudo.db)\n"
          "and, where it prints data, --format table|json|csv.\n"
          "Exit status: 0 ok, 1 failure, 2 usage error.\n",
          out);
}

int main(int argc, char **argv)
{
    cli_ctx ctx = {
        .db_path = getenv("EMBUDO_DB") && *getenv("EMBUDO_DB") ? getenv("EMBUDO_DB") : "embudo.db",
        .format = FORMAT_TABLE,
        .out = stdout,
        .err = stderr,
        .now = (int64_t)time(NULL),
        .stdout_is_tty = isatty(STDOUT_FILENO),
    };
    const char *now = getenv("EMBUDO_NOW");
    if (now && *now && cli_parse_instant(now, &ctx.now) != 0) {
        fprintf(stderr, "embudo: EMBUDO_NOW '%s' is not an ISO date-time such as 2026-01-31T12:00:00Z\n", now);
        return 2;
    }
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            print_help(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("embudo 0.1.0\n");
            return 0;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            ctx.db_path = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            ctx.db_path = argv[i] + 5;
        } else {
            fprintf(stderr, "embudo: unknown option '%s'\n(see `embudo --help`)\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return 2;
    }
    const cli_command *cmd = cli_find(argv[i]);
    if (!cmd) {
        fprintf(stderr, "embudo: unknown command '%s'\n(see `embudo --help` for the list)\n", argv[i]);
        return 2;
    }
    int status = cmd->run(cmd, &ctx, argc - i, argv + i);
    if (fflush(stdout) != 0 && status == 0) {
        fprintf(stderr, "embudo: error: cannot write output\n");
        status = 1;
    }
    return status;
}
