/*
 * cmd_record.c - `embudo KIND add|list|show|update|delete`: one generic command
 * driven by the kind table (core/kind.h), with one descriptor per kind.
 *
 * Every write is one transaction with change_ctx.now = ctx->now. `delete` always
 * needs --yes (so scripts and pipes never delete by accident, and nothing waits for
 * a terminal), and refuses a record that other records still reference unless
 * --force is given (they are then unlinked, or deleted where the schema cascades).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/output.h"
#include "cli/record_cli.h"

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv);

#define RECORD_USAGE N_("usage: embudo KIND add|list|show|update|delete ... (see `embudo KIND --help`)\n")
#define RECORD_COMMAND(var, singular, plural, summary_text)                                     \
    const cli_command var = {.name = singular,                                                  \
                             .summary = summary_text,                                           \
                             .usage = RECORD_USAGE,                                             \
                             .run = run,                                                        \
                             .kind = plural}

RECORD_COMMAND(cmd_region, "region", "regions", N_("add, list, show, update or delete regions"));
RECORD_COMMAND(cmd_user, "user", "users", N_("add, list, show, update or delete users"));
RECORD_COMMAND(cmd_team, "team", "teams", N_("add, list, show, update or delete teams"));
RECORD_COMMAND(cmd_account, "account", "accounts", N_("add, list, show, update or delete accounts"));
RECORD_COMMAND(cmd_contact, "contact", "contacts", N_("add, list, show, update or delete contacts"));
RECORD_COMMAND(cmd_lead, "lead", "leads", N_("add, list, show, update or delete leads"));
RECORD_COMMAND(cmd_pipeline, "pipeline", "pipelines", N_("add, list, show, update or delete pipelines"));
RECORD_COMMAND(cmd_stage, "stage", "stages", N_("add, list, show, update or delete stages"));
RECORD_COMMAND(cmd_product, "product", "products", N_("add, list, show, update or delete products"));
RECORD_COMMAND(cmd_deal, "deal", "deals", N_("add, list, show, update or delete deals"));
RECORD_COMMAND(cmd_activity, "activity", "activities", N_("add, list, show, update or delete activities"));
RECORD_COMMAND(cmd_order, "order", "orders", N_("add, list, show, update or delete orders"));
RECORD_COMMAND(cmd_order_line, "order_line", "order_lines", N_("add, list, show, update or delete order lines"));
RECORD_COMMAND(cmd_goal, "goal", "goals", N_("add, list, show, update or delete goals"));
RECORD_COMMAND(cmd_expense, "expense", "expenses", N_("add, list, show, update or delete expenses"));
RECORD_COMMAND(cmd_rate, "rate", "rates", N_("add, list, show, update or delete exchange rates"));

enum action { ACT_ADD, ACT_LIST, ACT_SHOW, ACT_UPDATE, ACT_DELETE };

static const char *const action_names[] = {
    [ACT_ADD] = "add", [ACT_LIST] = "list", [ACT_SHOW] = "show", [ACT_UPDATE] = "update", [ACT_DELETE] = "delete",
};

/* Defaults: table lists stop here unless --limit says otherwise. */
#define TABLE_LIMIT 1000
#define MAX_ARGS 64
#define MAX_CONDS 32

typedef struct {
    enum action act;
    const char *id; /* show, update, delete */
    field_arg args[MAX_ARGS];
    size_t nargs;
    query_cond conds[MAX_CONDS];
    size_t nconds;
    const char *where[MAX_CONDS];
    size_t nwhere;
    const char *sort;
    int64_t limit; /* -1: default */
    int all_fields, yes, force, help;
} rec_args;

/* ---- help ------------------------------------------------------------------ */

