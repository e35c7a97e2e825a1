/* cmd_init.c - `embudo init`: create a database, or change its organisation settings. */
#include <ctype.h>
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
             "\n"
             "Creates the database (--db PATH, $EMBUDO_DB or ./embudo.db) with the default\n"
             "pipeline, or updates the settings of an existing one.\n"
             "  --name NAME              organisation name\n"
             "  --currency CODE          reporting currency, ISO 4217 (default EUR)\n"
             "  --timezone ZONE          IANA time zone for reports (default UTC)\n"
             "  --fiscal-year-start M    first month of the fiscal year, 1-12 (default 1)\n"
             "  --week-start D           first day of the week, 1 = Monday .. 7 = Sunday (default 1)\n"
             "  --locale en|es           language of messages and stage names, and style of\n"
             "                           numbers, money and dates (a new database: the\n"
             "                           language of --lang, else LANG; es names the default\n"
             "                           pipeline's stages in Spanish)\n"),
    .run = run,
};

static int valid_currency(const char *s)
{
    if (strlen(s) != 3)
        return 0;
    for (int i = 0; i < 3; i++)
        if (!isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

static int valid_timezone(const char *s)
{
    if (!*s || s[0] == '/' || strstr(s, ".."))
        return 0;
    if (!strcmp(s, "UTC"))
        return 1;
    char path[512];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", s);
    return access(path, R_OK) == 0;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},        {"currency", required_argument, NULL, 'c'},
        {"timezone", required_argument, NULL, 't'},    {"fiscal-year-start", required_argument, NULL, 'f'},
        {"week-start", required_argument, NULL, 'w'},  {"locale", required_argument, NULL, 'l'},
        CLI_COMMON_OPTIONS,                            {0},
    };
    const char *name = NULL, *currency = NULL, *timezone = NULL, *locale = NULL;
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
            if (!valid_currency(currency))
                return cli_usage_error(ctx, cmd, _("currency '%s' is not an ISO 4217 code such as EUR or USD"), optarg);
            break;
        case 't':
            timezone = optarg;
            if (!valid_timezone(timezone))
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
    const char *lang_code = i18n_code(ctx->lang); /* before the store's locale applies */
    store *st;
    int status = cli_open_store(ctx, STORE_CREATE, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    if (store_begin(st, &err))
        goto fail;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_sqlite(st),
                           "UPDATE organisation SET name = coalesce(?1, name), currency = coalesce(?2, currency), "
                           "timezone = coalesce(?3, timezone), fiscal_year_start = coalesce(?4, fiscal_year_start), "
                           "week_start = coalesce(?5, week_start) WHERE id = 1",
                           -1, &s, NULL) != SQLITE_OK) {
        store_sql_error(st, "settings", &err);
        store_rollback(st);
        goto fail;
    }
    const char *texts[] = {name, currency, timezone};
    for (int i = 0; i < 3; i++)
        if (texts[i])
            sqlite3_bind_text(s, i + 1, texts[i], -1, SQLITE_STATIC);
    if (fiscal)
        sqlite3_bind_int64(s, 4, fiscal);
    if (week)
        sqlite3_bind_int64(s, 5, week);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store_sql_error(st, "settings", &err);
        store_rollback(st);
        goto fail;
    }
    if (!locale && !existed)
        locale = lang_code;
    int renamed = 0;
    if (locale && store_org_set_locale(st, locale, &renamed, &err)) {
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
    store_close(st);
    return 0;
fail:
    store_close(st);
    return cli_fail(ctx, &err);
}
