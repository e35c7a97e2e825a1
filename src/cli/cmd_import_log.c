/*
 * cmd_import_log.c - `embudo import list` and `embudo import undo [ID]`: the log
 * of imports and the undo of one (store/import_log.h). Reached through
 * `embudo import` (cmd_import.c), whose descriptor and --help they share.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_import_log.h"
#include "cli/output.h"
#include "core/i18n.h"
#include "core/locfmt.h"
#include "core/tz.h"
#include "core/value.h"
#include "store/import_log.h"

/* The headings of the table for people (the JSON keys and CSV headers keep the names). */
static const char *const heading_words[] = {
    NC_("import", "id"),      NC_("import", "at"),      NC_("import", "by"),        NC_("import", "kind"),
    NC_("import", "file"),    NC_("import", "rows"),    NC_("import", "created"),   NC_("import", "updated"),
    NC_("import", "unchanged"), NC_("import", "rejected"), NC_("import", "undone"), NC_("import", "hash"),
};

static int list(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 1)
        return cli_usage_error(ctx, cmd, _("import list takes no argument (got '%s')"), argv[1]);
    static const out_column data_cols[] = {
        {"id", OUT_NUMBER},        {"at", OUT_TEXT},          {"by", OUT_TEXT},          {"kind", OUT_TEXT},
        {"file", OUT_TEXT},        {"rows", OUT_NUMBER},      {"created", OUT_NUMBER},   {"updated", OUT_NUMBER},
        {"unchanged", OUT_NUMBER}, {"rejected", OUT_NUMBER},  {"undone", OUT_TEXT},      {"hash", OUT_TEXT},
        {"size", OUT_NUMBER},      {"options", OUT_TEXT},     {"created_references", OUT_TEXT},
        {"history_archived", OUT_NUMBER},
    };
    /* A table shows the first 12 digits of the hash and leaves out size, options
     * and references; json and csv give everything. */
    int full = ctx->format != FORMAT_TABLE;
    size_t ncols = full ? sizeof data_cols / sizeof data_cols[0] : 12;
    out_column table_cols[sizeof data_cols / sizeof data_cols[0]];
    for (size_t k = 0; k < ncols; k++) {
        table_cols[k] = data_cols[k];
        if (!full)
            table_cols[k].name = i18n_pgettext("import", heading_words[k]);
    }
    store *st;
    int status = cli_open_store(ctx, STORE_READONLY, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    arena a;
    arena_init(&a, 0);
    tz *zone = NULL;
    locfmt *lf = NULL;
    import_log_row *rows = NULL;
    size_t n = 0;
    output *out = NULL;
    emb_code rc = tz_open(store_org(st)->timezone, &zone, &err);
    if (!rc && !full && locfmt_open(i18n_code(ctx->lang), store_org(st)->timezone, &lf, &err)) {
        lf = NULL; /* instants as data rather than nothing */
        emb_err_clear(&err);
    }
    if (!rc)
        rc = import_log_list(st, &a, &rows, &n, &err);
    if (!rc && !n && !full) { /* no table, only the message below */
        if (zone)
            tz_close(zone);
        locfmt_close(lf);
        arena_release(&a);
        store_close(st);
        fputs(_("no imports yet\n"), ctx->err);
        return 0;
    }
    if (!rc)
        rc = output_begin(ctx->out, ctx->format, table_cols, ncols, 0, &out, &err);
    for (size_t i = 0; i < n && !rc; i++) {
        const import_log_row *r = &rows[i];
        const char *c[16];
        const int64_t nums[] = {r->id,         r->rows,     r->created, r->updated,
                                r->unchanged, r->rejected, r->size,    r->archived};
        const int at[] = {0, 5, 6, 7, 8, 9, 12, 15};
        for (int k = 0; k < 8; k++)
            c[at[k]] = arena_printf(&a, "%lld", (long long)nums[k]);
        c[1] = lf ? locfmt_instant(lf, r->at, 0, &a) : value_format_instant(r->at, zone, 0, &a);
        c[2] = r->user;
        c[3] = full ? r->kind : _(r->kind);
        c[4] = r->file;
        c[10] = !r->undone_at ? NULL
                : lf          ? locfmt_instant(lf, r->undone_at, 0, &a)
                              : value_format_instant(r->undone_at, zone, 0, &a);
        c[11] = full || !r->hash ? r->hash : arena_printf(&a, "%.12s", r->hash);
        c[13] = r->options;
        c[14] = r->refs;
        rc = output_row(out, c, &err);
    }
    if (out && !rc)
        rc = output_end(out, &err);
    else
        output_abort(out);
    for (size_t i = 0; i < n && !rc && !full; i++)
        if (rows[i].archived)
            fprintf(ctx->err,
                    _("import %lld: its undo moved the history rows (%lld) of the deals it deleted to the table "
                      "deal_history_archive (see docs/import.md)\n"),
                    (long long)rows[i].id, (long long)rows[i].archived);
    if (rc)
        status = cli_fail(ctx, &err);
    if (zone)
        tz_close(zone);
    locfmt_close(lf);
    arena_release(&a);
    store_close(st);
    return status;
}

static int undo(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    long long id = 0;
    if (argc > 2)
        return cli_usage_error(ctx, cmd, _("import undo takes one ID at most (got '%s')"), argv[2]);
    if (argc == 2 && cli_parse_int(argv[1], 1, INT64_MAX, &id) != 0)
        return cli_usage_error(ctx, cmd, _("import undo '%s': give the id of an import (`embudo import list`)"),
                               argv[1]);
    store *st;
    int status = cli_open_store(ctx, 0, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    change_ctx cc = {.now = ctx->now};
    import_undo_result res;
    if (cli_author(ctx, st, &cc.author_id, &err) || import_log_undo(st, id, &cc, &res, &err)) {
        status = cli_fail(ctx, &err);
    } else if (ctx->format == FORMAT_JSON) {
        fprintf(ctx->out,
                "{\"import\": %lld, \"deleted\": %lld, \"restored\": %lld, \"history\": %lld, "
                "\"history_saved\": %lld, \"history_archived\": %lld}\n",
                (long long)res.id, (long long)res.deleted, (long long)res.restored, (long long)res.history,
                (long long)res.history_saved, (long long)res.history_archived);
    } else {
        fprintf(ctx->out, _("undid import %lld: deleted %lld records it created, restored %lld it changed\n"),
                (long long)res.id, (long long)res.deleted, (long long)res.restored);
        if (res.history_saved)
            fprintf(ctx->out,
                    _("the history of the deals it deleted (deals: %lld, rows: %lld) is kept in the table "
                      "deal_history_archive (see docs/import.md)\n"),
                    (long long)res.history_saved, (long long)res.history_archived);
    }
    store_close(st);
    return status;
}

int cmd_import_log(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    int help = 0, opt;
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {0}};
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c == 0)
            return cli_option_error(ctx, cmd, argv);
    }
    if (help)
        return 0;
    /* argv[0] is the subcommand; the rest are its arguments. */
    int nargs = argc - optind + 1;
    char **args = argv + optind - 1;
    args[0] = argv[0];
    if (!strcmp(argv[0], "list"))
        return list(cmd, ctx, nargs, args);
    return undo(cmd, ctx, nargs, args);
}