static void print_help(const kind_def *kind, FILE *out)
{
    const char *k = kind->singular, *label = kind->label ? kind->label : "id";
    fprintf(out,
            _("usage: embudo %s add --FIELD VALUE ...\n"
            "       embudo %s list [--where FIELD=VALUE,...] [--sort [-]FIELD] [--limit N] [--all-fields]\n"
            "       embudo %s show ID\n"
            "       embudo %s update ID --FIELD VALUE ...\n"
            "       embudo %s delete ID --yes [--force]\n"
            "\n%s: %s.\nID is the external id, #N (the internal number) or the %s.\n"
            "Every action takes --db PATH, --format table|json|csv and --lang en|es.\n\n"),
            k, k, k, k, k, kind->name, _(kind->help), label);
    fputs(_("Writes take --as EMAIL, the user recorded as their author (default $EMBUDO_USER, else the\n"
            "organisation's owner).\n\n"),
          out);
    fputs(_("Fields (--FIELD VALUE or --FIELD=VALUE; an empty VALUE clears a field on update):\n"), out);
    for (size_t i = 0; i < kind->nfields; i++) {
        const field_def *f = &kind->fields[i];
        if (f->flags & FF_SECRET)
            continue;
        char type[64];
        if (f->type == FT_REF)
            snprintf(type, sizeof type, "-> %s", f->ref);
        else
            snprintf(type, sizeof type, "%s", _(field_type_name(f->type)));
        /* Required fields that the store fills by default say so in their (English) help. */
        int required = (f->flags & FF_REQUIRED) && rec_field_settable(f) && !strstr(f->help, "default");
        int pad = 14 - (int)output_text_width(type); /* in terminal cells: type names may hold accents */
        fprintf(out, "  %s%-18s %s%*s %s%s%s\n", rec_field_settable(f) ? "--" : "  ", f->name, type, pad > 0 ? pad : 0,
                "", _(f->help), required ? _(" (required)") : "", rec_field_settable(f) ? "" : _(" (computed)"));
    }
    fputs(_("\nlist options:\n"
          "  --where COND,...   FIELD=VALUE, FIELD!=VALUE, FIELD<VALUE, <=, >, >=; references by\n"
          "                     id, email or name; FIELD= (empty) for no value; on dates and times\n"
          "                     = takes a period: created=2026-Q3, closed=this-month;\n"
          "                     another field of the record compares with it:\n"
          "                     closed<expected_close; today is the current day:\n"
          "                     expected_close<today; deals: stale=true (as kpi stale_deals)\n"
          "  --sort [-]FIELD    order by a field, descending with '-' (default: as added)\n"
          "  --limit N          at most N records (table default 1000; 0: all)\n"
          "  --all-fields       every field instead of the main ones\n"
          "delete options:\n"
          "  --yes              required: confirms the deletion\n"
          "  --force            also when other records refer to it (they lose the reference)\n"),
          out);
}

/* ---- arguments ------------------------------------------------------------- */

/* Splits "--name=value" / "--name value"; returns the value or NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t *name_len)
{
    const char *eq = strchr(arg, '=');
    if (eq) {
        *name_len = (size_t)(eq - arg);
        return eq + 1;
    }
    *name_len = strlen(arg);
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int is_opt(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && !strncmp(name, want, len);
}

/* Parses argv after the action; returns 0, or an exit status after printing. */
static int parse_args(const cli_command *cmd, cli_ctx *ctx, const kind_def *kind, int argc, char **argv,
                      rec_args *ra)
{
    int no_more_options = 0;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (no_more_options || arg[0] != '-' || !arg[1]) {
            if (ra->act == ACT_ADD || ra->act == ACT_LIST || ra->id)
                return cli_usage_error(ctx, cmd, _("unexpected argument '%s'"), arg);
            ra->id = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            no_more_options = 1;
            continue;
        }
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            ra->help = 1;
            continue;
        }
        if (!strcmp(arg, "-y")) {
            ra->yes = 1;
            continue;
        }
        if (arg[1] != '-')
            return cli_usage_error(ctx, cmd, _("unknown option '%s'"), arg);
        const char *name = arg + 2;
        size_t len;
        /* Flags without values first. */
        if (!strcmp(name, "yes") && ra->act == ACT_DELETE) {
            ra->yes = 1;
            continue;
        }
        if (!strcmp(name, "force") && ra->act == ACT_DELETE) {
            ra->force = 1;
            continue;
        }
        if (!strcmp(name, "all-fields") && ra->act != ACT_ADD && ra->act != ACT_UPDATE) {
            ra->all_fields = 1;
            continue;
        }
        const char *value = option_value(argc, argv, &i, name, &len);
        int help = 0;
        if (is_opt(name, len, "db") || is_opt(name, len, "format") || is_opt(name, len, "lang") ||
            is_opt(name, len, "as")) {
            if (!value)
                return cli_usage_error(ctx, cmd, _("option '--%.*s' needs a value"), (int)len, name);
            int c = cli_common_option(cmd, ctx,
                                      is_opt(name, len, "db")     ? OPT_DB
                                      : is_opt(name, len, "lang") ? OPT_LANG
                                      : is_opt(name, len, "as")   ? OPT_AS
                                                                  : OPT_FORMAT,
                                      value, &help);
            if (c < 0)
                return 2;
            continue;
        }
        if (ra->act == ACT_LIST) {
            if (!value)
                return cli_usage_error(ctx, cmd, _("option '--%.*s' needs a value"), (int)len, name);
            if (is_opt(name, len, "where")) {
                if (ra->nwhere == MAX_CONDS)
                    return cli_usage_error(ctx, cmd, _("too many --where options"));
                ra->where[ra->nwhere++] = value;
            } else if (is_opt(name, len, "sort")) {
                ra->sort = value;
            } else if (is_opt(name, len, "limit")) {
                long long limit;
                if (cli_parse_int(value, 0, INT64_MAX, &limit))
                    return cli_usage_error(ctx, cmd, _("--limit '%s' must be a whole number (0: all)"), value);
                ra->limit = limit;
            } else {
                return cli_usage_error(ctx, cmd, _("unknown option '--%.*s' for list"), (int)len, name);
            }
            continue;
        }
        if (ra->act == ACT_ADD || ra->act == ACT_UPDATE) {
            int f = rec_field_by_name(kind, name, len);
            if (f < 0 || !rec_field_settable(&kind->fields[f])) {
                rec_env tmp = {.kind = kind};
                arena_init(&tmp.a, 1024);
                fprintf(ctx->err, _("embudo %s: %s '--%.*s'; the fields of a %s are: %s\n(see `embudo %s --help`)\n"),
                        cmd->name, f < 0 ? _("unknown field") : _("computed field, cannot be set:"), (int)len, name,
                        kind->singular, rec_field_list(&tmp, 0), cmd->name);
                arena_release(&tmp.a);
                return 2;
            }
            if (!value)
                return cli_usage_error(ctx, cmd, _("field '--%.*s' needs a value"), (int)len, name);
            for (size_t k = 0; k < ra->nargs; k++)
                if (ra->args[k].field == f)
                    return cli_usage_error(ctx, cmd, _("field '--%s' given twice"), kind->fields[f].name);
            if (ra->nargs == MAX_ARGS)
                return cli_usage_error(ctx, cmd, _("too many fields"));
            ra->args[ra->nargs++] = (field_arg){f, value};
            continue;
        }
        return cli_usage_error(ctx, cmd, _("unknown option '%s' for %s"), arg, action_names[ra->act]);
    }
    return 0;
}

