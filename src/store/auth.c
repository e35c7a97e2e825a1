/* auth.c - passwords and API tokens; see auth.h. */
#include "store/auth.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/i18n.h"
#include "core/kind.h"
#include "store/store_internal.h"

static const char *const roles[] = {"viewer", "rep", "manager", "admin"};

int auth_role_rank(const char *role)
{
    for (int i = 0; role && i < 4; i++)
        if (!strcmp(role, roles[i]))
            return i;
    return -1;
}

emb_code auth_password_policy(const char *pw, const char *email, const char *name, emb_err *err)
{
    size_t len = strlen(pw);
    if (len < AUTH_PASSWORD_MIN)
        return emb_err_set(err, EMB_INVALID, _("a password needs at least %d characters"), AUTH_PASSWORD_MIN);
    if (len > AUTH_PASSWORD_MAX)
        return emb_err_set(err, EMB_INVALID, _("a password has at most %d characters"), AUTH_PASSWORD_MAX);
    if ((email && !strcasecmp(pw, email)) || (name && !strcasecmp(pw, name)))
        return emb_err_set(err, EMB_INVALID, _("a password must not be the user's email or name"));
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        if (*p < ' ' || *p == 0x7f)
            return emb_err_set(err, EMB_INVALID, _("a password must not hold control characters (a line break?)"));
    return EMB_OK;
}

static emb_code prepare(store *st, const char *sql, sqlite3_stmt **s, emb_err *err)
{
    if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, s, NULL) != SQLITE_OK)
        return store_sql_error(st, _("credentials"), err);
    return EMB_OK;
}

/* The user's email, name, role and whether active, into a; EMB_NOT_FOUND if none. */
static emb_code user_row(store *st, int64_t id, arena *a, const char **email, const char **name, const char **role,
                         int *active, emb_err *err)
{
    sqlite3_stmt *s;
    if (prepare(st, "SELECT email, name, role, active FROM users WHERE id = ?1", &s, err))
        return err->code;
    sqlite3_bind_int64(s, 1, id);
    emb_code rc = EMB_OK;
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *e = (const char *)sqlite3_column_text(s, 0);
        *email = e ? arena_strdup(a, e) : NULL;
        *name = arena_strdup(a, (const char *)sqlite3_column_text(s, 1));
        *role = arena_strdup(a, (const char *)sqlite3_column_text(s, 2));
        *active = sqlite3_column_int(s, 3);
        if (!*name || !*role)
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
    } else {
        rc = emb_err_set(err, EMB_NOT_FOUND, _("no user #%lld"), (long long)id);
    }
    sqlite3_finalize(s);
    return rc;
}

static emb_code audit(store *st, const char *action, int64_t user_id, const char *detail, const change_ctx *ctx,
                      emb_err *err)
{
    return records__audit(st, kind_find("users"), action, user_id, detail, ctx, err);
}

emb_code store_user_set_password(store *st, int64_t user_id, const char *pw, const change_ctx *ctx, emb_err *err)
{
    arena a;
    arena_init(&a, 1024);
    const char *email, *name, *role;
    int active;
    emb_code rc = user_row(st, user_id, &a, &email, &name, &role, &active, err);
    if (!rc)
        rc = auth_password_policy(pw, email, name, err);
    char hash[crypto_pwhash_STRBYTES];
    if (!rc && (sodium_init() < 0 || crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0))
        rc = emb_err_set(err, EMB_NOMEM, _("cannot hash the password (out of memory?)"));
    sqlite3_stmt *s = NULL;
    if (!rc && !prepare(st, "UPDATE users SET password_hash = ?1 WHERE id = ?2", &s, err)) {
        sqlite3_bind_text(s, 1, hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, user_id);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_sql_error(st, _("credentials"), err);
        sqlite3_finalize(s);
    } else if (!rc) {
        rc = err->code;
    }
    sodium_memzero(hash, sizeof hash);
    if (!rc)
        rc = audit(st, "password", user_id, NULL, ctx, err);
    arena_release(&a);
    return rc;
}

