/* cmd_export.c - `embudo export KIND|all`: records to CSV or JSON files (io/export.h). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "io/export.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_export = {
    .name = "export",
    .summary = N_("write the records of a kind to CSV or JSON"),
    .usage = N_("usage: embudo export KIND [--format csv|json] [--excel] [--delimiter C] [--decimal point|comma]\n"
             "                           [-o FILE]\n"
             "       embudo export all -o DIR [--format csv|json] [--excel] ...\n"
             "\n"
             "Writes every record of KIND (deals, leads, accounts, contacts, activities,\n"
             "products, orders, order_lines, users, teams, goals, expenses, rates,\n"
             "regions, pipelines, stages) to standard output or to FILE, in the form\n"
             "`embudo import KIND FILE` reads back: importing an export into an empty\n"
             "database and exporting again gives the same file.\n"
             "\n"
             "Columns are the kind's field names (see `embudo KIND --help`) except\n"
             "secrets; computed ones (a deal's status) are for people and import ignores\n"
             "them. The id column holds each record's key: its external id, or #N (its\n"
             "internal number) when it has none. References name the record by its\n"
             "external id, else by a name that finds it (an account's name, a user's name\n"
             "or e-mail ...). Money has the currency's decimals with a '.', instants\n"
             "are ISO 8601 in the organisation's time zone, percentages are fractions.\n"
             "Deal history and deal products are not part of the deals file.\n"
             "\n"
             "  --format csv|json  CSV (RFC 4180, header line, CRLF; the default) or a JSON\n"
             "                     array of objects\n"
             "  --excel            CSV that Excel opens without asking: a UTF-8 byte-order mark,\n"
             "                     and for a Spanish organisation (init --locale es) ';'\n"
             "                     between cells and a decimal comma, else ',' and a point\n"
             "  --delimiter C      the CSV separator: ',' ';' 'tab' or '|' (overrides --excel)\n"
             "  --decimal point|comma  decimal separator of numbers in CSV (overrides --excel);\n"
             "                     import such a file back with --decimal comma\n"
             "  -o, --output FILE  write FILE atomically (a temporary file renamed at the end;\n"
             "                     a symlink is followed to its target, a device or FIFO is\n"
             "                     written directly, never replaced)\n"
             "  all -o DIR         one file per kind in DIR (created if missing), named\n"
             "                     KIND.csv, in the order to import them back\n"),
    .run = run,
};

static void list_kinds(FILE *f)
{
    fputs(_("kinds:"), f);
    for (const kind_def *const *k = kind_all(); *k; k++)
        fprintf(f, " %s", (*k)->name);
    fputs(", all\n", f);
}

static int export_all(cli_ctx *ctx, exporter *ex, export_format fmt, const char *dir, emb_err *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        emb_err_set(err, EMB_IO, _("cannot create directory '%s': %s"), dir, strerror(errno));
        return cli_fail(ctx, err);
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        emb_err_set(err, EMB_IO, _("'%s' is not a directory"), dir);
        return cli_fail(ctx, err);
    }
    for (const kind_def *const *k = kind_all(); *k; k++) {
        char name[64], path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, export_file_name(*k, fmt, name, sizeof name));
        int64_t rows;
        if (export_kind_file(ex, *k, fmt, path, &rows, err))
            return cli_fail(ctx, err);
        fprintf(ctx->err, _("exported %lld %s to %s\n"), (long long)rows, (*k)->name, path);
    }
    return 0;
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    enum { OPT_EXCEL = 1, OPT_DELIMITER, OPT_DECIMAL }; /* below the common options (1000...) */
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"excel", no_argument, NULL, OPT_EXCEL},
        {"delimiter", required_argument, NULL, OPT_DELIMITER},
        {"decimal", required_argument, NULL, OPT_DECIMAL},
        CLI_COMMON_OPTIONS,
        {0},
    };
    const char *output = NULL;
    int help = 0, opt, excel = 0;
    char delimiter = 0, decimal = 0;
    cli_options_begin();
    /* GNU getopt moves the kind after the options, wherever it was typed. */
    while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (opt == 'o') {
            output = optarg;
        } else if (opt == OPT_EXCEL) {
            excel = 1;
        } else if (opt == OPT_DELIMITER) {
            if (!strcmp(optarg, "tab") || !strcmp(optarg, "\\t"))
                delimiter = '\t';
            else if (strlen(optarg) == 1 && strchr(",;|\t", optarg[0]))
                delimiter = optarg[0];
            else
                return cli_usage_error(ctx, cmd, _("--delimiter '%s': use ',', ';', 'tab' or '|'"), optarg);
        } else if (opt == OPT_DECIMAL) {
            if (!strcmp(optarg, "point") || !strcmp(optarg, "dot"))
                decimal = '.';
            else if (!strcmp(optarg, "comma"))
                decimal = ',';
            else
                return cli_usage_error(ctx, cmd, _("--decimal '%s': use point (1234.56) or comma (1234,56)"), optarg);
        } else {
            return cli_option_error(ctx, cmd, argv);
        }
    }
    if (help)
        return 0;
    if (argc - optind > 1)
        return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), argv[optind + 1]);
    const char *kind_name = optind < argc ? argv[optind] : NULL;
    if (!kind_name) {
        cli_usage_error(ctx, cmd, _("name the kind to export"));
        list_kinds(ctx->err);
        return 2;
    }
    if (ctx->format == FORMAT_TABLE && ctx->format_given)
        return cli_usage_error(ctx, cmd, _("export writes csv or json, not table"));
    export_format fmt = ctx->format == FORMAT_JSON ? EXPORT_JSON : EXPORT_CSV;
    if (fmt == EXPORT_JSON && (excel || delimiter || decimal))
        return cli_usage_error(ctx, cmd, _("--excel, --delimiter and --decimal are for CSV, not json"));
    int all = !strcmp(kind_name, "all");
    const kind_def *kind = all ? NULL : kind_find(kind_name);
    if (!all && !kind) {
        cli_usage_error(ctx, cmd, _("unknown kind '%s'"), kind_name);
        list_kinds(ctx->err);
        return 2;
    }
    if (all && !output)
        return cli_usage_error(ctx, cmd, _("export all needs -o DIR"));
    if (output && !*output)
        return cli_usage_error(ctx, cmd, _("-o needs a file name"));

    store *st;
    int status = cli_open_store(ctx, STORE_READONLY, &st);
    if (status)
        return status;
    emb_err err;
    emb_err_clear(&err);
    exporter *ex = NULL;
    int64_t rows = 0;
    if (export_open(st, &ex, &err)) {
        status = cli_fail(ctx, &err);
        goto done;
    }
    export_csv_style style = excel ? export_excel_style(store_org(st)->locale) : (export_csv_style){0};
    if (delimiter)
        style.delimiter = delimiter;
    if (decimal)
        style.decimal = decimal;
    export_set_csv_style(ex, &style);
    if (all) {
        status = export_all(ctx, ex, fmt, output, &err);
    } else if (output) {
        if (export_kind_file(ex, kind, fmt, output, &rows, &err))
            status = cli_fail(ctx, &err);
        else
            fprintf(ctx->err, _("exported %lld %s to %s\n"), (long long)rows, kind->name, output);
    } else {
        setvbuf(ctx->out, NULL, _IOFBF, 1 << 20); /* nothing was written to it yet */
        if (export_kind(ex, kind, fmt, ctx->out, &rows, &err))
            status = cli_fail(ctx, &err);
    }
done:
    export_close(ex);
    store_close(st);
    return status;
}
