/* cmd_token.c - `embudo token create|list|revoke`: API tokens for integrations
 * (store/auth.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/kind.h"
#include "store/auth.h"
#include "store/records.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_token = {
    .name = "token",
    .summary = N_("create, list or revoke API tokens for integrations"),
    .usage = N_("usage: embudo token create --user EMAIL [--role ROLE] [--name NAME]\n"
             "       embudo token list\n"
             "       embudo token revoke ID\n"
             "\n"
             "An API token lets a program call the server's API as a user: it sends\n"
             "`Authorization: Bearer TOKEN`. `create` prints the token once, on standard\n"
             "output, alone on its line: keep it secret; only a hash of it is stored, so it\n"
             "cannot be shown again. Its role is the user's (admin, manager, rep, viewer) or,\n"
             "with --role, a lower one. `list` shows every token by its first characters,\n"
             "with its user, role and when it was last used; `revoke` stops one at once.\n"
             "\n"
             "  --user EMAIL   the user the token acts as\n"
             "  --role ROLE    a role no higher than the user's\n"
             "  --name NAME    what the token is for (\"crm-sync\"), shown by list\n"),
    .run = run,
};

/* "2026-04-15 12:00" (UTC) into out, or NULL for 0 (never). */
static const char *when(int64_t t, char out[24])
{
    if (!t)
        return NULL;
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 24, "%Y-%m-%d %H:%M", &tm);
    return out;
}

static int do_list(cli_ctx *ctx, store *st)
{
    static const out_column cols[] = {
        {"id", OUT_NUMBER, 0},   {"user", OUT_TEXT, 0},    {"name", OUT_TEXT, 0},      {"prefix", OUT_TEXT, 1},
        {"role", OUT_TEXT, 0},   {"created", OUT_TEXT, 1}, {"last_used", OUT_TEXT, 1}, {"revoked", OUT_TEXT, 1},
    };
    arena a;
    arena_init(&a, 0);
    auth_token_info *t;
    size_t n = 0;
    emb_err err;
    emb_err_clear(&err);
    output *o = NULL;
    emb_code rc = store_token_list(st, &a, &t, &n, &err);
    if (!rc)
        rc = output_begin(ctx->out, ctx->format, cols, sizeof cols / sizeof cols[0], 0, &o, &err);
    for (size_t i = 0; !rc && i < n; i++) {
        char id[24], c[24], u[24], r[24];
        snprintf(id, sizeof id, "%lld", (long long)t[i].id);
        const char *cells[] = {id, t[i].user_email, t[i].name, t[i].prefix, t[i].role,
                               when(t[i].created, c), when(t[i].last_used, u), when(t[i].revoked, r)};
        rc = output_row(o, cells, &err);
    }
    if (!rc) {
        rc = output_end(o, &err);
        o = NULL;
    }
    output_abort(o);
    arena_release(&a);
    if (rc)
        return cli_fail(ctx, &err);
    if (!n && ctx->format == FORMAT_TABLE)
        fprintf(ctx->err, _("no tokens yet; create one with `embudo token create --user EMAIL`\n"));
    return 0;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"user", required_argument, NULL, 'u'},
        {"role", required_argument, NULL, 'r'},
        {"name", required_argument, NULL, 'n'},
        CLI_COMMON_OPTIONS,
        {0},
    };
    if (argc < 2 || (strcmp(argv[1], "create") && strcmp(argv[1], "list") && strcmp(argv[1], "revoke") &&
                     strcmp(argv[1], "--help") && strcmp(argv[1], "-h")))
        return cli_usage_error(ctx, cmd, argc < 2 ? _("name an action: create, list or revoke")
                                                  : _("unknown action; use create, list or revoke"));
    const char *action = argv[1][0] == '-' ? "help" : argv[1];
    const char *user = NULL, *role = NULL, *name = NULL;
    int help = !strcmp(action, "help"), opt;
    if (help) {
        fputs(_(cmd->usage), ctx->out);
        return 0;
    }
    cli_options_begin();
    while ((opt = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (opt == 'u')
            user = optarg;
        else if (opt == 'r')
            role = optarg;
        else if (opt == 'n')
            name = optarg;
        else
            return cli_option_error(ctx, cmd, argv + 1);
    }
    if (help)
        return 0;
    int rest = argc - 1 - optind;
    char **args = argv + 1 + optind;
    if (!strcmp(action, "create") && !user)
        return cli_usage_error(ctx, cmd, _("name the token's user with --user EMAIL"));
    if (!strcmp(action, "revoke") && rest != 1)
        return cli_usage_error(ctx, cmd, _("name the ID of the token to revoke (`embudo token list` shows them)"));
    if (strcmp(action, "revoke") && rest > 0)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), args[0]);
    long long revoke_id = 0;
    if (!strcmp(action, "revoke") && cli_parse_int(args[0][0] == '#' ? args[0] + 1 : args[0], 1, INT64_MAX, &revoke_id))
        return cli_usage_error(ctx, cmd, _("'%s' is not a token ID (a number, as `embudo token list` shows)"), args[0]);

    store *st;
    int status = cli_open_store(ctx, !strcmp(action, "list") ? STORE_READONLY : 0, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    if (!strcmp(action, "list")) {
        status = do_list(ctx, st);
        store_close(st);
        return status;
    }
    change_ctx cc = {.now = ctx->now};
    int64_t user_id = 0, token_id = 0;
    char token[AUTH_TOKEN_SIZE];
    emb_code rc = cli_author(ctx, st, &cc.author_id, &err);
    if (!rc && !strcmp(action, "create"))
        rc = store_record_resolve(st, kind_find("users"), user, 0, &user_id, &err);
    if (!rc)
        rc = store_begin(st, &err);
    if (!rc && !strcmp(action, "create"))
        rc = store_token_create(st, user_id, role, name, &cc, token, &token_id, &err);
    else if (!rc)
        rc = store_token_revoke(st, (int64_t)revoke_id, &cc, &err);
    if (!rc)
        rc = store_commit(st, &err);
    else
        store_rollback(st);
    store_close(st);
    if (rc)
        return cli_fail(ctx, &err);
    if (!strcmp(action, "create")) {
        fprintf(ctx->out, "%s\n", token);
        fprintf(ctx->err,
                _("token #%lld for %s, shown this once: keep it secret (programs send it as `Authorization: Bearer "
                  "TOKEN`); revoke it with `embudo token revoke %lld`\n"),
                (long long)token_id, user, (long long)token_id);
    } else {
        fprintf(ctx->err, _("token #%lld revoked\n"), revoke_id);
    }
    return 0;
}