int store_user_check_password(store *st, int64_t user_id, const char *pw, emb_err *err)
{
    /* A user without a password is checked against the hash of a random password
     * nobody kept (made once with these parameters), so that the answer takes as
     * long as for one with a password. */
    static const char decoy[] = "$argon2id$v=19$m=65536,t=2,p=1$h2saDhc6b+gjcolqYb6D5A$"
                                "vL6Kp1XQJrtjt+P2afaeBNO+n83mh0l+BZmPFXXmg0I";
    sqlite3_stmt *s;
    if (prepare(st, "SELECT password_hash FROM users WHERE id = ?1 AND active = 1", &s, err))
        return -1;
    sqlite3_bind_int64(s, 1, user_id);
    char hash[crypto_pwhash_STRBYTES];
    int have = 0;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
        snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(s, 0));
        have = 1;
    }
    sqlite3_finalize(s);
    if (sodium_init() < 0)
        return emb_err_set(err, EMB_INTERNAL, _("libsodium cannot start")), -1;
    int ok = crypto_pwhash_str_verify(have ? hash : decoy, pw, strlen(pw)) == 0;
    return have && ok;
}

/* BLAKE2b-256 of token, hex, into out (65 bytes). */
static void token_hash(const char *token, char out[65])
{
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, digest, sizeof digest);
}

