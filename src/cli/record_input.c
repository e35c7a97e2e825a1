/*
 * record_input.c - the store and organisation a record command works in, and what
 * it reads from the command line, through the library's io/record_text.h. See
 * record_cli.h.
 */
#include <stdint.h>
#include <string.h>

#include "cli/record_cli.h"

int rec_env_open(rec_env *env, int readonly)
{
    arena_init(&env->a, 16 * 1024);
    emb_err_clear(&env->err);
    int status = cli_open_store(env->ctx, readonly ? STORE_READONLY : 0, &env->st);
    if (status)
        return status;
    if (rtext_org_open(&env->org, store_org(env->st), env->ctx->now, &env->err)) {
        store_close(env->st);
        env->st = NULL;
        return rec_fail(env);
    }
    return 0;
}

void rec_env_close(rec_env *env)
{
    rtext_org_close(&env->org);
    store_close(env->st);
    arena_release(&env->a);
}

int rec_fail(rec_env *env)
{
    int status = cli_fail(env->ctx, &env->err);
    emb_err_clear(&env->err);
    return status;
}

/* The library's context for env: its store, kind and organisation, CLI hints. */
static rtext text_of(rec_env *env)
{
    return (rtext){.st = env->st, .kind = env->kind, .org = &env->org, .a = &env->a, .err = &env->err,
                   .flags = RTEXT_CLI_HINTS};
}

const char *rec_field_list(rec_env *env, int stored) { return rtext_field_list(env->kind, stored, &env->a); }

emb_code rec_resolve(rec_env *env, const char *key, int64_t *id)
{
    rtext t = text_of(env);
    return rtext_resolve(&t, key, id);
}

emb_code rec_fill(rec_env *env, const field_arg *args, size_t nargs, const record *before, record *r)
{
    rtext t = text_of(env);
    return rtext_fill(&t, args, nargs, before, r);
}

emb_code rec_parse_where(rec_env *env, const char *text, query_cond *conds, size_t max, size_t *n)
{
    rtext t = text_of(env);
    return rtext_parse_where(&t, text, conds, max, n);
}
