/* cmd_serve.c - `embudo serve`: runs the HTTP server (src/http) until SIGTERM or
 * SIGINT, then stops it gracefully. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/server.h"
#include "http/settings.h"
#include "store/auth.h"

extern char **environ;

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_serve = {
    .name = "serve",
    .summary = N_("run the server: the JSON API (and later the web app) over HTTP"),
    .usage = N_("usage: embudo serve [--listen ADDR:PORT] [SETTING...] [--config FILE] [--show-settings]\n"
             "\n"
             "Serves the database (--db PATH, $EMBUDO_DB or ./embudo.db) over HTTP until it\n"
             "gets SIGTERM or SIGINT (Ctrl-C); then it stops accepting connections, finishes\n"
             "the requests in flight (up to shutdown-grace seconds) and exits 0.\n"
             "\n"
             "Each setting is read, from lowest to highest precedence, from its default, the\n"
             "config file (--config FILE or $EMBUDO_CONFIG: NAME = VALUE lines, # comments),\n"
             "the environment ($EMBUDO_LISTEN, $EMBUDO_THREADS... : EMBUDO_ and the name in\n"
             "capitals, '-' as '_') and the flag --NAME VALUE:\n"
             "\n"
             "  --listen ADDR:PORT         where to listen (default 127.0.0.1:8080; port 0: any\n"
             "                             free port, printed at start)\n"
             "  --threads N                worker threads (default: one per processor, at least 2)\n"
             "  --tls-cert FILE            serve HTTPS with this certificate (PEM), with --tls-key\n"
             "  --tls-key FILE             the certificate's private key (PEM)\n"
             "  --access-log FILE          one line per request (time, user, method, path, status,\n"
             "                             bytes, microseconds) appended to FILE; '-' standard\n"
             "                             error (default), '' none\n"
             "  --connection-timeout SECS  close connections idle this long (default 30)\n"
             "  --max-connections N        open connections at most (default 1000)\n"
             "  --shutdown-grace SECS      time to finish requests in flight on stop (default 10)\n"
             "  --events-heartbeat SECS    heartbeat of an idle event stream (default 15)\n"
             "  --webhook-timeout SECS     time a webhook delivery may take (default 10)\n"
             "  --webhook-retry SECS       first retry of a failed delivery, doubling after each,\n"
             "                             for a day (default 30)\n"
             "  --import-max-bytes N       largest file POST /api/v1/import/KIND takes (default\n"
             "                             67108864, 64 MiB; 413 beyond)\n"
             "  --show-settings            print every setting, its value and where it came from,\n"
             "                             and exit\n"
             "\n"
             "Routes: GET /healthz (200 when the database can be read), GET /metrics (Prometheus\n"
             "text: requests by route and status, latency, the database and the analytics\n"
             "snapshot), and the JSON API under /api/v1 (records, kpi, dashboard, leaderboard,\n"
             "import, export, events, webhooks, audit, settings; GET /api/v1/openapi.json\n"
             "describes it; docs/server.md).\n"),
    .run = run,
};

enum { OPT_SETTING = 2000, OPT_CONFIG, OPT_SHOW };

static const char *source_name(setting_source s)
{
    switch (s) {
    case SETTING_FILE:
        return _("config file");
    case SETTING_ENV:
        return _("environment");
    case SETTING_FLAG:
        return _("flag");
    default:
        return _("default");
    }
}

static void show_setting(void *ud, const char *name, const char *value, setting_source src, const char *help)
{
    (void)help;
    cli_ctx *ctx = ud;
    fprintf(ctx->out, "%-20s %-28s %s\n", name, *value ? value : "''", source_name(src));
}

typedef struct {
    const char *name, *value;
} flag_value;

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, OPT_SETTING},
        {"threads", required_argument, NULL, OPT_SETTING},
        {"tls-cert", required_argument, NULL, OPT_SETTING},
        {"tls-key", required_argument, NULL, OPT_SETTING},
        {"access-log", required_argument, NULL, OPT_SETTING},
        {"connection-timeout", required_argument, NULL, OPT_SETTING},
        {"max-connections", required_argument, NULL, OPT_SETTING},
        {"shutdown-grace", required_argument, NULL, OPT_SETTING},
        {"events-heartbeat", required_argument, NULL, OPT_SETTING},
        {"webhook-timeout", required_argument, NULL, OPT_SETTING},
        {"webhook-retry", required_argument, NULL, OPT_SETTING},
        {"import-max-bytes", required_argument, NULL, OPT_SETTING},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"show-settings", no_argument, NULL, OPT_SHOW},
        CLI_COMMON_OPTIONS,
        {0},
    };
    flag_value flags[32];
    int nflags = 0, help = 0, show = 0, opt, index;
    const char *config = getenv("EMBUDO_CONFIG");
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, &index)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (opt == OPT_SETTING && nflags == 32)
            return cli_usage_error(ctx, cmd, _("too many settings on the command line; put them in a --config file"));
        if (opt == OPT_SETTING)
            flags[nflags++] = (flag_value){opts[index].name, optarg};
        else if (opt == OPT_CONFIG)
            config = optarg;
        else if (opt == OPT_SHOW)
            show = 1;
        else
            return cli_option_error(ctx, cmd, argv);
    }
    if (help)
        return 0;
    if (optind < argc)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);

    server_settings set;
    settings_origin origin;
    settings_defaults(&set, &origin);
    emb_err err;
    emb_err_clear(&err);
    if (config && *config && settings_read_file(&set, &origin, config, &err))
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    if (settings_read_env(&set, &origin, environ, &err))
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    for (int i = 0; i < nflags; i++)
        if (settings_set_flag(&set, &origin, flags[i].name, flags[i].value, &err))
            return cli_usage_error(ctx, cmd, "%s", err.msg);
    if (settings_check(&set, &err))
        return cli_usage_error(ctx, cmd, "%s", err.msg);
    if (show) {
        settings_each(&set, &origin, show_setting, ctx);
        return 0;
    }

    store *st; /* the database must exist (only init creates one), and its locale sets the language */
    int status = cli_open_store(ctx, 0, &st);
    if (status)
        return status;
    /* Someone must be able to log in: the first serve gives an admin a password. */
    arena a;
    arena_init(&a, 1024);
    const char *admin_email;
    char password[32];
    int given = 0;
    change_ctx cc = {.now = ctx->now};
    emb_code rc = cli_author(ctx, st, &cc.author_id, &err);
    if (!rc && !(rc = store_begin(st, &err))) {
        rc = store_admin_first_password(st, &cc, &a, &admin_email, password, &given, &err);
        if (!rc && given)
            rc = store_commit(st, &err);
        else
            store_rollback(st); /* nothing written: the generation stays */
    }
    store_close(st);
    if (rc) {
        arena_release(&a);
        return cli_fail(ctx, &err);
    }
    if (given)
        fprintf(ctx->err,
                _("embudo serve: no admin had a password, so %s now logs in with the password %s (shown this once; "
                  "change it with `embudo user passwd %s`)\n"),
                admin_email, password, admin_email);
    memset(password, 0, sizeof password);
    arena_release(&a);

    /* SIGTERM and SIGINT are taken by sigwait below, in this thread only: blocked
     * here before the server's threads start, they inherit the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    http_server *srv;
    if (http_server_start(&set, ctx->db_path, ctx->err, &srv, &err)) {
        pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
        return cli_fail(ctx, &err);
    }
    char host[256];
    int port;
    settings_split_listen(set.listen, host, sizeof host, &port, &err);
    int v6 = strchr(host, ':') != NULL;
    fprintf(ctx->err, _("embudo serve: listening on %s://%s%s%s:%d/ (database %s; Ctrl-C or SIGTERM stops it)\n"),
            http_server_scheme(srv), v6 ? "[" : "", host, v6 ? "]" : "", http_server_port(srv), ctx->db_path);
    fflush(ctx->err);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(ctx->err, _("embudo serve: %s received; finishing the requests in flight (up to %lld s)\n"),
            sig == SIGINT ? "SIGINT" : "SIGTERM", (long long)set.shutdown_grace);
    fflush(ctx->err);
    int cut = http_server_stop(srv);
    if (cut)
        fprintf(ctx->err,
                ngettext("embudo serve: %d request was cut short after %lld s\n",
                         "embudo serve: %d requests were cut short after %lld s\n", (unsigned long)cut),
                cut, (long long)set.shutdown_grace);
    fprintf(ctx->err, _("embudo serve: stopped\n"));
    return 0; /* SIGTERM and SIGINT stay blocked: a second one must not kill the exit */
}
