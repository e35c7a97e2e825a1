/* cmd_audit.c - `embudo audit`: who changed what and when, with the values before
 * and after (store/audit.h), newest first. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/i18n.h"
#include "core/kind.h"
#include "core/locfmt.h"
#include "core/tz.h"
#include "core/value.h"
#include "store/audit.h"
#include "store/records.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_audit = {
    .name = "audit",
    .summary = N_("show who changed what and when (the audit log)"),
    .usage = N_("usage: embudo audit [--kind KIND [--record KEY]] [--user EMAIL] [--action ACTION]\n"
                "                    [--since WHEN] [--until WHEN] [--limit N] [--before ID]\n"
                "\n"
                "Lists the audit log, newest first: every change's time, author, action\n"
                "(insert, update, delete, import, undo, password, token-create ...), kind,\n"
                "record, and the values it changed (before -> after, in storage form:\n"
                "amounts in minor units, times in Unix seconds, references as ids).\n"
                "\n"
                "  --kind KIND      only changes of this kind (deals, accounts ...)\n"
                "  --record KEY     only changes of this record of --kind (its id, #ID or name)\n"
                "  --user EMAIL     only changes made by this user\n"
                "  --action ACTION  only this action\n"
                "  --since WHEN     changes at or after WHEN (a date, midnight in the\n"
                "                   organisation's zone, or a time: 2026-07-14 10:30)\n"
                "  --until WHEN     changes before WHEN (a date alone includes that day)\n"
                "  --limit N        at most N changes (1 to 1000, default 50)\n"
                "  --before ID      changes older than entry ID (the next page)\n"),
    .run = run,
};

/* Parses an instant for --since/--until in the organisation's zone; a date alone
 * is its midnight, or the next one when end_of_day. */
static int parse_when(const cli_command *cmd, cli_ctx *ctx, const tz *zone, const char *option, const char *text,
                      int end_of_day, int64_t *out)
{
    emb_err err;
    if (value_parse_instant(text, DATE_ISO, NULL, zone, out, &err))
        return cli_usage_error(ctx, cmd, _("--%s '%s' is not a date or time (write 2026-07-14 or 2026-07-14 10:30)"),
                               option, text);
    if (end_of_day && strlen(text) == 10)
        *out = tz_local_to_utc(zone, tz_utc_to_local(zone, *out) + 86400);
    return 0;
}

/* A value of a change's detail as people read it in a table. */
static const char *shown_value(json_t *v, arena *a)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    return "-";
}

/* The table's summary of a change: "amount 10000 -> 20000" for each field an
 * update changed, "title D1, amount 10000" for what an insert set or a delete
 * removed (nulls left out); the detail as it is when it is not such a change. */
static const char *change_summary(const char *detail, arena *a)
{
    if (!detail)
        return NULL;
    json_t *o = json_loads(detail, 0, NULL);
    json_t *before = json_object_get(o, "before"), *after = json_object_get(o, "after");
    if (!json_is_object(before) && !json_is_object(after)) {
        json_decref(o);
        return detail;
    }
    const char *text = "";
    const char *key;
    json_t *v;
    json_t *one = json_is_object(before) && json_is_object(after) ? NULL : before ? before : after;
    if (!one) {
        json_object_foreach(after, key, v) {
            text = arena_printf(a, "%s%s%s %s \u2192 %s", text, *text ? ", " : "", key,
                                shown_value(json_object_get(before, key), a), shown_value(v, a));
        }
    } else {
        json_object_foreach(one, key, v) {
            if (!json_is_null(v))
                text = arena_printf(a, "%s%s%s %s", text, *text ? ", " : "", key, shown_value(v, a));
        }
    }
    json_decref(o);
    return text;
}

