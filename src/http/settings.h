/*
 * settings.h - the server's settings: one table of every setting (its name, kind,
 * range, default and help) read, in order of precedence from lowest to highest,
 * from the defaults, a config file, the environment (EMBUDO_NAME, upper case with
 * '-' as '_') and command-line flags (--name VALUE).
 *
 * The config file holds one `name = value` per line; blank lines and lines whose
 * first non-blank character is '#' are skipped; a value may be quoted with "...".
 * An unknown name, a value of the wrong kind or out of range is an error naming
 * where it came from (FILE:LINE, the variable, or the flag) and the value.
 *
 * Ownership: a server_settings owns its strings (fixed buffers inside it); it has
 * no pointers and may be copied. Nothing here is global.
 */
#ifndef EMB_HTTP_SETTINGS_H
#define EMB_HTTP_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

enum { SETTING_TEXT_MAX = 1024 };

typedef struct {
    char listen[SETTING_TEXT_MAX];     /* ADDR:PORT; port 0 picks a free one */
    int64_t threads;                   /* worker threads of the pool */
    char tls_cert[SETTING_TEXT_MAX];   /* PEM file; "" for plain HTTP */
    char tls_key[SETTING_TEXT_MAX];    /* PEM file, with tls_cert */
    char access_log[SETTING_TEXT_MAX]; /* file appended to; "-" standard error, "" none */
    int64_t connection_timeout;        /* seconds a connection may stay idle */
    int64_t max_connections;           /* open connections at most */
    int64_t shutdown_grace;            /* seconds to finish requests in flight on SIGTERM */
    int64_t events_heartbeat;          /* seconds between heartbeats of an idle event stream */
    int64_t webhook_timeout;           /* seconds a webhook delivery may take */
    int64_t webhook_retry;             /* seconds before a failed delivery's first retry */
    int64_t import_max_bytes;          /* largest file POST /api/v1/import/{kind} takes (413 beyond) */
} server_settings;

/* Where a setting's value came from, for messages and `serve --show-settings`. */
typedef enum { SETTING_DEFAULT, SETTING_FILE, SETTING_ENV, SETTING_FLAG } setting_source;

typedef struct {
    setting_source source[16]; /* per entry of the table, in table order */
} settings_origin;

/* The defaults: 127.0.0.1:8080, one thread per processor (at least 2), no TLS,
 * access log on standard error, 30 s idle timeout, 1,000 connections, 10 s grace,
 * a heartbeat every 15 s, webhooks given 10 s and retried from 30 s on,
 * imports of up to 64 MiB. */
void settings_defaults(server_settings *s, settings_origin *o);

/* Applies the config file at path over s. EMB_NOT_FOUND when it does not exist
 * (callers decide whether that matters), EMB_USAGE for a bad line (FILE:LINE). */
emb_code settings_read_file(server_settings *s, settings_origin *o, const char *path, emb_err *err);

/* The same for an open stream, named name in messages (NAME:LINE). */
emb_code settings_read_stream(server_settings *s, settings_origin *o, FILE *f, const char *name, emb_err *err);

/* Applies the EMBUDO_* variables of envp (NULL-terminated "NAME=VALUE" strings)
 * that name a setting; others are ignored. EMB_USAGE for a bad value. */
emb_code settings_read_env(server_settings *s, settings_origin *o, char *const *envp, emb_err *err);

/* Applies one flag: name without the leading dashes. EMB_NOT_FOUND when name is
 * not a setting (the caller's own option, maybe), EMB_USAGE for a bad value. */
emb_code settings_set_flag(server_settings *s, settings_origin *o, const char *name, const char *value, emb_err *err);

/* Checks what no single value shows: a TLS key without its certificate, say. */
emb_code settings_check(const server_settings *s, emb_err *err);

/* Calls fn for each setting in table order with its name, its value as text, its
 * source and its help (translated). */
typedef void (*settings_visit)(void *ud, const char *name, const char *value, setting_source src, const char *help);
void settings_each(const server_settings *s, const settings_origin *o, settings_visit fn, void *ud);

/* Splits "ADDR:PORT" ("[::1]:8080" for IPv6). EMB_USAGE naming the value. */
emb_code settings_split_listen(const char *listen, char *addr, size_t addr_size, int *port, emb_err *err);

#endif
