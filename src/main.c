/* main.c - embudo's entry point: global options, then the subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"

/* $COLUMNS when it is a whole number, else the terminal's width when stdout is
 * one, else 0 (no limit). */
static int terminal_columns(int is_tty)
{
    long long n;
    const char *env = getenv("COLUMNS");
    if (env && *env && !cli_parse_int(env, 1, 100000, &n))
        return (int)n;
    struct winsize ws;
    if (is_tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

static void print_help(FILE *out)
{
    fputs(_("usage: embudo [--db PATH] [--lang en|es] COMMAND [ARGS...]\n\n"
            "Embudo: sales tracking. Commands:\n"),
          out);
    for (const cli_command *const *c = cli_commands; *c; c++)
        fprintf(out, "  %-12s %s\n", (*c)->name, _((*c)->summary));
    fputs(_("\nEvery command takes --help, --db PATH (or $EMBUDO_DB; default ./embudo.db)\n"
            "and, where it prints data, --format table|json|csv.\n"
            "Messages are in the language of --lang en|es, else of the organisation's\n"
            "locale, else of LC_ALL, LC_MESSAGES or LANG.\n"
            "Exit status: 0 ok, 1 failure, 2 usage error.\n"),
          out);
    fputs(_("Writes record their author: --as EMAIL (before the command or after it), else\n"
            "$EMBUDO_USER, else the organisation's owner (its first admin, else its first user).\n"),
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
        .lang = i18n_lang_from_env(),
        .as_user = getenv("EMBUDO_USER") && *getenv("EMBUDO_USER") ? getenv("EMBUDO_USER") : NULL,
        .queries = exec_threads(2),
    };
    ctx.columns = terminal_columns(ctx.stdout_is_tty);
    i18n_use(ctx.lang);
    const char *now = getenv("EMBUDO_NOW");
    if (now && *now && cli_parse_instant(now, &ctx.now) != 0) {
        fprintf(stderr, _("embudo: EMBUDO_NOW '%s' is not an ISO date-time such as 2026-01-31T12:00:00Z\n"), now);
        return 2;
    }
    int i = 1, help = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            help = 1; /* printed once --db and --lang, before or after it, are known */
        } else if (!strcmp(argv[i], "--version")) {
            printf("embudo 0.1.0\n");
            return 0;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            ctx.db_path = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            ctx.db_path = argv[i] + 5;
        } else if (!strcmp(argv[i], "--as") && i + 1 < argc) {
            ctx.as_user = argv[++i];
            ctx.as_given = 1;
        } else if (!strncmp(argv[i], "--as=", 5)) {
            ctx.as_user = argv[i] + 5;
            ctx.as_given = 1;
        } else if (!strcmp(argv[i], "--lang") || !strncmp(argv[i], "--lang=", 7)) {
            const char *v = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < argc ? argv[++i] : "";
            if (cli_set_lang(&ctx, v)) {
                fprintf(stderr, _("embudo: unknown language '%s'; use en or es\n"), v);
                return 2;
            }
        } else {
            fprintf(stderr, _("embudo: unknown option '%s'\n(see `embudo --help`)\n"), argv[i]);
            return 2;
        }
    }
    if (help) {
        cli_peek_org_locale(&ctx);
        print_help(stdout);
        return 0;
    }
    /* the command's own --db, when given, names the database whose locale its help
     * and usage errors follow */
    cli_peek_org_locale_args(&ctx, i < argc ? argc - i - 1 : 0, argv + i + 1);
    if (i >= argc) {
        print_help(stderr);
        return 2;
    }
    const cli_command *cmd = cli_find(argv[i]);
    if (!cmd) {
        fprintf(stderr, _("embudo: unknown command '%s'\n(see `embudo --help` for the list)\n"), argv[i]);
        return 2;
    }
    int status = cmd->run(cmd, &ctx, argc - i, argv + i);
    if (fflush(stdout) != 0 && status == 0) {
        fputs(_("embudo: error: cannot write output\n"), stderr);
        status = 1;
    }
    return status;
}
