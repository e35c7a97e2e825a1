/* cmd_import.c - `embudo import KIND FILE`: import records from a CSV file (see io/import.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_import_log.h"
#include "io/import.h"
#include "io/import_params.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

const cli_command cmd_import = {
    .name = "import",
    .summary = N_("import records from a CSV file"),
    .usage =
        N_("usage: embudo import KIND FILE [options]\n"
        "       embudo import --fields KIND\n"
        "       embudo import list            every import: file, hash, options, counts, who, when\n"
        "       embudo import undo [ID]       take import ID (default: the latest in effect) back\n"
        "\n"
        "Imports records of KIND (deals, leads, accounts, contacts, users, teams, regions,\n"
        "products, orders, order_lines, activities, goals, expenses, rates, pipelines,\n"
        "stages) from a CSV file: UTF-8 with or without a byte-order mark (windows-1252,\n"
        "latin1 and UTF-16 are detected and converted), comma, semicolon or tab separated,\n"
        "any line ends. Columns are matched to fields by name or by\n"
        "English and Spanish synonyms (`embudo import --fields KIND` lists them). The\n"
        "import is one transaction: every row or none. Importing the same file again\n"
        "updates what it created and never duplicates (rows are keyed by their id);\n"
        "rows whose record already holds their values are counted as unchanged and\n"
        "write nothing. Every import that writes is recorded and can be undone: undo\n"
        "deletes what it created and restores what it changed, unless later changes\n"
        "touched the same records (it then names one and changes nothing).\n"
        "\n"
        "  --map FIELD=COLUMN,...     take FIELD from COLUMN; join columns with '+'\n"
        "                             (--map name=first_name+last_name); FIELD= leaves the\n"
        "                             field out even if a header matches it; #N names the\n"
        "                             N-th column (two columns with the same header);\n"
        "                             REF.FIELD names a field of a record the row refers to,\n"
        "                             created by --create-missing (account.name=Customer Name)\n"
        "  --set FIELD=VALUE,...      FIELD is VALUE on every row, whatever its column says\n"
        "  --default FIELD=VALUE,...  VALUE fills the empty cells of FIELD (or every row when\n"
        "                             no column gives it)\n"
        "  --stage-map TEXT=STAGE,... read the file's stage TEXT as the pipeline's STAGE\n"
        "  --create-stages AFTER      add the file's unknown stages to the pipeline, after\n"
        "                             stage AFTER (--create-missing never creates stages)\n"
        "  --value-map FIELD:FROM=TO,...  read the cell text FROM of FIELD as TO\n"
        "                             (--value-map category:1=Beverages,category:2=Condiments);\n"
        "                             FIELD=FILE:KEY_COLUMN:VALUE_COLUMN reads the pairs from a\n"
        "                             CSV file (--value-map category=cats.csv:id:name)\n"
        "  --date-format FMT          d/m/Y, m/d/Y, Y-m-d or a format such as %d.%m.%Y\n"
        "                             (default: ISO, or detected over each whole column)\n"
        "  --decimal point|comma      decimal separator of numbers (default: decided per\n"
        "                             column from its values and the organisation's locale)\n"
        "  --encoding ENC             the file's encoding: utf-8, windows-1252, latin1 or\n"
        "                             utf-16 (default: detected, and refused when unclear)\n"
        "  --create-missing           create referenced accounts, users, products, teams ...\n"
        "                             that do not exist yet, instead of reporting them, with\n"
        "                             the fields of theirs the same row gives (a flat sales\n"
        "                             sheet loads its accounts, products and orders too)\n"
        "  --last-wins                a key repeated with other values takes the later row's\n"
        "                             (without it the import is refused naming both rows)\n"
        "  --dry-run                  check every row and report, writing nothing\n"
        "  --skip-invalid FILE        import the valid rows; write the others to FILE with a\n"
        "                             'reason' column (without it, any invalid row fails\n"
        "                             the whole import)\n"
        "  --fields                   list the fields of KIND, their types and headers\n"
        "  --format table|json        the summary's format\n"
        "\n"
        "Example: embudo import deals pipeline.csv --map owner=Vendedor --create-missing\n"),
    .run = run,
};

enum {
    OPT_MAP = 1,
    OPT_SET,
    OPT_DEFAULT,
    OPT_STAGE_MAP,
    OPT_CREATE_STAGES,
    OPT_VALUE_MAP,
    OPT_DATE_FORMAT,
    OPT_DECIMAL,
    OPT_CREATE,
    OPT_LAST_WINS,
    OPT_DRY,
    OPT_SKIP,
    OPT_FIELDS,
    OPT_ENCODING
};

typedef struct {
    FILE *err;
    int shown;
} progress_state;

static void show_progress(void *ud, const import_progress *p)
{
    progress_state *ps = ud;
    double rate = p->seconds > 0 ? (double)p->rows / p->seconds : 0;
    fputc('\r', ps->err);
    if (p->size > 0)
        fprintf(ps->err, _("  %lld rows  %3d%%  %.0f rows/s "), (long long)p->rows,
                (int)(100.0 * (double)p->bytes / (double)p->size), rate);
    else
        fprintf(ps->err, _("  %lld rows  %.0f rows/s "), (long long)p->rows, rate);
    fflush(ps->err);
    ps->shown = 1;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void print_table(cli_ctx *ctx, const import_opts *o, const import_summary *s)
{
    FILE *out = ctx->out;
    double rate = s->seconds > 0 ? (double)s->rows / s->seconds : 0;
    const char *kind = _(o->kind->name); /* the kinds' plural names are in the catalogue (record_print.c) */
    unsigned long n = (unsigned long)s->rows;
    if (o->dry_run)
        fprintf(out,
                ngettext("checked %lld row of %s from %s in %.2f s (%.0f rows/s); dry run: nothing was written\n",
                         "checked %lld rows of %s from %s in %.2f s (%.0f rows/s); dry run: nothing was written\n", n),
                (long long)s->rows, kind, base_name(o->path), s->seconds, rate);
    else
        fprintf(out,
                ngettext("imported %lld row of %s from %s in %.2f s (%.0f rows/s)\n",
                         "imported %lld rows of %s from %s in %.2f s (%.0f rows/s)\n", n),
                (long long)s->rows, kind, base_name(o->path), s->seconds, rate);
    fprintf(out, _("  created %lld, updated %lld, repeated %lld, rejected %lld, unchanged %lld\n"),
            (long long)s->created, (long long)s->updated, (long long)s->repeated, (long long)s->rejected,
            (long long)s->unchanged);
    if (s->import_id)
        fprintf(out, _("  recorded as import %lld (undo it with `embudo import undo %lld`)\n"),
                (long long)s->import_id, (long long)s->import_id);
    else if (!o->dry_run)
        fputs(_("  nothing changed: nothing was written\n"), out);
    if (s->rejected && o->rejects_path && !o->dry_run)
        fprintf(out, _("  rejected rows written to %s\n"), o->rejects_path);
    for (int stages = 0; stages < 2; stages++) {
        int shown = 0;
        for (size_t i = 0; i < s->nrefs_created; i++) {
            if ((strcmp(s->refs_created[i].kind, "stages") == 0) != stages)
                continue;
            const char *head = stages ? _("  created by --create-stages:") : _("  created by --create-missing:");
            fprintf(out, "%s %lld %s", shown++ ? "," : head, (long long)s->refs_created[i].count,
                    _(s->refs_created[i].kind));
        }
        if (shown)
            fputc('\n', out);
    }
    if (s->encoding)
        fprintf(out, _("  encoding: %s (detected; --encoding chooses another)\n"), s->encoding);
    if (s->dates_locale)
        fprintf(out,
                s->dates_order == DATE_DMY
                    ? _("  dates read day/month/year (organisation's locale %s); --date-format to change\n")
                    : _("  dates read month/day/year (organisation's locale %s); --date-format to change\n"),
                s->dates_locale);
    fputs(_("  columns:"), out);
    for (size_t i = 0; i < s->nmapping; i++)
        fprintf(out, "%s %s", i ? "," : "", s->mapping[i]);
    fputc('\n', out);
    if (s->nignored) {
        fputs(_("  ignored columns:"), out);
        for (size_t i = 0; i < s->nignored; i++)
            fprintf(out, "%s %s", i ? "," : "", s->ignored[i]);
        fputc('\n', out);
    }
    for (size_t i = 0; i < s->nleft_out; i++)
        if (s->left_out_by_values[i]) /* the others are in "ignored columns" */
            fprintf(out, _("  left out: %s (%s)\n"), s->left_out[i], s->left_out_why[i]);
}

