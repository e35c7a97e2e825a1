/* cmd_user_passwd.c - `embudo user passwd USER [--password-stdin]`: sets a user's
 * login password (store/auth.h); reached through the user command (cmd_record.c). */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/record_cli.h"
#include "store/auth.h"

/* One line of f without its line break into buf; 0, or -1 at the end of input or
 * when the line is longer than the buffer. With echo_off (a terminal), the typing
 * is not shown. */
static int read_line(FILE *f, char *buf, size_t size, int echo_off)
{
    struct termios saved, quiet;
    int restore = echo_off && tcgetattr(fileno(f), &saved) == 0;
    if (restore) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(f), TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, (int)size, f);
    if (restore) {
        tcsetattr(fileno(f), TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (!got)
        return -1;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(f))
        return -1;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return 0;
}

int cli_user_passwd(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"password-stdin", no_argument, NULL, 'p'},
        CLI_COMMON_OPTIONS,
        {0},
    };
    int help = 0, from_stdin = 0, opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (opt == 'p')
            from_stdin = 1;
        else
            return cli_option_error(ctx, cmd, argv);
    }
    if (help) {
        fputs(_("usage: embudo user passwd USER [--password-stdin]\n"
                "\n"
                "Sets the password USER (an email, a name or #ID) logs in with. It is asked\n"
                "twice on the terminal, or read as one line from standard input with\n"
                "--password-stdin (for scripts: printf '%s\\n' \"$PW\" | embudo user passwd ...).\n"
                "At least 10 characters, not the user's email or name. Only an argon2id hash\n"
                "of it is stored.\n"),
              ctx->out);
        return 0;
    }
    if (argc - optind != 1)
        return cli_usage_error(ctx, cmd, _("name the one user whose password to set: embudo user passwd USER"));
    const char *who = argv[optind];
    int tty = !from_stdin && isatty(STDIN_FILENO);
    if (!from_stdin && !tty)
        return cli_usage_error(ctx, cmd, _("standard input is not a terminal: give the password on it with "
                                           "--password-stdin"));
    char pw[AUTH_PASSWORD_MAX + 2], again[AUTH_PASSWORD_MAX + 2];
    if (tty)
        fprintf(stderr, _("new password for %s: "), who);
    if (read_line(stdin, pw, sizeof pw, tty))
        return cli_usage_error(ctx, cmd, _("no password was given (or it is longer than %d characters)"),
                               AUTH_PASSWORD_MAX);
    if (tty) {
        fprintf(stderr, _("the same again: "));
        if (read_line(stdin, again, sizeof again, 1) || strcmp(pw, again)) {
            memset(pw, 0, sizeof pw);
            memset(again, 0, sizeof again);
            return cli_usage_error(ctx, cmd, _("the two passwords differ; nothing was changed"));
        }
        memset(again, 0, sizeof again);
    }
    store *st;
    int status = cli_open_store(ctx, 0, &st);
    if (status) {
        memset(pw, 0, sizeof pw);
        return status;
    }
    emb_err err;
    emb_err_clear(&err);
    change_ctx cc = {.now = ctx->now};
    int64_t user_id = 0;
    emb_code rc = cli_author(ctx, st, &cc.author_id, &err);
    if (!rc)
        rc = store_record_resolve(st, kind_find("users"), who, 0, &user_id, &err);
    if (!rc)
        rc = store_begin(st, &err);
    if (!rc && !(rc = store_user_set_password(st, user_id, pw, &cc, &err)))
        rc = store_commit(st, &err);
    else if (!rc || st)
        store_rollback(st);
    memset(pw, 0, sizeof pw);
    store_close(st);
    if (rc)
        return cli_fail(ctx, &err);
    fprintf(ctx->err, _("password of %s set\n"), who);
    return 0;
}
