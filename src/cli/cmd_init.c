/* cmd_init.c - `embudo init`: create a database, or change its organisation settings. */
#include <ctype.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/org.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_init = {
    .name = "init",
    .summary = N_("create a database or change the organisation's settings"),
    .usage = N_("usage: embudo init [--name NAME] [--currency CODE] [--timezone ZONE]\n"
             "                   [--fiscal-year-start MONTH] [--week-start DAY] [--locale en|es]\n"
             "                   [--owner EMAIL] [--owner-name NAME]\n"
             "\n"
             "Creates the database (--db PATH, $EMBUDO_DB or ./embudo.db) with the default\n"
             "pipeline and its owner, or updates the settings of an existing one.\n"
             "  --name NAME              organisation name\n"
             "  --currency CODE          reporting currency, ISO 4217 (default EUR)\n"
             "  --timezone ZONE          IANA time zone for reports (default UTC)\n"
             "  --fiscal-year-start M    first month of the fiscal year, 1-12 (default 1)\n"
             "  --week-start D           first day of the week, 1 = Monday .. 7 = Sunday (default 1)\n"
             "  --locale en|es           language of messages and stage names, and style of\n"
             "                           numbers, money and dates (a new database: the\n"
             "                           language of --lang, else LANG; es names the default\n"
             "                           pipeline's stages in Spanish)\n"
             "  --owner EMAIL            the organisation's owner, an admin user and the author\n"
             "                           of changes made without --as (a new database only;\n"
             "                           default $EMBUDO_USER when it is an email, else\n"
             "                           LOGIN@localhost for the login at the terminal)\n"
             "  --owner-name NAME        the owner's name (default: the login's full name)\n"),
    .run = run,
};

/* The person at the terminal: login and full name (the GECOS field up to its first
 * comma, else the login), in buffers of the caller; 0, or -1 when the user database
 * has no entry for this process's uid. */
static int terminal_person(char *login, size_t login_size, char *name, size_t name_size)
{
    struct passwd pw, *found = NULL;
    char buf[4096];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &found) != 0 || !found || !pw.pw_name || !*pw.pw_name)
        return -1;
    snprintf(login, login_size, "%s", pw.pw_name);
    size_t n = pw.pw_gecos ? strcspn(pw.pw_gecos, ",") : 0;
    if (n)
        snprintf(name, name_size, "%.*s", (int)n, pw.pw_gecos);
    else
        snprintf(name, name_size, "%s", pw.pw_name);
    return 0;
}

/* The owner of a new database: --owner and --owner-name, else $EMBUDO_USER (or --as)
 * when it is an email, else LOGIN@localhost; the name, else the login's full name,
 * else the email's local part. Buffers of the caller. */
static void default_owner(const cli_ctx *ctx, const char *owner, const char *owner_name, char *email,
                          size_t email_size, char *name, size_t name_size)
{
    char login[128] = "", full[256] = "";
    int have = terminal_person(login, sizeof login, full, sizeof full) == 0;
    if (owner)
        snprintf(email, email_size, "%s", owner);
    else if (ctx->as_user && store_email_valid(ctx->as_user))
        snprintf(email, email_size, "%s", ctx->as_user);
    else
        snprintf(email, email_size, "%s@localhost", have ? login : "owner");
    if (owner_name)
        snprintf(name, name_size, "%s", owner_name);
    else if (have && !owner)
        snprintf(name, name_size, "%s", full);
    else
        snprintf(name, name_size, "%.*s", (int)strcspn(email, "@"), email);
}