static void print_json(cli_ctx *ctx, const import_opts *o, const import_summary *s)
{
    json_t *j = import_summary_json(o, s);
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        fprintf(ctx->out, "%s\n", text);
    free(text);
    json_decref(j);
}

static int list_kinds_error(cli_ctx *ctx, const cli_command *cmd, const char *name)
{
    char list[512];
    size_t n = 0;
    for (const kind_def *const *k = kind_all(); *k && n < sizeof list; k++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", (*k)->name);
    return cli_usage_error(ctx, cmd, _("unknown kind '%s'; kinds: %s"), name, list);
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"map", required_argument, NULL, OPT_MAP},
        {"set", required_argument, NULL, OPT_SET},
        {"default", required_argument, NULL, OPT_DEFAULT},
        {"create-stages", required_argument, NULL, OPT_CREATE_STAGES},
        {"last-wins", no_argument, NULL, OPT_LAST_WINS},
        {"stage-map", required_argument, NULL, OPT_STAGE_MAP},
        {"value-map", required_argument, NULL, OPT_VALUE_MAP},
        {"date-format", required_argument, NULL, OPT_DATE_FORMAT},
        {"decimal", required_argument, NULL, OPT_DECIMAL},
        {"create-missing", no_argument, NULL, OPT_CREATE},
        {"dry-run", no_argument, NULL, OPT_DRY},
        {"skip-invalid", required_argument, NULL, OPT_SKIP},
        {"fields", no_argument, NULL, OPT_FIELDS},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        CLI_COMMON_OPTIONS,
        {0},
    };
    if (argc > 1 && (!strcmp(argv[1], "list") || !strcmp(argv[1], "undo")))
        return cmd_import_log(cmd, ctx, argc - 1, argv + 1);
    import_opts o = {.now = ctx->now};
    arena a;
    arena_init(&a, 0);
    import_params ip;
    import_params_init(&ip, &o, &a, 1);
    emb_err err;
    emb_err_clear(&err);
    int help = 0, fields = 0, opt, status = 0;
    cli_options_begin();
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int c = cli_common_option(cmd, ctx, opt, optarg, &help);
        if (c < 0) {
            status = 2;
            goto done;
        }
        if (c > 0)
            continue;
        emb_code rc = EMB_OK;
        const char *key = NULL; /* an option of the import's own (io/import_params.h) */
        switch (opt) {
        case OPT_MAP: key = "map"; break;
        case OPT_SET: key = "set"; break;
        case OPT_DEFAULT: key = "default"; break;
        case OPT_CREATE_STAGES: key = "create_stages"; break;
        case OPT_LAST_WINS: key = "last_wins"; break;
        case OPT_STAGE_MAP: key = "stage_map"; break;
        case OPT_VALUE_MAP: key = "value_map"; break;
        case OPT_DATE_FORMAT: key = "date_format"; break;
        case OPT_DECIMAL: key = "decimal"; break;
        case OPT_CREATE: key = "create_missing"; break;
        case OPT_DRY: key = "dry_run"; break;
        case OPT_ENCODING: key = "encoding"; break;
        case OPT_SKIP:
            o.rejects_path = optarg;
            break;
        case OPT_FIELDS:
            fields = 1;
            break;
        default:
            status = cli_option_error(ctx, cmd, argv);
            goto done;
        }
        if (key)
            rc = import_params_set(&ip, key, optarg, &err);
        if (rc) {
            status = cli_usage_error(ctx, cmd, "%s", err.msg);
            goto done;
        }
    }
    if (help)
        goto done;
    if (fields) {
        if (argc - optind != 1) {
            status = cli_usage_error(ctx, cmd, _("--fields needs one KIND"));
            goto done;
        }
        const kind_def *k = kind_find(argv[optind]);
        if (!k) {
            status = list_kinds_error(ctx, cmd, argv[optind]);
            goto done;
        }
        import_print_fields(k, ctx->format == FORMAT_JSON, ctx->out);
        goto done;
    }
    if (argc - optind != 2) {
        status = cli_usage_error(ctx, cmd, argc - optind < 2 ? _("expected KIND and FILE") : _("unexpected argument '%s'"),
                                 argv[optind + 2 < argc ? optind + 2 : optind]);
        goto done;
    }
    o.kind = kind_find(argv[optind]);
    if (!o.kind) {
        status = list_kinds_error(ctx, cmd, argv[optind]);
        goto done;
    }
    o.path = argv[optind + 1];
    o.log_options = (const char *const *)argv + 1; /* getopt_long moved the options first */
    o.nlog_options = (size_t)(optind - 1);
    progress_state ps = {ctx->err, 0};
    if (isatty(fileno(ctx->err))) {
        o.progress = show_progress;
        o.progress_ud = &ps;
    }

    /* The file and the mapping first: a wrong --map or file touches no database. */
    import_summary sum;
    import_job *job = NULL;
    if (import_open(&o, &sum, &job, &err)) {
        import_summary_release(&sum);
        status = cli_fail(ctx, &err);
        goto done;
    }
    store *st = NULL;
    status = cli_open_store(ctx, 0, &st); /* only init creates a database: its currency and zone matter */
    if (!status && cli_author(ctx, st, &o.author_id, &err)) { /* o is the job's options */
        status = err.code == EMB_USAGE ? cli_usage_error(ctx, cmd, "%s", err.msg) : cli_fail(ctx, &err);
        store_close(st);
    } else if (!status) {
        emb_code rc = import_run(job, st, &err);
        if (ps.shown)
            fputs("\r\033[K", ctx->err);
        if (ctx->format == FORMAT_JSON)
            print_json(ctx, &o, &sum);
        else if (!rc)
            print_table(ctx, &o, &sum);
        if (rc) {
            for (size_t i = 0; i < sum.nerrors; i++)
                fprintf(ctx->err, _("embudo: error: %s\n"), sum.errors[i]);
            if (sum.errors_hidden)
                fprintf(ctx->err,
                        ngettext("embudo: (%lld more error not shown)\n", "embudo: (%lld more errors not shown)\n",
                                 (unsigned long)sum.errors_hidden),
                        (long long)sum.errors_hidden);
            status = cli_fail(ctx, &err);
        } else if (sum.rejected) {
            for (size_t i = 0; i < sum.nerrors; i++)
                fprintf(ctx->err, _("embudo: warning: %s\n"), sum.errors[i]);
        }
        store_close(st);
    }
    import_close(job);
    import_summary_release(&sum);
done:
    import_params_release(&ip);
    arena_release(&a);
    return status;
}