/* ---- actions --------------------------------------------------------------- */

static int finish_write(rec_env *env, int64_t id)
{
    if (store_commit(env->st, &env->err))
        return rec_fail(env);
    return rec_print_show(env, id);
}

static int do_add(rec_env *env, rec_args *ra)
{
    if (ra->nargs == 0)
        return cli_usage_error(env->ctx, env->cmd, _("give the fields of the new %s: %s"), env->kind->singular,
                               rec_field_list(env, 0));
    if (store_begin(env->st, &env->err))
        return rec_fail(env);
    record *r = record_new(&env->a, env->kind);
    change_ctx cc = {.now = env->ctx->now};
    if (cli_author(env->ctx, env->st, &cc.author_id, &env->err)) {
        store_rollback(env->st);
        return rec_fail(env);
    }
    if (!r) {
        emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
    } else if (!rec_fill(env, ra->args, ra->nargs, NULL, r) && !store_record_insert(env->st, r, &cc, &env->err)) {
        return finish_write(env, r->id);
    }
    store_rollback(env->st);
    return rec_fail(env);
}

static int do_update(rec_env *env, rec_args *ra)
{
    if (ra->nargs == 0)
        return cli_usage_error(env->ctx, env->cmd, _("nothing to update; give --FIELD VALUE (fields: %s)"),
                               rec_field_list(env, 0));
    if (store_begin(env->st, &env->err))
        return rec_fail(env);
    int64_t id;
    record *before = NULL, *r = NULL;
    change_ctx cc = {.now = env->ctx->now};
    if (!cli_author(env->ctx, env->st, &cc.author_id, &env->err) && !rec_resolve(env, ra->id, &id) &&
        !store_record_get(env->st, env->kind, id, &env->a, &before, &env->err)) {
        r = record_new(&env->a, env->kind);
        if (!r) {
            emb_err_set(&env->err, EMB_NOMEM, _("out of memory"));
        } else {
            r->id = id;
            if (!rec_fill(env, ra->args, ra->nargs, before, r) && !store_record_update(env->st, r, &cc, &env->err))
                return finish_write(env, id);
        }
    }
    store_rollback(env->st);
    return rec_fail(env);
}

