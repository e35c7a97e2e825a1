/* cmd_demo.c - `embudo demo`: build a database filled with a believable company. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "demo/demo.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_demo = {
    .name = "demo",
    .summary = N_("create a database with demo data: a company's sales over three years"),
    .usage = N_("usage: embudo demo [--deals N] [--seed S] [--years Y] [--reps R] [--teams T]\n"
             "                   [--activities-per-deal A] [--reorders O] [--locale en|es] [--force]\n"
             "\n"
             "Writes a new database (--db PATH, $EMBUDO_DB or ./embudo.db) with a made-up\n"
             "company, Solano Tecnología S.L. (EUR, Europe/Madrid): regions, teams and\n"
             "managers, reps of varied skill, accounts, contacts, leads, products, deals\n"
             "with the full history of their stages, amounts, owners and close dates,\n"
             "calls, emails, meetings and tasks, orders, goals, expenses and exchange rates,\n"
             "over the years up to now ($EMBUDO_NOW overrides now).\n"
             "The same options give the same data, byte for byte.\n"
             "  --deals N                number of deals (default 2000; up to 20000000)\n"
             "  --seed S                 random seed, any whole number (default 1)\n"
             "  --years Y                years of history, 1-10 (default 3)\n"
             "  --reps R                 sales reps at the end (default: 20 for 2,000 deals,\n"
             "                           200 for 1,000,000)\n"
             "  --teams T                sales teams, each with a manager (default: reps / 5,\n"
             "                           or reps / 10 beyond 20 reps)\n"
             "  --activities-per-deal A  mean activities logged per deal, 0-50 (default 5)\n"
             "  --reorders O             mean repeat orders of a customer after each won\n"
             "                           deal, 0-20 (default 0: renewals and one hardware\n"
             "                           reorder only)\n"
             "  --locale en|es           the organisation's locale; es names the stages in\n"
             "                           Spanish (default: the language of messages, --lang\n"
             "                           or LANG)\n"
             "  --force                  replace a database that already holds data\n"
             "  --format table|json|csv  how to print the summary\n"
             "A database that holds records is never touched without --force; one made by\n"
             "`embudo init` alone is replaced. The new file is built beside the old one and\n"
             "renamed into place, so a failed run leaves the old file as it was. Do not run\n"
             "it while other embudo processes use the file.\n"),
    .run = run,
};

typedef struct {
    FILE *err;
    const char *last_phase;
    int last_pc;
} progress_state;

static void progress(void *user, const char *phase, int64_t done, int64_t total)
{
    progress_state *ps = user;
    int pc = total > 0 ? (int)(done * 100 / total) : 0;
    if (ps->last_phase == phase && ps->last_pc == pc)
        return;
    ps->last_phase = phase;
    ps->last_pc = pc;
    fputc('\r', ps->err);
    fprintf(ps->err, _("generating %s: %3d%%"), phase, pc);
    fflush(ps->err);
}

static void print_summary(cli_ctx *ctx, const demo_params *p, const demo_stats *s, double secs)
{
    struct {
        const char *name;
        int64_t value;
    } rows[] = {
        {"deals", s->deals},           {"deals_won", s->deals_won},     {"deals_lost", s->deals_lost},
        {"deals_open", s->deals_open}, {"deal_history", s->history},    {"deal_products", s->deal_products},
        {"leads", s->leads},           {"accounts", s->accounts},       {"contacts", s->contacts},
        {"users", s->users},           {"reps", s->reps},               {"teams", s->teams},
        {"regions", s->regions},       {"products", s->products},       {"activities", s->activities},
        {"orders", s->orders},         {"order_lines", s->order_lines}, {"goals", s->goals},
        {"expenses", s->expenses},     {"exchange_rates", s->rates},
    };
    size_t n = sizeof rows / sizeof rows[0];
    if (ctx->format == FORMAT_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "database", json_string(ctx->db_path));
        json_object_set_new(o, "seed", json_integer((json_int_t)p->seed));
        json_object_set_new(o, "years", json_integer(p->years));
        for (size_t i = 0; i < n; i++)
            json_object_set_new(o, rows[i].name, json_integer(rows[i].value));
        json_dumpf(o, ctx->out, JSON_INDENT(2));
        fputc('\n', ctx->out);
        json_decref(o);
    } else if (ctx->format == FORMAT_CSV) {
        fputs("table,rows\r\n", ctx->out);
        for (size_t i = 0; i < n; i++)
            fprintf(ctx->out, "%s,%lld\r\n", rows[i].name, (long long)rows[i].value);
    } else {
        fprintf(ctx->out,
                _("created %s: Solano Tecnología S.L. (EUR, Europe/Madrid), %d years of history, seed %llu\n"
                "  %lld deals: %lld won, %lld lost, %lld open; %lld history rows\n"
                "  %lld reps (%lld active) in %lld teams, %lld accounts, %lld contacts, %lld leads\n"
                "  %lld activities, %lld products, %lld orders with %lld lines\n"
                "  %lld goals, %lld expense rows, %lld exchange rates\n"
                "  in %.1f s\n"),
                ctx->db_path, p->years, (unsigned long long)p->seed, (long long)s->deals, (long long)s->deals_won,
                (long long)s->deals_lost, (long long)s->deals_open, (long long)s->history, (long long)s->reps,
                (long long)p->reps, (long long)s->teams, (long long)s->accounts, (long long)s->contacts,
                (long long)s->leads, (long long)s->activities, (long long)s->products, (long long)s->orders,
                (long long)s->order_lines, (long long)s->goals, (long long)s->expenses, (long long)s->rates, secs);
    }
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    enum { OPT_DEALS = 1, OPT_SEED, OPT_YEARS, OPT_REPS, OPT_TEAMS, OPT_ACTS, OPT_REORDERS, OPT_FORCE, OPT_LOCALE };
    static const struct option opts[] = {
        {"deals", required_argument, NULL, OPT_DEALS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"years", required_argument, NULL, OPT_YEARS},
        {"reps", required_argument, NULL, OPT_REPS},
        {"teams", required_argument, NULL, OPT_TEAMS},
        {"activities-per-deal", required_argument, NULL, OPT_ACTS},
        {"reorders", required_argument, NULL, OPT_REORDERS},
        {"force", no_argument, NULL, OPT_FORCE},
        {"locale", required_argument, NULL, OPT_LOCALE},
        CLI_COMMON_OPTIONS,
        {0},
    };
    demo_params p;
    demo_params_default(&p);
    int force = 0, help = 0, opt;
    long long v;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case OPT_DEALS:
            if (cli_parse_int(optarg, 1, DEMO_MAX_DEALS, &v))
                return cli_usage_error(ctx, cmd, _("--deals '%s' must be a whole number from 1 to %d"), optarg,
                                       DEMO_MAX_DEALS);
            p.deals = v;
            break;
        case OPT_SEED: {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(optarg, &end, 10);
            if (!*optarg || *end || errno || optarg[0] == '-')
                return cli_usage_error(ctx, cmd, _("--seed '%s' must be a whole number from 0 to %llu"), optarg,
                                       (unsigned long long)UINT64_MAX);
            p.seed = s;
            break;
        }
        case OPT_YEARS:
            if (cli_parse_int(optarg, 1, 10, &v))
                return cli_usage_error(ctx, cmd, _("--years '%s' must be a whole number from 1 to 10"), optarg);
            p.years = (int)v;
            break;
        case OPT_REPS:
            if (cli_parse_int(optarg, 1, DEMO_MAX_REPS, &v))
                return cli_usage_error(ctx, cmd, _("--reps '%s' must be a whole number from 1 to %d"), optarg,
                                       DEMO_MAX_REPS);
            p.reps = (int)v;
            break;
        case OPT_TEAMS:
            if (cli_parse_int(optarg, 1, DEMO_MAX_REPS, &v))
                return cli_usage_error(ctx, cmd, _("--teams '%s' must be a whole number from 1 to %d"), optarg,
                                       DEMO_MAX_REPS);
            p.teams = (int)v;
            break;
        case OPT_ACTS:
            if (cli_parse_int(optarg, 0, 50, &v))
                return cli_usage_error(ctx, cmd, _("--activities-per-deal '%s' must be a whole number from 0 to 50"),
                                       optarg);
            p.activities_per_deal = (int)v;
            break;
        case OPT_REORDERS:
            if (cli_parse_int(optarg, 0, 20, &v))
                return cli_usage_error(ctx, cmd, _("--reorders '%s' must be a whole number from 0 to 20"), optarg);
            p.reorders = (int)v;
            break;
        case OPT_FORCE:
            force = 1;
            break;
        case OPT_LOCALE:
            if (strcmp(optarg, "en") && strcmp(optarg, "es"))
                return cli_usage_error(ctx, cmd, _("--locale '%s' must be en or es"), optarg);
            p.locale = optarg;
            break;
        default:
            return cli_option_error(ctx, cmd, argv);
        }
    }
    if (help)
        return 0;
    if (optind < argc)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);
    p.now = ctx->now;
    if (!p.locale)
        p.locale = i18n_code(ctx->lang);
    emb_err err;
    emb_err_clear(&err);
    if (demo_params_resolve(&p, &err))
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    progress_state ps = {.err = ctx->err, .last_pc = -1};
    if (isatty(fileno(ctx->err))) {
        p.progress = progress;
        p.progress_user = &ps;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    demo_stats stats;
    emb_code rc = demo_create(ctx->db_path, &p, force, &stats, &err);
    if (p.progress)
        fputs("\r                                  \r", ctx->err);
    if (rc)
        return cli_fail(ctx, &err);
    cli_follow_locale(ctx, p.locale);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_summary(ctx, &p, &stats, secs);
    return 0;
}
