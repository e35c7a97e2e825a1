/* settings.c - the server's settings table and its three sources; see settings.h. */
#include "http/settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"

typedef enum { KIND_TEXT, KIND_INT } setting_kind;

typedef struct {
    const char *name; /* as in the file and as the flag; EMBUDO_ + upper case is the variable */
    setting_kind kind;
    size_t offset;    /* into server_settings */
    int64_t min, max; /* KIND_INT */
    const char *def;  /* default as text; NULL: computed (threads) */
    const char *help; /* N_() */
} setting_def;

static const setting_def table[] = {
    {"listen", KIND_TEXT, offsetof(server_settings, listen), 0, 0, "127.0.0.1:8080",
     N_("address and port to listen on, ADDR:PORT (port 0: any free port)")},
    {"threads", KIND_INT, offsetof(server_settings, threads), 1, 256, NULL,
     N_("worker threads answering requests (default: one per processor, at least 2)")},
    {"tls-cert", KIND_TEXT, offsetof(server_settings, tls_cert), 0, 0, "",
     N_("certificate chain (PEM file) to serve HTTPS with; with tls-key")},
    {"tls-key", KIND_TEXT, offsetof(server_settings, tls_key), 0, 0, "", N_("private key (PEM file) of tls-cert")},
    {"access-log", KIND_TEXT, offsetof(server_settings, access_log), 0, 0, "-",
     N_("file to append one line per request to ('-': standard error; empty: none)")},
    {"connection-timeout", KIND_INT, offsetof(server_settings, connection_timeout), 1, 3600, "30",
     N_("seconds an idle connection stays open")},
    {"max-connections", KIND_INT, offsetof(server_settings, max_connections), 1, 100000, "1000",
     N_("open connections at most; more wait to be accepted")},
    {"shutdown-grace", KIND_INT, offsetof(server_settings, shutdown_grace), 0, 600, "10",
     N_("seconds to finish requests in flight after SIGTERM or SIGINT")},
    {"events-heartbeat", KIND_INT, offsetof(server_settings, events_heartbeat), 1, 3600, "15",
     N_("seconds between heartbeats (comment lines) of an idle event stream")},
    {"webhook-timeout", KIND_INT, offsetof(server_settings, webhook_timeout), 1, 600, "10",
     N_("seconds a webhook delivery may take before it counts as failed")},
    {"webhook-retry", KIND_INT, offsetof(server_settings, webhook_retry), 1, 3600, "30",
     N_("seconds before a failed webhook delivery's first retry (doubling after each, for a day)")},
    {"import-max-bytes", KIND_INT, offsetof(server_settings, import_max_bytes), 1024, INT64_C(1) << 40, "67108864",
     N_("largest file, in bytes, that POST /api/v1/import/KIND takes (413 beyond)")},
};
enum { NSETTINGS = sizeof table / sizeof table[0] };
_Static_assert(NSETTINGS <= sizeof(((settings_origin *)0)->source) / sizeof(setting_source),
               "settings_origin has room for every setting");

static const setting_def *find(const char *name, size_t len)
{
    for (int i = 0; i < NSETTINGS; i++)
        if (strlen(table[i].name) == len && !strncmp(table[i].name, name, len))
            return &table[i];
    return NULL;
}

emb_code settings_split_listen(const char *listen, char *addr, size_t addr_size, int *port, emb_err *err)
{
    const char *colon = strrchr(listen, ':');
    const char *host = listen, *host_end = colon;
    if (colon && listen[0] == '[') { /* [::1]:8080 */
        const char *close = strchr(listen, ']');
        if (!close || close + 1 != colon)
            colon = NULL;
        host = listen + 1;
        host_end = close;
    }
    char *end = NULL;
    errno = 0;
    long p = colon && colon[1] ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || host_end == host || !end || *end || errno || p < 0 || p > 65535 ||
        (size_t)(host_end - host) >= addr_size)
        return emb_err_set(err, EMB_USAGE,
                           _("'%s' is not an address to listen on; write ADDR:PORT, such as 127.0.0.1:8080, "
                             "0.0.0.0:8080 (every interface) or [::1]:8080"),
                           listen);
    memcpy(addr, host, (size_t)(host_end - host));
    addr[host_end - host] = '\0';
    *port = (int)p;
    return EMB_OK;
}

/* Sets d's field of s from text; `from` names the source for messages. */
static emb_code apply(server_settings *s, settings_origin *o, const setting_def *d, const char *value,
                      setting_source src, const char *from, emb_err *err)
{
    char *field = (char *)s + d->offset;
    if (d->kind == KIND_INT) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (!*value || *end || errno || v < d->min || v > d->max)
            return emb_err_set(err, EMB_USAGE, _("%s: setting '%s' takes a whole number from %lld to %lld, not '%s'"),
                               from, d->name, (long long)d->min, (long long)d->max, value);
        *(int64_t *)(void *)field = v;
    } else {
        if (strlen(value) >= SETTING_TEXT_MAX)
            return emb_err_set(err, EMB_USAGE, _("%s: the value of setting '%s' is longer than %d characters"), from,
                               d->name, SETTING_TEXT_MAX - 1);
        if (!strcmp(d->name, "listen")) {
            char addr[256];
            int port;
            if (settings_split_listen(value, addr, sizeof addr, &port, err))
                return emb_err_prefix(err, "%s", from);
        }
        snprintf(field, SETTING_TEXT_MAX, "%s", value);
    }
    o->source[d - table] = src;
    return EMB_OK;
}