static int print(cli_ctx *ctx, store *st, const tz *zone, const audit_filter *f)
{
    static const out_column data_cols[] = {
        {"id", OUT_NUMBER, 0}, {"at", OUT_TEXT, 0},     {"user", OUT_TEXT, 0},   {"action", OUT_TEXT, 0},
        {"kind", OUT_TEXT, 0}, {"record", OUT_NUMBER, 0}, {"detail", OUT_JSON, 0},
    };
    static const char *const headings[] = {NC_("audit", "id"),   NC_("audit", "at"),     NC_("audit", "user"),
                                           NC_("audit", "action"), NC_("audit", "kind"), NC_("audit", "record"),
                                           NC_("audit", "change")};
    enum { NCOLS = sizeof data_cols / sizeof data_cols[0] };
    out_column cols[NCOLS];
    int table = ctx->format == FORMAT_TABLE;
    for (size_t k = 0; k < NCOLS; k++) {
        cols[k] = data_cols[k];
        if (table)
            cols[k].name = i18n_pgettext("audit", headings[k]);
    }
    arena a;
    arena_init(&a, 0);
    audit_entry *rows;
    size_t n = 0;
    emb_err err;
    emb_err_clear(&err);
    output *o = NULL;
    locfmt *lf = NULL;
    if (table && locfmt_open(i18n_code(ctx->lang), store_org(st)->timezone, &lf, &err)) {
        lf = NULL;
        emb_err_clear(&err);
    }
    emb_code rc = store_audit_list(st, f, &a, &rows, &n, &err);
    if (!rc && !n && table) {
        locfmt_close(lf);
        arena_release(&a);
        fputs(_("no changes match\n"), ctx->err);
        return 0;
    }
    if (!rc)
        rc = output_begin(ctx->out, ctx->format, cols, NCOLS, 0, &o, &err);
    for (size_t i = 0; !rc && i < n; i++) {
        const audit_entry *e = &rows[i];
        const char *user = e->user_email ? e->user_email : e->user_name;
        if (!user && e->user_id)
            user = arena_printf(&a, "#%lld", (long long)e->user_id);
        const char *cells[NCOLS] = {
            arena_printf(&a, "%lld", (long long)e->id),
            lf ? locfmt_instant(lf, e->at, 0, &a) : value_format_instant(e->at, zone, 0, &a),
            user,
            e->action,
            e->kind,
            e->record_id ? arena_printf(&a, "%lld", (long long)e->record_id) : NULL,
            table ? change_summary(e->detail, &a) : e->detail,
        };
        rc = output_row(o, cells, &err);
    }
    if (!rc) {
        rc = output_end(o, &err);
        o = NULL;
    }
    output_abort(o);
    locfmt_close(lf);
    if (!rc && table && n == (size_t)f->limit)
        fprintf(ctx->err, _("more changes are older: add --before %lld\n"), (long long)rows[n - 1].id);
    arena_release(&a);
    return rc ? cli_fail(ctx, &err) : 0;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},  {"record", required_argument, NULL, 'r'},
        {"user", required_argument, NULL, 'u'},  {"action", required_argument, NULL, 'a'},
        {"since", required_argument, NULL, 's'}, {"until", required_argument, NULL, 't'},
        {"limit", required_argument, NULL, 'l'}, {"before", required_argument, NULL, 'b'},
        CLI_COMMON_OPTIONS,                      {0},
    };
    const char *kind_name = NULL, *record_key = NULL, *user = NULL, *since = NULL, *until = NULL;
    audit_filter f = {.limit = 50};
    long long number;
    int help = 0, opt;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        switch (opt) {
        case 'k': kind_name = optarg; break;
        case 'r': record_key = optarg; break;
        case 'u': user = optarg; break;
        case 'a': f.action = optarg; break;
        case 's': since = optarg; break;
        case 't': until = optarg; break;
        case 'l':
            if (cli_parse_int(optarg, 1, 1000, &number))
                return cli_usage_error(ctx, cmd, _("--limit '%s' is not a number from 1 to 1000"), optarg);
            f.limit = number;
            break;
        case 'b':
            if (cli_parse_int(optarg[0] == '#' ? optarg + 1 : optarg, 1, INT64_MAX, &number))
                return cli_usage_error(ctx, cmd, _("--before '%s' is not an audit entry id"), optarg);
            f.before_id = number;
            break;
        default: return cli_option_error(ctx, cmd, argv);
        }
    }
    if (help)
        return 0;
    if (optind < argc)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind]);
    const kind_def *kind = NULL;
    if (kind_name && !(kind = kind_find(kind_name)))
        return cli_usage_error(ctx, cmd, _("unknown kind '%s'"), kind_name);
    if (record_key && !kind)
        return cli_usage_error(ctx, cmd, _("--record needs --kind (which kind of record '%s' is)"), record_key);
    f.kind = kind ? kind->name : NULL;

    store *st;
    int status = cli_open_store(ctx, STORE_READONLY, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    tz *zone = NULL;
    emb_code rc = tz_open(store_org(st)->timezone, &zone, &err);
    if (!rc && since && (status = parse_when(cmd, ctx, zone, "since", since, 0, &f.since)))
        goto done;
    if (!rc && until && (status = parse_when(cmd, ctx, zone, "until", until, 1, &f.until)))
        goto done;
    if (!rc && record_key) {
        rc = store_record_resolve(st, kind, record_key, 0, &f.record_id, &err);
        /* A deleted record is still named by its id. */
        const char *digits = record_key[0] == '#' ? record_key + 1 : record_key;
        if (rc == EMB_NOT_FOUND && !cli_parse_int(digits, 1, INT64_MAX, &number)) {
            f.record_id = number;
            rc = EMB_OK;
            emb_err_clear(&err);
        }
    }
    if (!rc && user)
        rc = store_record_resolve(st, kind_find("users"), user, 0, &f.user_id, &err);
    if (rc)
        status = cli_fail(ctx, &err);
    else
        status = print(ctx, st, zone, &f);
done:
    if (zone)
        tz_close(zone);
    store_close(st);
    return status;
}