emb_code store_token_create(store *st, int64_t user_id, const char *role, const char *name, const change_ctx *ctx,
                            char token[AUTH_TOKEN_SIZE], int64_t *id, emb_err *err)
{
    token[0] = '\0';
    *id = 0;
    arena a;
    arena_init(&a, 1024);
    const char *email, *uname, *urole;
    int active;
    emb_code rc = user_row(st, user_id, &a, &email, &uname, &urole, &active, err);
    if (!rc && !active)
        rc = emb_err_set(err, EMB_INVALID, _("%s is not active; a token of theirs would not work"), uname);
    if (!rc && role && auth_role_rank(role) < 0)
        rc = emb_err_set(err, EMB_INVALID, _("there is no role '%s'; use admin, manager, rep or viewer"), role);
    if (!rc && role && auth_role_rank(role) > auth_role_rank(urole))
        rc = emb_err_set(err, EMB_INVALID, _("%s is a %s: a token of theirs cannot be %s"), uname, urole, role);
    if (rc) {
        arena_release(&a);
        return rc;
    }
    unsigned char secret[32];
    if (sodium_init() < 0) {
        arena_release(&a);
        return emb_err_set(err, EMB_INTERNAL, _("libsodium cannot start"));
    }
    randombytes_buf(secret, sizeof secret);
    memcpy(token, "emb_", 4);
    sodium_bin2base64(token + 4, AUTH_TOKEN_SIZE - 4, secret, sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(secret, sizeof secret);
    char hash[65], prefix[AUTH_TOKEN_PREFIX + 1];
    token_hash(token, hash);
    snprintf(prefix, sizeof prefix, "%s", token);
    sqlite3_stmt *s;
    if (!(rc = prepare(st, "INSERT INTO api_tokens (user_id, name, prefix, hash, role, created) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       &s, err))) {
        sqlite3_bind_int64(s, 1, user_id);
        sqlite3_bind_text(s, 2, name && *name ? name : "token", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, prefix, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, role ? role : urole, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, ctx->now);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_sql_error(st, _("credentials"), err);
        else
            *id = sqlite3_last_insert_rowid(store_sqlite(st));
        sqlite3_finalize(s);
    }
    char detail[256];
    snprintf(detail, sizeof detail, "{\"token\":%lld,\"prefix\":\"%s\",\"role\":\"%s\"}", (long long)*id, prefix,
             role ? role : urole);
    if (!rc)
        rc = audit(st, "token-create", user_id, detail, ctx, err);
    if (rc)
        sodium_memzero(token, AUTH_TOKEN_SIZE);
    arena_release(&a);
    return rc;
}

emb_code store_token_list(store *st, arena *a, auth_token_info **out, size_t *n, emb_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s;
    if (prepare(st, "SELECT t.id, t.user_id, u.email, t.name, t.prefix, t.role, t.created, t.last_used, t.revoked "
                    "FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id",
                &s, err))
        return err->code;
    size_t cap = 0;
    emb_code rc = EMB_OK;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            auth_token_info *t = arena_alloc(a, ncap * sizeof *t);
            if (!t) {
                rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
                break;
            }
            if (*n)
                memcpy(t, *out, *n * sizeof *t);
            *out = t;
            cap = ncap;
        }
        auth_token_info *t = &(*out)[(*n)++];
        const char *email = (const char *)sqlite3_column_text(s, 2);
        *t = (auth_token_info){
            .id = sqlite3_column_int64(s, 0),
            .user_id = sqlite3_column_int64(s, 1),
            .user_email = email ? arena_strdup(a, email) : "",
            .name = arena_strdup(a, (const char *)sqlite3_column_text(s, 3)),
            .prefix = arena_strdup(a, (const char *)sqlite3_column_text(s, 4)),
            .role = arena_strdup(a, (const char *)sqlite3_column_text(s, 5)),
            .created = sqlite3_column_int64(s, 6),
            .last_used = sqlite3_column_int64(s, 7),
            .revoked = sqlite3_column_int64(s, 8),
        };
        if (!t->user_email || !t->name || !t->prefix || !t->role) {
            rc = emb_err_set(err, EMB_NOMEM, _("out of memory"));
            break;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = store_sql_error(st, _("credentials"), err);
    sqlite3_finalize(s);
    return rc;
}

emb_code store_token_revoke(store *st, int64_t id, const change_ctx *ctx, emb_err *err)
{
    sqlite3_stmt *s;
    if (prepare(st, "SELECT user_id, revoked FROM api_tokens WHERE id = ?1", &s, err))
        return err->code;
    sqlite3_bind_int64(s, 1, id);
    int64_t user_id = 0;
    int revoked = 0;
    int found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        user_id = sqlite3_column_int64(s, 0);
        revoked = sqlite3_column_type(s, 1) != SQLITE_NULL;
    }
    sqlite3_finalize(s);
    if (!found)
        return emb_err_set(err, EMB_NOT_FOUND, _("there is no token #%lld; `embudo token list` shows them"),
                           (long long)id);
    if (revoked)
        return emb_err_set(err, EMB_CONFLICT, _("token #%lld is revoked already"), (long long)id);
    if (prepare(st, "UPDATE api_tokens SET revoked = ?2 WHERE id = ?1", &s, err))
        return err->code;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, ctx->now);
    emb_code rc = sqlite3_step(s) == SQLITE_DONE ? EMB_OK : store_sql_error(st, _("credentials"), err);
    sqlite3_finalize(s);
    char detail[64];
    snprintf(detail, sizeof detail, "{\"token\":%lld}", (long long)id);
    return rc ? rc : audit(st, "token-revoke", user_id, detail, ctx, err);
}

emb_code store_token_check(store *st, const char *token, int64_t now, int64_t *user_id, char role[16], emb_err *err)
{
    if (strncmp(token, "emb_", 4) || strlen(token) != AUTH_TOKEN_SIZE - 1)
        return emb_err_set(err, EMB_NOT_FOUND, _("the token is not valid"));
    char hash[65];
    token_hash(token, hash);
    sqlite3_stmt *s;
    if (prepare(st, "SELECT t.id, t.user_id, t.role, coalesce(t.last_used, 0) FROM api_tokens t "
                    "JOIN users u ON u.id = t.user_id WHERE t.hash = ?1 AND t.revoked IS NULL AND u.active = 1",
                &s, err))
        return err->code;
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    int64_t id = 0, last_used = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        *user_id = sqlite3_column_int64(s, 1);
        snprintf(role, 16, "%s", (const char *)sqlite3_column_text(s, 2));
        last_used = sqlite3_column_int64(s, 3);
    }
    sqlite3_finalize(s);
    if (!id)
        return emb_err_set(err, EMB_NOT_FOUND, _("the token is not valid"));
    /* The last use is kept to the minute: a request within a minute of the last
     * one written stays a read, and takes no write lock from the writers. */
    if (last_used && now >= last_used && now - last_used < AUTH_LAST_USED_SECONDS)
        return EMB_OK;
    if (!prepare(st, "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1", &s, err)) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, now);
        sqlite3_step(s); /* best effort: a read-only store still authenticates */
        sqlite3_finalize(s);
    }
    return EMB_OK;
}

/* ---- sessions ---------------------------------------------------------------------- */

