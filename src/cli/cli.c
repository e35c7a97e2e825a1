/* cli.c - helpers shared by the subcommands; see cli.h. */
#include "cli/cli.h"

#include "core/period.h"

#include <errno.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kind.h"
#include "store/query.h"

const cli_command *cli_find(const char *name)
{
    for (const cli_command *const *c = cli_commands; *c; c++)
        if (!strcmp((*c)->name, name))
            return *c;
    return NULL;
}

int cli_set_lang(cli_ctx *ctx, const char *value)
{
    i18n_lang lang;
    if (i18n_lang_parse(value, &lang))
        return -1;
    ctx->lang = lang;
    ctx->lang_given = 1;
    i18n_use(lang);
    return 0;
}

int cli_common_option(const cli_command *cmd, cli_ctx *ctx, int opt, const char *arg, int *help_shown)
{
    switch (opt) {
    case OPT_DB:
        ctx->db_path = arg;
        return 1;
    case OPT_FORMAT:
        if (!strcmp(arg, "table"))
            ctx->format = FORMAT_TABLE;
        else if (!strcmp(arg, "json"))
            ctx->format = FORMAT_JSON;
        else if (!strcmp(arg, "csv"))
            ctx->format = FORMAT_CSV;
        else {
            fprintf(ctx->err, _("embudo %s: unknown format '%s'; use table, json or csv\n"), cmd->name, arg);
            return -1;
        }
        ctx->format_given = 1;
        return 1;
    case OPT_AS:
        ctx->as_user = arg;
        ctx->as_given = 1;
        return 1;
    case OPT_LANG:
        if (cli_set_lang(ctx, arg)) {
            fprintf(ctx->err, _("embudo %s: unknown language '%s'; use en or es\n"), cmd->name, arg);
            return -1;
        }
        return 1;
    case 'h':
        fputs(_(cmd->usage), ctx->out);
        *help_shown = 1;
        return 1;
    default:
        return 0;
    }
}

void cli_options_begin(void)
{
    optind = 0;
    opterr = 0;
}

int cli_option_error(cli_ctx *ctx, const cli_command *cmd, char **argv)
{
    const char *what = optind > 0 ? argv[optind - 1] : "?";
    return cli_usage_error(ctx, cmd, _("option '%s' is unknown or needs a value"), what);
}

int cli_fail(cli_ctx *ctx, const emb_err *err)
{
    fprintf(ctx->err, _("embudo: error: %s\n"), err->msg[0] ? err->msg : emb_code_message(err->code));
    int status = emb_exit_status(err->code);
    return status ? status : 1;
}

int cli_parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_usage_error(cli_ctx *ctx, const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(ctx->err, "embudo %s: ", cmd->name);
    vfprintf(ctx->err, fmt, ap);
    fprintf(ctx->err, _("\n(see `embudo %s --help`)\n"), cmd->name);
    va_end(ap);
    return 2;
}

void cli_follow_locale(cli_ctx *ctx, const char *locale)
{
    i18n_lang lang;
    if (!ctx->lang_given && !i18n_lang_parse(locale, &lang) && lang != ctx->lang) {
        ctx->lang = lang;
        i18n_use(lang);
    }
}

/* The organisation's locale of the database at path, as cli_peek_org_locale. */
static void peek_locale(cli_ctx *ctx, const char *path)
{
    struct stat sb;
    if (ctx->lang_given || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0)
        return;
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT locale FROM organisation WHERE id = 1", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        cli_follow_locale(ctx, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
}

void cli_peek_org_locale(cli_ctx *ctx) { peek_locale(ctx, ctx->db_path); }

void cli_peek_org_locale_args(cli_ctx *ctx, int argc, char **argv)
{
    const char *path = ctx->db_path;
    for (int k = 0; k < argc && strcmp(argv[k], "--"); k++) {
        if (!strcmp(argv[k], "--db") && k + 1 < argc)
            path = argv[++k];
        else if (!strncmp(argv[k], "--db=", 5))
            path = argv[k] + 5;
    }
    peek_locale(ctx, path);
}

int cli_open_store(cli_ctx *ctx, unsigned flags, store **out)
{
    emb_err err;
    emb_err_clear(&err);
    if (store_open(ctx->db_path, flags, out, &err) != EMB_OK)
        return cli_fail(ctx, &err);
    cli_follow_locale(ctx, store_org(*out)->locale);
    return 0;
}

int cli_parse_instant(const char *s, int64_t *out) { return instant_parse_iso(s, out); }

/* The first user (by id) matching cond, or 0. */
static emb_code first_user(store *st, const kind_def *users, const query_cond *cond, int64_t *id, emb_err *err)
{
    store_query q = {.conds = cond, .nconds = cond ? 1 : 0, .sort_field = -1, .limit = 1};
    store_query_cursor *c;
    *id = 0;
    emb_code rc = store_query_open(st, users, &q, &c, err);
    if (rc)
        return rc;
    arena a;
    arena_init(&a, 0);
    record *r;
    int got = store_query_next(c, &a, &r, err);
    if (got > 0)
        *id = r->id;
    arena_release(&a);
    store_query_close(c);
    return got < 0 ? err->code : EMB_OK;
}

emb_code cli_author(const cli_ctx *ctx, store *st, int64_t *author_id, emb_err *err)
{
    const kind_def *users = kind_find("users");
    *author_id = 0;
    if (!users)
        return emb_err_set(err, EMB_INTERNAL, "no users kind");
    if (ctx->as_user) {
        int email = kind_field_index(users, "email");
        query_cond c = {.field = email, .op = QOP_EQ, .value = {FV_SET, 0, ctx->as_user}};
        emb_code rc = first_user(st, users, &c, author_id, err);
        if (rc)
            return rc;
        if (!*author_id)
            return emb_err_set(err, EMB_USAGE, _("no user has the email '%s' given by %s; give the email of a user "
                                                 "(see `embudo user list`)"),
                               ctx->as_user, ctx->as_given ? "--as" : "EMBUDO_USER");
        return EMB_OK;
    }
    int role = kind_field_index(users, "role");
    query_cond admin = {.field = role, .op = QOP_EQ, .value = {FV_SET, 0, "admin"}};
    emb_code rc = first_user(st, users, &admin, author_id, err);
    if (!rc && !*author_id)
        rc = first_user(st, users, NULL, author_id, err);
    return rc;
}