void settings_defaults(server_settings *s, settings_origin *o)
{
    memset(s, 0, sizeof *s);
    memset(o, 0, sizeof *o);
    for (int i = 0; i < NSETTINGS; i++) {
        if (!table[i].def)
            continue;
        emb_err ignored;
        apply(s, o, &table[i], table[i].def, SETTING_DEFAULT, "default", &ignored);
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    s->threads = cpus < 2 ? 2 : cpus > 256 ? 256 : cpus;
}

/* s[0..n) without blanks at either end, in out (size SETTING_TEXT_MAX + 2). */
static void trim_into(const char *s, size_t n, char *out, size_t size)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
        s++, n -= 2;
    if (n >= size)
        n = size - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

emb_code settings_read_file(server_settings *s, settings_origin *o, const char *path, emb_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return emb_err_set(err, errno == ENOENT ? EMB_NOT_FOUND : EMB_IO, _("cannot read the config file '%s': %s"),
                           path, strerror(errno));
    emb_code rc = settings_read_stream(s, o, f, path, err);
    fclose(f);
    return rc;
}

emb_code settings_read_stream(server_settings *s, settings_origin *o, FILE *f, const char *name, emb_err *err)
{
    char line[SETTING_TEXT_MAX + 256], from[SETTING_TEXT_MAX + 32];
    emb_code rc = EMB_OK;
    for (int no = 1; !rc && fgets(line, sizeof line, f); no++) {
        snprintf(from, sizeof from, "%s:%d", name, no);
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            rc = emb_err_set(err, EMB_USAGE, _("%s: the line is too long"), from);
            break;
        }
        const char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        const char *eq = strchr(p, '=');
        char key[128], value[SETTING_TEXT_MAX + 2];
        if (!eq) {
            trim_into(p, strlen(p), value, sizeof value);
            rc = emb_err_set(err, EMB_USAGE, _("%s: '%s' is not a setting; write NAME = VALUE"), from, value);
            break;
        }
        trim_into(p, (size_t)(eq - p), key, sizeof key);
        trim_into(eq + 1, strlen(eq + 1), value, sizeof value);
        const setting_def *d = find(key, strlen(key));
        if (!d) {
            rc = emb_err_set(err, EMB_USAGE, _("%s: there is no setting '%s'; `embudo serve --help` lists them"), from,
                             key);
            break;
        }
        rc = apply(s, o, d, value, SETTING_FILE, from, err);
    }
    if (!rc && ferror(f))
        rc = emb_err_set(err, EMB_IO, _("cannot read the config file '%s'"), name);
    return rc;
}

emb_code settings_read_env(server_settings *s, settings_origin *o, char *const *envp, emb_err *err)
{
    for (int i = 0; i < NSETTINGS; i++) {
        char var[128];
        size_t n = (size_t)snprintf(var, sizeof var, "EMBUDO_");
        for (const char *c = table[i].name; *c && n + 1 < sizeof var; c++)
            var[n++] = *c == '-' ? '_' : (char)toupper((unsigned char)*c);
        var[n] = '\0';
        for (char *const *e = envp; e && *e; e++)
            if (!strncmp(*e, var, n) && (*e)[n] == '=') {
                if (apply(s, o, &table[i], *e + n + 1, SETTING_ENV, var, err))
                    return err->code;
            }
    }
    return EMB_OK;
}

emb_code settings_set_flag(server_settings *s, settings_origin *o, const char *name, const char *value, emb_err *err)
{
    const setting_def *d = find(name, strlen(name));
    if (!d)
        return emb_err_set(err, EMB_NOT_FOUND, _("there is no setting '%s'"), name);
    char from[160];
    snprintf(from, sizeof from, "--%s", name);
    return apply(s, o, d, value, SETTING_FLAG, from, err);
}

emb_code settings_check(const server_settings *s, emb_err *err)
{
    if (!*s->tls_cert != !*s->tls_key)
        return emb_err_set(err, EMB_USAGE,
                           _("HTTPS needs both tls-cert and tls-key (a certificate and its private key, PEM files)"));
    return EMB_OK;
}

void settings_each(const server_settings *s, const settings_origin *o, settings_visit fn, void *ud)
{
    for (int i = 0; i < NSETTINGS; i++) {
        const char *field = (const char *)s + table[i].offset;
        char buf[32];
        const char *value = field;
        if (table[i].kind == KIND_INT) {
            snprintf(buf, sizeof buf, "%lld", (long long)*(const int64_t *)(const void *)field);
            value = buf;
        }
        fn(ud, table[i].name, value, o->source[i], _(table[i].help));
    }
}