/* A random token: prefix (4 characters) and 43 characters of base64url. */
static void random_token(const char prefix[5], char out[AUTH_TOKEN_SIZE])
{
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    size_t n = strlen(prefix);
    memcpy(out, prefix, n);
    sodium_bin2base64(out + n, AUTH_TOKEN_SIZE - n, secret, sizeof secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(secret, sizeof secret);
}

static emb_code exec_bind(store *st, const char *sql, int64_t a, int64_t b, int64_t c, int64_t d, emb_err *err)
{
    sqlite3_stmt *s;
    if (prepare(st, sql, &s, err))
        return err->code;
    const int64_t v[4] = {a, b, c, d};
    for (int i = 0; i < sqlite3_bind_parameter_count(s) && i < 4; i++)
        sqlite3_bind_int64(s, i + 1, v[i]);
    emb_code rc = sqlite3_step(s) == SQLITE_DONE ? EMB_OK : store_sql_error(st, _("credentials"), err);
    sqlite3_finalize(s);
    return rc;
}

emb_code store_login(store *st, const char *email, const char *pw, int64_t now, login_outcome *out, emb_err *err)
{
    memset(out, 0, sizeof *out);
    out->result = LOGIN_BAD;
    if (sodium_init() < 0)
        return emb_err_set(err, EMB_INTERNAL, _("libsodium cannot start"));
    sqlite3_stmt *s;
    if (prepare(st, "SELECT u.id, coalesce(f.failed, 0), coalesce(f.last_failed, 0), f.locked_until FROM users u "
                    "LEFT JOIN login_failures f ON f.user_id = u.id WHERE u.email = ?1 COLLATE NOCASE",
                &s, err))
        return err->code;
    sqlite3_bind_text(s, 1, email, -1, SQLITE_STATIC);
    int64_t user_id = 0, failed = 0, last_failed = 0, locked_until = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        user_id = sqlite3_column_int64(s, 0);
        failed = sqlite3_column_int64(s, 1);
        last_failed = sqlite3_column_int64(s, 2);
        locked_until = sqlite3_column_int64(s, 3);
    }
    sqlite3_finalize(s);
    if (locked_until > now) {
        out->result = LOGIN_LOCKED;
        out->retry_after = locked_until - now;
        return EMB_OK;
    }
    if (locked_until) /* a lock served starts the count again */
        failed = 0;
    if (failed >= AUTH_LOGIN_SLOW_AFTER) {
        int64_t shift = failed - AUTH_LOGIN_SLOW_AFTER, wait = shift >= 6 ? 60 : (int64_t)1 << shift;
        if (now < last_failed + wait) {
            out->result = LOGIN_WAIT;
            out->retry_after = last_failed + wait - now;
            return EMB_OK;
        }
    }
    int ok = store_user_check_password(st, user_id, pw, err); /* an unknown user takes as long */
    if (ok < 0)
        return err->code;
    if (!user_id)
        return EMB_OK;
    if (!ok) {
        failed++;
        int64_t lock = failed >= AUTH_LOGIN_LOCK_AFTER ? now + AUTH_LOGIN_LOCK_SECONDS : 0;
        if (exec_bind(st,
                      "INSERT INTO login_failures (user_id, failed, last_failed, locked_until) "
                      "VALUES (?1, ?2, ?3, nullif(?4, 0)) ON CONFLICT (user_id) DO UPDATE SET failed = excluded.failed, "
                      "last_failed = excluded.last_failed, locked_until = excluded.locked_until",
                      user_id, failed, now, lock, err))
            return err->code;
        if (lock) {
            char detail[96];
            snprintf(detail, sizeof detail, "{\"failed\":%lld,\"until\":%lld}", (long long)failed, (long long)lock);
            change_ctx ctx = {.now = now};
            if (audit(st, "lock", user_id, detail, &ctx, err))
                return err->code;
            out->locked_now = 1;
            out->user_id = user_id;
        }
        return EMB_OK;
    }
    if (exec_bind(st, "DELETE FROM login_failures WHERE user_id = ?1", user_id, 0, 0, 0, err) ||
        exec_bind(st, "DELETE FROM sessions WHERE expires <= ?1", now, 0, 0, 0, err))
        return err->code;
    random_token("ses_", out->session);
    random_token("csr_", out->csrf);
    char hash[65];
    token_hash(out->session, hash);
    if (prepare(st, "INSERT INTO sessions (hash, user_id, csrf, created, expires, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
                &s, err))
        return err->code;
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, user_id);
    sqlite3_bind_text(s, 3, out->csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, now + AUTH_SESSION_SECONDS);
    emb_code rc = sqlite3_step(s) == SQLITE_DONE ? EMB_OK : store_sql_error(st, _("credentials"), err);
    sqlite3_finalize(s);
    if (rc)
        return rc;
    out->result = LOGIN_OK;
    out->user_id = user_id;
    return EMB_OK;
}

