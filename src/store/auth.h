/*
 * auth.h - people's credentials: login passwords (argon2id through libsodium's
 * crypto_pwhash_str, in users.password_hash) and API tokens for integrations
 * (api_tokens: shown once, kept as a hash).
 *
 * A token reads "emb_" and 43 characters of base64url (32 random bytes). Its role is
 * its user's or a lower one (admin > manager > rep > viewer). Every change here is
 * audited (action "password", "token-create", "token-revoke"; never the secret).
 *
 * Ownership: functions take the caller's open store and write in the caller's
 * transaction when one is open, else in their own. Secrets given in are not kept;
 * the token written to the caller's buffer is the only copy there will ever be.
 */
#ifndef EMB_STORE_AUTH_H
#define EMB_STORE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "store/records.h"
#include "store/store.h"

enum {
    AUTH_PASSWORD_MIN = 10,  /* characters (bytes of UTF-8) */
    AUTH_PASSWORD_MAX = 256,
    AUTH_TOKEN_SIZE = 48,    /* "emb_" + 43 + NUL */
    AUTH_TOKEN_PREFIX = 12,
    AUTH_LAST_USED_SECONDS = 60, /* a token's last use is written at most this often */
};

/* The roles in order of power (0 viewer .. 3 admin), or -1 for an unknown name. */
int auth_role_rank(const char *role);

/* Whether pw may be a password: AUTH_PASSWORD_MIN to MAX bytes, not the user's
 * email or name. EMB_INVALID saying which rule it breaks (never quoting pw). */
emb_code auth_password_policy(const char *pw, const char *email, const char *name, emb_err *err);

/* Sets the login password of user user_id (policy checked). EMB_NOT_FOUND for no
 * such user. */
emb_code store_user_set_password(store *st, int64_t user_id, const char *pw, const change_ctx *ctx, emb_err *err);

/* 1 when pw is the password of user user_id, 0 when not or when the user has
 * none; -1 with err set on a failure. Takes as long whether or not the user has one. */
int store_user_check_password(store *st, int64_t user_id, const char *pw, emb_err *err);

/* Creates a token for user_id with role (NULL: the user's own), named name; writes
 * it to token. EMB_INVALID for a role above the user's, an unknown role or an
 * inactive user. */
emb_code store_token_create(store *st, int64_t user_id, const char *role, const char *name, const change_ctx *ctx,
                            char token[AUTH_TOKEN_SIZE], int64_t *id, emb_err *err);

typedef struct {
    int64_t id, user_id;
    const char *user_email, *name, *prefix, *role;
    int64_t created, last_used, revoked; /* 0: never / not revoked */
} auth_token_info;

/* Every token (revoked ones too), by id; the strings live in a. */
emb_code store_token_list(store *st, arena *a, auth_token_info **out, size_t *n, emb_err *err);

/* Revokes token id (it stops working at once). EMB_NOT_FOUND when there is none,
 * EMB_CONFLICT when it was revoked already. */
emb_code store_token_revoke(store *st, int64_t id, const change_ctx *ctx, emb_err *err);

/* The user and role of a working token; records its use at `now` when the last
 * one recorded is AUTH_LAST_USED_SECONDS old or more (so most checks only read).
 * EMB_NOT_FOUND for a token that is unknown, revoked, or of an inactive user. */
emb_code store_token_check(store *st, const char *token, int64_t now, int64_t *user_id, char role[16], emb_err *err);

/* When no active admin has a password (a new database: init makes its owner an
 * admin without one), gives the first active admin, or a new "Admin"
 * <admin@localhost> when there is none, a random password of 20 characters, written
 * to password; *email is that admin's (in a). *done = 0 and nothing is written when
 * some admin can log in already. Writes in the caller's transaction. */
emb_code store_admin_first_password(store *st, const change_ctx *ctx, arena *a, const char **email,
                                    char password[32], int *done, emb_err *err);

/* ---- login sessions (the web app) ----------------------------------------------
 * Sessions and failed logins are written statement by statement, outside any
 * transaction and without bumping the generation: a login changes no record, so it
 * must not make the analytics snapshot stale. */

enum {
    AUTH_SESSION_SECONDS = 12 * 3600, /* a session ends 12 h after its last use */
    AUTH_LOGIN_SLOW_AFTER = 3,        /* failures before each retry must wait */
    AUTH_LOGIN_LOCK_AFTER = 10,       /* failures that lock the account */
    AUTH_LOGIN_LOCK_SECONDS = 15 * 60,
};

typedef enum {
    LOGIN_OK,     /* a session was created */
    LOGIN_BAD,    /* unknown email, wrong password, inactive user or none set */
    LOGIN_WAIT,   /* too soon after the last failure: retry_after seconds */
    LOGIN_LOCKED, /* locked after too many failures: retry_after seconds */
} login_result;

typedef struct {
    login_result result;
    int64_t user_id;               /* LOGIN_OK, and LOGIN_LOCKED when this attempt locked it */
    int64_t retry_after;           /* LOGIN_WAIT, LOGIN_LOCKED */
    int locked_now;                /* this failure locked the account (it is in the audit log) */
    char session[AUTH_TOKEN_SIZE]; /* LOGIN_OK: the cookie's token */
    char csrf[AUTH_TOKEN_SIZE];    /* LOGIN_OK: the token writes must echo */
} login_outcome;

/* Checks email and password at `now` and, when right, starts a session. After
 * AUTH_LOGIN_SLOW_AFTER failures in a row each retry must wait 1, 2, 4 ... (at most
 * 60) seconds after the last failure, unchecked meanwhile; after
 * AUTH_LOGIN_LOCK_AFTER the account is locked for AUTH_LOGIN_LOCK_SECONDS and the
 * lock is audited (action "lock"). A wrong password and an unknown email take as
 * long and give the same result. Errors (err) only for failures of the store. */
emb_code store_login(store *st, const char *email, const char *pw, int64_t now, login_outcome *out, emb_err *err);

/* The user, role and CSRF token of a live session, extending it to
 * AUTH_SESSION_SECONDS from now when its last extension is AUTH_LAST_USED_SECONDS
 * old or more (so most checks only read); EMB_NOT_FOUND for
 * an unknown, expired or ended session or an inactive user. */
emb_code store_session_check(store *st, const char *token, int64_t now, int64_t *user_id, char role[16],
                             char csrf[AUTH_TOKEN_SIZE], emb_err *err);

/* Ends the session (logout); ending an unknown one is not an error. */
emb_code store_session_end(store *st, const char *token, emb_err *err);

#endif
