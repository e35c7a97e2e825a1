/* cmd_backup.c - `embudo backup FILE`: a consistent copy of the live database. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_backup = {
    .name = "backup",
    .summary = N_("copy the database to a file, safely while others write"),
    .usage = N_("usage: embudo backup FILE [--force]\n"
             "\n"
             "Copies the database (--db PATH, $EMBUDO_DB or ./embudo.db) to FILE with\n"
             "SQLite's online backup API: the copy is one consistent snapshot even while\n"
             "other embudo processes keep writing, and they are not blocked meanwhile.\n"
             "FILE is written whole or not at all (a temporary FILE.partial is renamed at\n"
             "the end). The copy is a normal embudo database: open it with --db FILE.\n"
             "\n"
             "  --force   replace FILE if it exists (never the database itself)\n"),
    .run = run,
};

/* True when a and b name the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"force", no_argument, NULL, 'f'},
        CLI_COMMON_OPTIONS,
        {0},
    };
    int help = 0, force = 0, opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "hf", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (opt == 'f')
            force = 1;
        else
            return cli_option_error(ctx, cmd, argv);
    }
    if (help)
        return 0;
    if (optind >= argc || !*argv[optind])
        return cli_usage_error(ctx, cmd, _("name the backup FILE"));
    if (argc - optind > 1)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind + 1]);
    const char *dest = argv[optind];
    if (same_file(dest, ctx->db_path))
        return cli_usage_error(ctx, cmd, _("'%s' is the database itself; name another file"), dest);
    struct stat sb;
    if (stat(dest, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return cli_usage_error(ctx, cmd, _("'%s' is a directory; name a file"), dest);
        if (!force)
            return cli_usage_error(ctx, cmd, _("'%s' exists; add --force to replace it"), dest);
    }
    store *st;
    int status = cli_open_store(ctx, STORE_READONLY, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    if (store_backup(st, dest, &err)) {
        status = cli_fail(ctx, &err);
    } else {
        stat(dest, &sb);
        fprintf(ctx->err, _("backed up %s to %s (%lld bytes)\n"), ctx->db_path, dest, (long long)sb.st_size);
    }
    store_close(st);
    return status;
}