emb_code store_session_check(store *st, const char *token, int64_t now, int64_t *user_id, char role[16],
                             char csrf[AUTH_TOKEN_SIZE], emb_err *err)
{
    if (strncmp(token, "ses_", 4) || strlen(token) != AUTH_TOKEN_SIZE - 1)
        return emb_err_set(err, EMB_NOT_FOUND, _("the session is not valid"));
    char hash[65];
    token_hash(token, hash);
    sqlite3_stmt *s;
    if (prepare(st, "SELECT s.user_id, u.role, s.csrf, s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id "
                    "WHERE s.hash = ?1 AND s.expires > ?2 AND u.active = 1",
                &s, err))
        return err->code;
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    int found = sqlite3_step(s) == SQLITE_ROW;
    int64_t last_seen = 0;
    if (found) {
        *user_id = sqlite3_column_int64(s, 0);
        snprintf(role, 16, "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(csrf, AUTH_TOKEN_SIZE, "%s", (const char *)sqlite3_column_text(s, 2));
        last_seen = sqlite3_column_int64(s, 3);
    }
    sqlite3_finalize(s);
    if (!found)
        return emb_err_set(err, EMB_NOT_FOUND, _("the session is not valid"));
    /* The sliding expiry moves to the minute, as a token's last use (a read only). */
    if (last_seen && now >= last_seen && now - last_seen < AUTH_LAST_USED_SECONDS)
        return EMB_OK;
    if (!prepare(st, "UPDATE sessions SET last_seen = ?2, expires = ?2 + ?3 WHERE hash = ?1", &s, err)) {
        sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, now);
        sqlite3_bind_int64(s, 3, AUTH_SESSION_SECONDS);
        sqlite3_step(s); /* best effort, as for tokens */
        sqlite3_finalize(s);
    }
    return EMB_OK;
}

emb_code store_session_end(store *st, const char *token, emb_err *err)
{
    char hash[65];
    token_hash(token, hash);
    sqlite3_stmt *s;
    if (prepare(st, "DELETE FROM sessions WHERE hash = ?1", &s, err))
        return err->code;
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    emb_code rc = sqlite3_step(s) == SQLITE_DONE ? EMB_OK : store_sql_error(st, _("credentials"), err);
    sqlite3_finalize(s);
    return rc;
}

emb_code store_admin_first_password(store *st, const change_ctx *ctx, arena *a, const char **email,
                                    char password[32], int *done, emb_err *err)
{
    *done = 0;
    *email = NULL;
    password[0] = '\0';
    sqlite3_stmt *s;
    if (prepare(st, "SELECT (SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND password_hash IS NOT "
                    "NULL), (SELECT id FROM users WHERE role = 'admin' AND active = 1 AND email IS NOT NULL "
                    "ORDER BY id LIMIT 1)",
                &s, err))
        return err->code;
    int64_t able = 0, admin = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        able = sqlite3_column_int64(s, 0);
        admin = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    if (able)
        return EMB_OK;
    if (!admin) {
        const kind_def *users = kind_find("users");
        record *r = record_new(a, users);
        if (!r)
            return emb_err_set(err, EMB_NOMEM, _("out of memory"));
        record_set_text(r, kind_field_index(users, "name"), "Admin");
        record_set_text(r, kind_field_index(users, "email"), "admin@localhost");
        record_set_text(r, kind_field_index(users, "role"), "admin");
        if (store_record_insert(st, r, ctx, err))
            return err->code;
        admin = r->id;
    }
    if (sodium_init() < 0)
        return emb_err_set(err, EMB_INTERNAL, _("libsodium cannot start"));
    unsigned char bytes[15];
    randombytes_buf(bytes, sizeof bytes);
    sodium_bin2base64(password, 32, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof bytes);
    const char *name, *role;
    int active;
    emb_code rc = user_row(st, admin, a, email, &name, &role, &active, err);
    if (!rc)
        rc = store_user_set_password(st, admin, password, ctx, err);
    if (rc)
        sodium_memzero(password, 32);
    else
        *done = 1;
    return rc;
}