static int do_delete(rec_env *env, rec_args *ra)
{
    int64_t id;
    if (rec_resolve(env, ra->id, &id))
        return rec_fail(env);
    const char *name = ra->id; /* as the user named it */
    if (!ra->yes)
        return cli_usage_error(env->ctx, env->cmd, _("refusing to delete %s '%s' without --yes"), env->kind->singular,
                               name);
    if (store_begin(env->st, &env->err))
        return rec_fail(env);
    char refs[1024];
    int64_t total = 0;
    change_ctx cc = {.now = env->ctx->now};
    if (cli_author(env->ctx, env->st, &cc.author_id, &env->err) ||
        store_reference_count(env->st, env->kind, id, refs, sizeof refs, &total, &env->err))
        goto fail;
    int64_t in_deals = 0;
    if (!strcmp(env->kind->name, "products") && store_product_deal_count(env->st, id, &in_deals, &env->err))
        goto fail;
    if (in_deals) {
        /* The schema keeps a deal's products: no --force for these. */
        emb_err_set(&env->err, EMB_CONFLICT,
                    ngettext("product '%s' is among the products of %lld deal; it cannot be deleted "
                             "(set --active 0 to retire it)",
                             "product '%s' is among the products of %lld deals; it cannot be deleted "
                             "(set --active 0 to retire it)",
                             (unsigned long)in_deals),
                    name, (long long)in_deals);
        goto fail;
    }
    if (total && !ra->force) {
        emb_err_set(&env->err, EMB_CONFLICT,
                    _("%s '%s' is still referenced by %s; change or delete those first, or add --force to "
                    "unlink them"),
                    env->kind->singular, name, refs);
        goto fail;
    }
    if (store_record_delete(env->st, env->kind, id, &cc, &env->err))
        goto fail;
    if (store_commit(env->st, &env->err))
        return rec_fail(env);
    if (total)
        fprintf(env->ctx->err, _("deleted %s '%s'; unlinked %s\n"), env->kind->singular, name, refs);
    else
        fprintf(env->ctx->err, _("deleted %s '%s'\n"), env->kind->singular, name);
    return 0;
fail:
    store_rollback(env->st);
    return rec_fail(env);
}

/* Applies --where, --sort and --limit, then prints. */
static int do_list(rec_env *env, rec_args *ra)
{
    for (size_t w = 0; w < ra->nwhere; w++) {
        size_t n = 0;
        if (rec_parse_where(env, ra->where[w], ra->conds + ra->nconds, MAX_CONDS - ra->nconds, &n))
            return rec_fail(env);
        ra->nconds += n;
    }
    store_query q = {.conds = ra->conds, .nconds = ra->nconds, .sort_field = -1};
    if (ra->sort) {
        const char *s = ra->sort;
        if (*s == '-' || *s == '+')
            q.descending = *s++ == '-';
        int f = rec_field_by_name(env->kind, s, strlen(s));
        if (f < 0 || !env->kind->fields[f].column || (env->kind->fields[f].flags & FF_SECRET))
            return cli_usage_error(env->ctx, env->cmd, _("cannot sort by '%s'; fields: %s"), ra->sort,
                                   rec_field_list(env, 1));
        q.sort_field = f;
    }
    int64_t limit = ra->limit >= 0 ? ra->limit : env->ctx->format == FORMAT_TABLE ? TABLE_LIMIT : 0;
    /* Under the default limit, one more row tells whether to say there are more. */
    int64_t notice = ra->limit < 0 ? limit : 0;
    q.limit = notice ? limit + 1 : limit;
    return rec_print_list(env, &q, ra->all_fields, notice);
}

static int run(const cli_command *cmd, cli_ctx *ctx, int argc, char **argv)
{
    const kind_def *kind = kind_find(cmd->kind);
    if (!kind) {
        fprintf(ctx->err, _("embudo %s: internal error: no kind '%s'\n"), cmd->name, cmd->kind);
        return 1;
    }
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        print_help(kind, argc < 2 ? ctx->err : ctx->out);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(kind->name, "users") && !strcmp(argv[1], "passwd"))
        return cli_user_passwd(cmd, ctx, argc - 1, argv + 1);
    rec_args ra = {.limit = -1};
    size_t nact = sizeof action_names / sizeof action_names[0];
    for (ra.act = 0; (size_t)ra.act < nact && strcmp(argv[1], action_names[ra.act]); ra.act++)
        ;
    if ((size_t)ra.act == nact)
        return cli_usage_error(ctx, cmd, _("unknown action '%s'; use add, list, show, update or delete"), argv[1]);
    int status = parse_args(cmd, ctx, kind, argc, argv, &ra);
    if (status)
        return status;
    if (ra.help) {
        print_help(kind, ctx->out);
        return 0;
    }
    if ((ra.act == ACT_SHOW || ra.act == ACT_UPDATE || ra.act == ACT_DELETE) && !ra.id)
        return cli_usage_error(ctx, cmd, _("%s needs the ID of a %s (external id, #N or %s)"), action_names[ra.act],
                               kind->singular, kind->label ? kind->label : "id");
    rec_env env = {.cmd = cmd, .ctx = ctx, .kind = kind};
    if ((status = rec_env_open(&env, ra.act == ACT_LIST || ra.act == ACT_SHOW)))
        return status;
    switch (ra.act) {
    case ACT_ADD: status = do_add(&env, &ra); break;
    case ACT_LIST: status = do_list(&env, &ra); break;
    case ACT_SHOW: {
        int64_t id;
        status = rec_resolve(&env, ra.id, &id) ? rec_fail(&env) : rec_print_show(&env, id);
        break;
    }
    case ACT_UPDATE: status = do_update(&env, &ra); break;
    case ACT_DELETE: status = do_delete(&env, &ra); break;
    }
    rec_env_close(&env);
    return status;
}
