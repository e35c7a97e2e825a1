/* i18n.c - choice of the language of messages; see i18n.h for the state it sets. */
#include "core/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef EMB_LOCALEDIR
#define EMB_LOCALEDIR "/usr/local/share/locale"
#endif

int i18n_lang_parse(const char *code, i18n_lang *out)
{
    if (!code)
        return -1;
    if (!strcmp(code, "en"))
        *out = I18N_EN;
    else if (!strcmp(code, "es"))
        *out = I18N_ES;
    else
        return -1;
    return 0;
}

i18n_lang i18n_lang_from_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return !strncmp(v, "es", 2) && (v[2] == '\0' || v[2] == '_' || v[2] == '.' || v[2] == '@')
                       ? I18N_ES
                       : I18N_EN;
    }
    return I18N_EN;
}

const char *i18n_code(i18n_lang lang) { return lang == I18N_ES ? "es" : "en"; }

/* The build tree's catalogue directory (DIR/po beside the executable DIR/embudo)
 * when it holds the Spanish catalogue, written to buf; else the installed one. */
static const char *locale_dir(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int len = snprintf(buf, size, "%s/po/es/LC_MESSAGES/" I18N_DOMAIN ".mo", exe);
            if (len > 0 && (size_t)len < size && access(buf, R_OK) == 0) {
                snprintf(buf, size, "%s/po", exe);
                return buf;
            }
        }
    }
    return EMB_LOCALEDIR;
}

void i18n_use(i18n_lang lang)
{
    /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
    const char *cur = setlocale(LC_MESSAGES, "");
    if (!cur || !strcmp(cur, "C") || !strcmp(cur, "POSIX"))
        if (!setlocale(LC_MESSAGES, "C.UTF-8"))
            setlocale(LC_MESSAGES, "C.utf8");
    setenv("LANGUAGE", i18n_code(lang), 1);
    char buf[PATH_MAX + 64];
    bindtextdomain(I18N_DOMAIN, locale_dir(buf, sizeof buf));
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    textdomain(I18N_DOMAIN);
}

const char *i18n_pgettext(const char *context, const char *msgid)
{
    char key[256];
    int n = snprintf(key, sizeof key, "%s\004%s", context, msgid);
    if (n < 0 || (size_t)n >= sizeof key)
        return msgid;
    const char *t = gettext(key);
    return t == key ? msgid : t;
}