/* 1 when the organisation has a user, 0 when not, -1 on a database error. */
static int has_users(store *st)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st), "SELECT EXISTS (SELECT 1 FROM users)", -1, &s, NULL) != SQLITE_OK)
        return -1;
    int got = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    return got;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},        {"currency", required_argument, NULL, 'c'},
        {"timezone", required_argument, NULL, 't'},    {"fiscal-year-start", required_argument, NULL, 'f'},
        {"week-start", required_argument, NULL, 'w'},  {"locale", required_argument, NULL, 'l'},
        {"owner", required_argument, NULL, 'o'},       {"owner-name", required_argument, NULL, 'N'},
        CLI_COMMON_OPTIONS,                            {0},
    };
    const char *name = NULL, *currency = NULL, *timezone = NULL, *locale = NULL, *owner = NULL, *owner_name = NULL;
    long long fiscal = 0, week = 0;
    int help = 0, opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case 'n':
            name = optarg;
            break;
        case 'c':
            currency = optarg;
            if (!store_currency_valid(currency))
                return cli_usage_error(ctx, cmd, _("currency '%s' is not an ISO 4217 code such as EUR or USD"), optarg);
            break;
        case 't':
            timezone = optarg;
            if (!store_timezone_valid(timezone))
                return cli_usage_error(ctx, cmd, _("time zone '%s' is unknown; use an IANA name such as Europe/Madrid"),
                                       optarg);
            break;
        case 'f':
            if (cli_parse_int(optarg, 1, 12, &fiscal))
                return cli_usage_error(ctx, cmd, _("--fiscal-year-start '%s' must be a month number 1-12"), optarg);
            break;
        case 'w':
            if (cli_parse_int(optarg, 1, 7, &week))
                return cli_usage_error(ctx, cmd, _("--week-start '%s' must be 1 (Monday) to 7 (Sunday)"), optarg);
            break;
        case 'l':
            if (strcmp(optarg, "en") && strcmp(optarg, "es"))
                return cli_usage_error(ctx, cmd, _("--locale '%s' must be en or es"), optarg);
            locale = optarg;
            break;
        case 'o':
            if (!store_email_valid(optarg))
                return cli_usage_error(ctx, cmd, _("--owner '%s' is not an email address; give one such as "
                                                   "ana@example.com"),
                                       optarg);
            owner = optarg;
            break;
        case 'N':
            if (!*optarg || strspn(optarg, " \t") == strlen(optarg))
                return cli_usage_error(ctx, cmd, _("--owner-name is empty; give the owner's full name"));
            owner_name = optarg;
            break;
        default:
            return cli_option_error(ctx, cmd, argv);
        }
    }
    if (help)
        return 0;
    if (optind < argc)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);

    struct stat sb; /* an empty file is where a database is created, not one to update */
    int existed = stat(ctx->db_path, &sb) == 0 && sb.st_size > 0;
    char owner_email[320], owner_full[256];
    default_owner(ctx, owner, owner_name, owner_email, sizeof owner_email, owner_full, sizeof owner_full);
    if (!existed && !store_email_valid(owner_email))
        return cli_usage_error(ctx, cmd, _("the owner's email '%s' is not an email address; give one with "
                                           "--owner EMAIL"),
                               owner_email);
    const char *lang_code = i18n_code(ctx->lang); /* before the store's locale applies */
    store *st;
    int status = cli_open_store(ctx, STORE_CREATE, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    if (store_begin(st, &err))
        goto fail;
    if (!locale && !existed)
        locale = lang_code;
    int64_t author = 0; /* an update is audited as the command's author's */
    if (existed && cli_author(ctx, st, &author, &err)) {
        store_rollback(st);
        goto fail;
    }
    org_changes changes = {.name = name, .currency = currency, .timezone = timezone, .locale = locale,
                           .fiscal_year_start = (int)fiscal, .week_start = (int)week};
    int renamed = 0;
    if (store_org_apply(st, &changes, author, ctx->now, existed, &renamed, &err)) {
        store_rollback(st);
        goto fail;
    }
    int64_t owner_id = 0;
    if (existed && (owner || owner_name)) {
        int users = has_users(st);
        if (users < 0) {
            store_sql_error(st, "users", &err);
            store_rollback(st);
            goto fail;
        }
        if (users) {
            store_rollback(st);
            store_close(st);
            return cli_usage_error(ctx, cmd, _("%s already has users, so its owner is its first admin; give "
                                               "a user the admin role with `embudo user update ID --role admin`"),
                                   ctx->db_path);
        }
    }
    if ((!existed || owner || owner_name) &&
        store_org_create_owner(st, owner_full, owner_email, ctx->now, &owner_id, &err)) {
        store_rollback(st);
        goto fail;
    }
    if (store_commit(st, &err) || store_reload_org(st, &err))
        goto fail;
    const org_settings *org = store_org(st);
    cli_follow_locale(ctx, org->locale);
    const char *language = !strcmp(org->locale, "es") ? _("Spanish") : _("English");
    fprintf(ctx->out,
            existed ? _("updated %s: %s, currency %s, time zone %s, locale %s (messages in %s), fiscal year from "
                        "month %d, schema version %d\n")
                    : _("created %s: %s, currency %s, time zone %s, locale %s (messages in %s), fiscal year from "
                        "month %d, schema version %d\n"),
            ctx->db_path, org->name, org->currency, org->timezone, org->locale, language, org->fiscal_year_start,
            store_schema_version(st));
    if (renamed)
        fprintf(ctx->out, _("the default pipeline's stages now have their Spanish names (%d renamed)\n"), renamed);
    if (owner_id)
        fprintf(ctx->out,
                _("owner: %s <%s>, an admin user and the author of changes made without --as; change it with "
                  "`embudo user update #%lld --name NAME --email EMAIL`\n"),
                owner_full, owner_email, (long long)owner_id);
    store_close(st);
    return 0;
fail:
    store_close(st);
    return cli_fail(ctx, &err);
}
